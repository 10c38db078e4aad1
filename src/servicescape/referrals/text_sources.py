"""Word of mouth's free text for the capabilities that read every comment: testimonials."""

from __future__ import annotations

from sqlalchemy import Select, select

from servicescape.referrals.models import Testimonial


def testimonials() -> Select[tuple[int, int, str, object]]:
    return select(Testimonial.id.label("key"), Testimonial.client_id.label("client_id"),
                  Testimonial.text.label("text"), Testimonial.created_at.label("said_at"))
