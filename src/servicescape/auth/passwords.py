"""Password policy (ASVS V2.1) and argon2id hashing (ASVS V2.4)."""

from __future__ import annotations

import gzip
from functools import cache
from importlib import resources

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from servicescape.errors import ValidationFailed
from servicescape.i18n import _

MIN_LENGTH = 8
MAX_LENGTH = 128
# 19 MiB memory, 2 passes, 1 lane: the OWASP cheat-sheet minimum for argon2id.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, type=Type.ID)


@cache
def common_passwords() -> frozenset[str]:
    """20,000 common passwords (list from Django, BSD licence)."""
    data = resources.files("servicescape.auth").joinpath("common-passwords.txt.gz").read_bytes()
    return frozenset(gzip.decompress(data).decode().split())


#: words a password may not be: the product's name (and the account's own e-mail, checked below)
FORBIDDEN = frozenset({"servicescape"})


def check_policy(password: str, *, email: str | None = None, field: str = "password") -> None:
    """The password exactly as typed (never trimmed or altered): long enough, not too long, not a
    common one, not the account's e-mail or the product's name."""
    if len(password) < MIN_LENGTH:
        raise ValidationFailed(_("The password must have at least %(n)s characters.", n=MIN_LENGTH), field=field)
    if not password.strip():
        raise ValidationFailed(_("The password cannot be only spaces."), field=field)
    if len(password) > MAX_LENGTH:
        raise ValidationFailed(_("The password must have at most %(n)s characters.", n=MAX_LENGTH), field=field)
    folded = password.strip().casefold()
    if folded in common_passwords() or folded in FORBIDDEN:
        raise ValidationFailed(_("This password is too common; choose another."), field=field)
    if email is not None and folded in {email.strip().casefold(), email.strip().casefold().split("@")[0]}:
        raise ValidationFailed(_("The password must not be your e-mail address."), field=field)


def hash_password(password: str, *, email: str | None = None) -> str:
    check_policy(password, email=email)
    return HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        # spend the same time as a real check so that unknown accounts are not revealed by timing
        HASHER.hash(password)
        return False
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
