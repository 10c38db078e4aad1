"""Voice of the client's registry entry: every comment read for language, feeling, dimension, themes."""

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
    Retention,
    TextSource,
    TimelineSource,
)

READ = "voice.read"
WRITE = "voice.write"
MANAGE = "voice.manage"

CAPABILITY = Capability(
    key="voice",
    label=N_("Voice of the client"),
    package="servicescape.voice",
    nav=Nav(N_("Voice of the client"), "voice", "/voice", permission=READ, order=43),
    models=("servicescape.voice.models",),
    permissions=(
        PermissionSpec(READ, N_("See clients' comments, how they feel and what they are about"), ALL_ROLES),
        PermissionSpec(WRITE, N_("Add reviews clients wrote elsewhere"), STAFF_AND_UP),
        PermissionSpec(MANAGE, N_("Import reviews, delete them, read every comment again"), MANAGERS),
    ),
    api=("servicescape.voice.api",),
    pages=("servicescape.voice.pages",),
    cli=("servicescape.voice.cli",),
    jobs=(Job("voice.analyse", "servicescape.voice.jobs:analyse",
              N_("Read new and changed comments for their language, feeling and dimension"),
              every=timedelta(minutes=1), lease=timedelta(minutes=10)),),
    client_sections=(ClientSection("feedback", "voice/_client_feedback.html",
                                   "servicescape.voice.sections:client_feedback", READ, order=36),),
    timeline=(TimelineSource((("review", N_("Reviews")),), "servicescape.voice.timeline:events", READ),),
    imports=("servicescape.voice.importing:FEEDBACK_IMPORT",),
    demo=(DemoStep("servicescape.voice.demo:load_feedback", ("voice_review", "voice_comment"), order=90),),
    text_sources=(TextSource("review", N_("Reviews"), "servicescape.voice.service:review_rows", "/voice/reviews/{key}",
                             READ),),
    templates=True,
    personal_data=(
        PersonalData("voice_comment", client="client_id", erase=(("text", "text"), ("text_hash", "null")),
                     on_erase="servicescape.voice.analysis:forget_unused_vectors"),
        PersonalData("voice_review", client="client_id", erase=(("author", "name"), ("text", "text"))),
        PersonalData("voice_vector", via=(("voice_comment", "text_hash", "text_hash"),)),    # forgotten on erase
    ),
    retention=(Retention("comment_text", N_("What clients said, as the feedback inbox keeps it (and its embeddings)"),
                         "voice_comment", "said_at", (("text", "text"), ("text_hash", "null")),
                         after="servicescape.voice.analysis:forget_unused_vectors"),),
)
