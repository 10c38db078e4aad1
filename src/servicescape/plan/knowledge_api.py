"""``/api/v1``: ``/competitors`` (and ``/competitors/{id}/mentions``), ``/competitor-observations``,
``/plans``, ``/plan-targets``, ``/environment-entries``, ``/qualifications``, ``/prestige-items``;
``/clients/{id}/account-profile`` (what a key account values, prefilled from SERVQUAL on request);
``/plan/key-accounts`` (their needs and reviews), ``/plan/current``, ``/plan/measures``,
``/empowerment``, ``/plan/frontline-recoveries`` and ``/plan/prestige-totals``.

No ``from __future__ import annotations``: the filtered lists' routes are made in a function, and
FastAPI reads their parameters' annotations, which must be objects, not strings."""

from datetime import date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from sqlalchemy import select

from servicescape.auth.permissions import require
from servicescape.db.paging import paginate
from servicescape.db.types import utcnow
from servicescape.i18n import _
from servicescape.plan import competitors, knowledge, measures, people, planning
from servicescape.plan.knowledge_schemas import (
    AccountProfileIn,
    AccountProfileOut,
    CompetitorIn,
    CompetitorOut,
    CompetitorPatch,
    CurrentPlanOut,
    EmpowermentIn,
    EmpowermentOut,
    EnvironmentIn,
    EnvironmentOut,
    EnvironmentPatch,
    FrontlineOut,
    KeyAccountsNeedsOut,
    MeasureOut,
    MentionOut,
    ObservationIn,
    ObservationOut,
    ObservationPatch,
    PlanIn,
    PlanOut,
    PlanPatch,
    PlanTargetView,
    PrestigeIn,
    PrestigeOut,
    PrestigePatch,
    PrestigeTotalOut,
    QualificationIn,
    QualificationOut,
    QualificationPatch,
    TargetIn,
    TargetOut,
    TargetPatch,
)
from servicescape.plan.models import CompetitorObservation, EnvironmentEntry, PlanTarget, Qualification
from servicescape.schemas import MAX_ID, DigitsOnly, PageOut
from servicescape.web.api.common import (
    DELETE,
    READ_MANY,
    READ_ONE,
    UPDATE,
    EntityId,
    PageNumber,
    PerPage,
    page_out,
)
from servicescape.web.api.resources import Resource, SignedIn, add_list_all, entity_router
from servicescape.web.deps import RequestContext

SAMPLES = "servicescape.plan.knowledge_samples"
COMPETITORS = Resource("competitors", "competitor", competitors.competitors, CompetitorIn, CompetitorPatch,
                       CompetitorOut, sample=f"{SAMPLES}:competitor")
OBSERVATIONS = Resource("competitor-observations", "competitor_observation", competitors.observations,
                        ObservationIn, ObservationPatch, ObservationOut, sample=f"{SAMPLES}:observation")
PLANS = Resource("plans", "plan", planning.plans, PlanIn, PlanPatch, PlanOut, sample=f"{SAMPLES}:plan")
TARGETS = Resource("plan-targets", "plan_target", planning.targets, TargetIn, TargetPatch, TargetOut,
                   sample=f"{SAMPLES}:target")
ENVIRONMENT = Resource("environment-entries", "environment_entry", planning.environment, EnvironmentIn,
                       EnvironmentPatch, EnvironmentOut, sample=f"{SAMPLES}:environment_entry")
QUALIFICATIONS = Resource("qualifications", "qualification", people.qualifications, QualificationIn,
                          QualificationPatch, QualificationOut, sample=f"{SAMPLES}:qualification")
PRESTIGE = Resource("prestige-items", "prestige_item", people.prestige, PrestigeIn, PrestigePatch, PrestigeOut,
                    sample=f"{SAMPLES}:prestige_item")

router = APIRouter()
TAG = "plan"


def _today(context: RequestContext) -> date:
    return utcnow().astimezone(context.runtime.settings.zone).date()


@router.get("/plan/measures", response_model=list[MeasureOut], responses=READ_MANY, name="plan_measures",
            tags=[TAG], summary="The measures a plan's targets can be set for, with their units and ranges")
