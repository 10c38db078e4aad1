"""The task pages: my tasks and the team's (filters, paging), a task (edit, close, reopen, delete),
and adding one from anywhere (a client's page answers with its tasks section for htmx)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from servicescape import i18n
from servicescape.clients import service as clients
from servicescape.db.types import utcnow
from servicescape.tasks import service
from servicescape.tasks.models import TaskPriority, TaskStatus
from servicescape.tasks.schemas import TaskIn
from servicescape.tasks.sections import task_kind_options
from servicescape.web.client_page import client_page, client_section
from servicescape.web.deps import RequestContext, signed_in
from servicescape.web.forms import FormState, RecordId, is_htmx, local_input, parse_form
from servicescape.web.pages.common import (
    FORM_PROBLEMS,
    Posted,
    choice,
    id_filter,
    owner_options,
    problem_status,
    see_other,
)
from servicescape.web.templating import render

router = APIRouter(include_in_schema=False)

Reader = Annotated[RequestContext, Depends(signed_in(service.tasks.read_permission))]
Writer = Annotated[RequestContext, Depends(signed_in(service.tasks.write_permission))]
Deleter = Annotated[RequestContext, Depends(signed_in(service.tasks.delete_permission))]
PER_PAGE = 50
STATUSES = ("open", "done", "cancelled", "all")


def _data(context: RequestContext, values: dict[str, str]) -> dict[str, Any]:
    """The task form's values; its "client" field takes a client's name, number or other id."""
    data = parse_form(TaskIn, values, zone=context.runtime.settings.zone, moments=("due_at",))
    if "client" in values:
        typed = values["client"].strip()
        if not typed:
            data["client_id"] = None
        else:
            with context.unit() as session:
                data["client_id"] = clients.find_client(session, typed, by=context.principal).id
    return data


@router.get("/tasks")
def task_list(
    context: Reader,
    view: Annotated[str, Query(max_length=10)] = "mine",
    owner: Annotated[str, Query(max_length=20)] = "",
    status: Annotated[str, Query(max_length=20)] = "open",
    kind: Annotated[str, Query(max_length=40)] = "",
    priority: Annotated[str, Query(max_length=20)] = "",
    due: Annotated[str, Query(max_length=10)] = "",
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    mine = view != "team"
    if status not in STATUSES:
        status = "open"
    filters = service.TaskFilters(
        owner_id=context.principal.id if mine else id_filter(owner, "owner"),
        status=None if status == "all" else TaskStatus(status), kind=kind or None,
        priority=choice(TaskPriority, priority, "priority"), due=due or None,
    )
    with context.unit() as session:
        day_end = service.end_of_today(context.runtime.settings.zone)
        found = service.task_page(session, filters, day_end=day_end, page=page, per_page=PER_PAGE, clamp=True,
                                  by=context.principal)
        owners = owner_options(context, session, owner, i18n._("All"))
    query = {"view": "mine" if mine else "team", "owner": owner, "status": status, "kind": kind,
             "priority": priority, "due": due}
    return render(context, "tasks/list.html", active_nav="tasks", found=found, query=query, owners=owners,
                  kinds=task_kind_options(), now=utcnow())


def task_form(context: RequestContext, state: FormState, *, status_code: int = 200) -> Response:
    with context.unit() as session:
        owners = owner_options(context, session, state.values.get("owner_id"), i18n._("Me"))
    return render(context, "tasks/form.html", status_code=status_code, active_nav="tasks", form=state,
                  owners=owners, kinds=task_kind_options())


@router.get("/tasks/new")
def new_task(context: Writer, client: Annotated[str, Query(max_length=300)] = "") -> Response:
    return task_form(context, FormState({"kind": "follow_up", "priority": "normal", "client": client,
                                         "owner_id": str(context.principal.id)}))


@router.post("/tasks")
def create_task(context: Writer, values: Posted) -> Response:
    """From the task form, or from a client's page (``client_id`` set: answers with its section)."""
    from_client = values.get("from") == "client" and values.get("client_id", "").isdigit()
    try:
        data = _data(context, values)
        with context.unit() as session:
            task = service.tasks.create(session, data, by=context.principal)
            task_id, title, client_id = task.id, task.title, task.client_id
    except FORM_PROBLEMS as problem:
        state = FormState.failed(values, problem)
        if from_client:
            client = int(values["client_id"])
            if is_htmx(context.request):
                return client_section(context, client, "tasks", form=state, status_code=problem_status(problem))
            return client_page(context, client, failed=("tasks", state), status_code=problem_status(problem))
        return task_form(context, state, status_code=problem_status(problem))
    message = i18n._("Task “%(title)s” was added.", title=title)
    if from_client and client_id is not None:
        if is_htmx(context.request):
            return client_section(context, client_id, "tasks", message=message)
        return see_other(f"/clients/{client_id}#tasks", context, message)
    return see_other(f"/tasks/{task_id}", context, message)


