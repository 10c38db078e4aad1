"""Word of mouth: testimonials (with the client's consent) and referrals."""
