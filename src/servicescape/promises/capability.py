"""The promise ledger's registry entry: promises, complaints and service recovery."""

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
    TextSource,
    TimelineSource,
)

READ = "promises.read"
WRITE = "promises.write"
MANAGE = "promises.manage"

#: the kinds of task this capability opens (the platform's shared task list)
RECOVERY = "recovery"
AT_RISK = "at_risk"

CAPABILITY = Capability(
    key="promises",
    label=N_("Promise ledger"),
    package="servicescape.promises",
    nav=Nav(N_("Promise ledger"), "promises", "/promises", permission=READ, order=40),
    models=("servicescape.promises.models",),
    permissions=(
        PermissionSpec(READ, N_("See promises, complaints and reliability"), ALL_ROLES),
        PermissionSpec(WRITE, N_("Record promises and complaints, keep, miss and re-promise"), STAFF_AND_UP),
        PermissionSpec(MANAGE, N_("Delete promises and complaints, set service targets, holidays, leave and "
                                  "the notice's wording"), MANAGERS),
    ),
    api=("servicescape.promises.api", "servicescape.promises.complaints_api"),
    # the fixed paths (/promises/reliability, ...) before /promises/{id}
    pages=("servicescape.promises.dashboard_pages", "servicescape.promises.settings_pages",
           "servicescape.promises.complaint_pages", "servicescape.promises.pages"),
    cli=("servicescape.promises.cli",),
    demo=(DemoStep("servicescape.promises.demo:load_promises", ("promise", "complaint", "task"), order=70),),
    jobs=(Job("promises.sweep", "servicescape.promises.jobs:sweep",
              N_("Mark promises whose window passed as missed, find promises at risk and complaints past "
                 "their targets, and open recovery tasks"), every=timedelta(minutes=5)),
          Job("promises.figures", "servicescape.promises.jobs:keep_figures",
              N_("Count the reliability figures again for the months whose promises changed"),
              every=timedelta(minutes=15)),),
    client_sections=(ClientSection("promises", "promises/_client_promises.html",
                                   "servicescape.promises.sections:client_promises", READ, order=30),),
    timeline=(TimelineSource((("promise", N_("Promises")), ("complaint", N_("Complaints"))),
                             "servicescape.promises.timeline:events", READ),),
    task_kinds=((RECOVERY, N_("Service recovery")), (AT_RISK, N_("Promise at risk"))),
    record_links=(RecordLink("promise", "/promises/{id}", N_("The broken promise"), READ),
                  RecordLink("complaint", "/complaints/{id}", N_("The complaint"), READ)),
    entities=("servicescape.promises.api:PROMISES", "servicescape.promises.complaints_api:COMPLAINTS"),
    imports=("servicescape.promises.importing:PROMISE_IMPORT", "servicescape.promises.importing:COMPLAINT_IMPORT"),
    text_sources=(TextSource("complaint", N_("Complaints"),
                             "servicescape.promises.text_sources:complaints", "/complaints/{key}", READ),
                  TextSource("promise", N_("The client's words about a promise"),
                             "servicescape.promises.text_sources:promise_words", "/promises/{key}", READ),),
    templates=True,
    personal_data=(
        PersonalData("promise", client="client_id", erase=(("title", "name"), ("place", "null"),
                                                           ("client_words", "text"), ("notes", "text"))),
        PersonalData("complaint", client="client_id", erase=(("text", "text"), ("outcome", "text"))),
    ),
    retention=(Retention("complaint_text", N_("What complaints said"), "complaint", "received_at",
                         (("text", "text"),)),),
)
