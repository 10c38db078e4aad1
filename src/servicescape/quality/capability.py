"""Service quality's registry entry: SERVQUAL, NPS, CSAT and the firm's own surveys, the campaigns
that send them, the public answer page, the gap analysis and the follow-up tasks of the answers."""

from __future__ import annotations

from servicescape.i18n import N_
from servicescape.platform.registry import (
    ALL_ROLES,
    MANAGERS,
    STAFF_AND_UP,
    Capability,
    ClientSection,
    Nav,
    PermissionSpec,
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
    task_kinds=((WORD_OF_MOUTH, N_("Ask for a testimonial and a referral")),),
    templates=True,
)
