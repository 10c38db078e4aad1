"""The milestones of an engagement: the steps a client can follow in the portal, in order, each with
when it is due and where it stands.

Staff keep them (``by=`` and the portal's permissions); :func:`engagement_progress` is the portal's
read for one client, called after the portal has scoped its caller to that client: it takes no
principal and reads nothing but that client's engagements.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from servicescape.auth.permissions import Principal, require
from servicescape.clients.models import Client, Engagement, EngagementStatus
from servicescape.db.crud import EntityService, about_field
from servicescape.db.types import utcnow
from servicescape.errors import NotFound, ValidationFailed
from servicescape.i18n import N_, _
from servicescape.offerings.models import ServicePackage
from servicescape.portal.capability import READ, WRITE
from servicescape.portal.models import Milestone, MilestoneStatus

#: how long after its end a completed engagement still shows in the portal
RECENT_DAYS = 180
#: the most milestones one engagement may have (a reorder names them all)
MAX_MILESTONES = 200
#: what the staff's client page plans milestones for
OPEN_STATUSES = (EngagementStatus.proposed, EngagementStatus.active)


class MilestoneService(EntityService[Milestone]):
    model = Milestone
    label = N_("Milestone")
    references: ClassVar[dict[str, Any]] = {"engagement_id": Engagement}
    unique_fields: ClassVar[tuple[str, ...]] = ()
    read_permission = READ
    write_permission = WRITE
    delete_permission = WRITE

    def check(self, session: Session, data: dict[str, Any], existing: Milestone | None) -> dict[str, Any]:
        if "name" in data and isinstance(data["name"], str):
            data["name"] = data["name"].strip()
            if not data["name"]:
                raise about_field(ValidationFailed, N_("%(field)s cannot be empty."), "name")
        if data.get("status") is not None:
            try:
                data["status"] = MilestoneStatus(data["status"])
            except ValueError:
                raise about_field(ValidationFailed, N_("%(field)s must be one of: %(values)s."), "status",
                                  values=", ".join(s.value for s in MilestoneStatus)) from None
        data.pop("position", None)      # the order is kept by reorder(), a new one goes last
        data.pop("done_at", None)       # set by the status, below
        data = super().check(session, data, existing)
        engagement_id = data.get("engagement_id")
        if existing is None or (engagement_id is not None and engagement_id != existing.engagement_id):
            if engagement_id is None:
                raise about_field(ValidationFailed, N_("%(field)s cannot be empty."), "engagement_id")
            if _count(session, engagement_id) >= MAX_MILESTONES:
                raise about_field(ValidationFailed, N_("%(field)s: an engagement has at most %(n)s milestones."),
                                  "engagement_id", n=MAX_MILESTONES)
            data["position"] = _next_position(session, engagement_id)
        if "status" in data:
            data.update(status_change(existing, data["status"], now=utcnow()))
        return data


def status_change(existing: Milestone | None, status: MilestoneStatus | str, *, now: datetime) -> dict[str, Any]:
    """``done_at`` as the status moves: set when it becomes done, kept while it stays done, cleared
    when it leaves done."""
    if MilestoneStatus(status) != MilestoneStatus.done:
        return {"done_at": None}
    if existing is not None and existing.status == MilestoneStatus.done and existing.done_at is not None:
        return {}
    return {"done_at": now}


def _count(session: Session, engagement_id: int) -> int:
    return session.scalar(select(func.count()).where(Milestone.engagement_id == engagement_id)) or 0


def _next_position(session: Session, engagement_id: int) -> int:
    last = session.scalar(select(func.max(Milestone.position)).where(Milestone.engagement_id == engagement_id))
    return 0 if last is None else last + 1


milestones = MilestoneService()


def _engagement(session: Session, engagement_id: int) -> Engagement:
    engagement = session.get(Engagement, engagement_id)
    if engagement is None:
        raise NotFound(_("%(entity)s %(id)s does not exist.", entity=_("Engagement"), id=engagement_id))
    return engagement


def _ordered(session: Session, engagement_id: int) -> list[Milestone]:
    return list(session.scalars(select(Milestone).where(Milestone.engagement_id == engagement_id)
                                .order_by(Milestone.position, Milestone.id)))


def engagement_milestones(session: Session, engagement_id: int, *, by: Principal) -> list[Milestone]:
    """An engagement's milestones in their order (404 when the engagement does not exist)."""
    require(by, READ)
    _engagement(session, engagement_id)
    return _ordered(session, engagement_id)


def add_to_engagement(session: Session, engagement_id: int, data: dict[str, Any], *, by: Principal) -> Milestone:
    """A milestone added to the engagement a URL names (404 when it does not exist)."""
    require(by, WRITE)
    _engagement(session, engagement_id)
    return milestones.create(session, {**data, "engagement_id": engagement_id}, by=by)


def add_to_client(session: Session, client_id: int, data: dict[str, Any], *, by: Principal) -> Milestone:
    """A milestone added from a client's page: its engagement must be one of this client's."""
    require(by, WRITE)
    engagement_id = data.get("engagement_id")
    if engagement_id is not None:
        engagement = session.get(Engagement, engagement_id)
        if engagement is not None and engagement.client_id != client_id:
            raise about_field(ValidationFailed, N_("%(field)s is not an engagement of this client."),
                              "engagement_id")
    return milestones.create(session, data, by=by)


