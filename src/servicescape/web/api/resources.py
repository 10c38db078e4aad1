"""The routes of one entity, built from a description instead of copied for each entity.

``entity_router`` gives ``GET/PATCH/DELETE /<things>/{id}`` and ``POST /<things>``; a list route is
added by ``add_list_by_client`` (records of a client), ``add_list_all``, or by the capability itself
when its list has filters of its own (clients).

No ``from __future__ import annotations`` here: FastAPI reads the body type of each generated
route from its annotations, which must be the entity's classes, not strings.
"""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel

from servicescape.db.crud import EntityService
from servicescape.schemas import PageOut
from servicescape.web.api.common import (
    CREATE,
    CREATED_HEADERS,
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
from servicescape.web.deps import RequestContext, signed_in

#: who may do what is the services' business (services → permissions.py); routes only need a user
SignedIn = Annotated[RequestContext, Depends(signed_in())]


@dataclass(frozen=True)
class Resource:
    path: str        # "contacts": the URL segment and the OpenAPI tag
    name: str        # "contact": route names (``get_contact`` for url_for) and summaries
    service: EntityService[Any]
    create: type[BaseModel]
    patch: type[BaseModel]
    out: type[BaseModel]
    #: "module:function" of ``sample(session, n) -> dict``: a valid create body (JSON values) that
    #: varies with ``n`` (unique fields stay unique); it adds, as SYSTEM, the parents it refers to.
    #: The contract tests (tests/contract) create, list, change and delete every entity with it.
    sample: str | None = None


def entity_router(resource: Resource) -> APIRouter:
    router = APIRouter(prefix=f"/{resource.path}", tags=[resource.path])
    service, name = resource.service, resource.name
    In, Patch, Out = resource.create, resource.patch, resource.out

    @router.get("/{id}", response_model=Out, responses=READ_ONE, name=f"get_{name}",
                summary=f"One {name}")
    def get_one(id: EntityId, context: SignedIn) -> Any:
        with context.unit() as session:
            return Out.model_validate(service.get(session, id, by=context.principal))

    @router.post("", status_code=201, response_model=Out, name=f"create_{name}",
                 summary=f"Add a {name}",
                 responses={**CREATE, 201: {"headers": CREATED_HEADERS}})
    def create(body: In, response: Response, context: SignedIn) -> Any:  # type: ignore[valid-type]
        with context.unit() as session:
            record = service.create(session, body.model_dump(), by=context.principal)  # type: ignore[attr-defined]
            session.refresh(record)  # render what is stored (exact money, timestamps in UTC)
            out = Out.model_validate(record)
        response.headers["Location"] = context.request.url_for(f"get_{name}", id=out.id).path  # type: ignore[attr-defined]
        return out

    @router.patch("/{id}", response_model=Out, responses=UPDATE, name=f"update_{name}",
                  summary=f"Change a {name} (only the fields sent)")
    def update(id: EntityId, body: Patch, context: SignedIn) -> Any:  # type: ignore[valid-type]
        with context.unit() as session:
            record = service.get(session, id, by=context.principal)
            service.update(session, record, body.model_dump(exclude_unset=True), by=context.principal)  # type: ignore[attr-defined]
            session.refresh(record)
            return Out.model_validate(record)

    @router.delete("/{id}", status_code=204, response_class=Response, responses=DELETE,
                   name=f"delete_{name}", summary=f"Delete a {name}")
    def delete(id: EntityId, context: SignedIn) -> Response:
        with context.unit() as session:
            service.delete(session, service.get(session, id, by=context.principal), by=context.principal)
        return Response(status_code=204)

    return router


def add_list_by_client(router: APIRouter, resource: Resource) -> None:
    """``GET /<things>?client_id=``: newest first, optionally of one client."""
    service = resource.service

    @router.get("", response_model=PageOut[resource.out], responses=READ_MANY,  # type: ignore[name-defined]
                name=f"list_{resource.path}", summary=f"List {resource.path}, newest first")
    def list_records(context: SignedIn, page: PageNumber = 1, per_page: PerPage = 50,
                     client_id: IdFilter = None) -> Any:
        with context.unit() as session:
            found = service.page(session, client_id=client_id, page=page, per_page=per_page,
                                 by=context.principal)
            return page_out(found, resource.out)


def add_list_all(router: APIRouter, resource: Resource) -> None:
    """``GET /<things>``: newest first."""
    service = resource.service

    @router.get("", response_model=PageOut[resource.out], responses=READ_MANY,  # type: ignore[name-defined]
                name=f"list_{resource.path}", summary=f"List {resource.path}, newest first")
    def list_records(context: SignedIn, page: PageNumber = 1, per_page: PerPage = 50) -> Any:
        with context.unit() as session:
            return page_out(service.page(session, page=page, per_page=per_page, by=context.principal),
                            resource.out)
