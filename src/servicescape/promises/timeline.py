"""Promises and complaints on a client's timeline: a promise when its window starts (with how it
ended), the at-risk notice when it went out, a complaint when it was received and when it was
resolved. One query per kind of event, each in its own order."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from servicescape.auth.models import Staff
from servicescape.clients.models import Client
from servicescape.i18n import _
from servicescape.platform.timeline import TimelineEvent, TimelineQuery
from servicescape.promises.labels import kind_label, severity_label
from servicescape.promises.models import Complaint, Promise, PromiseStatus

_TONES = {PromiseStatus.kept: "success", PromiseStatus.late: "warning", PromiseStatus.missed: "danger",
          PromiseStatus.cancelled: "neutral", PromiseStatus.open: "info"}


def _status_label(status: PromiseStatus, lateness: int | None) -> str:
    return {PromiseStatus.kept: _("Kept"), PromiseStatus.late: _("Late by %(n)s min", n=lateness or 0),
            PromiseStatus.missed: _("Missed"), PromiseStatus.cancelled: _("Cancelled"),
            PromiseStatus.open: _("Open")}[status]


def events(session: Session, query: TimelineQuery) -> list[TimelineEvent]:
    found: list[TimelineEvent] = []
    if "promise" in query.types:
        found += _promises(session, query) + _notices(session, query)
    if "complaint" in query.types:
        found += _complaints(session, query) + _resolutions(session, query)
    return found


def _promises(session: Session, query: TimelineQuery) -> list[TimelineEvent]:
    owner = aliased(Staff)
    statement = (
        select(Promise.id, Promise.client_id, Promise.title, Promise.kind, Promise.status, Promise.window_start,
               Promise.lateness_minutes, Promise.client_words, Promise.repromised_from_id, owner.name, Client.name)
        .join(Client, Client.id == Promise.client_id).outerjoin(owner, owner.id == Promise.owner_id)
        .where(query.scope.clients(Promise.client_id), query.older("promise", Promise.window_start, Promise.id))
        .order_by(Promise.window_start.desc(), Promise.id.desc()).limit(query.limit)
    )
    found = []
    for (row_id, client_id, title, kind, status, start, lateness, words, previous, owner_name,
         client_name) in session.execute(statement):
        heading = _("Promise: %(what)s", what=title or kind_label(kind))
        if previous:
            heading = _("Re-promise: %(what)s", what=title or kind_label(kind))
        found.append(TimelineEvent("promise", row_id, start, heading, "promises", client_id, client_name=client_name,
                                   summary=words, actor=owner_name, url=f"/promises/{row_id}",
                                   badges=((_status_label(status, lateness), _TONES[status]),)))
    return found


def _notices(session: Session, query: TimelineQuery) -> list[TimelineEvent]:
    """The at-risk notice: an event of its own, at the moment the client was told (id negated so
    that it never clashes with the promise's own event)."""
    statement = (
        select(Promise.id, Promise.client_id, Promise.title, Promise.kind, Promise.announced_at, Client.name)
        .join(Client, Client.id == Promise.client_id)
        .where(query.scope.clients(Promise.client_id), Promise.announced_at.is_not(None),
               query.older("promise", Promise.announced_at, -Promise.id))
        .order_by(Promise.announced_at.desc(), Promise.id).limit(query.limit)
    )
    return [TimelineEvent("promise", -row_id, at, _("The client was told: %(what)s is at risk", what=title or
                                                    kind_label(kind)), "email", client_id, client_name=client_name,
                          url=f"/promises/{row_id}")
            for row_id, client_id, title, kind, at, client_name in session.execute(statement) if at is not None]


def _complaints(session: Session, query: TimelineQuery) -> list[TimelineEvent]:
    owner = aliased(Staff)
    statement = (
        select(Complaint.id, Complaint.client_id, Complaint.text, Complaint.received_at, Complaint.severity,
               owner.name, Client.name)
        .join(Client, Client.id == Complaint.client_id).outerjoin(owner, owner.id == Complaint.owner_id)
        .where(query.scope.clients(Complaint.client_id), query.older("complaint", Complaint.received_at, Complaint.id))
        .order_by(Complaint.received_at.desc(), Complaint.id.desc()).limit(query.limit)
    )
    return [TimelineEvent("complaint", row_id, at, _("Complaint"), "complaints", client_id, client_name=client_name,
                          summary=text, actor=owner_name, url=f"/complaints/{row_id}",
                          badges=((severity_label(severity), "danger" if severity.value in ("high", "critical") else
                                   "warning"),))
            for row_id, client_id, text, at, severity, owner_name, client_name in session.execute(statement)]


def _resolutions(session: Session, query: TimelineQuery) -> list[TimelineEvent]:
    statement = (
        select(Complaint.id, Complaint.client_id, Complaint.outcome, Complaint.resolved_at, Client.name)
        .join(Client, Client.id == Complaint.client_id)
        .where(query.scope.clients(Complaint.client_id), Complaint.resolved_at.is_not(None),
               query.older("complaint", Complaint.resolved_at, -Complaint.id))
        .order_by(Complaint.resolved_at.desc(), Complaint.id).limit(query.limit)
    )
    return [TimelineEvent("complaint", -row_id, at, _("Complaint resolved"), "check", client_id,
                          client_name=client_name, summary=outcome, url=f"/complaints/{row_id}")
            for row_id, client_id, outcome, at, client_name in session.execute(statement) if at is not None]
