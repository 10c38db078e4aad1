"""The registry entry of the firm's message, knowledge and plan: the approved message library and
where it is used, case studies and proposal packs (``message_*`` modules); what key accounts
value, competitors and their mentions, the plan with its targets and environment review, staff
qualifications, articles and talks, and who may resolve complaints without asking
(``knowledge_*`` modules)."""

from __future__ import annotations

from datetime import time

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
)

READ = "plan.read"
WRITE = "plan.write"
MANAGE = "plan.manage"

CAPABILITY = Capability(
    key="plan",
    label=N_("Message, knowledge and plan"),
    package="servicescape.plan",
    nav=Nav(N_("Message and plan"), "plan", "/plan", permission=READ, order=72),
    models=("servicescape.plan.models",),
    permissions=(
        PermissionSpec(READ, N_("See the message library, case studies, proposals, competitors, key accounts' "
                                "needs and the plan"), ALL_ROLES),
        PermissionSpec(WRITE, N_("Draft messages and case studies, make proposals, record what clients value, "
                                 "competitors' strengths and weaknesses, articles and talks"), STAFF_AND_UP),
        PermissionSpec(MANAGE, N_("Approve messages and case studies, set the plan and its targets, competitors, "
                                  "staff qualifications and who may resolve complaints without asking"), MANAGERS),
    ),
    api=("servicescape.plan.message_api", "servicescape.plan.knowledge_api"),
    pages=("servicescape.plan.message_pages", "servicescape.plan.knowledge_pages"),
    cli=("servicescape.plan.message_cli", "servicescape.plan.knowledge_cli"),
    client_sections=(ClientSection("account_profile", "plan/_client_account_profile.html",
                                   "servicescape.plan.sections:account_profile", READ, order=32),
                     ClientSection("proposals", "plan/proposals_client_section.html",
                                   "servicescape.plan.proposal_pages:client_proposals", READ, order=58),),
    # the knowledge step after quality and relationships, before voice (90); the messages' after the
    # interactions, testimonials and value cases they link to
    demo=(DemoStep("servicescape.plan.knowledge_demo:load_knowledge",
                   ("account_profile", "decision_criterion", "competitor", "competitor_observation", "interaction",
                    "firm_plan", "plan_target", "environment_entry", "staff_empowerment", "staff_qualification",
                    "prestige_item", "task", "competitor_mention"), order=85),
          DemoStep("servicescape.plan.message_demo:load_messages",
                   ("market_message", "market_message_version", "case_study", "proposal", "market_message_use"),
                   order=98),),
    jobs=(Job("plan.competitor_mentions", "servicescape.plan.jobs:competitor_mentions",
              N_("Find where clients name competitors in comments and interaction notes"), daily_at=time(5, 30)),
          Job("plan.renewals", "servicescape.plan.jobs:renewals",
              N_("Open a task 60 days before a staff qualification must be renewed"), daily_at=time(6, 15))),
    entities=("servicescape.plan.message_api:MESSAGES", "servicescape.plan.message_api:CASE_STUDIES",
              "servicescape.plan.message_api:PROPOSALS", "servicescape.plan.knowledge_api:COMPETITORS",
              "servicescape.plan.knowledge_api:OBSERVATIONS", "servicescape.plan.knowledge_api:PLANS",
              "servicescape.plan.knowledge_api:TARGETS", "servicescape.plan.knowledge_api:ENVIRONMENT",
              "servicescape.plan.knowledge_api:QUALIFICATIONS", "servicescape.plan.knowledge_api:PRESTIGE"),
    task_kinds=(("renewal", N_("Renew a qualification")),),
    record_links=(RecordLink("qualification", "/plan/people#qualification-{id}", N_("The qualification"), READ),),
    provides=(("competitor_groups", "servicescape.plan.competitors:map_groups"),
              ("account_reviews", "servicescape.plan.knowledge:review_dates")),
    templates=True,
    personal_data=(
        PersonalData("account_profile", client="client_id", erase=(("needs", "text"), ("how_they_choose", "text"))),
        PersonalData("decision_criterion", client="client_id"),
        PersonalData("case_study", client="client_id", erase=(("title", "name"), ("problem", "text"),
                                                              ("approach", "text"), ("result", "text"))),
        PersonalData("competitor_mention", client="client_id", erase=(("excerpt", "text"),)),
        PersonalData("competitor_observation", client="client_id", erase=(("text", "text"),)),
        PersonalData("market_message_use", client="client_id"),
        PersonalData("proposal", client="client_id", erase=(("title", "name"),)),
    ),
)
