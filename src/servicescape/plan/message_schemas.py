"""API shapes of the message library, its uses and adoption, case studies and proposals."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field

from servicescape.plan.models import CaseStudyStatus, MessageKind, VersionStatus
from servicescape.schemas import Id, LongText, Name, OutSchema, Schema, Text, partial

Language = Annotated[str, Field(min_length=2, max_length=20, description="en, ms, bg, zh-Hans, zh-Hant or hu")]
Segment = Annotated[str, Field(max_length=120, description="a segment of the client book; none: every client")]
MessageText = Annotated[LongText, Field(min_length=1)]
#: the most case studies or testimonials one proposal carries
MAX_ATTACHED = 12


# --- messages ------------------------------------------------------------------------------------

class MessageIn(Schema):
    name: Annotated[Name, Field(max_length=200)]
    kind: MessageKind = MessageKind.benefit
    segment: Segment | None = None
    owner_id: Id | None = None


MessagePatch = partial(MessageIn, "MessagePatch")


class MessageOut(OutSchema):
    id: int
    name: str
    kind: MessageKind
    segment: str | None
    owner_id: int | None
    retired: bool
    created_at: datetime
    updated_at: datetime


class VersionIn(Schema):
    language: Language
    text: MessageText


class VersionOut(OutSchema):
    id: int
    message_id: int
    language: str
    version: int
    text: str
    status: VersionStatus
    written_by_id: int | None
    approved_by_id: int | None
    approved_at: datetime | None
    created_at: datetime


class VersionsOut(Schema):
    """A message's versions (per language, newest first), its approved text per language and the
    product's languages it has none in."""

    message_id: int
    versions: list[VersionOut]
    approved: dict[str, str]
    missing_languages: list[str]


# --- uses and adoption ---------------------------------------------------------------------------

class MessageUseIn(Schema):
    message_id: Id
    interaction_id: Id
    language: Language | None = Field(None, description="the language it was used in (default: the client's, "
                                                        "else any language the message is approved in)")


class MessageUseOut(OutSchema):
    id: int
    message_id: int
    version_id: int | None
    interaction_id: int | None
    proposal_id: int | None
    client_id: int | None
    used_by_id: int | None
    used_at: datetime


class StaffAdoptionOut(Schema):
    staff_id: int | None
    name: str
    interactions: int
    with_message: int
    share: float | None


class MessageAdoptionOut(Schema):
    message_id: int
    name: str
    kind: MessageKind
    uses: int
    in_interactions: int
    in_proposals: int
    people: int


class AdoptionOut(Schema):
    since: date
    until: date
    interactions: int
    with_message: int
    share: float | None
    uses: int
    top_share: float | None = Field(description="the most-used message's share of all uses (1.0: everyone repeats "
                                                "the same one)")
    staff: list[StaffAdoptionOut]
    messages: list[MessageAdoptionOut]


# --- case studies ----------------------------------------------------------------------------------

class CaseStudyIn(Schema):
    title: Name
    client_id: Id
    engagement_id: Id | None = None
    outcome_id: Id | None = None
    testimonial_id: Id | None = None
    package_id: Id | None = None
    segment: Segment | None = None
    language: Language | None = Field(None, description="default: the client's language, else the firm's")
    problem: MessageText
    approach: MessageText
    result: MessageText
    result_figure: Annotated[Text, Field(max_length=120)] | None = None


CaseStudyPatch = partial(CaseStudyIn, "CaseStudyPatch")


class CaseStudyOut(OutSchema):
    id: int
    title: str
    client_id: int | None
    engagement_id: int | None
    outcome_id: int | None
    testimonial_id: int | None
    package_id: int | None
    segment: str | None
    language: str
    problem: str
    approach: str
    result: str
    result_figure: str | None
    status: CaseStudyStatus
    approved_by_id: int | None
    approved_at: datetime | None
    created_at: datetime
    updated_at: datetime


# --- proposals ---------------------------------------------------------------------------------------

class ProposalIn(Schema):
    client_id: Id
    title: Name
    language: Language | None = Field(None, description="default: the client's language, else the firm's")
    package_id: Id | None = None
    value_case_id: Id | None = None
    message_id: Id | None = Field(None, description="the message it leads with: approved in the proposal's language")
    case_study_ids: Annotated[list[Id], Field(max_length=MAX_ATTACHED, default_factory=list)]
    testimonial_ids: Annotated[list[Id], Field(max_length=MAX_ATTACHED, default_factory=list)]
    sent_on: date | None = None


ProposalPatch = partial(ProposalIn, "ProposalPatch")


class ProposalOut(OutSchema):
    id: int
    client_id: int
    title: str
    language: str
    package_id: int | None
    value_case_id: int | None
    message_id: int | None
    case_study_ids: list[int]
    testimonial_ids: list[int]
    created_by_id: int | None
    sent_on: date | None
    created_at: datetime
    updated_at: datetime
