"""Rules of tasks: who may add, change, close and delete them; the lists people work from.

* Anyone who may write tasks adds them for themselves or a colleague; a task without an owner is
  the whoever-adds-it's. Closing needs an outcome ("what was done", or why it was cancelled), and
  records who closed it and when; a closed task can be reopened (the outcome stays until then).
* Rules (jobs of other capabilities) create tasks through :func:`ensure_task` with a dedupe key,
  so that running a rule again never creates the same task twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from sqlalchemy import Select, case, func, insert, select
from sqlalchemy.orm import Session, joinedload

from servicescape.audit.service import record
from servicescape.auth.models import Staff
from servicescape.auth.permissions import Principal, require
from servicescape.clients.models import Client
from servicescape.db.crud import EntityService
from servicescape.db.paging import Page, paginate
from servicescape.db.types import utcnow
from servicescape.errors import Conflict, NotFound, ValidationFailed
from servicescape.i18n import N_, _
from servicescape.platform.registry import registry
from servicescape.tasks.capability import MANAGE, READ, WRITE
from servicescape.tasks.models import Task, TaskPriority, TaskStatus

CLOSED = (TaskStatus.done, TaskStatus.cancelled)


class TaskService(EntityService[Task]):
    model = Task
    label = N_("Task")
    references: ClassVar[dict[str, Any]] = {"client_id": Client, "owner_id": Staff}
    unique_fields: ClassVar[tuple[str, ...]] = ("dedupe_key",)
    read_permission = READ
    write_permission = WRITE
    delete_permission = MANAGE

    def create(self, session: Session, data: dict[str, Any], *, by: Principal) -> Task:
        data = dict(data)
        if isinstance(by, Staff):
            data.setdefault("created_by_id", by.id)
            if data.get("owner_id") is None:
                data["owner_id"] = by.id
        for field in ("status", "outcome", "closed_at", "closed_by_id"):
            data.pop(field, None)  # a task starts open; closing is close()'s business
        return super().create(session, data, by=by)

    def update(self, session: Session, obj: Task, changes: dict[str, Any], *, by: Principal) -> Task:
        for field in ("status", "outcome", "closed_at", "closed_by_id", "rule", "dedupe_key", "created_by_id"):
            if field in changes:
                raise ValidationFailed(_("%(field)s cannot be changed here; close or reopen the task.", field=field),
                                       field=field)
        return super().update(session, obj, changes, by=by)

    def check(self, session: Session, data: dict[str, Any], existing: Task | None) -> dict[str, Any]:
        if "title" in data and not (data["title"] or "").strip():
            raise ValidationFailed(_("A task needs a title."), field="title")
        kind = data.get("kind")
        if kind is not None and kind not in registry().task_kinds():
            raise ValidationFailed(_("Unknown kind of task %(kind)s; choose one of %(kinds)s.", kind=kind,
                                     kinds=", ".join(registry().task_kinds())), field="kind")
        due = data.get("due_at")
        if due is not None and due.tzinfo is None:
            raise ValidationFailed(_("due_at needs a timezone (e.g. 2025-03-01T10:00:00+08:00)."), field="due_at")
        return super().check(session, data, existing)


tasks = TaskService()


def close(session: Session, task: Task, *, outcome: str, cancelled: bool = False, by: Principal) -> Task:
    """Done (or cancelled) with an outcome; who closed it and when are recorded."""
    require(by, WRITE)
    if task.status in CLOSED:
        raise Conflict(_("This task is already closed."), field="status")
    if not (outcome or "").strip():
        raise ValidationFailed(_("Say what was done (or why the task is cancelled) to close it."), field="outcome")
    tasks.check(session, {"outcome": outcome.strip()}, task)
    task.status = TaskStatus.cancelled if cancelled else TaskStatus.done
    task.outcome = outcome.strip()
    task.closed_at = utcnow()
    task.closed_by_id = by.id if isinstance(by, Staff) else None
    session.flush()
    return task


def reopen(session: Session, task: Task, *, by: Principal) -> Task:
    require(by, WRITE)
    if task.status == TaskStatus.open:
        raise Conflict(_("This task is open already."), field="status")
    task.status = TaskStatus.open
    task.closed_at = None
    task.closed_by_id = None
    session.flush()
    return task


def ensure_task(session: Session, *, dedupe_key: str, rule: str, data: dict[str, Any], by: Principal) -> Task:
    """The task a rule creates, once: a second call with the same key returns the first task."""
    existing = session.scalar(select(Task).where(Task.dedupe_key == dedupe_key))
    if existing is not None:
        require(by, READ)
        return existing
    return tasks.create(session, {**data, "rule": rule, "dedupe_key": dedupe_key}, by=by)


def insert_many(session: Session, rows: list[dict[str, Any]], *, now: datetime | None = None,
                by: Principal) -> int:
    """Tasks a rule opens in bulk (a sweep over many records): each row has its ``dedupe_key`` and
    ``rule``; rows whose key exists already are skipped. One audit event counts them. → how many."""
    require(by, WRITE)
    if not rows:
        return 0
    kinds = registry().task_kinds()
    for row in rows:
        if row["kind"] not in kinds or not row.get("dedupe_key") or not row.get("rule"):
            raise ValueError(f"a rule's task needs a known kind, a dedupe_key and a rule: {row!r}")
    moment = now or utcnow()
    fresh: list[dict[str, Any]] = []
    keys = [row["dedupe_key"] for row in rows]
    for start in range(0, len(keys), 500):
        chunk = set(keys[start:start + 500])
        taken = set(session.scalars(select(Task.dedupe_key).where(Task.dedupe_key.in_(chunk))))
        fresh += [row for row in rows[start:start + 500] if row["dedupe_key"] not in taken]
    if fresh:
        session.execute(insert(Task), [{"notes": None, "related_type": None, "related_id": None, "due_at": None,
                                        "priority": TaskPriority.normal, "client_id": None, "owner_id": None,
                                        **row, "status": TaskStatus.open, "created_at": moment,
                                        "updated_at": moment} for row in fresh])
        record(session, "tasks_opened_by_rule", entity="task",
               changes={"count": len(fresh), "rules": sorted({row["rule"] for row in fresh})})
    return len(fresh)


def end_of_today(zone: ZoneInfo) -> datetime:
    """Midnight at the end of today on the firm's clock: "due today" means before it."""
    today = datetime.now(zone).date()
    return datetime.combine(today + timedelta(days=1), time(), tzinfo=zone)


