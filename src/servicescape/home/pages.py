"""The home page (the signed-in person's day: the panels capabilities register), the health check
and the style guide (demo and dev modes)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, Response
from markupsafe import Markup

from servicescape.errors import NotFound
from servicescape.home.capability import USE
from servicescape.platform.registry import registry, resolve
from servicescape.platform.timeline import TimelineEvent
from servicescape.web.deps import RequestContext, request_context, signed_in
from servicescape.web.templating import fragment, render

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
    return render(context, "common/styleguide.html", events=sample_events())


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
