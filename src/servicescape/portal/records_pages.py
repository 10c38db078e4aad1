"""The forms of the client page's section "Client portal: milestones and documents": add a milestone,
change its status, move it, delete it; share a file, download it, delete it. Each answers htmx with
the section (``records_sections``) and a plain post with a redirect to it; a problem shows the form
again with the message next to its field."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, UploadFile
from fastapi.responses import Response

from servicescape import i18n
from servicescape.errors import PayloadTooLarge, ServicescapeError, ValidationFailed
from servicescape.portal import documents, milestones
from servicescape.portal.capability import MANAGE, READ, WRITE
from servicescape.portal.records_schemas import MilestoneIn, MilestonePatch
from servicescape.portal.records_sections import SECTION
from servicescape.web.client_page import client_page, client_section
from servicescape.web.deps import RequestContext, signed_in
from servicescape.web.forms import FormInvalid, FormState, RecordId, is_htmx, parse_form, parse_id
from servicescape.web.pages.common import FORM_PROBLEMS, Posted, see_other

router = APIRouter(include_in_schema=False)

Reader = Annotated[RequestContext, Depends(signed_in(READ))]
Writer = Annotated[RequestContext, Depends(signed_in(WRITE))]
Manager = Annotated[RequestContext, Depends(signed_in(MANAGE))]
PROBLEMS = (*FORM_PROBLEMS, PayloadTooLarge)
MOVES = {"up": -1, "down": 1}


def _done(context: RequestContext, client_id: int, message: str) -> Response:
    if is_htmx(context.request):
        return client_section(context, client_id, SECTION, message=message)
    return see_other(f"/clients/{client_id}#{SECTION}", context, message)


def _failed(context: RequestContext, client_id: int, values: dict[str, str],
            problem: FormInvalid | ServicescapeError, form: str) -> Response:
    """The section again with the form that failed open and its messages (``form``: which form)."""
    state = FormState.failed({**values, "form": form}, problem)
    status = problem.status_code if isinstance(problem, ServicescapeError) else 422
    if is_htmx(context.request):
        return client_section(context, client_id, SECTION, form=state, status_code=status)
    return client_page(context, client_id, failed=(SECTION, state), status_code=status)


# --- milestones ---------------------------------------------------------------------------------

@router.post("/clients/{client_id}/milestones")
def add_milestone_on_page(client_id: RecordId, context: Writer, values: Posted) -> Response:
    fields = {k: v for k, v in values.items() if k in ("engagement_id", "name", "due_on", "status", "note")}
    try:
        data = parse_form(MilestoneIn, fields, zone=context.runtime.settings.zone)
        with context.unit() as session:
            name = milestones.add_to_client(session, client_id, data, by=context.principal).name
    except FORM_PROBLEMS as problem:
        return _failed(context, client_id, values, problem, "milestone")
    return _done(context, client_id, i18n._("Milestone “%(name)s” added.", name=name))


def _milestone_client(context: RequestContext, milestone_id: int) -> int:
    with context.unit() as session:
        return milestones.client_id_of(session, milestones.milestones.get(session, milestone_id, by=context.principal))


@router.post("/milestones/{milestone_id}/status")
def change_milestone_status(milestone_id: RecordId, context: Writer, values: Posted) -> Response:
    client_id = _milestone_client(context, milestone_id)
    try:
        data = parse_form(MilestonePatch, {"status": values.get("status", "")}, zone=context.runtime.settings.zone)
        with context.unit() as session:
            found = milestones.milestones.get(session, milestone_id, by=context.principal)
            milestones.milestones.update(session, found, data, by=context.principal)
            name = found.name
    except FORM_PROBLEMS as problem:
        return _failed(context, client_id, values, problem, f"status-{milestone_id}")
    return _done(context, client_id, i18n._("Milestone “%(name)s” changed.", name=name))


@router.post("/milestones/{milestone_id}/move")
def move_milestone(milestone_id: RecordId, context: Writer, values: Posted) -> Response:
    client_id = _milestone_client(context, milestone_id)
    step = MOVES.get(values.get("direction", ""))
    if step is None:
        raise ValidationFailed(i18n._("Unknown value %(value)s for %(field)s.", value=values.get("direction", ""),
                                      field="direction"), field="direction")
    with context.unit() as session:
        found = milestones.milestones.get(session, milestone_id, by=context.principal)
        milestones.move(session, found, step, by=context.principal)
        name = found.name
    return _done(context, client_id, i18n._("Milestone “%(name)s” moved.", name=name))


@router.post("/milestones/{milestone_id}/delete")
def delete_milestone_on_page(milestone_id: RecordId, context: Writer) -> Response:
    client_id = _milestone_client(context, milestone_id)
    with context.unit() as session:
        found = milestones.milestones.get(session, milestone_id, by=context.principal)
        name = found.name
        milestones.milestones.delete(session, found, by=context.principal)
    return _done(context, client_id, i18n._("Milestone “%(name)s” deleted.", name=name))


# --- shared documents ---------------------------------------------------------------------------

@router.post("/clients/{client_id}/documents")
def share_document_on_page(client_id: RecordId, context: Writer, values: Posted,
                           file: Annotated[UploadFile | None, File()] = None) -> Response:
    try:
        typed = values.get("engagement_id", "").strip()
        try:
            engagement_id = parse_id(typed) if typed else None
        except ValueError as exc:
            raise FormInvalid({"engagement_id": str(exc)}) from None
        if file is None or not file.filename:
            raise ValidationFailed(i18n._("Choose a file to share."), field="file")
        limit = documents.upload_limit(context.runtime.settings.max_upload_bytes)
        content = documents.read_capped(file.file, limit)
        with context.unit() as session:
            title = documents.share(session, client_id, title=values.get("title"), filename=file.filename,
                                    content_type=file.content_type, content=content, engagement_id=engagement_id,
                                    limit=limit, by=context.principal).title
    except PROBLEMS as problem:
        return _failed(context, client_id, values, problem, "document")
    return _done(context, client_id, i18n._("“%(title)s” is shared with the client.", title=title))


@router.get("/documents/{document_id}/download")
def download_shared_document(document_id: RecordId, context: Reader) -> Response:
    with context.unit() as session:
        return documents.download_response(documents.get_document(session, document_id, by=context.principal,
                                                                  with_content=True))


@router.post("/documents/{document_id}/delete")
def delete_shared_document(document_id: RecordId, context: Manager) -> Response:
    with context.unit() as session:
        gone = documents.delete_document(session, document_id, by=context.principal)
        client_id, title = gone.client_id, gone.title
    return _done(context, client_id, i18n._("“%(title)s” was deleted and is no longer shared.", title=title))
