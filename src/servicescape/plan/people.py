"""The firm's people as the plan sees them: who may resolve complaints and grant goodwill up to what
amount without asking (source 001's empowerment) and the share of recoveries front-line staff
closed; staff certifications and knowledge with their renewal dates (a task 60 days ahead); the
firm's articles, talks and forums with the enquiries they brought (source 000 #9e)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from servicescape.auth.models import Staff
from servicescape.auth.permissions import Principal, require
from servicescape.auth.roles import Role
from servicescape.db.crud import EntityService, about_field
from servicescape.errors import NotFound, ValidationFailed
from servicescape.i18n import N_, _
from servicescape.offerings import service as offerings
from servicescape.plan.capability import MANAGE, READ, WRITE
from servicescape.plan.models import Empowerment, PrestigeItem, PrestigeKind, Qualification, QualificationKind
from servicescape.promises.models import Complaint
from servicescape.tasks import service as tasks
from servicescape.tasks.models import Task

#: the kind of task a renewal opens, and how many days ahead
RENEWAL = "renewal"
RENEWAL_RULE = "plan.renewals"
#: what a renewal task is about (``Task.related_type``; the people page shows it)
QUALIFICATION = "qualification"
RENEWAL_DAYS = 60
#: a renewal missed by a job that did not run opens its task still, up to this many days late
RENEWAL_GRACE_DAYS = 30
MAX_ENQUIRIES = 1_000_000
#: the roles that count as front-line: the staff who serve clients, not their managers
FRONT_LINE = (Role.staff,)
PRESTIGE_LABELS = {PrestigeKind.article: N_("Article"), PrestigeKind.talk: N_("Talk"), PrestigeKind.forum: N_("Forum")}
QUALIFICATION_LABELS = {QualificationKind.certification: N_("Certification"),
                        QualificationKind.knowledge: N_("Knowledge")}


def _by_id(by: Principal) -> int | None:
    return by.id if isinstance(by, Staff) else None


# --- empowerment --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class EmpowermentRow:
    staff: Staff
    empowerment: Empowerment | None

    def as_dict(self) -> dict[str, Any]:
        e = self.empowerment
        return {"staff_id": self.staff.id, "name": self.staff.name, "role": self.staff.role.value,
                "resolve_complaints": bool(e and e.resolve_complaints),
                "goodwill_limit": e.goodwill_limit if e else None, "currency": e.currency if e else None,
                "granted_by_id": e.granted_by_id if e else None, "updated_at": e.updated_at if e else None}


def empowerment_list(session: Session, *, by: Principal) -> list[EmpowermentRow]:
    """Every active member of staff who serves clients (viewers left out), with what they may do
    without asking (None: nothing recorded: they ask)."""
    require(by, READ)
    rows = session.execute(select(Staff, Empowerment).outerjoin(Empowerment, Empowerment.staff_id == Staff.id)
                           .where(Staff.active, Staff.role != Role.viewer).order_by(Staff.name, Staff.id))
    return [EmpowermentRow(staff, empowerment) for staff, empowerment in rows]


def staff_member(session: Session, staff_id: int) -> Staff:
    staff = session.get(Staff, staff_id)
    if staff is None:
        raise NotFound(_("%(entity)s %(id)s does not exist.", entity=_("Staff member"), id=staff_id))
    return staff


def set_empowerment(session: Session, staff_id: int, data: dict[str, Any], *, by: Principal) -> EmpowermentRow:
    """What a person may do without asking: resolve complaints, grant goodwill up to an amount (with
    its currency)."""
    require(by, MANAGE)
    staff = staff_member(session, staff_id)
    limit = data.get("goodwill_limit")
    offerings.amount_fits(limit, "goodwill_limit")
    if limit is not None and Decimal(str(limit)) < 0:
        raise about_field(ValidationFailed, N_("%(field)s cannot be below zero."), "goodwill_limit")
    currency = (data.get("currency") or "").strip().upper() or None
    if limit is not None and currency is None:
        raise about_field(ValidationFailed, N_("%(field)s: say the currency of the limit."), "currency")
    offerings.currency_in_use({"currency": currency})
    found = session.get(Empowerment, staff_id)
    if found is None:
        found = Empowerment(staff_id=staff_id)
        session.add(found)
    found.resolve_complaints = bool(data.get("resolve_complaints", True))
    found.goodwill_limit = Decimal(str(limit)) if limit is not None else None
    found.currency = currency if limit is not None else None
    found.granted_by_id = _by_id(by)
    session.flush()
    return EmpowermentRow(staff, found)


def remove_empowerment(session: Session, staff_id: int, *, by: Principal) -> None:
    require(by, MANAGE)
    found = session.get(Empowerment, staff_id)
    if found is None:
        raise NotFound(_("%(entity)s %(id)s does not exist.", entity=_("Empowerment"), id=staff_id))
    session.delete(found)
    session.flush()


@dataclass(frozen=True)
class Recoveries:
    since: datetime
    until: datetime
    resolved: int
    by_frontline: int

    @property
    def share(self) -> float | None:
        return round(self.by_frontline / self.resolved, 4) if self.resolved else None

    def as_dict(self) -> dict[str, Any]:
        return {"since": self.since, "until": self.until, "resolved": self.resolved,
                "by_frontline": self.by_frontline, "share": self.share}


def frontline_recoveries(session: Session, since: datetime, until: datetime, *, by: Principal) -> Recoveries:
    """Of the complaints resolved in ``[since, until)``, how many the front-line staff (role
    ``staff``, not managers or owners) owned: the share of recoveries closed without escalation."""
    require(by, READ)
    if until < since:
        raise about_field(ValidationFailed, N_("%(field)s must be on or after the first day."), "until")
    frontline = case((Staff.role.in_(FRONT_LINE), 1), else_=0)
    resolved, by_frontline = session.execute(
        select(func.count(Complaint.id), func.coalesce(func.sum(frontline), 0))
        .select_from(Complaint).outerjoin(Staff, Staff.id == Complaint.owner_id)
        .where(Complaint.resolved_at >= since, Complaint.resolved_at < until)).one()
    return Recoveries(since, until, int(resolved or 0), int(by_frontline or 0))


# --- qualifications -----------------------------------------------------------------------------------

class QualificationService(EntityService[Qualification]):
    model = Qualification
    label = N_("Qualification")
    references: ClassVar[dict[str, Any]] = {"staff_id": Staff}
    unique_fields: ClassVar[tuple[str, ...]] = ()
    read_permission = READ
    write_permission = MANAGE
    delete_permission = MANAGE

    def check(self, session: Session, data: dict[str, Any], existing: Qualification | None) -> dict[str, Any]:
        if "name" in data and not str(data["name"] or "").strip():
            raise about_field(ValidationFailed, N_("%(field)s cannot be empty."), "name")
        obtained = data.get("obtained_on", existing.obtained_on if existing else None)
        renews = data.get("renews_on", existing.renews_on if existing else None)
        if obtained is not None and renews is not None and renews < obtained:
            raise about_field(ValidationFailed, N_("%(field)s must be on or after the day it was obtained."),
                              "renews_on")
        return super().check(session, data, existing)


qualifications = QualificationService()


def qualification_list(session: Session, *, by: Principal) -> list[tuple[Qualification, str]]:
    """Every qualification with its holder's name, the next renewals first."""
    require(by, READ)
    rows = session.execute(select(Qualification, Staff.name).join(Staff, Staff.id == Qualification.staff_id)
                           .order_by(Qualification.renews_on.is_(None), Qualification.renews_on, Staff.name,
                                     Qualification.id))
    return [(qualification, name) for qualification, name in rows]


