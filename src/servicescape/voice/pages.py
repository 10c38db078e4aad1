"""Voice of the client's pages: the feedback inbox (filters: language, sentiment, dimension, tier,
period, client, where it was said), the dimension × sentiment heatmap, themes with their trend, a
comment with the comments most like it, and reviews clients wrote elsewhere (added here)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from servicescape import i18n
from servicescape.auth.permissions import can
from servicescape.clients import listing as client_listing
from servicescape.clients import service as clients
from servicescape.clients.models import Tier
from servicescape.errors import ValidationFailed
from servicescape.platform.charts import Chart, PeriodValue, line_chart_by_period
from servicescape.voice import engine, labels, service
from servicescape.voice.capability import MANAGE, READ, WRITE
from servicescape.voice.schemas import ReviewIn
from servicescape.voice.service import FeedbackFilters, Theme
from servicescape.web.deps import RequestContext, signed_in
from servicescape.web.forms import FormState, RecordId, parse_form
from servicescape.web.pages.common import FORM_PROBLEMS, Posted, id_filter, problem_status, see_other
from servicescape.web.templating import Formatter, render

router = APIRouter(include_in_schema=False)

Reader = Annotated[RequestContext, Depends(signed_in(READ))]
Writer = Annotated[RequestContext, Depends(signed_in(WRITE))]
Manager = Annotated[RequestContext, Depends(signed_in(MANAGE))]
PER_PAGE = 25
Short = Annotated[str, Query(max_length=20)]
Segment = Annotated[str, Query(max_length=120)]
FILTER_KEYS = ("language", "sentiment", "dimension", "tier", "segment", "source", "client", "from", "to")


def _day(value: str, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(i18n._("Unknown value %(value)s for %(field)s.", value=value, field=field),
                               field=field) from None


def _blank(value: str) -> str | None:
    return value or None


def _filters(query: dict[str, str]) -> FeedbackFilters:
    return FeedbackFilters(language=_blank(query["language"]), sentiment=_blank(query["sentiment"]),
                           dimension=_blank(query["dimension"]), tier=_blank(query["tier"]),
                           segment=_blank(query["segment"]), source=_blank(query["source"]),
                           client_id=id_filter(query["client"], "client"),
                           said_from=_day(query["from"], "from"), said_to=_day(query["to"], "to")).check()


def _common(context: RequestContext, query: dict[str, str]) -> dict[str, Any]:
    """What every voice page shows: the filter choices and how many comments wait to be read."""
    fmt = Formatter(context.language, context.runtime.settings.zone)
    with context.unit() as session:
        progress = service.progress(session, by=context.principal)
        segments = client_listing.client_list_choices(session, by=context.principal).segments
        client_name = clients.clients.get(session, int(query["client"]), by=context.principal).name \
            if query.get("client") else None
    return {"query": query, "progress": progress, "client_name": client_name, "labels": labels,
            "language_choices": [(code, labels.language_label(code, fmt.locale)) for code in engine.DETECTED],
            "sentiments": labels.sentiment_options(), "dimensions": labels.dimension_options(),
            "tiers": [(t.value, i18n._(context.runtime.settings.tier_names.get(t.value, t.value))) for t in Tier],
            "sources": labels.source_options(), "segments": [(s, s) for s in segments],
            "language_label": lambda code: labels.language_label(code, fmt.locale)}


def _query(**given: str) -> dict[str, str]:
    return {key: given.get(key, "") for key in FILTER_KEYS}


# -- the inbox -----------------------------------------------------------------------------------------


def inbox_page(context: RequestContext, query: dict[str, str], page: int = 1, form: FormState | None = None,
               status_code: int = 200) -> Response:
    filters = _filters(query)
    common = _common(context, query)
    with context.unit() as session:
        found = service.inbox(session, filters, page=page, per_page=PER_PAGE, clamp=True, by=context.principal)
        links = {row.comment.id: service.where_it_lives(row.comment, context.principal) for row in found.items}
    return render(context, "voice/inbox.html", status_code=status_code, active_nav="voice", found=found, links=links,
                  can_add=can(context.principal, WRITE), form=form or FormState({}), **common)


@router.get("/voice")
def inbox(context: Reader, language: Short = "", sentiment: Short = "", dimension: Short = "", tier: Short = "",
          segment: Segment = "", source: Annotated[str, Query(max_length=40)] = "", client: Short = "",
          said_from: Annotated[str, Query(alias="from", max_length=10)] = "",
          said_to: Annotated[str, Query(alias="to", max_length=10)] = "",
          page: Annotated[int, Query(ge=1, le=1_000_000)] = 1) -> Response:
    query = _query(language=language, sentiment=sentiment, dimension=dimension, tier=tier, segment=segment,
                   source=source, client=client, **{"from": said_from, "to": said_to})
    return inbox_page(context, query, page)


# -- the heatmap ---------------------------------------------------------------------------------------


@router.get("/voice/heatmap")
def heatmap(context: Reader, language: Short = "", tier: Short = "", segment: Segment = "",
            source: Annotated[str, Query(max_length=40)] = "", client: Short = "",
            said_from: Annotated[str, Query(alias="from", max_length=10)] = "",
            said_to: Annotated[str, Query(alias="to", max_length=10)] = "") -> Response:
    query = _query(language=language, tier=tier, segment=segment, source=source, client=client,
                   **{"from": said_from, "to": said_to})
    filters = _filters(query)
    common = _common(context, query)
    with context.unit() as session:
        found = service.heatmap(session, filters, by=context.principal)
    largest = max(found.cells.values(), default=0)

    def heat(count: int) -> int:
        """0–5: how dark a cell is, against the largest cell."""
        return 0 if not count or not largest else max(1, round(5 * count / largest))

    return render(context, "voice/heatmap.html", active_nav="voice", found=found, heat=heat,
                  dimension_keys=engine.DIMENSIONS, sentiment_keys=engine.SENTIMENTS, **common)


# -- themes --------------------------------------------------------------------------------------------


def trend_chart(theme: Theme, fmt: Formatter) -> Chart:
    points = [PeriodValue(period, round(100 * share, 1), "", f"{100 * share:.0f}%") for period, share in theme.trend]
    return line_chart_by_period(
        points, title=i18n._("Theme %(number)s over time", number=theme.number),
        description=i18n._("The theme's share of each period's comments."), period_title=i18n._("Period"),
        value_title=i18n._("Share of comments (%)"), locale=fmt.locale)


@router.get("/voice/themes")
def themes(context: Reader, language: Short = "", sentiment: Short = "", dimension: Short = "", tier: Short = "",
           segment: Segment = "", said_from: Annotated[str, Query(alias="from", max_length=10)] = "",
           said_to: Annotated[str, Query(alias="to", max_length=10)] = "",
           count: Annotated[int | None, Query(ge=2, le=20)] = None, quarter: bool = False) -> Response:
    query = _query(language=language, sentiment=sentiment, dimension=dimension, tier=tier, segment=segment,
                   **{"from": said_from, "to": said_to})
    filters = _filters(query)
    common = _common(context, query)
    fmt = Formatter(context.language, context.runtime.settings.zone)
    with context.unit() as session:
        found = service.themes(session, filters, count=count, by_quarter=quarter, by=context.principal)
    charts = {theme.number: trend_chart(theme, fmt) for theme in found.themes if len(theme.trend) > 1}
    return render(context, "voice/themes.html", active_nav="voice", found=found, charts=charts, quarter=quarter,
                  count=count, **common)


# -- one comment ---------------------------------------------------------------------------------------


@router.get("/voice/comments/{comment_id}")
def comment_page(comment_id: RecordId, context: Reader) -> Response:
    common = _common(context, _query())
    with context.unit() as session:
        comment = service.get_comment(session, comment_id, by=context.principal)
        try:
            _same, alike = service.similar(session, comment_id, limit=8, by=context.principal)
        except ValidationFailed:
            alike = []     # not read yet
        client_name = clients.clients.get(session, comment.client_id, by=context.principal).name \
            if comment.client_id else None
    return render(context, "voice/comment.html", active_nav="voice", comment=comment, alike=alike,
                  comment_client=client_name, where=service.where_it_lives(comment, context.principal), **common)


# -- reviews -------------------------------------------------------------------------------------------


@router.post("/voice/reviews")
def add_review(context: Writer, values: Posted) -> Response:
    try:
        fixed: dict[str, Any] = {}
        typed = values.get("client", "").strip()
        if typed:
            with context.unit() as session:
                fixed["client_id"] = clients.find_client(session, typed, by=context.principal, field="client").id
        form = {k: v for k, v in values.items() if k not in ("client", "csrf_token")}
        data = parse_form(ReviewIn, form, zone=context.runtime.settings.zone, fixed=fixed)
        with context.unit() as session:
            review = service.add_review(session, **data, by=context.principal)
            review_id = review.id
    except FORM_PROBLEMS as problem:
        return inbox_page(context, _query(), form=FormState.failed(values, problem),
                          status_code=problem_status(problem))
    return see_other(f"/voice/reviews/{review_id}", context,
                     i18n._("The review was added; it is read within a minute."))


@router.get("/voice/reviews/{review_id}")
def review_page(review_id: RecordId, context: Reader) -> Response:
    common = _common(context, _query())
    with context.unit() as session:
        review = service.get_review(session, review_id, by=context.principal)
        comment = service.comment_of(session, "review", str(review_id))
        client_name = clients.clients.get(session, review.client_id, by=context.principal).name \
            if review.client_id else None
    return render(context, "voice/review.html", active_nav="voice", review=review, comment=comment,
                  review_client=client_name, can_delete=can(context.principal, MANAGE), **common)


@router.post("/voice/reviews/{review_id}/delete")
def delete_review(review_id: RecordId, context: Manager) -> Response:
    with context.unit() as session:
        service.delete_review(session, review_id, by=context.principal)
    return see_other("/voice", context, i18n._("The review was deleted."))
