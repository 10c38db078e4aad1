"""What each key account values: the needs recorded, the criteria it weighs when choosing a provider
(weights out of 100, summing to 100), how it chooses, its last and next review — and the key-account
review's view of them (whose needs were never recorded, whose review is overdue).

The criteria can be prefilled from the client's SERVQUAL importance split: the five dimensions
with the points the client gave them in its latest answer that has one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from servicescape.auth.models import Staff
from servicescape.auth.permissions import Principal, require
from servicescape.clients.models import Client
from servicescape.db.columns import text_limit
from servicescape.db.crud import about_field
from servicescape.db.types import utcnow
from servicescape.errors import NotFound, ValidationFailed
from servicescape.i18n import N_, _
from servicescape.plan.capability import READ, WRITE
from servicescape.plan.models import AccountProfile, DecisionCriterion
from servicescape.quality.instrument import DIMENSION_LABELS, DIMENSIONS
from servicescape.quality.models import ItemKind, SurveyAnswer, SurveyItem, SurveyResponse

TOTAL = 100
MAX_CRITERIA = 20
SERVQUAL, ENTERED = "servqual", "entered"
PROFILE_FIELDS = ("needs", "how_they_choose", "last_review_on", "next_review_on")
#: ids per ``IN (...)`` (PostgreSQL takes at most 65,535 parameters)
CHUNK = 5000


@dataclass(frozen=True)
class Criterion:
    name: str
    weight: int
    position: int = 0
    source: str = ENTERED


@dataclass(frozen=True)
class Profile:
    """A client's profile as shown: empty fields when none was recorded."""

    client_id: int
    needs: str | None = None
    how_they_choose: str | None = None
    last_review_on: date | None = None
    next_review_on: date | None = None
    updated_by_id: int | None = None
    updated_at: datetime | None = None
    criteria: list[Criterion] = field(default_factory=list)
    servqual_split: dict[str, int] | None = None

    @property
    def needs_recorded(self) -> bool:
        """Both halves of what the account values: its needs in words and its weighted criteria."""
        return bool((self.needs or "").strip()) and bool(self.criteria)

    @property
    def never_recorded(self) -> bool:
        return not (self.needs or "").strip() and not self.criteria and not (self.how_they_choose or "").strip()

    def review_overdue(self, today: date) -> bool:
        return self.next_review_on is not None and self.next_review_on < today

    def as_dict(self) -> dict[str, Any]:
        return {"client_id": self.client_id, "needs": self.needs, "how_they_choose": self.how_they_choose,
                "last_review_on": self.last_review_on, "next_review_on": self.next_review_on,
                "updated_by_id": self.updated_by_id, "updated_at": self.updated_at,
                "criteria": [{"name": c.name, "weight": c.weight, "position": c.position, "source": c.source}
                             for c in self.criteria],
                "servqual_split": self.servqual_split}


# --- reading ------------------------------------------------------------------------------------

def _client(session: Session, client_id: int) -> Client:
    client = session.get(Client, client_id)
    if client is None:
        raise NotFound(_("%(entity)s %(id)s does not exist.", entity=_("Client"), id=client_id))
    return client


def profiles_for(session: Session, client_ids: Iterable[int], *, by: Principal) -> dict[int, Profile]:
    """The recorded profile and criteria of each client that has either (for the key-account review).
    Clients without one are left out."""
    require(by, READ)
    ids = sorted(set(client_ids))
    rows: dict[int, AccountProfile] = {}
    criteria: dict[int, list[Criterion]] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        rows.update({p.client_id: p for p in session.scalars(
            select(AccountProfile).where(AccountProfile.client_id.in_(chunk)))})
        for c in session.scalars(select(DecisionCriterion).where(DecisionCriterion.client_id.in_(chunk))
                                 .order_by(DecisionCriterion.client_id, DecisionCriterion.position,
                                           DecisionCriterion.id)):
            criteria.setdefault(c.client_id, []).append(Criterion(c.name, c.weight, c.position, c.source))
    found = {}
    for client_id in set(rows) | set(criteria):
        p = rows.get(client_id)
        found[client_id] = Profile(
            client_id, p.needs if p else None, p.how_they_choose if p else None, p.last_review_on if p else None,
            p.next_review_on if p else None, p.updated_by_id if p else None, p.updated_at if p else None,
            criteria.get(client_id, []))
    return found


