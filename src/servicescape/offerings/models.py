"""Service packages: what the firm sells, at which levels, with what inside, at which dated list
prices; the add-ons; which level each engagement was sold at; competitors' prices."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from servicescape.db.base import Base, Timestamped
from servicescape.db.types import Money


class ServicePackage(Timestamped, Base):
    __tablename__ = "service_package"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    level: Mapped[str | None] = mapped_column(String(60), default=None)
    list_price: Mapped[Decimal | None] = mapped_column(Money, default=None)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    description: Mapped[str | None] = mapped_column(Text, default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: sold mostly outside the firm's peaks: what the capacity outlook suggests for a valley
    off_peak: Mapped[bool] = mapped_column(Boolean, default=False)


class ExchangeRate(Timestamped, Base):
    """How much one unit of ``currency`` is worth in the firm's reporting currency (the settings'
    ``reporting_currency``): revenue in several currencies is compared through it."""

    __tablename__ = "exchange_rate"

    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    rate: Mapped[float] = mapped_column(Float)


class PackageLevel(Timestamped, Base):
    """A level of a package (essential, standard, premium or the firm's own names): what it
    includes and the service-level targets it promises. A target left empty is the client's tier's
    (the promise ledger's and the cadence's own), so a level only says where it promises more."""

    __tablename__ = "package_level"
    __table_args__ = (UniqueConstraint("package_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("service_package.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(Integer, default=0)        # left to right on the comparison
    summary: Mapped[str | None] = mapped_column(Text, default=None)
    inclusions: Mapped[list[Any]] = mapped_column(JSON, default=list)   # what you get, one line each
    first_response_hours: Mapped[int | None] = mapped_column(Integer, default=None)   # business hours
    resolution_days: Mapped[int | None] = mapped_column(Integer, default=None)        # business days
    cadence_days: Mapped[int | None] = mapped_column(Integer, default=None)           # contact at least every
    #: quality as clients perceive it (1–7), where no SERVQUAL perception is measured (price map)
    perceived_quality: Mapped[float | None] = mapped_column(Float, default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class PackageAddon(Timestamped, Base):
    """An optional extra a client can add to any level of a package."""

    __tablename__ = "package_addon"
    __table_args__ = (UniqueConstraint("package_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("service_package.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text, default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class PackagePrice(Timestamped, Base):
    """A list price of a level or an add-on in one currency from a day on: the history is every row;
    the price on a day is the latest row that started on or before it."""

    __tablename__ = "package_price"
    __table_args__ = (
        CheckConstraint("(level_id IS NULL) <> (addon_id IS NULL)", name="level_or_addon"),
        CheckConstraint("amount > 0", name="positive"),
        Index("ix_package_price_level", "level_id", "currency", "valid_from"),
        Index("ix_package_price_addon", "addon_id", "currency", "valid_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    level_id: Mapped[int | None] = mapped_column(ForeignKey("package_level.id", ondelete="CASCADE"), default=None)
    addon_id: Mapped[int | None] = mapped_column(ForeignKey("package_addon.id", ondelete="CASCADE"), default=None)
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[Decimal] = mapped_column(Money)
    valid_from: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(300), default=None)


class EngagementLevel(Base):
    """The level (and so the targets) an engagement was sold at."""

    __tablename__ = "engagement_level"

    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagement.id", ondelete="CASCADE"), primary_key=True)
    level_id: Mapped[int] = mapped_column(ForeignKey("package_level.id", ondelete="CASCADE"), index=True)


class CompetitorPrice(Timestamped, Base):
    """A named competitor's offer: its price and the quality clients perceive (price-position map)."""

    __tablename__ = "competitor_price"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the firm's package it competes with (None: shown against every package)
    package_id: Mapped[int | None] = mapped_column(ForeignKey("service_package.id", ondelete="SET NULL"),
                                                   default=None, index=True)
    competitor: Mapped[str] = mapped_column(String(200))
    offer: Mapped[str] = mapped_column(String(200))
    segment: Mapped[str | None] = mapped_column(String(120), default=None)
    price: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    perceived_quality: Mapped[float | None] = mapped_column(Float, default=None)   # 1–7
    noted_on: Mapped[date | None] = mapped_column(Date, default=None)
    source: Mapped[str | None] = mapped_column(String(300), default=None)
