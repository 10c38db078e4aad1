"""The promise ledger's free text for the capabilities that read every comment: complaints and the
client's own words about a promise."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from servicescape.promises.models import Complaint, Promise


def complaints() -> Select[Any, Any, Any, Any]:
    return select(Complaint.id.label("key"), Complaint.client_id.label("client_id"),
                  Complaint.text.label("text"), Complaint.received_at.label("said_at"))


def promise_words() -> Select[Any, Any, Any, Any]:
    return select(Promise.id.label("key"), Promise.client_id.label("client_id"),
                  Promise.client_words.label("text"), Promise.created_at.label("said_at"))
