"""Value cases: a client's (or prospect's) return, made tangible — benefits and the client's own costs
at three estimates against the price (``value_math``), "illustrative" until at least three real
outcomes on delivered engagements back it, with evidence from kept promises, survey answers and
approved testimonials."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicescape.auth.permissions import Principal, require
from servicescape.clients.models import Client, Engagement, EngagementStatus
from servicescape.db.crud import EntityService, about_field
from servicescape.errors import NotFound, ValidationFailed
from servicescape.i18n import N_, _
from servicescape.offerings import service as offerings
from servicescape.offerings.capability import VALUE
from servicescape.offerings.models import PackageLevel
from servicescape.offerings.value_math import Estimate, Scenario, scenarios
from servicescape.offerings.value_models import (
    BENEFIT_KINDS,
    COST_KINDS,
    ValueCase,
    ValueItem,
    ValueKind,
    ValueOutcome,
    ValueSide,
)
from servicescape.promises.models import Promise, PromiseStatus
from servicescape.quality.models import SurveyResponse
from servicescape.referrals.models import Testimonial, TestimonialStatus

#: real outcomes on delivered engagements a case needs before it is no longer "illustrative"
OUTCOMES_TO_BACK = 3
ITEM_FIELDS = ("kind", "description", "low", "expected", "high", "source")


def _items(side: ValueSide, given: list[dict[str, Any]], field: str) -> list[ValueItem]:
    kinds = BENEFIT_KINDS if side == ValueSide.benefit else COST_KINDS
    made = []
    for n, item in enumerate(given):
        where = f"{field}[{n}]"
        kind = ValueKind(item["kind"]) if item.get("kind") in ValueKind.__members__ else None
        if kind not in kinds:
            raise ValidationFailed(_("%(field)s: the kind must be one of %(kinds)s.", field=where,
                                     kinds=", ".join(k.value for k in kinds)), field=f"{where}.kind")
        for name in ("low", "expected", "high"):
            offerings.amount_fits(item[name], f"{where}.{name}")
        low, expected, high = (Decimal(item[name]) for name in ("low", "expected", "high"))
        if low < 0:
            raise ValidationFailed(_("%(field)s: an estimate cannot be below zero.", field=where), field=f"{where}.low")
        if not low <= expected <= high:
            raise ValidationFailed(_("%(field)s: the estimates must be low ≤ expected ≤ high.", field=where),
                                   field=f"{where}.expected")
        if not str(item.get("description") or "").strip():
            raise ValidationFailed(_("%(field)s: say what it is.", field=where), field=f"{where}.description")
        made.append(ValueItem(side=side, **{name: item.get(name) for name in ITEM_FIELDS} | {"kind": kind}))
    return made


class ValueCaseService(EntityService[ValueCase]):
    model = ValueCase
    label = N_("Value case")
    references: ClassVar[dict[str, Any]] = {"client_id": Client, "level_id": PackageLevel}
    unique_fields: ClassVar[tuple[str, ...]] = ()
    read_permission = VALUE
    write_permission = VALUE
    delete_permission = VALUE

    def check(self, session: Session, data: dict[str, Any], existing: ValueCase | None) -> dict[str, Any]:
        if "price" in data:
            if data["price"] is None:
                raise about_field(ValidationFailed, N_("%(field)s cannot be empty."), "price")
            offerings.amount_fits(data["price"], "price", positive=True)
        if "horizon_months" in data and not 1 <= (data["horizon_months"] or 0) <= 120:
            raise about_field(ValidationFailed, N_("%(field)s must be a whole number from %(low)s to %(high)s."),
                              "horizon_months", low=1, high=120)
        offerings.currency_in_use(data)
        items: list[ValueItem] | None = None
        if "benefits" in data or "costs" in data or existing is None:
            for name in ("benefits", "costs"):
                if name in data and data[name] is None:
                    raise about_field(ValidationFailed, N_("%(field)s cannot be empty."), name)
            benefits = data.pop("benefits", None)
            costs = data.pop("costs", None)
            if benefits is None:
                benefits = [] if existing is None else [_plain(i) for i in existing.benefits]
            if costs is None:
                costs = [] if existing is None else [_plain(i) for i in existing.costs]
            if not benefits:
                raise about_field(ValidationFailed, N_("%(field)s: a value case needs at least one benefit."),
                                  "benefits")
            items = _items(ValueSide.benefit, benefits, "benefits") + _items(ValueSide.cost, costs, "costs")
        data = super().check(session, data, existing)
        if items is not None:
            data["items"] = items
        return data


def _plain(item: ValueItem) -> dict[str, Any]:
    return {name: getattr(item, name) for name in ITEM_FIELDS}


value_cases = ValueCaseService()


@dataclass(frozen=True)
class ValueCaseView:
    case: ValueCase
    client_name: str
    language: str | None
    scenarios: list[Scenario]
    delivered_outcomes: int
    illustrative: bool


def view(session: Session, case_id: int, *, by: Principal) -> ValueCaseView:
    case = value_cases.get(session, case_id, by=by)
    client = session.get(Client, case.client_id)
    assert client is not None
    delivered = _delivered_outcomes(session, case)
    return ValueCaseView(case, client.name, client.language,
                         scenarios([_estimate(i) for i in case.benefits], [_estimate(i) for i in case.costs],
                                   case.price, case.horizon_months),
                         delivered, delivered < OUTCOMES_TO_BACK)


def _estimate(item: ValueItem) -> Estimate:
    return Estimate(item.low, item.expected, item.high)


def _delivered_outcomes(session: Session, case: ValueCase) -> int:
    ids = [o.engagement_id for o in case.outcomes]
    if not ids:
        return 0
    done = set(session.scalars(select(Engagement.id).where(Engagement.id.in_(ids),
                                                           Engagement.status == EngagementStatus.completed)))
    return sum(1 for o in case.outcomes if o.engagement_id in done)


def cases_of_client(session: Session, client_id: int, *, by: Principal) -> list[ValueCase]:
    require(by, VALUE)
    return list(session.scalars(select(ValueCase).where(ValueCase.client_id == client_id)
                                .order_by(ValueCase.id.desc())))


def add_outcome(session: Session, case_id: int, data: dict[str, Any], *, by: Principal) -> ValueOutcome:
    """A real outcome on a delivered engagement of the case's client; its evidence must be the same
    client's: a kept promise, a submitted survey answer, an approved testimonial."""
    case = value_cases.get(session, case_id, by=by)
    require(by, VALUE)
    engagement = session.get(Engagement, data["engagement_id"])
    if engagement is None or engagement.client_id != case.client_id:
        raise about_field(ValidationFailed, N_("%(field)s is not an engagement of this client."), "engagement_id")
    if engagement.status != EngagementStatus.completed:
        raise about_field(ValidationFailed, N_("%(field)s: record outcomes on delivered (completed) engagements."),
                          "engagement_id")
    offerings.amount_fits(data.get("amount"), "amount")
    if data.get("amount") is not None and data["amount"] < 0:
        raise about_field(ValidationFailed, N_("%(field)s cannot be below zero."), "amount")
    _evidence(session, data, "promise_id", Promise, case.client_id,
              lambda p: p.status == PromiseStatus.kept, N_("%(field)s is not a kept promise of this client."))
    _evidence(session, data, "survey_response_id", SurveyResponse, case.client_id,
              lambda r: r.submitted_at is not None, N_("%(field)s is not a survey answer of this client."))
    _evidence(session, data, "testimonial_id", Testimonial, case.client_id,
              lambda t: t.status == TestimonialStatus.approved,
              N_("%(field)s is not an approved testimonial of this client."))
    outcome = ValueOutcome(case_id=case.id, **data)
    session.add(outcome)
    session.flush()
    session.refresh(case)
    return outcome


