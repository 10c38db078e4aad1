"""The client book's events on a timeline: interactions, engagements (from their start) and invoices."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicescape.auth.models import Staff
from servicescape.clients.capability import DELETE, WRITE
from servicescape.clients.models import Client, Engagement, Interaction, Invoice
from servicescape.i18n import _
from servicescape.offerings.models import ServicePackage
from servicescape.platform.timeline import TimelineEvent, TimelineQuery, day_start

CHANNEL_ICONS = {"call": "call", "e-mail": "email", "letter": "letter", "meeting": "meeting",
                 "meal": "meal", "other": "other"}


def channel_label(channel: str) -> str:
    labels = {"call": _("Call"), "e-mail": _("E-mail"), "letter": _("Letter"), "meeting": _("Meeting"),
              "meal": _("Meal"), "other": _("Other")}
    return labels.get(channel, labels["other"])


def engagement_status_label(status: str) -> str:
    labels = {"proposed": _("Proposed"), "active": _("Active"), "completed": _("Completed"),
              "cancelled": _("Cancelled")}
    return labels.get(status, status)


def events(session: Session, query: TimelineQuery) -> list[TimelineEvent]:
    found: list[TimelineEvent] = []
    if "interaction" in query.types:
        found += _interactions(session, query)
    if "engagement" in query.types:
        found += _engagements(session, query)
    if "invoice" in query.types:
        found += _invoices(session, query)
    return found


def _interactions(session: Session, query: TimelineQuery) -> list[TimelineEvent]:
    statement = (
        select(Interaction.id, Interaction.client_id, Interaction.channel, Interaction.occurred_at,
               Interaction.summary, Staff.name, Client.name)
        .join(Client, Client.id == Interaction.client_id)
        .outerjoin(Staff, Staff.id == Interaction.staff_id)
        .where(query.scope.clients(Interaction.client_id))
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc()).limit(query.limit)
    )
    statement = statement.where(query.older("interaction", Interaction.occurred_at, Interaction.id))
    return [
        TimelineEvent(
            "interaction", row_id, at, channel_label(channel.value), CHANNEL_ICONS.get(channel.value, "other"),
            client_id, client_name=client_name, summary=summary, actor=staff_name,
            url=f"/interactions/{row_id}/edit", url_permission=WRITE, delete_url=f"/interactions/{row_id}/delete",
            delete_permission=DELETE,
        )
        for row_id, client_id, channel, at, summary, staff_name, client_name in session.execute(statement)
    ]


def _engagements(session: Session, query: TimelineQuery) -> list[TimelineEvent]:
    statement = (
        select(Engagement.id, Engagement.client_id, Engagement.start_date, Engagement.created_at,
               Engagement.description, Engagement.status, ServicePackage.name, Staff.name, Client.name)
        .join(Client, Client.id == Engagement.client_id)
        .outerjoin(ServicePackage, ServicePackage.id == Engagement.package_id)
        .outerjoin(Staff, Staff.id == Engagement.sold_by_id)
        .where(query.scope.clients(Engagement.client_id), Engagement.start_date.is_not(None))
        .order_by(Engagement.start_date.desc(), Engagement.id.desc()).limit(query.limit)
    )
    statement = statement.where(query.older_days("engagement", Engagement.start_date, Engagement.id))
    found = []
    for row_id, client_id, start, _created, description, status, package, seller, client_name in session.execute(
        statement
    ):
        title = _("Engagement: %(name)s", name=package or (description or "")[:80])
        assert start is not None  # the query keeps engagements with a start date
        found.append(TimelineEvent(
            "engagement", row_id, day_start(start, query.zone), title, "engagements", client_id,
            client_name=client_name, summary=description if package else None,
            actor=_("Sold by %(name)s", name=seller) if seller else None, all_day=True,
            url=f"/engagements/{row_id}/edit", url_permission=WRITE,
            badges=((engagement_status_label(status.value), "neutral"),),
        ))
    return found


def _invoices(session: Session, query: TimelineQuery) -> list[TimelineEvent]:
    statement = (
        select(Invoice.id, Invoice.client_id, Invoice.issued_on, Invoice.amount, Invoice.currency,
               Invoice.external_id, Client.name)
        .join(Client, Client.id == Invoice.client_id)
        .where(query.scope.clients(Invoice.client_id))
        .order_by(Invoice.issued_on.desc(), Invoice.id.desc()).limit(query.limit)
    )
    statement = statement.where(query.older_days("invoice", Invoice.issued_on, Invoice.id))
    return [
        TimelineEvent(
            "invoice", row_id, day_start(issued, query.zone),
            _("Invoice %(number)s", number=number) if number else _("Invoice"), "invoices", client_id,
            client_name=client_name, all_day=True, url=f"/invoices/{row_id}/edit", url_permission=WRITE,
            money=(amount, currency),
        )
        for row_id, client_id, issued, amount, currency, number, client_name in session.execute(statement)
    ]
