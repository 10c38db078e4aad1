"""Keeping every comment read: collecting the free text the capabilities store, analysing what waits.

* :func:`collect` copies each registered text source's non-empty texts into ``voice_comment``
  (set-based: new ones inserted, changed ones reset for analysis, vanished or emptied ones removed).
* :func:`analyse_waiting` reads a batch of comments that wait: vectors come from the cache by text
  hash, new ones are detected and embedded outside any transaction, then stored with the reading.
* :func:`vectors_for` is the cache both use (and the CLI's ``voice classify``).

The job ``voice.analyse`` (every minute, reading for up to 50 seconds) does both; a bulk import's
backlog is worked off over the next minutes, the pages showing how many still wait.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import String, bindparam, cast, delete, exists, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from servicescape.db.types import utcnow
from servicescape.platform.registry import TextSource, registry, resolve
from servicescape.voice import engine
from servicescape.voice.models import Comment, Vector

#: new vectors per round: embedding 64 comments takes ~1 s on two cores
BATCH = 64
#: comments read per round at most (those already in the cache only need the heads)
ROUND = 5_000
#: hashes looked up per query
LOOKUP = 500


# -- the cache -----------------------------------------------------------------------------------------


def cached_vectors(session: Session, hashes: Sequence[str]) -> dict[str, tuple[str | None, bytes]]:
    found: dict[str, tuple[str | None, bytes]] = {}
    unique = list(dict.fromkeys(hashes))
    for start in range(0, len(unique), LOOKUP):
        chunk = unique[start:start + LOOKUP]
        for text_hash, language, vector in session.execute(
                select(Vector.text_hash, Vector.language, Vector.vector).where(Vector.text_hash.in_(chunk))):
            found[text_hash] = (language, bytes(vector))
    return found


def store_vectors(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Add vectors to the cache; a hash already there (another process was quicker) is kept."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    now = utcnow()
    for start in range(0, len(rows), LOOKUP):
        chunk = [{**row, "created_at": now} for row in rows[start:start + LOOKUP]]
        session.execute(dialect_insert(Vector).values(chunk).on_conflict_do_nothing(index_elements=["text_hash"]))


def vectors_for(prepared: Sequence[engine.Prepared], *, cached: dict[str, tuple[str | None, bytes]] | None = None,
                new_rows: list[dict[str, Any]] | None = None) -> tuple[np.ndarray, list[str | None], int]:
    """Vectors and languages of prepared comments: from ``cached`` (:func:`cached_vectors`) where
    there, detected and embedded otherwise. The new ones are appended to ``new_rows`` for
    :func:`store_vectors`. Returns the vectors, the languages and how many were new."""
    found = dict(cached or {})
    missing: dict[str, str] = {}
    for p in prepared:
        if p.text_hash not in found:
            missing.setdefault(p.text_hash, p.text)
    if missing:
        texts = list(missing.values())
        languages = engine.detect_languages(texts)
        vectors = engine.embed(texts)
        for text_hash, language, vector in zip(missing, languages, vectors, strict=True):
            blob = engine.to_bytes(vector)
            found[text_hash] = (language, blob)
            if new_rows is not None:
                new_rows.append({"text_hash": text_hash, "language": language, "vector": blob})
    languages_out = [found[p.text_hash][0] for p in prepared]
    return engine.from_bytes([found[p.text_hash][1] for p in prepared]), languages_out, len(missing)


# -- collecting ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Collected:
    added: int = 0
    changed: int = 0
    removed: int = 0


def collect(session: Session, sources: Sequence[TextSource] | None = None, *,
            now: datetime | None = None) -> Collected:
    """Bring ``voice_comment`` in step with every text source (see the module docstring). Each step
    reads first and writes only what differs: when nothing changed (most minutes), nothing is written
    and SQLite's write lock is never taken."""
    now = now or utcnow()
    added = changed = removed = 0
    if sources is None:
        sources = registry().text_sources()
        # a source no capability declares any more: its comments go
        removed += _delete(session, session.scalars(select(Comment.id).where(
            Comment.source.not_in([s.type for s in sources]))).all())
    for source in sources:
        rows = resolve(source.rows)().subquery()
        key = cast(rows.c.key, String)
        present = rows.c.text.is_not(None) & (func.length(_trimmed(session, rows.c.text)) > 0)
        new = session.execute(select(key, rows.c.client_id, rows.c.text, rows.c.said_at).where(
            present, ~exists().where(Comment.source == source.type, Comment.source_key == key))).all()
        for start in range(0, len(new), WRITE_CHUNK):
            session.execute(insert(Comment), [
                {"source": source.type, "source_key": row_key, "client_id": client_id, "text": text,
                 "said_at": said_at, "collected_at": now}
                for row_key, client_id, text, said_at in new[start:start + WRITE_CHUNK]])
        added += len(new)
        edits = session.execute(
            select(Comment.id, rows.c.text, rows.c.client_id)
            .join(rows, (Comment.source == source.type) & (Comment.source_key == key))
            .where(present, Comment.text != rows.c.text)).all()
        for comment_id, text, client_id in edits:
            session.execute(update(Comment).where(Comment.id == comment_id).values(
                text=text, client_id=client_id, analysed_at=None, text_hash=None, collected_at=now))
        changed += len(edits)
        gone = session.scalars(select(Comment.id).where(
            Comment.source == source.type, Comment.source_key.not_in(select(key).where(present)))).all()
        removed += _delete(session, gone)
    return Collected(added, changed, removed)