def review_dates(session: Session, client_ids: Iterable[int]) -> dict[int, tuple[date | None, date | None]]:
    """Client → (last review, next review) of the profiles that record either: what relationships'
    key-account review reads (the registry's hook "account_reviews")."""
    ids = sorted(set(client_ids))
    found: dict[int, tuple[date | None, date | None]] = {}
    for start in range(0, len(ids), CHUNK):
        found.update({client_id: (last, following) for client_id, last, following in session.execute(
            select(AccountProfile.client_id, AccountProfile.last_review_on, AccountProfile.next_review_on)
            .where(AccountProfile.client_id.in_(ids[start:start + CHUNK]),
                   (AccountProfile.last_review_on.is_not(None)) | (AccountProfile.next_review_on.is_not(None))))})
    return found


def profile_of(session: Session, client_id: int, *, by: Principal) -> Profile:
    """A client's profile (empty when nothing was recorded) with its SERVQUAL importance split."""
    require(by, READ)
    _client(session, client_id)
    found = profiles_for(session, [client_id], by=by).get(client_id, Profile(client_id))
    return Profile(**{**found.__dict__, "servqual_split": servqual_splits(session, [client_id]).get(client_id)})


# --- the SERVQUAL importance split -------------------------------------------------------------------

def whole_points(points: Mapping[str, float], total: int = TOTAL) -> dict[str, int]:
    """Points per dimension as whole numbers adding up to ``total`` (largest remainders; an imported
    split that does not add up is scaled). Empty when nothing was given."""
    given = {d: max(0.0, float(points.get(d) or 0.0)) for d in DIMENSIONS}
    whole = sum(given.values())
    if whole <= 0:
        return {}
    exact = {d: given[d] * total / whole for d in DIMENSIONS}
    found = {d: int(exact[d]) for d in DIMENSIONS}
    short = total - sum(found.values())
    for d in sorted(DIMENSIONS, key=lambda d: (-(exact[d] - found[d]), DIMENSIONS.index(d)))[:short]:
        found[d] += 1
    return found


