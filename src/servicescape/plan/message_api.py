"""``/api/v1/messages``: the message library (versions per language, approval, retirement);
``/message-uses``: where a message was used; ``/message-adoption``: the share of interactions that
carried an approved message, per person and per message; ``/case-studies`` (approval, the
approved-only website export); ``/proposals`` (and each one's PDF)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.responses import HTMLResponse

from servicescape import i18n
from servicescape.db.types import utcnow
from servicescape.plan import case_studies, message_uses, proposal_document, proposals
from servicescape.plan import messages as library
from servicescape.plan.message_schemas import (
    AdoptionOut,
    CaseStudyIn,
    CaseStudyOut,
    CaseStudyPatch,
    MessageIn,
    MessageOut,
    MessagePatch,
    MessageUseIn,
    MessageUseOut,
    ProposalIn,
    ProposalOut,
    ProposalPatch,
    VersionIn,
    VersionOut,
    VersionsOut,
)
from servicescape.plan.models import CaseStudyStatus
from servicescape.platform.pdf import pdf_response
from servicescape.schemas import PageOut
from servicescape.web.api.common import (
    CREATE,
    CREATE_UNDER,
    DELETE,
    READ_MANY,
    READ_ONE,
    UPDATE,
    EntityId,
    IdFilter,
    PageNumber,
    PerPage,
    page_out,
)
from servicescape.web.api.resources import Resource, SignedIn, add_list_all, add_list_by_client, entity_router
from servicescape.web.deps import RequestContext

MESSAGES = Resource("messages", "message", library.messages, MessageIn, MessagePatch, MessageOut,
                    sample="servicescape.plan.message_samples:message")
CASE_STUDIES = Resource("case-studies", "case_study", case_studies.case_studies, CaseStudyIn, CaseStudyPatch,
                        CaseStudyOut, sample="servicescape.plan.message_samples:case_study")
PROPOSALS = Resource("proposals", "proposal", proposals.proposals, ProposalIn, ProposalPatch, ProposalOut,
                     sample="servicescape.plan.message_samples:proposal")

router = APIRouter()
Language = Annotated[str | None, Query(max_length=20, description="en, ms, bg, zh-Hans, zh-Hant or hu")]
#: the adoption figures by default: the last 90 days
ADOPTION_DAYS = 90


def today(context: RequestContext) -> date:
    return utcnow().astimezone(context.runtime.settings.zone).date()


# --- messages: versions, approval, retirement ---------------------------------------------------------

def _versions(session: Any, message_id: int, context: SignedIn) -> VersionsOut:
    found = library.view(session, message_id, by=context.principal)
    return VersionsOut(message_id=message_id,
                       versions=[VersionOut.model_validate(v) for group in found.versions.values() for v in group],
                       approved={code: v.text for code, v in found.approved.items()},
                       missing_languages=found.missing)


@router.get("/messages/{id}/versions", response_model=VersionsOut, responses=READ_ONE, tags=["messages"],
            name="message_versions", summary="Every version per language, the approved text per language and "
                                             "the languages still missing")
def versions(id: EntityId, context: SignedIn) -> Any:
    with context.unit() as session:
        return _versions(session, id, context)


@router.post("/messages/{id}/versions", status_code=201, response_model=VersionOut, responses=CREATE_UNDER,
             tags=["messages"], name="add_message_version",
             summary="A new draft in a language (numbered after the last one of that language)")
def add_version(id: EntityId, body: VersionIn, context: SignedIn) -> Any:
    with context.unit() as session:
        made = library.add_version(session, id, body.language, body.text, by=context.principal)
        session.refresh(made)
        return VersionOut.model_validate(made)


@router.post("/message-versions/{id}/approve", response_model=VersionOut, responses=UPDATE, tags=["messages"],
             name="approve_message_version",
             summary="Approve a draft (managers; not one's own, except the owner): the approved version before "
                     "it in that language is superseded")
def approve_version(id: EntityId, context: SignedIn) -> Any:
    with context.unit() as session:
        found = library.approve_version(session, id, by=context.principal)
        session.refresh(found)
        return VersionOut.model_validate(found)


@router.delete("/message-versions/{id}", status_code=204, response_class=Response, responses=DELETE,
               tags=["messages"], name="discard_message_version", summary="Discard a draft nobody approved")
def discard_version(id: EntityId, context: SignedIn) -> Response:
    with context.unit() as session:
        library.discard_draft(session, id, by=context.principal)
    return Response(status_code=204)


def _retired(id: int, retired: bool, context: SignedIn) -> MessageOut:
    with context.unit() as session:
        found = library.set_retired(session, id, retired, by=context.principal)
        session.refresh(found)
        return MessageOut.model_validate(found)


@router.post("/messages/{id}/retire", response_model=MessageOut, responses=UPDATE, tags=["messages"],
             name="retire_message", summary="Retire a message (managers): no new versions, uses or proposals")
def retire(id: EntityId, context: SignedIn) -> Any:
    return _retired(id, True, context)


@router.post("/messages/{id}/reinstate", response_model=MessageOut, responses=UPDATE, tags=["messages"],
             name="reinstate_message", summary="Bring a retired message back (managers)")
def reinstate(id: EntityId, context: SignedIn) -> Any:
    return _retired(id, False, context)


# --- uses and adoption ------------------------------------------------------------------------------

@router.get("/message-uses", response_model=list[MessageUseOut], responses=READ_MANY, tags=["messages"],
            name="list_message_uses", summary="Uses of a message, a client or an interaction, the latest first")
def list_uses(context: SignedIn, message_id: IdFilter = None, client_id: IdFilter = None,
              interaction_id: IdFilter = None) -> Any:
    with context.unit() as session:
        return [MessageUseOut.model_validate(use) for use in message_uses.list_uses(
            session, message_id=message_id, client_id=client_id, interaction_id=interaction_id,
            by=context.principal)]


@router.post("/message-uses", status_code=201, response_model=MessageUseOut, responses=CREATE, tags=["messages"],
             name="record_message_use", summary="Record that an interaction used an approved message")
def record_use(body: MessageUseIn, context: SignedIn) -> Any:
    with context.unit() as session:
        made = message_uses.record_use(session, message_id=body.message_id, interaction_id=body.interaction_id,
                                       language=body.language, by=context.principal)
        session.refresh(made)
        return MessageUseOut.model_validate(made)


@router.delete("/message-uses/{id}", status_code=204, response_class=Response, responses=DELETE, tags=["messages"],
               name="delete_message_use", summary="Take back a use recorded on an interaction by mistake")
def delete_use(id: EntityId, context: SignedIn) -> Response:
    with context.unit() as session:
        message_uses.remove_use(session, id, by=context.principal)
    return Response(status_code=204)


@router.get("/message-adoption", response_model=AdoptionOut, responses=READ_MANY, tags=["messages"],
            name="message_adoption",
            summary="Share of interactions that carried an approved message, per staff member and for the firm, "
                    "and uses per message (default: the last 90 days)")
def adoption(context: SignedIn, since: date | None = None, until: date | None = None) -> Any:
    last = until or today(context)
    with context.unit() as session:
        found = message_uses.adoption(session, since or last - timedelta(days=ADOPTION_DAYS - 1), last,
                                      zone=context.runtime.settings.zone, by=context.principal)
    return AdoptionOut.model_validate(found.as_dict())


# --- case studies ----------------------------------------------------------------------------------

@router.get("/case-studies", response_model=PageOut[CaseStudyOut], responses=READ_MANY, tags=["case-studies"],
            name="list_case-studies", summary="List case studies, newest first (of a client, or by status)")
def list_case_studies(context: SignedIn, page: PageNumber = 1, per_page: PerPage = 50, client_id: IdFilter = None,
                      status: CaseStudyStatus | None = None) -> Any:
    with context.unit() as session:
        return page_out(case_studies.case_study_page(session, status=status, client_id=client_id, page=page,
                                                     per_page=per_page, by=context.principal), CaseStudyOut)


@router.get("/case-studies/export", name="export_case_studies", tags=["case-studies"],
            responses={**READ_MANY, 200: {"content": {"application/json": {}, "text/html": {}},
                                          "description": "the approved case studies (JSON) or a static HTML page"}},
            summary="Approved case studies for the website: JSON, or a static HTML page; the client named only "
                    "with its consent")
def export(context: SignedIn, format: Annotated[str, Query(pattern="^(json|html)$")] = "json",
           language: Language = None) -> Any:
    with context.unit() as session:
        found = case_studies.export(session, language=language, by=context.principal)
    if format == "html":
        return HTMLResponse(case_studies.export_html(found))
    return case_studies.export_json(found)


@router.post("/case-studies/{id}/approve", response_model=CaseStudyOut, responses=UPDATE, tags=["case-studies"],
             name="approve_case_study", summary="Approve (managers): it joins the website export and proposals")
def approve_case_study(id: EntityId, context: SignedIn) -> Any:
    with context.unit() as session:
        found = case_studies.approve(session, id, by=context.principal)
        session.refresh(found)
        return CaseStudyOut.model_validate(found)


# --- proposals ---------------------------------------------------------------------------------------

@router.get("/proposals/{id}/pdf", name="proposal_pdf", tags=["proposals"],
            responses={**READ_ONE, 200: {"content": {"application/pdf": {}}, "description": "the proposal pack"}},
            summary="The proposal pack as a PDF, in the proposal's language")
def proposal_pdf(id: EntityId, context: SignedIn) -> Response:
    with context.unit() as session:
        found = proposals.pack(session, id, day=today(context), by=context.principal)
        html = proposal_document.page(found, context.runtime.settings, for_pdf=True)
        name = proposal_document.filename(found)
    i18n.activate(context.language)
    return pdf_response(html, name)


for resource, lister in ((MESSAGES, add_list_all), (CASE_STUDIES, None), (PROPOSALS, add_list_by_client)):
    routes = entity_router(resource)
    if lister is not None:
        lister(routes, resource)
    router.include_router(routes)
