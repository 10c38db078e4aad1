"""Offerings' pages: the catalogue; a package's levels side by side as a client reads them (and as a
printable page and PDF in the client's language); value cases (the one-page case, printable, PDF);
price research (Van Westendorp curves and points, Gabor-Granger demand) and the price-position map."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from servicescape import i18n
from servicescape.analytics.labels import Numbers
from servicescape.clients.capability import READ
from servicescape.clients.models import Client
from servicescape.config import LANGUAGES
from servicescape.db.types import utcnow
from servicescape.errors import NotFound, ValidationFailed
from servicescape.offerings import catalogue, research, research_links, value
from servicescape.offerings.capability import MANAGE, VALUE
from servicescape.offerings.manage_pages import segments
from servicescape.offerings.models import PackageLevel
from servicescape.offerings.research_models import StudyMethod
from servicescape.offerings.service import rates
from servicescape.offerings.value_pages import (
    client_currency,
    delivered_engagements,
    evidence_options,
    level_options,
)
from servicescape.platform.charts import CategoryValue, Chart, PeriodValue, bar_chart_by_category, bar_chart_by_period
from servicescape.platform.pdf import pdf_response
from servicescape.platform.registry import registry
from servicescape.platform.xy_charts import XYPoint, curves_chart, point_chart
from servicescape.web.api.common import EntityId, IdFilter
from servicescape.web.deps import RequestContext, signed_in
from servicescape.web.forms import FormState
from servicescape.web.templating import Formatter, fragment, render

router = APIRouter(include_in_schema=False)

Reader = Annotated[RequestContext, Depends(signed_in(READ))]
Preparer = Annotated[RequestContext, Depends(signed_in(VALUE))]
Manager = Annotated[RequestContext, Depends(signed_in(MANAGE))]
LanguageQ = Annotated[str | None, Query(pattern="^(" + "|".join(LANGUAGES) + ")$")]
CurrencyQ = Annotated[str | None, Query(pattern="^[A-Za-z]{3}$")]
ConventionQ = Annotated[str, Query(pattern="^(original|narrower)$")]


def _today(context: RequestContext) -> date:
    return utcnow().astimezone(context.runtime.settings.zone).date()


def document_language(wanted: str | None, client_language: str | None, context: RequestContext) -> str:
    """The language a document is in: the one asked for, else the client's (or its base language), else
    the reader's."""
    if wanted:
        return wanted
    if client_language in LANGUAGES:
        return client_language
    base = (client_language or "").split("-")[0]
    return base if base in LANGUAGES else context.language


def in_language(context: RequestContext, language: str) -> RequestContext:
    """The same request, read in ``language`` (a document for a client in theirs)."""
    i18n.activate(language)
    return replace(context, language=language)


def _render_document(context: RequestContext, template: str, fmt: str, filename: str, **values: Any) -> Response:
    """``fmt`` "print": the document alone; "pdf": as a PDF (both in ``context``'s language)."""
    document = fragment(context, template.replace(".html", "_doc.html"), **values)
    page = render(context, "offerings/document.html", document_html=document, for_pdf=fmt == "pdf")
    if fmt == "print":
        return page
    return pdf_response(bytes(page.body).decode(), filename)


def _in_product(context: RequestContext, reader: RequestContext, template: str, status_code: int = 200,
                **values: Any) -> Response:
    """A document inside the product's page: the document in its reader's language (the client's),
    the page around it in the person's own."""
    document = fragment(reader, template.replace(".html", "_doc.html"), **values)
    i18n.activate(context.language)
    return render(context, template, status_code=status_code, active_nav="offerings", document_html=document,
                  **values)


# -- the catalogue ------------------------------------------------------------------------------------

@router.get("/offerings")
def catalogue_page(context: Reader, client: IdFilter = None) -> Response:
    today = _today(context)
    with context.unit() as session:
        found = [catalogue.comparison(session, package.id, currency=None, day=today, by=context.principal)
                 for package in catalogue.catalogue_list(session, by=context.principal)]
        named = session.get(Client, client) if client else None
        if client and named is None:
            raise NotFound(i18n._("%(entity)s %(id)s does not exist.", entity=i18n._("Client"), id=client))
        client_name = named.name if named else None
    return render(context, "offerings/catalogue.html", active_nav="offerings", active="catalogue", packages=found,
                  client_id=client, client_name=client_name)


