"""Voice of the client's rules: the feedback inbox and its filters, the dimension × sentiment
heatmap, themes with their trend, similar comments, a client's feedback, and reviews."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from servicescape.auth.permissions import Principal, can, require
from servicescape.clients.models import Client, Tier
from servicescape.db.memo import unchanged_since
from servicescape.db.paging import Page, paginate
from servicescape.db.types import utcnow
from servicescape.errors import Conflict, NotFound, ValidationFailed
from servicescape.i18n import _
from servicescape.platform.registry import registry
from servicescape.platform.timeline import day_start
from servicescape.voice import engine
from servicescape.voice.capability import MANAGE, READ, WRITE
from servicescape.voice.models import Comment, Review, Vector

#: the days a period may name (a day far outside has no start on the firm's clock in UTC)
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)

MAX_REVIEW_CHARS = 20_000
#: the most comments a theme map clusters (the most recent ones)
THEME_SAMPLE = 20_000
#: two comments this similar (cosine of their centred vectors) are one example of a theme
NEAR_COPY = 0.95


def review_rows() -> Any:
    """Reviews as a text source (see servicescape.platform.registry.TextSource)."""
    return select(Review.id.label("key"), Review.client_id.label("client_id"), Review.text.label("text"),
                  Review.said_at.label("said_at"))


# -- filters -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedbackFilters:
    language: str | None = None
    sentiment: str | None = None
    dimension: str | None = None          # any of the comment's dimensions
    tier: str | None = None
    segment: str | None = None
    client_id: int | None = None
    source: str | None = None
    said_from: date | None = None
    said_to: date | None = None           # inclusive
    waiting: bool = False                 # only those not read yet

    def check(self) -> FeedbackFilters:
        for name, value, allowed in (("language", self.language, engine.DETECTED),
                                     ("sentiment", self.sentiment, engine.SENTIMENTS),
                                     ("dimension", self.dimension, engine.DIMENSIONS),
                                     ("tier", self.tier, tuple(t.value for t in Tier)),
                                     ("source", self.source, tuple(s.type for s in registry().text_sources()))):
            if value is not None and value not in allowed:
                raise ValidationFailed(_("Unknown value %(value)s for %(field)s.", value=value, field=name),
                                       field=name)
        for name, day in (("said_from", self.said_from), ("said_to", self.said_to)):
            if day is not None and not EARLIEST <= day <= LATEST:
                raise ValidationFailed(_("Give a day between %(first)s and %(last)s.", first=EARLIEST.isoformat(),
                                         last=LATEST.isoformat()), field=name)
        if self.said_from and self.said_to and self.said_from > self.said_to:
            raise ValidationFailed(_("The period ends before it starts."), field="said_to")
        return self

    def apply(self, query: Any, zone: ZoneInfo) -> Any:
        for column, value in ((Comment.language, self.language), (Comment.sentiment, self.sentiment),
                              (Comment.client_id, self.client_id), (Comment.source, self.source)):
            if value is not None:
                query = query.where(column == value)
        if self.dimension is not None:
            query = query.where(Comment.dimension_set.like(f"%,{self.dimension},%"))
        if self.tier is not None or self.segment is not None:
            clients = select(Client.id)
            if self.tier is not None:
                clients = clients.where(Client.tier == Tier(self.tier))
            if self.segment is not None:
                clients = clients.where(Client.segment == self.segment)
            query = query.where(Comment.client_id.in_(clients))
        if self.said_from is not None:
            query = query.where(Comment.said_at >= day_start(self.said_from, zone))
        if self.said_to is not None:
            query = query.where(Comment.said_at < day_start(self.said_to + timedelta(days=1), zone))
        if self.waiting:
            query = query.where(Comment.analysed_at.is_(None))
        return query


def _zone(session: Session) -> ZoneInfo:
    settings = session.info.get("settings")
    return settings.zone if settings is not None else ZoneInfo("UTC")


# -- the inbox -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxRow:
    comment: Comment
    client_name: str | None


def inbox(session: Session, filters: FeedbackFilters, *, page: int = 1, per_page: int = 50, clamp: bool = False,
          by: Principal) -> Page[InboxRow]:
    """Comments newest first with the client's name."""
    require(by, READ)
    query = filters.check().apply(select(Comment), _zone(session)).order_by(Comment.said_at.desc(),
                                                                             Comment.id.desc())
    found = paginate(session, query, page=page, per_page=per_page, clamp=clamp)
    names = dict(session.execute(select(Client.id, Client.name).where(
        Client.id.in_({c.client_id for c in found.items if c.client_id is not None}))).all())
    return Page(items=[InboxRow(c, names.get(c.client_id)) for c in found.items], total=found.total,
                page=found.page, per_page=found.per_page)


