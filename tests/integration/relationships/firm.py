"""A small firm for the relationship tests, made through the services (Core updates only for what
no service sets: when a client was added, a promise's at-risk reasons)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import update

from servicescape.auth.models import Role, Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.clients import service as clients
from servicescape.clients.models import Client
from servicescape.promises import service as promises
from servicescape.promises.complaints import complaints
from servicescape.promises.models import Promise
from servicescape.runtime import Runtime
from servicescape.tasks import service as tasks
from tests.conftest import make_staff

NOW = datetime.now(UTC)
ZONE = ZoneInfo("Asia/Kuala_Lumpur")  # the tests' settings


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def local(day: date, hour: int) -> datetime:
    """``hour`` o'clock on ``day`` on the firm's clock."""
    return datetime.combine(day, time(hour), tzinfo=ZONE)


def tomorrow() -> date:
    return NOW.astimezone(ZONE).date() + timedelta(days=1)


@dataclass
class Firm:
    runtime: Runtime
    people: dict[str, Staff] = field(default_factory=dict)

    def person(self, key: str, role: Role = Role.staff, name: str | None = None) -> Staff:
        if key not in self.people:
            self.people[key] = make_staff(self.runtime, role, email=f"{key}@firm.test", name=name or key.title())
        return self.people[key]

    def client(self, name: str, *, tier: str = "standard", owner: Staff | None = None, added_days_ago: float = 400,
               status: str = "active") -> int:
        with self.runtime.transaction() as session:
            client_id = clients.clients.create(session, {"name": name, "tier": tier, "status": status,
                                                         "owner_id": owner.id if owner else None}, by=SYSTEM).id
            session.execute(update(Client).where(Client.id == client_id).values(created_at=ago(added_days_ago)))
        return client_id

    def invoice(self, client_id: int, amount: str, currency: str = "EUR", days_ago: float = 30) -> None:
        with self.runtime.transaction() as session:
            clients.invoices.create(session, {"client_id": client_id, "amount": Decimal(amount), "currency": currency,
                                              "issued_on": ago(days_ago).date()}, by=SYSTEM)

    def contact(self, client_id: int, days_ago: float, staff: Staff | None = None) -> None:
        with self.runtime.transaction() as session:
            clients.interactions.create(session, {"client_id": client_id, "occurred_at": ago(days_ago),
                                                  "channel": "call", "summary": "Catch-up call",
                                                  "staff_id": staff.id if staff else None}, by=SYSTEM)

    def engagement(self, client_id: int, *, sold_by: Staff | None, delivered_by: Staff | None, days_ago: float = 60,
                   status: str = "active") -> int:
        with self.runtime.transaction() as session:
            return clients.engagements.create(session, {
                "client_id": client_id, "sold_by_id": sold_by.id if sold_by else None,
                "delivered_by_id": delivered_by.id if delivered_by else None, "start_date": ago(days_ago).date(),
                "status": status, "description": "Retainer"}, by=SYSTEM).id

    def promise(self, client_id: int, owner: Staff, start: datetime, *, hours: float = 2, title: str | None = None,
                at_risk: str | None = None, **fields: Any) -> int:
        with self.runtime.transaction() as session:
            promise_id = promises.promises.create(session, {
                "client_id": client_id, "owner_id": owner.id, "window_start": start,
                "window_end": start + timedelta(hours=hours), "title": title, **fields}, by=SYSTEM).id
            if at_risk:
                session.execute(update(Promise).where(Promise.id == promise_id).values(at_risk=at_risk))
        return promise_id

    def complaint(self, client_id: int, text: str = "Nobody came.") -> int:
        with self.runtime.transaction() as session:
            return complaints.create(session, {"client_id": client_id, "text": text}, by=SYSTEM).id

    def task(self, client_id: int | None, owner: Staff, *, kind: str, title: str, due: datetime) -> int:
        with self.runtime.transaction() as session:
            return tasks.tasks.create(session, {"client_id": client_id, "owner_id": owner.id, "kind": kind,
                                                "title": title, "due_at": due}, by=SYSTEM).id


def agenda_firm(runtime: Runtime, firm: Firm | None = None) -> tuple[Firm, dict[str, int]]:
    """Ana's day tomorrow: a promise, one at risk later, a recovery, a review, an overdue key
    client — and Ben's promise, which is not on her agenda. (``firm``: one that knows Ana already.)"""
    firm = firm or Firm(runtime)
    ana, ben = firm.person("ana", name="Ana Lim"), firm.person("ben", name="Ben Tan")
    day = tomorrow()
    ids = {"tan": firm.client("Tan Holdings", tier="key", owner=ana),
           "lee": firm.client("Lee & Partners", tier="growth", owner=ana, added_days_ago=10)}
    firm.invoice(ids["tan"], "12000.00")
    firm.contact(ids["tan"], 40)
    ids["visit"] = firm.promise(ids["tan"], ana, local(day, 10), title="Boiler service visit", place="Jalan Ampang 5")
    ids["report"] = firm.promise(ids["lee"], ana, local(day + timedelta(days=2), 9), title="Quarterly report",
                                 at_risk="unconfirmed")
    ids["bens"] = firm.promise(ids["lee"], ben, local(day, 11), title="Ben's visit")
    ids["recovery"] = firm.task(ids["tan"], ana, kind="recovery", title="Recover: missed visit for Tan Holdings",
                                due=local(day, 9))
    ids["review"] = firm.task(ids["tan"], ana, kind="review", title="Account review with Tan Holdings",
                              due=local(day + timedelta(days=3), 15))
    ids["later_review"] = firm.task(ids["tan"], ana, kind="review", title="Next year's review",
                                    due=local(day + timedelta(days=60), 15))
    return firm, ids
