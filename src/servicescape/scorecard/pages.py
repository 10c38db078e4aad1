"""The scorecard pages: the scorecard of a period (/scorecard) and the measure catalogue with the
owners' weights (/scorecard/measures)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from servicescape import i18n
from servicescape.auth.permissions import can
from servicescape.config import LANGUAGES
from servicescape.db.types import utcnow
from servicescape.errors import Conflict, NotFound, ValidationFailed
from servicescape.platform.pdf import pdf_response
from servicescape.quality.instrument import DIMENSION_LABELS
from servicescape.scorecard import api, catalogue, expectations, gaps, recommendations, report, service
from servicescape.scorecard.capability import MANAGE, MANAGE_ACTIONS, READ
from servicescape.web.deps import RequestContext, signed_in
from servicescape.web.forms import FormInvalid
from servicescape.web.pages.common import FORM_PROBLEMS, Posted, problem_status, see_other
from servicescape.web.templating import Formatter, flash, render

router = APIRouter(include_in_schema=False)
Reader = Annotated[RequestContext, Depends(signed_in(READ))]
Owner = Annotated[RequestContext, Depends(signed_in(MANAGE))]
Actor = Annotated[RequestContext, Depends(signed_in(MANAGE_ACTIONS))]


@router.get("/scorecard")
def scorecard_view(context: Reader, period: Annotated[str | None, Query(max_length=10)] = None) -> Response:
    problem, found = None, None
    with context.unit() as session:
        try:
            found = (service.scorecard(session, context.runtime.settings, period=period, now=utcnow(),
                                       by=context.principal) if period else
                     service.latest(session, context.runtime.settings, now=utcnow(), by=context.principal))
        except ValidationFailed as failed:
            problem = failed.message
            found = service.latest(session, context.runtime.settings, now=utcnow(), by=context.principal)
        rolling = found if found.period.key == service.ROLLING else None
        advice = recommendations.recommendations(session, context.runtime.settings, card=rolling,
                                                 by=context.principal)
        gap_results = gaps.gaps(session, found, by=context.principal)
        ticks = gaps.checklist(found, by=context.principal)
    locale = str(Formatter(context.language, context.runtime.settings.zone).locale)
    dimensions = next((g.dimensions for g in gap_results if g.gap.key == "client"), {})
    return render(context, "scorecard/scorecard.html", status_code=422 if problem else 200, active_nav="scorecard",
                  found=found, period=period or "", problem=problem, advice=advice, gaps=gap_results, ticks=ticks,
                  can_act=can(context.principal, MANAGE_ACTIONS), dimension_labels=DIMENSION_LABELS,
                  report_languages=list(LANGUAGES.items()), element_chart=report.element_chart(found, locale),
                  dimension_chart=report.dimension_chart(dimensions, locale) if dimensions else None,
                  catalogue_labels={m.key: m.label for m in catalogue.MEASURES})


def _refused(context: RequestContext, message: str) -> Response:
    response = RedirectResponse("/scorecard#recommendations", status_code=303)
    flash(response, context, "error", message)
    return response


@router.post("/scorecard/recommendations/{rule}/accept")
def accept_recommendation(context: Actor, rule: Annotated[str, Path(max_length=60)], values: Posted) -> Response:
    try:
        with context.unit() as session:
            opened = recommendations.accept(session, context.runtime.settings, rule, by=context.principal)
    except (ValidationFailed, NotFound, Conflict) as problem:
        return _refused(context, problem.message)
    return see_other("/scorecard#recommendations", context,
                     i18n.ngettext("%(num)d task was opened.", "%(num)d tasks were opened.", opened))


@router.post("/scorecard/recommendations/{rule}/dismiss")
def dismiss_recommendation(context: Actor, rule: Annotated[str, Path(max_length=60)], values: Posted) -> Response:
    try:
        with context.unit() as session:
            recommendations.dismiss(session, context.runtime.settings, rule, values.get("reason"),
                                    by=context.principal)
    except (ValidationFailed, NotFound, Conflict) as problem:
        return _refused(context, problem.message)
    return see_other("/scorecard#recommendations", context, i18n._("The recommendation was dismissed."))


def measures_page(context: RequestContext, *, errors: dict[str, str] | None = None, status_code: int = 200,
                  estimate_values: dict[str, str] | None = None,
                  estimate_errors: dict[str, str] | None = None) -> Response:
    with context.unit() as session:
        found = api.measures_out(service.weights(session, by=context.principal))
        estimate = expectations.estimate(session, by=context.principal)
    typed = estimate_values if estimate_values is not None else {k: f"{v:g}" for k, v in (estimate or {}).items()}
    return render(context, "scorecard/measures.html", status_code=status_code, active_nav="scorecard",
                  measures=found, errors=errors or {}, can_weigh=can(context.principal, MANAGE), estimate=estimate,
                  estimate_values=typed, estimate_errors=estimate_errors or {}, dimension_labels=DIMENSION_LABELS)


@router.get("/scorecard/measures")
def measures_view(context: Reader) -> Response:
    return measures_page(context)


@router.post("/scorecard/measures")
def save_weights(context: Owner, values: Posted) -> Response:
    """The weights form: a number for each measure; those that changed are saved."""
    errors: dict[str, str] = {}
    try:
        with context.unit() as session:
            for key, weight in service.weights(session, by=context.principal).items():
                typed = values.get(key, "").strip().replace(",", ".")
                try:
                    wanted = float(typed)
                except ValueError:
                    errors[key] = i18n._("A weight must be between 0 and %(max)s.", max=int(service.MAX_WEIGHT))
                    continue
                if wanted != weight:
                    try:
                        service.set_weight(session, key, wanted, by=context.principal)
                    except ValidationFailed as problem:
                        errors[key] = problem.message
            if errors:
                raise FormInvalid(errors)
    except FORM_PROBLEMS as problem:
        return measures_page(context, errors=errors, status_code=problem_status(problem))
    return see_other("/scorecard/measures", context, i18n._("The weights were saved."))


PeriodQuery = Annotated[str | None, Query(max_length=10)]
LanguageQuery = Annotated[str | None, Query(max_length=10)]


@router.get("/scorecard/report")
def report_view(context: Reader, period: PeriodQuery = None, lang: LanguageQuery = None) -> Response:
    """The owner's and manager's report of a period, as a page to read or print (in ``lang``)."""
    language = lang or context.language
    query = urlencode({"period": period or "", "lang": language})
    links = [(i18n._("Scorecard"), f"/scorecard?{urlencode({'period': period or ''})}"),
             (i18n._("PDF"), f"/scorecard/report.pdf?{query}")]
    with context.unit() as session:
        html = report.firm_html(session, context.runtime.settings, period=period or None, language=language,
                                now=utcnow(), by=context.principal, links=links)
    return HTMLResponse(html)


@router.get("/scorecard/report.pdf")
def report_pdf(context: Reader, period: PeriodQuery = None, lang: LanguageQuery = None) -> Response:
    language = lang or context.language
    with context.unit() as session:
        html = report.firm_html(session, context.runtime.settings, period=period or None, language=language,
                                now=utcnow(), by=context.principal, for_pdf=True)
    return pdf_response(html, report.firm_filename(period or service.ROLLING, language))


@router.post("/scorecard/expectations")
def save_expectations(context: Owner, values: Posted) -> Response:
    """The managers' estimate: points for each of the five dimensions, adding up to 100."""
    typed = {key: values.get(key, "").strip() for key in DIMENSION_LABELS}
    errors: dict[str, str] = {}
    points: dict[str, float] = {}
    for key, text in typed.items():
        try:
            points[key] = float(text.replace(",", "."))
        except ValueError:
            errors[key] = i18n._("Give each dimension from 0 to 100 points.")
    if not errors:
        try:
            with context.unit() as session:
                expectations.set_estimate(session, points, by=context.principal)
        except ValidationFailed as problem:
            errors[problem.field or "points"] = problem.message
    if errors:
        return measures_page(context, status_code=422, estimate_values=typed, estimate_errors=errors)
    return see_other("/scorecard/measures#expectations", context, i18n._("The estimate was saved."))
