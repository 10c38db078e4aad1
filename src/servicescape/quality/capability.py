"""Service quality's registry entry: SERVQUAL, NPS, CSAT and the firm's own surveys, the campaigns
that send them, the public answer page, the gap analysis and the follow-up tasks of the answers."""

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

READ = "quality.read"
WRITE = "quality.write"
MANAGE = "quality.manage"

#: the task a promoter's answer opens for the client's owner (a detractor's opens a recovery task)
WORD_OF_MOUTH = "word_of_mouth"

CAPABILITY = Capability(
    key="quality",
    label=N_("Service quality"),
    package="servicescape.quality",
    nav=Nav(N_("Service quality"), "quality", "/quality", permission=READ, order=42),
    models=("servicescape.quality.models",),
    api=("servicescape.quality.api",),
    # the public answer page first; then the signed-in pages
    pages=("servicescape.quality.answer_pages", "servicescape.quality.pages", "servicescape.quality.results_pages",
           "servicescape.quality.campaign_pages"),
    permissions=(
        PermissionSpec(READ, N_("See surveys, campaigns and their results"), ALL_ROLES),
        PermissionSpec(WRITE, N_("Send survey campaigns and type in clients' answers"), STAFF_AND_UP),
        PermissionSpec(MANAGE, N_("Build and delete surveys, close campaigns, import answers from other tools"),
                       MANAGERS),
    ),
    client_sections=(ClientSection("surveys", "quality/_client_surveys.html",
                                   "servicescape.quality.sections:client_surveys", READ, order=35),),
    timeline=(TimelineSource((("survey_response", N_("Survey answers")),),
                             "servicescape.quality.timeline:events", READ),),
    record_links=(RecordLink("survey_response", "/quality/responses/{id}", N_("The survey answer"), READ),),
    task_kinds=((WORD_OF_MOUTH, N_("Ask for a testimonial and a referral")),),
    jobs=(Job("quality.reminders", "servicescape.quality.jobs:remind",
              N_("Send survey invitations that had to wait and reminders to those who have not answered; close "
                 "campaigns whose links expired"), every=timedelta(hours=1)),),
    imports=("servicescape.quality.importing:RESPONSE_IMPORT",),
    # import_cli joins the ``survey`` group of a module listed before it (or makes one)
    cli=("servicescape.quality.cli", "servicescape.quality.import_cli"),
    demo=(DemoStep("servicescape.quality.demo:load_surveys", ("survey", "survey_item", "survey_campaign",
                   "survey_invitation", "survey_response", "survey_answer", "task"), order=78),),
    text_sources=(TextSource("survey_answer", N_("Survey answers"),
                             "servicescape.quality.text_sources:open_answers", "/quality/responses/{record}", READ),),
    templates=True,
    personal_data=(
        PersonalData("survey_invitation", client="client_id", email="email",
                     erase=(("email", "email"), ("greeting_name", "name"))),
        PersonalData("survey_response", client="client_id", erase=(("comment", "text"),)),
        PersonalData("survey_answer", via=(("survey_response", "response_id", "id"),), erase=(("text", "text"),)),
        PersonalData("survey_opt_out", email="email"),
    ),
    retention=(
        Retention("survey_text", N_("Survey comments and free-text answers"), "survey_response", "saved_at",
                  (("comment", "text"),)),
        Retention("survey_text", N_("Survey comments and free-text answers"), "survey_answer", "saved_at",
                  (("text", "text"),), via=("survey_response", "response_id", "id")),
    ),
)
