"""The start page, the health check and the style guide."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, RedirectResponse, Response

from servicescape.errors import NotFound
from servicescape.i18n import _
from servicescape.platform.charts import Chart, PeriodValue, bar_chart_by_period, month_label
from servicescape.web.deps import RequestContext, request_context, signed_in
from servicescape.web.templating import Formatter, render

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(context: RequestContext = Depends(signed_in())) -> Response:
    return RedirectResponse("/clients", status_code=303)


@router.get("/healthz")
def health(context: RequestContext = Depends(request_context)) -> Response:
    with context.unit() as session:
        session.connection().exec_driver_sql("SELECT 1")
    return JSONResponse({"status": "ok"})


@router.get("/styleguide")
def styleguide(context: RequestContext = Depends(signed_in())) -> Response:
    if context.runtime.settings.mode == "production":
        raise NotFound("Not found.")
    return render(context, "common/styleguide.html", sample_chart=sample_chart(context))


#: the style guide's sample: a year of revenue, retainers and projects, in thousands of MYR
SAMPLE_REVENUE = {
    "retainers": (38, 38, 41, 41, 41, 44, 44, 44, 47, 47, 47, 52),
    "projects": (12, 26, 9, 31, 18, 22, 7, 35, 28, 16, 40, 24),
}


def sample_chart(context: RequestContext) -> Chart:
    fmt = Formatter(context.language, context.runtime.settings.zone)
    names = {"retainers": _("Retainers"), "projects": _("Projects")}
    points = [
        PeriodValue(month_label(date(2025, month, 1), fmt.locale), Decimal(thousands * 1000), names[kind],
                    fmt.money(Decimal(thousands * 1000), "MYR"))
        for month, values in enumerate(zip(*SAMPLE_REVENUE.values(), strict=True), start=1)
        for kind, thousands in zip(SAMPLE_REVENUE, values, strict=True)
    ]
    return bar_chart_by_period(
        points, title=_("Revenue by month"),
        description=_("Invoiced revenue in MYR for each month of 2025, retainers and projects side by side."),
        period_title=_("Month"), value_title=_("Revenue (MYR)"), series_title=_("Kind of work"),
        locale=fmt.locale,
    )
