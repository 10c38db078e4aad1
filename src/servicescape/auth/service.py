"""Accounts, sign-in with rate limits, server-side web sessions and personal API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import String, bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from servicescape.audit.models import AuditEvent
from servicescape.audit.service import Actor
from servicescape.auth.capability import DIRECTORY, MANAGE, VIEW
from servicescape.auth.models import ApiToken, Role, Staff, WebSession
from servicescape.auth.passwords import hash_password
from servicescape.auth.permissions import SYSTEM, Principal, can, require
from servicescape.config import Settings
from servicescape.db.paging import Page, paginate
from servicescape.db.types import utcnow
from servicescape.errors import (
    Conflict,
    NotFound,
    ValidationFailed,
)
from servicescape.i18n import _

TOKEN_PREFIX = "ssk_"  # noqa: S105 - a public marker, not a secret


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str, *, field: str = "email") -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False, globally_deliverable=False,
                              test_environment=True).normalized.lower()
    except EmailNotValidError as exc:
        raise ValidationFailed(_("Not a valid e-mail address: %(email)s.", email=email), field=field) from exc


def actor_for(staff: Staff, address: str | None = None) -> Actor:
    return Actor(label=staff.email, staff_id=staff.id, address=address)


# --- accounts ---------------------------------------------------------------------------------

def find_by_email(session: Session, email: str) -> Staff | None:
    return session.scalar(select(Staff).where(Staff.email == email.strip().lower()))


def get_by_email(session: Session, email: str) -> Staff:
    staff = find_by_email(session, email)
    if staff is None:
        raise NotFound(_("No staff member with e-mail %(email)s.", email=email), field="email")
    return staff


def create_staff(
    session: Session, *, name: str, email: str, role: Role = Role.staff,
    password: str | None = None, by: Principal,
) -> Staff:
    require(by, MANAGE)
    if not name.strip():
        raise ValidationFailed(_("A name is required."), field="name")
    address = normalise_email(email)
    if find_by_email(session, address) is not None:
        raise Conflict(_("A staff member with e-mail %(email)s already exists.", email=address), field="email")
    staff = Staff(
        name=name.strip(), email=address, role=role, active=True,
        password_hash=hash_password(password, email=address) if password is not None else None,
    )
    session.add(staff)
    session.flush()
    return staff


def ensure_owner(session: Session, *, name: str, email: str, password: str) -> tuple[Staff, bool]:
    """The first owner account (``servicescape init``): created once, left unchanged after that."""
    existing = find_by_email(session, email)
    if existing is not None:
        return existing, False
    return create_staff(session, name=name, email=email, role=Role.owner, password=password, by=SYSTEM), True


def list_staff(session: Session, *, include_inactive: bool = True, by: Principal) -> list[Staff]:
    require(by, VIEW)
    query = select(Staff).order_by(Staff.name)
    if not include_inactive:
        query = query.where(Staff.active.is_(True))
    return list(session.scalars(query))


def last_sign_ins(session: Session, *, by: Principal) -> dict[int, datetime]:
    """When each staff member last signed in (from the audit trail), in one query."""
    require(by, VIEW)
    rows = session.execute(
        select(AuditEvent.entity_id, func.max(AuditEvent.at))
        .where(AuditEvent.entity == "staff", AuditEvent.action == "sign_in",
               AuditEvent.entity_id.is_not(None))
        .group_by(AuditEvent.entity_id)
    )
    return {int(entity_id): at for entity_id, at in rows if entity_id and entity_id.isdigit()}


@dataclass(frozen=True)
class StaffView:
    """What a viewer may see of a staff member: everyone sees names; e-mails and roles need VIEW."""

    id: int
    name: str
    active: bool
    created_at: datetime
    email: str | None
    role: Role | None


def staff_view(staff: Staff, *, by: Principal) -> StaffView:
    require(by, DIRECTORY)
    full = can(by, VIEW)
    return StaffView(staff.id, staff.name, staff.active, staff.created_at,
                     staff.email if full else None, staff.role if full else None)


def _ensure_an_owner_remains(session: Session, staff: Staff) -> None:
    others = session.scalar(
        select(func.count()).select_from(Staff).where(
            Staff.role == Role.owner, Staff.active.is_(True), Staff.id != staff.id
        )
    )
    if staff.role == Role.owner and staff.active and not others:
        raise Conflict(_("The firm must keep at least one active owner."), field="role")


def set_role(session: Session, staff: Staff, role: Role, *, by: Principal) -> Staff:
    require(by, MANAGE)
    if role != Role.owner:
        _ensure_an_owner_remains(session, staff)
    staff.role = role
    session.flush()
    return staff


def deactivate(session: Session, staff: Staff, *, by: Principal) -> Staff:
    """Deactivate an account: it can no longer sign in, and its sessions and tokens end now."""
    require(by, MANAGE)
    _ensure_an_owner_remains(session, staff)
    staff.active = False
    session.execute(delete(WebSession).where(WebSession.staff_id == staff.id))
    for token in staff.tokens:
        if token.revoked_at is None:
            token.revoked_at = utcnow()
    session.flush()
    return staff


def reactivate(session: Session, staff: Staff, *, by: Principal) -> Staff:
    require(by, MANAGE)
    staff.active = True
    session.flush()
    return staff


def get_staff(session: Session, staff_id: int, *, by: Principal) -> Staff:
    """One staff member; anyone signed in may look one up (owner pickers need names)."""
    require(by, DIRECTORY)
    staff = session.get(Staff, staff_id)
    if staff is None:
        raise NotFound(_("Staff member %(id)s does not exist.", id=staff_id))
    return staff


def directory(session: Session, *, by: Principal) -> list[Staff]:
    """Every staff member by name (for pickers: who owns, sells, delivers, must do a task)."""
    require(by, DIRECTORY)
    return list(session.scalars(select(Staff).order_by(Staff.name, Staff.id)))


def staff_page(session: Session, *, active: bool | None = None, page: int = 1, per_page: int = 50,
               by: Principal) -> Page[Staff]:
    """Staff by name, a page at a time; ``active`` keeps only (in)active accounts."""
    require(by, DIRECTORY)
    query = select(Staff).order_by(Staff.name, Staff.id)
    if active is not None:
        query = query.where(Staff.active.is_(active))
    return paginate(session, query, page=page, per_page=per_page)


def update_staff(session: Session, staff: Staff, *, name: str | None = None,
                 role: Role | None = None, active: bool | None = None,
                 by: Principal) -> Staff:
    """Rename, change the role of, deactivate or reactivate an account (None: unchanged)."""
    require(by, MANAGE)
    if name is not None:
        if not name.strip():
            raise ValidationFailed(_("A name is required."), field="name")
        staff.name = name.strip()
    if role is not None and role != staff.role:
        set_role(session, staff, role, by=by)
    if active is False and staff.active:
        deactivate(session, staff, by=by)
    elif active is True and not staff.active:
        reactivate(session, staff, by=by)
    session.flush()
    return staff


def set_password(session: Session, staff: Staff, password: str, *, by: Principal) -> None:
    """A new password for ``staff``: by the person themselves, an owner, or the system (CLI)."""
    _self_or_manager(staff, by)
    staff.password_hash = hash_password(password, email=staff.email)
    session.execute(delete(WebSession).where(WebSession.staff_id == staff.id))
    session.flush()


def set_language(session: Session, staff: Staff, language: str, *, by: Principal) -> None:
    """The account's own UI language (the person themselves, from a signed-in page)."""
    _self_or_manager(staff, by)
    staff.language = language
    session.flush()


