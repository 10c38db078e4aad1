"""The client book: clients, their contacts, engagements, invoices and interactions."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Connection, Date, ForeignKey, Index, LargeBinary, String, Text, event
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from servicescape.auth.models import Staff
from servicescape.clients import name_keys
from servicescape.db.base import Base, Timestamped
from servicescape.db.types import Money, UTCDateTime, enum_type, utcnow
from servicescape.offerings.models import ServicePackage


class ClientKind(enum.StrEnum):
    organisation = "organisation"
    person = "person"


class Tier(enum.StrEnum):
    key = "key"
    growth = "growth"
    standard = "standard"


class ClientStatus(enum.StrEnum):
    active = "active"
    lost = "lost"


class EngagementStatus(enum.StrEnum):
    proposed = "proposed"
    active = "active"
    completed = "completed"
    cancelled = "cancelled"


class Channel(enum.StrEnum):
    call = "call"
    email = "e-mail"
    letter = "letter"
    meeting = "meeting"
    meal = "meal"
    other = "other"


class Client(Timestamped, Base):
    __tablename__ = "client"
    __table_args__ = (
        Index("ix_client_name_country", "name", "country"),
        Index("ix_client_email", "email"),
        # every sort of the client list reads one of these in order (the id last: a stable order)
        Index("ix_client_sort_key_id", "sort_key", "id"),
        Index("ix_client_created_at_id", "created_at", "id"),
        # a filter, then names in order; or that column as the sort
        *(Index(f"ix_client_{column}_sort_key", column, "sort_key", "id")
          for column in ("country", "segment", "tier", "status")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True, default=None)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[ClientKind] = mapped_column(enum_type(ClientKind), default=ClientKind.organisation)
    email: Mapped[str | None] = mapped_column(String(320), default=None)
    phone: Mapped[str | None] = mapped_column(String(60), default=None)
    website: Mapped[str | None] = mapped_column(String(300), default=None)
    country: Mapped[str | None] = mapped_column(String(2), default=None)
    city: Mapped[str | None] = mapped_column(String(120), default=None)
    language: Mapped[str | None] = mapped_column(String(20), default=None)
    region: Mapped[str | None] = mapped_column(String(120), default=None)
    industry: Mapped[str | None] = mapped_column(String(120), default=None)
    segment: Mapped[str | None] = mapped_column(String(120), default=None)
    tier: Mapped[Tier] = mapped_column(enum_type(Tier), default=Tier.standard)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"), default=None, index=True
    )
    status: Mapped[ClientStatus] = mapped_column(enum_type(ClientStatus), default=ClientStatus.active)
    custom_fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: kept by ``name_keys`` from the name (and the searched fields): never set them by hand
    sort_key: Mapped[bytes | None] = mapped_column(LargeBinary, default=None, info={"derived": True})
    search_text: Mapped[str | None] = mapped_column(Text, default=None, info={"derived": True})

    owner: Mapped[Staff | None] = relationship(lazy="raise")


@event.listens_for(Client, "before_insert")
@event.listens_for(Client, "before_update")
def _keep_name_keys(_mapper: Mapper[Client], connection: Connection, client: Client) -> None:
    values = {name: getattr(client, name) for name in name_keys.SEARCHED}
    for name, value in name_keys.keys_for(values, name_keys.collation(connection)).items():
        setattr(client, name, value)


class Contact(Timestamped, Base):
    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True, default=None)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    email: Mapped[str | None] = mapped_column(String(320), default=None)
    phone: Mapped[str | None] = mapped_column(String(60), default=None)
    job_title: Mapped[str | None] = mapped_column(String(200), default=None)
    language: Mapped[str | None] = mapped_column(String(20), default=None)


class Engagement(Timestamped, Base):
    """What was sold to a client, by whom, and who delivers it."""

    __tablename__ = "engagement"
    #: the newest across many clients (the home page's recent activity)
    __table_args__ = (Index("ix_engagement_start_date", "start_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True, default=None)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    package_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_package.id", ondelete="SET NULL"), default=None, index=True
    )
    description: Mapped[str | None] = mapped_column(Text, default=None)
    sold_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"), default=None, index=True
    )
    delivered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"), default=None, index=True
    )
    start_date: Mapped[date | None] = mapped_column(Date, default=None)
    end_date: Mapped[date | None] = mapped_column(Date, default=None)
    status: Mapped[EngagementStatus] = mapped_column(
        enum_type(EngagementStatus), default=EngagementStatus.active
    )
    value: Mapped[Decimal | None] = mapped_column(Money, default=None)
    currency: Mapped[str | None] = mapped_column(String(3), default=None)

    package: Mapped[ServicePackage | None] = relationship(lazy="raise")
    sold_by: Mapped[Staff | None] = relationship(foreign_keys=[sold_by_id], lazy="raise")
    delivered_by: Mapped[Staff | None] = relationship(foreign_keys=[delivered_by_id], lazy="raise")


class Invoice(Timestamped, Base):
    __tablename__ = "invoice"
    __table_args__ = (Index("ix_invoice_client_issued", "client_id", "issued_on"),
                      # a period's revenue per client read from the index alone (key accounts, the scorecard)
                      Index("ix_invoice_issued_client_amount", "issued_on", "client_id", "currency", "amount"))

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True, default=None)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    engagement_id: Mapped[int | None] = mapped_column(
        ForeignKey("engagement.id", ondelete="SET NULL"), default=None, index=True
    )
    issued_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))


class Interaction(Timestamped, Base):
    """A touch-point with a client: a call, an e-mail, a letter, a meeting, a meal."""

    __tablename__ = "interaction"
    __table_args__ = (Index("ix_interaction_client_when", "client_id", "occurred_at"),
                      Index("ix_interaction_occurred_at", "occurred_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True, default=None)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"), default=None, index=True
    )
    channel: Mapped[Channel] = mapped_column(enum_type(Channel), default=Channel.other)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    summary: Mapped[str | None] = mapped_column(Text, default=None)

    staff: Mapped[Staff | None] = relationship(lazy="raise")