def _comparison(context: RequestContext, package_id: int, currency: str | None, lang: str | None,
                client_id: int | None) -> tuple[RequestContext, dict[str, Any]]:
    with context.unit() as session:
        client = session.get(Client, client_id) if client_id else None
        language = document_language(lang, client.language if client else None, context)
        if currency is None and client is not None:
            currency = client_currency(session, client.id)
            priced = catalogue.comparison(session, package_id, currency=None, day=_today(context),
                                          by=context.principal).currencies
            currency = currency if currency in priced else None
        found = catalogue.comparison(session, package_id, currency=currency, day=_today(context),
                                     by=context.principal)
        client_name = client.name if client else None
    reader = in_language(context, language)
    return reader, {"comparison": found, "client_name": client_name, "document_language": language,
                    "client_id": client_id}


@router.get("/offerings/packages/{id}")
def comparison_page(id: EntityId, context: Reader, currency: CurrencyQ = None, lang: LanguageQ = None,
                    client: IdFilter = None) -> Response:
    return comparison_page_with(context, id, None, currency=currency, lang=lang, client=client)


def comparison_page_with(context: RequestContext, package_id: int, price_form: FormState | None,
                         status_code: int = 200, *, currency: str | None = None, lang: str | None = None,
                         client: IdFilter = None) -> Response:
    """The comparison inside the product, with managers' form for a new list price (as posted, with its
    problems, when it was refused)."""
    reader, values = _comparison(context, package_id, currency, lang, client)
    shown = values["comparison"]
    form = price_form or FormState({"currency": shown.currency, "valid_from": _today(context).isoformat()})
    return _in_product(context, reader, "offerings/comparison.html", status_code, active="catalogue",
                       price_form=form, can_manage=context.can(MANAGE),
                       level_options=[(str(col.level.id), col.level.name) for col in shown.levels], **values)


@router.get("/offerings/packages/{id}/print")
def comparison_print(id: EntityId, context: Reader, currency: CurrencyQ = None, lang: LanguageQ = None,
                     client: IdFilter = None) -> Response:
    reader, values = _comparison(context, id, currency, lang, client)
    return _render_document(reader, "offerings/comparison.html", "print", "", **values)


@router.get("/offerings/packages/{id}/pdf")
def comparison_pdf(id: EntityId, context: Reader, currency: CurrencyQ = None, lang: LanguageQ = None,
                   client: IdFilter = None) -> Response:
    reader, values = _comparison(context, id, currency, lang, client)
    name = values["comparison"].package.name
    return _render_document(reader, "offerings/comparison.html", "pdf", f"{name}-{values['document_language']}.pdf",
                            **values)


# -- value cases --------------------------------------------------------------------------------------

@router.get("/offerings/value")
def value_list(context: Preparer) -> Response:
    with context.unit() as session:
        cases = value.recent(session, by=context.principal)
    return render(context, "offerings/value_list.html", active_nav="offerings", active="value", cases=cases,
                  numbers=Numbers(str(Formatter(context.language, context.runtime.settings.zone).locale)))


def value_chart(found: value.ValueCaseView, fmt: Formatter) -> Chart:
    currency = found.case.currency
    names = {"low": i18n._("Cautious"), "expected": i18n.pgettext("estimate", "Expected"), "high": i18n._("Optimistic")}
    points = [CategoryValue(names[s.name], s.value, label=fmt.money(s.value, currency)) for s in found.scenarios]
    return bar_chart_by_category(
        points, title=i18n._("The client's value at three estimates"),
        description=i18n._("What the client gains minus all it gives up (the price and its own costs), cautious, "
                           "expected and optimistic."),
        category_title=i18n._("Estimate"), value_title=i18n._("Value (%(currency)s)", currency=currency),
        locale=str(fmt.locale))


def _value_case(context: RequestContext, case_id: int, lang: str | None) -> tuple[RequestContext, dict[str, Any]]:
    with context.unit() as session:
        found = value.view(session, case_id, by=context.principal)
        level = session.get(PackageLevel, found.case.level_id) if found.case.level_id else None
        level_name = level.name if level else None
        delivered = delivered_engagements(session, found.case.client_id)
        evidence = evidence_options(session, found.case.client_id,
                                    Formatter(context.language, context.runtime.settings.zone))
    language = document_language(lang, found.language, context)
    reader = in_language(context, language)
    fmt = Formatter(language, context.runtime.settings.zone)
    return reader, {"found": found, "chart": value_chart(found, fmt), "level_name": level_name,
                    "document_language": language, "outcomes_to_back": value.OUTCOMES_TO_BACK,
                    "delivered": delivered, "evidence": evidence, "numbers": Numbers(str(fmt.locale))}


