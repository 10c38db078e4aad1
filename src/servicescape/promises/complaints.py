"""Rules of complaints: received, answered, resolved — against the targets of the client's tier,
counted on the firm's business clock. A target passed unmet is a breach (the sweep finds them,
answering or resolving late records them at once) and opens a recovery task."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar

from sqlalchemy import Select, case, select
from sqlalchemy.orm import Session, joinedload

from servicescape.auth.models import Staff
from servicescape.auth.permissions import Principal, require
from servicescape.clients.models import Client
from servicescape.db.crud import EntityService, about_field
from servicescape.db.paging import Page, paginate
from servicescape.db.types import utcnow
from servicescape.errors import Conflict, NotFound, ValidationFailed
from servicescape.i18n import N_, _
from servicescape.offerings import targets
from servicescape.promises import policies, recovery
from servicescape.promises.capability import MANAGE, READ, WRITE
from servicescape.promises.models import Complaint, ComplaintStatus, Promise, Severity
from servicescape.runtime import settings_of

#: set only by respond / resolve / the sweep
OUTCOME_FIELDS = ("status", "first_response_at", "resolved_at", "outcome", "response_due_at", "resolution_due_at",
                  "response_breached_at", "resolution_breached_at")


class ComplaintService(EntityService[Complaint]):
    model = Complaint
    label = N_("Complaint")
    references: ClassVar[dict[str, Any]] = {"client_id": Client, "owner_id": Staff, "promise_id": Promise}
    read_permission = READ
    write_permission = WRITE
    delete_permission = MANAGE

    def check(self, session: Session, data: dict[str, Any], existing: Complaint | None) -> dict[str, Any]:
        if "text" in data and not (data["text"] or "").strip():
            raise ValidationFailed(_("A complaint needs the client's words (text)."), field="text")
        received = data.get("received_at")
        if received is not None:
            if received.tzinfo is None:
                raise about_field(ValidationFailed,
                                  N_("%(field)s needs a timezone (e.g. 2026-03-01T14:00:00+08:00)."), "received_at")
            if received > utcnow() + timedelta(minutes=5):
                raise ValidationFailed(_("A complaint cannot be received in the future."), field="received_at")
        severity = data.get("severity")
        if severity is not None and severity not in set(Severity):
            raise ValidationFailed(_("Unknown severity %(value)s; choose one of %(values)s.", value=severity,
                                     values=", ".join(Severity)), field="severity")
        return super().check(session, data, existing)

    def create(self, session: Session, data: dict[str, Any], *, by: Principal) -> Complaint:
        """A new complaint; its response and resolution are due by the targets of the client's tier."""
        require(by, WRITE)
        data = {key: value for key, value in data.items() if key not in OUTCOME_FIELDS}
        data["received_at"] = data.get("received_at") or utcnow()
        self.check(session, data, None)  # the client exists before its tier is read
        client = session.get(Client, data["client_id"]) if data.get("client_id") is not None else None
        if client is None:
            raise about_field(ValidationFailed, N_("%(field)s is required."), "client_id")
        if data.get("owner_id") is None:
            data["owner_id"] = by.id if isinstance(by, Staff) else client.owner_id
        data.update(due_times(session, client, data["received_at"]))
        return super().create(session, data, by=by)

    def update(self, session: Session, obj: Complaint, changes: dict[str, Any], *, by: Principal) -> Complaint:
        """Change what was recorded; a new client or time of receipt moves the targets (and what
        counts as a breach: the sweep marks what is still past them)."""
        for field in OUTCOME_FIELDS:
            if field in changes:
                raise about_field(ValidationFailed,
                                  N_("%(field)s cannot be changed here; respond to or resolve the complaint."), field)
        moved = {"client_id", "received_at"} & {key for key, value in changes.items() if value is not None}
        if moved and obj.status == ComplaintStatus.resolved:
            raise Conflict(_("A resolved complaint keeps its client and its time of receipt."), field=sorted(moved)[0])
        changes = {key: value for key, value in changes.items() if value is not None or key not in moved}
        updated = super().update(session, obj, changes, by=by)
        if moved:
            client = session.get(Client, updated.client_id)
            assert client is not None
            for field, value in due_times(session, client, updated.received_at).items():
                setattr(updated, field, value)
            updated.response_breached_at = updated.response_due_at if (
                updated.first_response_at and updated.first_response_at > updated.response_due_at) else None
            updated.resolution_breached_at = None
            session.flush()
        return updated


