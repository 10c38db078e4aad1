"""Analytics' pages: revenue concentration (the Lorenz curve, per grouping, the key accounts), the
RFM grid and segments, cohort retention, lifetime value, clients at risk and retention economics
(with the firm's settings). Each page is served from the cache of its report; while the refresh
job counts again after a change, the page says that its figures are from earlier data."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from sqlalchemy.orm import Session

from servicescape import i18n
from servicescape.analytics import concentration, labels, rfm, service, value
from servicescape.analytics.capability import MANAGE, READ
from servicescape.analytics.schemas import SettingsIn
from servicescape.analytics.service import Answer
from servicescape.analytics.tables import GROUPINGS
from servicescape.errors import ValidationFailed
from servicescape.platform.charts import CategoryValue, Chart, bar_chart_by_category, share_curve_chart
from servicescape.web.deps import RequestContext, signed_in
from servicescape.web.forms import FormState, parse_form
from servicescape.web.pages.common import FORM_PROBLEMS, Posted, problem_status, see_other
from servicescape.web.templating import Formatter, render

router = APIRouter(include_in_schema=False)

Reader = Annotated[RequestContext, Depends(signed_in(READ))]
Manager = Annotated[RequestContext, Depends(signed_in(MANAGE))]
PeriodQ = Annotated[str, Query(pattern=r"^(12m|all|\d{4})$")]
GroupingQ = Annotated[str, Query(pattern="^(" + "|".join(GROUPINGS) + ")$")]
#: the month offsets the cohort table shows
COHORT_OFFSETS = tuple(range(13))
#: at-risk key accounts listed on the home page
HOME_ITEMS = 5


def _numbers(context: RequestContext) -> labels.Numbers:
    return labels.Numbers(Formatter(context.language, context.runtime.settings.zone).locale)


def _answer(context: RequestContext, report: str, **given: Any) -> tuple[Answer | None, str | None]:
    """The report's answer (stale while the job counts again), or why there is none."""
    try:
        with context.unit() as session:
            firm = service.settings(session, by=context.principal)
            query = service.default_query(report, service.today(context.runtime.settings), firm, **given)
            return service.report(session, query, by=context.principal, allow_stale=True), None
    except ValidationFailed as failed:
        if failed.field == report:   # the data cannot give it (nothing bought yet, no model fits): said on the page
            return None, failed.message
        raise


def _page(context: RequestContext, template: str, active: str, answer: Answer | None, problem: str | None,
          **values: Any) -> Response:
    fmt = Formatter(context.language, context.runtime.settings.zone)
    return render(context, template, active_nav="analytics", active=active, answer=answer, problem=problem,
                  result=answer.payload if answer else None, numbers=_numbers(context), labels=labels,
                  day=lambda text: fmt.date(date.fromisoformat(text)) if text else "", **values)


# -- concentration ------------------------------------------------------------------------------------

def lorenz_chart(result: dict[str, Any], numbers: labels.Numbers) -> Chart:
    return share_curve_chart(
        [(x, y) for x, y in result["lorenz"]], title=i18n._("Lorenz curve"),
        description=i18n._("Clients from the smallest up: the share of clients against the share of revenue they "
                           "bring. The further the curve sags below the diagonal, the more revenue rests on few "
                           "clients."),
        x_title=i18n._("Share of clients"), y_title=i18n._("Share of revenue"),
        reference_title=i18n._("Equal shares"), locale=numbers.locale)


@router.get("/analytics")
def concentration_page(context: Reader, period: PeriodQ = "12m", by: GroupingQ = "segment") -> Response:
    answer, problem = _answer(context, "pareto", period=period)
    result = answer.payload if answer else None
    chart = lorenz_chart(result, _numbers(context)) if result and result["lorenz"] else None
    # the years with revenue (from the all-time figures when kept), newest first
    years = sorted({row["group"] for row in result["by"].get("year", []) if row["group"]}, reverse=True) \
        if result else []
    if period not in ("12m", "all") and period not in years:
        years.insert(0, period)
    choices = [("12m", i18n._("Last 12 months")), ("all", i18n._("All time")), *((y, y) for y in years)]
    return _page(context, "analytics/concentration.html", "concentration", answer, problem, chart=chart,
                 period=period, by=by, groupings=[(key, i18n._(labels.GROUPING_LABELS[key])) for key in GROUPINGS],
                 top_percents=concentration.TOP_PERCENTS, period_choices=choices)


# -- RFM ----------------------------------------------------------------------------------------------

