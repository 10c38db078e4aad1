"""The data the message, case-study and proposal tests share: offerings' small catalogue with its
Malay client, texts of a message approved in some languages, interactions, testimonials with their
consent, value cases; and reading the text a PDF carries (its metadata and bookmarks)."""

from __future__ import annotations

import re
import zlib
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from servicescape.auth.permissions import SYSTEM
from servicescape.clients import service as clients
from servicescape.offerings.value import value_cases
from servicescape.plan import messages
from servicescape.referrals import service as referrals
from servicescape.runtime import Runtime

WORDS = {"en": "Your plant keeps running while we look after it.",
         "ms": "Loji anda terus berjalan sementara kami menjaganya.",
         "zh-Hans": "我们照看设备，您的工厂一直运转。"}


def a_message(runtime: Runtime, name: str, languages: tuple[str, ...] = ("en", "ms"), *, segment: str | None = None,
              kind: str = "benefit") -> int:
    """A message approved (by the system) in ``languages``."""
    with runtime.transaction() as session:
        made = messages.messages.create(session, {"name": name, "kind": kind, "segment": segment}, by=SYSTEM)
        for language in languages:
            version = messages.add_version(session, made.id, language, WORDS.get(language, f"{name} ({language})"),
                                           by=SYSTEM)
            messages.approve_version(session, version.id, by=SYSTEM)
        return made.id


def an_interaction(runtime: Runtime, client_id: int, staff_id: int | None, at: datetime) -> int:
    with runtime.transaction() as session:
        return clients.interactions.create(session, {"client_id": client_id, "staff_id": staff_id,
                                                     "channel": "call", "occurred_at": at,
                                                     "summary": "Called about the next visit."}, by=SYSTEM).id


def a_client(runtime: Runtime, name: str, **fields: Any) -> int:
    with runtime.transaction() as session:
        return clients.clients.create(session, {"name": name, **fields}, by=SYSTEM).id


def a_completed_engagement(runtime: Runtime, client_id: int, package_id: int | None = None) -> int:
    with runtime.transaction() as session:
        return clients.engagements.create(session, {"client_id": client_id, "package_id": package_id,
                                                    "status": "completed", "description": "Chiller maintenance"},
                                          by=SYSTEM).id


def a_testimonial(runtime: Runtime, client_id: int, *uses: str, approved: bool = True, language: str = "en",
                  author: str = "Siti Aminah") -> int:
    with runtime.transaction() as session:
        made = referrals.testimonials.create(session, {
            "client_id": client_id, "author_name": author, "author_role": "Facilities manager",
            "text": "Every call-out came inside the promised window.", "language": language,
            "consent_by": author, "consent_at": datetime(2026, 1, 5, 3, tzinfo=UTC), "consent_uses": list(uses)},
            by=SYSTEM)
        if approved:
            referrals.approve(session, made, by=SYSTEM)
        return made.id


def a_value_case(runtime: Runtime, client_id: int, engagement_id: int | None = None) -> tuple[int, int | None]:
    """A value case of the client (price 12,000 EUR; benefits 15,000 expected; the client's costs 500):
    value 2,500, return 20 %, paid back in 10.0 months — and an outcome on ``engagement_id``."""
    with runtime.transaction() as session:
        case = value_cases.create(session, {
            "client_id": client_id, "title": "Premier for the head office", "currency": "EUR",
            "price": Decimal(12000), "horizon_months": 12,
            "benefits": [{"kind": "time_saved", "description": "Breakdown hours", "low": Decimal(10000),
                          "expected": Decimal(15000), "high": Decimal(20000)}],
            "costs": [{"kind": "switching", "description": "Handover", "low": Decimal(500), "expected": Decimal(500),
                       "high": Decimal(1500)}]}, by=SYSTEM)
        outcome_id = None
        if engagement_id is not None:
            from servicescape.offerings import value

            outcome_id = value.add_outcome(session, case.id, {
                "engagement_id": engagement_id, "recorded_on": datetime.now(UTC).date() - timedelta(days=3),
                "description": "Breakdown hours down by a third"}, by=SYSTEM).id
        return case.id, outcome_id


def pdf_text(content: bytes) -> bytes:
    """The PDF with its compressed streams inflated: its metadata (title, subject, language) and its
    bookmarks (the document's headings) read as text."""
    parts = [content]
    for start in re.finditer(rb"stream\r?\n", content):
        try:
            parts.append(zlib.decompressobj().decompress(content[start.end():]))
        except zlib.error:
            continue
    return b"\n".join(parts)


def pdf_says(content: bytes, text: str) -> bool:
    """Whether the PDF carries ``text`` as a string (ASCII as it is, other scripts as UTF-16)."""
    found = pdf_text(content)
    if text.isascii():
        return text.encode() in found
    return ("feff" + text.encode("utf-16-be").hex()).encode() in found or text.encode("utf-16-be").hex().encode() \
        in found
