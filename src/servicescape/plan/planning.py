"""The plan for a period: targets for the scorecard's measures, each with its owner, and the
environment review (internal, market, public, competitive and macro, source 002's five) as dated
entries with their author. The scorecard reads :func:`current_plan` and :func:`targets_for`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicescape.auth.models import Staff
from servicescape.auth.permissions import Principal, require
from servicescape.db.crud import EntityService, about_field
from servicescape.errors import Conflict, NotFound, ValidationFailed
from servicescape.i18n import N_, _
from servicescape.plan import measures
from servicescape.plan.capability import MANAGE, READ, WRITE
from servicescape.plan.models import EnvironmentArea, EnvironmentEntry, Plan, PlanTarget

AREA_LABELS = {EnvironmentArea.internal: N_("Internal"), EnvironmentArea.market: N_("Market"),
               EnvironmentArea.public: N_("Public"), EnvironmentArea.competitive: N_("Competitive"),
               EnvironmentArea.macro: N_("Macro")}
AREA_HINTS = {EnvironmentArea.internal: N_("The firm itself: people, skills, systems, money"),
              EnvironmentArea.market: N_("Clients and the markets the firm serves"),
              EnvironmentArea.public: N_("The public: media, community, the people who influence clients"),
              EnvironmentArea.competitive: N_("Competitors and substitutes"),
              EnvironmentArea.macro: N_("Economy, law, technology, society")}


def _by_id(by: Principal) -> int | None:
    return by.id if isinstance(by, Staff) else None


class PlanService(EntityService[Plan]):
    model = Plan
    label = N_("Plan")
    unique_fields: ClassVar[tuple[str, ...]] = ("name",)
    read_permission = READ
    write_permission = MANAGE
    delete_permission = MANAGE

    def check(self, session: Session, data: dict[str, Any], existing: Plan | None) -> dict[str, Any]:
        if "name" in data and not str(data["name"] or "").strip():
            raise about_field(ValidationFailed, N_("%(field)s cannot be empty."), "name")
        starts = data.get("starts_on", existing.starts_on if existing else None)
        ends = data.get("ends_on", existing.ends_on if existing else None)
        if starts is not None and ends is not None and ends < starts:
            raise about_field(ValidationFailed, N_("%(field)s must be on or after the first day."), "ends_on")
        return super().check(session, data, existing)

    def create(self, session: Session, data: dict[str, Any], *, by: Principal) -> Plan:
        return super().create(session, {**data, "created_by_id": _by_id(by)}, by=by)


class TargetService(EntityService[PlanTarget]):
    model = PlanTarget
    label = N_("Target")
    references: ClassVar[dict[str, Any]] = {"plan_id": Plan, "owner_id": Staff}
    unique_fields: ClassVar[tuple[str, ...]] = ()
    read_permission = READ
    write_permission = MANAGE
    delete_permission = MANAGE

    def check(self, session: Session, data: dict[str, Any], existing: PlanTarget | None) -> dict[str, Any]:
        key = data.get("measure", existing.measure if existing else None)
        measure = measures.measure(key) if key is not None else None
        if measure is None:
            raise about_field(ValidationFailed, N_("%(field)s: %(value)s is not a measure; choose one of %(choices)s."),
                              "measure", value=key, choices=", ".join(m.key for m in measures.MEASURES))
        changed_measure = existing is None or ("measure" in data and data["measure"] != existing.measure)
        if data.get("comparison") is None and ("comparison" in data or changed_measure):
            data["comparison"] = measure.comparison     # the measure's usual direction
        if "comparison" in data and data["comparison"] not in measures.COMPARISONS:
            raise about_field(ValidationFailed, N_("%(field)s must be >= or <=."), "comparison")
        value = data.get("value", existing.value if existing else None)
        if value is None or not measure.within(float(value)):
            raise about_field(ValidationFailed, N_("%(field)s must be from %(low)s to %(high)s."), "value",
                              low=f"{measure.low:g}", high=f"{measure.high:g}")
        data = super().check(session, data, existing)
        plan_id = data.get("plan_id", existing.plan_id if existing else None)
        clash = session.scalar(select(PlanTarget.id).where(PlanTarget.plan_id == plan_id, PlanTarget.measure == key))
        if clash is not None and (existing is None or clash != existing.id):
            raise about_field(Conflict, N_("%(field)s: the plan has a target for %(value)s already."), "measure",
                              value=key)
        return data


class EnvironmentService(EntityService[EnvironmentEntry]):
    """Anyone who records may add an observation of the environment; its author is who signed in."""

    model = EnvironmentEntry
    label = N_("Environment entry")
    references: ClassVar[dict[str, Any]] = {"plan_id": Plan}
    unique_fields: ClassVar[tuple[str, ...]] = ()
    read_permission = READ
    write_permission = WRITE
    delete_permission = MANAGE

    def check(self, session: Session, data: dict[str, Any], existing: EnvironmentEntry | None) -> dict[str, Any]:
        if "text" in data and not str(data["text"] or "").strip():
            raise about_field(ValidationFailed, N_("%(field)s cannot be empty."), "text")
        return super().check(session, data, existing)

    def create(self, session: Session, data: dict[str, Any], *, by: Principal) -> EnvironmentEntry:
        # the signed-in author; the command line (the system) may name one
        return super().create(session, {"author_id": _by_id(by), **data}, by=by)


plans = PlanService()
targets = TargetService()
environment = EnvironmentService()


# --- reading ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TargetView:
    target: PlanTarget
    measure: measures.Measure
    owner: str | None

    @property
    def label(self) -> str:
        return _(self.measure.label)

    def as_dict(self) -> dict[str, Any]:
        t = self.target
        return {"id": t.id, "measure": t.measure, "label": self.label, "unit": self.measure.unit,
                "comparison": t.comparison, "value": t.value, "owner_id": t.owner_id, "owner": self.owner,
                "note": t.note}


@dataclass(frozen=True)
class PlanView:
    plan: Plan
    targets: list[TargetView]
    environment: dict[EnvironmentArea, list[EnvironmentEntry]]
    authors: dict[int, str]


def current_plan(session: Session, day: date, *, by: Principal) -> Plan | None:
    """The plan whose period holds ``day`` (the latest to start, when periods overlap)."""
    require(by, READ)
    return _plan_of(session, day)


def _plan_of(session: Session, day: date) -> Plan | None:
    return session.scalar(select(Plan).where(Plan.starts_on <= day, Plan.ends_on >= day)
                          .order_by(Plan.starts_on.desc(), Plan.id.desc()).limit(1))


def _targets(session: Session, plan_id: int) -> list[TargetView]:
    rows = session.execute(select(PlanTarget, Staff.name).outerjoin(Staff, Staff.id == PlanTarget.owner_id)
                           .where(PlanTarget.plan_id == plan_id)).all()
    order = {m.key: n for n, m in enumerate(measures.MEASURES)}
    views = [TargetView(t, measures.BY_KEY[t.measure], owner) for t, owner in rows if t.measure in measures.BY_KEY]
    return sorted(views, key=lambda v: order[v.target.measure])


def targets_for(session: Session, day: date, *, by: Principal) -> list[TargetView]:
    """The targets of the plan of ``day`` (none without one), in the catalogue's order: the
    scorecard compares its actual figures with them (``measures.met``)."""
    require(by, READ)
    plan = _plan_of(session, day)
    return _targets(session, plan.id) if plan is not None else []


def all_plans(session: Session, *, by: Principal) -> list[Plan]:
    require(by, READ)
    return list(session.scalars(select(Plan).order_by(Plan.starts_on.desc(), Plan.id.desc())))


def plan_view(session: Session, plan_id: int | None, *, day: date, by: Principal) -> PlanView | None:
    """A plan (``None``: the plan of ``day``) with its targets and its environment review by area,
    newest entries first."""
    require(by, READ)
    plan = _plan_of(session, day) if plan_id is None else session.get(Plan, plan_id)
    if plan is None:
        if plan_id is not None:
            raise NotFound(_("%(entity)s %(id)s does not exist.", entity=_("Plan"), id=plan_id))
        return None
    entries = list(session.scalars(select(EnvironmentEntry).where(EnvironmentEntry.plan_id == plan.id)
                                   .order_by(EnvironmentEntry.noted_on.desc(), EnvironmentEntry.id.desc())))
    grouped: dict[EnvironmentArea, list[EnvironmentEntry]] = {area: [] for area in EnvironmentArea}
    for entry in entries:
        grouped[entry.area].append(entry)
    authors = dict(session.execute(select(Staff.id, Staff.name).where(
        Staff.id.in_({e.author_id for e in entries if e.author_id}))).all()) if entries else {}
    return PlanView(plan, _targets(session, plan.id), grouped, authors)


def target_for(session: Session, plan_id: int, measure: str) -> PlanTarget | None:
    return session.scalar(select(PlanTarget).where(PlanTarget.plan_id == plan_id, PlanTarget.measure == measure))


def set_target(session: Session, plan_id: int, data: dict[str, Any], *, by: Principal) -> PlanTarget:
    """Add the plan's target for a measure, or change the one it has."""
    existing = target_for(session, plan_id, str(data.get("measure") or ""))
    if existing is None:
        return targets.create(session, {**data, "plan_id": plan_id}, by=by)
    changes = {k: v for k, v in data.items() if k not in ("plan_id", "measure")}
    return targets.update(session, existing, changes, by=by)
