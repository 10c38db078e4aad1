"""``/api/v1/tasks``: the shared task list; closing needs an outcome."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Query

from servicescape.schemas import PageOut, Text
from servicescape.tasks import service
from servicescape.tasks.models import TaskPriority, TaskStatus
from servicescape.tasks.schemas import TaskClose, TaskIn, TaskOut, TaskPatch
from servicescape.web.api.common import READ_MANY, UPDATE, EntityId, IdFilter, PageNumber, PerPage, page_out
from servicescape.web.api.resources import Resource, SignedIn, entity_router

TASKS = Resource("tasks", "task", service.tasks, TaskIn, TaskPatch, TaskOut, sample="servicescape.tasks.samples:task")
router = entity_router(TASKS)

Due = Literal["overdue", "today", "week", "none"]


@router.get("", response_model=PageOut[TaskOut], responses=READ_MANY, name="list_tasks",
            summary="List tasks: open ones by when they are due")
def list_all(
    context: SignedIn, page: PageNumber = 1, per_page: PerPage = 50,
    owner_id: IdFilter = None, client_id: IdFilter = None,
    status: Annotated[TaskStatus | None, Query(description="default: open")] = TaskStatus.open,
    kind: Annotated[Text | None, Query()] = None, priority: TaskPriority | None = None,
    due: Annotated[Due | None, Query(description="overdue, due today, due within a week, or undated")] = None,
) -> Any:
    filters = service.TaskFilters(owner_id=owner_id, status=status, client_id=client_id, kind=kind,
                                  priority=priority, due=due)
    with context.unit() as session:
        day_end = service.end_of_today(context.runtime.settings.zone)
        found = service.task_page(session, filters, day_end=day_end, page=page, per_page=per_page,
                                  by=context.principal)
        return page_out(found, TaskOut)


@router.post("/{id}/close", response_model=TaskOut, responses=UPDATE, name="close_task",
             summary="Close a task as done (or cancelled) with its outcome")
def close(id: EntityId, body: TaskClose, context: SignedIn) -> Any:
    with context.unit() as session:
        task = service.tasks.get(session, id, by=context.principal)
        service.close(session, task, outcome=body.outcome, cancelled=body.cancelled, by=context.principal)
        session.refresh(task)
        return TaskOut.model_validate(task)


@router.post("/{id}/reopen", response_model=TaskOut, responses=UPDATE, name="reopen_task",
             summary="Reopen a closed task")
def reopen(id: EntityId, context: SignedIn) -> Any:
    with context.unit() as session:
        task = service.tasks.get(session, id, by=context.principal)
        service.reopen(session, task, by=context.principal)
        session.refresh(task)
        return TaskOut.model_validate(task)
