"""Limits on password guessing that never hand an attacker a lock-out of the owner (ASVS V2.2.1).

Every password check (signing in, changing the password, confirming a new API token) first
*reserves* one failure under each of its keys, in one short transaction, and only then checks the
password; a right password gives the reservation back. Reserving is a conditional update of a
counter row ("add one if still under the limit"), so concurrent attempts can never get more real
password checks than the limit allows, on SQLite (one writer at a time) as on PostgreSQL (the
row is locked until the reservation commits). The password check itself runs outside any
transaction: argon2 takes tens of milliseconds and must not hold SQLite's write lock.

The keys of an attempt (after OWASP's "Slow down online guessing attacks with device cookies"
and django-axes' account-and-address combination):

``client``   the account from one *known device* (a browser that signed in to it before and kept
             the signed ``known device`` cookie), or else the account from one address (IPv6: its
             /64). Limit ``login_max_failures_per_client``. A known device is limited by this key
             only, so the owner's own browsers keep working whatever strangers try.
``account``  the account from all unknown devices together (``login_max_failures_per_account``;
             the default keeps guessing under ASVS's 100 per hour). Past it, only known devices
             may try the account until the window passes; a reset link still works.
``address``  one address, any accounts, unknown devices (``login_max_failures_per_address``):
             spraying one password over many accounts. Known devices behind a shared address are
             not counted or stopped.

Failures count until ``login_failure_window_minutes`` pass without a new one. Keys are typed
e-mail addresses, so an unknown account is limited exactly like a real one and the answers never
tell whether an account exists. Client addresses come from ``web.deps.client_address`` (which
believes ``X-Forwarded-For`` only from ``trusted_proxies``).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from ipaddress import IPv6Address, ip_address, ip_network

from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from servicescape.auth.models import SignInLimit
from servicescape.config import Settings
from servicescape.db.compare_and_set import changed_rows
from servicescape.errors import TooManyAttempts
from servicescape.i18n import ngettext

DEVICE_COOKIE = "ss_device"
DEVICE_COOKIE_DAYS = 400  # the longest lifetime browsers keep a cookie


@dataclass(frozen=True)
class Limit:
    kind: str        # client | account | address
    key: str         # kind + ":" + a hash of what is counted
    most: int        # failures allowed within the window
    resets_on_success: bool


def address_group(address: str) -> str:
    """The unit an address is counted in: an IPv4 address, an IPv6 /64 (one subscriber's network)."""
    try:
        parsed = ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, IPv6Address) and parsed.ipv4_mapped is None:
        return str(ip_network(f"{parsed}/64", strict=False))
    return str(parsed.ipv4_mapped or parsed) if isinstance(parsed, IPv6Address) else str(parsed)


def _key(kind: str, *parts: str) -> str:
    return f"{kind}:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


# --- known devices --------------------------------------------------------------------------------

def _device_mac(secret_key: str, email: str, nonce: str) -> str:
    message = f"known-device\x1f{email}\x1f{nonce}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()[:32]


def new_device_cookie(settings: Settings, email: str) -> str:
    """The cookie a browser gets when it signs in: proof that it signed in to ``email`` before."""
    nonce = secrets.token_urlsafe(16)
    return f"{nonce}.{_device_mac(settings.secret_key, email.strip().lower(), nonce)}"


def known_device(settings: Settings, email: str, cookie: str | None) -> str | None:
    """The device's id when ``cookie`` is a known-device cookie of ``email``, else None."""
    if not cookie or cookie.count(".") != 1 or len(cookie) > 100:
        return None
    nonce, mac = cookie.split(".")
    expected = _device_mac(settings.secret_key, email, nonce)
    return nonce if hmac.compare_digest(mac.encode(errors="replace"), expected.encode()) else None


# --- the keys of an attempt -----------------------------------------------------------------------