complaints = ComplaintService()


def due_times(session: Session, client: Client, received_at: datetime) -> dict[str, datetime]:
    """When the first answer and the resolution are due: the client's tier's targets, or those of
    the package level it was sold where they promise more (``offerings.targets``), on the firm's
    business clock."""
    policy = policies.policy_for(session, client.tier)
    level = targets.level_targets(session, client.id)
    firm_clock = policies.clock(session, settings_of(session))
    return {"response_due_at": firm_clock.add_hours(
                received_at, level.stricter("first_response_hours", policy.first_response_hours)),
            "resolution_due_at": firm_clock.add_days(
                received_at, level.stricter("resolution_days", policy.resolution_days))}


def respond(session: Session, complaint: Complaint, *, at: datetime | None = None, by: Principal) -> Complaint:
    """The client got a first answer (now, or at ``at``); late answers are breaches."""
    require(by, WRITE)
    if complaint.status != ComplaintStatus.open:
        raise Conflict(_("This complaint was answered already."), field="status")
    moment = _moment(at, complaint, "first_response_at")
    complaint.first_response_at = moment
    complaint.status = ComplaintStatus.responded
    if moment > complaint.response_due_at and complaint.response_breached_at is None:
        complaint.response_breached_at = complaint.response_due_at
    session.flush()
    if complaint.response_breached_at is not None:
        recovery.for_complaint(session, complaint, by=by)
    return complaint


def resolve(session: Session, complaint: Complaint, *, outcome: str, at: datetime | None = None,
            by: Principal) -> Complaint:
    """Resolved with its outcome (answered at the same moment if it never was)."""
    require(by, WRITE)
    if complaint.status == ComplaintStatus.resolved:
        raise Conflict(_("This complaint is resolved already."), field="status")
    if not (outcome or "").strip():
        raise ValidationFailed(_("Say how the complaint was resolved (outcome)."), field="outcome")
    complaints.check(session, {"outcome": outcome.strip()}, complaint)
    moment = _moment(at, complaint, "resolved_at")
    if complaint.status == ComplaintStatus.open:
        respond(session, complaint, at=moment, by=by)
    complaint.resolved_at = moment
    complaint.outcome = outcome.strip()
    complaint.status = ComplaintStatus.resolved
    if moment > complaint.resolution_due_at and complaint.resolution_breached_at is None:
        complaint.resolution_breached_at = complaint.resolution_due_at
    session.flush()
    if complaint.breached:
        recovery.for_complaint(session, complaint, by=by)
    return complaint


def _moment(at: datetime | None, complaint: Complaint, field: str) -> datetime:
    now = utcnow()
    moment = at or now
    if moment.tzinfo is None:
        raise about_field(ValidationFailed, N_("%(field)s needs a timezone (e.g. 2026-03-01T14:00:00+08:00)."), field)
    if moment > now + timedelta(minutes=5):
        raise about_field(ValidationFailed, N_("%(field)s cannot be in the future."), field)
    if moment < complaint.received_at:
        raise about_field(ValidationFailed, N_("%(field)s cannot be before the complaint was received."), field)
    return moment


# --- the board -------------------------------------------------------------------------------------

STATES = ("open", "responded", "resolved", "unresolved", "breached", "all")


@dataclass(frozen=True)
class ComplaintFilters:
    state: str = "unresolved"       # see STATES
    owner_id: int | None = None
    client_id: int | None = None
    severity: Severity | None = None


