"""``/api/v1/milestones`` (one milestone: read, change, delete; and the generic list and add),
``/engagements/{id}/milestones`` (an engagement's milestones in order, add one, reorder them),
``/clients/{id}/documents`` (a client's shared documents, share one as multipart) and
``/documents/{id}`` (its metadata, ``/content`` the file, delete)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Response, UploadFile

from servicescape.portal import documents, milestones
from servicescape.portal.capability import MANAGE, READ, WRITE
from servicescape.portal.records_schemas import (
    DocumentOut,
    MilestoneFields,
    MilestoneIn,
    MilestoneOrderIn,
    MilestoneOut,
    MilestonePatch,
)
from servicescape.schemas import MAX_ID, PageOut
from servicescape.web.api.common import (
    CREATE_UNDER,
    CREATED_HEADERS,
    DELETE,
    READ_ONE,
    UPDATE,
    EntityId,
    PageNumber,
    PerPage,
    page_out,
)
from servicescape.web.api.resources import Resource, SignedIn, add_list_all, entity_router
from servicescape.web.deps import RequestContext, signed_in

MILESTONES = Resource("milestones", "milestone", milestones.milestones, MilestoneIn, MilestonePatch, MilestoneOut,
                      sample="servicescape.portal.records_samples:milestone")

router = APIRouter()
_routes = entity_router(MILESTONES)
add_list_all(_routes, MILESTONES)
router.include_router(_routes)

#: a role without the permission is answered at once (the services check it again)
Sharer = Annotated[RequestContext, Depends(signed_in(WRITE))]
Reader = Annotated[RequestContext, Depends(signed_in(READ))]
Manager = Annotated[RequestContext, Depends(signed_in(MANAGE))]
#: adding to a parent the URL names: the parent may be missing
ADD = CREATE_UNDER


# --- milestones of an engagement ----------------------------------------------------------------

@router.get("/engagements/{id}/milestones", response_model=list[MilestoneOut], responses=READ_ONE,
            name="list_engagement_milestones", tags=["milestones"], summary="An engagement's milestones, in order")
def engagement_milestones(id: EntityId, context: SignedIn) -> Any:
    with context.unit() as session:
        return [MilestoneOut.model_validate(m)
                for m in milestones.engagement_milestones(session, id, by=context.principal)]


@router.post("/engagements/{id}/milestones", status_code=201, response_model=MilestoneOut,
             responses={**ADD, 201: {"headers": CREATED_HEADERS}}, name="add_engagement_milestone",
             tags=["milestones"], summary="Add a milestone (it goes last)")
def add_milestone(id: EntityId, body: MilestoneFields, response: Response, context: SignedIn) -> Any:
    with context.unit() as session:
        made = milestones.add_to_engagement(session, id, body.model_dump(), by=context.principal)
        session.refresh(made)
        out = MilestoneOut.model_validate(made)
    response.headers["Location"] = context.request.url_for("get_milestone", id=out.id).path
    return out


@router.put("/engagements/{id}/milestones/order", response_model=list[MilestoneOut], responses=UPDATE,
            name="order_engagement_milestones", tags=["milestones"],
            summary="Put an engagement's milestones in a new order (every one of them, once)")
def order_milestones(id: EntityId, body: MilestoneOrderIn, context: SignedIn) -> Any:
    with context.unit() as session:
        ordered = milestones.reorder(session, id, body.ids, by=context.principal)
        return [MilestoneOut.model_validate(m) for m in ordered]


# --- shared documents ---------------------------------------------------------------------------

@router.get("/clients/{id}/documents", response_model=PageOut[DocumentOut], responses=READ_ONE,
            name="list_client_documents", tags=["documents"], summary="A client's shared documents, newest first")
def client_documents(id: EntityId, context: Reader, page: PageNumber = 1, per_page: PerPage = 50) -> Any:
    with context.unit() as session:
        found = documents.documents_page(session, id, page=page, per_page=per_page, by=context.principal)
        return page_out(found, DocumentOut)


@router.post("/clients/{id}/documents", status_code=201, response_model=DocumentOut,
             responses={**ADD, 201: {"headers": CREATED_HEADERS}}, name="share_client_document", tags=["documents"],
             summary="Share a file with the client's contacts (multipart; at most 10 MB)")
def share_document(
    id: EntityId,
    context: Sharer,
    response: Response,
    file: Annotated[UploadFile, File(description="the file; its name may hold no folders")],
    title: Annotated[str | None, Form(max_length=1000, description="default: the file's name")] = None,
    engagement_id: Annotated[int | None, Form(ge=1, le=MAX_ID, description="one of the client's engagements")]
    = None,
) -> Any:
    limit = documents.upload_limit(context.runtime.settings.max_upload_bytes)
    content = documents.read_capped(file.file, limit)
    with context.unit() as session:
        made = documents.share(session, id, title=title, filename=file.filename, content_type=file.content_type,
                               content=content, engagement_id=engagement_id, limit=limit, by=context.principal)
        out = DocumentOut.model_validate(made)
    response.headers["Location"] = context.request.url_for("get_document", id=out.id).path
    return out


@router.get("/documents/{id}", response_model=DocumentOut, responses=READ_ONE, name="get_document",
            tags=["documents"], summary="A shared document's title, file name, type and size")
def get_document(id: EntityId, context: Reader) -> Any:
    with context.unit() as session:
        return DocumentOut.model_validate(documents.get_document(session, id, by=context.principal))


@router.get("/documents/{id}/content", response_class=Response, responses=READ_ONE, name="download_document",
            tags=["documents"], summary="The file itself, as an attachment")
def download_document(id: EntityId, context: Reader) -> Response:
    with context.unit() as session:
        return documents.download_response(documents.get_document(session, id, by=context.principal,
                                                                  with_content=True))


@router.delete("/documents/{id}", status_code=204, response_class=Response, responses=DELETE,
               name="delete_document", tags=["documents"], summary="Stop sharing a document and delete it")
def delete_document(id: EntityId, context: Manager) -> Response:
    with context.unit() as session:
        documents.delete_document(session, id, by=context.principal)
    return Response(status_code=204)