def limits_for(settings: Settings, *, email: str, address: str, device: str | None) -> list[Limit]:
    """The keys one attempt on ``email`` (normalised) counts under, in a fixed order (so that two
    transactions never lock shared rows in opposite orders)."""
    device_id = known_device(settings, email, device)
    if device_id is not None:
        return [Limit("client", _key("device", email, device_id), settings.login_max_failures_per_client, True)]
    group = address_group(address)
    return [
        Limit("client", _key("pair", email, group), settings.login_max_failures_per_client, True),
        Limit("account", _key("account", email), settings.login_max_failures_per_account, False),
        Limit("address", _key("address", group), settings.login_max_failures_per_address, False),
    ]


def _insert_missing(session: Session, key: str, now: datetime) -> None:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(SignInLimit).values(key=key, failures=0, last_failure_at=now)
                    .on_conflict_do_nothing(index_elements=["key"]))


def reserve(session: Session, settings: Settings, limits: list[Limit], *, now: datetime) -> None:
    """Count one failure under every key, or raise TooManyAttempts (and the caller's transaction
    rolls the others back) when a key is at its limit. Commit before checking the password."""
    since = now - timedelta(minutes=settings.login_failure_window_minutes)
    for limit in limits:
        _insert_missing(session, limit.key, now)
        expired = SignInLimit.last_failure_at < since
        counted = changed_rows(session, update(SignInLimit).where(
            SignInLimit.key == limit.key, or_(expired, SignInLimit.failures < limit.most),
        ).values(failures=case((expired, 1), else_=SignInLimit.failures + 1), last_failure_at=now))
        if counted != 1:
            last = session.scalar(select(SignInLimit.last_failure_at).where(SignInLimit.key == limit.key))
            wait = (last or now) + timedelta(minutes=settings.login_failure_window_minutes) - now
            raise too_many(limit.kind, max(1, math.ceil(wait.total_seconds())))


def settle(session: Session, limits: list[Limit], *, success: bool) -> None:
    """After the check: a wrong password keeps its reservation; a right one gives it back (and
    clears the client's own count: it has shown that it knows the password)."""
    if not success:
        return
    for limit in limits:
        if limit.resets_on_success:
            session.execute(delete(SignInLimit).where(SignInLimit.key == limit.key))
        else:
            changed_rows(session, update(SignInLimit).where(SignInLimit.key == limit.key, SignInLimit.failures > 0)
                         .values(failures=SignInLimit.failures - 1))


def prune(session: Session, settings: Settings, *, now: datetime) -> int:
    """Forget the counts whose window has passed (the daily job); returns how many went."""
    since = now - timedelta(minutes=settings.login_failure_window_minutes)
    result = session.execute(delete(SignInLimit).where(SignInLimit.last_failure_at < since)
                             .execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)


class SignInRefused(TooManyAttempts):
    """TooManyAttempts with the seconds to wait (the page sends them as Retry-After)."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, details={"retry_after_seconds": retry_after})
        self.retry_after = retry_after


def too_many(kind: str, seconds: int) -> SignInRefused:
    """The refusal for a key at its limit: what happened, when to try again, what still works."""
    minutes = max(1, math.ceil(seconds / 60))
    if kind == "client":
        message = ngettext(
            "Too many wrong passwords for this account from here. Try again in %(num)d minute, or "
            "choose a new password with “Forgot your password?”.",
            "Too many wrong passwords for this account from here. Try again in %(num)d minutes, or "
            "choose a new password with “Forgot your password?”.", minutes)
    elif kind == "account":
        message = ngettext(
            "After many wrong passwords from other devices, this account accepts sign-ins only from "
            "devices that signed in to it before. Try again in %(num)d minute, or choose a new "
            "password with “Forgot your password?”.",
            "After many wrong passwords from other devices, this account accepts sign-ins only from "
            "devices that signed in to it before. Try again in %(num)d minutes, or choose a new "
            "password with “Forgot your password?”.", minutes)
    else:
        message = ngettext(
            "Too many wrong passwords from this network. Try again in %(num)d minute; a device that "
            "signed in to your account before can still sign in.",
            "Too many wrong passwords from this network. Try again in %(num)d minutes; a device that "
            "signed in to your account before can still sign in.", minutes)
    return SignInRefused(message, retry_after=seconds)
