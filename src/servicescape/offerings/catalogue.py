"""Rules of the catalogue's levels, add-ons, dated list prices and competitors' prices, and the
comparison of a package's levels as a client reads it ("what you get")."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from servicescape.auth.permissions import Principal, require
from servicescape.clients.capability import READ
from servicescape.clients.models import Engagement
from servicescape.db.crud import EntityService, about_field
from servicescape.errors import NotFound, ValidationFailed
from servicescape.i18n import N_, _
from servicescape.offerings.capability import MANAGE
from servicescape.offerings.models import (
    CompetitorPrice,
    EngagementLevel,
    PackageAddon,
    PackageLevel,
    PackagePrice,
    ServicePackage,
)
from servicescape.offerings.service import amount_fits, currency_in_use

#: the most a target may say: first response (business hours), resolution (days), contact (days)
TARGET_LIMITS = {"first_response_hours": (1, 2000), "resolution_days": (0, 365), "cadence_days": (1, 3650)}
QUALITY_SCALE = (1.0, 7.0)
MAX_INCLUSIONS, MAX_INCLUSION = 30, 300


def _quality(data: dict[str, Any]) -> None:
    value = data.get("perceived_quality")
    low, high = QUALITY_SCALE
    if value is not None and not low <= value <= high:
        raise about_field(ValidationFailed, N_("%(field)s must be from %(low)s to %(high)s."), "perceived_quality",
                          low=low, high=high)


def _positive(data: dict[str, Any], name: str) -> None:
    if name in data:
        amount_fits(data[name], name, positive=True)


def _named_once_in_package(session: Session, model: Any, data: dict[str, Any], existing: Any, message: str) -> None:
    """A level's (or an add-on's) name is its package's only one of that name."""
    package_id = data.get("package_id", existing.package_id if existing else None)
    name = data.get("name", existing.name if existing else None)
    clash = session.scalar(select(model.id).where(model.package_id == package_id, model.name == name))
    if clash is not None and (existing is None or clash != existing.id):
        raise about_field(ValidationFailed, message, "name", value=name)


class LevelService(EntityService[PackageLevel]):
    model = PackageLevel
    label = N_("Package level")
    references: ClassVar[dict[str, Any]] = {"package_id": ServicePackage}
    unique_fields: ClassVar[tuple[str, ...]] = ()
    read_permission = READ
    write_permission = MANAGE
    delete_permission = MANAGE

    def check(self, session: Session, data: dict[str, Any], existing: PackageLevel | None) -> dict[str, Any]:
        for name, (low, high) in TARGET_LIMITS.items():
            value = data.get(name)
            if value is not None and not low <= value <= high:
                raise about_field(ValidationFailed, N_("%(field)s must be a whole number from %(low)s to %(high)s."),
                                  name, low=low, high=high)
        _quality(data)
        if "inclusions" in data:
            lines = [str(line).strip() for line in data["inclusions"] or []]
            if len(lines) > MAX_INCLUSIONS or any(len(line) > MAX_INCLUSION or not line for line in lines):
                raise about_field(ValidationFailed, N_("%(field)s takes up to %(n)s lines of up to %(length)s "
                                                       "characters, none empty."), "inclusions",
                                  n=MAX_INCLUSIONS, length=MAX_INCLUSION)
            data["inclusions"] = lines
        data = super().check(session, data, existing)
        _named_once_in_package(session, PackageLevel, data, existing,
                               N_("This package already has a level called %(value)s."))
        return data


class AddonService(EntityService[PackageAddon]):
    model = PackageAddon
    label = N_("Add-on")
    references: ClassVar[dict[str, Any]] = {"package_id": ServicePackage}
    unique_fields: ClassVar[tuple[str, ...]] = ()
    read_permission = READ
    write_permission = MANAGE
    delete_permission = MANAGE

    def check(self, session: Session, data: dict[str, Any], existing: PackageAddon | None) -> dict[str, Any]:
        data = super().check(session, data, existing)
        _named_once_in_package(session, PackageAddon, data, existing,
                               N_("This package already has an add-on called %(value)s."))
        return data


