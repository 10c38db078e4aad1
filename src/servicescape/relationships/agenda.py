"""A staff member's day: promises due, the promises at risk, recovery tasks, account reviews and
the clients overdue for contact — what to do today, in one place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, joinedload

from servicescape.auth.models import Staff
from servicescape.auth.permissions import Principal, require
from servicescape.clients.models import Client
from servicescape.errors import NotFound, ValidationFailed
from servicescape.i18n import _
from servicescape.promises.models import Promise, PromiseStatus
from servicescape.relationships import service
from servicescape.relationships.capability import MANAGE, READ, REVIEW
from servicescape.schemas import MAX_ID
from servicescape.tasks.models import Task, TaskStatus

REVIEW_DAYS = 7
MOST = 50


@dataclass(frozen=True)
class Agenda:
    staff_id: int
    day: date
    promises: list[Promise]         # open, their window starting today (or past, unswept)
    at_risk: list[Promise]          # open, flagged by the sweep, besides today's
    recoveries: list[Task]
    reviews: list[Task]             # due within a week
    overdue: service.OverduePage
    #: how many of each kind there are (the lists hold the first ``most``)
    promise_count: int = 0
    at_risk_count: int = 0
    recovery_count: int = 0
    review_count: int = 0

    @property
    def is_empty(self) -> bool:
        return not (self.promises or self.at_risk or self.recoveries or self.reviews or self.overdue.items)


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The day's start and end on the firm's clock (the first and last days of the calendar have
    no end, or no UTC equivalent: refused)."""
    try:
        start = datetime.combine(day, time(), tzinfo=zone)
        end = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)
        start.astimezone(UTC), end.astimezone(UTC)
    except OverflowError:
        raise ValidationFailed(_("%(field)s is out of range.", field="date"), field="date") from None
    return start, end


def agenda(session: Session, staff_id: int, *, day: date, zone: ZoneInfo, now: datetime, reporting_currency: str,
           by: Principal, most: int = MOST) -> Agenda:
    """``staff_id``'s day, the first ``most`` of each kind (the home page's panel shows a few); a
    colleague's takes the right to manage relationships (managers)."""
    require(by, READ)
    if isinstance(by, Staff) and by.id != staff_id:
        require(by, MANAGE)
    if not 1 <= staff_id <= MAX_ID or session.get(Staff, staff_id) is None:
        raise NotFound(_("Staff member %(id)s does not exist.", id=staff_id))
    start, end = day_bounds(day, zone)
    open_promise = (Promise.owner_id == staff_id, Promise.status == PromiseStatus.open)
    today = and_(Promise.window_start < end, Promise.window_end >= start)
    promises, promise_count = _first(session, Promise, (*open_promise, today), most,
                                     Promise.window_start, Promise.id)
    at_risk, at_risk_count = _first(session, Promise, (*open_promise, Promise.at_risk.is_not(None), ~today), most,
                                    Promise.window_start, Promise.id)
    open_task = (Task.owner_id == staff_id, Task.status == TaskStatus.open)
    recoveries, recovery_count = _first(session, Task, (*open_task, Task.kind == "recovery"), most,
                                        Task.due_at.is_(None), Task.due_at, Task.id)
    reviews, review_count = _first(session, Task, (*open_task, Task.kind == REVIEW,
                                                   Task.due_at < end + timedelta(days=REVIEW_DAYS)), most,
                                   Task.due_at, Task.id)
    overdue = service.overdue_contacts(session, now=now, reporting_currency=reporting_currency, owner_id=staff_id,
                                       per_page=10, by=by)
    return Agenda(staff_id, day, promises, at_risk, recoveries, reviews, overdue,
                  promise_count, at_risk_count, recovery_count, review_count)


def _first(session: Session, model: type[Promise] | type[Task], where: tuple[Any, ...], most: int,
           *order: Any) -> tuple[list[Any], int]:
    """The first ``most`` rows (with their clients' names) in ``order``, and how many there are: the ids
    and the count in one query (a window count; from the index where it holds the filter and the order),
    then the rows."""
    found = session.execute(select(model.id, func.count().over()).where(*where).order_by(*order).limit(most)).all()
    if not found:
        return [], 0
    ids = [row_id for row_id, _total in found]
    loaded: list[Any] = list(session.scalars(
        select(model).options(joinedload(model.client).load_only(Client.id, Client.name)).where(model.id.in_(ids))))
    rows = {row.id: row for row in loaded}
    return [rows[row_id] for row_id in ids if row_id in rows], found[0][1]