# --- web sessions (ASVS V3) -------------------------------------------------------------------

def start_session(session: Session, staff: Staff, *, address: str | None) -> str:
    """A new session at every sign-in (never reuse a pre-login one); returns the cookie token."""
    token = secrets.token_urlsafe(32)  # 256 random bits
    session.add(WebSession(token_hash=token_hash(token), staff_id=staff.id, address=address))
    session.flush()
    return token


_SESSION_ROW = (select(WebSession.staff_id, WebSession.created_at, WebSession.last_seen_at)
                .where(WebSession.token_hash == bindparam("key")))


def resolve_session(session: Session, settings: Settings, token: str) -> Staff | None:
    """The staff member of a live session; ends idle, expired and deactivated ones."""
    key = token_hash(token)
    # every request asks this: the session's row as plain values, through the connection
    found = session.connection().execute(_SESSION_ROW, {"key": key}).first()
    if found is None:
        return None
    now = utcnow()
    idle_limit = found.last_seen_at + timedelta(minutes=settings.session_idle_minutes)
    absolute_limit = found.created_at + timedelta(hours=settings.session_absolute_hours)
    staff = session.get(Staff, found.staff_id)
    if now > idle_limit or now > absolute_limit or staff is None or not staff.active:
        session.execute(delete(WebSession).where(WebSession.token_hash == key))
        return None
    if now - found.last_seen_at > timedelta(seconds=30):
        session.execute(update(WebSession).where(WebSession.token_hash == key).values(last_seen_at=now))
    return staff