class PriceService(EntityService[PackagePrice]):
    """A list price from a day on; a change of price is a new row (the history stays)."""

    model = PackagePrice
    label = N_("List price")
    references: ClassVar[dict[str, Any]] = {"level_id": PackageLevel, "addon_id": PackageAddon}
    unique_fields: ClassVar[tuple[str, ...]] = ()
    read_permission = READ
    write_permission = MANAGE
    delete_permission = MANAGE

    def check(self, session: Session, data: dict[str, Any], existing: PackagePrice | None) -> dict[str, Any]:
        _positive(data, "amount")
        currency_in_use(data)
        level_id = data.get("level_id", existing.level_id if existing else None)
        addon_id = data.get("addon_id", existing.addon_id if existing else None)
        if (level_id is None) == (addon_id is None):
            raise about_field(ValidationFailed, N_("%(field)s: a price is of a level or of an add-on (give one)."),
                              "level_id")
        data = super().check(session, data, existing)
        currency = data.get("currency", existing.currency if existing else None)
        valid_from = data.get("valid_from", existing.valid_from if existing else None)
        clash = session.scalar(select(PackagePrice.id).where(
            PackagePrice.level_id.is_(None) if level_id is None else PackagePrice.level_id == level_id,
            PackagePrice.addon_id.is_(None) if addon_id is None else PackagePrice.addon_id == addon_id,
            PackagePrice.currency == currency, PackagePrice.valid_from == valid_from))
        if clash is not None and (existing is None or clash != existing.id):
            raise about_field(ValidationFailed, N_("There is already a price in this currency from %(value)s."),
                              "valid_from", value=valid_from)
        return data


class CompetitorPriceService(EntityService[CompetitorPrice]):
    model = CompetitorPrice
    label = N_("Competitor's price")
    references: ClassVar[dict[str, Any]] = {"package_id": ServicePackage}
    unique_fields: ClassVar[tuple[str, ...]] = ()
    read_permission = MANAGE
    write_permission = MANAGE
    delete_permission = MANAGE

    def check(self, session: Session, data: dict[str, Any], existing: CompetitorPrice | None) -> dict[str, Any]:
        _positive(data, "price")
        currency_in_use(data)
        _quality(data)
        return super().check(session, data, existing)


levels = LevelService()
addons = AddonService()
prices = PriceService()
competitor_prices = CompetitorPriceService()


def set_engagement_level(session: Session, engagement_id: int, level_id: int | None, *,
                         by: Principal) -> EngagementLevel | None:
    """The level an engagement was sold at (its package's), or none (``level_id`` None)."""
    require(by, MANAGE)
    engagement = session.get(Engagement, engagement_id)
    if engagement is None:
        raise NotFound(_("%(entity)s %(id)s does not exist.", entity=_("Engagement"), id=engagement_id))
    found = session.get(EngagementLevel, engagement_id)
    if level_id is None:
        if found is not None:
            session.delete(found)
            session.flush()
        return None
    level = session.get(PackageLevel, level_id)
    if level is None:
        raise about_field(ValidationFailed, N_("%(field)s %(value)s does not exist."), "level_id", value=level_id)
    if engagement.package_id != level.package_id:
        raise about_field(ValidationFailed, N_("%(field)s is not a level of the engagement's package."), "level_id")
    if found is None:
        found = EngagementLevel(engagement_id=engagement_id, level_id=level_id)
        session.add(found)
    else:
        found.level_id = level_id
    session.flush()
    return found


# --- prices on a day, and the comparison ------------------------------------------------------

def price_on(session: Session, *, level_id: int | None = None, addon_id: int | None = None, currency: str,
             day: date) -> PackagePrice | None:
    """The list price of a level or add-on in ``currency`` on ``day`` (the latest that started by then)."""
    query = select(PackagePrice).where(PackagePrice.currency == currency, PackagePrice.valid_from <= day)
    query = query.where(PackagePrice.level_id == level_id) if level_id is not None else query.where(
        PackagePrice.addon_id == addon_id)
    return session.scalars(query.order_by(PackagePrice.valid_from.desc()).limit(1)).first()


@dataclass(frozen=True)
class PricePoint:
    amount: Decimal
    currency: str
    since: date


@dataclass
class LevelColumn:
    level: PackageLevel
    price: PricePoint | None
    history: list[PricePoint] = field(default_factory=list)   # oldest first, today's last


@dataclass
class Comparison:
    package: ServicePackage
    currency: str
    day: date
    levels: list[LevelColumn]
    addons: list[tuple[PackageAddon, PricePoint | None]]
    currencies: list[str]           # the currencies the package is priced in


