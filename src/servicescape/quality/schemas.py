"""API shapes of service quality: surveys and their questions, campaigns, responses and results."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import Field, StrictInt, StringConstraints

from servicescape.clients.models import Tier
from servicescape.quality.models import (
    CampaignStatus,
    ItemKind,
    ResponseSource,
    SurveyKind,
    SurveyStatus,
)
from servicescape.schemas import Id, NoNul, OutSchema, Schema

SurveyName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NoNul]
#: one question's wording per language: {"en": "...", "hu": "..."}
Texts = dict[Annotated[str, StringConstraints(max_length=20)], Annotated[str, StringConstraints(max_length=1000),
                                                                         NoNul]]
#: an answer's value: a score or a choice's index, a text, or the indexes of a multiple choice
AnswerValue = StrictInt | Annotated[str, StringConstraints(max_length=5000), NoNul] | list[StrictInt] | None


# --- surveys ------------------------------------------------------------------------------------

class SurveyIn(Schema):
    name: SurveyName
    kind: SurveyKind = Field(description="servqual (the 22 statements, importance, NPS), nps, csat, or custom "
                                         "(the firm's own questions only)")
    importance: bool = Field(True, description="SERVQUAL: ask how the 100 points of importance split across "
                                               "the five dimensions")


class ItemIn(Schema):
    """One of the firm's own questions; a draft survey only."""

    kind: ItemKind = Field(description="scale, single, multiple or text")
    texts: Texts = Field(description="the question per language; all six are needed before the survey is "
                                     "activated")
    choices: list[Texts] | None = Field(None, description="single/multiple: 2–20 choices, each per language")
    scale_min: StrictInt | None = Field(None, description="scale: from 0 or 1 (default 1)")
    scale_max: StrictInt | None = Field(None, description="scale: up to 10 (default 5)")
    required: bool = True


class ItemChange(Schema):
    """A change to one of the firm's own questions (a draft survey only): what is given replaces what
    it had; what is left out stays. Its kind and code cannot change."""

    texts: Texts | None = Field(None, description="the question per language, all of them: a language left "
                                                  "out is removed")
    choices: list[Texts] | None = Field(None, description="single/multiple: the 2–20 choices, each per language, "
                                                          "all of them")
    scale_min: StrictInt | None = Field(None, description="scale: from 0 or 1")
    scale_max: StrictInt | None = Field(None, description="scale: up to 10")
    required: bool | None = None


class ItemOut(OutSchema):
    id: int
    position: int
    code: str = Field(description="the answer's key: servqual_5 (sent as servqual_5_e and servqual_5_p), nps, "
                                  "csat, q1...")
    kind: ItemKind
    dimension: str | None
    required: bool
    built_in: bool = Field(description="worded by the product in every language (cannot be removed)")
    text: str = Field(description="the question in the language asked for")
    expected_text: str | None = Field(description="a SERVQUAL statement's expectation form")
    choices: list[str] | None
    scale_min: int | None
    scale_max: int | None
    texts: dict[str, str] | None = Field(description="the firm's own wording per language")


class SurveyOut(OutSchema):
    id: int
    name: str
    kind: SurveyKind
    status: SurveyStatus
    responses: int = Field(description="submitted responses")
    created_at: datetime
    updated_at: datetime


class MissingText(OutSchema):
    item: str
    language: str


class SurveyDetailOut(SurveyOut):
    language: str
    items: list[ItemOut]
    missing_texts: list[MissingText] = Field(description="texts of the firm's own questions still to write")


# --- campaigns ----------------------------------------------------------------------------------

class AudienceIn(Schema):
    """Who receives a campaign: the active clients with an e-mail address (and not opted out) that
    match every condition given."""

    tiers: list[Tier] = Field(default_factory=list)
    segments: list[Annotated[str, StringConstraints(strip_whitespace=True, max_length=100), NoNul]] = Field(
        default_factory=list, max_length=200)
    owner_id: Id | None = None
    completed_from: date | None = Field(None, description="an engagement completed on or after this day")
    completed_to: date | None = Field(None, description="... and on or before this day")
    recovered_from: date | None = Field(
        None, description="a service recovery (task of kind recovery) closed as done on or after this day "
                          "(the firm's timezone)")
    recovered_to: date | None = Field(None, description="... and on or before this day")


class CampaignIn(Schema):
    survey_id: Id
    name: SurveyName
    audience: AudienceIn = Field(default_factory=AudienceIn)
    expires_in_days: int = Field(30, ge=1, le=365)
    remind_after_days: int = Field(7, ge=1, le=90)
    max_reminders: int = Field(2, ge=0, le=5)


