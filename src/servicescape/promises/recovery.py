"""Service recovery: a task (the platform's shared task, kind ``recovery``) for every broken promise,
every late one beyond its tier's tolerance and every complaint past a target — once each, however
often the rules run — and how well recovery works: the share of recovered clients still active six
months later."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, and_, cast, exists, func, literal, or_, select
from sqlalchemy.orm import Session

from servicescape.auth.permissions import Principal, can, require
from servicescape.clients.models import Client, ClientStatus, Interaction, Invoice, Tier
from servicescape.db.types import utcnow
from servicescape.errors import ValidationFailed
from servicescape.i18n import _
from servicescape.promises.capability import READ, RECOVERY, WRITE
from servicescape.promises.models import Complaint, Promise, PromiseKind, PromiseStatus
from servicescape.tasks import service as tasks
from servicescape.tasks.capability import READ as TASKS_READ
from servicescape.tasks.models import Task, TaskPriority, TaskStatus

#: a recovery is due this soon after the failure is known
DUE_AFTER = timedelta(days=1)
#: the rules open recovery tasks for failures this recent only (an import of old history does not
#: bury the team in tasks about last year)
HORIZON = timedelta(days=30)
#: "still active six months later"
LATER = timedelta(days=182)


def promise_key(promise_id: int) -> str:
    return f"promises.recovery:{promise_id}"


def complaint_key(complaint_id: int) -> str:
    return f"complaints.recovery:{complaint_id}"


def _kind_label(kind: PromiseKind) -> str:
    return {
        PromiseKind.appointment: _("appointment"), PromiseKind.deliverable: _("deliverable"),
        PromiseKind.call_back: _("call-back"), PromiseKind.site_visit: _("site visit"),
        PromiseKind.document: _("document"), PromiseKind.other: _("promise"),
    }[kind]


def _promise_task(promise_id: int, status: PromiseStatus, kind: PromiseKind, client_id: int, client_name: str,
                  owner_id: int | None, now: datetime) -> dict[str, Any]:
    if status == PromiseStatus.late:
        title = _("Recover: late %(kind)s for %(client)s", kind=_kind_label(kind), client=client_name)
    else:
        title = _("Recover: missed %(kind)s for %(client)s", kind=_kind_label(kind), client=client_name)
    return {"kind": RECOVERY, "title": title[:300], "client_id": client_id, "related_type": "promise",
            "related_id": promise_id, "owner_id": owner_id, "due_at": now + DUE_AFTER,
            "priority": TaskPriority.high, "rule": f"promises.{status.value}", "dedupe_key": promise_key(promise_id)}


def _complaint_task(complaint_id: int, client_id: int, client_name: str, owner_id: int | None,
                    now: datetime) -> dict[str, Any]:
    return {"kind": RECOVERY, "title": _("Recover: complaint past its target, %(client)s", client=client_name)[:300],
            "client_id": client_id, "related_type": "complaint", "related_id": complaint_id, "owner_id": owner_id,
            "due_at": now + DUE_AFTER, "priority": TaskPriority.urgent, "rule": "complaints.breach",
            "dedupe_key": complaint_key(complaint_id)}


def for_promise(session: Session, promise: Promise, *, by: Principal) -> Task:
    """The recovery task of a broken promise (the same task when it exists)."""
    client = session.get(Client, promise.client_id)
    assert client is not None
    data = _promise_task(promise.id, promise.status, promise.kind, client.id, client.name,
                         promise.owner_id or client.owner_id, utcnow())
    return tasks.ensure_task(session, dedupe_key=data.pop("dedupe_key"), rule=data.pop("rule"), data=data, by=by)


def for_complaint(session: Session, complaint: Complaint, *, by: Principal) -> Task:
    client = session.get(Client, complaint.client_id)
    assert client is not None
    data = _complaint_task(complaint.id, client.id, client.name, complaint.owner_id or client.owner_id, utcnow())
    return tasks.ensure_task(session, dedupe_key=data.pop("dedupe_key"), rule=data.pop("rule"), data=data, by=by)


def _no_task(key: Any) -> Any:
    return ~exists().where(Task.dedupe_key == key)


def open_missing(session: Session, tolerance: Mapping[Tier, int], now: datetime, *, by: Principal) -> int:
    """Recovery tasks for the recent failures that have none yet: missed promises, late ones beyond
    their tier's ``tolerance`` (minutes), complaints past a target. Set-based (the sweep's step)."""
    since = now - HORIZON
    late_beyond = or_(*(and_(Client.tier == tier, Promise.lateness_minutes > minutes)
                        for tier, minutes in tolerance.items()))
    broken = session.execute(
        select(Promise.id, Promise.status, Promise.kind, Client.id, Client.name,
               func.coalesce(Promise.owner_id, Client.owner_id))
        .join(Client, Client.id == Promise.client_id)
        .where(Promise.window_end >= since, Promise.window_end < now,
               or_(Promise.status == PromiseStatus.missed, and_(Promise.status == PromiseStatus.late, late_beyond)),
               _no_task(literal("promises.recovery:", String) + cast(Promise.id, String)))
    ).all()
    breached = session.execute(
        select(Complaint.id, Client.id, Client.name, func.coalesce(Complaint.owner_id, Client.owner_id))
        .join(Client, Client.id == Complaint.client_id)
        .where(Complaint.received_at >= since - HORIZON,
               or_(Complaint.response_breached_at >= since, Complaint.resolution_breached_at >= since),
               _no_task(literal("complaints.recovery:", String) + cast(Complaint.id, String)))
    ).all()
    rows = [_promise_task(*row, now) for row in broken] + [_complaint_task(*row, now) for row in breached]
    return tasks.insert_many(session, rows, now=now, by=by)


# --- the list and closing ---------------------------------------------------------------------------

def recovery_page(session: Session, *, status: TaskStatus | None, owner_id: int | None, day_end: datetime,
                  page: int = 1, per_page: int = 50, clamp: bool = False, by: Principal) -> Any:
    filters = tasks.TaskFilters(owner_id=owner_id, status=status, kind=RECOVERY)
    return tasks.task_page(session, filters, day_end=day_end, page=page, per_page=per_page, clamp=clamp, by=by)


def task_for(session: Session, related_type: str, related_id: int, *, by: Principal) -> Task | None:
    """The recovery task of a promise or a complaint, if the rules opened one (None also when the
    reader may not see tasks)."""
    require(by, READ)
    if not can(by, TASKS_READ):
        return None
    key = promise_key(related_id) if related_type == "promise" else complaint_key(related_id)
    return session.scalar(select(Task).where(Task.dedupe_key == key))


def close(session: Session, task_id: int, *, outcome: str, by: Principal) -> Task:
    """Close a recovery: what was done for the client is required."""
    require(by, WRITE)
    task = tasks.tasks.get(session, task_id, by=by)
    if task.kind != RECOVERY:
        raise ValidationFailed(_("Task %(id)s is not a recovery task.", id=task_id), field="task_id")
    if not (outcome or "").strip():
        raise ValidationFailed(_("A recovery is closed with its outcome: say what was done for the client."),
                               field="outcome")
    return tasks.close(session, task, outcome=outcome, by=by)


@dataclass(frozen=True)
class Effectiveness:
    recovered_clients: int      # clients whose recovery closed done at least six months ago
    still_active: int           # of them, still active and in touch six months after it
    share: float | None


def effectiveness(session: Session, *, now: datetime | None = None, by: Principal) -> Effectiveness:
    """Of the clients recovered at least six months ago, the share still active six months after
    (status active, and an interaction or an invoice on or after that day)."""
    require(by, READ)
    moment = now or utcnow()
    first = (select(Task.client_id, func.min(Task.closed_at).label("closed_at"))
             .where(Task.kind == RECOVERY, Task.status == TaskStatus.done, Task.client_id.is_not(None),
                    Task.closed_at <= moment - LATER)
             .group_by(Task.client_id).subquery())
    # each client's latest interaction and invoice (index seeks), compared with the day six months on
    touched = (select(func.max(Interaction.occurred_at)).where(Interaction.client_id == first.c.client_id)
               .scalar_subquery())
    billed = select(func.max(Invoice.issued_on)).where(Invoice.client_id == first.c.client_id).scalar_subquery()
    rows = session.execute(select(first.c.closed_at, Client.status, touched, billed)
                           .join(Client, Client.id == first.c.client_id)).all()
    active = 0
    for closed_at, status, last_touch, last_bill in rows:
        after = closed_at + LATER
        if status == ClientStatus.active and ((last_touch is not None and last_touch >= after) or
                                              (last_bill is not None and last_bill >= after.date())):
            active += 1
    return Effectiveness(len(rows), active, active / len(rows) if rows else None)