def renewal_key(qualification: Qualification) -> str:
    assert qualification.renews_on is not None
    return f"plan.renewal:{qualification.id}:{qualification.renews_on.isoformat()}"


def due_renewals(session: Session, today: date) -> list[Qualification]:
    """The qualifications of active staff that renew within 60 days (or lapsed lately)."""
    return list(session.execute(
        select(Qualification).join(Staff, Staff.id == Qualification.staff_id)
        .where(Staff.active, Qualification.renews_on.is_not(None),
               Qualification.renews_on <= today + timedelta(days=RENEWAL_DAYS),
               Qualification.renews_on >= today - timedelta(days=RENEWAL_GRACE_DAYS))
        .order_by(Qualification.renews_on, Qualification.id)).scalars())


def renewal_task(qualification: Qualification, zone: Any) -> dict[str, Any]:
    """The task a renewal opens for the holder: its kind, title, owner and due time."""
    assert qualification.renews_on is not None
    day = qualification.renews_on.isoformat()
    title = (_("Renew %(name)s (%(issuer)s) by %(day)s", name=qualification.name, issuer=qualification.issuer,
               day=day) if qualification.issuer else _("Renew %(name)s by %(day)s", name=qualification.name, day=day))
    return {"kind": RENEWAL, "title": title[:300], "owner_id": qualification.staff_id,
            "due_at": datetime.combine(qualification.renews_on, time(9), zone), "priority": "normal",
            "related_type": QUALIFICATION, "related_id": qualification.id}