def get_comment(session: Session, comment_id: int, *, by: Principal) -> Comment:
    require(by, READ)
    found = session.get(Comment, comment_id)
    if found is None:
        raise NotFound(_("%(entity)s %(id)s does not exist.", entity=_("Comment"), id=comment_id))
    return found


def comment_of(session: Session, source: str, key: str) -> Comment | None:
    """The comment copied from a record's text (None until the job collected it)."""
    return session.scalar(select(Comment).where(Comment.source == source, Comment.source_key == key))


def where_it_lives(comment: Comment, by: Principal) -> str | None:
    """The page of the record the comment belongs to, when ``by`` may see it."""
    for source in registry().text_sources():
        if source.type == comment.source and can(by, source.permission):
            return source.url_for(comment.source_key, comment.client_id)
    return None


@dataclass(frozen=True)
class Progress:
    total: int
    analysed: int

    @property
    def waiting(self) -> int:
        return self.total - self.analysed

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(100 * self.analysed / self.total)


def progress(session: Session, *, by: Principal) -> Progress:
    require(by, READ)
    return _progress(session)


@unchanged_since(Comment.__tablename__)
def _progress(session: Session) -> Progress:
    """Counted once per change of the comments (a count of every comment at each view of the inbox)."""
    total, analysed = session.execute(select(func.count(), func.count(Comment.analysed_at))).one()
    return Progress(int(total or 0), int(analysed or 0))


# -- the heatmap ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Heatmap:
    """Comments per primary dimension × sentiment (those read)."""

    cells: dict[tuple[str, str], int]
    total: int

    def count(self, dimension: str, sentiment: str) -> int:
        return self.cells.get((dimension, sentiment), 0)

    def row_total(self, dimension: str) -> int:
        return sum(self.count(dimension, s) for s in engine.SENTIMENTS)

    def share(self, dimension: str, sentiment: str) -> float:
        row = self.row_total(dimension)
        return self.count(dimension, sentiment) / row if row else 0.0

    def net(self, dimension: str) -> float:
        """(positive − negative) / all, −1 … 1."""
        row = self.row_total(dimension)
        return (self.count(dimension, "positive") - self.count(dimension, "negative")) / row if row else 0.0


def heatmap(session: Session, filters: FeedbackFilters, *, by: Principal) -> Heatmap:
    require(by, READ)
    query = filters.check().apply(
        select(Comment.primary_dimension, Comment.sentiment, func.count()).where(Comment.analysed_at.is_not(None),
                                                                                 Comment.sentiment.is_not(None)),
        _zone(session)).group_by(Comment.primary_dimension, Comment.sentiment)
    cells = {(str(d), str(s)): int(n) for d, s, n in session.execute(query)}
    return Heatmap(cells, sum(cells.values()))


# -- vectors of stored comments ------------------------------------------------------------------------


def _vectors(session: Session, query: Any) -> tuple[list[Any], np.ndarray]:
    """Rows of ``query`` (which selects Comment columns) joined to their cached vectors, centred."""
    rows = list(session.execute(query.add_columns(Vector.vector).join(Vector, Vector.text_hash == Comment.text_hash)))
    if not rows:
        return [], np.zeros((0, engine.DIM))
    model = engine.shipped_model()
    centred = model.centre(engine.from_bytes([bytes(r[-1]) for r in rows]), [r.language for r in rows])
    return rows, centred


