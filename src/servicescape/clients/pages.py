"""The client book's pages: the list with filters, a client's page, the client form."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import RedirectResponse, Response

from servicescape import i18n
from servicescape.auth.models import Staff
from servicescape.auth.permissions import Permission
from servicescape.clients import service
from servicescape.clients.models import ClientStatus, Tier
from servicescape.clients.schemas import ClientIn
from servicescape.db.types import utcnow
from servicescape.errors import Conflict, ValidationFailed
from servicescape.offerings.models import ServicePackage
from servicescape.web.deps import RequestContext, signed_in
from servicescape.web.forms import (
    FormInvalid,
    FormState,
    FormValues,
    RecordId,
    custom_fields_text,
    display_value,
    form_values,
    is_htmx,
    local_input,
    parse_custom_fields,
    parse_form,
)
from servicescape.web.templating import country_names, flash, render

router = APIRouter(include_in_schema=False)

Reader = Annotated[RequestContext, Depends(signed_in(Permission.read))]
Writer = Annotated[RequestContext, Depends(signed_in(Permission.write))]
Deleter = Annotated[RequestContext, Depends(signed_in(Permission.delete))]
Posted = Annotated[FormValues, Depends(form_values)]

PER_PAGE = 50
#: what a form re-renders for, instead of an error page: the person can correct it
FORM_PROBLEMS = (FormInvalid, ValidationFailed, Conflict)
SECTIONS = ("contacts", "engagements", "invoices", "interactions")


def problem_status(problem: Exception) -> int:
    return problem.status_code if isinstance(problem, ValidationFailed | Conflict) else 422


def see_other(url: str, context: RequestContext, message: str) -> Response:
    """Post/redirect/get with a message on the next page."""
    response = RedirectResponse(url, status_code=303)
    flash(response, context, "success", message)
    return response


# --- the list -----------------------------------------------------------------------------------

def _choice(enum_type: Any, value: str, field: str) -> Any:
    if not value:
        return None
    try:
        return enum_type(value)
    except ValueError:
        raise ValidationFailed(i18n._("Unknown value %(value)s for %(field)s.", value=value, field=field),
                               field=field) from None


def _owner(value: str) -> int | None:
    if not value:
        return None
    if not value.isdigit() or len(value) > 18:
        raise ValidationFailed(i18n._("Unknown value %(value)s for %(field)s.", value=value, field="owner"),
                               field="owner")
    return int(value)


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
    filters = service.ClientFilters(
        q=q.strip() or None, tier=_choice(Tier, tier, "tier"), segment=segment or None,
        owner_id=_owner(owner), country=country or None, status=_choice(ClientStatus, status, "status"),
        sort=sort, descending=descending,
    )
    with context.unit() as session:
        found = service.list_clients(session, filters, page=page, per_page=PER_PAGE, by=context.user)
        choices = service.client_list_choices(session, by=context.user)
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
    template = "clients/_results.html" if is_htmx(context.request) else "clients/list.html"
    response = render(context, template, active_nav="clients", **values)
    response.headers["Vary"] = "HX-Request"
    return response


# --- the client form ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Pickers:
    """Choices of the forms: active staff and packages, plus whatever a record already names."""

    staff: list[Staff]
    packages: list[ServicePackage]

    def staff_options(self, selected: Any, empty: str) -> list[tuple[str, str]]:
        chosen = display_value(selected)
        return [("", empty)] + [
            (str(person.id), person.name if person.active
             else i18n._("%(name)s (inactive)", name=person.name))
            for person in self.staff if person.active or str(person.id) == chosen
        ]

    def package_options(self, selected: Any, empty: str) -> list[tuple[str, str]]:
        chosen = display_value(selected)
        return [("", empty)] + [
            (str(package.id), f"{package.name} · {package.level}" if package.level else package.name)
            for package in self.packages if package.active or str(package.id) == chosen
        ]


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
        choices = service.record_choices(session, by=context.user)
        segments = service.client_list_choices(session, by=context.user).segments
    return render(context, "clients/form.html", status_code=status_code, active_nav="clients",
                  client=client, form=state, pickers=Pickers(choices.staff, choices.packages),
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
            client = service.clients.create(session, data, by=context.user)
            client_id, name = client.id, client.name
    except FORM_PROBLEMS as problem:
        return client_form(context, None, FormState.failed(values, problem), status_code=problem_status(problem))
    return see_other(f"/clients/{client_id}", context, i18n._("Client “%(name)s” was added.", name=name))


@router.get("/clients/{client_id}/edit")
def edit_client(client_id: RecordId, context: Writer) -> Response:
    with context.unit() as session:
        client = service.clients.get(session, client_id, by=context.user)
    return client_form(context, client, FormState(client_values(client)))


@router.post("/clients/{client_id}")
def update_client(client_id: RecordId, context: Writer, values: Posted) -> Response:
    with context.unit() as session:
        client = service.clients.get(session, client_id, by=context.user)
    try:
        data = client_data(values, context, client.custom_fields)
        with context.unit() as session:
            stored = service.clients.get(session, client_id, by=context.user)
            service.clients.update(session, stored, data, by=context.user)
            name = stored.name
    except FORM_PROBLEMS as problem:
        return client_form(context, client, FormState.failed(values, problem), status_code=problem_status(problem))
    return see_other(f"/clients/{client_id}", context, i18n._("Client “%(name)s” was saved.", name=name))


@router.post("/clients/{client_id}/delete")
def delete_client(client_id: RecordId, context: Deleter) -> Response:
    with context.unit() as session:
        client = service.clients.get(session, client_id, by=context.user)
        name = client.name
        service.clients.delete(session, client, by=context.user)
    return see_other("/clients", context, i18n._("Client “%(name)s” was deleted.", name=name))


# --- a client's page ----------------------------------------------------------------------------

def blank_forms(context: RequestContext, file: service.ClientFile) -> dict[str, FormState]:
    """The add forms of a client's page, filled with what is most likely."""
    zone = context.runtime.settings.zone
    now = utcnow()
    currency = file.invoices[0].currency if file.invoices else ""
    me = str(context.user.id) if context.user else ""
    return {
        "contacts": FormState(),
        "engagements": FormState({"status": "active", "sold_by_id": me, "delivered_by_id": me,
                                  "start_date": now.astimezone(zone).date().isoformat()}),
        "invoices": FormState({"issued_on": now.astimezone(zone).date().isoformat(), "currency": currency}),
        "interactions": FormState({"channel": "call", "occurred_at": local_input(now, zone), "staff_id": me}),
    }


