"""The sweep (a job every few minutes, and ``servicescape promises sweep``): promises whose window
passed unkept become missed; open promises soon due are checked for risk; complaints past a target
are marked breached; every such failure gets its recovery task. Idempotent: a second run in a row
changes nothing. Everything is set-based — one statement per step, whatever the size of the ledger."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from servicescape.audit.service import record
from servicescape.auth.permissions import Principal, require
from servicescape.clients.models import Client, Tier
from servicescape.config import Settings
from servicescape.i18n import _
from servicescape.promises import policies, recovery, rules
from servicescape.promises.capability import AT_RISK, WRITE
from servicescape.promises.models import Complaint, ComplaintStatus, Promise, PromiseKind, PromiseStatus
from servicescape.tasks import service as tasks
from servicescape.tasks.models import TaskPriority

#: double bookings and leave are looked for this far ahead
RISK_HORIZON = timedelta(days=14)
#: the kinds that need the owner somewhere at that time (a deliverable due by the end of a window
#: does not clash with a visit in it)
PRESENCE = (PromiseKind.appointment, PromiseKind.site_visit)


@dataclass(frozen=True)
class SweepReport:
    missed: int
    at_risk: int
    no_longer_at_risk: int
    response_breaches: int
    resolution_breaches: int
    recovery_tasks: int
    risk_tasks: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def sweep(session: Session, settings: Settings, *, now: datetime, by: Principal) -> SweepReport:
    require(by, WRITE)
    missed = session.execute(
        update(Promise).where(Promise.status == PromiseStatus.open, Promise.window_end < now)
        .values(status=PromiseStatus.missed, missed_at=now, at_risk=None, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    response = session.execute(
        update(Complaint).where(Complaint.status == ComplaintStatus.open, Complaint.response_due_at < now,
                                Complaint.response_breached_at.is_(None))
        .values(response_breached_at=Complaint.response_due_at, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    resolution = session.execute(
        update(Complaint).where(Complaint.status != ComplaintStatus.resolved, Complaint.resolution_due_at < now,
                                Complaint.resolution_breached_at.is_(None))
        .values(resolution_breached_at=Complaint.resolution_due_at, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    tolerance = {tier: policies.policy_for(session, tier).late_tolerance_minutes for tier in Tier}
    recoveries = recovery.open_missing(session, tolerance, now, by=by)
    at_risk, cleared, risk_tasks = _risks(session, settings, now, by=by)
    report = SweepReport(missed, at_risk, cleared, response, resolution, recoveries, risk_tasks)
    if missed or response or resolution or at_risk or cleared:
        record(session, "promises_swept", entity="promise", changes=report.as_dict())
    return report


def _risks(session: Session, settings: Settings, now: datetime, *, by: Principal) -> tuple[int, int, int]:
    """Mark the open promises at risk (and clear those no longer at risk); a task for each new one.

    Only the promises that can be at risk are read: visits (double bookings), the unconfirmed
    starting soon, those of people on leave, and those marked already."""
    soon = now + timedelta(hours=settings.promise_at_risk_hours)
    zone = settings.zone
    first_day, last_day = now.astimezone(zone).date(), (now + RISK_HORIZON).astimezone(zone).date()
    away = policies.on_leave(session, None, first_day, last_day)
    rows = session.execute(
        select(Promise.id, Promise.owner_id, Promise.kind, Promise.window_start, Promise.window_end,
               Promise.confirmed_at.is_(None), Promise.at_risk)
        .where(Promise.status == PromiseStatus.open, Promise.window_start < now + RISK_HORIZON,
               Promise.window_end >= now,
               or_(Promise.kind.in_(PRESENCE), and_(Promise.confirmed_at.is_(None), Promise.window_start < soon),
                   Promise.owner_id.in_(list(away)), Promise.at_risk.is_not(None)))
        .order_by(Promise.owner_id, Promise.window_start)
    ).all()
    double = _double_booked([row for row in rows if row.kind in PRESENCE])
    changes: dict[str | None, list[int]] = defaultdict(list)
    fresh: list[int] = []
    for promise_id, owner_id, _kind, start, end, unconfirmed, marked in rows:
        reasons = []
        if unconfirmed and start < soon:
            reasons.append("unconfirmed")
        if promise_id in double:
            reasons.append("double_booked")
        leave = away.get(owner_id) if owner_id is not None else None
        if leave:
            first, last = start.astimezone(zone).date(), end.astimezone(zone).date()
            if any(starts <= last and ends >= first for starts, ends in leave):
                reasons.append("on_leave")
        value = ",".join(reasons) or None
        if value != marked:
            changes[value].append(promise_id)
            if marked is None:
                fresh.append(promise_id)
    for value, ids in changes.items():
        for chunk in range(0, len(ids), 500):
            session.execute(update(Promise).where(Promise.id.in_(ids[chunk:chunk + 500]))
                            .values(at_risk=value, updated_at=now).execution_options(synchronize_session=False))
    newly = sum(len(ids) for value, ids in changes.items() if value is not None)
    cleared = len(changes.get(None, ()))
    return newly, cleared, _risk_tasks(session, fresh, now, by=by)


def _double_booked(rows: Sequence[Any]) -> set[int]:
    """Visits whose owner has another open visit overlapping their window (rows by owner, start)."""
    found: set[int] = set()
    latest: Any = None
    for row in rows:
        if row.owner_id is None:
            latest = None
            continue
        if latest is not None and latest.owner_id == row.owner_id and rules.overlaps(
                latest.window_start, latest.window_end, row.window_start, row.window_end):
            found.update((latest.id, row.id))
        if latest is None or latest.owner_id != row.owner_id or row.window_end > latest.window_end:
            latest = row
    return found


def risk_key(promise_id: int) -> str:
    return f"promises.at_risk:{promise_id}"


def _risk_tasks(session: Session, promise_ids: list[int], now: datetime, *, by: Principal) -> int:
    """A task for the owner of each promise newly at risk: call the client before they must call."""
    rows: list[dict[str, Any]] = []
    for start in range(0, len(promise_ids), 500):
        found = session.execute(
            select(Promise.id, Promise.client_id, Promise.owner_id, Promise.window_start, Client.name, Client.owner_id)
            .join(Client, Client.id == Promise.client_id).where(Promise.id.in_(promise_ids[start:start + 500]))
        )
        for promise_id, client_id, owner_id, window_start, client_name, client_owner in found:
            rows.append({
                "kind": AT_RISK, "title": _("Call %(client)s before the window: the promise is at risk",
                                            client=client_name)[:300],
                "client_id": client_id, "related_type": "promise", "related_id": promise_id,
                "owner_id": owner_id or client_owner, "due_at": max(now, min(window_start, now + timedelta(hours=2))),
                "priority": TaskPriority.high, "rule": "promises.at_risk", "dedupe_key": risk_key(promise_id),
            })
    return tasks.insert_many(session, rows, now=now, by=by)