# -- themes --------------------------------------------------------------------------------------------


@dataclass
class Theme:
    number: int
    size: int
    share: float
    dimension: str
    sentiment: str
    sentiments: dict[str, int]
    examples: list[Any]                       # rows: id, text, said_at, language, sentiment, client_id
    trend: list[tuple[str, float]] = field(default_factory=list)   # (period, share of that period's comments)


@dataclass(frozen=True)
class ThemeMap:
    themes: list[Theme]
    comments: int                 # how many were clustered
    periods: list[str]


def _kmeans(x: np.ndarray, k: int, *, iterations: int = 25) -> np.ndarray:
    """Spherical k-means, k-means++ seeding from a fixed generator: the same comments, the same themes."""
    x = x.astype(np.float32)
    rng = np.random.default_rng(7)
    n = len(x)
    centres = [x[int(rng.integers(n))]]
    nearest = np.full(n, -np.inf, dtype=np.float32)
    for _i in range(1, k):
        nearest = np.maximum(nearest, x @ centres[-1])
        distance = np.maximum(1 - nearest, 0).astype(np.float64)
        total = distance.sum()
        pick = int(rng.choice(n, p=distance / total)) if total > 0 else int(rng.integers(n))
        centres.append(x[pick])
    c = np.stack(centres)
    labels = np.full(n, -1)
    for _i in range(iterations):
        labels_new = (x @ c.T).argmax(axis=1)
        if np.array_equal(labels_new, labels):
            break
        labels = labels_new
        members = np.zeros((n, k), dtype=np.float32)
        members[np.arange(n), labels] = 1
        sums = members.T @ x
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        c = np.where(norms > 0, sums / np.where(norms > 0, norms, 1), c)
    return labels


def _period(moment: datetime, zone: ZoneInfo, by_quarter: bool) -> str:
    local = moment.astimezone(zone)
    return f"{local.year}-Q{(local.month - 1) // 3 + 1}" if by_quarter else f"{local.year}-{local.month:02d}"


