"""``/api/v1/portal-users`` (who may use the client portal; invite, close) and
``/api/v1/portal-requests`` (what clients asked there; accept, decline)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from servicescape.clients.models import Engagement
from servicescape.portal import accounts, service
from servicescape.portal.models import RequestStatus
from servicescape.portal.schemas import (
    AcceptedOut,
    AcceptIn,
    DeclineIn,
    InvitedOut,
    InviteIn,
    PortalRequestOut,
    PortalUserOut,
)
from servicescape.promises.models import Promise
from servicescape.web.api.common import CREATE_UNDER, READ_MANY, READ_ONE, UPDATE, EntityId, IdFilter
from servicescape.web.api.resources import SignedIn

router = APIRouter(tags=["portal"])


@router.get("/clients/{id}/portal-users", response_model=list[PortalUserOut], responses=READ_ONE,
            summary="The client's contacts who may use the client portal")
def users(id: EntityId, context: SignedIn) -> Any:
    with context.unit() as session:
        return [PortalUserOut.model_validate(u) for u in accounts.users_of(session, id, by=context.principal)]


@router.post("/portal-users", response_model=InvitedOut, status_code=201, responses=CREATE_UNDER,
             summary="Invite a contact to the client portal (a one-time sign-in link, valid for a week)")
def invite(body: InviteIn, context: SignedIn) -> Any:
    with context.unit() as session:
        invited = accounts.invite(session, context.runtime.settings, body.contact_id, send=body.send,
                                  by=context.principal)
        return InvitedOut(user=PortalUserOut.model_validate(invited.user),
                          link=None if invited.emailed else invited.link, emailed=invited.emailed)


@router.post("/portal-users/{id}/close", response_model=PortalUserOut, responses=UPDATE,
             summary="Close a contact's portal account (their sessions and links end)")
def close(id: EntityId, context: SignedIn) -> Any:
    with context.unit() as session:
        user = accounts.get_user(session, id, by=context.principal)
        return PortalUserOut.model_validate(accounts.close(session, user, by=context.principal))


@router.get("/portal-requests", response_model=list[PortalRequestOut], responses=READ_MANY,
            summary="What clients asked in the portal (newest first)")
def requests(context: SignedIn, status: Annotated[RequestStatus | None, Query()] = RequestStatus.open,
             client_id: IdFilter = None) -> Any:
    with context.unit() as session:
        found = service.requests(session, service.RequestFilters(status=status, client_id=client_id),
                                 by=context.principal)
        return [PortalRequestOut.model_validate(r) for r in found]


@router.get("/portal-requests/{id}", response_model=PortalRequestOut, responses=READ_ONE)
def get_request(id: EntityId, context: SignedIn) -> Any:
    with context.unit() as session:
        return PortalRequestOut.model_validate(service.get_request(session, id, by=context.principal))


@router.post("/portal-requests/{id}/accept", response_model=AcceptedOut, responses=UPDATE,
             summary="Accept: a new window re-promises the appointment; an order of a level becomes a proposed "
                     "engagement")
def accept(id: EntityId, body: AcceptIn, context: SignedIn) -> Any:
    with context.unit() as session:
        request = service.get_request(session, id, by=context.principal)
        made = service.accept(session, request, start=body.start, end=body.end, answer=body.answer,
                              by=context.principal)
        return AcceptedOut(request=PortalRequestOut.model_validate(request),
                           promise_id=made.id if isinstance(made, Promise) else None,
                           engagement_id=made.id if isinstance(made, Engagement) else None)


@router.post("/portal-requests/{id}/decline", response_model=PortalRequestOut, responses=UPDATE)
def decline(id: EntityId, body: DeclineIn, context: SignedIn) -> Any:
    with context.unit() as session:
        request = service.get_request(session, id, by=context.principal)
        return PortalRequestOut.model_validate(service.decline(session, request, answer=body.answer,
                                                               by=context.principal))
