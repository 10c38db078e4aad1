"""The client book's importable kinds (declared in capability.py): clients, contacts, engagements,
invoices and interactions, with their fields and what people call them, required columns and the
headers other CRMs use."""

from __future__ import annotations

from servicescape.i18n import N_
from servicescape.platform.imports import ImportKind
from servicescape.tabular.header_aliases import ALIASES, FIELDS, SUBJECT_PREFIXES
from servicescape.tabular.headers import REQUIRED

IMPORTER = "servicescape.clients.importing:import_file"
EXPORTER = "servicescape.clients.exporting:export_table"
SAMPLER = "servicescape.clients.import_samples:sample_file"

_ID = N_("Id in another system")
_CLIENT = {"client_name": N_("Client name"), "client_external_id": N_("Client’s id in another system")}
_NAME_PARTS = {"first_name": N_("First name"), "last_name": N_("Last name")}
#: each kind's fields, in the order of the record forms, the client first
LABELS: dict[str, dict[str, str]] = {
    "clients": {
        "name": N_("Name"), **_NAME_PARTS, "kind": N_("Kind"), "tier": N_("Tier"), "status": N_("Status"),
        "owner": N_("Relationship owner"), "segment": N_("Segment"), "industry": N_("Industry"),
        "email": N_("E-mail"), "phone": N_("Telephone"), "website": N_("Website"), "country": N_("Country"),
        "city": N_("City"), "region": N_("Region"), "language": N_("Language"), "external_id": _ID,
        "created_at": N_("Client since"),
    },
    "contacts": {
        **_CLIENT, "name": N_("Name"), **_NAME_PARTS, "job_title": N_("Job title"), "email": N_("E-mail"),
        "phone": N_("Telephone"), "language": N_("Language"), "external_id": _ID,
    },
    "engagements": {
        **_CLIENT, "package": N_("Service package"), "status": N_("Status"), "sold_by": N_("Sold by"),
        "delivered_by": N_("Delivered by"), "start_date": N_("Start"), "end_date": N_("End"),
        "value": N_("Value"), "currency": N_("Currency"), "description": N_("Description"), "external_id": _ID,
    },
    "invoices": {
        **_CLIENT, "issued_on": N_("Date"), "amount": N_("Amount"), "currency": N_("Currency"),
        "external_id": N_("Invoice number"),
    },
    "interactions": {
        **_CLIENT, "channel": N_("Channel"), "occurred_at": N_("When"), "staff": N_("Who"),
        "summary": N_("What was said or agreed"), "external_id": _ID,
    },
}


def _kind(name: str, label: str) -> ImportKind:
    return ImportKind(name, label, FIELDS[name], REQUIRED[name], ALIASES[name], SUBJECT_PREFIXES[name],
                      importer=IMPORTER, exporter=EXPORTER, sampler=SAMPLER, labels=LABELS[name],
                      custom_fields=name == "clients")


CLIENTS = _kind("clients", N_("Clients"))
CONTACTS = _kind("contacts", N_("Contacts"))
ENGAGEMENTS = _kind("engagements", N_("Engagements"))
INVOICES = _kind("invoices", N_("Invoices"))
INTERACTIONS = _kind("interactions", N_("Interactions"))