def themes(session: Session, filters: FeedbackFilters, *, count: int | None = None, by_quarter: bool = False,
           by: Principal) -> ThemeMap:
    """Group the (most recent :data:`THEME_SAMPLE`) comments matching ``filters`` into themes by
    meaning across languages; each with its share, sentiment, main dimension, the comments nearest
    its centre and its share per month (or quarter)."""
    require(by, READ)
    if count is not None and not 2 <= count <= 20:
        raise ValidationFailed(_("%(field)s must be between %(low)s and %(high)s.", field="count", low=2, high=20),
                               field="count")
    zone = _zone(session)
    query = (filters.check().apply(select(Comment.id, Comment.text, Comment.said_at, Comment.language,
                                          Comment.sentiment, Comment.primary_dimension, Comment.client_id),
                                   zone)
             .where(Comment.analysed_at.is_not(None)).order_by(Comment.said_at.desc()).limit(THEME_SAMPLE))
    rows, x = _vectors(session, query)
    if len(rows) < 6:
        return ThemeMap([], len(rows), [])
    k = count or int(min(8, max(2, round((len(rows) / 6) ** 0.5))))
    k = min(k, len(rows) // 3)
    labels = _kmeans(x, k)
    period_of = [_period(r.said_at, zone, by_quarter) for r in rows]
    per_period = Counter(period_of)
    periods = sorted(per_period)
    found: list[Theme] = []
    for j in range(k):
        members = np.flatnonzero(labels == j)
        if not len(members):
            continue
        centre = x[members].mean(axis=0)
        examples: list[int] = []
        for i in members[np.argsort(-(x[members] @ centre))]:     # the nearest, none a near-copy of another
            if all(float(x[i] @ x[j]) < NEAR_COPY for j in examples):
                examples.append(int(i))
            if len(examples) == 3:
                break
        sentiments = Counter(rows[i].sentiment for i in members)
        dimensions = Counter(rows[i].primary_dimension for i in members)
        in_period = Counter(period_of[i] for i in members)
        found.append(Theme(0, len(members), len(members) / len(rows), dimensions.most_common(1)[0][0],
                           sentiments.most_common(1)[0][0],
                           {s: sentiments.get(s, 0) for s in engine.SENTIMENTS}, [rows[i] for i in examples],
                           [(p, in_period.get(p, 0) / per_period[p]) for p in periods]))
    found.sort(key=lambda t: -t.size)
    for number, theme in enumerate(found, start=1):
        theme.number = number
    return ThemeMap(found, len(rows), periods)


# -- similar comments ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Similar:
    row: Any            # id, text, said_at, language, sentiment, primary_dimension, client_id
    similarity: float


#: comments compared per chunk when looking for similar ones (memory stays bounded at any size)
SIMILAR_CHUNK = 20_000
#: the most recent read comments a similar-comments search compares (a page answers within seconds)
SIMILAR_SCOPE = 100_000


def similar(session: Session, comment_id: int, *, limit: int = 10, by: Principal) -> tuple[Comment, list[Similar]]:
    """The comments nearest in meaning to one (any language), most similar first; a text said several
    times counts once (its latest comment), and the comment's own text not at all. The most recent
    :data:`SIMILAR_SCOPE` read comments are compared, a chunk at a time."""
    comment = get_comment(session, comment_id, by=by)
    if not 1 <= limit <= 100:
        raise ValidationFailed(_("%(field)s must be between %(low)s and %(high)s.", field="limit", low=1, high=100),
                               field="limit")
    target_rows, target = _vectors(session, select(Comment.id, Comment.language).where(Comment.id == comment_id))
    if comment.analysed_at is None or not target_rows:
        raise ValidationFailed(_("This comment has not been read yet; try again in a minute."), field="id")
    model = engine.shipped_model()
    candidates: dict[str, tuple[float, int]] = {}      # text hash → (score, the latest comment's id)
    recent = (select(Comment.id, Comment.text_hash, Comment.language)
              .where(Comment.analysed_at.is_not(None), Comment.text_hash != comment.text_hash)
              .order_by(Comment.said_at.desc()).limit(SIMILAR_SCOPE).subquery())
    query = (select(recent.c.id, recent.c.text_hash, recent.c.language, Vector.vector)
             .join(Vector, Vector.text_hash == recent.c.text_hash).execution_options(yield_per=SIMILAR_CHUNK))
    for chunk in session.execute(query).partitions(SIMILAR_CHUNK):
        scores = model.centre(engine.from_bytes([bytes(r.vector) for r in chunk]), [r.language for r in chunk]) \
            @ target[0]
        keep = np.argsort(-scores)[:limit * 20] if len(scores) > limit * 20 else range(len(scores))
        for i in keep:
            row, score = chunk[i], float(scores[i])
            known = candidates.get(row.text_hash)
            if known is None or row.id > known[1]:
                candidates[row.text_hash] = (score, row.id)
        if len(candidates) > limit * 40:      # keep the best only
            candidates = dict(sorted(candidates.items(), key=lambda item: -item[1][0])[:limit * 20])
    best = sorted(candidates.values(), key=lambda found: (-found[0], -found[1]))[:limit]
    rows = {r.id: r for r in session.execute(
        select(Comment.id, Comment.text, Comment.said_at, Comment.language, Comment.sentiment,
               Comment.primary_dimension, Comment.client_id).where(Comment.id.in_([i for _s, i in best])))}
    return comment, [Similar(rows[i], score) for score, i in best]


# -- a client's feedback -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientFeedback:
    comments: list[Comment]
    total: int
    sentiments: dict[str, int]
    dimensions: list[tuple[str, int]]


def client_feedback(session: Session, client_id: int, *, limit: int = 10, by: Principal) -> ClientFeedback:
    require(by, READ)
    recent = list(session.scalars(select(Comment).where(Comment.client_id == client_id)
                                  .order_by(Comment.said_at.desc(), Comment.id.desc()).limit(limit)))
    sentiments = dict(session.execute(select(Comment.sentiment, func.count()).where(
        Comment.client_id == client_id, Comment.sentiment.is_not(None)).group_by(Comment.sentiment)).all())
    dimensions = session.execute(select(Comment.primary_dimension, func.count()).where(
        Comment.client_id == client_id, Comment.primary_dimension.is_not(None))
        .group_by(Comment.primary_dimension).order_by(func.count().desc())).all()
    total = session.scalar(select(func.count()).select_from(Comment).where(Comment.client_id == client_id)) or 0
    return ClientFeedback(recent, int(total), {s: int(sentiments.get(s, 0)) for s in engine.SENTIMENTS},
                          [(str(d), int(n)) for d, n in dimensions])


# -- reading on demand --------------------------------------------------------------------------------

CLASSIFY_LIMIT = 100


def classify_texts(texts: list[str], *, by: Principal) -> list[engine.Reading]:
    """Read up to :data:`CLASSIFY_LIMIT` texts now; nothing is stored."""
    require(by, READ)
    if not 1 <= len(texts) <= CLASSIFY_LIMIT:
        raise ValidationFailed(_("Give between %(low)s and %(high)s texts.", low=1, high=CLASSIFY_LIMIT),
                               field="texts")
    for number, text in enumerate(texts):
        if not text.strip():
            raise ValidationFailed(_("Text %(number)s is empty.", number=number + 1), field=f"texts.{number}")
    return engine.classify(texts)


# -- reviews -------------------------------------------------------------------------------------------


def add_review(session: Session, *, text: str, said_at: datetime | None = None, client_id: int | None = None,
               channel: str | None = None, author: str | None = None, rating: int | None = None,
               external_id: str | None = None, by: Principal) -> Review:
    """Record a review a client wrote elsewhere; the analysis job reads it within the minute."""
    require(by, WRITE)
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("%(field)s is required.", field=_("Text")), field="text")
    if len(text) > MAX_REVIEW_CHARS:
        raise ValidationFailed(_("%(field)s is longer than %(max)s characters.", field=_("Text"),
                                 max=MAX_REVIEW_CHARS), field="text")
    if rating is not None and not 1 <= rating <= 5:
        raise ValidationFailed(_("%(field)s must be between %(low)s and %(high)s.", field=_("Rating"), low=1,
                                 high=5), field="rating")
    if client_id is not None and session.get(Client, client_id) is None:
        raise ValidationFailed(_("%(entity)s %(id)s does not exist.", entity=_("Client"), id=client_id),
                               field="client_id")
    if external_id is not None and session.scalar(select(Review.id).where(Review.external_id == external_id)):
        raise Conflict(_("A review with the external id %(id)s exists already.", id=external_id),
                       field="external_id")
    now = utcnow()
    if said_at is not None and said_at > now + timedelta(minutes=5):
        raise ValidationFailed(_("%(field)s cannot be in the future.", field=_("Date")), field="said_at")
    review = Review(text=text, said_at=said_at or now, client_id=client_id, channel=(channel or "").strip() or None,
                    author=(author or "").strip() or None, rating=rating, external_id=external_id)
    session.add(review)
    session.flush()
    return review


def get_review(session: Session, review_id: int, *, by: Principal) -> Review:
    require(by, READ)
    found = session.get(Review, review_id)
    if found is None:
        raise NotFound(_("%(entity)s %(id)s does not exist.", entity=_("Review"), id=review_id))
    return found


def delete_review(session: Session, review_id: int, *, by: Principal) -> None:
    require(by, MANAGE)
    review = get_review(session, review_id, by=by)
    session.execute(delete(Comment).where(Comment.source == "review", Comment.source_key == str(review_id)))
    session.delete(review)


def read_again(session: Session, *, by: Principal) -> int:
    """Mark every comment for reading again (after the heads were retrained); vectors stay cached."""
    require(by, MANAGE)
    return int(getattr(session.execute(update(Comment).values(analysed_at=None)), "rowcount", 0) or 0)