def _board_query(filters: ComplaintFilters) -> Select[Any]:
    if filters.state not in STATES:
        raise ValidationFailed(_("Unknown value %(value)s for %(field)s.", value=filters.state, field="state"),
                               field="state")
    query = select(Complaint).options(joinedload(Complaint.client), joinedload(Complaint.owner))
    for column, value in ((Complaint.owner_id, filters.owner_id), (Complaint.client_id, filters.client_id),
                          (Complaint.severity, filters.severity)):
        if value is not None:
            query = query.where(column == value)
    if filters.state in ("open", "responded", "resolved"):
        query = query.where(Complaint.status == ComplaintStatus(filters.state))
    elif filters.state == "unresolved":
        query = query.where(Complaint.status != ComplaintStatus.resolved)
    elif filters.state == "breached":
        query = query.where((Complaint.response_breached_at.is_not(None))
                            | (Complaint.resolution_breached_at.is_not(None)))
    if filters.state in ("resolved", "all", "breached"):
        return query.order_by(Complaint.received_at.desc(), Complaint.id.desc())
    # what is due first comes first
    due = case((Complaint.status == ComplaintStatus.open, Complaint.response_due_at),
               else_=Complaint.resolution_due_at)
    return query.order_by(due, Complaint.id)


def board(session: Session, filters: ComplaintFilters, *, page: int = 1, per_page: int = 50, clamp: bool = False,
          by: Principal) -> Page[Complaint]:
    require(by, READ)
    return paginate(session, _board_query(filters), page=page, per_page=per_page, clamp=clamp)


def get_complaint(session: Session, complaint_id: int, *, by: Principal) -> Complaint:
    require(by, READ)
    found = session.scalar(select(Complaint).options(joinedload(Complaint.client), joinedload(Complaint.owner))
                           .where(Complaint.id == complaint_id))
    if found is None:
        raise NotFound(_("%(entity)s %(id)s does not exist.", entity=_("Complaint"), id=complaint_id))
    return found


@dataclass(frozen=True)
class ComplaintStats:
    received: int
    resolved: int
    open: int
    response_breaches: int
    resolution_breaches: int
    mean_response_hours: float | None
    mean_resolution_hours: float | None

    @property
    def breach_share(self) -> float | None:
        return (self.response_breaches + self.resolution_breaches) / self.received if self.received else None


def stats(session: Session, *, since: datetime, until: datetime, by: Principal) -> ComplaintStats:
    """Complaints received in [since, until): counts, breaches and mean times (clock hours)."""
    require(by, READ)
    rows = session.execute(
        select(Complaint.status, Complaint.received_at, Complaint.first_response_at, Complaint.resolved_at,
               Complaint.response_breached_at, Complaint.resolution_breached_at)
        .where(Complaint.received_at >= since, Complaint.received_at < until)
    ).all()
    responses = [(r.first_response_at - r.received_at).total_seconds() / 3600 for r in rows if r.first_response_at]
    resolutions = [(r.resolved_at - r.received_at).total_seconds() / 3600 for r in rows if r.resolved_at]
    return ComplaintStats(
        received=len(rows), resolved=sum(r.status == ComplaintStatus.resolved for r in rows),
        open=sum(r.status != ComplaintStatus.resolved for r in rows),
        response_breaches=sum(r.response_breached_at is not None for r in rows),
        resolution_breaches=sum(r.resolution_breached_at is not None for r in rows),
        mean_response_hours=round(sum(responses) / len(responses), 1) if responses else None,
        mean_resolution_hours=round(sum(resolutions) / len(resolutions), 1) if resolutions else None,
    )


def client_complaints(session: Session, client_id: int, *, by: Principal, limit: int = 10) -> list[Complaint]:
    require(by, READ)
    return list(session.scalars(select(Complaint).options(joinedload(Complaint.owner))
                                .where(Complaint.client_id == client_id)
                                .order_by(Complaint.received_at.desc(), Complaint.id.desc()).limit(limit)))
