"""Rules of the client book and its transaction-free building blocks (callers own the transaction)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import Date, func, inspect, or_, select
from sqlalchemy.orm import Session, joinedload

from servicescape.auth.models import Staff
from servicescape.auth.permissions import Principal, require
from servicescape.clients import name_keys, rules
from servicescape.clients.capability import DELETE, READ, WRITE
from servicescape.clients.models import (
    Client,
    Contact,
    Engagement,
    Interaction,
    Invoice,
)
from servicescape.db.crud import EntityService
from servicescape.db.memo import once_per_unit
from servicescape.db.types import utcnow
from servicescape.errors import NotFound, ValidationFailed
from servicescape.i18n import N_, _
from servicescape.offerings.models import ServicePackage


class ClientBookService(EntityService[Any]):
    read_permission = READ
    write_permission = WRITE
    delete_permission = DELETE
    #: the kind's name in ``rules`` (and in imports and exports)
    kind: ClassVar[str]

    def check(self, session: Session, data: dict[str, Any], existing: Any | None) -> dict[str, Any]:
        """The kind's rules (``clients.rules``, shared with the importer) on the record as it will be:
        the values given on a create, the stored record with the changes over it on an update."""
        data = self.prepare(data, existing)
        record = data if existing is None else {**_stored(existing), **data}
        try:
            rules.check(self.kind, record, creating=existing is None)
        except rules.RuleBroken as broken:
            raise broken.failure() from None
        return super().check(session, data, existing)

    def prepare(self, data: dict[str, Any], existing: Any | None) -> dict[str, Any]:
        """Fill in what the service supplies itself, before the rules look (defaults), and write
        addresses as they are stored (as the importer does): what is not an address is left for
        the rules to refuse."""
        for name, tidy in (("email", rules.email_address), ("website", rules.web_address)):
            value = data.get(name)
            if isinstance(value, str):
                data[name] = tidy(value) or value
        return data


def _stored(obj: Any) -> dict[str, Any]:
    return {column.key: getattr(obj, column.key) for column in inspect(obj).mapper.column_attrs}


class ClientService(ClientBookService):
    model = Client
    label = N_("Client")
    kind = "clients"
    references: ClassVar[dict[str, Any]] = {"owner_id": Staff}

    def prepare(self, data: dict[str, Any], existing: Any | None) -> dict[str, Any]:
        if "custom_fields" in data and data["custom_fields"] is None:
            data["custom_fields"] = {}
        return super().prepare(data, existing)


class ContactService(ClientBookService):
    model = Contact
    label = N_("Contact")
    kind = "contacts"
    references: ClassVar[dict[str, Any]] = {"client_id": Client}


class EngagementService(ClientBookService):
    model = Engagement
    label = N_("Engagement")
    kind = "engagements"
    references: ClassVar[dict[str, Any]] = {
        "client_id": Client, "package_id": ServicePackage, "sold_by_id": Staff,
        "delivered_by_id": Staff,
    }


class InvoiceService(ClientBookService):
    model = Invoice
    label = N_("Invoice")
    kind = "invoices"
    references: ClassVar[dict[str, Any]] = {"client_id": Client, "engagement_id": Engagement}


class InteractionService(ClientBookService):
    model = Interaction
    label = N_("Interaction")
    kind = "interactions"
    references: ClassVar[dict[str, Any]] = {"client_id": Client, "staff_id": Staff}

    def prepare(self, data: dict[str, Any], existing: Any | None) -> dict[str, Any]:
        if existing is None and data.get("occurred_at") is None:
            data["occurred_at"] = utcnow()
        return super().prepare(data, existing)


clients = ClientService()
contacts = ContactService()
engagements = EngagementService()
invoices = InvoiceService()
interactions = InteractionService()


def client_with_owner(session: Session, client_id: int, *, by: Principal) -> Client:
    require(by, READ)
    client = session.scalar(select(Client).options(joinedload(Client.owner)).where(Client.id == client_id))
    if client is None:
        raise NotFound(_("%(entity)s %(id)s does not exist.", entity=_("Client"), id=client_id))
    return client


def client_contacts(session: Session, client_id: int, *, by: Principal) -> list[Contact]:
    require(by, READ)
    return list(session.scalars(select(Contact).where(Contact.client_id == client_id)
                                .order_by(Contact.name, Contact.id)))


def client_invoices(session: Session, client_id: int, *, by: Principal) -> list[Invoice]:
    require(by, READ)
    return list(session.scalars(select(Invoice).where(Invoice.client_id == client_id)
                                .order_by(Invoice.issued_on.desc(), Invoice.id.desc())))


def client_interactions(session: Session, client_id: int, *, by: Principal) -> list[Interaction]:
    """A client's interactions, newest first."""
    require(by, READ)
    return list(session.scalars(select(Interaction).where(Interaction.client_id == client_id)
                                .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())))


