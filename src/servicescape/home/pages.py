"""The home page (the signed-in person's day: the panels capabilities register), the health check
and the style guide (demo and dev modes)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, Response
from markupsafe import Markup

from servicescape.errors import NotFound
from servicescape.home.capability import USE
from servicescape.i18n import _
from servicescape.platform.charts import Chart, PeriodValue, bar_chart_by_period, month_label
from servicescape.platform.registry import registry, resolve
from servicescape.platform.timeline import TimelineEvent
from servicescape.web.deps import RequestContext, request_context, signed_in
from servicescape.web.templating import Formatter, fragment, render

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(context: RequestContext = Depends(signed_in(USE))) -> Response:
    panels: list[Markup] = []
    with context.unit() as session:
        for panel in registry().home_panels():
            if not context.can(panel.permission):
                continue
            values = resolve(panel.load)(context, session)
            if values is not None:
                panels.append(fragment(context, panel.template, panel=panel.key, **values))
    return render(context, "home/home.html", panels=panels, active_nav="home")


@router.get("/healthz")
def health(context: RequestContext = Depends(request_context)) -> Response:
    with context.unit() as session:
        session.connection().exec_driver_sql("SELECT 1")
    return JSONResponse({"status": "ok"})


@router.get("/styleguide")
def styleguide(context: RequestContext = Depends(signed_in())) -> Response:
    if context.runtime.settings.mode == "production":
        raise NotFound("Not found.")
    return render(context, "common/styleguide.html", events=sample_events(), sample_chart=sample_chart(context))


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


def sample_events() -> list[TimelineEvent]:
    """The style guide's timeline: one event of each look."""
    samples = (
        ("call", "Call", "Confirmed the site visit for Tuesday between 14:00 and 16:00; client asked for the same "
                         "engineer as last time.", "Aisyah Rahman"),
        ("email", "E-mail", "Sent the quarterly service report and the revised retainer proposal.", "Aisyah Rahman"),
        ("meal", "Meal", "Lunch with the finance director: happy with response times, worried about invoice "
                         "clarity.", "Chen Mei-Ling"),
        ("meeting", "Meeting", "Key-account review. Agreed on two follow-ups and a named deputy for holidays.",
         "Daniel Lim"),
        ("letter", "Letter", "Thank-you letter after the project hand-over.", "Eszter Nagy"),
        ("invoices", "Invoice INV-2025-0042", None, None),
    )
    start = datetime(2025, 3, 14, 1, 40, tzinfo=UTC)
    return [TimelineEvent("sample", n, start - timedelta(days=9 * n), title, icon, 1, summary=summary, actor=actor,
                          money=(Decimal("12500.00"), "MYR") if icon == "invoices" else None)
            for n, (icon, title, summary, actor) in enumerate(samples)]