def client_id_of(session: Session, milestone: Milestone) -> int:
    """The client whose engagement the milestone is a step of."""
    return _engagement(session, milestone.engagement_id).client_id


def reorder(session: Session, engagement_id: int, ids: Sequence[int], *, by: Principal) -> list[Milestone]:
    """Put an engagement's milestones in the order of ``ids``, which names each of them once."""
    require(by, WRITE)
    _engagement(session, engagement_id)
    found = _ordered(session, engagement_id)
    if len(ids) != len(set(ids)) or set(ids) != {m.id for m in found}:
        raise about_field(ValidationFailed, N_("%(field)s must name every milestone of the engagement once."),
                          "ids")
    by_id = {m.id: m for m in found}
    for position, milestone_id in enumerate(ids):
        by_id[milestone_id].position = position
    session.flush()
    return [by_id[i] for i in ids]


def move(session: Session, milestone: Milestone, step: int, *, by: Principal) -> None:
    """Move a milestone ``step`` places earlier (negative) or later (positive) in its engagement."""
    require(by, WRITE)
    order = [m.id for m in _ordered(session, milestone.engagement_id)]
    at = order.index(milestone.id)
    to = max(0, min(len(order) - 1, at + step))
    order.insert(to, order.pop(at))
    reorder(session, milestone.engagement_id, order, by=by)


# --- where the engagements stand ------------------------------------------------------------------

@dataclass(frozen=True)
class MilestoneView:
    id: int
    name: str
    position: int
    due_on: date | None
    status: MilestoneStatus
    done_at: datetime | None
    note: str | None


@dataclass(frozen=True)
class EngagementProgress:
    """An engagement with its milestones in order, how many are done, and the next one to do."""

    engagement_id: int
    client_id: int
    package: str | None             # the package's name
    description: str | None
    status: EngagementStatus
    start_date: date | None
    end_date: date | None
    milestones: tuple[MilestoneView, ...]
    done: int
    total: int
    next_milestone: MilestoneView | None

    @property
    def share_done(self) -> float | None:
        return self.done / self.total if self.total else None


def _progress(session: Session, client_id: int, which: ColumnElement[bool]) -> list[EngagementProgress]:
    """The client's engagements that ``which`` selects: two queries whatever their number."""
    rows = session.execute(
        select(Engagement.id, ServicePackage.name, Engagement.description, Engagement.status,
               Engagement.start_date, Engagement.end_date)
        .outerjoin(ServicePackage, ServicePackage.id == Engagement.package_id)
        .where(Engagement.client_id == client_id, which)).all()
    steps: dict[int, list[MilestoneView]] = defaultdict(list)
    if rows:
        for m in session.scalars(select(Milestone).where(Milestone.engagement_id.in_([r[0] for r in rows]))
                                 .order_by(Milestone.engagement_id, Milestone.position, Milestone.id)):
            steps[m.engagement_id].append(MilestoneView(m.id, m.name, m.position, m.due_on, m.status, m.done_at,
                                                        m.note))
    found = []
    for engagement_id, package, description, status, start, end in rows:
        these = tuple(steps[engagement_id])
        done = sum(1 for m in these if m.status == MilestoneStatus.done)
        upcoming = next((m for m in these if m.status != MilestoneStatus.done), None)
        found.append(EngagementProgress(engagement_id, client_id, package, description, status, start, end, these,
                                        done, len(these), upcoming))
    return sorted(found, key=_shown_first)


def _shown_first(found: EngagementProgress) -> tuple[Any, ...]:
    """Active before the rest, then the latest start first."""
    start = found.start_date.toordinal() if found.start_date else 0
    return (found.status != EngagementStatus.active, -start, -found.engagement_id)


def engagement_progress(session: Session, client_id: int, *, today: date | None = None) -> list[EngagementProgress]:
    """For the portal (no principal: the caller is already scoped to ``client_id``): the client's
    active engagements and those completed in the last 180 days, with their milestones."""
    today = today or utcnow().date()
    recent = and_(Engagement.status == EngagementStatus.completed,
                  Engagement.end_date >= today - timedelta(days=RECENT_DAYS))
    return _progress(session, client_id, or_(Engagement.status == EngagementStatus.active, recent))


def open_engagements(session: Session, client_id: int, *, by: Principal) -> list[EngagementProgress]:
    """For staff: the client's proposed and active engagements, with their milestones."""
    require(by, READ)
    if session.get(Client, client_id) is None:
        raise NotFound(_("%(entity)s %(id)s does not exist.", entity=_("Client"), id=client_id))
    return _progress(session, client_id, Engagement.status.in_(OPEN_STATUSES))


def status_options() -> list[tuple[str, str]]:
    """The statuses as a form offers them, translated."""
    labels = {MilestoneStatus.planned: _("Planned"), MilestoneStatus.in_progress: _("In progress"),
              MilestoneStatus.done: _("Done"), MilestoneStatus.blocked: _("Blocked")}
    return [(status.value, labels[status]) for status in MilestoneStatus]
