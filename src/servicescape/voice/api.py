"""``/api/v1/voice/...``: clients' comments with what the pipeline read in them (language, feeling,
dimensions), the dimension × sentiment heatmap, themes, similar comments, reading any text on
demand, and reviews clients wrote elsewhere."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from servicescape.clients.models import Tier
from servicescape.schemas import PageOut, Text
from servicescape.voice import engine, service
from servicescape.voice.schemas import (
    ClassifyIn,
    ClassifyOut,
    CommentOut,
    HeatmapCell,
    HeatmapOut,
    ProgressOut,
    ReadingOut,
    ReviewIn,
    ReviewOut,
    SimilarOut,
    ThemesOut,
)
from servicescape.web.api.common import (
    CREATE,
    DELETE,
    READ_MANY,
    READ_ONE,
    EntityId,
    IdFilter,
    PageNumber,
    PerPage,
)
from servicescape.web.api.resources import SignedIn

router = APIRouter(prefix="/voice", tags=["voice of the client"])

LanguageQ = Annotated[str | None, Query(pattern="^(" + "|".join(engine.DETECTED) + ")$")]
SentimentQ = Annotated[str | None, Query(pattern="^(negative|neutral|positive)$")]
DimensionQ = Annotated[str | None, Query(pattern="^(" + "|".join(engine.DIMENSIONS) + ")$")]
SourceQ = Annotated[str | None, Query(max_length=40, description="complaint, survey_answer, interaction, "
                                                                 "promise, testimonial, review")]
SegmentQ = Annotated[Text | None, Query(max_length=100)]


def _filters(language: str | None, sentiment: str | None, dimension: str | None, tier: Tier | None,
             segment: str | None, client_id: int | None, source: str | None, said_from: date | None,
             said_to: date | None) -> service.FeedbackFilters:
    return service.FeedbackFilters(language=language, sentiment=sentiment, dimension=dimension,
                                   tier=tier.value if tier else None, segment=segment, client_id=client_id,
                                   source=source, said_from=said_from, said_to=said_to)


def _comment_out(comment: Any) -> CommentOut:
    return CommentOut.model_validate(comment)


@router.get("/comments", response_model=PageOut[CommentOut], responses=READ_MANY, name="list_voice_comments",
            summary="Clients' comments newest first, with language, sentiment and dimensions")
def list_comments(context: SignedIn, page: PageNumber = 1, per_page: PerPage = 50, language: LanguageQ = None,
                  sentiment: SentimentQ = None, dimension: DimensionQ = None, tier: Tier | None = None,
                  segment: SegmentQ = None, client_id: IdFilter = None, source: SourceQ = None,
                  said_from: date | None = None, said_to: date | None = None) -> Any:
    filters = _filters(language, sentiment, dimension, tier, segment, client_id, source, said_from, said_to)
    with context.unit() as session:
        found = service.inbox(session, filters, page=page, per_page=per_page, by=context.principal)
        return PageOut[CommentOut](items=[_comment_out(row.comment) for row in found.items], total=found.total,
                                   page=found.page, per_page=found.per_page, pages=found.pages)


@router.get("/comments/{id}", response_model=CommentOut, responses=READ_ONE, name="get_voice_comment",
            summary="One comment with its reading")
def get_comment(id: EntityId, context: SignedIn) -> Any:
    with context.unit() as session:
        return _comment_out(service.get_comment(session, id, by=context.principal))


@router.get("/comments/{id}/similar", response_model=list[SimilarOut], responses=READ_ONE,
            name="similar_voice_comments", summary="The comments nearest in meaning to one, in any language")
def similar(id: EntityId, context: SignedIn, limit: Annotated[int, Query(ge=1, le=100)] = 10) -> Any:
    with context.unit() as session:
        _comment, found = service.similar(session, id, limit=limit, by=context.principal)
        return [SimilarOut(id=s.row.id, similarity=round(s.similarity, 4), text=s.row.text, language=s.row.language,
                           sentiment=s.row.sentiment, primary_dimension=s.row.primary_dimension,
                           client_id=s.row.client_id) for s in found]


@router.get("/heatmap", response_model=HeatmapOut, responses=READ_MANY, name="voice_heatmap",
            summary="Comments per primary dimension × sentiment")
def heatmap(context: SignedIn, language: LanguageQ = None, tier: Tier | None = None, segment: SegmentQ = None,
            client_id: IdFilter = None, source: SourceQ = None, said_from: date | None = None,
            said_to: date | None = None) -> Any:
    filters = _filters(language, None, None, tier, segment, client_id, source, said_from, said_to)
    with context.unit() as session:
        found = service.heatmap(session, filters, by=context.principal)
    return HeatmapOut(total=found.total, cells=[HeatmapCell(dimension=d, sentiment=s, comments=n)
                                                for (d, s), n in sorted(found.cells.items())])


@router.get("/themes", response_model=ThemesOut, responses=READ_MANY, name="voice_themes",
            summary="Themes: comments grouped by meaning across languages, with examples and a trend")
def themes(context: SignedIn, language: LanguageQ = None, sentiment: SentimentQ = None, dimension: DimensionQ = None,
           tier: Tier | None = None, segment: SegmentQ = None, said_from: date | None = None,
           said_to: date | None = None, count: Annotated[int | None, Query(ge=2, le=20)] = None,
           by_quarter: bool = False) -> Any:
    filters = _filters(language, sentiment, dimension, tier, segment, None, None, said_from, said_to)
    with context.unit() as session:
        found = service.themes(session, filters, count=count, by_quarter=by_quarter, by=context.principal)
    return {"comments": found.comments, "themes": [
        {"theme": t.number, "comments": t.size, "share": round(t.share, 4), "dimension": t.dimension,
         "sentiment": t.sentiment, "sentiments": t.sentiments,
         "examples": [{"id": r.id, "text": r.text, "language": r.language} for r in t.examples],
         "trend": [{"period": p, "share": round(s, 4)} for p, s in t.trend]} for t in found.themes]}


@router.get("/progress", response_model=ProgressOut, responses=READ_MANY, name="voice_progress",
            summary="How many comments are read and how many wait")
def progress(context: SignedIn) -> Any:
    with context.unit() as session:
        found = service.progress(session, by=context.principal)
    return ProgressOut(total=found.total, analysed=found.analysed, waiting=found.waiting)


@router.post("/classify", response_model=ClassifyOut, responses=CREATE, name="voice_classify",
             summary="Read up to 100 texts now (nothing is stored): language, sentiment, dimensions")
def classify(body: ClassifyIn, context: SignedIn) -> Any:
    readings = service.classify_texts(body.texts, by=context.principal)
    return ClassifyOut(readings=[ReadingOut(**r.as_dict()) for r in readings])


@router.post("/reviews", response_model=ReviewOut, status_code=201, responses=CREATE, name="create_voice_review",
             summary="Record a review a client wrote elsewhere (read within the minute)")
def create_review(body: ReviewIn, context: SignedIn) -> Any:
    with context.unit() as session:
        return ReviewOut.model_validate(service.add_review(session, **body.model_dump(), by=context.principal))


@router.get("/reviews/{id}", response_model=ReviewOut, responses=READ_ONE, name="get_voice_review",
            summary="One review")
def get_review(id: EntityId, context: SignedIn) -> Any:
    with context.unit() as session:
        return ReviewOut.model_validate(service.get_review(session, id, by=context.principal))


@router.delete("/reviews/{id}", status_code=204, responses=DELETE, name="delete_voice_review",
               summary="Delete a review and its reading (managers)")
def delete_review(id: EntityId, context: SignedIn) -> Response:
    with context.unit() as session:
        service.delete_review(session, id, by=context.principal)
    return Response(status_code=204)
