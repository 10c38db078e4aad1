"""``/api/v1/staff-capacity``, ``/bookings``, ``/pipeline-estimates``; ``/capacity/heatmap``,
``/capacity/performance``, ``/capacity/outlook``: utilisation per staff and week with the perished
hours and their cost, realisation and effective rate, and the demand of the weeks ahead."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query

from servicescape.capacity import demand, service
from servicescape.capacity.schemas import (
    BookingIn,
    BookingOut,
    BookingPatch,
    FiguresOut,
    PipelineIn,
    PipelineOut,
    PipelinePatch,
    StaffCapacityIn,
    StaffCapacityOut,
    StaffCapacityPatch,
)
from servicescape.db.types import utcnow
from servicescape.web.api.common import READ_MANY
from servicescape.web.api.resources import Resource, SignedIn, add_list_all, entity_router
from servicescape.web.deps import RequestContext

STAFF_CAPACITY = Resource("staff-capacity", "staff_capacity", service.staff_capacity, StaffCapacityIn,
                          StaffCapacityPatch, StaffCapacityOut, sample="servicescape.capacity.samples:staff_capacity")
BOOKINGS = Resource("bookings", "booking", service.bookings, BookingIn, BookingPatch, BookingOut,
                    sample="servicescape.capacity.samples:booking")
PIPELINE = Resource("pipeline-estimates", "pipeline_estimate", service.pipeline, PipelineIn, PipelinePatch,
                    PipelineOut, sample="servicescape.capacity.samples:pipeline")

router = APIRouter()
for resource in (STAFF_CAPACITY, BOOKINGS, PIPELINE):
    routes = entity_router(resource)
    add_list_all(routes, resource)
    router.include_router(routes)

Weeks = Annotated[int, Query(ge=1, le=service.MAX_WEEKS)]


def today(context: RequestContext) -> date:
    return utcnow().astimezone(context.runtime.settings.zone).date()


@router.get("/capacity/heatmap", response_model=FiguresOut, responses=READ_MANY, name="capacity_heatmap",
            tags=["capacity"], summary="Per staff and week: available, scheduled and billable hours, utilisation "
                                       "and its band, bench, perished hours and their cost")
def heatmap(context: SignedIn, first: date | None = None, weeks: Weeks = 12) -> Any:
    settings = context.runtime.settings
    now = today(context)
    with context.unit() as session:
        found = service.heatmap(session, first or now - timedelta(weeks=weeks // 2), weeks, today=now,
                                zone=settings.zone, reporting_currency=settings.reporting_currency,
                                by=context.principal)
        return FiguresOut(figures=service.heatmap_payload(found))


@router.get("/capacity/performance", response_model=FiguresOut, responses=READ_MANY, name="capacity_performance",
            tags=["capacity"], summary="Realisation (billed ÷ recorded billable) and effective rate (revenue ÷ hours "
                                       "worked) per staff and for the firm")
def performance(context: SignedIn, first: date | None = None, last: date | None = None) -> Any:
    settings = context.runtime.settings
    end = last or today(context)
    with context.unit() as session:
        found = service.performance(session, first, end,
                                    reporting_currency=settings.reporting_currency, by=context.principal)
        return FiguresOut(figures=service.performance_payload(found))


@router.get("/capacity/outlook", response_model=FiguresOut, responses=READ_MANY, name="capacity_outlook",
            tags=["capacity"], summary="The weeks ahead: confirmed, pipeline, seasonal baseline (with its backtest "
                                       "beside a naive last-year one), capacity, peaks and valleys; what to sell")
def outlook(context: SignedIn, weeks: Weeks = 12) -> Any:
    settings = context.runtime.settings
    now = today(context)
    with context.unit() as session:
        found = demand.demand(session, today=now, weeks=weeks, zone=settings.zone,
                              reporting_currency=settings.reporting_currency, by=context.principal)
        payload = demand.demand_payload(found)
        payload["suggestions"] = demand.valley_suggestions(session, today=now,
                                                           reporting_currency=settings.reporting_currency,
                                                           by=context.principal)
        return FiguresOut(figures=payload)
