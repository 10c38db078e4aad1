"""API shapes of the client book."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import Field, FiniteFloat

from servicescape.clients.models import Channel, ClientKind, ClientStatus, EngagementStatus, Tier
from servicescape.schemas import (
    Amount,
    Country,
    Currency,
    ExternalId,
    Id,
    LongText,
    Name,
    OutSchema,
    Schema,
    Text,
    partial,
)

CustomValue = str | int | FiniteFloat | bool | None  # NaN/Infinity: not JSON, PostgreSQL refuses them


class ClientIn(Schema):
    name: Name
    external_id: ExternalId | None = None
    kind: ClientKind = ClientKind.organisation
    email: Text | None = None
    phone: Text | None = None
    website: Text | None = None
    country: Country | None = None
    city: Text | None = None
    language: Text | None = None
    region: Text | None = None
    industry: Text | None = None
    segment: Text | None = None
    tier: Tier = Tier.standard
    owner_id: Id | None = None
    status: ClientStatus = ClientStatus.active
    custom_fields: dict[str, CustomValue] = Field(default_factory=dict, max_length=200)


class ClientOut(OutSchema):
    id: int
    name: str
    external_id: str | None
    kind: ClientKind
    email: str | None
    phone: str | None
    website: str | None
    country: str | None
    city: str | None
    language: str | None
    region: str | None
    industry: str | None
    segment: str | None
    tier: Tier
    owner_id: int | None
    status: ClientStatus
    custom_fields: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class ContactIn(Schema):
    client_id: Id
    name: Name
    external_id: ExternalId | None = None
    email: Text | None = None
    phone: Text | None = None
    job_title: Text | None = None
    language: Text | None = None


class ContactOut(OutSchema):
    id: int
    client_id: int
    name: str
    external_id: str | None
    email: str | None
    phone: str | None
    job_title: str | None
    language: str | None
    created_at: datetime
    updated_at: datetime


class EngagementIn(Schema):
    client_id: Id
    external_id: ExternalId | None = None
    package_id: Id | None = None
    description: LongText | None = None
    sold_by_id: Id | None = None
    delivered_by_id: Id | None = None
    start_date: date | None = None
    end_date: date | None = None
    status: EngagementStatus = EngagementStatus.active
    value: Amount | None = None
    currency: Currency | None = None


class EngagementOut(OutSchema):
    id: int
    client_id: int
    external_id: str | None
    package_id: int | None
    description: str | None
    sold_by_id: int | None
    delivered_by_id: int | None
    start_date: date | None
    end_date: date | None
    status: EngagementStatus
    value: Decimal | None
    currency: str | None
    created_at: datetime
    updated_at: datetime


class InvoiceIn(Schema):
    client_id: Id
    issued_on: date
    amount: Amount
    currency: Currency
    external_id: ExternalId | None = None
    engagement_id: Id | None = None


class InvoiceOut(OutSchema):
    id: int
    client_id: int
    issued_on: date
    amount: Decimal
    currency: str
    external_id: str | None
    engagement_id: int | None
    created_at: datetime
    updated_at: datetime


class InteractionIn(Schema):
    client_id: Id
    channel: Channel = Channel.other
    occurred_at: datetime | None = Field(None, description="timezone-aware; default: now")
    summary: LongText | None = None
    staff_id: Id | None = None
    external_id: ExternalId | None = None


class InteractionOut(OutSchema):
    id: int
    client_id: int
    channel: Channel
    occurred_at: datetime
    summary: str | None
    staff_id: int | None
    external_id: str | None
    created_at: datetime
    updated_at: datetime


ClientPatch = partial(ClientIn, "ClientPatch")
ContactPatch = partial(ContactIn, "ContactPatch")
EngagementPatch = partial(EngagementIn, "EngagementPatch")
InvoicePatch = partial(InvoiceIn, "InvoicePatch")
InteractionPatch = partial(InteractionIn, "InteractionPatch")
