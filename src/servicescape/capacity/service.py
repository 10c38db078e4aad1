"""Capacity and demand: staff terms and bookings (their rules), and the figures — per staff and
week the hours available (contract, working days, leave, the firm's and the country's holidays),
scheduled and billable; utilisation, bench, perished hours and their cost; realisation and
effective rate; the demand outlook for the weeks ahead. Formulas in ``calc`` and ``outlook``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

import numpy as np
from sqlalchemy import Date, Integer, case, cast, func, literal, select
from sqlalchemy.orm import Session

from servicescape.auth.models import Staff
from servicescape.auth.permissions import Principal, require
from servicescape.capacity import calc, calendars
from servicescape.capacity.capability import MANAGE, READ
from servicescape.capacity.models import Booking, BookingStatus, PipelineEstimate, StaffCapacity
from servicescape.clients.models import Client, Engagement, EngagementStatus, Invoice
from servicescape.db.crud import EntityService, about_field
from servicescape.errors import ValidationFailed
from servicescape.i18n import N_
from servicescape.offerings import service as offerings
from servicescape.promises.models import Holiday, Promise, PromiseKind, PromiseStatus
from servicescape.promises.policies import on_leave

#: the days a figure may be asked for
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)
PERFORMANCE_DAYS = 90

#: promises that hold a person for their window: appointments and site visits not yet kept
HOLDING_KINDS = (PromiseKind.appointment, PromiseKind.site_visit)
MAX_APPOINTMENT_HOURS = 8.0
MAX_WEEKS = 160


class StaffCapacityService(EntityService[StaffCapacity]):
    model = StaffCapacity
    label = N_("Staff capacity")
    references: ClassVar[dict[str, Any]] = {"staff_id": Staff}
    unique_fields: ClassVar[tuple[str, ...]] = ("staff_id",)
    read_permission = READ
    write_permission = MANAGE
    delete_permission = MANAGE

    def check(self, session: Session, data: dict[str, Any], existing: StaffCapacity | None) -> dict[str, Any]:
        hours = data.get("hours_per_week")
        if "hours_per_week" in data and (hours is None or not 0 <= hours <= calc.HOURS_IN_WEEK):
            raise about_field(ValidationFailed, N_("%(field)s must be from %(low)s to %(high)s."), "hours_per_week",
                              low=0, high=calc.HOURS_IN_WEEK)
        if "working_days" in data:
            days = data["working_days"] or []
            if not days or any(not isinstance(d, int) or isinstance(d, bool) or not 0 <= d <= 6 for d in days):
                raise about_field(ValidationFailed, N_("%(field)s takes days 0 (Monday) to 6 (Sunday), at least one."),
                                  "working_days")
            data["working_days"] = sorted(set(days))
        if data.get("country") is not None:
            data["country"] = data["country"].upper()
            if not calendars.known_country(data["country"]):
                raise about_field(ValidationFailed, N_("%(field)s: there is no holiday calendar for %(value)s."),
                                  "country", value=data["country"])
        if "standard_rate" in data:
            offerings.amount_fits(data["standard_rate"], "standard_rate", positive=True)
        if data.get("standard_rate") is not None and not data.get("currency", existing.currency if existing else None):
            raise about_field(ValidationFailed, N_("%(field)s: say the currency of the rate."), "currency")
        offerings.currency_in_use(data)
        return super().check(session, data, existing)


class BookingService(EntityService[Booking]):
    model = Booking
    label = N_("Booking")
    references: ClassVar[dict[str, Any]] = {"staff_id": Staff, "client_id": Client, "engagement_id": Engagement}
    unique_fields: ClassVar[tuple[str, ...]] = ()
    read_permission = READ
    write_permission = MANAGE
    delete_permission = MANAGE

    def check(self, session: Session, data: dict[str, Any], existing: Booking | None) -> dict[str, Any]:
        if "hours" in data and (data["hours"] is None or not 0 < data["hours"] <= 24):
            raise about_field(ValidationFailed, N_("%(field)s must be more than 0 and at most 24."), "hours")
        if data.get("day") is not None:
            _within_calendar(data["day"], "day")
        billed = data.get("billed_hours", existing.billed_hours if existing else None)
        status = data.get("status", existing.status if existing else BookingStatus.scheduled)
        if billed is not None:
            if not 0 <= billed <= 24:
                raise about_field(ValidationFailed, N_("%(field)s must be from %(low)s to %(high)s."), "billed_hours",
                                  low=0, high=24)
            if status != BookingStatus.worked:
                raise about_field(ValidationFailed, N_("%(field)s: only hours worked are billed."), "billed_hours")
        data = super().check(session, data, existing)
        engagement_id = data.get("engagement_id", existing.engagement_id if existing else None)
        client_id = data.get("client_id", existing.client_id if existing else None)
        if engagement_id is not None:
            engagement = session.get(Engagement, engagement_id)
            assert engagement is not None
            if client_id is None:
                data["client_id"] = engagement.client_id
            elif engagement.client_id != client_id:
                raise about_field(ValidationFailed, N_("%(field)s is not an engagement of this client."),
                                  "engagement_id")
        return data


class PipelineService(EntityService[PipelineEstimate]):
    model = PipelineEstimate
    label = N_("Pipeline estimate")
    references: ClassVar[dict[str, Any]] = {"engagement_id": Engagement}
    unique_fields: ClassVar[tuple[str, ...]] = ("engagement_id",)
    read_permission = READ
    write_permission = MANAGE
    delete_permission = MANAGE

    def check(self, session: Session, data: dict[str, Any], existing: PipelineEstimate | None) -> dict[str, Any]:
        if "hours" in data and (data["hours"] is None or not 0 < data["hours"] <= 100_000):
            raise about_field(ValidationFailed, N_("%(field)s must be more than 0 and at most %(high)s."), "hours",
                              high=100_000)
        if "probability" in data and (data["probability"] is None or not 0 <= data["probability"] <= 1):
            raise about_field(ValidationFailed, N_("%(field)s must be from 0 to 1."), "probability")
        return super().check(session, data, existing)


staff_capacity = StaffCapacityService()
bookings = BookingService()
pipeline = PipelineService()


def capacity_of(session: Session, staff_id: int, *, by: Principal) -> StaffCapacity | None:
    """A person's capacity, if it is set."""
    require(by, READ)
    return session.scalar(select(StaffCapacity).where(StaffCapacity.staff_id == staff_id))


