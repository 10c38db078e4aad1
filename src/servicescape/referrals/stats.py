"""The referral figures of a period (by the day each referral was made), counted in SQL:

* conversion rate = won ÷ all referrals of the period; win rate = won ÷ decided (won + lost), the
  open ones (new, contacted, proposal) left out;
* the value won, in the reporting currency (through the exchange rates; a value in a currency
  without a rate is left out of the sums and counted apart, per currency);
* referrers: referrals made, won and the value won — the top ones by count and by value;
* per month: referrals made, won and the value won.

Every figure is one GROUP BY over the referral table's ``(referred_on, referrer, status, currency,
value_won)`` index: nothing is read row by row into Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Integer, case, cast, extract, func, select
from sqlalchemy.orm import Session

from servicescape.auth.permissions import Principal, require
from servicescape.clients.models import Client
from servicescape.errors import ValidationFailed
from servicescape.i18n import _
from servicescape.offerings import service as offerings
from servicescape.referrals.capability import READ
from servicescape.referrals.models import Referral, ReferralStatus

TOP = 10


@dataclass(frozen=True)
class ReferrerFigures:
    client_id: int
    name: str
    referrals: int
    won: int
    value_won: float


@dataclass(frozen=True)
class PeriodFigures:
    year: int
    month: int
    referrals: int
    won: int
    value_won: float

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)


@dataclass(frozen=True)
class ReferralStats:
    reporting_currency: str
    since: date | None
    until: date | None
    total: int
    by_status: dict[str, int]
    value_won: float
    unconverted: dict[str, int]          # currency without a rate → won referrals left out of the values
    top_by_count: list[ReferrerFigures] = field(default_factory=list)
    top_by_value: list[ReferrerFigures] = field(default_factory=list)
    by_month: list[PeriodFigures] = field(default_factory=list)
    referrers: int = 0

    @property
    def won(self) -> int:
        return self.by_status.get(ReferralStatus.won.value, 0)

    @property
    def lost(self) -> int:
        return self.by_status.get(ReferralStatus.lost.value, 0)

    @property
    def open(self) -> int:
        return self.total - self.won - self.lost

    @property
    def conversion_rate(self) -> float | None:
        """Won ÷ all referrals of the period (None when there are none)."""
        return self.won / self.total if self.total else None

    @property
    def win_rate(self) -> float | None:
        """Won ÷ decided (won + lost): the open ones are left out."""
        decided = self.won + self.lost
        return self.won / decided if decided else None

    def as_dict(self) -> dict[str, Any]:
        def referrer(r: ReferrerFigures) -> dict[str, Any]:
            return {"client_id": r.client_id, "name": r.name, "referrals": r.referrals, "won": r.won,
                    "value_won": round(r.value_won, 2)}

        return {
            "reporting_currency": self.reporting_currency,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "total": self.total, "won": self.won, "lost": self.lost, "open": self.open,
            "by_status": {status.value: self.by_status.get(status.value, 0) for status in ReferralStatus},
            "conversion_rate": None if self.conversion_rate is None else round(self.conversion_rate, 4),
            "win_rate": None if self.win_rate is None else round(self.win_rate, 4),
            "value_won": round(self.value_won, 2), "unconverted": self.unconverted, "referrers": self.referrers,
            "top_by_count": [referrer(r) for r in self.top_by_count],
            "top_by_value": [referrer(r) for r in self.top_by_value],
            "by_month": [{"month": f"{p.year:04d}-{p.month:02d}", "referrals": p.referrals, "won": p.won,
                          "value_won": round(p.value_won, 2)} for p in self.by_month],
        }


def referral_stats(session: Session, *, reporting_currency: str, since: date | None = None,
                   until: date | None = None, top: int = TOP, by: Principal) -> ReferralStats:
    """The figures of referrals made from ``since`` (included) to ``until`` (excluded)."""
    require(by, READ)
    if not 1 <= top <= 100:
        raise ValidationFailed(_("top must be between 1 and %(max)s", max=100), field="top")
    known = offerings.rates(session, reporting_currency)
    is_won = Referral.status == ReferralStatus.won
    value = func.coalesce(func.sum(case((is_won, offerings.in_reporting_currency(
        Referral.value_won, Referral.currency, known)), else_=None)), 0.0)
    won = func.coalesce(func.sum(case((is_won, 1), else_=0)), 0)
    period = []
    if since is not None:
        period.append(Referral.referred_on >= since)
    if until is not None:
        period.append(Referral.referred_on < until)

    by_status = {str(getattr(status, "value", status)): int(count) for status, count in session.execute(
        select(Referral.status, func.count()).where(*period).group_by(Referral.status))}
    total_value = float(session.scalar(select(value).where(*period)) or 0.0)
    unconverted = {str(currency): count for currency, count in session.execute(
        select(Referral.currency, func.count()).where(*period, is_won, Referral.value_won.is_not(None),
                                                      Referral.currency.not_in(known))
        .group_by(Referral.currency).order_by(Referral.currency))}

    per_referrer = (select(Referral.referrer_client_id, func.count().label("referrals"), won.label("won"),
                           value.label("value")).where(*period).group_by(Referral.referrer_client_id))
    by_count = session.execute(per_referrer.order_by(func.count().desc(), value.desc(), Referral.referrer_client_id)
                               .limit(top)).all()
    by_value = session.execute(per_referrer.having(value > 0)
                               .order_by(value.desc(), func.count().desc(), Referral.referrer_client_id)
                               .limit(top)).all()
    referrers = session.scalar(select(func.count(func.distinct(Referral.referrer_client_id))).where(*period)) or 0
    ids = {row[0] for row in by_count} | {row[0] for row in by_value}
    names = {row.id: row.name for row in session.execute(select(Client.id, Client.name).where(Client.id.in_(ids)))}

    def figures(rows: list[Any]) -> list[ReferrerFigures]:
        return [ReferrerFigures(client_id, names.get(client_id, ""), int(count), int(won_count), float(amount or 0))
                for client_id, count, won_count, amount in rows]

    year = cast(extract("year", Referral.referred_on), Integer)
    month = cast(extract("month", Referral.referred_on), Integer)
    by_month = [PeriodFigures(int(y), int(m), int(count), int(won_count), float(amount or 0))
                for y, m, count, won_count, amount in session.execute(
                    select(year, month, func.count(), won, value).where(*period)
                    .group_by(year, month).order_by(year, month))]
    return ReferralStats(reporting_currency, since, until, sum(by_status.values()), by_status, total_value,
                         unconverted, figures(list(by_count)), figures(list(by_value)), by_month, int(referrers))
