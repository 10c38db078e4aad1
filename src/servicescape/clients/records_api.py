"""``/api/v1`` for the records of the client book: contacts, engagements, invoices and
interactions, each optionally of one client."""

from __future__ import annotations

from fastapi import APIRouter

from servicescape.clients.schemas import (
    ContactIn,
    ContactOut,
    ContactPatch,
    EngagementIn,
    EngagementOut,
    EngagementPatch,
    InteractionIn,
    InteractionOut,
    InteractionPatch,
    InvoiceIn,
    InvoiceOut,
    InvoicePatch,
)
from servicescape.clients.service import contacts, engagements, interactions, invoices
from servicescape.web.api.resources import (
    Resource,
    add_list_by_client,
    entity_router,
)

SAMPLES = "servicescape.clients.samples"
CONTACTS = Resource("contacts", "contact", contacts, ContactIn, ContactPatch, ContactOut,
                    sample=f"{SAMPLES}:contact")
ENGAGEMENTS = Resource("engagements", "engagement", engagements, EngagementIn, EngagementPatch, EngagementOut,
                       sample=f"{SAMPLES}:engagement")
INVOICES = Resource("invoices", "invoice", invoices, InvoiceIn, InvoicePatch, InvoiceOut,
                    sample=f"{SAMPLES}:invoice")
INTERACTIONS = Resource("interactions", "interaction", interactions, InteractionIn, InteractionPatch,
                        InteractionOut, sample=f"{SAMPLES}:interaction")
CLIENT_RECORDS = (CONTACTS, ENGAGEMENTS, INVOICES, INTERACTIONS)

router = APIRouter()
for _resource in CLIENT_RECORDS:
    _entity = entity_router(_resource)
    add_list_by_client(_entity, _resource)
    router.include_router(_entity)