def _page_values(context: RequestContext, client_id: int,
                 forms: Mapping[str, FormState] | None) -> dict[str, Any]:
    with context.unit() as session:
        file = service.client_file(session, client_id, by=context.user)
        choices = service.record_choices(session, by=context.user)
    states = blank_forms(context, file)
    states.update(forms or {})
    return {"file": file, "client": file.client, "pickers": Pickers(choices.staff, choices.packages),
            "forms": states, "open_form": next(iter(forms or {}), None), "active_nav": "clients"}


def client_page(context: RequestContext, client_id: int, *, forms: Mapping[str, FormState] | None = None,
                status_code: int = 200) -> Response:
    return render(context, "clients/detail.html", status_code=status_code,
                  **_page_values(context, client_id, forms))


def client_section(context: RequestContext, client_id: int, section: str, *, form: FormState | None = None,
                   status_code: int = 200, message: str | None = None) -> Response:
    """One section of a client's page (its table or timeline and its add form), for htmx."""
    assert section in SECTIONS
    values = _page_values(context, client_id, {section: form} if form else None)
    return render(context, f"clients/_{section}.html", status_code=status_code, message=message, **values)


@router.get("/clients/{client_id}")
def client_detail(client_id: RecordId, context: Reader) -> Response:
    return client_page(context, client_id)

