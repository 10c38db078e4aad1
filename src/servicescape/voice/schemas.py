"""API shapes of voice of the client: comments with their reading, the heatmap, themes, reviews."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, Field

from servicescape.schemas import ExternalId, Id, LongText, OutSchema, Schema, Text


class CommentOut(OutSchema):
    id: int
    source: str = Field(description="where it was said: complaint, survey_answer, interaction, "
                                    "promise, testimonial, review")
    source_key: str
    client_id: int | None
    text: str
    said_at: datetime
    language: str | None = Field(description="en, ms, id, bg, zh-Hans, zh-Hant, hu, es, de, fr, ru, vi, ar, ja (read "
                                             "with trained heads) or ro, pt, it, nl, pl, tr, ko, th (recognised); "
                                             "null until read or when not recognised")
    sentiment: str | None = Field(description="negative, neutral or positive; null until read")
    sentiment_score: float | None = Field(description="P(positive) − P(negative), −1..1")
    dimensions: list[str] = Field(description="the quality dimensions it is about, the primary first")
    primary_dimension: str | None
    truncated: bool = Field(description="longer than 10,000 characters: read cut")
    analysed_at: datetime | None = Field(description="when it was read; null while it waits")


class ReadingOut(Schema):
    language: str | None
    sentiment: str
    sentiment_score: float
    dimensions: list[str]
    primary_dimension: str
    truncated: bool


class ClassifyIn(Schema):
    texts: list[LongText] = Field(min_length=1, max_length=100, description="1 to 100 comments to read")


class ClassifyOut(Schema):
    readings: list[ReadingOut]


class SimilarOut(Schema):
    id: int
    similarity: float
    text: str
    language: str | None
    sentiment: str | None
    primary_dimension: str | None
    client_id: int | None


class HeatmapCell(Schema):
    dimension: str
    sentiment: str
    comments: int


class HeatmapOut(Schema):
    total: int
    cells: list[HeatmapCell]


class ThemeExample(Schema):
    id: int
    text: str
    language: str | None


class ThemeTrend(Schema):
    period: str
    share: float


class ThemeOut(Schema):
    theme: int
    comments: int
    share: float
    dimension: str
    sentiment: str
    sentiments: dict[str, int]
    examples: list[ThemeExample]
    trend: list[ThemeTrend]


class ThemesOut(Schema):
    comments: int
    themes: list[ThemeOut]


class ProgressOut(Schema):
    total: int
    analysed: int
    waiting: int


class ReviewIn(Schema):
    text: LongText = Field(min_length=1, description="what the client wrote")
    said_at: AwareDatetime | None = Field(None, description="when it was written, timezone-aware (default: now)")
    client_id: Id | None = None
    channel: Text | None = Field(None, description="where: Google, a feedback form, …")
    author: Text | None = None
    rating: int | None = Field(None, ge=1, le=5, description="1–5 stars when the source has them")
    external_id: ExternalId | None = None


class ReviewOut(OutSchema):
    id: int
    text: str
    said_at: datetime
    client_id: int | None
    channel: str | None
    author: str | None
    rating: int | None
    external_id: str | None