def value_case_page(context: RequestContext, case_id: int, lang: str | None, outcome: FormState | None = None,
                    status_code: int = 200) -> Response:
    """The case inside the product, in ``lang`` (default: the client's), with the form that records an
    outcome (as posted, with its problems, when it was refused)."""
    reader, values = _value_case(context, case_id, lang)
    return _in_product(context, reader, "offerings/value_case.html", status_code, active="value",
                       outcome=outcome or FormState({"recorded_on": _today(context).isoformat()}), **values)


@router.get("/offerings/value/{id}")
def value_page(id: EntityId, context: Preparer, lang: LanguageQ = None) -> Response:
    return value_case_page(context, id, lang)


@router.get("/offerings/value/{id}/print")
def value_print(id: EntityId, context: Preparer, lang: LanguageQ = None) -> Response:
    reader, values = _value_case(context, id, lang)
    return _render_document(reader, "offerings/value_case.html", "print", "", **values)


@router.get("/offerings/value/{id}/pdf")
def value_pdf(id: EntityId, context: Preparer, lang: LanguageQ = None) -> Response:
    reader, values = _value_case(context, id, lang)
    return _render_document(reader, "offerings/value_case.html", "pdf",
                            f"value-case-{id}-{values['document_language']}.pdf", **values)


# -- price research and the map -----------------------------------------------------------------------

@router.get("/offerings/pricing")
def studies_page(context: Manager) -> Response:
    return studies_page_with(context, None)


def studies_page_with(context: RequestContext, form: FormState | None, status_code: int = 200) -> Response:
    with context.unit() as session:
        counts = research.answer_counts(session, by=context.principal)
        studies = research.studies.page(session, per_page=200, by=context.principal).items
        levels = level_options(session)
    form = form or FormState({"method": "van_westendorp", "currency": context.runtime.settings.reporting_currency,
                              "minimum_sample": "30", "asked_on": _today(context).isoformat()})
    return render(context, "offerings/studies.html", status_code=status_code, active_nav="offerings",
                  active="pricing", studies=studies, counts=counts, form=form, levels=levels)


def psm_chart(result: dict[str, Any], currency: str, locale: str) -> Chart:
    whole = result["whole"]
    names = {"too_cheap": i18n._("Too cheap"), "cheap": i18n._("Cheap"), "expensive": i18n._("Expensive"),
             "too_expensive": i18n._("Too expensive")}
    curves = {names[key]: whole["curves"][key] for key in names}
    marks = [(label, whole[key]) for key, label in (("pmc", "PMC"), ("opp", "OPP"), ("idp", "IDP"), ("pme", "PME"))
             if whole[key] is not None]
    return curves_chart(
        whole["prices"], curves, title=i18n._("Price sensitivity (Van Westendorp)"),
        description=i18n._("At each price, the share of valid answers that find it too cheap, cheap, expensive or "
                           "too expensive; the points where the curves meet bound the acceptable range."),
        x_title=i18n._("Price (%(currency)s)", currency=currency), y_title=i18n._("Share of answers"),
        marks=marks, locale=locale)


def nms_charts(result: dict[str, Any], currency: str, locale: str) -> list[Chart]:
    """Newton–Miller–Smith: the share expected to buy at each price, and the revenue it brings."""
    nms = result["whole"].get("nms")
    if not nms:
        return []
    price_title = i18n._("Price (%(currency)s)", currency=currency)
    trial = curves_chart(
        nms["prices"], {i18n._("Trial"): nms["trial"]}, title=i18n._("Purchase likelihood (Newton–Miller–Smith)"),
        description=i18n._("The share expected to buy at each price, from the purchase likelihood given at the "
                           "cheap and expensive prices."),
        x_title=price_title, y_title=i18n._("Expected to buy"),
        marks=[(i18n._("Most buyers"), nms["best_trial_price"])] if nms["best_trial_price"] else [], locale=locale)
    revenue = curves_chart(
        nms["prices"], {i18n._("Revenue"): nms["revenue"]},
        title=i18n._("Revenue per respondent (Newton–Miller–Smith)"),
        description=i18n._("Each price times the share expected to buy at it: where revenue peaks."),
        x_title=price_title, y_title=i18n._("Revenue per respondent (%(currency)s)", currency=currency),
        y_percent=False,
        marks=[(i18n._("Most revenue"), nms["best_revenue_price"])] if nms["best_revenue_price"] else [],
        locale=locale)
    return [trial, revenue]


