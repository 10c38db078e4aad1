"""The complaint pages: the board (what is due first first; state, owner and severity filters, pages),
recording a complaint, and a complaint's page — its targets and whether they were met, answering,
resolving with the outcome, changing it, deleting it, and its recovery task."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from servicescape import i18n
from servicescape.clients import service as clients
from servicescape.db.types import utcnow
from servicescape.errors import ValidationFailed
from servicescape.promises import complaints as service
from servicescape.promises import recovery
from servicescape.promises.capability import MANAGE, READ, WRITE
from servicescape.promises.labels import severity_label
from servicescape.promises.models import Severity
from servicescape.promises.schemas import ComplaintIn, ComplaintPatch
from servicescape.web.deps import RequestContext, signed_in
from servicescape.web.forms import FormInvalid, FormState, RecordId, errors_of, parse_form
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

Reader = Annotated[RequestContext, Depends(signed_in(READ))]
Writer = Annotated[RequestContext, Depends(signed_in(WRITE))]
Manager = Annotated[RequestContext, Depends(signed_in(MANAGE))]
PER_PAGE = 50
EDITABLE = ("text", "channel", "severity", "owner_id")


def _new_data(context: RequestContext, values: dict[str, str]) -> dict[str, Any]:
    """The complaint form's values; its "client" field takes a client's name, number or other id.
    Every field's problem is reported at once (the client's beside the others')."""
    errors: dict[str, str] = {}
    fixed: dict[str, Any] = {}
    typed = values.get("client", "").strip()
    if not typed:
        errors["client"] = i18n._("This field is required.")
    else:
        try:
            with context.unit() as session:
                fixed["client_id"] = clients.find_client(session, typed, by=context.principal).id
        except ValidationFailed as problem:
            errors.update(errors_of(problem))
    try:
        data = parse_form(ComplaintIn, values, zone=context.runtime.settings.zone, fixed=fixed,
                          moments=("received_at",))
    except FormInvalid as problem:
        errors.update({key: message for key, message in problem.errors.items() if key != "client_id"})
        data = {}
    if errors:
        raise FormInvalid(errors)
    return data


def _edit_data(context: RequestContext, values: dict[str, str]) -> dict[str, Any]:
    return parse_form(ComplaintPatch, {key: values[key] for key in EDITABLE if key in values},
                      zone=context.runtime.settings.zone)


def severity_options() -> list[tuple[str, str]]:
    return [(severity.value, severity_label(severity)) for severity in Severity]


# --- the board --------------------------------------------------------------------------------------

