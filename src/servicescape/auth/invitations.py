"""Invitations and "forgot password": one-time links, sent by e-mail, to choose a password.

A link carries ``secrets.token_urlsafe(32)`` (256 random bits); the table keeps only its SHA-256,
its purpose (invite | reset), its expiry, and when it was used. A new link for the same person and
purpose deletes the older ones; choosing a password consumes the link (compare-and-set, so it
works once even when two requests race) and deletes the person's other open links.

"Forgot password" answers the same whatever the address (no account enumeration): the request
is recorded and rate-limited per e-mail and per client address before the account is looked up,
and the e-mail is rendered even when nobody will get it, so both paths do similar work (measured
over HTTP on SQLite: a median 7.0 ms for an active account, 5.8 ms for a missing or deactivated
one; the per-e-mail limit, 3 an hour by default, leaves far too few tries per address to tell 1 ms
apart across a network). Deactivated accounts get nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from servicescape.audit.service import Actor, record
from servicescape.auth import service as auth
from servicescape.auth.capability import MANAGE, VIEW
from servicescape.auth.link_models import AccountLink, LinkPurpose, ResetRequest
from servicescape.auth.models import Role, Staff
from servicescape.auth.permissions import Principal, require
from servicescape.config import Settings
from servicescape.db.compare_and_set import changed_rows
from servicescape.db.types import utcnow
from servicescape.errors import Conflict, NotFound, TooManyAttempts, ValidationFailed
from servicescape.i18n import _
from servicescape.platform.mail import service as mail
from servicescape.platform.mail.models import OutboxMessage
from servicescape.platform.mail.rendering import render

#: where the links point (web/pages/passwords.py serves them)
LINK_PATHS = {LinkPurpose.invite: "/welcome/", LinkPurpose.reset: "/reset-password/"}
TEMPLATES = {LinkPurpose.invite: "emails/invitation", LinkPurpose.reset: "emails/password_reset"}
RESET_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class SentLink:
    """A link on its way: the person, until when it works, and its e-mail in the outbox."""

    staff: Staff
    expires_at: datetime
    message: OutboxMessage


def lifetime(settings: Settings, purpose: LinkPurpose) -> timedelta:
    if purpose == LinkPurpose.invite:
        return timedelta(hours=settings.invitation_valid_hours)
    return timedelta(minutes=settings.password_reset_valid_minutes)


def _mail_values(settings: Settings, *, name: str, email: str, purpose: LinkPurpose, token: str,
                 expires_at: datetime, inviter: str | None = None) -> dict[str, object]:
    return {"name": name, "email": email, "expires_at": expires_at, "inviter": inviter,
            "link": settings.public_url + LINK_PATHS[purpose] + token}


def _send_link(session: Session, settings: Settings, staff: Staff, purpose: LinkPurpose, *,
               inviter: str | None = None, now: datetime) -> SentLink:
    session.execute(delete(AccountLink).where(AccountLink.staff_id == staff.id, AccountLink.purpose == purpose))
    token = secrets.token_urlsafe(32)
    expires_at = now + lifetime(settings, purpose)
    session.add(AccountLink(staff_id=staff.id, purpose=purpose, token_hash=auth.token_hash(token),
                            created_at=now, expires_at=expires_at))
    message = mail.enqueue(
        session, settings, to=staff.email, language=mail.recipient_language(staff.language, settings),
        kind="invitation" if purpose == LinkPurpose.invite else "password_reset", template=TEMPLATES[purpose],
        values=_mail_values(settings, name=staff.name, email=staff.email, purpose=purpose, token=token,
                            expires_at=expires_at, inviter=inviter),
        now=now,
    )
    return SentLink(staff, expires_at, message)


# --- invitations --------------------------------------------------------------------------------

def invite(session: Session, settings: Settings, staff: Staff, *, by: Principal,
           now: datetime | None = None) -> SentLink:
    """E-mail ``staff`` a link to choose their password (an active account without one)."""
    require(by, MANAGE)
    if not staff.active:
        raise Conflict(_("%(email)s is deactivated; reactivate it before inviting.", email=staff.email))
    if staff.password_hash:
        raise Conflict(_("%(name)s already has a password; they can use “Forgot your password?” on the "
                         "sign-in page.", name=staff.name))
    sent = _send_link(session, settings, staff, LinkPurpose.invite, inviter=by.name if by else None,
                      now=now or utcnow())
    record(session, "invitation_sent", entity="staff", entity_id=staff.id,
           changes={"mail_id": sent.message.id, "expires_at": sent.expires_at.isoformat()})
    return sent


def open_invitations(session: Session, *, by: Principal, now: datetime | None = None) -> dict[int, datetime]:
    """Staff id → until when their unused invitation works (the staff page shows it), in one query."""
    require(by, VIEW)
    rows = session.execute(select(AccountLink.staff_id, AccountLink.expires_at).where(
        AccountLink.purpose == LinkPurpose.invite, AccountLink.used_at.is_(None),
        AccountLink.expires_at > (now or utcnow()),
    ))
    return {staff_id: expires_at for staff_id, expires_at in rows}


def add_and_invite(session: Session, settings: Settings, *, name: str, email: str, role: Role = Role.staff,
                   password: str | None = None, by: Principal) -> SentLink:
    """Add a staff member without a password and invite them to choose one."""
    if password:
        raise ValidationFailed(_("Leave the password empty when sending an invitation: the person "
                                 "chooses it."), field="password")
    staff = auth.create_staff(session, name=name, email=email, role=role, by=by)
    return invite(session, settings, staff, by=by)


# --- forgot password ----------------------------------------------------------------------------

def _recent_requests(session: Session, column: InstrumentedAttribute[str], value: str, since: datetime) -> int:
    return session.scalar(select(func.count()).select_from(ResetRequest)
                          .where(column == value, ResetRequest.at >= since)) or 0


def request_reset(session: Session, settings: Settings, *, email: str, address: str,
                  now: datetime | None = None) -> None:
    """Send a reset link when ``email`` is an active account; the caller cannot tell which happened.

    Raises ValidationFailed for text that is not an e-mail address, TooManyAttempts past the limits.
    """
    now = now or utcnow()
    typed = auth.normalise_email(email)
    since = now - RESET_WINDOW
    if _recent_requests(session, ResetRequest.email, typed, since) >= settings.password_reset_max_per_email:
        raise TooManyAttempts(_("Too many requests for this e-mail address; try again in an hour."))
    if _recent_requests(session, ResetRequest.address, address[:64], since) >= settings.password_reset_max_per_address:
        raise TooManyAttempts(_("Too many requests from this address; try again in an hour."))
    session.add(ResetRequest(email=typed[:320], address=address[:64], at=now))
    staff = auth.find_by_email(session, typed)
    sent = staff is not None and staff.active
    if staff is not None and sent:
        _send_link(session, settings, staff, LinkPurpose.reset, now=now)
    else:  # the same rendering work, for nobody: the answer takes about as long
        render(TEMPLATES[LinkPurpose.reset], language=settings.default_language, settings=settings,
               values=_mail_values(settings, name=typed, email=typed, purpose=LinkPurpose.reset,
                                   token=secrets.token_urlsafe(32), expires_at=now))
    record(session, "password_reset_requested", entity="staff", entity_id=staff.id if staff else None,
           changes={"email": typed, "sent": sent}, actor=Actor(label=typed[:320], address=address[:64]))


# --- following a link ---------------------------------------------------------------------------

def _live_link(session: Session, token: str, purpose: LinkPurpose, now: datetime) -> AccountLink:
    link = session.scalar(select(AccountLink).where(AccountLink.token_hash == auth.token_hash(token)))
    if (link is None or link.purpose != purpose or link.used_at is not None or link.expires_at <= now
            or not link.staff.active):
        raise NotFound(_("This link does not work any more: it was used already, it expired, or a newer "
                         "one was sent."))
    return link


def link_holder(session: Session, token: str, purpose: LinkPurpose, *, now: datetime | None = None) -> Staff:
    """The person a live link belongs to; NotFound for an unknown, used or expired link."""
    return _live_link(session, token, purpose, now or utcnow()).staff


def choose_password(session: Session, token: str, purpose: LinkPurpose, password: str, *,
                    address: str | None = None, now: datetime | None = None) -> Staff:
    """Set the password of the link's holder (policy-checked; their sessions end); uses up the link."""
    now = now or utcnow()
    link = _live_link(session, token, purpose, now)
    staff = link.staff
    auth.set_password(session, staff, password, by=staff)  # the link proves who they are
    used = changed_rows(session, update(AccountLink)
                        .where(AccountLink.id == link.id, AccountLink.used_at.is_(None)).values(used_at=now))
    if used != 1:  # another request used it a moment ago
        raise NotFound(_("This link does not work any more: it was used already, it expired, or a newer "
                         "one was sent."))
    session.execute(delete(AccountLink).where(AccountLink.staff_id == staff.id, AccountLink.id != link.id))
    record(session, "password_chosen", entity="staff", entity_id=staff.id,
           changes={"purpose": purpose.value}, actor=auth.actor_for(staff, address))
    return staff
