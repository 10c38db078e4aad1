"""Analytics store no figures of their own: only the results cached per data version (so pages stay
fast) and the firm's settings for the economics and lifetime value."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from servicescape.db.base import Base
from servicescape.db.types import Money, UTCDateTime, utcnow


class CachedResult(Base):
    """One report's result for one data version, engine and set of parameters (``key`` is their
    digest). Written by the refresh job and by the first request that missed; never audited (a
    cached figure is not a change to the data)."""

    __tablename__ = "analytics_result"
    __audited__ = False

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    report: Mapped[str] = mapped_column(String(20))
    data_version: Mapped[int] = mapped_column(BigInteger)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seconds: Mapped[float] = mapped_column(Float)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)


class AnalyticsSettings(Base):
    """The firm's figures the analytics need (one row): what winning a new client costs, the
    discount rate and horizon of lifetime value, and when a client counts as slipping away."""

    __tablename__ = "analytics_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=1)
    acquisition_cost: Mapped[Decimal | None] = mapped_column(Money, default=None)
    annual_discount_rate: Mapped[float] = mapped_column(Float, default=0.10)
    horizon_months: Mapped[int] = mapped_column(Integer, default=12)
    at_risk_below: Mapped[float] = mapped_column(Float, default=0.5)       # P(alive) under this: at risk
    rhythm_multiple: Mapped[float] = mapped_column(Float, default=2.0)     # or this many usual gaps silent
