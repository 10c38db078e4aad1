"""Price research on the firm's own clients: Van Westendorp and Gabor-Granger studies and answers."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from servicescape.db.base import Base, Timestamped
from servicescape.db.types import Money, UTCDateTime, enum_type, utcnow


class StudyMethod(enum.StrEnum):
    van_westendorp = "van_westendorp"
    gabor_granger = "gabor_granger"


class PriceStudy(Timestamped, Base):
    __tablename__ = "price_study"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    method: Mapped[StudyMethod] = mapped_column(enum_type(StudyMethod))
    level_id: Mapped[int | None] = mapped_column(ForeignKey("package_level.id", ondelete="SET NULL"), default=None)
    currency: Mapped[str] = mapped_column(String(3))
    grid: Mapped[list[Any]] = mapped_column(JSON, default=list)     # Gabor-Granger's prices, ascending
    asked_on: Mapped[date | None] = mapped_column(Date, default=None)
    minimum_sample: Mapped[int] = mapped_column(Integer, default=30)   # per segment
    notes: Mapped[str | None] = mapped_column(Text, default=None)


class PriceAnswer(Base):
    """One respondent's answers to the four (and the two Newton–Miller–Smith) questions; an answer
    whose prices are not in order is kept and counted as invalid."""

    __tablename__ = "price_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("price_study.id", ondelete="CASCADE"), index=True)
    respondent: Mapped[str | None] = mapped_column(String(100), default=None)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("client.id", ondelete="SET NULL"), default=None)
    segment: Mapped[str | None] = mapped_column(String(120), default=None)
    too_cheap: Mapped[Decimal] = mapped_column(Money)
    cheap: Mapped[Decimal] = mapped_column(Money)
    expensive: Mapped[Decimal] = mapped_column(Money)
    too_expensive: Mapped[Decimal] = mapped_column(Money)
    likely_cheap: Mapped[int | None] = mapped_column(SmallInteger, default=None)       # 1–5
    likely_expensive: Mapped[int | None] = mapped_column(SmallInteger, default=None)   # 1–5
    valid: Mapped[bool] = mapped_column(Boolean)


class PriceChoice(Base):
    """A Gabor-Granger answer: would the respondent buy at this price of the study's grid."""

    __tablename__ = "price_choice"

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("price_study.id", ondelete="CASCADE"), index=True)
    respondent: Mapped[str] = mapped_column(String(100))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("client.id", ondelete="SET NULL"), default=None)
    segment: Mapped[str | None] = mapped_column(String(120), default=None)
    price: Mapped[Decimal] = mapped_column(Money)
    buys: Mapped[bool] = mapped_column(Boolean)


class PriceInvitation(Base):
    """A client asked to answer a study's questions through a private link: only the token's SHA-256 is
    kept; one answer per link, until it expires."""

    __tablename__ = "price_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("price_study.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(320))
    greeting_name: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("price_answer.id", ondelete="SET NULL"), default=None)
