"""``/api/v1/testimonials`` and ``/api/v1/referrals``: word of mouth — testimonials with their
consent, approved or rejected by a manager, and the approved-only export (JSON or an HTML snippet);
referrals, their status, and the figures (conversion, value won, top referrers)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from servicescape.referrals import service
from servicescape.referrals.models import ConsentUse, ReferralStatus, TestimonialStatus
from servicescape.referrals.schemas import (
    ReferralIn,
    ReferralOut,
    ReferralPatch,
    ReferralStatusIn,
    TestimonialIn,
    TestimonialOut,
    TestimonialPatch,
    TestimonialReject,
)
from servicescape.referrals.stats import referral_stats
from servicescape.schemas import PageOut
from servicescape.web.api.common import READ_MANY, UPDATE, EntityId, IdFilter, PageNumber, PerPage, page_out
from servicescape.web.api.resources import Resource, SignedIn, entity_router

TESTIMONIALS = Resource("testimonials", "testimonial", service.testimonials, TestimonialIn, TestimonialPatch,
                        TestimonialOut, sample="servicescape.referrals.samples:testimonial")
REFERRALS = Resource("referrals", "referral", service.referrals, ReferralIn, ReferralPatch, ReferralOut,
                     sample="servicescape.referrals.samples:referral")
router = APIRouter(tags=["word of mouth"])

Language = Annotated[str | None, Query(max_length=20, description="en, ms, bg, zh-Hans, zh-Hant or hu")]


@router.get("/testimonials", response_model=PageOut[TestimonialOut], responses=READ_MANY, name="list_testimonials",
            summary="The testimonial library, newest first")
def list_testimonials(context: SignedIn, page: PageNumber = 1, per_page: PerPage = 50,
                      status: TestimonialStatus | None = None, use: ConsentUse | None = None,
                      client_id: IdFilter = None, language: Language = None) -> Any:
    filters = service.TestimonialFilters(status=status, use=use, client_id=client_id, language=language)
    with context.unit() as session:
        return page_out(service.testimonial_page(session, filters, page=page, per_page=per_page,
                                                 by=context.principal), TestimonialOut)


@router.get("/testimonials/export", name="export_testimonials",
            responses={**READ_MANY, 200: {"content": {"application/json": {}, "text/html": {}},
                                          "description": "the testimonials (JSON) or the HTML snippet"}},
            summary="Approved testimonials consented for a use: JSON, or an HTML snippet for a website or proposal")
def export(context: SignedIn, use: ConsentUse,
           format: Annotated[str, Query(pattern="^(json|html)$")] = "json",
           language: Language = None,
           limit: Annotated[int, Query(ge=1, le=service.EXPORT_LIMIT)] = service.EXPORT_LIMIT) -> Any:
    with context.unit() as session:
        found = service.export(session, use, language=language, limit=limit, by=context.principal)
    if format == "html":
        return HTMLResponse(service.export_html(found))
    return service.export_json(found)


@router.post("/testimonials/{id}/approve", response_model=TestimonialOut, responses=UPDATE,
             name="approve_testimonial", summary="Approve (managers): it joins the export for its consented uses")
def approve(id: EntityId, context: SignedIn) -> Any:
    with context.unit() as session:
        found = service.approve(session, service.testimonials.get(session, id, by=context.principal),
                                by=context.principal)
        session.refresh(found)
        return TestimonialOut.model_validate(found)


@router.post("/testimonials/{id}/reject", response_model=TestimonialOut, responses=UPDATE,
             name="reject_testimonial", summary="Reject (managers), with why; it leaves the export")
def reject(id: EntityId, body: TestimonialReject, context: SignedIn) -> Any:
    with context.unit() as session:
        found = service.reject(session, service.testimonials.get(session, id, by=context.principal),
                               reason=body.reason, by=context.principal)
        session.refresh(found)
        return TestimonialOut.model_validate(found)


@router.get("/referrals", response_model=PageOut[ReferralOut], responses=READ_MANY, name="list_referrals",
            summary="Referrals, newest first; of a status, a referrer, a client (either side) or a period")
def list_referrals(
    context: SignedIn, page: PageNumber = 1, per_page: PerPage = 50, status: ReferralStatus | None = None,
    referrer_client_id: IdFilter = None, client_id: IdFilter = None,
    year: Annotated[int | None, Query(ge=1900, le=9998, description="a calendar year")] = None,
    since: Annotated[date | None, Query(description="referred on or after")] = None,
    until: Annotated[date | None, Query(description="referred before")] = None,
) -> Any:
    since, until = service.period_of(year, since, until)
    filters = service.ReferralFilters(status=status, referrer_client_id=referrer_client_id, client_id=client_id,
                                      since=since, until=until)
    with context.unit() as session:
        return page_out(service.referral_page(session, filters, page=page, per_page=per_page,
                                              by=context.principal), ReferralOut)


@router.get("/referrals/stats", responses=READ_MANY, name="referral_stats",
            summary="Conversion (won ÷ all, won ÷ decided), value won in the reporting currency, top referrers "
                    "by count and by value, per month — of the referrals made in a year or period")
def stats(
    context: SignedIn,
    year: Annotated[int | None, Query(ge=1900, le=9998, description="a calendar year")] = None,
    since: Annotated[date | None, Query(description="referred on or after")] = None,
    until: Annotated[date | None, Query(description="referred before")] = None,
    top: Annotated[int, Query(ge=1, le=100)] = 10,
) -> Any:
    since, until = service.period_of(year, since, until)
    with context.unit() as session:
        return referral_stats(session, reporting_currency=context.runtime.settings.reporting_currency, since=since,
                              until=until, top=top, by=context.principal).as_dict()


@router.post("/referrals/{id}/status", response_model=ReferralOut, responses=UPDATE, name="set_referral_status",
             summary="Move a referral on: contacted, proposal, won (with the value won and its currency), lost")
def set_status(id: EntityId, body: ReferralStatusIn, context: SignedIn) -> Any:
    with context.unit() as session:
        found = service.set_status(session, service.referrals.get(session, id, by=context.principal), body.status,
                                   value_won=body.value_won, currency=body.currency, won_on=body.won_on,
                                   by=context.principal)
        session.refresh(found)
        return ReferralOut.model_validate(found)


# after the fixed paths above: /testimonials/{id} would otherwise take /testimonials/export
router.include_router(entity_router(TESTIMONIALS))
router.include_router(entity_router(REFERRALS))
