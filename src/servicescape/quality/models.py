"""Surveys of service quality as clients perceive it: the questionnaire (SERVQUAL, NPS, CSAT or the
firm's own questions), the campaigns that send it, one invitation (a private link) per recipient,
and the answers — given through the link, typed in by staff or imported from another survey tool."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from servicescape.clients.models import Client
from servicescape.db.base import Base, Timestamped
from servicescape.db.types import UTCDateTime, enum_type, utcnow


class SurveyKind(enum.StrEnum):
    servqual = "servqual"
    nps = "nps"
    csat = "csat"
    custom = "custom"


class SurveyStatus(enum.StrEnum):
    draft = "draft"         # questions may change; nothing sent
    active = "active"       # questions fixed; campaigns may send it
    closed = "closed"       # no new campaigns; links of open campaigns still answer until they expire


class ItemKind(enum.StrEnum):
    servqual = "servqual"       # one statement asked twice: expected (E) and perceived (P), 1–7
    importance = "importance"   # 100 points split across the five dimensions
    nps = "nps"                 # 0–10: how likely to recommend us
    csat = "csat"               # 1–5: how satisfied
    scale = "scale"             # the firm's own scale (scale_min..scale_max)
    single = "single"           # one of the choices
    multiple = "multiple"       # any of the choices
    text = "text"               # free text


class Survey(Timestamped, Base):
    """A questionnaire. Built-in items (SERVQUAL statements, NPS, CSAT) take their wording from the
    product's catalogs in every language; the firm's own items carry theirs (``SurveyItem.texts``)."""

    __tablename__ = "survey"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[SurveyKind] = mapped_column(enum_type(SurveyKind))
    status: Mapped[SurveyStatus] = mapped_column(enum_type(SurveyStatus), default=SurveyStatus.draft, index=True)
    #: the greeting's follow-up line, per language ({"en": "...", "hu": "..."}); empty: the built-in one
    intro: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), default=None)

    items: Mapped[list[SurveyItem]] = relationship(
        back_populates="survey", order_by="SurveyItem.position", cascade="all, delete-orphan", lazy="raise")


class SurveyItem(Base):
    """One question of a survey. ``code`` is stable (``servqual_5`` is the published item 5, ``nps``,
    ``csat``, ``q1``...) and names the answer's column in exports and imports."""

    __tablename__ = "survey_item"
    __table_args__ = (Index("uq_survey_item_code", "survey_id", "code", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(40))
    kind: Mapped[ItemKind] = mapped_column(enum_type(ItemKind))
    dimension: Mapped[str | None] = mapped_column(String(20), default=None)   # SERVQUAL items
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    #: the firm's own wording per language; None: the built-in wording of ``code``
    texts: Mapped[dict[str, str] | None] = mapped_column(JSON, default=None)
    #: choices of single/multiple items: [{"en": "...", "hu": "...", ...}, ...]
    choices: Mapped[list[dict[str, str]] | None] = mapped_column(JSON, default=None)
    scale_min: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    scale_max: Mapped[int | None] = mapped_column(SmallInteger, default=None)

    survey: Mapped[Survey] = relationship(back_populates="items", lazy="raise")


class CampaignStatus(enum.StrEnum):
    draft = "draft"         # recipients chosen, nothing sent
    open = "open"           # links work; reminders go out
    closed = "closed"       # links answer "closed"


class Campaign(Timestamped, Base):
    """One wave of a survey to chosen clients: who (``audience``), until when, the reminders."""

    __tablename__ = "survey_campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[CampaignStatus] = mapped_column(enum_type(CampaignStatus), default=CampaignStatus.draft)
    #: how the recipients were chosen: tiers, segments, owner_id, completed_from/completed_to,
    #: recovered_from/recovered_to
    audience: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    remind_after_days: Mapped[int] = mapped_column(SmallInteger, default=7)
    max_reminders: Mapped[int] = mapped_column(SmallInteger, default=2)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), default=None)

    survey: Mapped[Survey] = relationship(lazy="raise")