# --- lists ------------------------------------------------------------------------------------------

DUE_CHOICES = ("overdue", "today", "week", "none")


@dataclass(frozen=True)
class TaskFilters:
    owner_id: int | None = None
    status: TaskStatus | None = TaskStatus.open
    client_id: int | None = None
    kind: str | None = None
    priority: TaskPriority | None = None
    due: str | None = None          # overdue | today | week | none


def _query(filters: TaskFilters, now: datetime, day_end: datetime) -> Select[Any]:
    """The ids of the tasks matching ``filters`` in their order: sorted from the index alone
    (``ix_task_owner_status_due_priority``), where whole rows were read and sorted (6 ms of a home
    page whose owner has 3,000 open tasks, against 0.5)."""
    query = select(Task.id)
    for column, value in ((Task.owner_id, filters.owner_id), (Task.status, filters.status),
                          (Task.client_id, filters.client_id), (Task.kind, filters.kind),
                          (Task.priority, filters.priority)):
        if value is not None:
            query = query.where(column == value)
    if filters.due == "overdue":
        query = query.where(Task.due_at < now)
    elif filters.due == "today":
        query = query.where(Task.due_at <= day_end)
    elif filters.due == "week":
        query = query.where(Task.due_at <= day_end + timedelta(days=6))
    elif filters.due == "none":
        query = query.where(Task.due_at.is_(None))
    elif filters.due is not None:
        raise ValidationFailed(_("Unknown value %(value)s for %(field)s.", value=filters.due, field="due"),
                               field="due")
    urgency = case({"urgent": 0, "high": 1, "normal": 2, "low": 3}, value=Task.priority, else_=4)
    # open work by when it is due (undated last), then by priority; closed work newest first
    if filters.status in CLOSED:
        return query.order_by(Task.closed_at.desc(), Task.id.desc())
    return query.order_by(Task.due_at.is_(None), Task.due_at, urgency, Task.id)


def task_page(session: Session, filters: TaskFilters, *, day_end: datetime, page: int = 1, per_page: int = 50,
              clamp: bool = False, by: Principal) -> Page[Task]:
    """Tasks matching ``filters``; ``day_end`` is the end of today on the firm's clock."""
    require(by, READ)
    found = paginate(session, _query(filters, utcnow(), day_end), page=page, per_page=per_page, clamp=clamp)
    tasks = {task.id: task for task in session.scalars(
        select(Task).options(joinedload(Task.owner), joinedload(Task.client)).where(Task.id.in_(found.items)))}
    return Page(items=[tasks[task_id] for task_id in found.items if task_id in tasks], total=found.total,
                page=found.page, per_page=found.per_page)


@dataclass(frozen=True)
class TaskCounts:
    open: int
    overdue: int
    due_today: int


def counts_for(session: Session, owner_id: int, *, day_end: datetime, by: Principal) -> TaskCounts:
    """A person's open tasks: how many, how many overdue, how many due by the end of today (one query)."""
    require(by, READ)
    now = utcnow()
    row = session.execute(
        select(func.count(), func.count(case((Task.due_at < now, 1))), func.count(case((Task.due_at <= day_end, 1))))
        .where(Task.owner_id == owner_id, Task.status == TaskStatus.open)
    ).one()
    return TaskCounts(row[0], row[1], row[2])


def client_tasks(session: Session, client_id: int, *, by: Principal, closed: int = 5) -> tuple[list[Task], list[Task]]:
    """A client's open tasks (by due date) and its last few closed ones."""
    require(by, READ)
    open_tasks = list(session.scalars(
        select(Task).options(joinedload(Task.owner))
        .where(Task.client_id == client_id, Task.status == TaskStatus.open)
        .order_by(Task.due_at.is_(None), Task.due_at, Task.id)
    ))
    recent = list(session.scalars(
        select(Task).options(joinedload(Task.owner))
        .where(Task.client_id == client_id, Task.status.in_(CLOSED))
        .order_by(Task.closed_at.desc(), Task.id.desc()).limit(closed)
    ))
    return open_tasks, recent


def get_task(session: Session, task_id: int, *, by: Principal) -> Task:
    """One task with its owner, client and who created and closed it."""
    require(by, READ)
    task = session.scalar(select(Task).options(joinedload(Task.owner), joinedload(Task.client),
                                               joinedload(Task.created_by), joinedload(Task.closed_by))
                          .where(Task.id == task_id))
    if task is None:
        raise NotFound(_("%(entity)s %(id)s does not exist.", entity=_("Task"), id=task_id))
    return task
