"""Signing in and the other password checks, all within the sign-in limits (auth/limits.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete

from servicescape.audit.service import Actor, record
from servicescape.auth import limits
from servicescape.auth.models import Staff, WebSession
from servicescape.auth.passwords import check_policy, hash_password, verify_password
from servicescape.auth.service import actor_for, find_by_email, token_hash
from servicescape.db.types import utcnow
from servicescape.errors import PermissionDenied, ValidationFailed
from servicescape.i18n import _
from servicescape.runtime import Runtime


@dataclass(frozen=True)
class PasswordAttempt:
    """Who typed a password, and from where: the typed e-mail, the client's address and the
    browser's known-device cookie (None: an unknown device)."""

    email: str
    password: str
    address: str
    device: str | None = None


def _check_password(runtime: Runtime, attempt: PasswordAttempt, *, action: str,
                    now: datetime | None = None) -> Staff | None:
    """The active account whose e-mail and password these are, or None; within the sign-in limits.

    Reserve a failure (TooManyAttempts past a limit, with no password check), check the password
    outside any transaction, then give the reservation back if it was right. The audit trail gets
    ``action`` or ``<action>_failed``.
    """
    now = now or utcnow()
    email = attempt.email.strip().lower()
    keys = limits.limits_for(runtime.settings, email=email, address=attempt.address, device=attempt.device)
    with runtime.transaction() as session:
        limits.reserve(session, runtime.settings, keys, now=now)
    with runtime.transaction() as session:
        staff = find_by_email(session, email)
    ok = verify_password(staff.password_hash if staff else None, attempt.password)
    ok = ok and staff is not None and staff.active
    who = actor_for(staff, attempt.address) if staff else Actor(label=email[:320], address=attempt.address)
    with runtime.transaction(who) as session:
        limits.settle(session, keys, success=ok)
        record(session, action if ok else f"{action}_failed", entity="staff",
               entity_id=staff.id if staff else None, actor=who, wrote=False)
    return staff if ok else None


def authenticate(runtime: Runtime, attempt: PasswordAttempt, *, now: datetime | None = None) -> Staff | None:
    """Sign-in: the account, or None for a wrong e-mail or password (the same answer for both);
    TooManyAttempts past the sign-in limits (ASVS V2.2.1)."""
    return _check_password(runtime, attempt, action="sign_in", now=now)


def confirm_password(runtime: Runtime, password: str, *, address: str, device: str | None,
                     by: Staff) -> None:
    """Re-authentication before a sensitive change by ``by`` themselves (ASVS V3.7.1): the same
    limits as signing in; ValidationFailed (field ``current_password``) for a wrong password."""
    attempt = PasswordAttempt(by.email, password, address, device)
    if _check_password(runtime, attempt, action="password_confirmed") is None:
        raise ValidationFailed(_("That is not your current password."), field="current_password")


def change_own_password(runtime: Runtime, *, current: str, new: str, address: str, device: str | None,
                        keep_session: str | None, by: Staff) -> None:
    """The signed-in person changes their password: the current one is required, the new one meets
    the policy; their other sessions end (``keep_session``, this browser's, continues)."""
    if not isinstance(by, Staff):
        raise PermissionDenied(_("Only a signed-in person can change their own password."))
    check_policy(new, email=by.email)
    if new == current:
        raise ValidationFailed(_("The new password must differ from the current one."), field="password")
    confirm_password(runtime, current, address=address, device=device, by=by)
    with runtime.transaction(actor_for(by, address)) as session:
        staff = session.get(Staff, by.id)
        if staff is None or not staff.active:
            raise PermissionDenied(_("This account is deactivated."))
        staff.password_hash = hash_password(new, email=staff.email)
        ended = delete(WebSession).where(WebSession.staff_id == staff.id)
        if keep_session:
            ended = ended.where(WebSession.token_hash != token_hash(keep_session))
        session.execute(ended)
        record(session, "password_changed", entity="staff", entity_id=staff.id, actor=actor_for(staff, address))
