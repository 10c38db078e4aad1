"""Classifying a JSONL stream (``voice classify``) and measuring the pipeline on labelled comments
(``voice eval``)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any

from servicescape.voice import analysis, engine
from servicescape.voice.training import Labelled

#: lines read per batch: embedding is batched, and the output follows the input's order
BATCH = 256


def _readings(prepared: Sequence[engine.Prepared], runtime: Any | None) -> list[engine.Reading]:
    if runtime is None:
        vectors, languages, _new = analysis.vectors_for(prepared)
    else:
        with runtime.transaction() as session:
            cached = analysis.cached_vectors(session, [p.text_hash for p in prepared])
        new_rows: list[dict[str, Any]] = []
        vectors, languages, _new = analysis.vectors_for(prepared, cached=cached, new_rows=new_rows)
        if new_rows:
            with runtime.transaction() as session:
                analysis.store_vectors(session, new_rows)
    return engine.read(vectors, languages, [p.truncated for p in prepared])


def classify_stream(lines: Iterable[str], sink: IO[str], *, runtime: Any | None,
                    warn: Callable[[str], None]) -> tuple[int, int]:
    """Classify ``{"id", "text"}`` lines into ``sink`` (see ``voice classify --help``); returns
    (written, rejected)."""
    written = rejected = 0
    batch: list[tuple[dict[str, Any], engine.Prepared]] = []

    def flush() -> None:
        nonlocal written
        if not batch:
            return
        for (row, _p), reading in zip(batch, _readings([p for _r, p in batch], runtime), strict=True):
            sink.write(json.dumps({**row, **reading.as_dict()}, ensure_ascii=False) + "\n")
            written += 1
        batch.clear()

    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw)
        except json.JSONDecodeError as exc:
            warn(f"line {number}: not JSON ({exc.msg}); left out")
            rejected += 1
            continue
        if not isinstance(row, dict) or "text" not in row:
            warn(f"line {number}: no \"text\"; left out")
            rejected += 1
            continue
        try:
            prepared = engine.prepare(row["text"])
        except engine.EmptyComment:
            warn(f"line {number}: the text is empty; left out")
            rejected += 1
            continue
        except TypeError:
            warn(f"line {number}: \"text\" is not a string; left out")
            rejected += 1
            continue
        if prepared.truncated:
            warn(f"line {number}: the text is over {engine.MAX_CHARS:,} characters; read cut to {engine.MAX_CHARS:,}")
        batch.append((row, prepared))
        if len(batch) >= BATCH:
            flush()
    flush()
    return written, rejected


@dataclass(frozen=True)
class Accuracy:
    n: int
    language: float
    sentiment: float
    dimension: float

    def as_dict(self) -> dict[str, Any]:
        return {"n": self.n, "language": round(self.language, 4), "sentiment": round(self.sentiment, 4),
                "dimension": round(self.dimension, 4)}


@dataclass(frozen=True)
class EvalReport:
    overall: Accuracy
    per_language: dict[str, Accuracy]
    mistakes: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {"overall": self.overall.as_dict(),
                "per_language": {code: a.as_dict() for code, a in self.per_language.items()},
                "mistakes": self.mistakes}


def _accuracy(rows: Sequence[tuple[Labelled, engine.Reading]]) -> Accuracy:
    n = len(rows)
    return Accuracy(n, sum(r.language == row.lang for row, r in rows) / n,
                    sum(r.sentiment == row.sentiment for row, r in rows) / n,
                    sum(r.primary_dimension == row.dimension for row, r in rows) / n)


def evaluate(rows: Sequence[Labelled], model: engine.Model | None = None) -> EvalReport:
    """Accuracy of language, sentiment and primary dimension against the labels, per language (in
    the order of :data:`engine.LANGUAGES`) and overall; the mistakes listed."""
    readings = engine.classify([row.text for row in rows], model)
    pairs = list(zip(rows, readings, strict=True))
    per_language = {code: _accuracy(mine) for code in engine.LANGUAGES
                    if (mine := [(row, r) for row, r in pairs if row.lang == code])}
    mistakes = [{"id": row.id or f"line {row.line}", "text": row.text,
                 **{f"{name}": {"expected": want, "read": got} for name, want, got in (
                     ("language", row.lang, r.language), ("sentiment", row.sentiment, r.sentiment),
                     ("dimension", row.dimension, r.primary_dimension)) if want != got}}
                for row, r in pairs if (row.lang, row.sentiment, row.dimension) != (r.language, r.sentiment,
                                                                                   r.primary_dimension)]
    return EvalReport(_accuracy(pairs), per_language, mistakes)
