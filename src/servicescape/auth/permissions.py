"""Who may do what: the acting principal, and the permissions the capabilities declare.

Every service function takes the acting principal (``by=``) and checks it here; there is no
default that skips the check. A signed-in person is a :class:`Staff`; the CLI, the demo loader and
scheduled jobs act as :data:`SYSTEM`, explicitly. Anything else (``None``, an unknown object) is
refused. A permission name no capability declares is a defect and raises at once.
"""

from __future__ import annotations

from functools import cache

from servicescape.auth.models import Staff
from servicescape.auth.roles import Role
from servicescape.errors import PermissionDenied
from servicescape.i18n import _


class SystemPrincipal:
    """The product acting on its own behalf: the command line, the demo loader, jobs."""

    id = None
    name = "system"
    active = True

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = SystemPrincipal()
Principal = Staff | SystemPrincipal


class UndeclaredPermission(LookupError):
    """Code asked for a permission that no capability declares (a defect, not a user error)."""


@cache
def role_grants() -> dict[Role, frozenset[str]]:
    from servicescape.platform.registry import registry

    return registry().grants()


def declared(permission: str) -> bool:
    from servicescape.platform.registry import registry

    return permission in registry().permissions


def can(principal: object, permission: str) -> bool:
    if not declared(permission):
        raise UndeclaredPermission(permission)
    if isinstance(principal, SystemPrincipal):
        return True
    if isinstance(principal, Staff):
        return principal.active and permission in role_grants()[principal.role]
    return False


def require(principal: object, permission: str) -> None:
    if not can(principal, permission):
        from servicescape.platform.registry import registry

        what = _(registry().permissions[permission].description)
        raise PermissionDenied(_("Your role does not allow this. It takes the right to: %(what)s.", what=what),
                               details={"permission": permission})


def permissions_of(staff: Staff) -> list[str]:
    """The permissions a staff member holds now, sorted by name."""
    return sorted(role_grants()[staff.role]) if staff.active else []