def servqual_splits(session: Session, client_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Each client's importance split from its latest submitted answer that has one."""
    ids = sorted(set(client_ids))
    latest: dict[int, int] = {}
    for start in range(0, len(ids), CHUNK):
        # a correlated EXISTS: an index seek per response of these clients (an IN over every
        # importance answer of the firm read them all, half a second at 100,000 clients)
        answered = (select(SurveyAnswer.response_id).join(SurveyItem, SurveyItem.id == SurveyAnswer.item_id)
                    .where(SurveyAnswer.response_id == SurveyResponse.id, SurveyItem.kind == ItemKind.importance,
                           SurveyAnswer.number.is_not(None)).exists())
        for response_id, client_id in session.execute(
                select(SurveyResponse.id, SurveyResponse.client_id)
                .where(SurveyResponse.client_id.in_(ids[start:start + CHUNK]),
                       SurveyResponse.submitted_at.is_not(None), answered)
                .order_by(SurveyResponse.client_id, SurveyResponse.submitted_at.desc(), SurveyResponse.id.desc())):
            latest.setdefault(client_id, response_id)
    points: dict[int, dict[str, float]] = {}
    responses = list(latest.values())
    for start in range(0, len(responses), CHUNK):
        for response_id, dimension, number in session.execute(
                select(SurveyAnswer.response_id, SurveyItem.dimension, SurveyAnswer.number)
                .join(SurveyItem, SurveyItem.id == SurveyAnswer.item_id)
                .where(SurveyAnswer.response_id.in_(responses[start:start + CHUNK]),
                       SurveyItem.kind == ItemKind.importance, SurveyItem.dimension.in_(DIMENSIONS))):
            if dimension is not None:
                points.setdefault(response_id, {})[dimension] = float(number or 0)
    found = {}
    for client_id, response_id in latest.items():
        split = whole_points(points.get(response_id, {}))
        if split:
            found[client_id] = split
    return found


# --- writing ------------------------------------------------------------------------------------------

def check_criteria(criteria: list[Mapping[str, Any]]) -> list[Criterion]:
    """Named, each weighed 0–100, no name twice, and the weights adding up to 100 (when any are
    given); else a 422 about ``criteria``."""
    if len(criteria) > MAX_CRITERIA:
        raise about_field(ValidationFailed, N_("%(field)s: at most %(n)s criteria."), "criteria", n=MAX_CRITERIA)
    found: list[Criterion] = []
    seen: set[str] = set()
    for position, item in enumerate(criteria):
        name = str(item.get("name") or "").strip()
        weight = item.get("weight")
        if not name or len(name) > 200:
            raise about_field(ValidationFailed, N_("%(field)s: each criterion needs a name of at most 200 "
                                                   "characters."), "criteria")
        if name.casefold() in seen:
            raise about_field(ValidationFailed, N_("%(field)s: %(name)s is named twice."), "criteria", name=name)
        if isinstance(weight, bool) or not isinstance(weight, int) or not 0 <= weight <= TOTAL:
            raise about_field(ValidationFailed, N_("%(field)s: each weight is a whole number from 0 to 100."),
                              "criteria")
        seen.add(name.casefold())
        found.append(Criterion(name, weight, position, str(item.get("source") or ENTERED)))
    total = sum(c.weight for c in found)
    if found and total != TOTAL:
        raise about_field(ValidationFailed, N_("%(field)s: the weights add up to %(total)s; they must add up to "
                                               "100."), "criteria", total=total)
    return found


def _check_profile(data: Mapping[str, Any]) -> None:
    columns = AccountProfile.__table__.columns
    for name in ("needs", "how_they_choose"):
        value = data.get(name)
        limit = text_limit(columns[name])
        if isinstance(value, str) and limit is not None and len(value) > limit:
            raise about_field(ValidationFailed, N_("%(field)s is longer than %(n)s characters."), name, n=limit)
    last, upcoming = data.get("last_review_on"), data.get("next_review_on")
    if last is not None and upcoming is not None and upcoming < last:
        raise about_field(ValidationFailed, N_("%(field)s must be on or after the last review."), "next_review_on")


def save_profile(session: Session, client_id: int, changes: Mapping[str, Any], *, by: Principal) -> Profile:
    """Record what a client values: the fields given change (``criteria``, when given, replaces the
    client's criteria as entered). Nothing is saved when a field is wrong."""
    require(by, WRITE)
    _client(session, client_id)
    profile = session.get(AccountProfile, client_id)
    merged = {name: changes.get(name, getattr(profile, name) if profile else None) for name in PROFILE_FIELDS}
    _check_profile(merged)
    criteria = None
    if changes.get("criteria") is not None:
        criteria = check_criteria([{**dict(c), "source": ENTERED} for c in changes["criteria"]])
    if profile is None:
        profile = AccountProfile(client_id=client_id)
        session.add(profile)
    for name in PROFILE_FIELDS:
        if name in changes:
            value = changes[name]
            setattr(profile, name, (value.strip() or None) if isinstance(value, str) else value)
    profile.updated_by_id = by.id if isinstance(by, Staff) else None
    profile.updated_at = utcnow()
    if criteria is not None:
        _replace_criteria(session, client_id, criteria)
    session.flush()
    return profile_of(session, client_id, by=by)


def _replace_criteria(session: Session, client_id: int, criteria: list[Criterion]) -> None:
    session.execute(delete(DecisionCriterion).where(DecisionCriterion.client_id == client_id))
    session.flush()
    session.add_all(DecisionCriterion(client_id=client_id, name=c.name, weight=c.weight, position=c.position,
                                      source=c.source) for c in criteria)


def servqual_criteria(split: Mapping[str, int]) -> list[Criterion]:
    """The five dimensions (in the reader's language) with the client's points."""
    return [Criterion(_(DIMENSION_LABELS[d]), int(split[d]), n, SERVQUAL) for n, d in enumerate(DIMENSIONS)]


def prefill_from_servqual(session: Session, client_id: int, *, by: Principal) -> Profile:
    """Set the client's criteria to the five SERVQUAL dimensions weighted by its latest importance
    split (replacing those entered); a 422 when the client never gave one."""
    require(by, WRITE)
    _client(session, client_id)
    split = servqual_splits(session, [client_id]).get(client_id)
    if split is None:
        raise about_field(ValidationFailed, N_("%(field)s: this client has not split importance points in a "
                                               "SERVQUAL survey yet."), "criteria")
    profile = session.get(AccountProfile, client_id)
    if profile is None:
        profile = AccountProfile(client_id=client_id)
        session.add(profile)
    profile.updated_by_id = by.id if isinstance(by, Staff) else None
    profile.updated_at = utcnow()
    _replace_criteria(session, client_id, servqual_criteria(split))
    session.flush()
    return profile_of(session, client_id, by=by)


# --- the key-account review ---------------------------------------------------------------------------

@dataclass(frozen=True)
class KeyAccountNeeds:
    client_id: int
    name: str
    revenue: float
    profile: Profile
    review_overdue: bool

    def as_dict(self) -> dict[str, Any]:
        p = self.profile
        return {"client_id": self.client_id, "name": self.name, "revenue": round(self.revenue, 2),
                "needs_recorded": p.needs_recorded, "criteria": len(p.criteria), "last_review_on": p.last_review_on,
                "next_review_on": p.next_review_on, "review_overdue": self.review_overdue,
                "never_recorded": p.never_recorded}


@dataclass(frozen=True)
class KeyAccountsNeeds:
    currency: str
    accounts: list[KeyAccountNeeds]

    @property
    def with_needs(self) -> int:
        return sum(1 for a in self.accounts if a.profile.needs_recorded)

    @property
    def share(self) -> float | None:
        return round(self.with_needs / len(self.accounts), 4) if self.accounts else None

    def as_dict(self) -> dict[str, Any]:
        return {"currency": self.currency, "accounts": [a.as_dict() for a in self.accounts],
                "with_needs": self.with_needs, "share_with_needs": self.share}


def key_account_needs(session: Session, *, now: datetime, today: date, reporting_currency: str,
                      by: Principal) -> KeyAccountsNeeds:
    """The key accounts (relationships' 80% of revenue), largest first, each with what is recorded of
    its needs and its next review (overdue when before ``today``)."""
    from servicescape.relationships import accounts

    require(by, READ)
    ranked = accounts.key_account_ranking(session, now=now, reporting_currency=reporting_currency, by=by)
    profiles = profiles_for(session, [client_id for client_id, _name, _revenue in ranked], by=by)
    rows = []
    for client_id, name, revenue in ranked:
        profile = profiles.get(client_id, Profile(client_id))
        rows.append(KeyAccountNeeds(client_id, name, revenue, profile, profile.review_overdue(today)))
    return KeyAccountsNeeds(reporting_currency, rows)


def share_with_needs_recorded(session: Session, *, reporting_currency: str, now: datetime | None = None,
                              by: Principal) -> tuple[int, int, float | None]:
    """For the scorecard: (key accounts whose needs and criteria are recorded, key accounts, share)."""
    moment = now or utcnow()
    found = key_account_needs(session, now=moment, today=moment.date(), reporting_currency=reporting_currency,
                              by=by)
    return found.with_needs, len(found.accounts), found.share

