"""Rules of the client book and its transaction-free building blocks (callers own the transaction)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import Select, asc, desc, func, or_, select
from sqlalchemy.orm import Session, joinedload

from servicescape.auth.models import Staff
from servicescape.auth.permissions import Permission, require
from servicescape.clients.models import (
    Client,
    ClientStatus,
    Contact,
    Engagement,
    Interaction,
    Invoice,
    Tier,
)
from servicescape.db.crud import EntityService
from servicescape.db.paging import Page, paginate
from servicescape.db.types import utcnow
from servicescape.errors import NotFound, ValidationFailed
from servicescape.i18n import N_, _
from servicescape.offerings.models import ServicePackage

CLIENT_SORTS = {
    "name": func.lower(Client.name), "created": Client.created_at, "country": Client.country,
    "tier": Client.tier, "segment": Client.segment, "status": Client.status,
}


class ClientService(EntityService[Client]):
    model = Client
    label = N_("Client")
    references: ClassVar[dict[str, Any]] = {"owner_id": Staff}

    def check(self, session: Session, data: dict[str, Any], existing: Client | None) -> dict[str, Any]:
        if "name" in data and not (data["name"] or "").strip():
            raise ValidationFailed(_("A client needs a name."), field="name")
        if "custom_fields" in data and data["custom_fields"] is None:
            data["custom_fields"] = {}
        return super().check(session, data, existing)


class ContactService(EntityService[Contact]):
    model = Contact
    label = N_("Contact")
    references: ClassVar[dict[str, Any]] = {"client_id": Client}


class EngagementService(EntityService[Engagement]):
    model = Engagement
    label = N_("Engagement")
    references: ClassVar[dict[str, Any]] = {
        "client_id": Client, "package_id": ServicePackage, "sold_by_id": Staff,
        "delivered_by_id": Staff,
    }

    def check(self, session: Session, data: dict[str, Any], existing: Engagement | None) -> dict[str, Any]:
        start = data.get("start_date", existing.start_date if existing else None)
        end = data.get("end_date", existing.end_date if existing else None)
        if start and end and end < start:
            raise ValidationFailed(_("The end date is before the start date."), field="end_date")
        if existing is None and not data.get("package_id") and not data.get("description"):
            raise ValidationFailed(_("An engagement needs a service package or a description."),
                                   field="description")
        return super().check(session, data, existing)


class InvoiceService(EntityService[Invoice]):
    model = Invoice
    label = N_("Invoice")
    references: ClassVar[dict[str, Any]] = {"client_id": Client, "engagement_id": Engagement}


class InteractionService(EntityService[Interaction]):
    model = Interaction
    label = N_("Interaction")
    references: ClassVar[dict[str, Any]] = {"client_id": Client, "staff_id": Staff}

    def check(self, session: Session, data: dict[str, Any], existing: Interaction | None) -> dict[str, Any]:
        if existing is None and data.get("occurred_at") is None:
            data["occurred_at"] = utcnow()
        when = data.get("occurred_at")
        if when is not None and when.tzinfo is None:
            raise ValidationFailed(_("occurred_at needs a timezone (e.g. 2025-03-01T10:00:00+08:00)."),
                                   field="occurred_at")
        if when is not None and not _in_utc_range(when):
            raise ValidationFailed(_("occurred_at is out of range."), field="occurred_at")
        return super().check(session, data, existing)


def _in_utc_range(when: datetime) -> bool:
    """0001-01-01T00:00+01:00 is a valid datetime with no UTC equivalent (it is stored in UTC)."""
    try:
        when.astimezone(UTC)
    except OverflowError:
        return False
    return True


clients = ClientService()
contacts = ContactService()
engagements = EngagementService()
invoices = InvoiceService()
interactions = InteractionService()


@dataclass(frozen=True)
class ClientFilters:
    q: str | None = None
    tier: Tier | None = None
    segment: str | None = None
    owner_id: int | None = None
    country: str | None = None
    status: ClientStatus | None = None
    sort: str = "name"
    descending: bool = False


def client_query(filters: ClientFilters) -> Select[Any]:
    query = select(Client).options(joinedload(Client.owner))
    if filters.q:
        # the search text is literal: % and _ typed by the user are not wildcards
        text = filters.q.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{text}%"
        query = query.where(or_(*(
            func.lower(column).like(like, escape="\\")
            for column in (Client.name, Client.email, Client.external_id, Client.city)
        )))
    for column, value in ((Client.tier, filters.tier), (Client.segment, filters.segment),
                          (Client.owner_id, filters.owner_id), (Client.status, filters.status)):
        if value is not None:
            query = query.where(column == value)
    if filters.country:
        query = query.where(Client.country == filters.country.upper())
    if filters.sort not in CLIENT_SORTS:
        raise ValidationFailed(_("Cannot sort by %(sort)s; use one of %(choices)s.", sort=filters.sort,
                                 choices=", ".join(CLIENT_SORTS)),
                               field="sort")
    order = desc if filters.descending else asc
    return query.order_by(order(CLIENT_SORTS[filters.sort]), order(Client.id))


def list_clients(session: Session, filters: ClientFilters, *, page: int = 1, per_page: int = 50,
                 by: Staff | None) -> Page[Client]:
    if by is not None:
        require(by, Permission.read)
    return paginate(session, client_query(filters), page=page, per_page=per_page)


def list_related(session: Session, model: type[Any], *, client_id: int | None, page: int,
                 per_page: int, by: Staff | None) -> Page[Any]:
    """Contacts, engagements, invoices or interactions, optionally of one client, newest first."""
    if by is not None:
        require(by, Permission.read)
    query = select(model)
    if client_id is not None:
        query = query.where(model.client_id == client_id)
    return paginate(session, query.order_by(model.id.desc()), page=page, per_page=per_page)


@dataclass(frozen=True)
class ClientFile:
    """Everything shown on a client's page, loaded in a fixed number of queries."""

    client: Client
    contacts: list[Contact]
    engagements: list[Engagement]
    invoices: list[Invoice]
    interactions: list[Interaction]
    revenue_by_currency: dict[str, Any]
    last_contact: date | None


