"""What the firm promises each tier (complaint targets, lateness tolerance), its business clock
(working hours and days from the settings, holidays from the table) and staff leave."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, ClassVar

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from servicescape.auth.models import Staff
from servicescape.auth.permissions import Principal, require
from servicescape.clients.models import Tier
from servicescape.config import Settings
from servicescape.db.crud import EntityService, about_field
from servicescape.errors import NotFound, ValidationFailed
from servicescape.i18n import N_, _
from servicescape.promises.capability import MANAGE, READ
from servicescape.promises.models import Holiday, ServicePolicy, StaffLeave
from servicescape.promises.rules import BusinessClock, business_clock

#: the targets a firm starts with (first response in business hours, resolution in business days,
#: lateness in minutes that still needs no recovery)
DEFAULT_POLICIES: dict[Tier, tuple[int, int, int]] = {
    Tier.key: (4, 3, 15),
    Tier.growth: (8, 5, 30),
    Tier.standard: (16, 10, 60),
}
LIMITS = {"first_response_hours": (1, 2000), "resolution_days": (0, 365), "late_tolerance_minutes": (0, 10080)}


def policy_for(session: Session, tier: Tier) -> ServicePolicy:
    found = session.get(ServicePolicy, tier)
    if found is None:
        hours, days, tolerance = DEFAULT_POLICIES[tier]
        return ServicePolicy(tier=tier, first_response_hours=hours, resolution_days=days,
                             late_tolerance_minutes=tolerance)
    return found


def policies(session: Session, *, by: Principal) -> list[ServicePolicy]:
    require(by, READ)
    return [policy_for(session, tier) for tier in Tier]


def set_policy(session: Session, tier: Tier, changes: dict[str, Any], *, by: Principal) -> ServicePolicy:
    """Change a tier's targets (the fields given); complaints already received keep their due times."""
    require(by, MANAGE)
    for field, value in changes.items():
        if field not in LIMITS:
            raise about_field(ValidationFailed, N_("Unknown field %(field)s."), field)
        low, high = LIMITS[field]
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise about_field(ValidationFailed, N_("%(field)s must be a whole number from %(low)s to %(high)s."),
                              field, low=low, high=high)
    policy = session.get(ServicePolicy, tier)
    if policy is None:
        policy = policy_for(session, tier)
        session.add(policy)
    for field, value in changes.items():
        setattr(policy, field, value)
    session.flush()
    return policy


def clock(session: Session, settings: Settings) -> BusinessClock:
    """The firm's business clock: the settings' hours and days, the holidays table's days off."""
    opens, closes = settings.working_hours
    holidays = session.scalars(select(Holiday.day)).all()
    return business_clock(settings.zone, opens, closes, settings.business_days, holidays)


class HolidayService(EntityService[Holiday]):
    model = Holiday
    label = N_("Holiday")
    unique_fields: ClassVar[tuple[str, ...]] = ()
    read_permission = READ
    write_permission = MANAGE
    delete_permission = MANAGE

    def check(self, session: Session, data: dict[str, Any], existing: Holiday | None) -> dict[str, Any]:
        if "name" in data and not (data["name"] or "").strip():
            raise ValidationFailed(_("A holiday needs a name."), field="name")
        return super().check(session, data, existing)


holidays = HolidayService()


def add_holiday(session: Session, day: date, name: str, *, by: Principal) -> Holiday:
    require(by, MANAGE)
    existing = session.get(Holiday, day)
    if existing is not None:
        return holidays.update(session, existing, {"name": name}, by=by)
    return holidays.create(session, {"day": day, "name": name}, by=by)


def holiday_list(session: Session, *, by: Principal) -> list[Holiday]:
    require(by, READ)
    return list(session.scalars(select(Holiday).order_by(Holiday.day)))


def remove_holiday(session: Session, day: date, *, by: Principal) -> None:
    found = session.get(Holiday, day)
    if found is None:
        raise NotFound(_("%(entity)s %(id)s does not exist.", entity=_("Holiday"), id=day.isoformat()))
    holidays.delete(session, found, by=by)


class LeaveService(EntityService[StaffLeave]):
    model = StaffLeave
    label = N_("Leave")
    references: ClassVar[dict[str, Any]] = {"staff_id": Staff}
    unique_fields: ClassVar[tuple[str, ...]] = ()
    read_permission = READ
    write_permission = MANAGE
    delete_permission = MANAGE

    def check(self, session: Session, data: dict[str, Any], existing: StaffLeave | None) -> dict[str, Any]:
        starts = data.get("starts_on", existing.starts_on if existing else None)
        ends = data.get("ends_on", existing.ends_on if existing else None)
        if starts is not None and ends is not None and ends < starts:
            raise about_field(ValidationFailed, N_("%(field)s must be on or after the first day of leave."), "ends_on")
        return super().check(session, data, existing)


leave = LeaveService()


def leave_list(session: Session, *, staff_id: int | None = None, since: date | None = None,
               by: Principal) -> list[StaffLeave]:
    """Leave (of one person), the latest first; by default what has not ended more than a year ago."""
    require(by, READ)
    query = select(StaffLeave).options(joinedload(StaffLeave.staff)).where(
        StaffLeave.ends_on >= (since or date.today() - timedelta(days=365)))
    if staff_id is not None:
        query = query.where(StaffLeave.staff_id == staff_id)
    return list(session.scalars(query.order_by(StaffLeave.starts_on.desc(), StaffLeave.id.desc()).limit(500)))


def on_leave(session: Session, staff_ids: set[int] | None, first: date,
             last: date) -> dict[int, list[tuple[date, date]]]:
    """The leave that touches ``first``..``last`` of these people (None: of everyone)."""
    found: dict[int, list[tuple[date, date]]] = {}
    if staff_ids is not None and not staff_ids:
        return found
    query = select(StaffLeave.staff_id, StaffLeave.starts_on, StaffLeave.ends_on).where(
        StaffLeave.starts_on <= last, StaffLeave.ends_on >= first)
    if staff_ids is not None:
        query = query.where(StaffLeave.staff_id.in_(staff_ids))
    for staff_id, starts, ends in session.execute(query):
        found.setdefault(staff_id, []).append((starts, ends))
    return found
