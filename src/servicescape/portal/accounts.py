"""Portal accounts: a client's contacts invited to the portal, their one-time sign-in links and
passwords, and their sessions — a second audience, kept apart from staff's accounts.

* A link carries 256 random bits (``secrets.token_urlsafe(32)``); only its SHA-256 is stored; it
  is used once (the update that marks it used is the check, so two clicks cannot both sign in)
  and expires (an invitation after a week, a sign-in link after 30 minutes).
* A new link for a person replaces their unused ones.
* A session is a random cookie whose hash is stored; it ends after the settings' idle and
  absolute limits, when the account is closed, or when the contact leaves the client.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from servicescape.audit.service import Actor, record
from servicescape.auth import limits
from servicescape.auth.passwords import check_policy, hash_password, verify_password
from servicescape.auth.permissions import Principal, require
from servicescape.auth.service import normalise_email
from servicescape.clients.models import Client, Contact
from servicescape.config import LANGUAGES, Settings
from servicescape.db.types import utcnow
from servicescape.errors import Conflict, NotFound, ValidationFailed
from servicescape.i18n import _
from servicescape.platform.mail import service as mail
from servicescape.portal.capability import MANAGE, READ, WRITE
from servicescape.portal.models import PortalLink, PortalSession, PortalUser
from servicescape.runtime import Runtime

INVITE_LIFETIME = timedelta(days=7)
SIGN_IN_LIFETIME = timedelta(minutes=30)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def actor(user: PortalUser, address: str | None = None) -> Actor:
    """How a contact's acts are recorded in the audit trail (never as a staff member)."""
    return Actor(label=f"portal:{user.email}", address=address)


def link_url(settings: Settings, token: str) -> str:
    return f"{settings.public_url.rstrip('/')}/portal/link/{token}"


@dataclass(frozen=True)
class Invited:
    user: PortalUser
    contact_name: str
    link: str                   # the one-time sign-in link (shown once; only its hash is kept)
    emailed: bool


def _new_link(session: Session, user: PortalUser, lifetime: timedelta) -> str:
    now = utcnow()
    session.execute(delete(PortalLink).where(PortalLink.user_id == user.id, PortalLink.used_at.is_(None)))
    token = secrets.token_urlsafe(32)   # 256 random bits
    session.add(PortalLink(user_id=user.id, token_hash=token_hash(token), created_at=now, expires_at=now + lifetime))
    session.flush()
    return token


def language_of(session: Session, user: PortalUser, settings: Settings) -> str:
    """The contact's language: their own choice, the contact's, the client's, the firm's."""
    if user.language in LANGUAGES:
        return user.language
    contact_language, client_language = session.execute(
        select(Contact.language, Client.language).join(Client, Client.id == Contact.client_id)
        .where(Contact.id == user.contact_id)).one()
    for language in (contact_language, client_language):
        if language in LANGUAGES:
            return str(language)
    return settings.default_language


def invite(session: Session, settings: Settings, contact_id: int, *, send: bool = True,
           client_id: int | None = None, by: Principal) -> Invited:
    """Invite a contact (again): their portal account is opened (or reopened) with the contact's
    e-mail, and a one-time link valid for a week is e-mailed to them (``send``) or returned only.
    With ``client_id`` the contact must be one of that client's (a form on the client's page)."""
    require(by, WRITE)
    contact = session.get(Contact, contact_id)
    if contact is None or (client_id is not None and contact.client_id != client_id):
        if client_id is not None:
            raise NotFound(_("Choose one of the client's contacts."), field="contact_id")
        raise NotFound(_("There is no contact %(id)s.", id=contact_id), field="contact_id")
    if not contact.email:
        raise ValidationFailed(_("%(name)s has no e-mail address; add one to invite them to the portal.",
                                 name=contact.name), field="contact_id")
    email = normalise_email(contact.email, field="contact_id")
    user = session.scalar(select(PortalUser).where(PortalUser.contact_id == contact.id))
    holder = session.scalar(select(PortalUser).where(PortalUser.email == email))
    if holder is not None and holder is not user:
        raise Conflict(_("%(email)s already signs in to the portal as another contact.", email=email),
                       field="contact_id")
    if user is None:
        user = PortalUser(contact_id=contact.id, client_id=contact.client_id, email=email)
        session.add(user)
    user.email, user.client_id, user.active, user.invited_at = email, contact.client_id, True, utcnow()
    session.flush()
    token = _new_link(session, user, INVITE_LIFETIME)
    link = link_url(settings, token)
    if send:
        client_name = session.scalar(select(Client.name).where(Client.id == contact.client_id))
        mail.enqueue(session, settings, to=email, language=language_of(session, user, settings),
                     kind="portal_invitation", template="emails/portal_invitation",
                     values={"name": contact.name, "client": client_name, "link": link,
                             "expires_days": INVITE_LIFETIME.days})
    record(session, "portal_invited", entity="portal_user", entity_id=user.id)
    return Invited(user, contact.name, link, emailed=send)