def week_bookings(session: Session, staff_id: int, week: date, *, by: Principal) -> list[Booking]:
    """A person's bookings in the week starting on ``week``, by day."""
    require(by, READ)
    return list(session.scalars(select(Booking).where(
        Booking.staff_id == staff_id, Booking.day.between(week, week + timedelta(days=6)))
        .order_by(Booking.day, Booking.id)))


# --- the figures --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StaffRow:
    staff_id: int
    name: str
    roles: list[str]
    rate: float | None          # standard rate per hour in the reporting currency


@dataclass(frozen=True)
class Heatmap:
    """Per staff (rows) and week (columns), with the firm's totals per week."""

    weeks: list[date]
    staff: list[StaffRow]
    available: np.ndarray
    scheduled: np.ndarray       # bookings (scheduled and worked) + appointments held
    billable: np.ndarray
    utilisation: np.ndarray     # billable ÷ available
    bench: np.ndarray           # available − scheduled
    bands: np.ndarray
    perished: np.ndarray        # past weeks only: max(available − scheduled, 0)
    perished_cost: np.ndarray   # × the standard rate (reporting currency)
    past: np.ndarray            # which weeks have ended
    currency: str


def _within_calendar(day: date, field: str) -> None:
    if not EARLIEST <= day <= LATEST:
        raise about_field(ValidationFailed, N_("%(field)s must be from %(low)s to %(high)s."), field,
                          low=EARLIEST.isoformat(), high=LATEST.isoformat())


def _weeks(first: date, count: int) -> list[date]:
    if not 1 <= count <= MAX_WEEKS:
        raise about_field(ValidationFailed, N_("%(field)s must be a whole number from %(low)s to %(high)s."), "weeks",
                          low=1, high=MAX_WEEKS)
    _within_calendar(first, "first")
    return calc.week_starts(calc.week_start(first), count)


