"""Role rules in one place: what each role may do. Services and routes ask only this module."""

from __future__ import annotations

import enum

from servicescape.auth.models import Role, Staff
from servicescape.errors import PermissionDenied
from servicescape.i18n import _


class Permission(enum.StrEnum):
    read = "read"                  # see the client book
    write = "write"                # add and edit clients, contacts, engagements, invoices, interactions
    delete = "delete"              # delete records
    bulk_data = "bulk_data"        # import and export whole tables
    manage_catalogue = "manage_catalogue"  # service packages
    view_staff = "view_staff"      # the staff page
    manage_staff = "manage_staff"  # add users, change roles, deactivate


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.viewer: frozenset({Permission.read}),
    Role.staff: frozenset({Permission.read, Permission.write}),
    Role.manager: frozenset({
        Permission.read, Permission.write, Permission.delete, Permission.bulk_data,
        Permission.manage_catalogue, Permission.view_staff,
    }),
    Role.owner: frozenset(Permission),
}


def can(staff: Staff | None, permission: Permission) -> bool:
    return staff is not None and staff.active and permission in ROLE_PERMISSIONS[staff.role]


def require(staff: Staff | None, permission: Permission) -> None:
    if not can(staff, permission):
        raise PermissionDenied(_("Your role does not allow this (%(permission)s).", permission=permission.value))
