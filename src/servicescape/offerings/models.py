"""Service packages: what the firm sells, at which level and list price."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Boolean, Float, String, Text
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


class ExchangeRate(Timestamped, Base):
    """How much one unit of ``currency`` is worth in the firm's reporting currency (the settings'
    ``reporting_currency``): revenue in several currencies is compared through it."""

    __tablename__ = "exchange_rate"

    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    rate: Mapped[float] = mapped_column(Float)