def _evidence(session: Session, data: dict[str, Any], field: str, model: type[Any], client_id: int,
              fits: Any, message: str) -> None:
    record_id = data.get(field)
    if record_id is None:
        return
    record = session.get(model, record_id)
    if record is None or record.client_id != client_id or not fits(record):
        raise about_field(ValidationFailed, message, field)


def remove_outcome(session: Session, outcome_id: int, *, by: Principal) -> None:
    require(by, VALUE)
    outcome = session.get(ValueOutcome, outcome_id)
    if outcome is None:
        raise NotFound(_("%(entity)s %(id)s does not exist.", entity=_("Outcome"), id=outcome_id))
    session.delete(outcome)
    session.flush()


@dataclass(frozen=True)
class CaseLine:
    case: ValueCase
    client_name: str
    expected: Scenario
    delivered_outcomes: int

    @property
    def illustrative(self) -> bool:
        return self.delivered_outcomes < OUTCOMES_TO_BACK


def recent(session: Session, *, client_id: int | None = None, limit: int = 200, by: Principal) -> list[CaseLine]:
    """The latest value cases (of one client, or all) with their expected scenario, and how many
    outcomes back each."""
    require(by, VALUE)
    query = select(ValueCase, Client.name).join(Client, Client.id == ValueCase.client_id)
    if client_id is not None:
        query = query.where(ValueCase.client_id == client_id)
    rows = session.execute(query.order_by(ValueCase.id.desc()).limit(limit)).all()
    done = set(session.scalars(select(Engagement.id).where(
        Engagement.id.in_([o.engagement_id for case, _name in rows for o in case.outcomes]),
        Engagement.status == EngagementStatus.completed)))
    return [CaseLine(case, name, scenarios([_estimate(i) for i in case.benefits], [_estimate(i) for i in case.costs],
                                           case.price, case.horizon_months)[1],
                     sum(1 for o in case.outcomes if o.engagement_id in done)) for case, name in rows]
