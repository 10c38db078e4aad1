"""``/api/v1/packages``, ``/package-levels``, ``/package-addons``, ``/package-prices``,
``/competitor-prices``: the service catalogue; ``/packages/{id}/comparison``: its levels side by side;
``/engagements/{id}/level``: the level an engagement was sold at."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from servicescape.db.types import utcnow
from servicescape.offerings import catalogue
from servicescape.offerings.schemas import (
    AddonIn,
    AddonOut,
    AddonPatch,
    ComparisonOut,
    CompetitorPriceIn,
    CompetitorPriceOut,
    CompetitorPricePatch,
    EngagementLevelIn,
    EngagementLevelOut,
    LevelIn,
    LevelOut,
    LevelPatch,
    PackageIn,
    PackageOut,
    PackagePatch,
    PriceIn,
    PriceOut,
    PricePatch,
)
from servicescape.offerings.service import packages
from servicescape.web.api.common import READ_ONE, UPDATE, EntityId
from servicescape.web.api.resources import Resource, SignedIn, add_list_all, entity_router

PACKAGES = Resource("packages", "package", packages, PackageIn, PackagePatch, PackageOut,
                    sample="servicescape.offerings.samples:package")
LEVELS = Resource("package-levels", "package_level", catalogue.levels, LevelIn, LevelPatch, LevelOut,
                  sample="servicescape.offerings.samples:level")
ADDONS = Resource("package-addons", "package_addon", catalogue.addons, AddonIn, AddonPatch, AddonOut,
                  sample="servicescape.offerings.samples:addon")
PRICES = Resource("package-prices", "package_price", catalogue.prices, PriceIn, PricePatch, PriceOut,
                  sample="servicescape.offerings.samples:price")
COMPETITOR_PRICES = Resource("competitor-prices", "competitor_price", catalogue.competitor_prices,
                             CompetitorPriceIn, CompetitorPricePatch, CompetitorPriceOut,
                             sample="servicescape.offerings.samples:competitor_price")

router = APIRouter()
for resource in (PACKAGES, LEVELS, ADDONS, PRICES, COMPETITOR_PRICES):
    entity_router_of = entity_router(resource)
    add_list_all(entity_router_of, resource)
    router.include_router(entity_router_of)

CurrencyQuery = Annotated[str | None, Query(pattern="^[A-Za-z]{3}$", description="default: the first it is priced in")]


@router.get("/packages/{id}/comparison", response_model=ComparisonOut, responses=READ_ONE,
            name="package_comparison", tags=["packages"],
            summary="The package's levels side by side as a client reads them: what each includes, its targets, "
                    "its price on a day and the price history; the add-ons")
def comparison(id: EntityId, context: SignedIn, currency: CurrencyQuery = None, day: date | None = None) -> Any:
    on = day or utcnow().astimezone(context.runtime.settings.zone).date()
    with context.unit() as session:
        found = catalogue.comparison(session, id, currency=currency, day=on, by=context.principal)
        return ComparisonOut.model_validate({
            "package": PackageOut.model_validate(found.package), "currency": found.currency, "day": found.day,
            "currencies": found.currencies,
            "levels": [{"level": LevelOut.model_validate(column.level), "price": _point(column.price),
                        "history": [_point(p) for p in column.history]} for column in found.levels],
            "addons": [{"addon": AddonOut.model_validate(addon), "price": _point(price)}
                       for addon, price in found.addons]})


def _point(point: catalogue.PricePoint | None) -> dict[str, Any] | None:
    return None if point is None else {"amount": point.amount, "currency": point.currency, "since": point.since}


@router.put("/engagements/{id}/level", response_model=EngagementLevelOut, responses=UPDATE,
            name="set_engagement_level", tags=["engagements"],
            summary="The level of its package an engagement was sold at (null: none); its targets apply to the client")
def set_engagement_level(id: EntityId, body: EngagementLevelIn, context: SignedIn) -> Any:
    with context.unit() as session:
        found = catalogue.set_engagement_level(session, id, body.level_id, by=context.principal)
        return EngagementLevelOut(engagement_id=id, level_id=found.level_id if found else None)