@router.get("/analytics/rfm")
def rfm_page(context: Reader) -> Response:
    answer, problem = _answer(context, "rfm")
    cells: dict[tuple[int, int], dict[str, Any]] = {}
    largest = 0
    if answer:
        cells = {(cell["r"], cell["f"]): cell for cell in answer.payload["grid"]}
        largest = max((cell["clients"] for cell in cells.values()), default=0)

    def heat(count: int) -> int:
        return 0 if not count or not largest else max(1, round(5 * count / largest))

    segment_of = {(r, f): name for name, rs, fs in rfm.SEGMENTS for r in rs for f in fs}
    return _page(context, "analytics/rfm.html", "rfm", answer, problem, cells=cells, heat=heat, segment_of=segment_of)


# -- cohorts ------------------------------------------------------------------------------------------

@router.get("/analytics/cohorts")
def cohorts_page(context: Reader) -> Response:
    answer, problem = _answer(context, "cohorts")
    rows = []
    if answer:
        for cohort in answer.payload["cohorts"]:
            cells = {cell["offset"]: cell for cell in cohort["months"]}
            rows.append((cohort, [cells.get(offset) for offset in COHORT_OFFSETS]))

    def heat(share: float | None) -> int:
        return 0 if not share else max(1, min(5, round(5 * share)))

    return _page(context, "analytics/cohorts.html", "cohorts", answer, problem, rows=rows, offsets=COHORT_OFFSETS,
                 heat=heat)


# -- lifetime value -----------------------------------------------------------------------------------

def decile_chart(result: dict[str, Any], numbers: labels.Numbers) -> Chart:
    currency = result["currency"]
    points = [CategoryValue(i18n._("Decile %(n)s", n=row["decile"]), row["mean_clv"] or 0.0,
                            label=numbers.money(row["mean_clv"], currency)) for row in result["deciles"]]
    return bar_chart_by_category(
        points, title=i18n._("Lifetime value by decile"),
        description=i18n._("Clients in ten equal groups from the least to the most valuable: the mean discounted "
                           "value each group is expected to bring over the horizon."),
        category_title=i18n._("Clients"), value_title=i18n._("Mean lifetime value (%(currency)s)",
                                                             currency=currency),
        locale=numbers.locale)


@router.get("/analytics/value")
def value_page(context: Reader) -> Response:
    answer, problem = _answer(context, "clv")
    chart = decile_chart(answer.payload, _numbers(context)) if answer and answer.payload["deciles"] else None
    return _page(context, "analytics/value.html", "value", answer, problem, chart=chart, units=value.UNIT_DAYS)


# -- at risk ------------------------------------------------------------------------------------------

@router.get("/analytics/risk")
def risk_page(context: Reader) -> Response:
    answer, problem = _answer(context, "churn")
    return _page(context, "analytics/risk.html", "risk", answer, problem)


def home_at_risk(context: RequestContext, session: Session) -> dict[str, Any] | None:
    """The home panel: the key accounts slipping away, from the last count (never counted here);
    no panel when none is at risk or nothing was counted yet."""
    firm = service.settings(session, by=context.principal)
    query = service.default_query("churn", service.today(context.runtime.settings), firm)
    kept = service.kept(session, query, by=context.principal)
    if kept is None or not kept.payload.get("key_accounts_at_risk"):
        return None
    return {"at_risk": kept.payload, "numbers": _numbers(context), "most": HOME_ITEMS}


# -- economics and settings ---------------------------------------------------------------------------

def _settings_form(context: RequestContext) -> FormState:
    with context.unit() as session:
        firm = service.settings(session, by=context.principal)
        return FormState({name: "" if given is None else str(given)
                          for name, given in service.settings_values(firm).items()})


def economics_view(context: RequestContext, form: FormState | None = None, status_code: int = 200) -> Response:
    answer, problem = _answer(context, "economics")
    return _page(context, "analytics/economics.html", "economics", answer, problem, status_code=status_code,
                 form=form or _settings_form(context), can_manage=context.can(MANAGE))


@router.get("/analytics/economics")
def economics_page(context: Reader) -> Response:
    return economics_view(context)


@router.post("/analytics/settings")
def save_settings(context: Manager, values: Posted) -> Response:
    try:
        changes = parse_form(SettingsIn, {name: values.get(name, "") for name in service.LIMITS},
                             zone=context.runtime.settings.zone, amounts=("acquisition_cost",))
        with context.unit() as session:
            service.update_settings(session, changes, by=context.principal)
    except FORM_PROBLEMS as problem:
        return economics_view(context, FormState.failed(values, problem), status_code=problem_status(problem))
    return see_other("/analytics/economics", context, i18n._("The analytics settings were saved."))