def _staff(session: Session, reporting_currency: str) -> list[tuple[StaffRow, StaffCapacity]]:
    """The active people with a capacity, by name, with their standard rate in the reporting currency."""
    rows = session.execute(select(StaffCapacity, Staff.name).join(Staff, Staff.id == StaffCapacity.staff_id)
                           .where(Staff.active).order_by(Staff.name, Staff.id)).all()
    known = offerings.rates(session, reporting_currency)
    found = []
    for capacity, name in rows:
        rate = None
        if capacity.standard_rate is not None and capacity.currency in known:
            rate = float(capacity.standard_rate) * known[capacity.currency]
        found.append((StaffRow(capacity.staff_id, name, list(capacity.roles or []), rate), capacity))
    return found


def _terms(session: Session, weeks: list[date], reporting_currency: str) -> tuple[list[StaffRow],
                                                                                   list[calc.StaffTerms]]:
    first, last = weeks[0], weeks[-1] + timedelta(days=6)
    rows = _staff(session, reporting_currency)
    firm_days = set(session.scalars(select(Holiday.day).where(Holiday.day.between(first, last))))
    leave = on_leave(session, {capacity.staff_id for _row, capacity in rows}, first, last)
    terms = []
    for _row, capacity in rows:
        off = set(firm_days)
        if capacity.country:
            off |= calendars.holiday_dates(capacity.country, first, last)
        for starts, ends in leave.get(capacity.staff_id, []):
            off |= {starts + timedelta(days=n) for n in range((ends - starts).days + 1)}
        terms.append(calc.StaffTerms(capacity.staff_id, capacity.hours_per_week, frozenset(capacity.working_days),
                                     frozenset(off), capacity.starts_on))
    return [row for row, _capacity in rows], terms


def _week_number(session: Session, day: Any, first: date) -> Any:
    """SQL: the week (0, 1, ...) ``day`` falls in, counted from the Monday ``first``."""
    if session.get_bind().dialect.name == "postgresql":
        days = cast(day - cast(literal(first.isoformat()), Date), Integer)   # date − date: whole days
    else:
        days = cast(func.julianday(day) - func.julianday(first.isoformat()), Integer)
    return days // 7


def _booked(session: Session, ids: list[int], weeks: list[date],
            days: tuple[date, date] | None = None) -> dict[str, np.ndarray]:
    """Hours per staff and week, summed in the database: all booked, billable, worked, worked billable,
    and billed (of billable work); of the whole weeks, or only of the ``days`` from..to within them."""
    first, last = days or (weeks[0], weeks[-1] + timedelta(days=6))
    worked = Booking.status == BookingStatus.worked
    sums = {"all": func.sum(Booking.hours),
            "billable": func.sum(case((Booking.billable, Booking.hours), else_=0.0)),
            "worked": func.sum(case((worked, Booking.hours), else_=0.0)),
            "worked_billable": func.sum(case((worked & Booking.billable, Booking.hours), else_=0.0)),
            "billed": func.sum(case((worked & Booking.billable, func.coalesce(Booking.billed_hours, 0.0)),
                                    else_=0.0))}
    query = (select(Booking.staff_id, _week_number(session, Booking.day, weeks[0]).label("week"), *sums.values())
             .where(Booking.day.between(first, last))
             .group_by(Booking.staff_id, "week"))
    rows = session.connection().execute(query).all()
    found = {name: np.zeros((len(ids), len(weeks))) for name in sums}
    position = {staff_id: n for n, staff_id in enumerate(ids)}
    cells = [(position[r[0]], int(r[1]), r[2:]) for r in rows if r[0] in position and 0 <= int(r[1]) < len(weeks)]
    if cells:
        at_row = np.array([c[0] for c in cells])
        at_week = np.array([c[1] for c in cells])
        values = np.array([c[2] for c in cells], dtype=np.float64)
        for n, name in enumerate(sums):
            np.add.at(found[name], (at_row, at_week), values[:, n])
    return found


