"""``/api/v1/packages``: the service packages of the catalogue."""

from __future__ import annotations

from servicescape.offerings.schemas import PackageIn, PackageOut, PackagePatch
from servicescape.offerings.service import packages
from servicescape.web.api.resources import Resource, add_list_all, entity_router

PACKAGES = Resource("packages", "package", packages, PackageIn, PackagePatch, PackageOut,
                    sample="servicescape.offerings.samples:package")

router = entity_router(PACKAGES)
add_list_all(router, PACKAGES)