def client_file(session: Session, client_id: int, *, by: Staff | None) -> ClientFile:
    client = session.scalar(
        select(Client).options(joinedload(Client.owner)).where(Client.id == client_id)
    )
    if client is None:
        clients.get(session, client_id, by=by)  # raises the NotFound
    assert client is not None
    if by is not None:
        require(by, Permission.read)
    contact_rows = list(session.scalars(select(Contact).where(Contact.client_id == client_id)
                                        .order_by(Contact.name)))
    engagement_rows = list(session.scalars(
        select(Engagement).options(joinedload(Engagement.package), joinedload(Engagement.sold_by),
                                   joinedload(Engagement.delivered_by))
        .where(Engagement.client_id == client_id).order_by(Engagement.start_date.desc().nulls_last())
    ))
    invoice_rows = list(session.scalars(select(Invoice).where(Invoice.client_id == client_id)
                                        .order_by(Invoice.issued_on.desc())))
    interaction_rows = list(session.scalars(
        select(Interaction).options(joinedload(Interaction.staff))
        .where(Interaction.client_id == client_id).order_by(Interaction.occurred_at.desc())
    ))
    revenue: dict[str, Any] = {}
    for invoice in invoice_rows:
        revenue[invoice.currency] = revenue.get(invoice.currency, 0) + invoice.amount
    last = interaction_rows[0].occurred_at.date() if interaction_rows else None
    return ClientFile(client, contact_rows, engagement_rows, invoice_rows, interaction_rows,
                      revenue, last)


@dataclass(frozen=True)
class ClientListChoices:
    """What the client list's filters offer: the values present in the data (one query each)."""

    segments: list[str]
    countries: list[str]
    owners: list[Staff]


def client_list_choices(session: Session, *, by: Staff | None) -> ClientListChoices:
    if by is not None:
        require(by, Permission.read)
    segments = session.scalars(select(Client.segment).where(Client.segment.is_not(None))
                               .distinct().order_by(Client.segment))
    countries = session.scalars(select(Client.country).where(Client.country.is_not(None))
                                .distinct().order_by(Client.country))
    owners = session.scalars(select(Staff).where(Staff.id.in_(select(Client.owner_id)))
                             .order_by(Staff.name, Staff.id))
    return ClientListChoices([s for s in segments if s], [c for c in countries if c], list(owners))


@dataclass(frozen=True)
class RecordChoices:
    """What the forms of the client book pick from: staff (for owners, sellers, deliverers)
    and service packages, each in one query."""

    staff: list[Staff]
    packages: list[ServicePackage]


def record_choices(session: Session, *, by: Staff | None) -> RecordChoices:
    if by is not None:
        require(by, Permission.read)
    staff = session.scalars(select(Staff).order_by(Staff.name, Staff.id))
    packages = session.scalars(select(ServicePackage).order_by(ServicePackage.name))
    return RecordChoices(list(staff), list(packages))


def client_engagements(session: Session, client_id: int, *, by: Staff | None) -> list[Engagement]:
    """A client's engagements with their packages loaded, newest first (e.g. to pick one)."""
    if by is not None:
        require(by, Permission.read)
    return list(session.scalars(
        select(Engagement).options(joinedload(Engagement.package))
        .where(Engagement.client_id == client_id)
        .order_by(Engagement.start_date.desc().nulls_last(), Engagement.id.desc())
    ))


def resolve_client_ref(session: Session, ref: str) -> int:
    """A client's id from its id or external id (as typed on a command line)."""
    found = session.scalar(select(Client.id).where(Client.external_id == ref))
    if found is None and ref.isdigit():
        found = session.scalar(select(Client.id).where(Client.id == int(ref)))
    if found is None:
        raise NotFound(_("No client with id or external id %(ref)s.", ref=ref))
    return found