def demand_chart(result: dict[str, Any], currency: str, locale: str) -> Chart:
    points = [PeriodValue(str(point["price"]), point["demand"] or 0.0) for point in result["whole"]["points"]]
    return bar_chart_by_period(
        points, title=i18n._("Demand per price (Gabor-Granger)"),
        description=i18n._("The share of respondents who would buy at each price asked."),
        period_title=i18n._("Price (%(currency)s)", currency=currency), value_title=i18n._("Would buy"),
        locale=locale)


@router.get("/offerings/pricing/{id}")
def study_page(id: EntityId, context: Manager, convention: ConventionQ = "original") -> Response:
    return study_page_with(context, id, None, convention=convention)


def study_page_with(context: RequestContext, study_id: int, invite_form: FormState | None, status_code: int = 200,
                    *, convention: str = "original") -> Response:
    with context.unit() as session:
        study = research.studies.get(session, study_id, by=context.principal)
        result = research.study_analysis(session, study_id, convention=convention, by=context.principal)
        links = research_links.progress(session, study_id, by=context.principal)
        segment_names = segments(session)
    locale = str(Formatter(context.language, context.runtime.settings.zone).locale)
    charts: list[Chart] = []
    if study.method == StudyMethod.van_westendorp and result["whole"]["valid"]:
        charts.append(psm_chart(result, study.currency, locale))
        charts.extend(nms_charts(result, study.currency, locale))
    elif study.method == StudyMethod.gabor_granger and result["whole"]["respondents"]:
        charts.append(demand_chart(result, study.currency, locale))
    return render(context, "offerings/study.html", status_code=status_code, active_nav="offerings",
                  active="pricing", study=study, result=result, charts=charts, convention=convention, links=links,
                  segments=segment_names, invite_form=invite_form or FormState({"expires_days": "30"}))


@router.get("/offerings/price-map")
def price_map_page(context: Manager, currency: CurrencyQ = None, package: IdFilter = None) -> Response:
    """The firm's levels and named competitors by price (the reporting currency) and perceived quality
    (1–7: the SERVQUAL perception where measured, else as entered)."""
    shown = (currency or context.runtime.settings.reporting_currency).upper()
    today = _today(context)
    fmt = Formatter(context.language, context.runtime.settings.zone)
    with context.unit() as session:
        known = rates(session, context.runtime.settings.reporting_currency)
        if shown not in known:
            raise ValidationFailed(i18n._("There is no exchange rate for %(currency)s.", currency=shown),
                                   field="currency")
        into = {code: rate / known[shown] for code, rate in known.items()}   # one unit's worth in ``shown``
        packages = catalogue.catalogue_list(session, by=context.principal)
        chosen = package if package is not None else (packages[0].id if packages else None)
        points, missing = catalogue.price_positions(session, shown, into, today, package_id=chosen,
                                                    by=context.principal)
        groups: dict[str, str] = {}   # competitors' positioning, where a capability records it
        for provide in registry().provided("competitor_groups"):
            groups.update(provide(session))
    firm, others = i18n._("Our levels"), i18n._("Competitors")
    chart = point_chart(
        [XYPoint(p.label.split(" · ")[-1] if p.ours else p.label, p.price, p.quality,
                 firm if p.ours else groups.get((p.competitor or "").casefold(), others),
                 fmt.money(Decimal(str(round(p.price, 2))), shown), f"{p.quality:.1f}") for p in points],
        title=i18n._("Price and perceived quality"),
        description=i18n._("The firm's package levels and its competitors' offers by price and by the quality "
                           "clients perceive (1–7)."),
        x_title=i18n._("Price (%(currency)s)", currency=shown), y_title=i18n._("Perceived quality (1–7)"),
        group_title=i18n._("Offer"), locale=str(fmt.locale)) if points else None
    return render(context, "offerings/price_map.html", active_nav="offerings", active="map", chart=chart,
                  currency=shown, missing=missing, points=points, chosen=chosen,
                  package_options=[(str(p.id), p.name) for p in packages])