def comparison(session: Session, package_id: int, *, currency: str | None, day: date,
               by: Principal) -> Comparison:
    """A package's active levels side by side with their prices in ``currency`` on ``day`` (default: the
    first currency it is priced in), the price history of each, and the add-ons."""
    require(by, READ)
    package = session.get(ServicePackage, package_id)
    if package is None:
        raise NotFound(_("%(entity)s %(id)s does not exist.", entity=_("Service package"), id=package_id))
    found = list(session.scalars(select(PackageLevel).where(PackageLevel.package_id == package_id,
                                                            PackageLevel.active)
                                 .order_by(PackageLevel.position, PackageLevel.id)))
    extras = list(session.scalars(select(PackageAddon).where(PackageAddon.package_id == package_id,
                                                             PackageAddon.active).order_by(PackageAddon.name)))
    ids = [level.id for level in found]
    rows = list(session.scalars(select(PackagePrice).where(
        (PackagePrice.level_id.in_(ids)) | (PackagePrice.addon_id.in_([a.id for a in extras])))
        .order_by(PackagePrice.valid_from, PackagePrice.id))) if found or extras else []
    currencies = sorted({row.currency for row in rows})
    chosen = (currency or (currencies[0] if currencies else package.currency)).upper()
    if currency and currencies and chosen not in currencies:
        raise about_field(ValidationFailed, N_("%(field)s: this package has no prices in %(value)s."), "currency",
                          value=chosen)

    def history(**key: int) -> list[PricePoint]:
        return [PricePoint(row.amount, row.currency, row.valid_from) for row in rows
                if row.currency == chosen and row.valid_from <= day
                and all(getattr(row, name) == value for name, value in key.items())]

    columns = []
    for level in found:
        points = history(level_id=level.id)
        columns.append(LevelColumn(level, points[-1] if points else None, points))
    add = [(addon, (points[-1] if (points := history(addon_id=addon.id)) else None)) for addon in extras]
    return Comparison(package, chosen, day, columns, add, currencies)


def catalogue_list(session: Session, *, by: Principal) -> list[ServicePackage]:
    require(by, READ)
    return list(session.scalars(select(ServicePackage).order_by(ServicePackage.active.desc(), ServicePackage.name)))


# --- the price-position map -------------------------------------------------------------------------

def perceived_quality_by_level(session: Session) -> dict[int, tuple[float, int]]:
    """Level id → (mean SERVQUAL perception 1–7, respondents) of submitted survey answers given on
    engagements sold at that level (the quality capability's surveys)."""
    from servicescape.quality.models import SurveyAnswer, SurveyResponse

    rows = session.execute(
        select(EngagementLevel.level_id, func.avg(SurveyAnswer.perceived), func.count(func.distinct(SurveyResponse.id)))
        .join(SurveyResponse, SurveyResponse.engagement_id == EngagementLevel.engagement_id)
        .join(SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id)
        .where(SurveyResponse.submitted_at.is_not(None), SurveyAnswer.perceived.is_not(None))
        .group_by(EngagementLevel.level_id)).all()
    return {level_id: (float(mean), int(n)) for level_id, mean, n in rows if mean is not None}


@dataclass(frozen=True)
class PricePosition:
    label: str
    price: float            # in the map's currency
    quality: float          # 1–7
    ours: bool
    measured: bool          # quality from survey answers (else as entered)
    competitor: str | None = None   # a competitor's offer: the competitor's name


def price_positions(session: Session, currency: str, into: dict[str, float], day: date, *,
                    package_id: int | None = None, by: Principal) -> tuple[list[PricePosition], int]:
    """The firm's active levels (of one package, or all; today's list price, converted) and competitors'
    offers, each with its perceived quality; and how many were left out (no price or quality, or no
    exchange rate). ``into``: one unit of each currency's worth in ``currency``."""
    require(by, MANAGE)
    measured = perceived_quality_by_level(session)
    found: list[PricePosition] = []
    missing = 0
    query = select(PackageLevel, ServicePackage.name).join(
        ServicePackage, ServicePackage.id == PackageLevel.package_id).where(PackageLevel.active, ServicePackage.active)
    if package_id is not None:
        query = query.where(ServicePackage.id == package_id)
    levels = session.execute(query.order_by(ServicePackage.name, PackageLevel.position)).all()
    for level, package_name in levels:
        price = _converted(session, level.id, currency, into, day)
        quality = measured[level.id][0] if level.id in measured else level.perceived_quality
        if price is None or quality is None:
            missing += 1
            continue
        found.append(PricePosition(f"{package_name} · {level.name}", price, quality, True, level.id in measured))
    offers = select(CompetitorPrice).order_by(CompetitorPrice.competitor, CompetitorPrice.offer)
    if package_id is not None:
        offers = offers.where((CompetitorPrice.package_id == package_id) | CompetitorPrice.package_id.is_(None))
    for offer in session.scalars(offers):
        rate = into.get(offer.currency)
        if rate is None or offer.perceived_quality is None:
            missing += 1
            continue
        found.append(PricePosition(f"{offer.competitor} · {offer.offer}", float(offer.price) * rate,
                                   offer.perceived_quality, False, False, offer.competitor))
    return found, missing


def _converted(session: Session, level_id: int, currency: str, into: dict[str, float], day: date) -> float | None:
    """Today's list price of a level in ``currency``: its own, else another converted with the rates."""
    own = price_on(session, level_id=level_id, currency=currency, day=day)
    if own is not None:
        return float(own.amount)
    for code, rate in sorted(into.items()):
        other = price_on(session, level_id=level_id, currency=code, day=day)
        if other is not None:
            return float(other.amount) * rate
    return None