@dataclass(frozen=True)
class Revenue:
    """What a client was invoiced: totals and invoice counts per currency, and per month."""

    totals: dict[str, tuple[Decimal, int]]          # currency → (amount, invoices)
    months: list[tuple[date, str, Decimal]]         # (first day of the month, currency, amount)
    last_contact: datetime | None


def client_revenue(session: Session, client_id: int, *, by: Principal, months: int = 36) -> Revenue:
    """Sums in the database (one query each), not over invoice objects."""
    require(by, READ)
    totals = {
        currency: (amount or Decimal(0), count)
        for currency, amount, count in session.execute(
            select(Invoice.currency, func.sum(Invoice.amount), func.count())
            .where(Invoice.client_id == client_id).group_by(Invoice.currency).order_by(Invoice.currency)
        )
    }
    month = _month_start(Invoice.issued_on, session)
    latest = session.scalar(select(func.max(Invoice.issued_on)).where(Invoice.client_id == client_id))
    by_month: list[tuple[date, str, Decimal]] = []
    if latest is not None:
        first = _months_before(latest.replace(day=1), months - 1)
        rows = session.execute(
            select(month, Invoice.currency, func.sum(Invoice.amount))
            .where(Invoice.client_id == client_id, Invoice.issued_on >= first)
            .group_by(month, Invoice.currency).order_by(month, Invoice.currency)
        )
        by_month = [(_as_date(start), currency, amount) for start, currency, amount in rows]
    last = session.scalar(select(func.max(Interaction.occurred_at)).where(Interaction.client_id == client_id))
    return Revenue(totals, by_month, _as_utc(last))


def _month_start(column: Any, session: Session) -> Any:
    if session.get_bind().dialect.name == "sqlite":
        return func.date(column, "start of month")
    return func.cast(func.date_trunc("month", column), Date)


def _months_before(first_day: date, count: int) -> date:
    index = first_day.year * 12 + first_day.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _as_utc(value: datetime | None) -> datetime | None:
    """MAX() over a UTC column comes back without the column type on SQLite."""
    if value is None or (isinstance(value, datetime) and value.tzinfo is not None):
        return value
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class RecordChoices:
    """What the forms of the client book pick from: staff (for owners, sellers, deliverers)
    and service packages, each in one query."""

    staff: list[Staff]
    packages: list[ServicePackage]


def record_choices(session: Session, *, by: Principal) -> RecordChoices:
    require(by, READ)
    return _record_choices(session)


@once_per_unit
def _record_choices(session: Session) -> RecordChoices:
    staff = session.scalars(select(Staff).order_by(Staff.name, Staff.id))
    packages = session.scalars(select(ServicePackage).order_by(ServicePackage.name))
    return RecordChoices(list(staff), list(packages))


def client_engagements(session: Session, client_id: int, *, by: Principal) -> list[Engagement]:
    """A client's engagements with their packages loaded, newest first (e.g. to pick one); callers
    must not change the list (a page's sections share it)."""
    require(by, READ)
    return _client_engagements(session, client_id)


@once_per_unit
def _client_engagements(session: Session, client_id: int) -> list[Engagement]:
    return list(session.scalars(
        select(Engagement).options(joinedload(Engagement.package), joinedload(Engagement.sold_by),
                                   joinedload(Engagement.delivered_by))
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


def find_client(session: Session, text: str, *, by: Principal, field: str = "client") -> Client:
    """The client a person means by ``text``: its number, its id in another system, or its exact
    name (any case); a name several clients share is refused with a hint, never guessed."""
    require(by, READ)
    ref = text.strip()
    found = session.scalar(select(Client).where(Client.external_id == ref))
    if found is None and ref.isdigit() and len(ref) < 12:
        found = session.get(Client, int(ref))
    if found is None:
        # any case, in any script (SQLite's lower() folds ASCII only): the folded name, then the exact one
        folded = name_keys.fold(ref)
        candidates = session.scalars(select(Client).where(or_(
            Client.search_text == folded, Client.search_text.startswith(folded + "\n", autoescape=True))).limit(50))
        named = [c for c in candidates if c.name.casefold() == ref.casefold()][:2]
        if len(named) > 1:
            raise ValidationFailed(_("Several clients are called %(name)s; give the client's number instead.",
                                     name=ref), field=field)
        found = named[0] if named else None
    if found is None:
        raise ValidationFailed(_("No client is called or numbered %(ref)s.", ref=ref), field=field)
    return found
