"""Telling a client's portal users when a promise concerning them changes: re-promised (a new
window), at risk, kept. A job finds the changes, so the promise ledger needs to know nothing of
the portal; each (promise, change, person) is e-mailed once (a unique row, written in the same
transaction as the e-mail is queued), in the person's language, unless they turned these e-mails
off. Only changes after the person was invited are told: inviting someone does not mail them the
client's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Exists, and_, exists, or_, select
from sqlalchemy.orm import Session, aliased

from servicescape.auth.models import Staff
from servicescape.clients.models import Contact
from servicescape.config import Settings
from servicescape.db.types import utcnow
from servicescape.platform.mail import service as mail
from servicescape.portal.accounts import language_of
from servicescape.portal.models import PortalUser, PromiseNotice
from servicescape.promises.models import Promise, PromiseStatus
from servicescape.web.templating import Formatter

#: a change older than this is not told any more (e.g. after the job was stopped for long)
LOOKBACK = timedelta(days=7)
BATCH = 500


@dataclass(frozen=True)
class Change:
    event: str                  # repromised, at_risk, kept
    promise: Promise
    previous: Promise | None    # the promise a re-promise replaced


def _told(event: str, user_column: Any) -> Exists:
    return exists().where(PromiseNotice.promise_id == Promise.id, PromiseNotice.event == event,
                          PromiseNotice.user_id == user_column)


def pending(session: Session, *, now: datetime | None = None) -> list[tuple[Change, PortalUser]]:
    """The (change, person) pairs not told yet."""
    since = (now or utcnow()) - LOOKBACK
    previous = aliased(Promise)
    users = (PortalUser.active.is_(True), PortalUser.promise_emails.is_(True))
    found: list[tuple[Change, PortalUser]] = []
    repromised = (select(Promise, previous, PortalUser)
                  .join(previous, previous.id == Promise.repromised_from_id)
                  .join(PortalUser, PortalUser.client_id == Promise.client_id)
                  .where(*users, Promise.status == PromiseStatus.open, Promise.created_at >= since,
                         Promise.created_at >= PortalUser.invited_at, ~_told("repromised", PortalUser.id)))
    for promise, before, user in session.execute(repromised.limit(BATCH)):
        found.append((Change("repromised", promise, before), user))
    at_risk = (select(Promise, PortalUser).join(PortalUser, PortalUser.client_id == Promise.client_id)
               .where(*users, Promise.status == PromiseStatus.open, Promise.at_risk.is_not(None),
                      Promise.updated_at >= since, Promise.updated_at >= PortalUser.invited_at,
                      ~_told("at_risk", PortalUser.id)))
    for promise, user in session.execute(at_risk.limit(BATCH)):
        found.append((Change("at_risk", promise, None), user))
    kept = (select(Promise, PortalUser).join(PortalUser, PortalUser.client_id == Promise.client_id)
            .where(*users, or_(Promise.status == PromiseStatus.kept, Promise.status == PromiseStatus.late),
                   and_(Promise.kept_at >= since, Promise.kept_at >= PortalUser.invited_at),
                   ~_told("kept", PortalUser.id)))
    for promise, user in session.execute(kept.limit(BATCH)):
        found.append((Change("kept", promise, None), user))
    return found


def window_text(fmt: Formatter, start: datetime, end: datetime) -> str:
    """"3 Dec 2026, 09:00 – 11:00 (Kuala Lumpur (UTC+8))": the end's day only when it differs."""
    until = fmt.time(end) if fmt.same_day(start, end) else fmt.datetime(end)
    return f"{fmt.datetime(start)} – {until} ({fmt.zone_label})"


def _window(settings: Settings, language: str, promise: Promise) -> str:
    return window_text(Formatter(language, settings.zone), promise.window_start, promise.window_end)


def tell(session: Session, settings: Settings, *, now: datetime | None = None) -> int:
    """Queue the e-mails of every change not told yet; returns how many."""
    sent = 0
    for change, user in pending(session, now=now):
        language = language_of(session, user, settings)
        name = session.scalar(select(Contact.name).where(Contact.id == user.contact_id)) or user.email
        person = session.scalar(select(Staff.name).where(Staff.id == change.promise.owner_id)) or ""
        message = mail.enqueue(session, settings, to=user.email, language=language, kind="portal_promise",
                               template="emails/portal_promise", values={
                                   "name": name, "event": change.event, "title": change.promise.title or "",
                                   "window": _window(settings, language, change.promise),
                                   "old_window": _window(settings, language, change.previous)
                                   if change.previous is not None else "",
                                   "person": person, "link": f"{settings.public_url.rstrip('/')}/portal"})
        session.add(PromiseNotice(promise_id=change.promise.id, event=change.event, user_id=user.id,
                                  message_id=message.id))
        session.flush()
        sent += 1
    return sent
