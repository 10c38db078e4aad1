"""Rules of the service catalogue (packages, levels, list prices)."""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy.orm import Session

from servicescape.clients import rules
from servicescape.clients.capability import READ
from servicescape.db.crud import EntityService
from servicescape.i18n import N_
from servicescape.offerings.capability import MANAGE
from servicescape.offerings.models import ServicePackage


class PackageService(EntityService[ServicePackage]):
    model = ServicePackage
    label = N_("Service package")
    unique_fields: ClassVar[tuple[str, ...]] = ("name",)
    read_permission = READ   # everyone who sees the client book sees what it was sold from
    write_permission = MANAGE
    delete_permission = MANAGE

    def check(self, session: Session, data: dict[str, Any], existing: ServicePackage | None) -> dict[str, Any]:
        try:
            rules.currency_is_in_use(data)  # list prices are in a currency in use, as invoices are
        except rules.RuleBroken as broken:
            raise broken.failure() from None
        return super().check(session, data, existing)


packages = PackageService()
