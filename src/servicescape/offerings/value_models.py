"""Value cases: a client's return on what the firm sells, with low / expected / high estimates,
and the outcomes of delivered engagements that back it."""

from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from servicescape.db.base import Base, Timestamped
from servicescape.db.types import Money, enum_type


class ValueSide(enum.StrEnum):
    benefit = "benefit"
    cost = "cost"


class ValueKind(enum.StrEnum):
    # benefits
    time_saved = "time_saved"
    risk_avoided = "risk_avoided"
    revenue_gained = "revenue_gained"
    cost_avoided = "cost_avoided"
    # the client's own costs besides the price, money or not
    money = "money"
    their_time = "their_time"
    switching = "switching"
    risk = "risk"


BENEFIT_KINDS = (ValueKind.time_saved, ValueKind.risk_avoided, ValueKind.revenue_gained, ValueKind.cost_avoided)
COST_KINDS = (ValueKind.money, ValueKind.their_time, ValueKind.switching, ValueKind.risk)


class ValueCase(Timestamped, Base):
    """What a client (or prospect) gains against what it costs them, over ``horizon_months``."""

    __tablename__ = "value_case"
    __table_args__ = (CheckConstraint("price > 0", name="positive_price"),
                      CheckConstraint("horizon_months > 0", name="positive_horizon"))

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    level_id: Mapped[int | None] = mapped_column(ForeignKey("package_level.id", ondelete="SET NULL"), default=None)
    title: Mapped[str] = mapped_column(String(300))
    currency: Mapped[str] = mapped_column(String(3))
    price: Mapped[Decimal] = mapped_column(Money)            # what the client pays over the horizon
    horizon_months: Mapped[int] = mapped_column(Integer, default=12)
    notes: Mapped[str | None] = mapped_column(Text, default=None)
    prepared_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), default=None)

    items: Mapped[list[ValueItem]] = relationship(lazy="selectin", cascade="all, delete-orphan",
                                                  order_by="ValueItem.id")
    outcomes: Mapped[list[ValueOutcome]] = relationship(lazy="selectin", cascade="all, delete-orphan",
                                                        order_by="ValueOutcome.recorded_on")

    @property
    def benefits(self) -> list[ValueItem]:
        return [item for item in self.items if item.side == ValueSide.benefit]

    @property
    def costs(self) -> list[ValueItem]:
        return [item for item in self.items if item.side == ValueSide.cost]


class ValueItem(Base):
    """One benefit or one of the client's costs, over the case's horizon, at three estimates."""

    __tablename__ = "value_item"
    __table_args__ = (CheckConstraint("low >= 0 AND low <= expected AND expected <= high", name="ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("value_case.id", ondelete="CASCADE"), index=True)
    side: Mapped[ValueSide] = mapped_column(enum_type(ValueSide))
    kind: Mapped[ValueKind] = mapped_column(enum_type(ValueKind))
    description: Mapped[str] = mapped_column(String(300))
    low: Mapped[Decimal] = mapped_column(Money)
    expected: Mapped[Decimal] = mapped_column(Money)
    high: Mapped[Decimal] = mapped_column(Money)
    source: Mapped[str | None] = mapped_column(String(500), default=None)   # where the figure came from


class ValueOutcome(Timestamped, Base):
    """A real outcome recorded on a delivered engagement of the case's client, with its evidence."""

    __tablename__ = "value_outcome"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("value_case.id", ondelete="CASCADE"), index=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagement.id", ondelete="CASCADE"))
    recorded_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text)
    amount: Mapped[Decimal | None] = mapped_column(Money, default=None)    # the benefit realised
    promise_id: Mapped[int | None] = mapped_column(ForeignKey("promise.id", ondelete="SET NULL"), default=None)
    survey_response_id: Mapped[int | None] = mapped_column(ForeignKey("survey_response.id", ondelete="SET NULL"),
                                                           default=None)
    testimonial_id: Mapped[int | None] = mapped_column(ForeignKey("testimonial.id", ondelete="SET NULL"),
                                                       default=None)