def task_page(context: RequestContext, task_id: int, *, edit: FormState | None = None,
              close: FormState | None = None, status_code: int = 200) -> Response:
    zone = context.runtime.settings.zone
    with context.unit() as session:
        task = service.get_task(session, task_id, by=context.principal)
        state = edit or FormState({
            "title": task.title, "kind": task.kind, "notes": task.notes or "",
            "client": task.client.name if task.client else "", "owner_id": str(task.owner_id or ""),
            "due_at": local_input(task.due_at, zone), "priority": task.priority.value,
        })
        owners = owner_options(context, session, state.values.get("owner_id"), i18n._("Nobody"))
    return render(context, "tasks/detail.html", status_code=status_code, active_nav="tasks", task=task,
                  form=state, close_form=close or FormState(), owners=owners, kinds=task_kind_options(),
                  now=utcnow())


@router.get("/tasks/{task_id}")
def task_detail(task_id: RecordId, context: Reader) -> Response:
    return task_page(context, task_id)


@router.post("/tasks/{task_id}")
def save_task(task_id: RecordId, context: Writer, values: Posted) -> Response:
    try:
        data = _data(context, values)
        with context.unit() as session:
            task = service.tasks.get(session, task_id, by=context.principal)
            service.tasks.update(session, task, data, by=context.principal)
    except FORM_PROBLEMS as problem:
        return task_page(context, task_id, edit=FormState.failed(values, problem),
                         status_code=problem_status(problem))
    return see_other(f"/tasks/{task_id}", context, i18n._("The task was saved."))


@router.post("/tasks/{task_id}/close")
def close_task(task_id: RecordId, context: Writer, values: Posted) -> Response:
    try:
        with context.unit() as session:
            task = service.tasks.get(session, task_id, by=context.principal)
            service.close(session, task, outcome=values.get("outcome", ""),
                          cancelled=values.get("cancelled") == "1", by=context.principal)
            cancelled = task.status == TaskStatus.cancelled
    except FORM_PROBLEMS as problem:
        return task_page(context, task_id, close=FormState.failed(values, problem),
                         status_code=problem_status(problem))
    return see_other(f"/tasks/{task_id}", context,
                     i18n._("The task was cancelled.") if cancelled else i18n._("The task is done."))


@router.post("/tasks/{task_id}/reopen")
def reopen_task(task_id: RecordId, context: Writer) -> Response:
    with context.unit() as session:
        service.reopen(session, service.tasks.get(session, task_id, by=context.principal), by=context.principal)
    return see_other(f"/tasks/{task_id}", context, i18n._("The task is open again."))


@router.post("/tasks/{task_id}/delete")
def delete_task(task_id: RecordId, context: Deleter) -> Response:
    with context.unit() as session:
        task = service.tasks.get(session, task_id, by=context.principal)
        title = task.title
        service.tasks.delete(session, task, by=context.principal)
    return see_other("/tasks", context, i18n._("Task “%(title)s” was deleted.", title=title))
