"""Key accounts and continuity.

* Key accounts: the smallest set of clients that brings 80% of the last twelve months' revenue
  (in the reporting currency), each with its last contact, next review, open promises, open
  complaints and open recovery tasks.
* Continuity: the share of engagements delivered by the person who sold them; how many different
  people delivered to each client in a year; a "new face" when a key account gets a delivery person
  it has never worked with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

import numpy as np
from sqlalchemy import Integer, and_, cast, func, select, union
from sqlalchemy.orm import Session

from servicescape.auth.models import Staff
from servicescape.auth.permissions import Principal, require
from servicescape.clients.models import Client, Engagement, EngagementStatus, Interaction, Invoice, Tier
from servicescape.db.arrays import numbers
from servicescape.errors import ValidationFailed
from servicescape.i18n import _
from servicescape.offerings import service as offerings
from servicescape.platform.registry import registry
from servicescape.promises.models import Complaint, ComplaintStatus, Promise, PromiseStatus
from servicescape.relationships.capability import NEW_FACE, READ, REVIEW
from servicescape.tasks import service as tasks
from servicescape.tasks.models import Task, TaskPriority, TaskStatus

SHARE = 0.8
WINDOW = timedelta(days=365)


@dataclass(frozen=True)
class KeyAccount:
    client_id: int
    name: str
    tier: Tier
    owner_name: str | None
    revenue: float
    revenue_share: float             # of the whole firm's
    cumulative_share: float
    last_contact_at: datetime | None
    next_review_at: datetime | None
    open_promises: int
    open_complaints: int
    open_recoveries: int
    #: the reviews the account's profile records (where a capability records profiles)
    last_review_on: date | None = None
    planned_review_on: date | None = None


@dataclass(frozen=True)
class KeyAccounts:
    currency: str
    since: datetime
    total_revenue: float
    accounts: list[KeyAccount]       # the whole set, or one page of it (``per_page``)
    clients_with_revenue: int
    #: invoiced in currencies without a rate: left out, per currency (number of invoices)
    unconverted: dict[str, int] = field(default_factory=dict)
    count: int = 0                   # how many key accounts (the whole set)
    key_revenue: float = 0.0         # their revenue together
    page: int = 1
    per_page: int | None = None      # None: ``accounts`` is the whole set

    @property
    def revenue_share(self) -> float:
        return round(self.key_revenue / self.total_revenue, 4) if self.total_revenue else 0.0

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.per_page)) if self.per_page else 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "currency": self.currency, "since": self.since.isoformat(), "total_revenue": round(self.total_revenue, 2),
            "revenue_share": self.revenue_share, "clients": self.count,
            "clients_with_revenue": self.clients_with_revenue, "unconverted_invoices": self.unconverted,
            "page": self.page, "per_page": self.per_page, "pages": self.pages,
            "accounts": [{
                "client_id": a.client_id, "name": a.name, "tier": str(a.tier), "owner": a.owner_name,
                "revenue": round(a.revenue, 2), "revenue_share": round(a.revenue_share, 4),
                "cumulative_share": round(a.cumulative_share, 4),
                "last_contact_at": a.last_contact_at.isoformat() if a.last_contact_at else None,
                "next_review_at": a.next_review_at.isoformat() if a.next_review_at else None,
                "last_review_on": a.last_review_on.isoformat() if a.last_review_on else None,
                "planned_review_on": a.planned_review_on.isoformat() if a.planned_review_on else None,
                "open_promises": a.open_promises, "open_complaints": a.open_complaints,
                "open_recoveries": a.open_recoveries,
            } for a in self.accounts],
        }


def key_accounts(session: Session, *, now: datetime, reporting_currency: str, share: float = SHARE,
                 page: int = 1, per_page: int | None = None, clamp: bool = False, by: Principal) -> KeyAccounts:
    """The key accounts, largest first: all of them, or the ``page`` of ``per_page`` (details are
    read for the accounts returned only; a large firm has thousands of key accounts)."""
    require(by, READ)
    if not 0 < share <= 1:
        raise ValidationFailed(_("The share must be more than 0 and at most 1."), field="share")
    if page < 1 or (per_page is not None and not 1 <= per_page <= 500):
        raise ValidationFailed(_("per_page must be between 1 and %(max)s", max=500), field="per_page")
    ranked = _rank(session, now, reporting_currency, share)
    chosen, total, running = ranked.chosen, ranked.total, ranked.key_revenue
    shown = chosen
    if per_page is not None:
        if clamp:
            page = min(page, max(1, -(-len(chosen) // per_page)))
        shown = chosen[(page - 1) * per_page:page * per_page]
    accounts = _details(session, shown, total, now)
    return KeyAccounts(reporting_currency, ranked.since, total, accounts, ranked.clients_with_revenue,
                       ranked.unconverted, count=len(chosen), key_revenue=running, page=page, per_page=per_page)


@dataclass(frozen=True)
class Ranking:
    since: datetime
    total: float
    chosen: list[tuple[int, float, float]]      # (client, revenue, cumulative share), largest first
    key_revenue: float
    clients_with_revenue: int
    unconverted: dict[str, int]


def _rank(session: Session, now: datetime, reporting_currency: str, share: float) -> Ranking:
    since = now - WINDOW
    known = offerings.rates(session, reporting_currency)
    converted = offerings.in_reporting_currency(Invoice.amount, Invoice.currency, known)
    in_window = and_(Invoice.issued_on > since.date(), Invoice.issued_on <= now.date())   # 365 days to today
    revenue = func.sum(converted).label("revenue")
    table = numbers(session, select(Invoice.client_id, revenue).where(in_window, Invoice.currency.in_(known))
                    .group_by(Invoice.client_id).having(revenue > 0).order_by(revenue.desc(), Invoice.client_id), 2)
    unconverted = dict(session.execute(
        select(Invoice.currency, func.count()).where(in_window, Invoice.currency.not_in(known))
        .group_by(Invoice.currency)).all())
    # the largest first until they make ``share`` of the revenue (cumsum adds in order, as a loop would)
    amounts = table[:, 1]
    running = np.cumsum(amounts)
    total = float(running[-1]) if len(running) else 0.0
    taken = int(np.count_nonzero(running - amounts < share * total - 1e-9)) if total else 0
    chosen = [(int(client_id), float(amount), float(cumulative) / total)
              for client_id, amount, cumulative in zip(table[:taken, 0], amounts[:taken], running[:taken], strict=True)]
    key_revenue = float(running[taken - 1]) if taken else 0.0
    return Ranking(since, total, chosen, key_revenue, len(table), unconverted)


def key_account_ranking(session: Session, *, now: datetime, reporting_currency: str,
                        by: Principal) -> list[tuple[int, str, float]]:
    """The key accounts as (client id, name, revenue), largest first, without the details
    :func:`key_accounts` reads: for figures that only count them."""
    require(by, READ)
    chosen = _rank(session, now, reporting_currency, SHARE).chosen
    ids = [client_id for client_id, _amount, _cumulative in chosen]
    names: dict[int, str] = {}
    for start in range(0, len(ids), CHUNK):
        names.update({client_id: name for client_id, name in session.execute(
            select(Client.id, Client.name).where(Client.id.in_(ids[start:start + CHUNK])))})
    return [(client_id, names[client_id], amount) for client_id, amount, _cumulative in chosen]


def _counts(session: Session, statement: Any) -> dict[int, int]:
    return {client_id: count for client_id, count in session.execute(statement)}


#: ids per ``IN (...)`` of the details' queries (PostgreSQL takes at most 65,535 parameters)
CHUNK = 5000


def _details(session: Session, chosen: list[tuple[int, float, float]], total: float, now: datetime) -> list[KeyAccount]:
    found: list[KeyAccount] = []
    for start in range(0, len(chosen), CHUNK):
        found += _details_of(session, chosen[start:start + CHUNK], total)
    return found


def _details_of(session: Session, chosen: list[tuple[int, float, float]], total: float) -> list[KeyAccount]:
    ids = [client_id for client_id, _amount, _cumulative in chosen]
    if not ids:
        return []
    clients = {c.id: c for c in session.scalars(select(Client).where(Client.id.in_(ids)))}
    owners = dict(session.execute(select(Staff.id, Staff.name).where(
        Staff.id.in_({c.owner_id for c in clients.values() if c.owner_id}))).all())
    last = dict(session.execute(select(Interaction.client_id, func.max(Interaction.occurred_at))
                                .where(Interaction.client_id.in_(ids)).group_by(Interaction.client_id)).all())
    reviews = dict(session.execute(select(Task.client_id, func.min(Task.due_at)).where(
        Task.client_id.in_(ids), Task.kind == REVIEW, Task.status == TaskStatus.open)
        .group_by(Task.client_id)).all())
    promises = _counts(session, select(Promise.client_id, func.count()).where(
        Promise.client_id.in_(ids), Promise.status == PromiseStatus.open).group_by(Promise.client_id))
    complaints = _counts(session, select(Complaint.client_id, func.count()).where(
        Complaint.client_id.in_(ids), Complaint.status != ComplaintStatus.resolved).group_by(Complaint.client_id))
    recoveries = _counts(session, select(Task.client_id, func.count()).where(
        Task.client_id.in_(ids), Task.kind == "recovery", Task.status == TaskStatus.open).group_by(Task.client_id))
    recorded = review_dates(session, ids)
    found = []
    for client_id, amount, cumulative in chosen:
        client = clients[client_id]
        found.append(KeyAccount(
            client_id, client.name, client.tier, owners.get(client.owner_id) if client.owner_id else None, amount,
            amount / total if total else 0.0, cumulative, last.get(client_id), reviews.get(client_id),
            promises.get(client_id, 0), complaints.get(client_id, 0), recoveries.get(client_id, 0),
            *recorded.get(client_id, (None, None))))
    return found


def review_dates(session: Session, client_ids: list[int]) -> dict[int, tuple[date | None, date | None]]:
    """Client → (last review, next review) as the capabilities that keep account profiles record
    them (the hook "account_reviews"; nothing when none does)."""
    found: dict[int, tuple[date | None, date | None]] = {}
    for provide in registry().provided("account_reviews"):
        found.update(provide(session, client_ids))
    return found


def review_due(account: KeyAccount, now: datetime, zone: tzinfo) -> datetime:
    """When the watch's review of an account falls due: on the day its profile plans the next review
    (9:00 on the firm's clock), or in a fortnight when none is planned or the day has gone by."""
    planned = account.planned_review_on
    if planned is not None and planned > now.astimezone(zone).date():
        return datetime.combine(planned, time(9), tzinfo=zone)
    return now + timedelta(days=14)


def review_overdue(account: KeyAccount, now: datetime, zone: tzinfo) -> bool:
    """Whether the account's next review is late: its open review task's due time has gone by, or, with
    no task open, the day its profile planned."""
    if account.next_review_at is not None:
        return account.next_review_at < now
    return account.planned_review_on is not None and account.planned_review_on < now.astimezone(zone).date()


# --- continuity -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Continuity:
    since: datetime
    engagements: int                # sold and delivered by someone known, started in the period
    same_person: int                # ... by the same person
    clients: int                    # clients delivered to in the period
    mean_delivery_staff: float | None
    distribution: dict[str, int]    # "1", "2", "3+" delivery people → clients

    @property
    def same_person_share(self) -> float | None:
        return round(self.same_person / self.engagements, 4) if self.engagements else None

    def as_dict(self) -> dict[str, Any]:
        return {"since": self.since.isoformat(), "engagements": self.engagements, "same_person": self.same_person,
                "same_person_share": self.same_person_share, "clients": self.clients,
                "mean_delivery_staff": self.mean_delivery_staff, "distribution": self.distribution}


def _deliveries(since: datetime, now: datetime) -> Any:
    """(client, delivery person) pairs of the period: engagements' and kept promises' deliverers."""
    return union(
        select(Engagement.client_id.label("client_id"), Engagement.delivered_by_id.label("staff_id")).where(
            Engagement.delivered_by_id.is_not(None), Engagement.status != EngagementStatus.cancelled,
            Engagement.start_date >= since.date(), Engagement.start_date <= now.date()),
        select(Promise.client_id, Promise.delivered_by_id).where(
            Promise.delivered_by_id.is_not(None), Promise.kept_at >= since, Promise.kept_at <= now),
    ).subquery()


def continuity(session: Session, *, now: datetime, days: int = 365, with_spread: bool = True,
               by: Principal) -> Continuity:
    """Engagements started in the ``days`` to ``now`` sold and delivered by the same person, and
    (``with_spread``) how many people delivered to each client (left out, and zero, when not asked)."""
    require(by, READ)
    since = now - timedelta(days=days)
    sold = session.execute(select(
        func.count(), func.coalesce(func.sum(cast(Engagement.sold_by_id == Engagement.delivered_by_id, Integer)), 0))
        .where(Engagement.sold_by_id.is_not(None), Engagement.delivered_by_id.is_not(None),
               Engagement.status != EngagementStatus.cancelled,
               Engagement.start_date >= since.date(), Engagement.start_date <= now.date())).one()
    if not with_spread:
        return Continuity(since, int(sold[0]), int(sold[1]), 0, None, {"1": 0, "2": 0, "3+": 0})
    pairs = _deliveries(since, now)
    per_client = select(pairs.c.client_id, func.count().label("people")).group_by(pairs.c.client_id).subquery()
    spread: dict[int, int] = dict(session.execute(
        select(per_client.c.people, func.count()).group_by(per_client.c.people)).all())
    clients = sum(spread.values())
    people = sum(n * count for n, count in spread.items())
    distribution = {"1": spread.get(1, 0), "2": spread.get(2, 0),
                    "3+": sum(count for n, count in spread.items() if n >= 3)}
    return Continuity(since, int(sold[0]), int(sold[1]), clients,
                      round(people / clients, 2) if clients else None, distribution)


@dataclass(frozen=True)
class NewFace:
    client_id: int
    client_name: str
    staff_id: int
    staff_name: str
    first_at: datetime
    promise_id: int


def new_faces(session: Session, *, now: datetime, days: int = 30, by: Principal) -> list[NewFace]:
    """Key accounts that met (or are about to meet) a delivery person they never worked with: the
    owner of a promise in the last ``days`` or the coming ``days`` who never delivered to them before."""
    require(by, READ)
    person = func.coalesce(Promise.delivered_by_id, Promise.owner_id)
    recent = session.execute(
        select(Promise.id, Promise.client_id, Client.name, person, Staff.name, Promise.window_start)
        .join(Client, Client.id == Promise.client_id).join(Staff, Staff.id == person)
        .where(Client.tier == Tier.key, Promise.window_start >= now - timedelta(days=days),
               Promise.window_start < now + timedelta(days=days), Promise.status != PromiseStatus.cancelled)
        .order_by(Promise.window_start, Promise.id)
    ).all()
    faces: dict[tuple[int, int], NewFace] = {}
    for promise_id, client_id, client_name, staff_id, staff_name, start in recent:
        if (client_id, staff_id) not in faces:
            faces[(client_id, staff_id)] = NewFace(client_id, client_name, staff_id, staff_name, start, promise_id)
    if not faces:
        return []
    clients = {client_id for client_id, _staff in faces}
    before = {(c, s, at) for c, s, at in session.execute(
        select(Promise.client_id, person, func.min(Promise.window_start)).where(
            Promise.client_id.in_(clients), Promise.status.in_((PromiseStatus.kept, PromiseStatus.late)))
        .group_by(Promise.client_id, person))}
    worked = {(c, s): at for c, s, at in before}
    engaged: dict[tuple[int, Any], Any] = {(c, s): start for c, s, start in session.execute(
        select(Engagement.client_id, Engagement.delivered_by_id, func.min(Engagement.start_date)).where(
            Engagement.client_id.in_(clients), Engagement.delivered_by_id.is_not(None),
            Engagement.status != EngagementStatus.cancelled, Engagement.start_date.is_not(None))
        .group_by(Engagement.client_id, Engagement.delivered_by_id))}
    # new: never delivered to the client before the first promise of the period (a delivery since is part of it)
    return [face for key, face in faces.items()
            if (key not in engaged or engaged[key] >= face.first_at.date())
            and (key not in worked or worked[key] >= face.first_at)]


def open_watch_tasks(session: Session, *, now: datetime, reporting_currency: str, zone: tzinfo,
                     by: Principal) -> dict[str, int]:
    """The daily watch: a review for each key account with no open one (due on the day its profile
    plans, else in a fortnight); a task for each new face."""
    accounts = key_accounts(session, now=now, reporting_currency=reporting_currency, by=by).accounts
    client_owner = dict(session.execute(select(Client.id, Client.owner_id).where(
        Client.id.in_([a.client_id for a in accounts]))).all()) if accounts else {}
    quarter = (now.month - 1) // 3 + 1
    rows = [{
        "kind": REVIEW, "title": _("Account review with %(client)s", client=account.name)[:300],
        "client_id": account.client_id, "owner_id": client_owner.get(account.client_id),
        "due_at": review_due(account, now, zone),
        "priority": TaskPriority.normal, "rule": "relationships.review",
        "dedupe_key": f"relationships.review:{account.client_id}:{now.year}Q{quarter}",
    } for account in accounts if account.next_review_at is None]
    faces = new_faces(session, now=now, by=by)
    owners = dict(session.execute(select(Client.id, Client.owner_id).where(
        Client.id.in_({f.client_id for f in faces}))).all()) if faces else {}
    rows += [{
        "kind": NEW_FACE, "title": _("%(person)s is new to %(client)s: introduce them", person=face.staff_name,
                                     client=face.client_name)[:300],
        "client_id": face.client_id, "owner_id": owners.get(face.client_id), "related_type": "promise",
        "related_id": face.promise_id, "due_at": max(now, face.first_at - timedelta(days=1)),
        "priority": TaskPriority.high, "rule": "relationships.new_face",
        "dedupe_key": f"relationships.new_face:{face.client_id}:{face.staff_id}",
    } for face in faces]
    opened = tasks.insert_many(session, rows, now=now, by=by)
    return {"key_accounts": len(accounts), "new_faces": len(faces), "tasks_opened": opened}
