"""The client book's free text for the capabilities that read every comment: interaction notes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from servicescape.clients.models import Interaction


def interaction_notes() -> Select[Any, Any, Any, Any]:
    return select(Interaction.id.label("key"), Interaction.client_id.label("client_id"),
                  Interaction.summary.label("text"), Interaction.occurred_at.label("said_at"))
