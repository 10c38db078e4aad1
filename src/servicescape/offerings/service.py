"""Rules of the service catalogue (packages, levels, list prices)."""

from __future__ import annotations

from typing import ClassVar

from servicescape.auth.permissions import Permission
from servicescape.db.crud import EntityService
from servicescape.i18n import N_
from servicescape.offerings.models import ServicePackage


class PackageService(EntityService[ServicePackage]):
    model = ServicePackage
    label = N_("Service package")
    unique_fields: ClassVar[tuple[str, ...]] = ("name",)
    write_permission: ClassVar[Permission] = Permission.manage_catalogue


packages = PackageService()

