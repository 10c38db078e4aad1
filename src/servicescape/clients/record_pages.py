"""A client's contacts, engagements, invoices and interactions: add, edit and delete.

One description per kind of record (:class:`RecordKind`) and one set of route builders for all of
them, so that the four kinds behave the same way:

    POST /clients/{client_id}/<kind>   add (from the client's page; htmx swaps the section)
    GET  /<kind>/{id}/edit             the edit form
    POST /<kind>/{id}/edit             save it
    POST /<kind>/{id}/delete           delete it (needs the delete permission)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel

from servicescape import i18n
from servicescape.clients import service
from servicescape.clients.pages import Deleter, Writer
from servicescape.clients.schemas import ContactIn, EngagementIn, InteractionIn, InvoiceIn
from servicescape.clients.sections import Pickers
from servicescape.db.crud import EntityService
from servicescape.i18n import N_
from servicescape.web.client_page import client_page, client_section
from servicescape.web.deps import RequestContext
from servicescape.web.forms import (
    FormState,
    RecordId,
    display_value,
    is_htmx,
    local_input,
    parse_form,
)
from servicescape.web.pages.common import FORM_PROBLEMS, Posted, problem_status, see_other
from servicescape.web.templating import render

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class RecordKind:
    path: str                       # URL segment
    section: str                    # the section of the client's page that shows them
    service: EntityService[Any]
    schema: type[BaseModel]         # the API's input schema: the form's fields and their rules
    added: str                      # messages, marked with N_ and translated when shown
    saved: str
    deleted: str
    amounts: tuple[str, ...] = ()   # fields typed as money ("1 234,50")
    moments: tuple[str, ...] = ()   # datetime-local fields, on the firm's clock

    def data(self, context: RequestContext, values: dict[str, str], client_id: int) -> dict[str, Any]:
        return parse_form(self.schema, values, zone=context.runtime.settings.zone,
                          fixed={"client_id": client_id}, amounts=self.amounts, moments=self.moments)

    def values(self, context: RequestContext, record: Any) -> dict[str, str]:
        """A stored record's fields as its form shows them."""
        zone = context.runtime.settings.zone
        return {
            name: local_input(getattr(record, name), zone) if name in self.moments
            else display_value(getattr(record, name, None))
            for name in self.schema.model_fields if name != "client_id"
        }


KINDS = (
    RecordKind("contacts", "contacts", service.contacts, ContactIn,
               N_("Contact added."), N_("Contact saved."), N_("Contact deleted.")),
    RecordKind("engagements", "engagements", service.engagements, EngagementIn,
               N_("Engagement added."), N_("Engagement saved."), N_("Engagement deleted."),
               amounts=("value",)),
    RecordKind("invoices", "invoices", service.invoices, InvoiceIn,
               N_("Invoice added."), N_("Invoice saved."), N_("Invoice deleted."), amounts=("amount",)),
    RecordKind("interactions", "timeline", service.interactions, InteractionIn,
               N_("Interaction added."), N_("Interaction saved."), N_("Interaction deleted."),
               moments=("occurred_at",)),
)


def edit_page(context: RequestContext, kind: RecordKind, record_id: int, state: FormState | None = None,
              *, status_code: int = 200) -> Response:
    with context.unit() as session:
        record = kind.service.get(session, record_id, by=context.principal)
        client = service.clients.get(session, record.client_id, by=context.principal)
        pickers = Pickers.load(session, context)
        engagements = (service.client_engagements(session, client.id, by=context.principal)
                       if kind.path == "invoices" else [])
    return render(context, "clients/record_edit.html", status_code=status_code, active_nav="clients",
                  kind=kind.path, section=kind.section, record=record, client=client,
                  form=state or FormState(kind.values(context, record)),
                  pickers=pickers, engagements=engagements)


def add_routes(kind: RecordKind) -> None:
    path, section = kind.path, kind.section

    @router.post(f"/clients/{{client_id}}/{path}", name=f"add_{path}")
    def add(client_id: RecordId, context: Writer, values: Posted) -> Response:
        htmx = is_htmx(context.request)
        try:
            data = kind.data(context, values, client_id)
            with context.unit() as session:
                kind.service.create(session, data, by=context.principal)
        except FORM_PROBLEMS as problem:
            state = FormState.failed(values, problem)
            if htmx:
                return client_section(context, client_id, section, form=state, status_code=problem_status(problem))
            return client_page(context, client_id, failed=(section, state), status_code=problem_status(problem))
        if htmx:
            return client_section(context, client_id, section, message=i18n._(kind.added))
        return see_other(f"/clients/{client_id}#{section}", context, i18n._(kind.added))

    @router.get(f"/{path}/{{record_id}}/edit", name=f"edit_{path}")
    def edit(record_id: RecordId, context: Writer) -> Response:
        return edit_page(context, kind, record_id)

    @router.post(f"/{path}/{{record_id}}/edit", name=f"save_{path}")
    def save(record_id: RecordId, context: Writer, values: Posted) -> Response:
        try:
            with context.unit() as session:
                record = kind.service.get(session, record_id, by=context.principal)
                client_id = record.client_id
                kind.service.update(session, record, kind.data(context, values, client_id), by=context.principal)
        except FORM_PROBLEMS as problem:
            return edit_page(context, kind, record_id, FormState.failed(values, problem),
                             status_code=problem_status(problem))
        return see_other(f"/clients/{client_id}#{section}", context, i18n._(kind.saved))

    @router.post(f"/{path}/{{record_id}}/delete", name=f"delete_{path}")
    def delete(record_id: RecordId, context: Deleter) -> Response:
        with context.unit() as session:
            record = kind.service.get(session, record_id, by=context.principal)
            client_id = record.client_id
            kind.service.delete(session, record, by=context.principal)
        return see_other(f"/clients/{client_id}#{section}", context, i18n._(kind.deleted))


for _kind in KINDS:
    add_routes(_kind)
