"""Rules of the promise ledger: adding a promise, keeping, missing, cancelling and re-promising it.

* A promise's status follows from facts (``rules.outcome_of``): kept within the window, late after
  it, missed when nobody came. Re-promising never edits history: the new promise points back at
  the broken one, which stays broken.
* A broken promise opens a recovery task (the platform's shared task, once per promise); so does
  a late one beyond the tolerance of the client's tier.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

from servicescape.auth.models import Staff
from servicescape.auth.permissions import Principal, require
from servicescape.clients.models import Client, Engagement, Tier
from servicescape.db.crud import EntityService, about_field
from servicescape.db.paging import Page, paginate
from servicescape.db.types import utcnow
from servicescape.errors import Conflict, NotFound, ValidationFailed
from servicescape.i18n import N_, _
from servicescape.promises import recovery, rules
from servicescape.promises.capability import READ, WRITE
from servicescape.promises.models import BROKEN, Promise, PromiseKind, PromiseStatus
from servicescape.promises.policies import policy_for

#: fields set only by the actions below (keep, miss, cancel, re-promise, the sweep)
OUTCOME_FIELDS = ("status", "kept_at", "delivered_by_id", "lateness_minutes", "missed_at", "cancelled_at",
                  "repromised_from_id", "at_risk", "announced_at", "confirmed_at")
#: a kept time this far ahead of the clock is a typing error, not a fact
FUTURE_SLACK = timedelta(minutes=5)


class PromiseService(EntityService[Promise]):
    model = Promise
    label = N_("Promise")
    references: ClassVar[dict[str, Any]] = {"client_id": Client, "owner_id": Staff, "made_by_id": Staff,
                                            "engagement_id": Engagement}
    read_permission = READ
    write_permission = WRITE
    delete_permission = "promises.manage"

    def create(self, session: Session, data: dict[str, Any], *, by: Principal) -> Promise:
        data = {key: value for key, value in data.items() if key not in OUTCOME_FIELDS}
        if isinstance(by, Staff):
            data.setdefault("made_by_id", by.id)
            if data.get("owner_id") is None:
                data["owner_id"] = by.id
        return super().create(session, data, by=by)

    def update(self, session: Session, obj: Promise, changes: dict[str, Any], *, by: Principal) -> Promise:
        for field in OUTCOME_FIELDS:
            if field in changes:
                raise ValidationFailed(
                    _("%(field)s cannot be changed here; keep, miss, cancel or re-promise the promise.", field=field),
                    field=field)
        if obj.status != PromiseStatus.open and {"window_start", "window_end", "client_id"} & set(changes):
            raise Conflict(_("A promise that is no longer open keeps its window; re-promise it instead."),
                           field="window_start")
        return super().update(session, obj, changes, by=by)

    def check(self, session: Session, data: dict[str, Any], existing: Promise | None) -> dict[str, Any]:
        if existing is None or {"window_start", "window_end"} & set(data):
            rules.check_window(data.get("window_start", existing.window_start if existing else None),
                               data.get("window_end", existing.window_end if existing else None))
        kind = data.get("kind")
        if kind is not None and kind not in set(PromiseKind):
            raise ValidationFailed(_("Unknown kind of promise %(kind)s; choose one of %(kinds)s.", kind=kind,
                                     kinds=", ".join(PromiseKind)), field="kind")
        data = super().check(session, data, existing)
        engagement_id = data.get("engagement_id")
        client_id = data.get("client_id", existing.client_id if existing else None)
        if engagement_id is not None:
            engagement = session.get(Engagement, engagement_id)
            if engagement is not None and engagement.client_id != client_id:
                raise ValidationFailed(_("Engagement %(id)s belongs to another client.", id=engagement_id),
                                       field="engagement_id")
        return data


promises = PromiseService()


def _open_or_conflict(promise: Promise, action: str) -> None:
    if promise.status == PromiseStatus.cancelled:
        raise Conflict(_("A cancelled promise cannot be %(action)s.", action=action), field="status")
    if promise.status in (PromiseStatus.kept, PromiseStatus.late):
        raise Conflict(_("This promise was kept already; it cannot be %(action)s.", action=action), field="status")


def keep(session: Session, promise: Promise, *, kept_at: datetime | None = None, delivered_by_id: int | None = None,
         client_words: str | None = None, by: Principal) -> Promise:
    """Kept (or late, after the window's end) at ``kept_at`` by ``delivered_by_id`` (default: the
    owner). A promise the sweep marked missed can still be kept late: nobody came in the window,
    somebody came after it."""
    require(by, WRITE)
    _open_or_conflict(promise, _("kept"))
    now = utcnow()
    moment = kept_at or now
    if moment.tzinfo is None:
        raise about_field(ValidationFailed, N_("%(field)s needs a timezone (e.g. 2026-03-01T14:00:00+08:00)."),
                          "kept_at")
    if moment > now + FUTURE_SLACK:
        raise ValidationFailed(_("A promise cannot be kept in the future (kept_at is after now)."), field="kept_at")
    if delivered_by_id is not None and session.get(Staff, delivered_by_id) is None:
        raise about_field(ValidationFailed, N_("%(field)s %(value)s does not exist."), "delivered_by_id",
                          value=delivered_by_id)
    if client_words is not None:
        promises.check(session, {"client_words": client_words}, promise)
        promise.client_words = client_words.strip() or None
    promise.kept_at = moment
    promise.delivered_by_id = delivered_by_id or promise.owner_id
    promise.status = rules.outcome_of(promise.window_end, moment, False, now)
    promise.lateness_minutes = rules.lateness_minutes(promise.window_end, moment)
    promise.missed_at = None
    promise.at_risk = None
    session.flush()
    if promise.status == PromiseStatus.late:
        tier = session.scalar(select(Client.tier).where(Client.id == promise.client_id)) or Tier.standard
        if promise.lateness_minutes > policy_for(session, tier).late_tolerance_minutes:
            recovery.for_promise(session, promise, by=by)
    return promise


def miss(session: Session, promise: Promise, *, client_words: str | None = None, by: Principal) -> Promise:
    """Nobody came (or will come): missed now, and a recovery task opens."""
    require(by, WRITE)
    _open_or_conflict(promise, _("missed"))
    if promise.status == PromiseStatus.missed:
        raise Conflict(_("This promise is missed already."), field="status")
    if client_words is not None:
        promises.check(session, {"client_words": client_words}, promise)
        promise.client_words = client_words.strip() or None
    promise.status = PromiseStatus.missed
    promise.missed_at = utcnow()
    promise.at_risk = None
    session.flush()
    recovery.for_promise(session, promise, by=by)
    return promise


def cancel(session: Session, promise: Promise, *, reason: str | None = None, by: Principal) -> Promise:
    """Called off (by agreement with the client): out of the reliability figures."""
    require(by, WRITE)
    if promise.status != PromiseStatus.open:
        raise Conflict(_("Only an open promise can be cancelled."), field="status")
    if reason:
        promise.notes = f"{promise.notes}\n{reason.strip()}".strip() if promise.notes else reason.strip()
        promises.check(session, {"notes": promise.notes}, promise)
    promise.status = PromiseStatus.cancelled
    promise.cancelled_at = utcnow()
    promise.at_risk = None
    session.flush()
    return promise


def confirm(session: Session, promise: Promise, *, by: Principal) -> Promise:
    """The window is confirmed (with the client, by the owner): no longer at risk for want of it."""
    require(by, WRITE)
    if promise.status != PromiseStatus.open:
        raise Conflict(_("Only an open promise can be confirmed."), field="status")
    promise.confirmed_at = utcnow()
    if promise.at_risk:
        reasons = [r for r in promise.at_risk.split(",") if r != "unconfirmed"]
        promise.at_risk = ",".join(reasons) or None
    session.flush()
    return promise


def repromise(session: Session, promise: Promise, data: dict[str, Any], *, by: Principal) -> Promise:
    """A new promise for a broken (or breaking) one: the old stays as it was, broken; an open one
    is missed now (the client was let down, however early they were told)."""
    require(by, WRITE)
    if promise.status in (PromiseStatus.cancelled, PromiseStatus.kept):
        raise Conflict(_("Only a broken or open promise can be re-promised."), field="status")
    follower = session.scalar(select(Promise.id).where(Promise.repromised_from_id == promise.id))
    if follower is not None:
        raise Conflict(_("This promise was re-promised already (promise %(id)s).", id=follower),
                       field="repromised_from_id")
    if promise.status == PromiseStatus.open:
        miss(session, promise, by=by)
    fields = {"client_id": promise.client_id, "engagement_id": promise.engagement_id, "kind": promise.kind,
              "title": promise.title, "place": promise.place, "owner_id": promise.owner_id}
    fields.update({key: value for key, value in data.items() if value is not None})
    created = promises.create(session, fields, by=by)
    created.repromised_from_id = promise.id
    session.flush()
    return created


def chain(session: Session, promise: Promise, *, by: Principal) -> list[Promise]:
    """The promise's whole story, first promise first: what it re-promised and what re-promised it
    (with their owners and deliverers)."""
    require(by, READ)
    loaded = select(Promise).options(joinedload(Promise.owner), joinedload(Promise.delivered_by))
    story = [promise]
    current: Promise | None = promise
    while current is not None and current.repromised_from_id is not None and len(story) < 100:
        current = session.scalar(loaded.where(Promise.id == current.repromised_from_id))
        if current is not None:
            story.insert(0, current)
    current = promise
    while current is not None and len(story) < 100:
        current = session.scalar(loaded.where(Promise.repromised_from_id == current.id))
        if current is not None:
            story.append(current)
    return story


# --- the ledger -------------------------------------------------------------------------------------

VIEWS = ("upcoming", "at_risk", "broken", "all")


@dataclass(frozen=True)
class PromiseFilters:
    view: str = "upcoming"          # upcoming (open, soonest first) | at_risk | broken | all (newest first)
    status: PromiseStatus | None = None
    owner_id: int | None = None
    client_id: int | None = None
    kind: PromiseKind | None = None
    since: datetime | None = None   # window_start from
    until: datetime | None = None   # window_start before


def _ledger_query(filters: PromiseFilters) -> Select[Any]:
    if filters.view not in VIEWS:
        raise ValidationFailed(_("Unknown value %(value)s for %(field)s.", value=filters.view, field="view"),
                               field="view")
    query = select(Promise).options(joinedload(Promise.client), joinedload(Promise.owner),
                                    joinedload(Promise.delivered_by))
    for column, value in ((Promise.status, filters.status), (Promise.owner_id, filters.owner_id),
                          (Promise.client_id, filters.client_id), (Promise.kind, filters.kind)):
        if value is not None:
            query = query.where(column == value)
    if filters.since is not None:
        query = query.where(Promise.window_start >= filters.since)
    if filters.until is not None:
        query = query.where(Promise.window_start < filters.until)
    if filters.view == "upcoming":
        return query.where(Promise.status == PromiseStatus.open).order_by(Promise.window_start, Promise.id)
    if filters.view == "at_risk":
        return (query.where(Promise.status == PromiseStatus.open, Promise.at_risk.is_not(None))
                .order_by(Promise.window_start, Promise.id))
    if filters.view == "broken":
        query = query.where(Promise.status.in_(BROKEN))
    return query.order_by(Promise.window_start.desc(), Promise.id.desc())


def ledger(session: Session, filters: PromiseFilters, *, page: int = 1, per_page: int = 50, clamp: bool = False,
           by: Principal) -> Page[Promise]:
    require(by, READ)
    return paginate(session, _ledger_query(filters), page=page, per_page=per_page, clamp=clamp)


def get_promise(session: Session, promise_id: int, *, by: Principal) -> Promise:
    """One promise with its client, owner, maker and who delivered it."""
    require(by, READ)
    found = session.scalar(select(Promise).options(
        joinedload(Promise.client), joinedload(Promise.owner), joinedload(Promise.made_by),
        joinedload(Promise.delivered_by), joinedload(Promise.engagement)).where(Promise.id == promise_id))
    if found is None:
        raise NotFound(_("%(entity)s %(id)s does not exist.", entity=_("Promise"), id=promise_id))
    return found


def client_promises(session: Session, client_id: int, *, by: Principal, limit: int = 20) -> list[Promise]:
    """A client's promises, newest window first (the client page's ledger)."""
    require(by, READ)
    return list(session.scalars(
        select(Promise).options(joinedload(Promise.owner), joinedload(Promise.delivered_by))
        .where(Promise.client_id == client_id).order_by(Promise.window_start.desc(), Promise.id.desc()).limit(limit)
    ))