def open_renewal_tasks(session: Session, *, today: date, zone: Any, by: Principal) -> int:
    """A task for the holder of each qualification that renews within 60 days (once per renewal
    date: renewing it sets a new date, and a new task comes 60 days before that). → tasks opened."""
    require(by, MANAGE)
    made = 0
    for qualification in due_renewals(session, today):
        key = renewal_key(qualification)
        if _has_task(session, key):
            continue
        tasks.ensure_task(session, dedupe_key=key, rule=RENEWAL_RULE, by=by, data=renewal_task(qualification, zone))
        made += 1
    return made


def _has_task(session: Session, key: str) -> bool:
    return session.scalar(select(Task.id).where(Task.dedupe_key == key)) is not None


# --- prestige ------------------------------------------------------------------------------------------

class PrestigeService(EntityService[PrestigeItem]):
    model = PrestigeItem
    label = N_("Article or talk")
    references: ClassVar[dict[str, Any]] = {"staff_id": Staff}
    unique_fields: ClassVar[tuple[str, ...]] = ()
    read_permission = READ
    write_permission = WRITE
    delete_permission = MANAGE

    def check(self, session: Session, data: dict[str, Any], existing: PrestigeItem | None) -> dict[str, Any]:
        if "title" in data and not str(data["title"] or "").strip():
            raise about_field(ValidationFailed, N_("%(field)s cannot be empty."), "title")
        if "enquiries" in data:
            enquiries = data["enquiries"]
            if isinstance(enquiries, bool) or not isinstance(enquiries, int) or not 0 <= enquiries <= MAX_ENQUIRIES:
                raise about_field(ValidationFailed, N_("%(field)s must be a whole number from %(low)s to %(high)s."),
                                  "enquiries", low=0, high=MAX_ENQUIRIES)
        return super().check(session, data, existing)


prestige = PrestigeService()


def prestige_list(session: Session, *, by: Principal) -> list[tuple[PrestigeItem, str | None]]:
    require(by, READ)
    rows = session.execute(select(PrestigeItem, Staff.name).outerjoin(Staff, Staff.id == PrestigeItem.staff_id)
                           .order_by(PrestigeItem.happened_on.desc(), PrestigeItem.id.desc()))
    return [(item, name) for item, name in rows]


@dataclass(frozen=True)
class PrestigeTotal:
    year: int
    kind: PrestigeKind
    items: int
    enquiries: int

    def as_dict(self) -> dict[str, Any]:
        return {"year": self.year, "kind": self.kind, "items": self.items, "enquiries": self.enquiries}


def prestige_totals(session: Session, *, by: Principal) -> list[PrestigeTotal]:
    """Per year (newest first) and kind: how many items and the enquiries they brought."""
    require(by, READ)
    sums: dict[tuple[int, PrestigeKind], list[int]] = defaultdict(lambda: [0, 0])
    for kind, day, enquiries in session.execute(select(PrestigeItem.kind, PrestigeItem.happened_on,
                                                       PrestigeItem.enquiries)):
        total = sums[(day.year, kind)]
        total[0] += 1
        total[1] += int(enquiries or 0)
    order = list(PrestigeKind)
    return [PrestigeTotal(year, kind, n, e) for (year, kind), (n, e)
            in sorted(sums.items(), key=lambda item: (-item[0][0], order.index(item[0][1])))]