def list_measures(context: SignedIn) -> Any:
    return [MeasureOut(key=m.key, label=_(m.label), unit=m.unit, comparison=m.comparison, low=m.low, high=m.high,
                       help=_(m.help)) for m in measures.MEASURES]


@router.get("/plan/current", response_model=CurrentPlanOut, responses=READ_MANY, name="current_plan",
            tags=[TAG], summary="The plan of a day (default: today) with its targets and its environment review")
def current(context: SignedIn, day: date | None = None) -> Any:
    with context.unit() as session:
        found = planning.plan_view(session, None, day=day or _today(context), by=context.principal)
        if found is None:
            return CurrentPlanOut(plan=None, targets=[], environment={})
        return CurrentPlanOut(
            plan=PlanOut.model_validate(found.plan),
            targets=[PlanTargetView(**view.as_dict()) for view in found.targets],
            environment={area.value: [EnvironmentOut.model_validate(e) for e in entries]
                         for area, entries in found.environment.items()})


@router.get("/plan/key-accounts", response_model=KeyAccountsNeedsOut, responses=READ_MANY,
            name="key_accounts_needs", tags=[TAG],
            summary="The key accounts with what is recorded of their needs and criteria, and their next review")
def key_accounts_needs(context: SignedIn) -> Any:
    settings = context.runtime.settings
    with context.unit() as session:
        found = knowledge.key_account_needs(session, now=utcnow(), today=_today(context),
                                            reporting_currency=settings.reporting_currency, by=context.principal)
        return KeyAccountsNeedsOut(**found.as_dict())


@router.get("/plan/frontline-recoveries", response_model=FrontlineOut, responses=READ_MANY,
            name="frontline_recoveries", tags=[TAG],
            summary="Of the complaints resolved from `since` to `until` (days, default: the last 90), how many "
                    "front-line staff resolved")
def frontline(context: SignedIn, since: date | None = None, until: date | None = None) -> Any:
    zone = context.runtime.settings.zone
    last = until or _today(context)
    first = since or last - timedelta(days=90)
    with context.unit() as session:
        found = people.frontline_recoveries(session, datetime.combine(first, time(), zone),
                                            datetime.combine(last + timedelta(days=1), time(), zone),
                                            by=context.principal)
        return FrontlineOut(since=first, until=last, resolved=found.resolved, by_frontline=found.by_frontline,
                            share=found.share)


@router.get("/plan/prestige-totals", response_model=list[PrestigeTotalOut], responses=READ_MANY,
            name="prestige_totals", tags=[TAG], summary="Articles, talks and forums per year and kind, with the "
                                                         "enquiries they brought")
def prestige_totals(context: SignedIn) -> Any:
    with context.unit() as session:
        return [PrestigeTotalOut(**t.as_dict()) for t in people.prestige_totals(session, by=context.principal)]


# --- account profiles ---------------------------------------------------------------------------------

@router.get("/clients/{id}/account-profile", response_model=AccountProfileOut, responses=READ_ONE,
            name="get_account_profile", tags=[TAG],
            summary="What a client values: needs, weighted decision criteria, how it chooses, its reviews")
def get_profile(id: EntityId, context: SignedIn) -> Any:
    with context.unit() as session:
        return AccountProfileOut(**knowledge.profile_of(session, id, by=context.principal).as_dict())


@router.patch("/clients/{id}/account-profile", response_model=AccountProfileOut, responses=UPDATE,
              name="update_account_profile", tags=[TAG],
              summary="Record what a client values (only the fields sent; `criteria` replaces the criteria, "
                      "whose weights must add up to 100)")
def update_profile(id: EntityId, body: AccountProfileIn, context: SignedIn) -> Any:
    with context.unit() as session:
        changes = body.model_dump(exclude_unset=True)
        found = knowledge.save_profile(session, id, changes, by=context.principal)
        return AccountProfileOut(**found.as_dict())


