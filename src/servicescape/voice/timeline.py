"""Voice of the client on a client's timeline: a review the client wrote elsewhere, when it was
written, with how it reads (the other comments are on the timeline as their own records)."""

from __future__ import annotations

from sqlalchemy import String, and_, cast, select
from sqlalchemy.orm import Session

from servicescape.clients.models import Client
from servicescape.i18n import _
from servicescape.platform.timeline import TimelineEvent, TimelineQuery
from servicescape.voice.capability import READ
from servicescape.voice.labels import SENTIMENT_TONES, dimension_label, sentiment_label
from servicescape.voice.models import Comment, Review


def events(session: Session, query: TimelineQuery) -> list[TimelineEvent]:
    if "review" not in query.types:
        return []
    statement = (
        select(Review.id, Review.client_id, Review.channel, Review.rating, Review.text, Review.said_at, Client.name,
               Comment.sentiment, Comment.primary_dimension)
        .join(Client, Client.id == Review.client_id)
        .outerjoin(Comment, and_(Comment.source == "review", Comment.source_key == cast(Review.id, String)))
        .where(Review.client_id.is_not(None), query.scope.clients(Review.client_id),
               query.older("review", Review.said_at, Review.id))
        .order_by(Review.said_at.desc(), Review.id.desc()).limit(query.limit)
    )
    found = []
    for row_id, client_id, channel, rating, text, at, client_name, sentiment, dimension in session.execute(statement):
        badges = ((sentiment_label(sentiment), SENTIMENT_TONES[sentiment]),
                  (dimension_label(dimension), "info")) if sentiment else ()
        title = _("Review on %(where)s", where=channel) if channel else _("Review")
        if rating:
            title = f"{title} · {'★' * rating}{'☆' * (5 - rating)}"
        found.append(TimelineEvent("review", row_id, at, title, "voice", client_id or 0, client_name=client_name,
                                   summary=text, url=f"/voice/reviews/{row_id}", url_permission=READ, badges=badges))
    return found
