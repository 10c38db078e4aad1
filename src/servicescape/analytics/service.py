"""Rules of the analytics: who may see them, which figures a report is counted with, and the cache
that keeps every report's result per data version (so a page is served from it, and the refresh job
counts again only when the data changed).

A report is asked for with a :class:`Query` (its name and parameters); :func:`report` answers from
the cache when the data has not changed since, else counts it on DuckDB over the operational
database and keeps it.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicescape.analytics import engines, reports, value
from servicescape.analytics.capability import MANAGE, READ
from servicescape.analytics.models import AnalyticsSettings, CachedResult
from servicescape.audit.service import entities_version
from servicescape.auth.permissions import Principal, require
from servicescape.config import Settings
from servicescape.db.types import utcnow
from servicescape.errors import ValidationFailed
from servicescape.i18n import _
from servicescape.offerings import service as offerings
from servicescape.runtime import settings_of

REPORTS = ("pareto", "rfm", "cohorts", "clv", "churn", "economics")
#: what the reports read: the tables, and the client book's import kinds that write them in bulk
INPUTS = ("client", "clients", "invoice", "invoices", "engagement", "engagements", "service_package",
          "exchange_rate", "analytics_settings")


def data_version(session: Session) -> int:
    """The version of what the analytics read: it grows with every write to their tables only."""
    return entities_version(session, INPUTS)
#: the months of cohorts the pages show by default
COHORT_MONTHS = 24
#: how far back the RFM movement looks by default
MOVEMENT_DAYS = 91


# --- settings ----------------------------------------------------------------------------------------

def settings(session: Session, *, by: Principal) -> AnalyticsSettings:
    require(by, READ)
    return _settings(session)


def settings_values(found: AnalyticsSettings) -> dict[str, Any]:
    """The settings as plain values (the API's, the CLI's and the form's)."""
    return {"acquisition_cost": float(found.acquisition_cost) if found.acquisition_cost is not None else None,
            "annual_discount_rate": found.annual_discount_rate, "horizon_months": found.horizon_months,
            "at_risk_below": found.at_risk_below, "rhythm_multiple": found.rhythm_multiple}


def _settings(session: Session) -> AnalyticsSettings:
    found = session.get(AnalyticsSettings, 1)
    return found if found is not None else AnalyticsSettings(id=1, acquisition_cost=None, annual_discount_rate=0.10,
                                                             horizon_months=12, at_risk_below=0.5,
                                                             rhythm_multiple=2.0)


#: field → (lowest, highest) accepted
LIMITS: dict[str, tuple[float, float]] = {
    "annual_discount_rate": (0.0, 0.99), "horizon_months": (1, 120), "at_risk_below": (0.01, 0.99),
    "rhythm_multiple": (1.0, 20.0), "acquisition_cost": (0.0, 1e12),
}


def update_settings(session: Session, data: dict[str, Any], *, by: Principal) -> AnalyticsSettings:
    """Change the firm's analytics settings (recorded in the audit trail)."""
    require(by, MANAGE)
    unknown = sorted(set(data) - set(LIMITS))
    if unknown:
        raise ValidationFailed(_("Unknown setting: %(name)s.", name=", ".join(unknown)), field=unknown[0])
    current = session.get(AnalyticsSettings, 1)
    if current is None:
        current = _settings(session)
        session.add(current)
    for name, given in data.items():
        if given is None and name == "acquisition_cost":
            current.acquisition_cost = None
            continue
        low, high = LIMITS[name]
        try:
            number = float(given)
        except (TypeError, ValueError):
            raise ValidationFailed(_("%(name)s must be a number.", name=name), field=name) from None
        if not low <= number <= high or number != number:
            raise ValidationFailed(_("%(name)s must be between %(low)s and %(high)s.", name=name, low=low, high=high),
                                   field=name)
        if name == "horizon_months":
            if number != int(number):
                raise ValidationFailed(_("%(name)s must be a whole number.", name=name), field=name)
            current.horizon_months = int(number)
        elif name == "acquisition_cost":
            current.acquisition_cost = Decimal(str(round(number, 2)))
        else:
            setattr(current, name, number)
    session.flush()
    return current


# --- queries -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Query:
    """A report and its parameters (JSON-ready: dates as ISO strings)."""

    report: str
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.report not in REPORTS:
            raise ValidationFailed(_("Unknown report: %(name)s.", name=self.report), field="report")

    def key(self, engine: str = "duckdb") -> str:
        text = json.dumps({"report": self.report, "params": self.params, "engine": engine}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()


def today(runtime_settings: Settings) -> date:
    return utcnow().astimezone(runtime_settings.zone).date()


#: the dates a report may be asked for (a period and its comparisons stay within the calendar)
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)


def parse_day(text: str | None, name: str) -> date | None:
    if text in (None, ""):
        return None
    try:
        day = date.fromisoformat(str(text))
    except ValueError:
        raise ValidationFailed(_("%(name)s is not a date (YYYY-MM-DD): %(value)s.", name=name, value=str(text)[:40]),
                               field=name) from None
    if not EARLIEST <= day <= LATEST:
        raise ValidationFailed(_("%(name)s must be between %(earliest)s and %(latest)s.", name=name,
                                 earliest=EARLIEST.isoformat(), latest=LATEST.isoformat()), field=name)
    return day


def default_query(report: str, day: date, firm: AnalyticsSettings, **given: Any) -> Query:
    """The report's parameters: those given, the firm's settings and today's defaults for the rest."""
    params: dict[str, Any]
    if report == "pareto":
        period = given.get("period") or "12m"
        if period == "12m":
            since: date | None = day - timedelta(days=364)
        elif period == "all":
            since = None
        elif isinstance(period, str) and period.isdigit() and len(period) == 4 and 1900 < int(period) <= day.year:
            since = date(int(period), 1, 1)
            day = min(day, date(int(period), 12, 31))
        else:
            raise ValidationFailed(_("The period is 12m, all or a year: %(value)s.", value=str(period)[:20]),
                                   field="period")
        params = {"period": period, "since": since.isoformat() if since else None, "until": day.isoformat()}
    elif report == "rfm":
        as_of = parse_day(given.get("as_of"), "as_of") or day
        compare = parse_day(given.get("compare_to"), "compare_to") or as_of - timedelta(days=MOVEMENT_DAYS)
        if compare >= as_of:
            raise ValidationFailed(_("compare_to must be before as_of."), field="compare_to")
        params = {"as_of": as_of.isoformat(), "compare_to": compare.isoformat()}
    elif report == "cohorts":
        until = parse_day(given.get("until"), "until") or day
        months = int(given.get("months") or COHORT_MONTHS)
        if not 1 <= months <= 240:
            raise ValidationFailed(_("months must be between 1 and 240."), field="months")
        first = (until.year * 12 + until.month - 1) - (months - 1)
        params = {"until": until.isoformat(), "since_cohort": date(first // 12, first % 12 + 1, 1).isoformat()}
    elif report in ("clv", "churn"):
        until = parse_day(given.get("until"), "until") or day
        unit = given.get("time_unit") or "week"
        if unit not in value.UNIT_DAYS:
            raise ValidationFailed(_("The time unit is day or week."), field="time_unit")
        params = {"until": until.isoformat(), "time_unit": unit,
                  "horizon_months": int(given.get("horizon_months") or firm.horizon_months),
                  "annual_discount_rate": float(given["annual_discount_rate"]) if given.get("annual_discount_rate")
                  is not None else firm.annual_discount_rate}
        holdout = parse_day(given.get("holdout_until"), "holdout_until")
        if report == "clv" and holdout is not None:
            if holdout <= until:
                raise ValidationFailed(_("holdout_until must be after until."), field="holdout_until")
            params["holdout_until"] = holdout.isoformat()
        if report == "churn":
            params |= {"at_risk_below": firm.at_risk_below, "rhythm_multiple": firm.rhythm_multiple}
    else:  # economics
        as_of = parse_day(given.get("as_of"), "as_of") or day
        cost = given["acquisition_cost"] if given.get("acquisition_cost") is not None else firm.acquisition_cost
        params = {"as_of": as_of.isoformat(), "acquisition_cost": float(cost) if cost is not None else None}
    return Query(report, params)


# --- counting ----------------------------------------------------------------------------------------

class Counter:
    """Counts reports on one engine's tables, fitting the lifetime models once per calibration."""

    def __init__(self, tables: engines.Tables) -> None:
        self.tables = tables
        self._values: dict[tuple[Any, ...], value.ClientValues] = {}

    def _client_values(self, params: dict[str, Any]) -> value.ClientValues:
        terms = value.LifetimeTerms(horizon_months=int(params["horizon_months"]),
                                    annual_discount_rate=float(params["annual_discount_rate"]),
                                    unit=params["time_unit"])
        holdout = params.get("holdout_until")
        key = (params["until"], terms, holdout)
        if key not in self._values:
            self._values[key] = value.client_values(
                self.tables, until=date.fromisoformat(params["until"]), terms=terms,
                holdout_until=date.fromisoformat(holdout) if holdout else None)
        return self._values[key]

    def count(self, query: Query) -> dict[str, Any]:
        p, t = query.params, self.tables
        day: Callable[[str], date | None] = lambda name: date.fromisoformat(p[name]) if p.get(name) else None  # noqa: E731
        if query.report == "pareto":
            return {"period": p["period"], **reports.pareto(t, since=day("since"), until=day("until") or date.max)}
        if query.report == "rfm":
            return reports.rfm_report(t, as_of=day("as_of") or date.max, compare_to=day("compare_to"))
        if query.report == "cohorts":
            return reports.cohort_report(t, until=day("until") or date.max, since_cohort=day("since_cohort"))
        if query.report == "clv":
            return value.clv_report(t, self._client_values(p), holdout_until=day("holdout_until"))
        if query.report == "churn":
            return value.churn_report(t, self._client_values(p), at_risk_below=float(p["at_risk_below"]),
                                      rhythm_multiple=float(p["rhythm_multiple"]))
        return reports.economics_report(t, as_of=day("as_of") or date.max, acquisition_cost=p["acquisition_cost"])


def tables_for(session: Session) -> engines.Tables:
    """DuckDB tables over the operational database of ``session``'s runtime."""
    runtime_settings = settings_of(session)
    currency = runtime_settings.reporting_currency
    return engines.duckdb_from_database(runtime_settings.effective_database_url,
                                        offerings.rates(session, currency), currency)


@dataclass(frozen=True)
class Answer:
    """A report's result and where it came from."""

    payload: dict[str, Any]
    data_version: int
    computed_at: datetime
    seconds: float
    cached: bool
    stale: bool = False        # counted on older data (shown while the refresh job counts again)

    def meta(self) -> dict[str, Any]:
        return {"data_version": self.data_version, "computed_at": self.computed_at.isoformat(),
                "seconds": round(self.seconds, 3), "cached": self.cached, "stale": self.stale}


def report(session: Session, query: Query, *, by: Principal, allow_stale: bool = False) -> Answer:
    """The report's result: from the cache when counted on the current data (or, with
    ``allow_stale``, on any earlier data while the job counts again), else counted now and kept."""
    require(by, READ)
    version = data_version(session)
    found = session.get(CachedResult, query.key())
    if found is not None and (found.data_version == version or allow_stale):
        answer = Answer(found.payload, found.data_version, found.computed_at, found.seconds, cached=True,
                        stale=found.data_version != version)
    else:
        answer = count_and_keep(session, [query], counter=None, version=version)[0]
    if "problem" in answer.payload:
        raise ValidationFailed(answer.payload["problem"], field=query.report)
    return answer


def kept(session: Session, query: Query, *, by: Principal) -> Answer | None:
    """The report's last kept result, however old, or None: never counts (for the home page)."""
    require(by, READ)
    found = session.get(CachedResult, query.key())
    if found is None:
        return None
    return Answer(found.payload, found.data_version, found.computed_at, found.seconds, cached=True,
                  stale=found.data_version != data_version(session))


def count_and_keep(session: Session, queries: Iterable[Query], *, counter: Counter | None,
                   version: int) -> list[Answer]:
    """Count ``queries`` on one load of the data and keep the results for ``version``."""
    counter = counter or Counter(tables_for(session))
    try:
        return _count_all(session, counter, queries, version)
    finally:
        counter.tables.release()


def _count_all(session: Session, counter: Counter, queries: Iterable[Query], version: int) -> list[Answer]:
    answers = []
    for query in queries:
        started = time.perf_counter()
        try:
            payload = counter.count(query)
        except ValueError as exc:   # the data cannot give this report (nothing bought yet, no model fits): kept too
            payload = {"problem": str(exc)}
        seconds = time.perf_counter() - started
        computed = utcnow()
        row = session.get(CachedResult, query.key())
        if row is None:
            row = CachedResult(key=query.key(), report=query.report)
            session.add(row)
        row.data_version, row.computed_at, row.seconds, row.payload = version, computed, seconds, payload
        answers.append(Answer(payload, version, computed, seconds, cached=False))
    session.flush()
    return answers


def default_queries(session: Session, day: date) -> list[Query]:
    """What the pages show with no parameters: counted ahead by the refresh job."""
    firm = _settings(session)
    return [default_query(name, day, firm) for name in REPORTS]


def refresh(session: Session, *, by: Principal, force: bool = False) -> dict[str, Any]:
    """Count the pages' reports again when the data (or the day) changed since they were kept."""
    require(by, MANAGE)
    version = data_version(session)
    day = today(settings_of(session))
    queries = default_queries(session, day)
    kept = {row.key: row.data_version for row in session.scalars(
        select(CachedResult).where(CachedResult.key.in_([q.key() for q in queries])))}
    due = [q for q in queries if force or kept.get(q.key()) != version]
    if not due:
        return {"counted": 0, "data_version": version}
    started = time.perf_counter()
    count_and_keep(session, due, counter=None, version=version)
    return {"counted": len(due), "data_version": version, "seconds": round(time.perf_counter() - started, 3)}
