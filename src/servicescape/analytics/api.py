"""``/api/v1/analytics/...``: revenue concentration, RFM, cohorts, lifetime value, churn risk and
retention economics — served from the cache per data version, counted when the data changed."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from servicescape.analytics import service
from servicescape.analytics.schemas import RefreshOut, ReportOut, SettingsIn, SettingsOut
from servicescape.web.api.common import READ_MANY, UPDATE
from servicescape.web.api.resources import SignedIn
from servicescape.web.deps import RequestContext

router = APIRouter(prefix="/analytics", tags=["customer analytics"])

Stale = Annotated[bool, Query(description="answer from the cache even if the data changed since (fast)")]
Period = Annotated[str, Query(pattern=r"^(12m|all|\d{4})$", description="12m, all, or a year")]
TimeUnit = Annotated[str, Query(pattern="^(day|week)$")]


def _answer(context: RequestContext, report: str, given: dict[str, Any], allow_stale: bool) -> ReportOut:
    with context.unit() as session:
        firm = service.settings(session, by=context.principal)
        query = service.default_query(report, service.today(context.runtime.settings), firm,
                                      **{k: v.isoformat() if isinstance(v, date) else v for k, v in given.items()})
        answer = service.report(session, query, by=context.principal, allow_stale=allow_stale)
        return ReportOut(report=report, params=query.params, meta=answer.meta(),  # type: ignore[arg-type]
                         result=answer.payload)


@router.get("/pareto", response_model=ReportOut, responses=READ_MANY, name="analytics_pareto",
            summary="Revenue concentration: top clients' share, Lorenz curve, Gini, key accounts, by grouping")
def pareto(context: SignedIn, period: Period = "12m", allow_stale: Stale = False) -> Any:
    return _answer(context, "pareto", {"period": period}, allow_stale)


@router.get("/rfm", response_model=ReportOut, responses=READ_MANY, name="analytics_rfm",
            summary="RFM grid and segments, and the movement between segments since compare_to")
def rfm(context: SignedIn, as_of: date | None = None, compare_to: date | None = None,
        allow_stale: Stale = False) -> Any:
    return _answer(context, "rfm", {"as_of": as_of, "compare_to": compare_to}, allow_stale)


@router.get("/cohorts", response_model=ReportOut, responses=READ_MANY, name="analytics_cohorts",
            summary="Retention of monthly cohorts: clients and revenue in each later month")
def cohorts(context: SignedIn, until: date | None = None,
            months: Annotated[int, Query(ge=1, le=240)] = service.COHORT_MONTHS, allow_stale: Stale = False) -> Any:
    return _answer(context, "cohorts", {"until": until, "months": months}, allow_stale)


@router.get("/clv", response_model=ReportOut, responses=READ_MANY, name="analytics_clv",
            summary="Lifetime value: BG/NBD and Gamma-Gamma parameters, CLV deciles, top clients, holdout check")
def clv(context: SignedIn, until: date | None = None, time_unit: TimeUnit = "week",
        holdout_until: date | None = None, allow_stale: Stale = False) -> Any:
    return _answer(context, "clv", {"until": until, "time_unit": time_unit, "holdout_until": holdout_until},
                   allow_stale)


@router.get("/churn", response_model=ReportOut, responses=READ_MANY, name="analytics_churn",
            summary="Clients slipping away and the key accounts among them")
def churn(context: SignedIn, as_of: date | None = None, allow_stale: Stale = False) -> Any:
    return _answer(context, "churn", {"until": as_of}, allow_stale)


@router.get("/economics", response_model=ReportOut, responses=READ_MANY, name="analytics_economics",
            summary="Retention against acquisition over the last year")
def economics(context: SignedIn, as_of: date | None = None, allow_stale: Stale = False) -> Any:
    return _answer(context, "economics", {"as_of": as_of}, allow_stale)


def _settings_out(context: RequestContext, found: Any) -> SettingsOut:
    return SettingsOut(currency=context.runtime.settings.reporting_currency, **service.settings_values(found))


@router.get("/settings", response_model=SettingsOut, responses=READ_MANY, name="analytics_settings",
            summary="The firm's analytics settings")
def get_settings(context: SignedIn) -> Any:
    with context.unit() as session:
        return _settings_out(context, service.settings(session, by=context.principal))


@router.patch("/settings", response_model=SettingsOut, responses=UPDATE, name="update_analytics_settings",
              summary="Change the firm's analytics settings (recorded in the audit trail)")
def update_settings(body: SettingsIn, context: SignedIn) -> Any:
    with context.unit() as session:
        changed = service.update_settings(session, body.model_dump(exclude_unset=True), by=context.principal)
        return _settings_out(context, changed)


@router.post("/refresh", response_model=RefreshOut, responses=UPDATE, name="refresh_analytics",
             summary="Count the pages' reports now if the data changed (the server does it every 5 minutes)")
def refresh(context: SignedIn, force: bool = False) -> Any:
    with context.unit() as session:
        return service.refresh(session, by=context.principal, force=force)