def request_link(session: Session, settings: Settings, email: str) -> bool:
    """"E-mail me a sign-in link": sent when ``email`` is an open portal account, silently not
    otherwise (the page answers the same either way, so addresses cannot be probed)."""
    try:
        address = normalise_email(email)
    except ValidationFailed:
        return False
    user = session.scalar(select(PortalUser).where(PortalUser.email == address, PortalUser.active.is_(True)))
    if user is None:
        return False
    token = _new_link(session, user, SIGN_IN_LIFETIME)
    mail.enqueue(session, settings, to=user.email, language=language_of(session, user, settings),
                 kind="portal_sign_in", template="emails/portal_sign_in",
                 values={"link": link_url(settings, token),
                         "expires_minutes": int(SIGN_IN_LIFETIME.total_seconds() // 60)})
    return True


def use_link(session: Session, token: str, *, address: str | None) -> PortalUser:
    """The account a one-time link signs in; the link is spent. A used, expired, replaced or unknown
    link is refused with one answer (which it was is not told)."""
    now = utcnow()
    spent = session.execute(
        update(PortalLink).where(PortalLink.token_hash == token_hash(token), PortalLink.used_at.is_(None),
                                 PortalLink.expires_at > now).values(used_at=now)
        .returning(PortalLink.user_id)).first()
    user = session.get(PortalUser, spent.user_id) if spent is not None else None
    if user is None or not user.active or not _still_a_contact(session, user):
        raise NotFound(_("This sign-in link has expired or was used already. Ask for a new one below."),
                       field="token")
    user.last_sign_in_at = now
    record(session, "portal_sign_in", entity="portal_user", entity_id=user.id, actor=actor(user, address))
    return user


def _still_a_contact(session: Session, user: PortalUser) -> bool:
    """The contact still exists and still belongs to the account's client."""
    client_id = session.scalar(select(Contact.client_id).where(Contact.id == user.contact_id))
    return client_id is not None and client_id == user.client_id


def authenticate(runtime: Runtime, email: str, password: str, *, address: str) -> PortalUser | None:
    """Sign-in by password, within the same limits as staff's (their own keys): the account or None."""
    try:
        email = normalise_email(email)
    except ValidationFailed:
        email = email.strip().lower()[:320]
    keys = limits.limits_for(runtime.settings, email=f"portal:{email}", address=address, device=None)
    now = utcnow()
    with runtime.transaction() as session:
        limits.reserve(session, runtime.settings, keys, now=now)
    with runtime.transaction() as session:
        found = session.scalar(select(PortalUser).where(PortalUser.email == email))
        password_hash = found.password_hash if found is not None else None
        user_id = found.id if found is not None else None
    ok = verify_password(password_hash, password)
    with runtime.transaction(Actor(label=f"portal:{email}", address=address)) as session:
        user = session.get(PortalUser, user_id) if user_id is not None else None
        ok = ok and user is not None and user.active and _still_a_contact(session, user)
        limits.settle(session, keys, success=ok)
        record(session, "portal_sign_in" if ok else "portal_sign_in_failed", entity="portal_user",
               entity_id=user_id)
        if ok and user is not None:
            user.last_sign_in_at = now
            session.flush()
            session.expunge(user)
    return user if ok else None


def change_settings(session: Session, user: PortalUser, *, language: str, promise_emails: bool,
                    password: str | None = None) -> PortalUser:
    """The signed-in contact's own settings: their language, whether they are e-mailed about their
    promises, and a password (signing in by link stays possible)."""
    if language not in LANGUAGES:
        raise ValidationFailed(_("Choose one of the languages offered."), field="language")
    if password is not None:
        check_policy(password, email=user.email)
    found = session.get(PortalUser, user.id)
    assert found is not None
    found.language, found.promise_emails = language, promise_emails
    if password is not None:
        found.password_hash = hash_password(password, email=user.email)
    session.flush()
    return found


def start_session(session: Session, user: PortalUser, *, address: str | None) -> str:
    token = secrets.token_urlsafe(32)
    session.add(PortalSession(token_hash=token_hash(token), user_id=user.id, address=address))
    session.flush()
    return token


def resolve_session(session: Session, settings: Settings, token: str) -> PortalUser | None:
    """The account of a live portal session; ends idle, expired and closed ones."""
    key = token_hash(token)
    row = session.execute(   # one statement a request: the session, its account and the contact's client
        select(PortalSession, PortalUser, Contact.client_id)
        .join(PortalUser, PortalUser.id == PortalSession.user_id)
        .outerjoin(Contact, Contact.id == PortalUser.contact_id)
        .where(PortalSession.token_hash == key)).first()
    if row is None:
        return None
    found, user, contact_client_id = row
    now = utcnow()
    expired = (now > found.last_seen_at + timedelta(minutes=settings.session_idle_minutes)
               or now > found.created_at + timedelta(hours=settings.session_absolute_hours))
    if expired or not user.active or contact_client_id != user.client_id:   # the contact left the client
        session.execute(delete(PortalSession).where(PortalSession.token_hash == key))
        return None
    if now - found.last_seen_at > timedelta(seconds=30):
        found.last_seen_at = now
    return user


def end_session(session: Session, token: str) -> None:
    session.execute(delete(PortalSession).where(PortalSession.token_hash == token_hash(token)))


# --- the staff's side ----------------------------------------------------------------------------

def users_of(session: Session, client_id: int, *, by: Principal) -> list[PortalUser]:
    require(by, READ)
    if session.get(Client, client_id) is None:
        raise NotFound(_("There is no client %(id)s.", id=client_id))
    return list(session.scalars(select(PortalUser).where(PortalUser.client_id == client_id)
                                .order_by(PortalUser.email)))


def get_user(session: Session, user_id: int, *, by: Principal) -> PortalUser:
    require(by, READ)
    user = session.get(PortalUser, user_id)
    if user is None:
        raise NotFound(_("There is no portal account %(id)s.", id=user_id))
    return user


def close(session: Session, user: PortalUser, *, by: Principal) -> PortalUser:
    """Close a contact's portal account: their sessions and links end at once."""
    require(by, MANAGE)
    user.active = False
    session.execute(delete(PortalSession).where(PortalSession.user_id == user.id))
    session.execute(delete(PortalLink).where(PortalLink.user_id == user.id))
    record(session, "portal_closed", entity="portal_user", entity_id=user.id)
    session.flush()
    return user


def last_seen(session: Session, user_ids: list[int]) -> dict[int, datetime]:
    if not user_ids:
        return {}
    rows = session.execute(select(PortalSession.user_id, PortalSession.last_seen_at)
                           .where(PortalSession.user_id.in_(user_ids)))
    seen: dict[int, datetime] = {}
    for user_id, at in rows:
        seen[user_id] = max(at, seen.get(user_id, at))
    return seen
