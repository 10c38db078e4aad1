"""Voice of the client: how fast comments are read, and how the pages' queries hold at scale.

    PYTHONPATH=src .venv/bin/python benchmarks/voice_speed.py [--new N] [--comments N] [--db PATH] [--save FILE]

**Reading** (a fresh SQLite database in a temporary folder, the real migrations): ``--new`` distinct
comments in 14 languages (the shipped seed, development and evaluation sentences: real lengths, none
in the fresh vector cache) are stored as reviews, then

- *new*: the analysis job's work (``analysis.work_off``: collect, detect, embed, read, write) — the
  issue's target is 40 comments a second on this 2-core machine; the baseline is the embedding alone
  (``engine.embed`` of the same texts in batches of 64, measured in the same run): the pipeline's
  rate as a share of the model's;
- *cached*: each text stored nine times more and every comment read again (``service.read_again`` +
  ``work_off``: all vectors come from the cache; target 5,000 a second), and ``voice classify`` of
  the same ten copies as JSONL with the cache (the CLI's path); the baseline is reading the same
  rows and vectors back with one SELECT;
- the process's peak memory (target under 1.5 GB).

**Scale** (``--comments``, default 100,000; the database ``--db`` is built once and reused): as many
analysed comments (reviews of 20,000 clients over three years, 2,000 distinct texts with their real
vectors) — measured, as the pages call them: the inbox's first page, a filtered page and a page in
the middle; the heatmap; themes (the most recent 20,000); similar comments; a client's feedback;
progress; and the job's collect pass when nothing changed. Each against a naive Python version
(all rows loaded, then filtered and counted in Python), checked to give the same answer.

Prints a table (median ms over ``--repeat`` runs, naive ms, naive / fast, the check) and exits 1
when a target is missed or a check fails.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import median
from typing import Any

from sqlalchemy import func, insert, select

from servicescape.auth.permissions import SYSTEM
from servicescape.clients.models import Client
from servicescape.config import Settings
from servicescape.runtime import Runtime, open_runtime
from servicescape.voice import analysis, engine, evaluation, service, training
from servicescape.voice.models import Comment, Review, Vector
from servicescape.voice.service import FeedbackFilters

EVAL = Path(__file__).parents[1] / "tests" / "data" / "voice_eval.jsonl"
#: the cached rates are measured on this many comments per new text (the steady state, not the overhead)
CACHED_COPIES = 10


def texts_for_reading(count: int) -> list[str]:
    found = [r.text for r in training.packaged("seeds")] + [r.text for r in training.packaged("dev")]
    found += [json.loads(line)["text"] for line in EVAL.read_text(encoding="utf-8").splitlines() if line.strip()]
    unique = list(dict.fromkeys(found))
    random.Random(7).shuffle(unique)
    return unique[:count]


def runtime_at(path: Path) -> Runtime:
    return open_runtime(Settings(mode="dev", database_url=f"sqlite:///{path}", data_dir=path.parent,
                                 timezone="Asia/Kuala_Lumpur"))


def timed(run: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


# -- reading -------------------------------------------------------------------------------------------


def reading(count: int) -> tuple[list[tuple[str, float, float, str, bool]], bool]:
    texts = texts_for_reading(count)
    rows: list[tuple[str, float, float, str, bool]] = []
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        runtime = runtime_at(Path(folder) / "voice.db")
        engine.classify(["warm-up: load the models"])          # start-up is not the rate
        raw_seconds, _ = timed(lambda: [engine.embed(texts[i:i + 64]) for i in range(0, len(texts), 64)])
        now = datetime.now(UTC)
        with runtime.transaction() as session:
            session.execute(insert(Review), [{"text": t, "said_at": now - timedelta(minutes=i), "created_at": now,
                                              "updated_at": now} for i, t in enumerate(texts)])
        new_seconds, totals = timed(lambda: analysis.work_off(runtime, budget_seconds=3600))
        ok &= totals["read"] == count and totals["embedded"] == count
        new_rate, raw_rate = count / new_seconds, count / raw_seconds
        rows.append(("new comments / s (job: collect, detect, embed, read, write)", new_rate, raw_rate,
                     f"{new_rate / raw_rate:.2f} of the model's own rate", new_rate >= 40))

        copies = count * CACHED_COPIES     # the same texts said again: every vector is in the cache
        with runtime.transaction() as session:
            session.execute(insert(Review), [{"text": t, "said_at": now - timedelta(minutes=i), "created_at": now,
                                              "updated_at": now} for i, t in enumerate(texts * (CACHED_COPIES - 1))])
            service.read_again(session, by=SYSTEM)
        cached_seconds, again = timed(lambda: analysis.work_off(runtime, budget_seconds=3600))
        ok &= again["read"] == copies and again["embedded"] == 0

        def plain_read() -> int:
            with runtime.transaction() as session:
                return len(session.execute(select(Comment.id, Comment.text, Vector.vector).join(
                    Vector, Vector.text_hash == Comment.text_hash)).all())
        plain_seconds, _ = timed(plain_read)
        rows.append(("cached comments / s (job: read again)", copies / cached_seconds, copies / plain_seconds,
                     "baseline: one SELECT of the rows and vectors", copies / cached_seconds >= 5000))

        lines = [json.dumps({"id": i, "text": t}, ensure_ascii=False) for i, t in enumerate(texts * CACHED_COPIES)]
        sink = io.StringIO()
        cli_seconds, (written, rejected) = timed(
            lambda: evaluation.classify_stream(lines, sink, runtime=runtime, warn=lambda message: None))
        ok &= written == copies and rejected == 0
        rows.append(("cached comments / s (voice classify JSONL)", copies / cli_seconds, copies / plain_seconds,
                     "baseline: one SELECT of the rows and vectors", copies / cli_seconds >= 5000))
        runtime.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append(("peak memory, MB", peak_mb, 1536.0, "target: under 1.5 GB", peak_mb < 1536))
    return rows, ok


# -- scale ---------------------------------------------------------------------------------------------


def build(path: Path, comments: int) -> Runtime:
    marker = path.with_name(path.name + ".meta.json")
    if path.exists() and marker.exists() and json.loads(marker.read_text())["comments"] == comments:
        return runtime_at(path)
    for stale in (path, marker, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    runtime = runtime_at(path)
    rng = random.Random(11)
    texts = texts_for_reading(2000)
    prepared = [engine.prepare(t) for t in texts]
    vectors, languages, _new = analysis.vectors_for(prepared)
    readings = engine.read(vectors, languages)
    now = datetime.now(UTC)
    clients = 20_000
    with runtime.transaction() as session:
        session.execute(insert(Client), [{"name": f"Client {i:05d}", "tier": rng.choice(["key", "growth", "standard",
                                                                                          "standard"]),
                                          "created_at": now, "updated_at": now} for i in range(clients)])
        first_client = session.scalar(select(func.min(Client.id)))
        analysis.store_vectors(session, [{"text_hash": p.text_hash, "language": lang, "vector": engine.to_bytes(v)}
                                         for p, lang, v in zip(prepared, languages, vectors, strict=True)])
    batch = 50_000
    for start in range(0, comments, batch):
        reviews, copies = [], []
        for i in range(start, min(comments, start + batch)):
            pick = rng.randrange(len(texts))
            said = now - timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))
            client_id = first_client + rng.randrange(clients)
            reviews.append({"id": i + 1, "text": texts[pick], "said_at": said, "client_id": client_id,
                            "created_at": said, "updated_at": said})
            r = readings[pick]
            copies.append({"source": "review", "source_key": str(i + 1), "client_id": client_id,
                           "text": texts[pick], "said_at": said, "text_hash": prepared[pick].text_hash,
                           "language": r.language, "sentiment": r.sentiment, "sentiment_score": r.sentiment_score,
                           "dimension_set": "," + ",".join(r.dimensions) + ",", "primary_dimension":
                           r.primary_dimension, "truncated": False, "analysed_at": now, "collected_at": now})
        with runtime.transaction() as session:
            session.execute(insert(Review), reviews)
            session.execute(insert(Comment), copies)
    with runtime.engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
    marker.write_text(json.dumps({"comments": comments, "first_client": first_client}))
    return runtime


def naive_rows(session: Any) -> list[Any]:
    return session.execute(select(Comment.id, Comment.said_at, Comment.language, Comment.sentiment,
                                  Comment.dimension_set, Comment.primary_dimension, Comment.client_id)).all()


def scale(path: Path, comments: int, repeat: int) -> tuple[list[tuple[str, float, float, str, bool]], bool]:
    runtime = build(path, comments)
    first_client = json.loads(path.with_name(path.name + ".meta.json").read_text())["first_client"]
    filters = FeedbackFilters(language="en", sentiment="negative", dimension="responsiveness")
    ok = True
    results: list[tuple[str, float, float, str, bool]] = []

    def measure(name: str, fast: Any, naive: Any, same: Any) -> None:
        nonlocal ok
        times = []
        for _ in range(repeat):
            with runtime.transaction() as session:
                seconds, found = timed(lambda session=session: fast(session))
            times.append(seconds)
        with runtime.transaction() as session:
            naive_seconds, expected = timed(lambda: naive(session))
        check = bool(same(found, expected))
        ok &= check
        fast_ms = median(times) * 1000
        results.append((name, fast_ms, naive_seconds * 1000, "OK" if check else "MISMATCH", fast_ms < 1000))

    measure("inbox, first page", lambda s: service.inbox(s, FeedbackFilters(), by=SYSTEM),
            lambda s: sorted(naive_rows(s), key=lambda r: (r.said_at, r.id), reverse=True)[:50],
            lambda page, rows: [r.comment.id for r in page.items] == [r.id for r in rows])
    measure("inbox, en · negative · responsiveness", lambda s: service.inbox(s, filters, by=SYSTEM),
            lambda s: [r for r in naive_rows(s) if r.language == "en" and r.sentiment == "negative"
                       and ",responsiveness," in (r.dimension_set or "")],
            lambda page, rows: page.total == len(rows))
    middle = max(1, comments // 100)
    measure("inbox, a page in the middle", lambda s: service.inbox(s, FeedbackFilters(), page=middle, per_page=50,
                                                                     by=SYSTEM),
            lambda s: sorted(naive_rows(s), key=lambda r: (r.said_at, r.id),
                             reverse=True)[(middle - 1) * 50:middle * 50],
            lambda page, rows: [r.comment.id for r in page.items] == [r.id for r in rows])
    measure("heatmap", lambda s: service.heatmap(s, FeedbackFilters(), by=SYSTEM),
            lambda s: Counter((r.primary_dimension, r.sentiment) for r in naive_rows(s)),
            lambda heat, counted: heat.cells == dict(counted))
    measure("heatmap, key clients", lambda s: service.heatmap(s, FeedbackFilters(tier="key"), by=SYSTEM),
            lambda s: (lambda keys: Counter((r.primary_dimension, r.sentiment) for r in naive_rows(s)
                                            if r.client_id in keys))(
                set(s.scalars(select(Client.id).where(Client.tier == "key")))),
            lambda heat, counted: heat.cells == dict(counted))
    measure("themes (most recent 20,000)", lambda s: service.themes(s, FeedbackFilters(), count=8, by=SYSTEM),
            lambda s: min(len(naive_rows(s)), service.THEME_SAMPLE),
            lambda found, n: found.comments == n and sum(t.size for t in found.themes) == n)
    with runtime.transaction() as session:
        some = session.scalar(select(Comment.id).order_by(Comment.id).limit(1))
    measure("similar comments (all of them)", lambda s: service.similar(s, some, limit=10, by=SYSTEM)[1],
            lambda s: comments - 1, lambda found, n: len(found) == 10)
    measure("a client's feedback", lambda s: service.client_feedback(s, first_client, by=SYSTEM),
            lambda s: sum(1 for r in naive_rows(s) if r.client_id == first_client),
            lambda found, n: found.total == n)
    measure("progress", lambda s: service.progress(s, by=SYSTEM), lambda s: len(naive_rows(s)),
            lambda found, n: found.total == n and found.waiting == 0)
    measure("collect, nothing changed (the job every minute)", lambda s: analysis.collect(s),
            lambda s: 0, lambda found, n: (found.added, found.changed, found.removed) == (0, 0, 0))
    runtime.close()
    return results, ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--new", type=int, default=600)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-reading", action="store_true")
    parser.add_argument("--save", type=Path, default=None)
    args = parser.parse_args()
    db = args.db or Path(f"/work/bench/voice{args.comments // 1000}k.db")
    ok = True
    saved: dict[str, Any] = {}
    if not args.skip_reading:
        rows, fine = reading(args.new)
        ok &= fine and all(row[4] for row in rows)
        print(f"\nReading {args.new} comments (2 cores):")
        print(f"{'':58} {'rate':>10} {'baseline':>10}  note")
        for name, rate, base, note, met in rows:
            print(f"{name:58} {rate:10.1f} {base:10.1f}  {note}{'' if met else '  MISSED'}")
        saved["reading"] = [dict(zip(("what", "rate", "baseline", "note", "met"), row, strict=True)) for row in rows]
    started = time.perf_counter()
    results, fine = scale(db, args.comments, args.repeat)
    ok &= fine
    print(f"\nAt {args.comments:,} comments (database {db}, ready in {time.perf_counter() - started:.0f} s):")
    print(f"{'':50} {'median ms':>10} {'naive ms':>10} {'naive/fast':>10}  check  under 1 s")
    for name, fast_ms, naive_ms, check, under in results:
        print(f"{name:50} {fast_ms:10.1f} {naive_ms:10.1f} {naive_ms / max(fast_ms, 1e-6):10.1f}  {check:5}  "
              f"{'yes' if under else 'NO'}")
    saved["scale"] = [dict(zip(("what", "median_ms", "naive_ms", "check", "under_1s"), row, strict=True))
                      for row in results]
    if args.save:
        args.save.write_text(json.dumps(saved, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
