"""Rules of the service catalogue (packages, levels, list prices)."""

from __future__ import annotations

import math
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any, ClassVar

from sqlalchemy import BigInteger, Float, case, select, type_coerce
from sqlalchemy.orm import Session

from servicescape.auth.permissions import Principal, require
from servicescape.clients import rules
from servicescape.clients.capability import READ
from servicescape.currencies import is_currency
from servicescape.db.crud import EntityService
from servicescape.db.types import MAX_AMOUNT, MONEY_PLACES
from servicescape.errors import ValidationFailed
from servicescape.i18n import N_, _
from servicescape.offerings.capability import MANAGE
from servicescape.offerings.models import ExchangeRate, ServicePackage


class PackageService(EntityService[ServicePackage]):
    model = ServicePackage
    label = N_("Service package")
    unique_fields: ClassVar[tuple[str, ...]] = ("name",)
    read_permission = READ   # everyone who sees the client book sees what it was sold from
    write_permission = MANAGE
    delete_permission = MANAGE

    def check(self, session: Session, data: dict[str, Any], existing: ServicePackage | None) -> dict[str, Any]:
        currency_in_use(data)   # list prices are in a currency in use, as invoices are
        return super().check(session, data, existing)


packages = PackageService()


def amount_fits(value: Any, field: str, *, positive: bool = False) -> None:
    """An amount the product can keep exactly: finite, at most four decimal places, below 10^13 (and
    above zero when ``positive``); else a 4xx naming ``field``."""
    if value is None:
        return
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("%(field)s is not an amount.", field=field), field=field) from None
    if not amount.is_finite() or abs(amount) >= MAX_AMOUNT or amount != amount.quantize(
            Decimal(1).scaleb(-MONEY_PLACES), rounding=ROUND_DOWN):
        raise ValidationFailed(_("%(field)s must be an amount below %(max)s with at most %(places)s decimal places.",
                                 field=field, max=f"{MAX_AMOUNT:,.0f}", places=MONEY_PLACES), field=field)
    if positive and amount <= 0:
        raise ValidationFailed(_("%(field)s must be more than zero.", field=field), field=field)


def currency_in_use(data: dict[str, Any]) -> None:
    """The ``currency`` given (if any) is an ISO 4217 currency in use: else a 4xx naming the field."""
    try:
        rules.currency_is_in_use(data)
    except rules.RuleBroken as broken:
        raise broken.failure() from None


# --- exchange rates: revenue in several currencies, compared in one --------------------------------

def rates(session: Session, reporting_currency: str) -> dict[str, float]:
    """Currency → worth of one unit in the reporting currency (which is worth 1)."""
    found = {currency: rate for currency, rate in session.execute(select(ExchangeRate.currency, ExchangeRate.rate))}
    found[reporting_currency] = 1.0
    return found


def set_rate(session: Session, currency: str, rate: float, *, reporting_currency: str, by: Principal) -> ExchangeRate:
    require(by, MANAGE)
    code = currency.strip().upper()
    if not is_currency(code):
        raise ValidationFailed(_("%(code)s is not a currency in use.", code=currency), field="currency")
    if code == reporting_currency:
        raise ValidationFailed(_("%(code)s is the reporting currency: its rate is always 1.", code=code),
                               field="currency")
    if not (rate > 0 and math.isfinite(rate)):
        raise ValidationFailed(_("A rate must be a positive number."), field="rate")
    found = session.get(ExchangeRate, code)
    if found is None:
        found = ExchangeRate(currency=code, rate=rate)
        session.add(found)
    else:
        found.rate = rate
    session.flush()
    return found


def in_reporting_currency(amount: Any, currency: Any, known: dict[str, float]) -> Any:
    """A SQL expression: ``amount`` (a Money column, stored in 1/10,000 units) in the reporting
    currency's units, a float; NULL where the currency has no rate (left out of sums, counted apart)."""
    stored = type_coerce(amount, BigInteger)
    rate = case({code: rate for code, rate in known.items()}, value=currency, else_=None)
    return type_coerce(stored * rate / float(10 ** MONEY_PLACES), Float)
