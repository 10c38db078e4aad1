"""``servicescape voice classify|eval|train|themes|similar|analyse``: clients' comments read offline —
which language, how the client feels, which quality dimension — from the terminal.
(``servicescape import feedback FILE`` brings reviews in; see ``servicescape import --help``.)"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import IO, Annotated, Any

import typer
from rich.table import Table

from servicescape.auth.permissions import SYSTEM
from servicescape.cli.common import DbOption, JsonOption, fail, opened, out, print_json
from servicescape.voice import analysis, engine, evaluation, service, training
from servicescape.voice.service import FeedbackFilters

voice_app = typer.Typer(
    help="Voice of the client: every comment read offline for its language, how the client feels "
         "(negative, neutral, positive) and the quality dimension it is about; themes; similar comments.",
    no_args_is_help=True)

CLASSIFY_HELP = (
    "Read comments from a JSONL file and write what the pipeline says of each.\n\n"
    "Each input line is {\"id\": ..., \"text\": ...}; each output line is the same object with "
    "language, sentiment, sentiment_score (−1..1), dimensions, primary_dimension and truncated added. "
    "A line that is not JSON, has no text, or whose text is empty is reported on stderr with its line "
    "number and left out; every other line is written. Text over 10,000 characters is read cut to "
    "10,000 (truncated: true, and said on stderr). Exit code 0: every line written; 1: some were "
    "rejected. Vectors are cached in the database by text hash (--no-cache: do not use it)."
)

EVAL_HELP = (
    "Measure the pipeline on labelled comments: accuracy of language, sentiment and primary "
    "dimension, per language and overall.\n\n"
    "Each line is {\"id\", \"text\", \"lang\", \"sentiment\", \"dimension\"}. Bad lines are reported with "
    "their line number (exit code 1)."
)

TRAIN_HELP = (
    "Train the sentiment and dimension heads from the labelled sentences shipped with the product "
    "(data/seeds; data/dev tunes the neutral margin and the thresholds) and write the model.\n\n"
    "Deterministic: the same sentences give the same model. Each sentence's vector is kept beside the "
    "model (data/vectors.npz), so that only new or changed sentences are embedded (--fresh: all of them). "
    "Afterwards `voice analyse --again` reads every stored comment with the new heads (vectors stay "
    "cached)."
)


def register(app: typer.Typer) -> None:
    app.add_typer(voice_app, name="voice")


@contextmanager
def _lines(path: str) -> Iterator[IO[str]]:
    if path == "-":
        yield sys.stdin
        return
    try:
        handle = Path(path).open(encoding="utf-8", errors="strict", newline="")  # noqa: SIM115 (closed below)
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror or exc}")
    with handle:
        yield handle


def _say(message: str) -> None:
    sys.stderr.write(message + "\n")


@voice_app.command("classify", help=CLASSIFY_HELP)
def classify_command(
    source: Annotated[str, typer.Argument(metavar="IN.jsonl", help="The comments (- for standard input).")],
    out_path: Annotated[Path, typer.Option("--out", "-o", help="Where to write the JSONL result.")],
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Do not read or fill the database's cache.")] = False,
    db: DbOption = None,
) -> None:
    rejected = 0
    written = 0
    with _lines(source) as lines, out_path.open("w", encoding="utf-8") as sink:
        if no_cache:
            written, rejected = evaluation.classify_stream(lines, sink, runtime=None, warn=_say)
        else:
            with opened(db) as runtime:
                written, rejected = evaluation.classify_stream(lines, sink, runtime=runtime, warn=_say)
    _say(f"{written} comment(s) written to {out_path}; {rejected} line(s) rejected")
    raise typer.Exit(1 if rejected else 0)


@voice_app.command("eval", help=EVAL_HELP)
def eval_command(
    source: Annotated[str, typer.Argument(metavar="LABELLED.jsonl", help="Labelled comments (- for standard input).")],
    as_json: JsonOption = False,
) -> None:
    with _lines(source) as lines:
        rows, bad = training.parse_labelled(lines, source)
    for error in bad:
        _say(str(error))
    if not rows:
        fail("no labelled line to measure")
    report = evaluation.evaluate(rows)
    if as_json:
        print_json(report.as_dict())
    else:
        table = Table("language", "comments", "language %", "sentiment %", "dimension %")
        for code, cell in report.per_language.items():
            table.add_row(code, str(cell.n), f"{cell.language:.1%}", f"{cell.sentiment:.1%}", f"{cell.dimension:.1%}")
        overall = report.overall
        table.add_row("overall", str(overall.n), f"{overall.language:.1%}", f"{overall.sentiment:.1%}",
                      f"{overall.dimension:.1%}", style="bold")
        out.print(table)
    raise typer.Exit(1 if bad else 0)


@voice_app.command("train", help=TRAIN_HELP)
def train_command(
    model_path: Annotated[Path | None, typer.Option("--out", "-o", help="Where to write the model (default: the "
                                                    "package's data/model.npz).")] = None,
    fresh: Annotated[bool, typer.Option("--fresh", help="Embed every sentence again instead of reading the "
                                        "kept vectors (data/vectors.npz; minutes).")] = False,
    as_json: JsonOption = False,
) -> None:
    trained = training.train_packaged(model_path, fresh=fresh)
    engine.shipped_model.cache_clear()
    report = trained.report
    data = {"seeds": report.seeds, "dev": report.dev, "embedded": trained.embedded, "l2": report.l2,
            "neutral_bias": report.neutral_bias, "dev_sentiment": round(report.dev_sentiment, 4),
            "dev_dimension": round(report.dev_dimension, 4), "thresholds": report.thresholds,
            "written": str(trained.written)}
    if as_json:
        print_json(data)
        return
    out.print(f"Trained on {report.seeds} seed sentences, tuned on {report.dev} development sentences "
              f"(L2 {report.l2}, neutral bias {report.neutral_bias:+.1f}; {trained.embedded} sentences "
              "embedded, the others' vectors were kept).")
    out.print(f"Development accuracy: sentiment {report.dev_sentiment:.1%}, primary dimension "
              f"{report.dev_dimension:.1%}. Written to {trained.written}.")


def _filters(language: str | None, sentiment: str | None, dimension: str | None, tier: str | None,
             segment: str | None, said_from: str | None, said_to: str | None) -> FeedbackFilters:
    def day(name: str, value: str | None) -> date | None:
        if value is None:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            fail(f"{name}: {value!r} is not a date (YYYY-MM-DD)")
    return FeedbackFilters(language=language, sentiment=sentiment, dimension=dimension, tier=tier, segment=segment,
                           said_from=day("--from", said_from), said_to=day("--to", said_to))


Language = Annotated[str | None, typer.Option(help=f"Only this language: {', '.join(engine.DETECTED)}.")]
Sentiment = Annotated[str | None, typer.Option(help="Only negative, neutral or positive comments.")]
Dimension = Annotated[str | None, typer.Option(help=f"Only comments about: {', '.join(engine.DIMENSIONS)}.")]
TierOption = Annotated[str | None, typer.Option("--tier", help="Only clients of this tier: key, growth, standard.")]
SegmentOption = Annotated[str | None, typer.Option("--segment", help="Only clients of this segment.")]
From = Annotated[str | None, typer.Option("--from", help="Said on or after this day (YYYY-MM-DD).")]
To = Annotated[str | None, typer.Option("--to", help="Said on or before this day (YYYY-MM-DD).")]


@voice_app.command("themes", help="Group comments into themes by meaning, across languages: each with its "
                   "share, feeling, main dimension, the comments nearest its centre and its share per month.")
def themes_command(
    language: Language = None, sentiment: Sentiment = None, dimension: Dimension = None, tier: TierOption = None,
    segment: SegmentOption = None, said_from: From = None, said_to: To = None,
    count: Annotated[int | None, typer.Option(help="How many themes (2–20; default: from the number of "
                                              "comments).")] = None,
    quarter: Annotated[bool, typer.Option("--quarter", help="Trend per quarter instead of per month.")] = False,
    as_json: JsonOption = False, db: DbOption = None,
) -> None:
    filters = _filters(language, sentiment, dimension, tier, segment, said_from, said_to)
    with opened(db) as runtime, runtime.transaction() as session:
        found = service.themes(session, filters, count=count, by_quarter=quarter, by=SYSTEM)
        data: list[dict[str, Any]] = [{"theme": t.number, "comments": t.size, "share": round(t.share, 4),
                                       "dimension": t.dimension,
                 "sentiment": t.sentiment, "sentiments": t.sentiments,
                 "examples": [{"id": r.id, "text": r.text, "language": r.language} for r in t.examples],
                 "trend": [{"period": p, "share": round(s, 4)} for p, s in t.trend]} for t in found.themes]
    if as_json:
        print_json({"comments": found.comments, "themes": data})
        return
    if not data:
        out.print(f"Too few comments read to find themes ({found.comments}).")
        return
    for theme in data:
        out.print(f"[bold]Theme {theme['theme']}[/bold]: {theme['comments']} comments ({theme['share']:.0%}), "
                  f"mostly {theme['sentiment']}, about {theme['dimension']}")
        for example in theme["examples"]:
            out.print(f"  #{example['id']} [{example['language']}] {_short(example['text'])}", markup=False)


def _short(text: str, width: int = 110) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[:width - 1] + "…"


@voice_app.command("similar", help="The stored comments nearest in meaning to one (in any language).")
def similar_command(
    comment_id: Annotated[int, typer.Argument(metavar="ID", help="The comment's id (the feedback inbox shows it).")],
    limit: Annotated[int, typer.Option(help="How many (1–100).")] = 10,
    as_json: JsonOption = False, db: DbOption = None,
) -> None:
    with opened(db) as runtime, runtime.transaction() as session:
        comment, found = service.similar(session, comment_id, limit=limit, by=SYSTEM)
        data = [{"id": s.row.id, "similarity": round(s.similarity, 4), "language": s.row.language,
                 "sentiment": s.row.sentiment, "dimension": s.row.primary_dimension, "text": s.row.text}
                for s in found]
        text = comment.text
    if as_json:
        print_json({"id": comment_id, "text": text, "similar": data})
        return
    out.print(f"#{comment_id}: {_short(text)}", markup=False)
    table = Table("id", "similarity", "language", "sentiment", "dimension", "text")
    for row in data:
        table.add_row(str(row["id"]), f"{row['similarity']:.2f}", str(row["language"]), str(row["sentiment"]),
                      str(row["dimension"]), _short(str(row["text"]), 70))
    out.print(table)


@voice_app.command("analyse", help="Read every new and changed comment now (the job `voice.analyse` does it "
                   "every minute), with progress; --again reads every comment again (after `voice train`).")
def analyse_command(
    again: Annotated[bool, typer.Option("--again", help="Read every stored comment again.")] = False,
    db: DbOption = None,
) -> None:
    with opened(db) as runtime:
        with runtime.transaction() as session:
            if again:
                service.read_again(session, by=SYSTEM)
            collected = analysis.collect(session)
            total = analysis.waiting(session)
        out.print(f"{collected.added} new, {collected.changed} changed, {collected.removed} removed; "
                  f"{total} to read.")
        done = 0
        while True:
            result = analysis.analyse_waiting(runtime, limit=256)
            if not result.read:
                break
            done += result.read
            _say(f"read {done} of {total} ({result.embedded} new to the cache); {result.waiting} waiting")
    out.print(f"Read {done} comment(s).")

