"""The reliability dashboard (kept on time, late, missed — overall, by month, staff, tier, package
and client; clients flagged for broken promises; how well recovery works) and the recovery tasks
page (open ones by due date; closing one with its outcome, from the list, with or without htmx)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import parse_qs, urlsplit

from babel.numbers import format_decimal, format_percent
from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from servicescape import i18n
from servicescape.db.types import utcnow
from servicescape.errors import ValidationFailed
from servicescape.platform.charts import Chart, PeriodValue, bar_chart_by_period, line_chart_by_period, month_label
from servicescape.promises import recovery, reliability
from servicescape.promises.capability import READ
from servicescape.tasks import service as tasks
from servicescape.tasks.capability import WRITE as TASKS_WRITE
from servicescape.tasks.models import TaskStatus
from servicescape.web.deps import RequestContext, signed_in
from servicescape.web.forms import FormState, RecordId, is_htmx
from servicescape.web.pages.common import FORM_PROBLEMS, Posted, problem_status, see_other
from servicescape.web.templating import Formatter, render

router = APIRouter(include_in_schema=False)

Reader = Annotated[RequestContext, Depends(signed_in(READ))]
Closer = Annotated[RequestContext, Depends(signed_in(TASKS_WRITE))]
PERIODS = (90, 180, 365)
PER_PAGE = 50
#: the clients with the most broken promises shown
WORST = 10
RECOVERY_STATUSES = ("open", "done", "cancelled", "all")
RECOVERY_PAGE = "/promises/recovery"


# --- the reliability dashboard ----------------------------------------------------------------------

def _percent(locale: str) -> Callable[[float | None], str]:
    def percent(share: float | None) -> str:
        return "—" if share is None else format_percent(share, format="#,##0.#%", locale=locale)
    return percent


def _lateness(locale: str) -> Callable[[float | None], str]:
    """Minutes late as people say it: minutes up to an hour and a half, then hours, then days."""
    def lateness(minutes: float | None) -> str:
        if minutes is None:
            return "—"
        if minutes < 90:
            return i18n._("%(n)s min", n=format_decimal(round(minutes), locale=locale))
        if minutes < 48 * 60:
            return i18n._("%(n)s h", n=format_decimal(round(minutes / 60, 1), format="#,##0.#", locale=locale))
        return i18n._("%(n)s days", n=format_decimal(round(minutes / 1440, 1), format="#,##0.#", locale=locale))
    return lateness


def month_charts(found: reliability.Reliability, fmt: Formatter) -> tuple[Chart, Chart]:
    """Kept on time, late and missed by month (grouped bars), and the share kept on time (a line)."""
    labels = {month: month_label(date(int(month[:4]), int(month[5:7]), 1), fmt.locale) for month in found.by_month}
    percent = _percent(fmt.locale)
    series = ((i18n._("Kept on time"), "kept_on_time"), (i18n._("Late"), "late"), (i18n._("Missed"), "missed"))
    counts: list[PeriodValue] = []
    shares: list[PeriodValue] = []
    if found.overall.ended:
        for month, figures in found.by_month.items():
            counts += [PeriodValue(labels[month], getattr(figures, field), name) for name, field in series]
            if figures.ended:
                share = figures.kept_on_time / figures.ended
                shares.append(PeriodValue(labels[month], round(share * 100, 1), "", percent(share)))
    bars = bar_chart_by_period(
        counts, title=i18n._("Promises by month and outcome"),
        description=i18n._("How many promises whose window ended in each month were kept on time, late or missed."),
        period_title=i18n._("Month"), value_title=i18n._("Promises"), series_title=i18n._("Outcome"),
        locale=fmt.locale)
    line = line_chart_by_period(
        shares, title=i18n._("Kept on time by month"),
        description=i18n._("The share of the promises whose window ended in each month that were kept on time."),
        period_title=i18n._("Month"), value_title=i18n._("Kept on time (%)"), locale=fmt.locale)
    return bars, line


#: the staff chart shows the people with the most promises (all are in the table below it)
CHART_PEOPLE = 15


def group_chart(rows: list[dict[str, Any]], fmt: Formatter, *, title: str, description: str,
                axis_title: str) -> Chart:
    """The share kept on time per group (staff member, tier): one bar each, the busiest first."""
    percent = _percent(fmt.locale)
    values = [PeriodValue(row["label"], round(row["kept_on_time_share"] * 100, 1), "",
                          percent(row["kept_on_time_share"])) for row in rows[:CHART_PEOPLE]]
    return bar_chart_by_period(values, title=title, description=description, period_title=axis_title,
                               value_title=i18n._("Kept on time (%)"), locale=fmt.locale)


def _groups(figures: dict[str, reliability.Figures], names: dict[str, str], empty: str) -> list[dict[str, Any]]:
    rows = [{"label": names.get(key) or key or empty, **found.as_dict()} for key, found in figures.items()
            if found.ended]
    return sorted(rows, key=lambda row: (-row["promises"], row["label"].casefold()))


@router.get("/promises/reliability")
def reliability_dashboard(context: Reader, days: Annotated[int, Query(ge=1, le=1096)] = 365) -> Response:
    if days not in PERIODS:
        raise ValidationFailed(i18n._("Unknown value %(value)s for %(field)s.", value=days, field="days"),
                               field="days")
    now = utcnow()
    settings = context.runtime.settings
    fmt = Formatter(context.language, settings.zone)
    with context.unit() as session:
        found = reliability.reliability(session, since=now - timedelta(days=days), until=now, zone=settings.zone,
                                        now=now, top_clients=WORST, by=context.principal)
        effect = recovery.effectiveness(session, now=now, by=context.principal)
    tiers = {key: i18n._(name) for key, name in settings.tier_names.items()}
    flagged = [{**row, "last": datetime.fromisoformat(row["last"])} for row in found.flagged_clients]
    bars, line = month_charts(found, fmt)
    by_staff = _groups(found.by_staff, found.staff_names, i18n._("Nobody"))
    by_tier = _groups(found.by_tier, tiers, "")
    staff_chart = group_chart(
        by_staff, fmt, title=i18n._("Kept on time by staff member"), axis_title=i18n._("Who"),
        description=i18n._("The share of each person's promises kept on time, the busiest first."))
    tier_chart = group_chart(by_tier, fmt, title=i18n._("Kept on time by tier"),
                             description=i18n._("The share of the promises to each tier's clients kept on time."),
                             axis_title=i18n._("Tier"))
    return render(
        context, "promises/reliability.html", active_nav="promises", days=days, periods=PERIODS,
        overall=found.overall.as_dict(), effect=effect, bars=bars, line=line, staff_chart=staff_chart,
        tier_chart=tier_chart, by_staff=by_staff, by_tier=by_tier,
        by_package=_groups(found.by_package, {}, i18n._("No service package")),
        worst=[{"client_id": client_id, "name": name, **figures.as_dict()}
               for client_id, name, figures in found.by_client],
        flagged=flagged, flag_days=reliability.FLAG_DAYS, percent=_percent(fmt.locale),
        lateness=_lateness(fmt.locale))


# --- the recovery tasks ----------------------------------------------------------------------------

def _recovery_query(view: str, status: str, page: int = 1) -> dict[str, Any]:
    return {"view": view if view in ("mine", "all") else "mine",
            "status": status if status in RECOVERY_STATUSES else "open", "page": page}


def recovery_list(context: RequestContext, query: dict[str, Any], *, failed: tuple[int, FormState] | None = None,
                  status_code: int = 200) -> Response:
    status = None if query["status"] == "all" else TaskStatus(query["status"])
    owner_id = context.principal.id if query["view"] == "mine" else None
    with context.unit() as session:
        found = recovery.recovery_page(session, status=status, owner_id=owner_id,
                                       day_end=tasks.end_of_today(context.runtime.settings.zone), page=query["page"],
                                       per_page=PER_PAGE, clamp=True, by=context.principal)
    return render(context, "promises/recovery.html", status_code=status_code, active_nav="promises", found=found,
                  query={"view": query["view"], "status": query["status"]}, failed=failed, now=utcnow())


@router.get("/promises/recovery")
def recovery_tasks(
    context: Reader,
    view: Annotated[str, Query(max_length=10)] = "mine",
    status: Annotated[str, Query(max_length=20)] = "open",
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    return recovery_list(context, _recovery_query(view, status, page))


def _back(values: dict[str, str]) -> str:
    """Where the list was (its filters), for the answer without JavaScript; only the recovery page."""
    target = values.get("next", "")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or parts.path != RECOVERY_PAGE:
        return RECOVERY_PAGE
    return target


@router.post("/promises/recovery/{task_id}/close")
def close_recovery(task_id: RecordId, context: Closer, values: Posted) -> Response:
    """Close from the list: htmx gets the row back (closed, or with the error beside the outcome);
    without JavaScript the list again, with a message (or with the error, 4xx)."""
    back = _back(values)
    try:
        with context.unit() as session:
            recovery.close(session, task_id, outcome=values.get("outcome", ""), by=context.principal)
    except FORM_PROBLEMS as problem:
        state = FormState.failed(values, problem)
        if is_htmx(context.request):
            return _row(context, task_id, back, form=state, status_code=problem_status(problem))
        params = parse_qs(urlsplit(back).query)
        query = _recovery_query(params.get("view", ["mine"])[0], params.get("status", ["open"])[0],
                                int(params["page"][0]) if params.get("page", [""])[0].isdigit() else 1)
        return recovery_list(context, query, failed=(task_id, state), status_code=problem_status(problem))
    message = i18n._("The recovery is closed.")
    if is_htmx(context.request):
        return _row(context, task_id, back, message=message)
    return see_other(back, context, message)


def _row(context: RequestContext, task_id: int, back: str, *, form: FormState | None = None, message: str | None = None,
         status_code: int = 200) -> Response:
    with context.unit() as session:
        task = tasks.get_task(session, task_id, by=context.principal)
    return render(context, "promises/_recovery_row.html", status_code=status_code, task=task, form=form,
                  message=message, back=back, now=utcnow())
