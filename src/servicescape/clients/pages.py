"""The client book's pages: the list with filters, a client's page, the client form."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response
from markupsafe import Markup

from servicescape import i18n
from servicescape.clients import listing, service
from servicescape.clients.models import ClientStatus, Tier
from servicescape.clients.schemas import ClientIn
from servicescape.clients.sections import Pickers
from servicescape.web.client_page import client_page, client_section
from servicescape.web.deps import RequestContext, signed_in
from servicescape.web.forms import (
    FormInvalid,
    FormState,
    RecordId,
    custom_fields_text,
    display_value,
    is_htmx,
    parse_custom_fields,
    parse_form,
)
from servicescape.web.pages.common import FORM_PROBLEMS, Posted, choice, id_filter, problem_status, see_other
from servicescape.web.templating import Formatter, country_names, render

router = APIRouter(include_in_schema=False)

#: the gates take their permissions from the service, which checks them again
Reader = Annotated[RequestContext, Depends(signed_in(service.clients.read_permission))]
Writer = Annotated[RequestContext, Depends(signed_in(service.clients.write_permission))]
Deleter = Annotated[RequestContext, Depends(signed_in(service.clients.delete_permission))]

PER_PAGE = 50


# --- the list -----------------------------------------------------------------------------------


@router.get("/clients")
def client_list(
    context: Reader,
    q: Annotated[str, Query(max_length=200)] = "",
    tier: Annotated[str, Query(max_length=20)] = "",
    segment: Annotated[str, Query(max_length=120)] = "",
    owner: Annotated[str, Query(max_length=20)] = "",
    country: Annotated[str, Query(max_length=2)] = "",
    status: Annotated[str, Query(max_length=20)] = "",
    sort: Annotated[str, Query(max_length=20)] = "name",
    dir: Annotated[str, Query(max_length=4)] = "asc",
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    descending = dir == "desc"
    filters = listing.ClientFilters(
        q=q.strip() or None, tier=choice(Tier, tier, "tier"), segment=segment or None,
        owner_id=id_filter(owner, "owner"), country=country or None, status=choice(ClientStatus, status, "status"),
        sort=sort, descending=descending,
    )
    with context.unit() as session:
        found = listing.list_clients(session, filters, page=page, per_page=PER_PAGE, clamp=True,
                                     columns=LISTED_COLUMNS, by=context.principal)
        choices = listing.client_list_choices(session, by=context.principal)
    names = country_names(context.language)
    query = {"q": q, "tier": tier, "segment": segment, "owner": owner, "country": country,
             "status": status, "sort": sort, "dir": "desc" if descending else "asc"}
    values: dict[str, Any] = {
        "found": found, "query": query, "sort": sort, "direction": query["dir"],
        "filtered": any(query[key] for key in ("q", "tier", "segment", "owner", "country", "status")),
        "segments": choices.segments, "owners": choices.owners,
        "countries": sorted(((code, names.get(code, code)) for code in choices.countries),
                            key=lambda pair: pair[1].casefold()),
    }
    values["rows"] = listed_rows(context, found.items)
    template = "clients/_results.html" if is_htmx(context.request) else "clients/list.html"
    response = render(context, template, active_nav="clients", **values)
    response.headers["Vary"] = "HX-Request"
    return response


#: the columns of a client a row of the list is made of
LISTED_COLUMNS = ("name", "city", "email", "country", "tier", "segment", "owner_name", "status", "created_at")


def listed_rows(context: RequestContext, clients: Sequence[Any]) -> Markup:
    """The rows of the list's table. Made here rather than by the template: 50 rows of 7 cells are
    some 650 values a page, and a template escapes and writes each on its own (half the page's
    rendering); here each value is escaped once and a row is one string. Every value from the
    database goes through ``escape`` (the standard library's: a plain string, half the time of
    markupsafe's); the labels too (translations are text, not markup)."""
    settings = context.runtime.settings
    fmt = Formatter(context.language, settings.zone)
    tier_names = {key: escape(i18n._(name)) for key, name in settings.tier_names.items()}
    status_names = {"active": escape(i18n._("Active")), "lost": escape(i18n._("Lost"))}
    label = {key: escape(i18n._(text)) for key, text in (
        ("country", "Country"), ("tier", "Tier"), ("segment", "Segment"), ("owner", "Owner"), ("status", "Status"),
        ("added", "Added"))}
    rows = []
    for c in clients:
        detail = c.city or c.email
        sub = f'<span class="cell-sub">{escape(detail)}</span>' if detail else ""
        tier, status = c.tier.value, c.status.value
        rows.append(
            f'<tr><td><a href="/clients/{int(c.id)}">{escape(c.name)}</a>{sub}</td>'
            f'<td data-label="{label["country"]}" class="keep-words">{_or_dash(fmt.country(c.country))}</td>'
            f'<td data-label="{label["tier"]}"><span class="badge badge--{escape(tier)}">{tier_names[tier]}</span></td>'
            f'<td data-label="{label["segment"]}" class="keep-words">{_or_dash(c.segment)}</td>'
            f'<td data-label="{label["owner"]}" class="keep-words">{_or_dash(c.owner_name)}</td>'
            f'<td data-label="{label["status"]}"><span class="badge badge--{escape(status)}">{status_names[status]}'
            f'</span></td><td data-label="{label["added"]}" class="nowrap">'
            f'{escape(fmt.date(c.created_at.astimezone(settings.zone)))}</td></tr>')
    return Markup("\n".join(rows))  # noqa: S704 - every value escaped above


def _or_dash(value: str | None) -> str:
    return escape(value) if value else NONE_SHOWN


NONE_SHOWN = '<span class="muted">—</span>'


# --- the client form ----------------------------------------------------------------------------

def country_options(context: RequestContext, empty: str) -> list[tuple[str, str]]:
    names = country_names(context.language)
    return [("", empty), *sorted(names.items(), key=lambda pair: pair[1].casefold())]


def client_values(client: Any) -> dict[str, Any]:
    """A client's fields as its form shows them."""
    values = {name: display_value(getattr(client, name)) for name in ClientIn.model_fields}
    values["custom_fields"] = custom_fields_text(client.custom_fields)
    return values


def client_data(values: Mapping[str, str], context: RequestContext,
                previous_custom: Mapping[str, Any] | None = None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    data: dict[str, Any] = {}
    try:
        data = parse_form(ClientIn, {k: v for k, v in values.items() if k != "custom_fields"},
                          zone=context.runtime.settings.zone)
    except FormInvalid as exc:
        errors.update(exc.errors)
    if "custom_fields" in values:
        try:
            data["custom_fields"] = parse_custom_fields(values["custom_fields"], previous_custom)
        except FormInvalid as exc:
            errors.update(exc.errors)
    if errors:
        raise FormInvalid(errors)
    return data


def client_form(context: RequestContext, client: Any, state: FormState, *, status_code: int = 200) -> Response:
    with context.unit() as session:
        pickers = Pickers.load(session, context)
        segments = listing.client_list_choices(session, by=context.principal).segments
    return render(context, "clients/form.html", status_code=status_code, active_nav="clients",
                  client=client, form=state, pickers=pickers,
                  segments=segments, countries=country_options(context, i18n._("No country")))


@router.get("/clients/new")
def new_client(context: Writer) -> Response:
    blank = {"kind": "organisation", "tier": "standard", "status": "active",
             "owner_id": str(context.user.id) if context.user else ""}
    return client_form(context, None, FormState(blank))


@router.post("/clients")
def create_client(context: Writer, values: Posted) -> Response:
    try:
        data = client_data(values, context)
        with context.unit() as session:
            client = service.clients.create(session, data, by=context.principal)
            client_id, name = client.id, client.name
    except FORM_PROBLEMS as problem:
        return client_form(context, None, FormState.failed(values, problem), status_code=problem_status(problem))
    return see_other(f"/clients/{client_id}", context, i18n._("Client “%(name)s” was added.", name=name))


@router.get("/clients/{client_id}/edit")
def edit_client(client_id: RecordId, context: Writer) -> Response:
    with context.unit() as session:
        client = service.clients.get(session, client_id, by=context.principal)
    return client_form(context, client, FormState(client_values(client)))


@router.post("/clients/{client_id}")
def update_client(client_id: RecordId, context: Writer, values: Posted) -> Response:
    with context.unit() as session:
        client = service.clients.get(session, client_id, by=context.principal)
    try:
        data = client_data(values, context, client.custom_fields)
        with context.unit() as session:
            stored = service.clients.get(session, client_id, by=context.principal)
            service.clients.update(session, stored, data, by=context.principal)
            name = stored.name
    except FORM_PROBLEMS as problem:
        return client_form(context, client, FormState.failed(values, problem), status_code=problem_status(problem))
    return see_other(f"/clients/{client_id}", context, i18n._("Client “%(name)s” was saved.", name=name))


@router.post("/clients/{client_id}/delete")
def delete_client(client_id: RecordId, context: Deleter) -> Response:
    with context.unit() as session:
        client = service.clients.get(session, client_id, by=context.principal)
        name = client.name
        service.clients.delete(session, client, by=context.principal)
    return see_other("/clients", context, i18n._("Client “%(name)s” was deleted.", name=name))


# --- a client's page ----------------------------------------------------------------------------

@router.get("/clients/{client_id}")
def client_detail(client_id: RecordId, context: Reader) -> Response:
    return client_page(context, client_id)


@router.get("/clients/{client_id}/sections/{key}")
def client_detail_section(client_id: RecordId, key: Annotated[str, Path(max_length=40)], context: Reader) -> Response:
    return client_section(context, client_id, key)