class Invitation(Base):
    """One recipient's private link. The token is never stored: it is an HMAC of the invitation's id
    and ``nonce`` under the firm's secret key (so reminders and the mail-merge export can show the
    same link again), and only its SHA-256 is kept for the lookup."""

    __tablename__ = "survey_invitation"
    __table_args__ = (
        Index("uq_survey_invitation_client", "campaign_id", "client_id", unique=True),
        Index("ix_survey_invitation_email_mailed", "email", "last_mailed_at"),
        Index("ix_survey_invitation_campaign_answered", "campaign_id", "answered_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("survey_campaign.id", ondelete="CASCADE"))
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    engagement_id: Mapped[int | None] = mapped_column(ForeignKey("engagement.id", ondelete="SET NULL"),
                                                      default=None)
    email: Mapped[str | None] = mapped_column(String(320), default=None)
    greeting_name: Mapped[str] = mapped_column(String(200))   # the only personal word the page shows
    language: Mapped[str] = mapped_column(String(20))
    nonce: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    last_mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    reminders: Mapped[int] = mapped_column(SmallInteger, default=0)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    campaign: Mapped[Campaign] = relationship(lazy="raise")
    client: Mapped[Client] = relationship(lazy="raise")


class SurveyOptOut(Base):
    """An address that asked for no more surveys (the unsubscribe link of every survey e-mail)."""

    __tablename__ = "survey_opt_out"

    email: Mapped[str] = mapped_column(String(320), primary_key=True)   # lower case
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ResponseSource(enum.StrEnum):
    link = "link"           # the client answered through their link
    imported = "imported"   # from another survey tool's export
    staff = "staff"         # typed in by staff (a call, a paper form)


class SurveyResponse(Base):
    """One respondent's answers. A response through a link is saved as it is filled in
    (``submitted_at`` empty) and counts only once submitted; NPS and CSAT are copied here for the
    trend queries."""

    __tablename__ = "survey_response"
    __table_args__ = (
        Index("ix_survey_response_survey_submitted", "survey_id", "submitted_at"),
        Index("ix_survey_response_submitted_nps", "submitted_at", "nps"),
        Index("ix_survey_response_client_submitted", "client_id", "submitted_at"),
        Index("uq_survey_response_external", "survey_id", "external_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("survey_campaign.id", ondelete="SET NULL"),
                                                    default=None, index=True)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("survey_invitation.id", ondelete="SET NULL"),
                                                      default=None, unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    engagement_id: Mapped[int | None] = mapped_column(ForeignKey("engagement.id", ondelete="SET NULL"),
                                                      default=None)
    external_id: Mapped[str | None] = mapped_column(String(100), default=None)   # imported rows
    source: Mapped[ResponseSource] = mapped_column(enum_type(ResponseSource), default=ResponseSource.link)
    language: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    nps: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    csat: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    comment: Mapped[str | None] = mapped_column(Text, default=None)

    survey: Mapped[Survey] = relationship(lazy="raise")
    client: Mapped[Client] = relationship(lazy="raise")
    answers: Mapped[list[SurveyAnswer]] = relationship(back_populates="response", cascade="all, delete-orphan",
                                                       lazy="raise")


class SurveyAnswer(Base):
    """One item's answer: ``expected``/``perceived`` for a SERVQUAL statement, ``number`` for a
    score (NPS, CSAT, scale, a dimension's importance points, a single choice's index),
    ``choices`` for a multiple choice, ``text`` for free text."""

    __tablename__ = "survey_answer"
    __table_args__ = (Index("ix_survey_answer_item", "item_id", "response_id"),)

    response_id: Mapped[int] = mapped_column(ForeignKey("survey_response.id", ondelete="CASCADE"),
                                             primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("survey_item.id", ondelete="CASCADE"), primary_key=True)
    expected: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    perceived: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    number: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    choices: Mapped[list[int] | None] = mapped_column(JSON, default=None)
    text: Mapped[str | None] = mapped_column(Text, default=None)

    response: Mapped[SurveyResponse] = relationship(back_populates="answers", lazy="raise")