@router.post("/clients/{id}/account-profile/servqual-prefill", response_model=AccountProfileOut, responses=UPDATE,
             name="prefill_account_profile", tags=[TAG],
             summary="Set the criteria to the five SERVQUAL dimensions, weighted by the client's latest "
                     "importance split")
def prefill_profile(id: EntityId, context: SignedIn) -> Any:
    with context.unit() as session:
        return AccountProfileOut(**knowledge.prefill_from_servqual(session, id, by=context.principal).as_dict())


# --- mentions -----------------------------------------------------------------------------------------

@router.get("/competitors/{id}/mentions", response_model=PageOut[MentionOut], responses=READ_ONE,
            name="competitor_mentions", tags=["competitors"],
            summary="Where clients named the competitor (comments, interaction notes), newest first")
def mentions(id: EntityId, context: SignedIn, page: PageNumber = 1, per_page: PerPage = 50) -> Any:
    with context.unit() as session:
        competitors.competitors.get(session, id, by=context.principal)
        views, total = competitors.mentions_of(session, id, page=page, per_page=per_page, by=context.principal)
        return PageOut[MentionOut](items=[MentionOut(**v.as_dict()) for v in views], total=total, page=page,
                                   per_page=per_page, pages=max(1, -(-total // per_page)))


# --- empowerment --------------------------------------------------------------------------------------

@router.get("/empowerment", response_model=list[EmpowermentOut], responses=READ_MANY, name="list_empowerment",
            tags=[TAG], summary="Who may resolve complaints and grant goodwill without asking, and up to what")
def list_empowerment(context: SignedIn) -> Any:
    with context.unit() as session:
        return [EmpowermentOut(**row.as_dict()) for row in people.empowerment_list(session, by=context.principal)]


@router.put("/empowerment/{id}", response_model=EmpowermentOut, responses=UPDATE, name="set_empowerment",
            tags=[TAG], summary="What a staff member (by id) may do without asking")
def set_empowerment(id: EntityId, body: EmpowermentIn, context: SignedIn) -> Any:
    with context.unit() as session:
        return EmpowermentOut(**people.set_empowerment(session, id, body.model_dump(),
                                                       by=context.principal).as_dict())


@router.delete("/empowerment/{id}", status_code=204, response_class=Response, responses=DELETE,
               name="remove_empowerment", tags=[TAG], summary="The staff member must ask again")
def remove_empowerment(id: EntityId, context: SignedIn) -> Response:
    with context.unit() as session:
        people.remove_empowerment(session, id, by=context.principal)
    return Response(status_code=204)


# --- the entities -------------------------------------------------------------------------------------

def _filtered_list(resource: Resource, parameter: str, column: Any) -> APIRouter:
    """``GET /<things>?<parameter>=``: newest first, optionally of one parent."""
    routes = entity_router(resource)
    service = resource.service
    Parent = Annotated[int | None, Query(ge=1, le=MAX_ID, alias=parameter), DigitsOnly]

    @routes.get("", response_model=PageOut[resource.out], responses=READ_MANY,  # type: ignore[name-defined]
                name=f"list_{resource.path}", summary=f"List {resource.path}, newest first")
    def list_records(context: SignedIn, page: PageNumber = 1, per_page: PerPage = 50,
                     parent: Parent = None) -> Any:
        with context.unit() as session:
            require(context.principal, service.read_permission)
            query = select(service.model)
            if parent is not None:
                query = query.where(column == parent)
            found = paginate(session, query.order_by(service.model.id.desc()),  # type: ignore[attr-defined]
                             page=page, per_page=per_page)
            return page_out(found, resource.out)

    return routes


for resource in (COMPETITORS, PLANS, PRESTIGE):
    routes = entity_router(resource)
    add_list_all(routes, resource)
    router.include_router(routes)
router.include_router(_filtered_list(OBSERVATIONS, "competitor_id", CompetitorObservation.competitor_id))
router.include_router(_filtered_list(TARGETS, "plan_id", PlanTarget.plan_id))
router.include_router(_filtered_list(ENVIRONMENT, "plan_id", EnvironmentEntry.plan_id))
router.include_router(_filtered_list(QUALIFICATIONS, "staff_id", Qualification.staff_id))
