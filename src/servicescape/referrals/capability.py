"""Word of mouth's registry entry: testimonials (with consent) and referrals."""

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
    TextSource,
    TimelineSource,
)

READ = "referrals.read"
WRITE = "referrals.write"
MANAGE = "referrals.manage"

CAPABILITY = Capability(
    key="referrals",
    label=N_("Word of mouth"),
    package="servicescape.referrals",
    nav=Nav(N_("Word of mouth"), "referrals", "/referrals", permission=READ, order=44),
    models=("servicescape.referrals.models",),
    permissions=(
        PermissionSpec(READ, N_("See testimonials, referrals and their figures"), ALL_ROLES),
        PermissionSpec(WRITE, N_("Add testimonials and referrals, change a referral's status"), STAFF_AND_UP),
        PermissionSpec(MANAGE, N_("Approve and reject testimonials, delete testimonials and referrals"), MANAGERS),
    ),
    api=("servicescape.referrals.api",),
    pages=("servicescape.referrals.testimonial_pages", "servicescape.referrals.pages"),
    cli=("servicescape.referrals.cli",),
    demo=(DemoStep("servicescape.referrals.demo:load_word_of_mouth", ("testimonial", "referral"), order=80),),
    client_sections=(ClientSection("word_of_mouth", "referrals/_client_word_of_mouth.html",
                                   "servicescape.referrals.sections:client_word_of_mouth", READ, order=40),),
    timeline=(TimelineSource((("testimonial", N_("Testimonials")), ("referral", N_("Referrals"))),
                             "servicescape.referrals.timeline:events", READ),),
    entities=("servicescape.referrals.api:TESTIMONIALS", "servicescape.referrals.api:REFERRALS"),
    text_sources=(TextSource("testimonial", N_("Testimonials"),
                             "servicescape.referrals.text_sources:testimonials", "/testimonials/{key}", READ),),
    templates=True,
    personal_data=(
        PersonalData("referral", client="referrer_client_id", email="prospect_email",
                     via=(("client", "referred_client_id", "id"),),
                     erase=(("prospect_name", "name"), ("prospect_email", "email"), ("note", "text"))),
        PersonalData("testimonial", client="client_id", erase=(("author_name", "name"), ("author_role", "null"),
                                                               ("text", "text"), ("consent_by", "null")),
                     audit_keeps=("consent_at", "use_website", "use_proposals", "use_case_studies", "status")),
    ),
)
