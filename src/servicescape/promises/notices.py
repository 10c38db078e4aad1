"""The at-risk notice: call before the client has to. When a promise is at risk, the firm offers
the client a new window in the client's own language, from a wording the firm can edit (one per
language; the built-in one otherwise), sent through the e-mail outbox. The promise records that the
client was told (``announced_at``), which the reliability figures count and the timeline shows."""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicescape import i18n
from servicescape.audit.service import record
from servicescape.auth.models import Staff
from servicescape.auth.permissions import Principal, require
from servicescape.clients.models import Client, Contact
from servicescape.config import LANGUAGES, Settings
from servicescape.db.crud import about_field
from servicescape.db.types import utcnow
from servicescape.errors import Conflict, ValidationFailed
from servicescape.i18n import N_, _
from servicescape.platform.mail import service as mail
from servicescape.promises import rules
from servicescape.promises.capability import MANAGE, READ, WRITE
from servicescape.promises.models import NoticeTemplate, Promise, PromiseStatus

PLACEHOLDERS = ("client", "firm", "owner", "window", "new_window")
KIND = "promise_at_risk"


@dataclass(frozen=True)
class Wording:
    language: str
    subject: str
    body: str
    custom: bool            # the firm's own (else the built-in one)


def default_wording(language: str) -> Wording:
    with i18n.speaking(language):
        subject = _("About your appointment on {window}")
        body = _("Dear {client},\n\nWe are sorry: the window we promised you, {window}, is at risk. Rather than "
                 "keep you waiting, we offer you a new window: {new_window}.\n\nPlease reply to this e-mail to "
                 "accept it, or tell us a time that suits you better.\n\n{owner}\n{firm}")
    return Wording(language, subject, body, custom=False)


def wording(session: Session, language: str) -> Wording:
    found = session.get(NoticeTemplate, language)
    if found is None:
        return default_wording(language)
    return Wording(language, found.subject, found.body, custom=True)


def wording_for(session: Session, language: str, *, by: Principal) -> Wording:
    require(by, READ)
    return wording(session, language)


def check_wording(subject: str, body: str) -> None:
    """Only the known placeholders, braces balanced: a wording that cannot be filled is refused."""
    for field, text in (("subject", subject), ("body", body)):
        if not text.strip():
            raise about_field(ValidationFailed, N_("%(field)s cannot be empty."), field)
        try:
            names = {name for _literal, name, _spec, _conv in string.Formatter().parse(text) if name is not None}
        except ValueError as exc:
            raise about_field(ValidationFailed, N_("%(field)s has an unmatched brace ({ or })."), field) from exc
        unknown = sorted(names - set(PLACEHOLDERS))
        if unknown:
            raise about_field(ValidationFailed,
                              N_("%(field)s uses unknown placeholders %(names)s; the known ones are %(known)s."),
                              field, names=", ".join(unknown), known=", ".join(f"{{{p}}}" for p in PLACEHOLDERS))
    if len(subject) > 300:
        raise about_field(ValidationFailed, N_("%(field)s is longer than %(n)s characters."), "subject", n=300)


def save_wording(session: Session, language: str, subject: str, body: str, *, by: Principal) -> Wording:
    require(by, MANAGE)
    if language not in LANGUAGES:
        raise ValidationFailed(_("Unknown language %(value)s.", value=language), field="language")
    check_wording(subject, body)
    found = session.get(NoticeTemplate, language)
    if found is None:
        session.add(NoticeTemplate(language=language, subject=subject.strip(), body=body.strip()))
    else:
        found.subject, found.body = subject.strip(), body.strip()
    session.flush()
    return wording(session, language)


def reset_wording(session: Session, language: str, *, by: Principal) -> Wording:
    require(by, MANAGE)
    found = session.get(NoticeTemplate, language)
    if found is not None:
        session.delete(found)
        session.flush()
    return default_wording(language)


@dataclass(frozen=True)
class Notice:
    to: str | None
    language: str
    subject: str
    body: str
    new_start: datetime
    new_end: datetime


def _window(fmt: Any, start: datetime, end: datetime) -> str:
    return f"{fmt.datetime(start)} – {fmt.datetime(end)} ({fmt.zone_label})"


def _recipient(session: Session, client: Client) -> tuple[str | None, str | None]:
    """The client's e-mail and language; a person at the client when the client has no address."""
    if client.email:
        return client.email, client.language
    contact = session.execute(select(Contact.email, Contact.language).where(
        Contact.client_id == client.id, Contact.email.is_not(None)).order_by(Contact.id).limit(1)).first()
    return (contact[0], contact[1] or client.language) if contact else (None, client.language)


def compose(session: Session, settings: Settings, promise: Promise, *, new_start: datetime | None = None,
            new_end: datetime | None = None, by: Principal) -> Notice:
    """The notice as it would go out: in the client's language, offering ``new_start``–``new_end``
    (default: the same window one day later)."""
    from servicescape.web.templating import Formatter

    require(by, READ)
    if promise.status != PromiseStatus.open:
        raise Conflict(_("Only an open promise can be announced at risk."), field="status")
    start = new_start or promise.window_start + timedelta(days=1)
    end = new_end or start + (promise.window_end - promise.window_start)
    rules.check_window(start, end)
    client = session.get(Client, promise.client_id)
    assert client is not None
    address, preferred = _recipient(session, client)
    language = mail.recipient_language(preferred, settings)
    owner = session.get(Staff, promise.owner_id) if promise.owner_id else None
    fmt = Formatter(language, settings.zone)
    values = {"client": client.name, "firm": settings.firm_name, "owner": owner.name if owner else settings.firm_name,
              "window": _window(fmt, promise.window_start, promise.window_end), "new_window": _window(fmt, start, end)}
    words = wording(session, language)
    return Notice(address, language, words.subject.format(**values), words.body.format(**values), start, end)


def send(session: Session, settings: Settings, promise: Promise, *, new_start: datetime | None = None,
         new_end: datetime | None = None, by: Principal) -> Notice:
    """Queue the notice for the client and record that the client was told."""
    require(by, WRITE)
    notice = compose(session, settings, promise, new_start=new_start, new_end=new_end, by=by)
    if notice.to is None:
        raise ValidationFailed(_("The client has no e-mail address (nor does any of its contacts)."), field="email")
    message = mail.enqueue(session, settings, to=notice.to, language=notice.language, kind=KIND,
                           template="emails/promise_at_risk",
                           values={"notice_subject": notice.subject, "notice_body": notice.body})
    promise.announced_at = utcnow()
    session.flush()
    record(session, "promise_notice_sent", entity="promise", entity_id=promise.id,
           changes={"outbox_id": message.id, "to": notice.to, "language": notice.language,
                    "new_window": [notice.new_start.isoformat(), notice.new_end.isoformat()]})
    return notice