class RecipientOut(OutSchema):
    client_id: int
    client_name: str
    email: str
    greeting_name: str
    language: str
    engagement_id: int | None = Field(description="the completed engagement the invitation is about")


class AudiencePreviewOut(OutSchema):
    recipients: int = Field(description="active clients with an e-mail address that did not opt out")
    sample: list[RecipientOut] = Field(description="the first few by name")


class CampaignOut(OutSchema):
    id: int
    survey_id: int
    name: str
    status: CampaignStatus
    audience: dict[str, Any]
    expires_at: datetime
    remind_after_days: int
    max_reminders: int
    opened_at: datetime | None
    closed_at: datetime | None
    created_at: datetime


class CampaignStatusOut(CampaignOut):
    invited: int = Field(description="invitations (private links)")
    with_address: int
    mailed: int = Field(description="invitations e-mailed at least once")
    reminded: int
    opened: int
    started: int = Field(description="answers saved through the link, not yet submitted")
    answered: int
    opted_out: int
    response_rate: float = Field(description="answered of invited, 0–1")


class SendOut(OutSchema):
    invited: int = Field(description="invitation e-mails queued now")
    waiting: int = Field(description="addresses that had a survey e-mail in the last 24 hours: sent by the "
                                     "hourly reminder job")
    bad_address: int = Field(description="addresses no e-mail can go to")
    campaign: CampaignStatusOut


# --- responses ----------------------------------------------------------------------------------

class ResponseIn(Schema):
    """A complete response given outside the link: a call, a paper form."""

    survey_id: Id
    client_id: Id
    engagement_id: Id | None = None
    answers: dict[Annotated[str, StringConstraints(max_length=50)], AnswerValue] = Field(
        description="by question code; a SERVQUAL statement's halves as <code>_e and <code>_p, e.g. "
                    '{"servqual_1_e": 7, "servqual_1_p": 5, "nps": 9, "q1": [0, 2], "comment": "..."}')
    submitted_at: datetime | None = Field(None, description="when it was given (default: now), timezone-aware")
    language: Annotated[str, StringConstraints(max_length=20)] | None = Field(
        None, description="default: the client's")
    follow_up: bool = Field(True, description="open the follow-up task of a detractor or a promoter")


class ResponseOut(OutSchema):
    id: int
    survey_id: int
    survey_name: str = ""
    client_name: str = ""
    campaign_id: int | None
    client_id: int
    engagement_id: int | None
    source: ResponseSource
    language: str
    started_at: datetime
    submitted_at: datetime | None
    nps: int | None
    csat: int | None
    comment: str | None


class AnswerOut(OutSchema):
    code: str
    kind: ItemKind
    dimension: str | None
    expected: int | None
    perceived: int | None
    number: int | None
    choices: list[int] | None
    text: str | None


class ResponseDetailOut(ResponseOut):
    answers: list[AnswerOut]
    tasks: list[int] = Field(description="the follow-up tasks it opened (those you may see)")


# --- results ------------------------------------------------------------------------------------

class GapOut(OutSchema):
    gap: float | None = Field(description="perception minus expectation (−6..6); negative: short of it")
    ci_low: float | None
    ci_high: float | None
    n: int


class DimensionGapOut(GapOut):
    importance: float | None = Field(description="mean importance points out of 100")
    weighted_gap: float | None


class ItemGapOut(GapOut):
    code: str
    number: int
    dimension: str
    expected: float | None
    perceived: float | None


class ServqualOut(OutSchema):
    respondents: int
    dimensions: dict[str, DimensionGapOut] = Field(description="by the dimension's English name")
    weighted_score: float | None
    equal_weights: bool = Field(description="importance was not asked: 20 points each")
    fix_first: list[str]
    items: list[ItemGapOut]


class NpsOut(OutSchema):
    score: float | None = Field(description="−100..100")
    ci_low: float | None
    ci_high: float | None
    n: int
    promoters: int
    passives: int
    detractors: int
    promoters_share: float | None
    passives_share: float | None
    detractors_share: float | None


class CsatOut(OutSchema):
    mean: float | None = Field(description="1–5")
    ci_low: float | None
    ci_high: float | None
    satisfied_share: float | None = Field(description="answers of 4 or 5, 0–1")
    n: int


class ResponseRateOut(OutSchema):
    campaign_id: int
    name: str
    survey_id: int
    invited: int
    mailed: int
    opened: int
    answered: int
    rate: float | None


class ResultsOut(OutSchema):
    servqual: ServqualOut
    nps: NpsOut
    csat: CsatOut
    response_rates: list[ResponseRateOut]


class GroupGapsOut(OutSchema):
    key: str | int | None
    label: str
    n: int
    dimensions: dict[str, GapOut]


class NpsPointOut(NpsOut):
    start: date = Field(description="the first day of the month or quarter")

