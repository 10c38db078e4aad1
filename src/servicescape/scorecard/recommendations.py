"""Recommendations: rules that turn the weakest measures of the scorecard into concrete, owned actions.

A rule applies when its measure scores under :data:`WEAK` in the last 90 days and it finds records
to act on; it says why (the figure, the threshold, the trend), what to do and who owns what, with
links to the records. Accepting one opens a task for each record's owner (once: a task's key names
the rule, the quarter and the client); dismissing one needs a reason. Either decision holds for the
running quarter (``scorecard_recommendation``, audited).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicescape.auth.models import Staff
from servicescape.auth.permissions import SYSTEM, Principal, require
from servicescape.clients.models import Client, Tier
from servicescape.config import Settings
from servicescape.db.memo import unchanged_since
from servicescape.db.types import utcnow
from servicescape.errors import Conflict, NotFound, ValidationFailed
from servicescape.i18n import N_, _
from servicescape.scorecard import figures, service
from servicescape.scorecard.capability import MANAGE_ACTIONS, READ
from servicescape.scorecard.models import Decision, DecisionStatus

#: a measure scoring under this (0-100) gets its rule's recommendation
WEAK = 60.0
#: records a recommendation lists (and opens tasks for when accepted)
MOST = 50
TASK_KIND = "scorecard"
MAX_REASON = 500


@dataclass(frozen=True)
class Item:
    client_id: int
    client_name: str
    owner_id: int | None
    owner_name: str | None
    detail: str                     # what is wrong with this one, in words


@dataclass(frozen=True)
class Rule:
    key: str
    measure: str
    title: str                      # marked with N_
    action: str                     # marked with N_: what to do
    task: str                       # marked with N_: the task's title, with %(client)s
    link: str                       # where the records are
    find: Callable[[Session, figures.Window, datetime], list[Item]]


def _overdue_key_accounts(session: Session, window: figures.Window, now: datetime) -> list[Item]:
    from servicescape.relationships import service as relationships

    found = relationships.overdue_contacts(session, now=now, reporting_currency=window.reporting_currency,
                                           tier=Tier.key, per_page=MOST, by=SYSTEM)
    return [Item(c.client_id, c.name, c.owner_id, c.owner_name,
                 _("%(days)s days without contact", days=c.days_overdue)) for c in found.items]


def _key_accounts(session: Session, window: figures.Window) -> list[Any]:
    from servicescape.plan import knowledge

    return knowledge.key_account_needs(session, now=window.until, today=window.last_day,
                                       reporting_currency=window.reporting_currency, by=SYSTEM).accounts


def _owners(session: Session, client_ids: list[int]) -> dict[int, tuple[int | None, str | None]]:
    if not client_ids:
        return {}
    rows = session.execute(select(Client.id, Client.owner_id, Staff.name).outerjoin(Staff, Staff.id == Client.owner_id)
                           .where(Client.id.in_(client_ids)))
    return {client_id: (owner_id, name) for client_id, owner_id, name in rows}


def _unreviewed(session: Session, window: figures.Window, now: datetime) -> list[Item]:
    recent = window.last_day - figures.REVIEWED_WITHIN
    late = [a for a in _key_accounts(session, window)
            if a.profile.last_review_on is None or a.profile.last_review_on < recent][:MOST]
    owners = _owners(session, [a.client_id for a in late])
    return [Item(a.client_id, a.name, *owners.get(a.client_id, (None, None)),
                 _("Last review: %(date)s", date=a.profile.last_review_on.isoformat()) if a.profile.last_review_on
                 else _("Never reviewed")) for a in late]


def _needs_unknown(session: Session, window: figures.Window, now: datetime) -> list[Item]:
    unknown = [a for a in _key_accounts(session, window) if not a.profile.needs_recorded][:MOST]
    owners = _owners(session, [a.client_id for a in unknown])
    return [Item(a.client_id, a.name, *owners.get(a.client_id, (None, None)), _("Needs not recorded"))
            for a in unknown]


def _unanswered_complaints(session: Session, window: figures.Window, now: datetime) -> list[Item]:
    from servicescape.promises.models import Complaint, ComplaintStatus

    rows = session.execute(
        select(Complaint.client_id, Client.name, Complaint.owner_id, Staff.name, Complaint.response_due_at)
        .join(Client, Client.id == Complaint.client_id).outerjoin(Staff, Staff.id == Complaint.owner_id)
        .where(Complaint.status != ComplaintStatus.resolved, Complaint.first_response_at.is_(None),
               Complaint.response_due_at < now)
        .order_by(Complaint.response_due_at).limit(MOST)).all()
    return [Item(client_id, name, owner_id, owner, _("Answer was due %(when)s", when=due.date().isoformat()))
            for client_id, name, owner_id, owner, due in rows]


def _escalated_complaints(session: Session, window: figures.Window, now: datetime) -> list[Item]:
    """Open complaints a manager, an owner or nobody holds, of clients whose own owner is front-line staff."""
    from sqlalchemy.orm import aliased

    from servicescape.plan.people import FRONT_LINE
    from servicescape.promises.models import Complaint, ComplaintStatus

    holder, client_owner = aliased(Staff), aliased(Staff)
    rows = session.execute(
        select(Complaint.client_id, Client.name, Client.owner_id, client_owner.name, Complaint.received_at)
        .join(Client, Client.id == Complaint.client_id).join(client_owner, client_owner.id == Client.owner_id)
        .outerjoin(holder, holder.id == Complaint.owner_id)
        .where(Complaint.status != ComplaintStatus.resolved, client_owner.role.in_(FRONT_LINE),
               (holder.id.is_(None)) | holder.role.not_in(FRONT_LINE))
        .order_by(Complaint.received_at).limit(MOST)).all()
    return [Item(client_id, name, owner_id, owner, _("Received %(date)s, held above the front line",
                                                    date=received.date().isoformat()))
            for client_id, name, owner_id, owner, received in rows]


def _weakest_staffs_promises(session: Session, window: figures.Window, now: datetime) -> list[Item]:
    """The open promises of the next 14 days owned by the staff whose share kept on time in the last 90
    days is the lowest (of those with enough promises)."""
    from servicescape.promises.models import Promise, PromiseStatus

    weakest = figures.least_reliable_staff(session, window)
    if weakest is None:
        return []
    rows = session.execute(
        select(Promise.client_id, Client.name, Promise.owner_id, Staff.name, Promise.window_start, Promise.title)
        .join(Client, Client.id == Promise.client_id).join(Staff, Staff.id == Promise.owner_id)
        .where(Promise.owner_id == weakest, Promise.status == PromiseStatus.open, Promise.window_start >= now,
               Promise.window_start < now + timedelta(days=14))
        .order_by(Promise.window_start).limit(MOST)).all()
    return [Item(client_id, name, owner_id, owner, _("%(title)s, %(date)s", title=title,
                                                    date=start.date().isoformat()))
            for client_id, name, owner_id, owner, start, title in rows]


RULES: tuple[Rule, ...] = (
    Rule("contact_key_accounts", "cadence_adherence", N_("Key accounts have gone without contact"),
         N_("Schedule a meeting or a call with each of them this week."), N_("Contact %(client)s"),
         "/relationships/overdue?tier=key", _overdue_key_accounts),
    Rule("answer_complaints", "complaint_response_on_time", N_("Complaints are waiting for a first answer"),
         N_("Answer each complaint today, even if only to say what happens next."),
         N_("Answer the complaint of %(client)s"), "/complaints", _unanswered_complaints),
    Rule("review_key_accounts", "key_accounts_reviewed", N_("Key accounts have not been reviewed lately"),
         N_("Hold an account review with each: what they value, what is coming, what worries them."),
         N_("Account review with %(client)s"), "/plan/key-accounts", _unreviewed),
    Rule("record_needs", "needs_recorded", N_("What key accounts value is not recorded"),
         N_("Record each one's needs and decision criteria after the next conversation."),
         N_("Record what %(client)s values"), "/plan/key-accounts", _needs_unknown),
    Rule("empower_frontline", "frontline_recoveries", N_("Complaints are held above the front line"),
         N_("Hand each to the client's own front-line owner to close, within their goodwill limit."),
         N_("Take over the complaint of %(client)s"), "/complaints", _escalated_complaints),
    Rule("steady_reliability", "reliability_spread", N_("Reliability differs widely between staff"),
         N_("Confirm each coming promise of the least reliable colleague the day before, and pair them with the "
            "most reliable one."), N_("Confirm the promise to %(client)s the day before"), "/promises",
         _weakest_staffs_promises),
)
BY_KEY = {rule.key: rule for rule in RULES}


@dataclass(frozen=True)
class Recommendation:
    rule: Rule
    quarter: str
    figure: float
    n: int
    score: float
    poor: float
    good: float
    trend: str | None
    items: list[Item]
    status: str                     # open, accepted, dismissed
    reason: str | None

    @property
    def owners(self) -> list[tuple[str, int]]:
        """Who owns how many of the records, most first ("—" for none)."""
        counted = Counter(item.owner_name or "—" for item in self.items)
        return sorted(counted.items(), key=lambda pair: (-pair[1], pair[0]))

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule.key, "measure": self.rule.measure, "quarter": self.quarter,
                "title": _(self.rule.title), "action": _(self.rule.action), "link": self.rule.link,
                "why": {"figure": round(self.figure, 2), "n": self.n, "score": round(self.score, 2),
                        "scores_0_at": self.poor, "scores_100_at": self.good, "trend": self.trend},
                "owners": [{"owner": owner, "records": count} for owner, count in self.owners],
                "records": [{"client_id": i.client_id, "client": i.client_name, "owner_id": i.owner_id,
                             "owner": i.owner_name, "detail": i.detail} for i in self.items],
                "status": self.status, "reason": self.reason}


@unchanged_since()
def _found(session: Session, rule_key: str, window: figures.Window, now: datetime) -> list[Item]:
    """The records a rule finds (remembered until the next write: with the snapshot's ``now`` the
    scorecard page finds them once, not at each view)."""
    return BY_KEY[rule_key].find(session, window, now)


def _decisions(session: Session, quarter: str) -> dict[str, Decision]:
    return {d.rule: d for d in session.scalars(select(Decision).where(Decision.quarter == quarter))}


def recommendations(session: Session, settings: Settings, *, now: datetime | None = None,
                    card: service.Scorecard | None = None, by: Principal) -> list[Recommendation]:
    """The rules that apply to the last 90 days (``card``: their scorecard, when computed already),
    weakest measure first, with their decisions this quarter."""
    require(by, READ)
    now = card.data_as_of if card is not None else (now or utcnow())
    card = card or service.scorecard(session, settings, period=None, now=now, by=by)
    results = {r.measure.key: r for r in card.measures}
    quarter = service.quarter_of(now.astimezone(settings.zone).date())
    decided = _decisions(session, quarter)
    window = figures.Window(now - timedelta(days=90), now, settings.zone, settings.reporting_currency)
    out: list[Recommendation] = []
    for rule in RULES:
        result = results[rule.measure]
        if result.score is None or result.score >= WEAK or result.figure.value is None or result.weight <= 0:
            continue
        items = _found(session, rule.key, window, now)
        if not items:
            continue
        decision = decided.get(rule.key)
        out.append(Recommendation(rule, quarter, result.figure.value, result.figure.n, result.score,
                                  result.measure.poor, result.measure.good, result.trend, items,
                                  decision.status.value if decision else "open",
                                  decision.reason if decision else None))
    return sorted(out, key=lambda r: (r.score, r.rule.key))


def _open_one(session: Session, settings: Settings, rule_key: str, now: datetime, by: Principal) -> Recommendation:
    if rule_key not in BY_KEY:
        raise NotFound(_("No recommendation %(key)s.", key=rule_key), field="rule")
    found = next((r for r in recommendations(session, settings, now=now, by=by) if r.rule.key == rule_key), None)
    if found is None:
        raise NotFound(_("No recommendation %(key)s.", key=rule_key), field="rule")
    if found.status != "open":
        raise Conflict(_("This recommendation was decided already this quarter."), field="rule")
    return found


def accept(session: Session, settings: Settings, rule_key: str, *, now: datetime | None = None,
           by: Principal) -> int:
    """Open a task for each record's owner; → how many were opened."""
    from servicescape.tasks import service as tasks

    require(by, MANAGE_ACTIONS)
    now = now or utcnow()
    found = _open_one(session, settings, rule_key, now, by)
    rows = [{"kind": TASK_KIND, "title": _(found.rule.task, client=item.client_name)[:300], "client_id": item.client_id,
             "owner_id": item.owner_id, "due_at": now + timedelta(days=7), "rule": f"scorecard.{found.rule.key}",
             "dedupe_key": f"scorecard.{found.rule.key}:{found.quarter}:{item.client_id}"} for item in found.items]
    opened = tasks.insert_many(session, rows, now=now, by=by)
    session.add(Decision(rule=found.rule.key, quarter=found.quarter, status=DecisionStatus.accepted,
                         tasks_opened=opened, decided_at=now, decided_by_id=getattr(by, "id", None)))
    session.flush()
    return opened


def dismiss(session: Session, settings: Settings, rule_key: str, reason: str | None, *,
            now: datetime | None = None, by: Principal) -> None:
    """Set a recommendation aside for the quarter, saying why."""
    require(by, MANAGE_ACTIONS)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Say why the recommendation is dismissed."), field="reason")
    if len(reason) > MAX_REASON or "\x00" in reason:
        raise ValidationFailed(_("The reason must be at most %(max)s characters.", max=MAX_REASON), field="reason")
    now = now or utcnow()
    found = _open_one(session, settings, rule_key, now, by)
    session.add(Decision(rule=found.rule.key, quarter=found.quarter, status=DecisionStatus.dismissed, reason=reason,
                         decided_at=now, decided_by_id=getattr(by, "id", None)))
    session.flush()
