"""Words for the statuses and uses of word of mouth, translated where shown."""

from __future__ import annotations

from servicescape.i18n import N_, _
from servicescape.referrals.models import ConsentUse, ReferralStatus, TestimonialStatus

TESTIMONIAL_STATUSES = {TestimonialStatus.draft: N_("Draft (consent incomplete)"),
                        TestimonialStatus.pending: N_("Waiting for approval"),
                        TestimonialStatus.approved: N_("Approved"), TestimonialStatus.rejected: N_("Rejected")}
TESTIMONIAL_TONES = {TestimonialStatus.draft: "neutral", TestimonialStatus.pending: "warning",
                     TestimonialStatus.approved: "success", TestimonialStatus.rejected: "danger"}
USES = {ConsentUse.website: N_("Website"), ConsentUse.proposals: N_("Proposals"),
        ConsentUse.case_studies: N_("Case studies")}
REFERRAL_STATUSES = {ReferralStatus.new: N_("New"), ReferralStatus.contacted: N_("Contacted"),
                     ReferralStatus.proposal: N_("Proposal sent"), ReferralStatus.won: N_("Won"),
                     ReferralStatus.lost: N_("Lost")}
REFERRAL_TONES = {ReferralStatus.new: "info", ReferralStatus.contacted: "info", ReferralStatus.proposal: "warning",
                  ReferralStatus.won: "success", ReferralStatus.lost: "neutral"}


def testimonial_status_label(status: TestimonialStatus | str) -> str:
    return _(TESTIMONIAL_STATUSES[TestimonialStatus(status)])


def use_label(use: ConsentUse | str) -> str:
    return _(USES[ConsentUse(use)])


def referral_status_label(status: ReferralStatus | str) -> str:
    return _(REFERRAL_STATUSES[ReferralStatus(status)])


def testimonial_status_options() -> list[tuple[str, str]]:
    return [(status.value, _(label)) for status, label in TESTIMONIAL_STATUSES.items()]


def use_options() -> list[tuple[str, str]]:
    return [(use.value, _(label)) for use, label in USES.items()]


def referral_status_options() -> list[tuple[str, str]]:
    return [(status.value, _(label)) for status, label in REFERRAL_STATUSES.items()]
