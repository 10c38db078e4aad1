"""API shapes of testimonials, referrals and their figures."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import Field

from servicescape.referrals.models import ConsentUse, ReferralStatus, TestimonialStatus
from servicescape.schemas import Amount, Currency, Id, LongText, Name, OutSchema, Schema, Text, partial


class TestimonialIn(Schema):
    __test__ = False
    client_id: Id
    author_name: Name = Field(description="who said it")
    author_role: Text | None = Field(None, description="their role or title, e.g. Finance Director")
    text: LongText = Field(min_length=1, description="the client's words, as they gave them")
    language: str = Field(min_length=2, max_length=20, description="en, ms, bg, zh-Hans, zh-Hant or hu")
    consent_by: Text | None = Field(None, description="who gave consent to its use")
    consent_at: datetime | None = Field(None, description="when consent was given, timezone-aware")
    consent_uses: list[ConsentUse] | None = Field(
        None, description="where it may be shown: website, proposals, case_studies (one at least to be approved)")
    survey_response_id: Id | None = Field(None, description="the survey answer it came from, if any")


TestimonialPatch = partial(TestimonialIn, "TestimonialPatch")


class TestimonialOut(OutSchema):
    __test__ = False
    id: int
    client_id: int
    author_name: str
    author_role: str | None
    text: str
    language: str
    consent_by: str | None
    consent_at: datetime | None
    consent_uses: list[ConsentUse]
    status: TestimonialStatus
    approved_by_id: int | None
    approved_at: datetime | None
    rejected_reason: str | None
    survey_response_id: int | None
    created_at: datetime
    updated_at: datetime


class TestimonialReject(Schema):
    __test__ = False
    reason: Text | None = Field(None, description="why it cannot be used (kept with it)")


class ReferralIn(Schema):
    referrer_client_id: Id = Field(description="the client who referred")
    referred_client_id: Id | None = Field(None, description="whom they referred, when already a client")
    prospect_name: Text | None = Field(None, description="else: the prospect's name")
    prospect_email: Text | None = None
    prospect_company: Text | None = None
    referred_on: date = Field(description="the day of the referral")
    status: ReferralStatus = ReferralStatus.new
    value_won: Amount | None = Field(None, description="what the work won is worth (won referrals only)")
    currency: Currency | None = Field(None, description="the value's currency")
    won_on: date | None = Field(None, description="when it was won (default: the day it is marked won)")
    note: LongText | None = None
    owner_id: Id | None = Field(None, description="who follows it up (default: whoever records it)")


ReferralPatch = partial(ReferralIn, "ReferralPatch")


class ReferralOut(OutSchema):
    id: int
    referrer_client_id: int
    referred_client_id: int | None
    prospect_name: str | None
    prospect_email: str | None
    prospect_company: str | None
    referred_on: date
    status: ReferralStatus
    value_won: Decimal | None
    currency: str | None
    won_on: date | None
    note: str | None
    owner_id: int | None
    created_at: datetime
    updated_at: datetime


class ReferralStatusIn(Schema):
    status: ReferralStatus
    value_won: Amount | None = Field(None, description="needed when won")
    currency: Currency | None = None
    won_on: date | None = None
