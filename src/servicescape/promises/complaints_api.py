"""``/api/v1/complaints``: complaints against the targets of the client's tier; answering and
resolving them; the figures."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query

from servicescape.db.types import utcnow
from servicescape.promises import complaints as service
from servicescape.promises.models import Severity
from servicescape.promises.schemas import ComplaintIn, ComplaintOut, ComplaintPatch, ComplaintResolve, ComplaintRespond
from servicescape.schemas import PageOut
from servicescape.web.api.common import READ_MANY, UPDATE, EntityId, IdFilter, PageNumber, PerPage, page_out
from servicescape.web.api.resources import Resource, SignedIn, entity_router

COMPLAINTS = Resource("complaints", "complaint", service.complaints, ComplaintIn, ComplaintPatch, ComplaintOut,
                      sample="servicescape.promises.samples:complaint")
router = APIRouter(tags=["complaints"])

State = Annotated[str, Query(pattern="^(open|responded|resolved|unresolved|breached|all)$",
                             description="unresolved (default): open or answered, what is due first first")]


@router.get("/complaints", response_model=PageOut[ComplaintOut], responses=READ_MANY, name="list_complaints",
            summary="The complaints board")
def list_all(context: SignedIn, page: PageNumber = 1, per_page: PerPage = 50, state: State = "unresolved",
             owner_id: IdFilter = None, client_id: IdFilter = None, severity: Severity | None = None) -> Any:
    filters = service.ComplaintFilters(state=state, owner_id=owner_id, client_id=client_id, severity=severity)
    with context.unit() as session:
        return page_out(service.board(session, filters, page=page, per_page=per_page, by=context.principal),
                        ComplaintOut)


@router.get("/complaints/stats", responses=READ_MANY, name="complaint_stats",
            summary="Complaints received in the last days: counts, breaches, mean response and resolution hours")
def stats(context: SignedIn, days: Annotated[int, Query(ge=1, le=1096)] = 365) -> Any:
    now = utcnow()
    with context.unit() as session:
        found = service.stats(session, since=now - timedelta(days=days), until=now, by=context.principal)
    return {**found.__dict__, "breach_share": found.breach_share}


@router.post("/complaints/{id}/respond", response_model=ComplaintOut, responses=UPDATE, name="respond_complaint",
             summary="The client got a first answer")
def respond(id: EntityId, body: ComplaintRespond, context: SignedIn) -> Any:
    with context.unit() as session:
        complaint = service.complaints.get(session, id, by=context.principal)
        service.respond(session, complaint, at=body.at, by=context.principal)
        session.refresh(complaint)
        return ComplaintOut.model_validate(complaint)


@router.post("/complaints/{id}/resolve", response_model=ComplaintOut, responses=UPDATE, name="resolve_complaint",
             summary="Resolved, with its outcome (required)")
def resolve(id: EntityId, body: ComplaintResolve, context: SignedIn) -> Any:
    with context.unit() as session:
        complaint = service.complaints.get(session, id, by=context.principal)
        service.resolve(session, complaint, outcome=body.outcome, at=body.at, by=context.principal)
        session.refresh(complaint)
        return ComplaintOut.model_validate(complaint)


router.include_router(entity_router(COMPLAINTS))
