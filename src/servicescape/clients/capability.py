"""The client book's registry entry: clients, contacts, engagements, invoices, interactions."""

from __future__ import annotations

from servicescape.i18n import N_
from servicescape.platform.registry import (
    ALL_ROLES,
    MANAGERS,
    STAFF_AND_UP,
    Capability,
    ClientSection,
    DemoStep,
    Nav,
    PermissionSpec,
    PersonalData,
    Retention,
    TextSource,
    TimelineSource,
)

READ = "clients.read"
WRITE = "clients.write"
DELETE = "clients.delete"

CAPABILITY = Capability(
    key="clients",
    label=N_("Client book"),
    package="servicescape.clients",
    nav=Nav(N_("Client book"), "clients", "/clients", permission=READ, order=20),
    models=("servicescape.clients.models",),
    permissions=(
        PermissionSpec(READ, N_("See the client book"), ALL_ROLES),
        PermissionSpec(WRITE, N_("Add and edit clients, contacts, engagements, invoices and interactions"),
                       STAFF_AND_UP),
        PermissionSpec(DELETE, N_("Delete records of the client book"), MANAGERS),
    ),
    api=("servicescape.clients.api", "servicescape.clients.records_api"),
    pages=("servicescape.clients.pages", "servicescape.clients.record_pages"),
    cli=("servicescape.clients.cli",),
    demo=(DemoStep("servicescape.clients.demo:load_client_book",
                   ("client", "contact", "engagement", "invoice", "interaction", "engagement_level"),
                   order=30),),
    client_sections=(
        ClientSection("revenue", "clients/_revenue.html", "servicescape.clients.sections:revenue", READ,
                      order=10, side=True),
        ClientSection("timeline", "clients/_timeline.html", "servicescape.clients.sections:timeline", READ,
                      order=30),
        ClientSection("contacts", "clients/_contacts.html", "servicescape.clients.sections:contacts", READ,
                      order=40),
        ClientSection("engagements", "clients/_engagements.html", "servicescape.clients.sections:engagements",
                      READ, order=50),
        ClientSection("invoices", "clients/_invoices.html", "servicescape.clients.sections:invoices", READ,
                      order=60),
    ),
    timeline=(TimelineSource((("interaction", N_("Interactions")), ("engagement", N_("Engagements")),
                              ("invoice", N_("Invoices"))), "servicescape.clients.timeline:events", READ),),
    on_open=("servicescape.clients.name_keys:follow_collation",),
    imports=("servicescape.clients.import_kinds:CLIENTS", "servicescape.clients.import_kinds:CONTACTS",
             "servicescape.clients.import_kinds:ENGAGEMENTS", "servicescape.clients.import_kinds:INVOICES",
             "servicescape.clients.import_kinds:INTERACTIONS"),
    entities=("servicescape.clients.api:CLIENTS", "servicescape.clients.records_api:CONTACTS",
              "servicescape.clients.records_api:ENGAGEMENTS", "servicescape.clients.records_api:INVOICES",
              "servicescape.clients.records_api:INTERACTIONS"),
    text_sources=(TextSource("interaction", N_("Interaction notes"),
                             "servicescape.clients.text_sources:interaction_notes", "/clients/{client_id}", READ),),
    templates=True,
    personal_data=(
        PersonalData("client", client="id", email="email",
                     erase=(("name", "name"), ("email", "email"), ("phone", "null"), ("website", "null"),
                            ("sort_key", "null"), ("search_text", "null")),
                     on_erase="servicescape.clients.name_keys:refresh_erased"),
        PersonalData("contact", client="client_id", contact="id", email="email",
                     erase=(("name", "name"), ("email", "email"), ("phone", "null"), ("job_title", "null"))),
        PersonalData("engagement", client="client_id", erase=(("description", "text"),)),
        PersonalData("interaction", client="client_id", erase=(("summary", "text"),)),
        PersonalData("invoice", client="client_id"),
    ),
    retention=(Retention("interaction_notes", N_("Notes of calls, meetings and e-mails"), "interaction",
                         "occurred_at", (("summary", "text"),)),),
)
