"""API shapes of promises, complaints and the ledger's settings."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from servicescape.clients.models import Channel
from servicescape.promises.models import ComplaintStatus, PromiseKind, PromiseStatus, Severity
from servicescape.schemas import ExternalId, Id, LongText, Name, OutSchema, Schema, Text, partial


class PromiseIn(Schema):
    client_id: Id
    kind: PromiseKind = PromiseKind.appointment
    title: Name | None = Field(None, description="what was promised, in a few words")
    window_start: datetime = Field(description="the promised window's start, timezone-aware")
    window_end: datetime = Field(description="its end, after the start")
    place: Text | None = Field(None, description="where, or through which channel")
    owner_id: Id | None = Field(None, description="who must deliver (default: whoever records it)")
    engagement_id: Id | None = None
    external_id: ExternalId | None = None
    notes: LongText | None = None


PromisePatch = partial(PromiseIn, "PromisePatch")


class PromiseOut(OutSchema):
    id: int
    external_id: str | None
    client_id: int
    engagement_id: int | None
    kind: PromiseKind
    title: str | None
    made_by_id: int | None
    owner_id: int | None
    window_start: datetime
    window_end: datetime
    place: str | None
    status: PromiseStatus
    confirmed_at: datetime | None
    kept_at: datetime | None
    delivered_by_id: int | None
    other_person_came: bool = Field(description="someone other than the owner came or delivered")
    lateness_minutes: int | None
    missed_at: datetime | None
    cancelled_at: datetime | None
    client_words: str | None
    notes: str | None
    repromised_from_id: int | None
    at_risk: str | None = Field(description="why the sweep found it at risk: unconfirmed, double_booked, on_leave")
    announced_at: datetime | None
    created_at: datetime
    updated_at: datetime


class PromiseKeep(Schema):
    kept_at: datetime | None = Field(None, description="when it was kept (default: now), timezone-aware")
    delivered_by_id: Id | None = Field(None, description="who actually came or delivered (default: the owner)")
    client_words: LongText | None = Field(None, description="the client's own words on the outcome")


class PromiseMiss(Schema):
    client_words: LongText | None = None


class PromiseCancel(Schema):
    reason: LongText | None = None


class Repromise(Schema):
    window_start: datetime
    window_end: datetime
    owner_id: Id | None = Field(None, description="default: the broken promise's owner")
    title: Name | None = None
    place: Text | None = None
    notes: LongText | None = None


class NoticeIn(Schema):
    new_start: datetime | None = Field(None, description="the new window offered (default: a day later)")
    new_end: datetime | None = None


class NoticeOut(OutSchema):
    to: str | None
    language: str
    subject: str
    body: str
    new_start: datetime
    new_end: datetime


class ComplaintIn(Schema):
    client_id: Id
    text: LongText = Field(min_length=1, description="the client's words")
    received_at: datetime | None = Field(None, description="default: now; timezone-aware")
    channel: Channel = Channel.other
    severity: Severity = Severity.medium
    owner_id: Id | None = Field(None, description="who handles it (default: whoever records it)")
    promise_id: Id | None = Field(None, description="the broken promise it is about, if any")
    external_id: ExternalId | None = None


ComplaintPatch = partial(ComplaintIn, "ComplaintPatch")


class ComplaintOut(OutSchema):
    id: int
    external_id: str | None
    client_id: int
    promise_id: int | None
    received_at: datetime
    channel: Channel
    text: str
    severity: Severity
    owner_id: int | None
    status: ComplaintStatus
    response_due_at: datetime
    resolution_due_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    outcome: str | None
    response_breached_at: datetime | None
    resolution_breached_at: datetime | None
    created_at: datetime
    updated_at: datetime


class ComplaintRespond(Schema):
    at: datetime | None = Field(None, description="when the client got the first answer (default: now)")


class ComplaintResolve(Schema):
    outcome: LongText = Field(min_length=1, description="how it was resolved (required)")
    at: datetime | None = None


class PolicyOut(OutSchema):
    tier: str
    first_response_hours: int
    resolution_days: int
    late_tolerance_minutes: int


class PolicyPatch(Schema):
    first_response_hours: int | None = Field(None, ge=1, le=2000)
    resolution_days: int | None = Field(None, ge=0, le=365)
    late_tolerance_minutes: int | None = Field(None, ge=0, le=10080)


class HolidayIn(Schema):
    day: date
    name: Name


class HolidayOut(OutSchema):
    day: date
    name: str


class LeaveIn(Schema):
    staff_id: Id
    starts_on: date
    ends_on: date
    note: Text | None = None


class LeaveOut(OutSchema):
    id: int
    staff_id: int
    starts_on: date
    ends_on: date
    note: str | None


class WordingIn(Schema):
    subject: Text = Field(description="placeholders: {client} {firm} {owner} {window} {new_window}")
    body: LongText


class WordingOut(OutSchema):
    language: str
    subject: str
    body: str
    custom: bool


class RecoveryClose(Schema):
    outcome: LongText = Field(description="what was done for the client (required)")
