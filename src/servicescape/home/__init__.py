"""The home page: the signed-in person's day, and the panels capabilities add to it."""
