"""The client portal's registry entry: a client's contacts sign in (a one-time link or a password)
to look up their promises, milestones, invoices, complaints, surveys and documents, to confirm or
ask for another window, raise requests and complaints and order from the catalogue."""

from __future__ import annotations

from datetime import timedelta

from servicescape.i18n import N_
from servicescape.platform.registry import (
    ALL_ROLES,
    MANAGERS,
    STAFF_AND_UP,
    Capability,
    ClientSection,
    DemoStep,
    Job,
    Nav,
    PermissionSpec,
    PersonalData,
    RecordLink,
    Retention,
    TimelineSource,
)

READ = "portal.read"
WRITE = "portal.write"
MANAGE = "portal.manage"

CAPABILITY = Capability(
    key="portal",
    label=N_("Client portal"),
    package="servicescape.portal",
    nav=Nav(N_("Client portal"), "user", "/client-portal/requests", permission=READ, order=45),
    models=("servicescape.portal.models",),
    permissions=(
        PermissionSpec(READ, N_("See who may use the client portal, what clients asked there, milestones and "
                                "shared documents"), ALL_ROLES),
        PermissionSpec(WRITE, N_("Invite contacts to the portal, answer their requests, share documents and "
                                 "keep milestones"), STAFF_AND_UP),
        PermissionSpec(MANAGE, N_("Close portal accounts and delete shared documents"), MANAGERS),
    ),
    api=("servicescape.portal.api", "servicescape.portal.records_api"),
    # the contact-facing pages (/portal/...) are a separate audience with their own session
    pages=("servicescape.portal.contact_pages", "servicescape.portal.staff_pages",
           "servicescape.portal.records_pages"),
    cli=("servicescape.portal.cli", "servicescape.portal.records_cli"),
    demo=(DemoStep("servicescape.portal.demo:load_portal", ("portal_user", "portal_request", "task"), order=98),
          DemoStep("servicescape.portal.records_demo:load_records", ("engagement_milestone", "shared_document"),
                   order=99),),
    jobs=(Job("portal.promise_news", "servicescape.portal.jobs:tell_promise_changes",
              N_("E-mail the client's portal users when a promise concerning them is re-promised, at risk or kept"),
              every=timedelta(minutes=2)),),
    client_sections=(ClientSection("client_portal", "portal/_client_portal.html",
                                   "servicescape.portal.staff_pages:client_portal", READ, order=85),
                     ClientSection("portal_records", "portal/_client_portal_records.html",
                                   "servicescape.portal.records_sections:client_portal_records", READ, order=52),),
    entities=("servicescape.portal.records_api:MILESTONES",),
    timeline=(TimelineSource((("portal_request", N_("Client portal")),), "servicescape.portal.timeline:events",
                             READ),),
    task_kinds=(("portal_request", N_("Client portal request")),),
    record_links=(RecordLink("portal_request", "/client-portal/requests/{id}", N_("The client's request"), READ),),
    templates=True,
    personal_data=(
        PersonalData("engagement_milestone", via=(("engagement", "engagement_id", "id"),), erase=(("note", "text"),)),
        PersonalData("portal_user", client="client_id", contact="contact_id", email="email",
                     erase=(("email", "email"), ("password_hash", "null"), ("active", "false"))),
        PersonalData("portal_session", via=(("portal_user", "user_id", "id"),), erase=(("*", "delete"),)),
        PersonalData("portal_link", via=(("portal_user", "user_id", "id"),), erase=(("*", "delete"),)),
        PersonalData("portal_promise_notice", via=(("portal_user", "user_id", "id"),)),
        PersonalData("portal_request", client="client_id", via=(("portal_user", "user_id", "id"),),
                     erase=(("message", "text"), ("answer", "text"))),
        PersonalData("shared_document", client="client_id"),
    ),
    retention=(Retention("portal_sessions", N_("Client portal sign-ins (sessions)"), "portal_session",
                         "last_seen_at", (("*", "delete"),)),),
)
