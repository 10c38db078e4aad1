"""The client book's sections of a client's page (declared in capability.py), and what its forms
pick from. Each loader answers the values of its template; the page adds ``client``, ``form``
(the add form's state), ``open`` (the add form failed and shows its errors) and ``message``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from servicescape import i18n
from servicescape.auth.models import Staff
from servicescape.clients import service
from servicescape.clients.models import Client
from servicescape.db.types import utcnow
from servicescape.offerings.models import ServicePackage
from servicescape.platform.timeline import TimelineScope
from servicescape.platform.timeline import timeline as platform_timeline
from servicescape.web.deps import RequestContext
from servicescape.web.forms import FormState, display_value, local_input

TIMELINE_PAGE = 20


@dataclass(frozen=True)
class Pickers:
    """Choices of the forms: active staff and packages, plus whatever a record already names."""

    staff: list[Staff]
    packages: list[ServicePackage]

    @classmethod
    def load(cls, session: Session, context: RequestContext) -> Pickers:
        choices = service.record_choices(session, by=context.principal)
        return cls(choices.staff, choices.packages)

    def staff_options(self, selected: Any, empty: str) -> list[tuple[str, str]]:
        chosen = display_value(selected)
        return [("", empty)] + [
            (str(person.id), person.name if person.active
             else i18n._("%(name)s (inactive)", name=person.name))
            for person in self.staff if person.active or str(person.id) == chosen
        ]

    def package_options(self, selected: Any, empty: str) -> list[tuple[str, str]]:
        chosen = display_value(selected)
        return [("", empty)] + [
            (str(package.id), f"{package.name} · {package.level}" if package.level else package.name)
            for package in self.packages if package.active or str(package.id) == chosen
        ]


def _me(context: RequestContext) -> str:
    return str(context.user.id) if context.user else ""


def _today(context: RequestContext) -> str:
    return utcnow().astimezone(context.runtime.settings.zone).date().isoformat()


def revenue(context: RequestContext, session: Session, client: Client) -> dict[str, Any]:
    return {"revenue": service.client_revenue(session, client.id, by=context.principal)}


def timeline(context: RequestContext, session: Session, client: Client) -> dict[str, Any]:
    params = context.request.query_params
    page = platform_timeline(
        session, TimelineScope(client_id=client.id), by=context.principal, zone=context.runtime.settings.zone,
        types=[kind for kind in params.getlist("type") if kind], before=params.get("before") or None,
        limit=TIMELINE_PAGE,
    )
    return {"page": page, "pickers": Pickers.load(session, context),
            "form": FormState({"channel": "call", "occurred_at": local_input(utcnow(), context.runtime.settings.zone),
                               "staff_id": _me(context)})}


def contacts(context: RequestContext, session: Session, client: Client) -> dict[str, Any]:
    return {"contacts": service.client_contacts(session, client.id, by=context.principal), "form": FormState()}


def engagements(context: RequestContext, session: Session, client: Client) -> dict[str, Any]:
    me = _me(context)
    return {"engagements": service.client_engagements(session, client.id, by=context.principal),
            "pickers": Pickers.load(session, context),
            "form": FormState({"status": "active", "sold_by_id": me, "delivered_by_id": me,
                               "start_date": _today(context)})}


def invoices(context: RequestContext, session: Session, client: Client) -> dict[str, Any]:
    rows = service.client_invoices(session, client.id, by=context.principal)
    return {"invoices": rows, "engagements": service.client_engagements(session, client.id, by=context.principal),
            "form": FormState({"issued_on": _today(context), "currency": rows[0].currency if rows else ""})}