@router.get("/complaints")
def complaint_board(
    context: Reader,
    state: Annotated[str, Query(max_length=20)] = "unresolved",
    owner: Annotated[str, Query(max_length=20)] = "",
    severity: Annotated[str, Query(max_length=20)] = "",
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    if state not in service.STATES:
        state = "unresolved"
    filters = service.ComplaintFilters(state=state, owner_id=id_filter(owner, "owner"),
                                       severity=choice(Severity, severity, "severity"))
    with context.unit() as session:
        found = service.board(session, filters, page=page, per_page=PER_PAGE, clamp=True, by=context.principal)
        owners = owner_options(context, session, owner, i18n._("Everyone"))
    query = {"state": state, "owner": owner, "severity": severity}
    return render(context, "promises/complaints.html", active_nav="promises", found=found, query=query,
                  owners=owners, severities=severity_options(), now=utcnow())


# --- recording one ----------------------------------------------------------------------------------

def complaint_form(context: RequestContext, state: FormState, *, status_code: int = 200) -> Response:
    with context.unit() as session:
        owners = owner_options(context, session, state.values.get("owner_id"), i18n._("Me"))
    return render(context, "promises/complaint_form.html", status_code=status_code, active_nav="promises",
                  form=state, owners=owners, severities=severity_options())


@router.get("/complaints/new")
def new_complaint(context: Writer, client: Annotated[str, Query(max_length=300)] = "") -> Response:
    typed = client
    if client.isdigit() and len(client) < 12:  # ?client=<id> from a client's page: show its name
        with context.unit() as session:
            try:
                typed = clients.find_client(session, client, by=context.principal).name
            except ValidationFailed:
                typed = client
    return complaint_form(context, FormState({"client": typed, "channel": "call", "severity": "medium",
                                              "owner_id": str(context.principal.id)}))


@router.post("/complaints")
def create_complaint(context: Writer, values: Posted) -> Response:
    try:
        data = _new_data(context, values)
        with context.unit() as session:
            complaint_id = service.complaints.create(session, data, by=context.principal).id
    except FORM_PROBLEMS as problem:
        return complaint_form(context, FormState.failed(values, problem), status_code=problem_status(problem))
    return see_other(f"/complaints/{complaint_id}", context, i18n._("The complaint was recorded."))


# --- one complaint ----------------------------------------------------------------------------------

def complaint_page(context: RequestContext, complaint_id: int, *, edit: FormState | None = None,
                   resolve: FormState | None = None, respond: FormState | None = None,
                   status_code: int = 200) -> Response:
    with context.unit() as session:
        complaint = service.get_complaint(session, complaint_id, by=context.principal)
        state = edit or FormState({"text": complaint.text, "channel": complaint.channel.value,
                                   "severity": complaint.severity.value,
                                   "owner_id": str(complaint.owner_id or "")})
        owners = owner_options(context, session, state.values.get("owner_id"), i18n._("Nobody"))
        task = recovery.task_for(session, "complaint", complaint.id, by=context.principal)
    return render(context, "promises/complaint.html", status_code=status_code, active_nav="promises",
                  complaint=complaint, form=state, resolve_form=resolve or FormState(),
                  respond_form=respond or FormState(), owners=owners, severities=severity_options(),
                  recovery_task=task, now=utcnow())


@router.get("/complaints/{complaint_id}")
def complaint_detail(complaint_id: RecordId, context: Reader) -> Response:
    return complaint_page(context, complaint_id)


@router.post("/complaints/{complaint_id}")
def save_complaint(complaint_id: RecordId, context: Writer, values: Posted) -> Response:
    try:
        data = _edit_data(context, values)
        with context.unit() as session:
            complaint = service.complaints.get(session, complaint_id, by=context.principal)
            service.complaints.update(session, complaint, data, by=context.principal)
    except FORM_PROBLEMS as problem:
        return complaint_page(context, complaint_id, edit=FormState.failed(values, problem),
                              status_code=problem_status(problem))
    return see_other(f"/complaints/{complaint_id}", context, i18n._("The complaint was saved."))


@router.post("/complaints/{complaint_id}/respond")
def respond_to_complaint(complaint_id: RecordId, context: Writer, values: Posted) -> Response:
    try:
        with context.unit() as session:
            complaint = service.complaints.get(session, complaint_id, by=context.principal)
            service.respond(session, complaint, by=context.principal)
            late = complaint.response_breached_at is not None
    except FORM_PROBLEMS as problem:
        return complaint_page(context, complaint_id, respond=FormState.failed(values, problem),
                              status_code=problem_status(problem))
    message = (i18n._("The answer was recorded, after its target: a recovery task is open.") if late
               else i18n._("The answer was recorded."))
    return see_other(f"/complaints/{complaint_id}", context, message)


@router.post("/complaints/{complaint_id}/resolve")
def resolve_complaint(complaint_id: RecordId, context: Writer, values: Posted) -> Response:
    try:
        with context.unit() as session:
            complaint = service.complaints.get(session, complaint_id, by=context.principal)
            service.resolve(session, complaint, outcome=values.get("outcome", ""), by=context.principal)
    except FORM_PROBLEMS as problem:
        return complaint_page(context, complaint_id, resolve=FormState.failed(values, problem),
                              status_code=problem_status(problem))
    return see_other(f"/complaints/{complaint_id}", context, i18n._("The complaint is resolved."))


@router.post("/complaints/{complaint_id}/delete")
def delete_complaint(complaint_id: RecordId, context: Manager) -> Response:
    with context.unit() as session:
        complaint = service.complaints.get(session, complaint_id, by=context.principal)
        service.complaints.delete(session, complaint, by=context.principal)
    return see_other("/complaints", context, i18n._("The complaint was deleted."))

