"""What the scorecard keeps: the weights owners gave the measures (a measure without a row weighs 1),
and the last scorecard of each period the refresh job computed (what the home page shows)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from servicescape.db.base import Base, Timestamped
from servicescape.db.types import UTCDateTime, enum_type


class MeasureWeight(Timestamped, Base):
    """An owner's weight for a measure of the catalogue (0 leaves it out; audited like every write)."""

    __tablename__ = "scorecard_weight"

    measure: Mapped[str] = mapped_column(String(60), primary_key=True)
    weight: Mapped[float] = mapped_column(Float)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), default=None)


class Snapshot(Base):
    """The scorecard of a period as the job last computed it (``service.Scorecard.as_dict()``); derived
    data, not audited."""

    __tablename__ = "scorecard_snapshot"
    __audited__ = False

    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)


class DecisionStatus(enum.StrEnum):
    accepted = "accepted"
    dismissed = "dismissed"


class Decision(Base):
    """What a manager decided about a recommendation for a quarter: accepted (tasks opened) or
    dismissed (with the reason)."""

    __tablename__ = "scorecard_recommendation"
    __table_args__ = (UniqueConstraint("rule", "quarter", name="uq_scorecard_recommendation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(60))
    quarter: Mapped[str] = mapped_column(String(10))
    status: Mapped[DecisionStatus] = mapped_column(enum_type(DecisionStatus))
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    tasks_opened: Mapped[int] = mapped_column(Integer, default=0)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), default=None)


class ClientHealth(Base):
    """Each active client's health as ``health.refresh`` last computed it (the list reads it): the score,
    the one 90 days before, the risk level and each part's figure and score; derived data, not audited."""

    __tablename__ = "scorecard_client_health"
    __audited__ = False
    # the list's orders, each to the client: by risk level and score (all, or one level), by the change
    __table_args__ = (Index("ix_scorecard_client_health_risk", "risk", "risk_rank", "score", "client_id"),
                      Index("ix_scorecard_client_health_rank_score", "risk_rank", "score", "client_id"),
                      Index("ix_scorecard_client_health_change", "change_order", "risk_rank", "client_id"))

    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), primary_key=True)
    score: Mapped[float | None] = mapped_column(Float, default=None)
    previous_score: Mapped[float | None] = mapped_column(Float, default=None)
    change: Mapped[float | None] = mapped_column(Float, default=None)
    #: the list's "steepest fall first" order: the change, or ``health.CHANGE_UNKNOWN`` (after every change) where none
    change_order: Mapped[float] = mapped_column(Float)
    coverage: Mapped[float] = mapped_column(Float, default=0.0)
    risk: Mapped[str] = mapped_column(String(10))
    risk_rank: Mapped[int] = mapped_column(SmallInteger)
    parts: Mapped[dict[str, Any]] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ExpectationEstimate(Timestamped, Base):
    """What the firm's managers believe clients value: the points (of 100) they give each SERVQUAL
    dimension, set by owners and compared with the importance clients give them in the surveys (gap 1
    of the gap model); audited like every write."""

    __tablename__ = "scorecard_expectation"

    dimension: Mapped[str] = mapped_column(String(20), primary_key=True)
    points: Mapped[float] = mapped_column(Float)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), default=None)