#: rows written per statement
WRITE_CHUNK = 5_000


def _delete(session: Session, ids: Sequence[int]) -> int:
    for start in range(0, len(ids), WRITE_CHUNK):
        session.execute(delete(Comment).where(Comment.id.in_(ids[start:start + WRITE_CHUNK])))
    return len(ids)


def _trimmed(session: Session, text: Any) -> Any:
    """The text without surrounding spaces, tabs and line breaks (PostgreSQL's ``btrim``, SQLite's
    ``trim`` with the characters named)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.btrim(text, WHITESPACE)
    return func.trim(text, WHITESPACE)


WHITESPACE = " \t\r\n\u00a0\u3000"


# -- analysing -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Analysed:
    read: int
    embedded: int
    waiting: int


def waiting(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Comment).where(Comment.analysed_at.is_(None))) or 0


def analyse_waiting(runtime: Any, *, limit: int = BATCH, model: engine.Model | None = None) -> Analysed:
    """Read waiting comments, oldest first: up to :data:`ROUND` of them, but no more than ``limit``
    whose vectors are not cached yet (embedding is the slow part; cached ones are read by the
    thousand). The database is held only to fetch and to write: detection and embedding happen
    between two short transactions, and a comment whose text changed meanwhile is left waiting."""
    with runtime.transaction() as session:
        candidates = session.execute(select(Comment.id, Comment.text).where(Comment.analysed_at.is_(None))
                                     .order_by(Comment.id).limit(ROUND)).all()
        if not candidates:
            return Analysed(0, 0, 0)
        prepared: list[engine.Prepared | None] = []
        for _id, text in candidates:
            try:
                prepared.append(engine.prepare(text))
            except engine.EmptyComment:
                prepared.append(None)   # only whitespace the database's trim() does not know
        found = cached_vectors(session, [p.text_hash for p in prepared if p is not None])
    batch: list[tuple[Any, engine.Prepared | None]] = []
    missing: set[str] = set()
    for row, p in zip(candidates, prepared, strict=True):
        if p is not None and p.text_hash not in found and p.text_hash not in missing:
            if len(missing) >= limit:
                break
            missing.add(p.text_hash)
        batch.append((row, p))
    usable = [p for _row, p in batch if p is not None]
    new_rows: list[dict[str, Any]] = []
    vectors, languages, embedded = vectors_for(usable, cached=found, new_rows=new_rows)
    readings = iter(engine.read(vectors, languages, [p.truncated for p in usable], model))
    now = utcnow()
    values: list[dict[str, Any]] = []
    for (comment_id, text), p in batch:
        value: dict[str, Any] = {"b_id": comment_id, "b_text": text, "analysed_at": now, "text_hash": None,
                               "language": None, "sentiment": None, "sentiment_score": None, "dimension_set": None,
                               "primary_dimension": None, "truncated": False}
        if p is not None:
            r = next(readings)
            value |= {"text_hash": p.text_hash, "language": r.language, "sentiment": r.sentiment,
                    "sentiment_score": r.sentiment_score, "dimension_set": "," + ",".join(r.dimensions) + ",",
                    "primary_dimension": r.primary_dimension, "truncated": r.truncated}
        values.append(value)
    table: Any = Comment.__table__
    with runtime.transaction() as session:
        store_vectors(session, new_rows)
        session.execute(update(table).where(table.c.id == bindparam("b_id"), table.c.text == bindparam("b_text"))
                        .values({name: bindparam(name) for name in values[0] if not name.startswith("b_")}), values)
        left = waiting(session)
    return Analysed(len(batch), embedded, left)


def work_off(runtime: Any, *, budget_seconds: float = 240.0, heartbeat: Any = None,
             model: engine.Model | None = None) -> dict[str, int]:
    """Collect, then analyse batch after batch until nothing waits or the time budget is spent."""
    started = time.monotonic()
    with runtime.transaction() as session:
        collected = collect(session)
    totals = {"added": collected.added, "changed": collected.changed, "removed": collected.removed,
              "read": 0, "embedded": 0, "waiting": 0}
    while True:
        result = analyse_waiting(runtime, model=model)
        totals["read"] += result.read
        totals["embedded"] += result.embedded
        totals["waiting"] = result.waiting
        if not result.waiting or not result.read or time.monotonic() - started > budget_seconds:
            return totals
        if heartbeat is not None:
            heartbeat()


def forget_unused_vectors(session: Session, *_erased: Any) -> int:
    """Delete the embeddings that no comment's text has any more (erased, or expired by a retention
    limit); an embedding two comments share stays while either keeps its text."""
    used = select(Comment.text_hash).where(Comment.text_hash.is_not(None))
    return session.connection().execute(delete(Vector).where(Vector.text_hash.not_in(used))).rowcount or 0
