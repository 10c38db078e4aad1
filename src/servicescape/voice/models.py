"""Voice of the client: every comment the product stores, read for language, feeling and dimension."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from servicescape.db.base import Base, Timestamped
from servicescape.db.types import UTCDateTime, utcnow


class Comment(Base):
    """One free-text field of a record (a complaint, a survey answer, an interaction note, an
    imported review), copied here with what the pipeline read in it. ``analysed_at`` is empty
    until the analysis job has read the current text."""

    __tablename__ = "voice_comment"
    __table_args__ = (
        UniqueConstraint("source", "source_key", name="uq_voice_comment_source"),
        Index("ix_voice_comment_said_at", "said_at"),
        Index("ix_voice_comment_client_said", "client_id", "said_at"),
        Index("ix_voice_comment_waiting", "analysed_at", "id"),
        Index("ix_voice_comment_reading", "primary_dimension", "sentiment", "said_at"),
        Index("ix_voice_comment_language_said", "language", "said_at"),
        Index("ix_voice_comment_hash", "text_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40))          # a TextSource's type: "complaint", ...
    source_key: Mapped[str] = mapped_column(String(80))      # the record's key within it
    client_id: Mapped[int | None] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), default=None)
    text: Mapped[str] = mapped_column(Text)
    said_at: Mapped[datetime] = mapped_column(UTCDateTime)
    text_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    language: Mapped[str | None] = mapped_column(String(10), default=None)
    sentiment: Mapped[str | None] = mapped_column(String(10), default=None)
    sentiment_score: Mapped[float | None] = mapped_column(Float, default=None)
    #: every dimension it is about, primary first, as ",reliability,price," (a LIKE finds one)
    dimension_set: Mapped[str | None] = mapped_column(String(120), default=None)
    primary_dimension: Mapped[str | None] = mapped_column(String(20), default=None)
    truncated: Mapped[bool] = mapped_column(Boolean, default=False)
    analysed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    collected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def dimensions(self) -> list[str]:
        return [d for d in (self.dimension_set or "").split(",") if d]


class Vector(Base):
    """The embedding cache: a prepared text's hash → its language and e5 vector (float16 bytes)."""

    __tablename__ = "voice_vector"
    __audited__ = False     # a cache of what the texts' own records hold

    text_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    language: Mapped[str | None] = mapped_column(String(10), default=None)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Review(Timestamped, Base):
    """A review imported from elsewhere (a review site, a feedback form, a spreadsheet)."""

    __tablename__ = "voice_review"
    __table_args__ = (Index("ix_voice_review_client", "client_id", "said_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True, default=None)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("client.id", ondelete="SET NULL"), default=None)
    channel: Mapped[str | None] = mapped_column(String(300), default=None)   # "Google", "feedback form"
    author: Mapped[str | None] = mapped_column(String(300), default=None)
    rating: Mapped[int | None] = mapped_column(Integer, default=None)        # 1–5 when the source has one
    text: Mapped[str] = mapped_column(Text)
    said_at: Mapped[datetime] = mapped_column(UTCDateTime)