def _held(session: Session, ids: list[int], weeks: list[date], zone: Any) -> np.ndarray:
    """Hours per staff and week that open appointments and site visits hold (their window, at most 8 h)."""
    first = datetime.combine(weeks[0], datetime.min.time(), zone)
    last = datetime.combine(weeks[-1] + timedelta(days=7), datetime.min.time(), zone)
    rows = session.execute(select(Promise.owner_id, Promise.window_start, Promise.window_end).where(
        Promise.kind.in_(HOLDING_KINDS), Promise.status == PromiseStatus.open, Promise.owner_id.in_(ids),
        Promise.window_start >= first, Promise.window_start < last)).all()
    staff = np.array([r[0] for r in rows], dtype=np.int64)
    days = calc.as_days([r[1].astimezone(zone).date() for r in rows])
    hours = np.array([min(MAX_APPOINTMENT_HOURS, (r[2] - r[1]).total_seconds() / 3600) for r in rows],
                     dtype=np.float64)
    return calc.week_grid(ids, weeks, staff, days, hours)


def heatmap(session: Session, first: date, count: int, *, today: date, zone: Any, reporting_currency: str,
            by: Principal) -> Heatmap:
    require(by, READ)
    weeks = _weeks(first, count)
    staff, terms = _terms(session, weeks, reporting_currency)
    ids = [row.staff_id for row in staff]
    available = calc.capacity_grid(terms, weeks) if terms else np.zeros((0, len(weeks)))
    booked = _booked(session, ids, weeks)
    held = _held(session, ids, weeks, zone)
    scheduled = booked["all"] + held
    billable = booked["billable"] + held
    utilisation = calc.utilisation(billable, available)
    past = np.array([week + timedelta(days=7) <= today for week in weeks])
    perished = np.where(past, calc.perished_hours(available, scheduled), 0.0)
    rates = np.array([np.nan if row.rate is None else row.rate for row in staff], dtype=np.float64)
    cost = calc.perished_cost(perished, rates) if staff else np.zeros((0, len(weeks)))
    return Heatmap(weeks, staff, available, scheduled, billable, utilisation, calc.bench(available, scheduled),
                   calc.bands(utilisation), perished, cost, past, reporting_currency)


def heatmap_payload(found: Heatmap) -> dict[str, Any]:
    """Plain values (JSON): per staff and week, with totals."""
    def number(value: float) -> float | None:
        return None if not np.isfinite(value) else round(float(value), 2)

    rows = []
    for n, row in enumerate(found.staff):
        rows.append({
            "staff_id": row.staff_id, "name": row.name, "roles": row.roles, "standard_rate": row.rate,
            "weeks": [{"week": week.isoformat(), "available": number(found.available[n, w]),
                       "scheduled": number(found.scheduled[n, w]), "billable": number(found.billable[n, w]),
                       "utilisation": number(found.utilisation[n, w]), "bench": number(found.bench[n, w]),
                       "band": str(found.bands[n, w]), "perished_hours": number(found.perished[n, w]),
                       "perished_cost": number(found.perished_cost[n, w])}
                      for w, week in enumerate(found.weeks)],
            "perished_hours": number(found.perished[n].sum()),
            "perished_cost": number(np.nansum(found.perished_cost[n]))})
    totals = {"available": found.available.sum(axis=0), "scheduled": found.scheduled.sum(axis=0),
              "billable": found.billable.sum(axis=0), "perished_hours": found.perished.sum(axis=0),
              "perished_cost": np.nansum(found.perished_cost, axis=0)}
    return {"weeks": [week.isoformat() for week in found.weeks], "currency": found.currency, "staff": rows,
            "totals": {name: [number(v) for v in values] for name, values in totals.items()},
            "perished_hours": number(found.perished.sum()), "perished_cost": number(np.nansum(found.perished_cost)),
            "bands": {"under": "< 80%", "well": "80–100%", "over": "> 100%"}}


@dataclass(frozen=True)
class Performance:
    """Over a period, per staff and for the firm: hours worked, recorded billable, billed, revenue."""

    staff: list[StaffRow]
    worked: np.ndarray
    recorded_billable: np.ndarray
    billed: np.ndarray
    revenue: np.ndarray
    first: date
    last: date


