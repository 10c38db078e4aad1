"""The client book's importable kinds (declared in capability.py): clients, contacts, engagements,
invoices and interactions, with their fields, required columns and the headers other CRMs use."""

from __future__ import annotations

from servicescape.i18n import N_
from servicescape.platform.imports import ImportKind
from servicescape.tabular.header_aliases import ALIASES, FIELDS, SUBJECT_PREFIXES
from servicescape.tabular.headers import REQUIRED

IMPORTER = "servicescape.clients.importing:import_file"
EXPORTER = "servicescape.clients.exporting:export_table"


def _kind(name: str, label: str) -> ImportKind:
    return ImportKind(name, label, FIELDS[name], REQUIRED[name], ALIASES[name], SUBJECT_PREFIXES[name],
                      importer=IMPORTER, exporter=EXPORTER)


CLIENTS = _kind("clients", N_("Clients"))
CONTACTS = _kind("contacts", N_("Contacts"))
ENGAGEMENTS = _kind("engagements", N_("Engagements"))
INVOICES = _kind("invoices", N_("Invoices"))
INTERACTIONS = _kind("interactions", N_("Interactions"))
