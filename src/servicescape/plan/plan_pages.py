"""``/plan``: the plan of the period (or one chosen) with its targets and their owners, the
environment review by area, and the way to the other pages of the capability; managers add plans
and set targets, anyone who records adds to the environment review."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from servicescape import i18n
from servicescape.analytics.labels import Numbers
from servicescape.plan import measures, planning
from servicescape.plan.knowledge_schemas import EnvironmentIn, PlanIn, TargetIn
from servicescape.plan.models import EnvironmentArea
from servicescape.plan.page_parts import Manager, Reader, Writer, numbers, page, today
from servicescape.schemas import MAX_ID
from servicescape.tabular.amounts import parse_decimal
from servicescape.tabular.errors import TabularError
from servicescape.web.deps import RequestContext
from servicescape.web.forms import FormInvalid, FormState, RecordId, parse_form
from servicescape.web.pages.common import FORM_PROBLEMS, Posted, owner_options, problem_status, see_other

router = APIRouter(include_in_schema=False)
SYMBOLS = {measures.AT_LEAST: "≥", measures.AT_MOST: "≤"}


def target_text(comparison: str, value: float, measure: measures.Measure, figures: Numbers) -> str:
    """"≥ 95%", "≥ 40", "≥ −0.5": a target as people read it."""
    if measure.unit == measures.PERCENT:
        shown = figures.percent(value / 100)
    else:
        shown = figures.number(value, 0 if measure.unit == measures.POINTS and float(value).is_integer() else 1)
    return f"{SYMBOLS.get(comparison, comparison)} {shown}"


def _forms(context: RequestContext) -> dict[str, FormState]:
    return {"plan": FormState({}), "target": FormState({"comparison": ""}),
            "entry": FormState({"noted_on": today(context).isoformat(), "area": EnvironmentArea.market.value})}


def plan_view(context: RequestContext, plan_id: int | None, *, failed: tuple[str, FormState] | None = None,
              status_code: int = 200) -> Response:
    forms = _forms(context)
    if failed:
        forms[failed[0]] = failed[1]
    figures = numbers(context)
    with context.unit() as session:
        found = planning.plan_view(session, plan_id, day=today(context), by=context.principal)
        plans = planning.all_plans(session, by=context.principal)
        owners = owner_options(context, session, forms["target"].values.get("owner_id"), i18n._("Nobody yet"))
        targets = [(view, target_text(view.target.comparison, view.target.value, view.measure, figures))
                   for view in found.targets] if found else []
    return page(context, "plan/plan.html", "plan", status_code=status_code, found=found, plans=plans,
                targets=targets, forms=forms, owners=owners,
                measure_options=[(m.key, i18n._(m.label)) for m in measures.MEASURES],
                comparison_options=[("", i18n._("The measure's usual")), (measures.AT_LEAST, "≥"),
                                    (measures.AT_MOST, "≤")],
                area_options=[(a.value, i18n._(planning.AREA_LABELS[a])) for a in EnvironmentArea],
                area_labels={a.value: i18n._(label) for a, label in planning.AREA_LABELS.items()},
                area_hints={a.value: i18n._(hint) for a, hint in planning.AREA_HINTS.items()},
                plan_options=[(str(p.id), p.name) for p in plans])


@router.get("/plan")
def plan_page(context: Reader, plan: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None) -> Response:
    return plan_view(context, plan)


@router.post("/plan/plans")
def add_plan(context: Manager, values: Posted) -> Response:
    typed = {name: values.get(name, "") for name in ("name", "starts_on", "ends_on")}
    try:
        data = parse_form(PlanIn, typed, zone=context.runtime.settings.zone)
        with context.unit() as session:
            made = planning.plans.create(session, data, by=context.principal)
            plan_id, name = made.id, made.name
    except FORM_PROBLEMS as problem:
        return plan_view(context, None, failed=("plan", FormState.failed(typed, problem)),
                         status_code=problem_status(problem))
    return see_other(f"/plan?plan={plan_id}", context, i18n._("The plan %(name)s was added.", name=name))


def _value(typed: dict[str, str]) -> dict[str, str]:
    text = typed.get("value", "").strip()
    if text:
        try:
            typed = {**typed, "value": str(parse_decimal(text))}
        except TabularError:
            raise FormInvalid({"value": i18n._("Enter a number such as 95 or 0.5.")}) from None
    return typed


@router.post("/plan/plans/{plan_id}/targets")
def set_target(plan_id: RecordId, context: Manager, values: Posted) -> Response:
    typed = {name: values.get(name, "") for name in ("measure", "comparison", "value", "owner_id", "note")}
    try:
        data = parse_form(TargetIn, _value(typed), zone=context.runtime.settings.zone, fixed={"plan_id": plan_id})
        data.pop("plan_id", None)
        with context.unit() as session:
            planning.plans.get(session, plan_id, by=context.principal)
            planning.set_target(session, plan_id, data, by=context.principal)
    except FORM_PROBLEMS as problem:
        return plan_view(context, plan_id, failed=("target", FormState.failed(typed, problem)),
                         status_code=problem_status(problem))
    label = measures.BY_KEY[data["measure"]].label
    return see_other(f"/plan?plan={plan_id}#targets", context,
                     i18n._("The target for %(measure)s was set.", measure=i18n._(label)))


@router.post("/plan/targets/{target_id}/delete")
def delete_target(target_id: RecordId, context: Manager) -> Response:
    with context.unit() as session:
        target = planning.targets.get(session, target_id, by=context.principal)
        plan_id = target.plan_id
        planning.targets.delete(session, target, by=context.principal)
    return see_other(f"/plan?plan={plan_id}#targets", context, i18n._("The target was removed."))


@router.post("/plan/plans/{plan_id}/environment")
def add_entry(plan_id: RecordId, context: Writer, values: Posted) -> Response:
    typed = {name: values.get(name, "") for name in ("area", "noted_on", "text")}
    try:
        data: dict[str, Any] = parse_form(EnvironmentIn, typed, zone=context.runtime.settings.zone,
                                          fixed={"plan_id": plan_id})
        with context.unit() as session:
            planning.plans.get(session, plan_id, by=context.principal)
            planning.environment.create(session, data, by=context.principal)
    except FORM_PROBLEMS as problem:
        return plan_view(context, plan_id, failed=("entry", FormState.failed(typed, problem)),
                         status_code=problem_status(problem))
    return see_other(f"/plan?plan={plan_id}#environment", context, i18n._("The observation was added."))


@router.post("/plan/environment/{entry_id}/delete")
def delete_entry(entry_id: RecordId, context: Manager) -> Response:
    with context.unit() as session:
        entry = planning.environment.get(session, entry_id, by=context.principal)
        plan_id = entry.plan_id
        planning.environment.delete(session, entry, by=context.principal)
    return see_other(f"/plan?plan={plan_id}#environment", context, i18n._("The observation was removed."))