def performance(session: Session, first: date | None, last: date, *, reporting_currency: str,
                by: Principal) -> Performance:
    """Realisation (billed ÷ recorded billable of billable work) and effective rate (revenue ÷ hours
    worked) from ``first`` (default: 90 days before ``last``) to ``last``: revenue is what was invoiced
    in the period on engagements each person delivered."""
    require(by, READ)
    _within_calendar(last, "last")
    first = first if first is not None else max(EARLIEST, last - timedelta(days=PERFORMANCE_DAYS))
    _within_calendar(first, "first")
    if last < first:
        raise about_field(ValidationFailed, N_("%(field)s must be on or after the first day."), "last")
    count = (calc.week_start(last) - calc.week_start(first)).days // 7 + 1
    if count > MAX_WEEKS:
        raise about_field(ValidationFailed, N_("%(field)s: at most %(n)s weeks at a time."), "last", n=MAX_WEEKS)
    weeks = _weeks(first, count)
    staff = [row for row, _capacity in _staff(session, reporting_currency)]
    ids = [row.staff_id for row in staff]
    booked = _booked(session, ids, weeks, days=(first, last))
    known = offerings.rates(session, reporting_currency)
    amount = offerings.in_reporting_currency(Invoice.amount, Invoice.currency, known)
    revenue_rows: dict[int, float] = dict(session.execute(  # type: ignore[arg-type]
        select(Engagement.delivered_by_id, func.sum(amount)).join(Engagement, Engagement.id == Invoice.engagement_id)
        .where(Invoice.issued_on.between(first, last), Engagement.delivered_by_id.in_(ids))
        .group_by(Engagement.delivered_by_id)).all())
    revenue = np.array([float(revenue_rows.get(i) or 0.0) for i in ids], dtype=np.float64)
    return Performance(staff, booked["worked"].sum(axis=1), booked["worked_billable"].sum(axis=1),
                       booked["billed"].sum(axis=1), revenue, first, last)


def performance_payload(found: Performance) -> dict[str, Any]:
    def number(value: float) -> float | None:
        return None if not np.isfinite(value) else round(float(value), 4)

    realisation = calc.realisation(found.billed, found.recorded_billable)
    rate = calc.effective_rate(found.revenue, found.worked)
    total = {"worked": found.worked.sum(), "recorded_billable": found.recorded_billable.sum(),
             "billed": found.billed.sum(), "revenue": found.revenue.sum()}
    return {"first": found.first.isoformat(), "last": found.last.isoformat(),
            "staff": [{"staff_id": row.staff_id, "name": row.name, "worked": number(found.worked[n]),
                       "recorded_billable": number(found.recorded_billable[n]), "billed": number(found.billed[n]),
                       "revenue": number(found.revenue[n]), "realisation": number(realisation[n]),
                       "effective_rate": number(rate[n])} for n, row in enumerate(found.staff)],
            "firm": {**{k: number(v) for k, v in total.items()},
                     "realisation": number(float(calc.realisation(total["billed"], total["recorded_billable"]))),
                     "effective_rate": number(float(calc.effective_rate(total["revenue"], total["worked"])))}}


def worked_history(session: Session, first: date, last: date) -> dict[date, float]:
    """Hours worked by the whole firm per week (Monday) from ``first`` to ``last``."""
    rows = session.execute(select(Booking.day, func.sum(Booking.hours)).where(
        Booking.status == BookingStatus.worked, Booking.day.between(first, last)).group_by(Booking.day)).all()
    weeks: dict[date, float] = defaultdict(float)
    for day, hours in rows:
        weeks[calc.week_start(day)] += float(hours)
    return dict(weeks)


def proposals(session: Session, weeks: Sequence[date]) -> list[Any]:
    """The pipeline: proposed engagements with an estimate, over their start..end (default: 4 weeks)."""
    from servicescape.capacity.outlook import Proposal

    rows = session.execute(select(PipelineEstimate.hours, PipelineEstimate.probability, Engagement.start_date,
                                  Engagement.end_date)
                           .join(Engagement, Engagement.id == PipelineEstimate.engagement_id)
                           .where(Engagement.status == EngagementStatus.proposed)).all()
    found = []
    for hours, probability, start, end in rows:
        first = start or weeks[0]
        last = end if end and end >= first else first + timedelta(days=27)
        found.append(Proposal(hours, probability, first, last))
    return found
