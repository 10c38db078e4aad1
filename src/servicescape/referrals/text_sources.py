"""Word of mouth's free text for the capabilities that read every comment: testimonials."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from servicescape.referrals.models import Testimonial


def testimonials() -> Select[Any, Any, Any, Any]:
    return select(Testimonial.id.label("key"), Testimonial.client_id.label("client_id"),
                  Testimonial.text.label("text"), Testimonial.created_at.label("said_at"))
