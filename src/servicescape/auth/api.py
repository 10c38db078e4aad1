"""``/api/v1/staff`` and ``/api/v1/me``: staff accounts (no hard delete), who is asking, and
their own API tokens (listed and revoked here; made on the "My API tokens" page, which asks for the
password, or by an owner with ``servicescape user token``: a token cannot make more tokens).

Everyone signed in may list staff names and ids (owner pickers need them); e-mails and roles are
shown to those who may view staff. Adding and changing accounts needs manage_staff (owners).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from sqlalchemy.orm import Session

from servicescape.auth import service as auth
from servicescape.auth.models import Staff
from servicescape.auth.schemas import MeOut, StaffIn, StaffOut, StaffPatch, TokenOut
from servicescape.schemas import PageOut
from servicescape.web.api.common import (
    CREATE,
    CREATED_HEADERS,
    DELETE,
    READ_MANY,
    READ_ONE,
    UPDATE,
    EntityId,
    PageNumber,
    PerPage,
    error_responses,
)
from servicescape.web.api.resources import SignedIn
from servicescape.web.deps import RequestContext

router = APIRouter(tags=["staff"])


@router.get("/me", response_model=MeOut, responses=error_responses(401), summary="Who am I")
def me(context: SignedIn) -> Any:
    return MeOut.of(context.principal)


def _me(session: Session, context: RequestContext) -> Staff:
    me = session.get(Staff, context.principal.id)
    assert me is not None  # the caller's own, active account
    return me


@router.get("/me/tokens", response_model=list[TokenOut], responses=error_responses(401),
            name="list_my_tokens", summary="My API tokens (in use first, newest first)")
def my_tokens(context: SignedIn) -> Any:
    with context.unit() as session:
        return [TokenOut.model_validate(token)
                for token in auth.tokens_of(session, _me(session, context), by=context.principal)]


@router.delete("/me/tokens/{id}", status_code=204, response_class=Response,
               responses=error_responses(401, 403, 404, 422), name="revoke_my_token",
               summary="Revoke one of my API tokens (it stops working at once)")
def revoke_my_token(id: EntityId, context: SignedIn) -> Response:
    with context.unit() as session:
        auth.revoke_token(session, _me(session, context), id, by=context.principal)
    return Response(status_code=204)


@router.get("/staff", response_model=PageOut[StaffOut], responses=READ_MANY, name="list_staff",
            summary="List staff by name")
def list_all(
    context: SignedIn, page: PageNumber = 1, per_page: PerPage = 50,
    active: Annotated[bool | None, Query(description="only active (true) or inactive (false)")] = None,
) -> Any:
    with context.unit() as session:
        found = auth.staff_page(session, active=active, page=page, per_page=per_page,
                                by=context.principal)
        return PageOut[StaffOut](
            items=[StaffOut.model_validate(auth.staff_view(staff, by=context.principal)) for staff in found.items],
            total=found.total, page=found.page, per_page=found.per_page, pages=found.pages,
        )


@router.get("/staff/{id}", response_model=StaffOut, responses=READ_ONE, name="get_staff",
            summary="One staff member")
def get_one(id: EntityId, context: SignedIn) -> Any:
    with context.unit() as session:
        return StaffOut.model_validate(auth.staff_view(auth.get_staff(session, id, by=context.principal),
                                                       by=context.principal))


@router.post("/staff", status_code=201, response_model=StaffOut, name="create_staff",
             summary="Add a staff member",
             responses={**CREATE, 201: {"headers": CREATED_HEADERS}})
def create(body: StaffIn, response: Response, context: SignedIn) -> Any:
    with context.unit() as session:
        staff = auth.create_staff(session, name=body.name, email=body.email, role=body.role,
                                  password=body.password, by=context.principal)
        out = StaffOut.model_validate(auth.staff_view(staff, by=context.principal))
    response.headers["Location"] = context.request.url_for("get_staff", id=out.id).path
    return out


@router.patch("/staff/{id}", response_model=StaffOut, responses=UPDATE, name="update_staff",
              summary="Rename, change the role of, deactivate or reactivate")
def update(id: EntityId, body: StaffPatch, context: SignedIn) -> Any:
    with context.unit() as session:
        staff = auth.get_staff(session, id, by=context.principal)
        auth.update_staff(session, staff, name=body.name, role=body.role, active=body.active,
                          by=context.principal)
        return StaffOut.model_validate(auth.staff_view(staff, by=context.principal))


@router.delete("/staff/{id}", status_code=204, response_class=Response, responses=DELETE,
               name="deactivate_staff", summary="Deactivate (accounts are never deleted)")
def deactivate(id: EntityId, context: SignedIn) -> Response:
    with context.unit() as session:
        auth.deactivate(session, auth.get_staff(session, id, by=context.principal), by=context.principal)
    return Response(status_code=204)