def end_session(session: Session, token: str) -> None:
    session.execute(delete(WebSession).where(WebSession.token_hash == token_hash(token)))


# --- API tokens -------------------------------------------------------------------------------

@dataclass(frozen=True)
class IssuedToken:
    token: str
    record: ApiToken


def _self_or_manager(staff: Staff, by: Principal) -> None:
    if not (isinstance(by, Staff) and by.id == staff.id):
        require(by, MANAGE)


def token_name(name: str) -> str:
    """A token's name as kept: what it is for, trimmed; refused when empty, too long or with
    control characters."""
    cleaned = name.strip()
    column_type = ApiToken.__table__.c.name.type
    limit = column_type.length if isinstance(column_type, String) and column_type.length else 100
    if not cleaned:
        raise ValidationFailed(_("Give the token a name: what it is for."), field="name")
    if len(cleaned) > limit:
        raise ValidationFailed(_("The name must have at most %(n)s characters.", n=limit), field="name")
    if any(ord(char) < 32 or ord(char) == 127 for char in cleaned):
        raise ValidationFailed(_("The name must not contain control characters."), field="name")
    return cleaned


def issue_token(session: Session, staff: Staff, *, name: str = "cli", by: Principal) -> IssuedToken:
    """A new personal API token (the secret is returned once; only its hash is kept)."""
    _self_or_manager(staff, by)
    name = token_name(name)
    if not staff.active:
        raise Conflict(_("%(email)s is deactivated; reactivate it before issuing tokens.", email=staff.email))
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    api_token = ApiToken(staff_id=staff.id, name=name, token_hash=token_hash(token), prefix=token[:10])
    session.add(api_token)
    session.flush()
    return IssuedToken(token, api_token)


def tokens_of(session: Session, staff: Staff, *, by: Principal) -> list[ApiToken]:
    """A person's API tokens: the ones in use first, newest first."""
    _self_or_manager(staff, by)
    return list(session.scalars(
        select(ApiToken).where(ApiToken.staff_id == staff.id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
    ))


def revoke_token(session: Session, staff: Staff, token_id: int, *, by: Principal) -> ApiToken:
    """Revoke one of ``staff``'s tokens by its id (revoking a revoked one changes nothing)."""
    _self_or_manager(staff, by)
    api_token = session.get(ApiToken, token_id)
    if api_token is None or api_token.staff_id != staff.id:
        raise NotFound(_("There is no such API token."))
    if api_token.revoked_at is None:
        api_token.revoked_at = utcnow()
        session.flush()
    return api_token


def resolve_token(session: Session, token: str) -> Staff | None:
    api_token = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
    if api_token is None or api_token.revoked_at is not None or not api_token.staff.active:
        return None
    now = utcnow()
    if api_token.last_used_at is None or now - api_token.last_used_at > timedelta(minutes=5):
        api_token.last_used_at = now
    return api_token.staff


def revoke_tokens(session: Session, staff: Staff, *, prefix: str | None = None, by: Principal) -> int:
    """Revoke the staff member's tokens (all, or the one whose shown prefix matches)."""
    _self_or_manager(staff, by)
    count = 0
    for api_token in staff.tokens:
        if api_token.revoked_at is None and (prefix is None or api_token.prefix == prefix):
            api_token.revoked_at = utcnow()
            count += 1
    if prefix is not None and count == 0:
        raise NotFound(_("No active token starting with %(prefix)s for %(email)s.", prefix=prefix, email=staff.email))
    session.flush()
    return count
