"""``/api/v1/clients``: the client book's clients, searchable, filterable and sortable."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Query

from servicescape.clients.listing import ClientFilters, list_clients
from servicescape.clients.models import ClientStatus, Tier
from servicescape.clients.schemas import ClientIn, ClientOut, ClientPatch
from servicescape.clients.service import clients
from servicescape.schemas import Country, PageOut, Text
from servicescape.web.api.common import READ_MANY, IdFilter, PageNumber, PerPage, page_out
from servicescape.web.api.resources import Resource, SignedIn, entity_router

#: the keys of servicescape.clients.listing.CLIENT_SORTS (a test keeps the two equal)
ClientSort = Literal["name", "created", "country", "tier", "segment", "status"]

CLIENTS = Resource("clients", "client", clients, ClientIn, ClientPatch, ClientOut,
                   sample="servicescape.clients.samples:client")
router = entity_router(CLIENTS)


@router.get("", response_model=PageOut[ClientOut], responses=READ_MANY, name="list_clients",
            summary="List clients")
def list_all(
    context: SignedIn,
    page: PageNumber = 1,
    per_page: PerPage = 50,
    q: Annotated[Text | None, Query(description="in name, e-mail, external id or city, accents and case "
                                                "aside; one or two characters: names that begin with them")] = None,
    tier: Tier | None = None,
    segment: Annotated[Text | None, Query()] = None,
    owner_id: IdFilter = None,
    country: Annotated[Country | None, Query(description="two-letter ISO code")] = None,
    status: ClientStatus | None = None,
    sort: ClientSort = "name",
    desc: Annotated[bool, Query(description="descending order")] = False,
) -> Any:
    filters = ClientFilters(q=q, tier=tier, segment=segment, owner_id=owner_id, country=country,
                            status=status, sort=sort, descending=desc)
    with context.unit() as session:
        return page_out(list_clients(session, filters, page=page, per_page=per_page,
                                     by=context.principal), ClientOut)
