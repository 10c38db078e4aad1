"""``/api/v1/scorecard``: the scorecard of a period, the measure catalogue with the weights, and an
owner's change of a weight."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from servicescape.db.types import utcnow
from servicescape.i18n import _
from servicescape.platform.pdf import pdf_response
from servicescape.scorecard import catalogue, expectations, gaps, recommendations, report, service
from servicescape.scorecard.schemas import (
    AcceptedOut,
    DismissIn,
    ExpectationPointsIn,
    ExpectationsOut,
    RecommendationOut,
    ScorecardGapsOut,
    ScorecardHistoryOut,
    ScorecardMeasureOut,
    ScorecardOut,
    ScorecardWeightIn,
)
from servicescape.web.api.common import READ_MANY, UPDATE
from servicescape.web.api.resources import SignedIn

router = APIRouter(tags=["scorecard"])

PeriodQ = Annotated[str | None, Query(max_length=10, pattern=r"^(\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?|90d)$",
                                      description="2026, 2026-Q3, 2026-11 or 90d (default: the 90 days to now)")]
MeasureKey = Annotated[str, Path(max_length=60, pattern=r"^[a-z_]+$")]


def measures_out(weights: dict[str, float]) -> list[ScorecardMeasureOut]:
    return [ScorecardMeasureOut(key=m.key, label=_(m.label), formula=_(m.formula), source=m.source, unit=m.unit,
                                poor=m.poor, good=m.good, elements=list(m.elements), goals=list(m.goals),
                                weight=weights[m.key])
            for m in catalogue.MEASURES]


@router.get("/scorecard", response_model=ScorecardOut, responses=READ_MANY, name="scorecard",
            summary="The seven elements and the four goals scored from the firm's records, with every measure")
def get_scorecard(context: SignedIn, period: PeriodQ = None) -> Any:
    with context.unit() as session:
        return service.scorecard(session, context.runtime.settings, period=period, now=utcnow(),
                                 by=context.principal).as_dict()


def gaps_out(session: Any, card: service.Scorecard, principal: Any) -> dict[str, Any]:
    return {"period": card.as_dict()["period"],
            "gaps": [g.as_dict() for g in gaps.gaps(session, card, by=principal)],
            "checklist": [t.as_dict() for t in gaps.checklist(card, by=principal)]}


@router.get("/scorecard/gaps", response_model=ScorecardGapsOut, responses=READ_MANY, name="scorecard_gaps",
            summary="The five gaps of the SERVQUAL model and the ten elements of source 000 as an evidence checklist")
def get_gaps(context: SignedIn, period: PeriodQ = None) -> Any:
    with context.unit() as session:
        card = service.scorecard(session, context.runtime.settings, period=period, now=utcnow(), by=context.principal)
        return gaps_out(session, card, context.principal)


@router.get("/scorecard/expectations", response_model=ExpectationsOut, responses=READ_MANY,
            name="scorecard_expectations",
            summary="What the managers believe clients value: points of 100 per SERVQUAL dimension (gap 1)")
def get_expectations(context: SignedIn) -> Any:
    with context.unit() as session:
        return {"managers": expectations.estimate(session, by=context.principal)}


@router.put("/scorecard/expectations", response_model=ExpectationsOut, responses=UPDATE,
            name="set_scorecard_expectations",
            summary="Set the managers' points per dimension, adding up to 100 (owners; audited)")
def set_expectations(body: ExpectationPointsIn, context: SignedIn) -> Any:
    with context.unit() as session:
        return {"managers": expectations.set_estimate(session, body.model_dump(), by=context.principal)}


@router.get("/scorecard/history", response_model=list[ScorecardHistoryOut], responses=READ_MANY,
            name="scorecard_history", summary="The overall, element and goal scores of the last quarters")
def get_history(context: SignedIn, quarters: Annotated[int, Query(ge=1, le=service.MAX_QUARTERS)] = 4) -> Any:
    with context.unit() as session:
        return service.history(session, context.runtime.settings, quarters=quarters, now=utcnow(),
                               by=context.principal)


@router.get("/scorecard/measures", response_model=list[ScorecardMeasureOut], responses=READ_MANY,
            name="scorecard_measures",
            summary="The measure catalogue: formula, source, thresholds, elements, goals and weight")
def list_measures(context: SignedIn) -> Any:
    with context.unit() as session:
        return measures_out(service.weights(session, by=context.principal))


@router.put("/scorecard/weights/{key}", response_model=list[ScorecardMeasureOut], responses=UPDATE,
            name="set_scorecard_weight", summary="Change a measure's weight (owners; audited)")
def set_weight(key: MeasureKey, body: ScorecardWeightIn, context: SignedIn) -> Any:
    with context.unit() as session:
        return measures_out(service.set_weight(session, key, body.weight, by=context.principal))


RuleKey = Annotated[str, Path(max_length=60, pattern=r"^[a-z_]+$")]


@router.get("/scorecard/recommendations", response_model=list[RecommendationOut], responses=READ_MANY,
            name="scorecard_recommendations",
            summary="What to fix first: the weakest measures' rules, why, what to do and who owns what")
def list_recommendations(context: SignedIn) -> Any:
    with context.unit() as session:
        return [r.as_dict() for r in recommendations.recommendations(session, context.runtime.settings,
                                                                     by=context.principal)]


@router.post("/scorecard/recommendations/{rule}/accept", response_model=AcceptedOut, responses=UPDATE,
             name="accept_scorecard_recommendation", summary="Accept: a task for each record's owner (managers)")
def accept_recommendation(rule: RuleKey, context: SignedIn) -> Any:
    with context.unit() as session:
        return AcceptedOut(tasks_opened=recommendations.accept(session, context.runtime.settings, rule,
                                                                by=context.principal))


@router.post("/scorecard/recommendations/{rule}/dismiss", status_code=204, response_class=Response,
             responses=UPDATE,
             name="dismiss_scorecard_recommendation", summary="Dismiss for this quarter, saying why (managers)")
def dismiss_recommendation(rule: RuleKey, body: DismissIn, context: SignedIn) -> Response:
    with context.unit() as session:
        recommendations.dismiss(session, context.runtime.settings, rule, body.reason, by=context.principal)
    return Response(status_code=204)


LanguageQ = Annotated[str | None, Query(max_length=10, pattern=r"^(en|ms|bg|zh-Hans|zh-Hant|hu)$",
                                        description="The report's language (default: the firm's)")]
PDF: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {}}, "description": "The report as a PDF"}}


@router.get("/scorecard/report", response_class=Response, responses={**PDF, **READ_MANY}, name="scorecard_report",
            summary="The owner's and manager's report of a period as a PDF, in any of the six languages")
def get_report(context: SignedIn, period: PeriodQ = None, lang: LanguageQ = None) -> Response:
    language = lang or context.runtime.settings.default_language
    with context.unit() as session:
        html = report.firm_html(session, context.runtime.settings, period=period, language=language, now=utcnow(),
                                by=context.principal, for_pdf=True)
    return pdf_response(html, report.firm_filename(period or service.ROLLING, language))
