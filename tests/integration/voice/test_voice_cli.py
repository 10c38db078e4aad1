"""Voice of the client from the terminal: classify a JSONL file (bad lines reported by number, the
rest written, the exit code saying whether anything was rejected), measure on the evaluation set
(the targets of the issue), themes, similar comments, analyse with progress, import feedback."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from servicescape.auth.permissions import SYSTEM
from servicescape.cli.main import app
from servicescape.clients import service as clients
from servicescape.runtime import Runtime
from servicescape.voice import engine, service, training

runner = CliRunner()
EVAL = Path(__file__).parents[2] / "data" / "voice_eval.jsonl"


def run(*args: str) -> object:
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_classify_reports_bad_lines_by_number_and_writes_the_rest(db_url: str, runtime: Runtime,
                                                                  tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    long = "The engineer never came. " * 500
    source.write_text("\n".join([
        json.dumps({"id": 1, "text": "The engineer never came and nobody called."}),
        "{not json",
        json.dumps({"id": 3}),
        json.dumps({"id": 4, "text": "   "}),
        json.dumps({"id": 5, "text": long}),
        json.dumps({"id": 6, "text": "Gyorsan válaszoltak, köszönjük!", "channel": "form"}),
        json.dumps({"id": 7, "text": 12}),
        "",
    ]), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run("voice", "classify", str(source), "--out", str(out), "--db", db_url)
    assert result.exit_code == 1
    for line in ("line 2: not JSON", 'line 3: no "text"', "line 4: the text is empty",
                 "line 5: the text is over 10,000 characters", 'line 7: "text" is not a string',
                 "3 comment(s) written", "4 line(s) rejected"):
        assert line in result.stderr, result.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [row["id"] for row in rows] == [1, 5, 6]
    assert rows[0]["sentiment"] == "negative" and rows[0]["language"] == "en"
    assert rows[1]["truncated"] is True and rows[2]["channel"] == "form" and rows[2]["language"] == "hu"
    assert set(rows[0]) >= {"language", "sentiment", "sentiment_score", "dimensions", "primary_dimension"}

    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"id": "a", "text": "The engineer never came and nobody called."}) + "\n")
    again = run("voice", "classify", str(good), "--out", str(tmp_path / "again.jsonl"), "--db", db_url)
    assert again.exit_code == 0, again.output
    assert json.loads((tmp_path / "again.jsonl").read_text())["sentiment"] == rows[0]["sentiment"]
    offline = run("voice", "classify", str(good), "--out", str(tmp_path / "no-cache.jsonl"), "--no-cache")
    assert offline.exit_code == 0 and (tmp_path / "no-cache.jsonl").read_text() == \
        (tmp_path / "again.jsonl").read_text()
    missing = run("voice", "classify", str(tmp_path / "nope.jsonl"), "--out", str(out), "--db", db_url)
    assert missing.exit_code == 1 and "cannot read" in missing.output


def test_eval_meets_the_targets_on_the_evaluation_set() -> None:
    """The issue's targets, measured on tests/data/voice_eval.jsonl (written apart from the seeds):
    language ≥ 98 %, sentiment ≥ 90 %, primary dimension ≥ 85 % overall, no language below 75 %."""
    result = run("voice", "eval", str(EVAL), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    overall = report["overall"]
    assert overall["n"] == 280
    assert overall["language"] >= 0.98 and overall["sentiment"] >= 0.90 and overall["dimension"] >= 0.85, overall
    assert set(report["per_language"]) == set(engine.LANGUAGES)
    for code, cell in report["per_language"].items():
        assert min(cell["language"], cell["sentiment"], cell["dimension"]) >= 0.75, (code, cell)


def test_eval_table_and_bad_lines(tmp_path: Path) -> None:
    labelled = tmp_path / "l.jsonl"
    labelled.write_text(json.dumps({"text": "Terrible service, nobody called back.", "lang": "en",
                                    "sentiment": "negative", "dimension": "responsiveness"}) + "\n{oops\n")
    result = run("voice", "eval", str(labelled))
    assert result.exit_code == 1 and "line 2: not JSON" in result.stderr
    assert "overall" in result.stdout and "100.0%" in result.stdout


def test_train_reproduces_the_shipped_model(tmp_path: Path) -> None:
    """``voice train`` from the shipped sentences and their kept vectors gives the shipped model back:
    nothing embedded, the same settings, the same weights, the same reading of the evaluation set."""
    result = run("voice", "train", "--out", str(tmp_path / "model.npz"), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["seeds"] > 2000 and report["dev"] > 400 and str(tmp_path) in report["written"]
    assert report["embedded"] == 0      # every shipped sentence's vector is kept: data/vectors.npz is up to date
    retrained, shipped = engine.Model.load(tmp_path / "model.npz"), engine.shipped_model()
    settings = ("neighbours", "temperature", "sentiment_blend", "dimension_blend", "neutral_bias")
    assert [getattr(retrained, name) for name in settings] == [getattr(shipped, name) for name in settings]
    assert np.array_equal(retrained.thresholds, shipped.thresholds)
    for name in ("means", "sentiment_w", "sentiment_b", "dimension_w", "dimension_b"):
        assert np.allclose(getattr(retrained, name), getattr(shipped, name), rtol=0, atol=1e-9), name
    texts = [json.loads(line)["text"] for line in EVAL.read_text(encoding="utf-8").splitlines() if line.strip()]
    vectors, languages = engine.embed(texts), engine.detect_languages(texts)
    again, before = engine.read(vectors, languages, model=retrained), engine.read(vectors, languages, model=shipped)
    assert [(a.sentiment, a.primary_dimension) for a in again] == [(b.sentiment, b.primary_dimension) for b in before]


def test_the_kept_vectors_are_the_engines() -> None:
    """The kept vectors are what the embedding engine gives for those sentences (three of each language,
    embedded again here; the engine's last bits may differ between processors)."""
    kept = training.cached_vectors(training.vectors_path())
    rows = training.packaged("seeds") + training.packaged("dev")
    assert len(kept) == len({row.text for row in rows})
    sample = [row.text for code in engine.LANGUAGES for row in [r for r in rows if r.lang == code][::97][:3]]
    again = engine.embed(sample).astype(np.float32)
    stored = np.stack([kept[engine.text_hash(text)] for text in sample]).astype(np.float32)
    cosine = (again * stored).sum(axis=1) / np.linalg.norm(again, axis=1) / np.linalg.norm(stored, axis=1)
    assert len(sample) == 3 * len(engine.LANGUAGES) and cosine.min() > 0.999, cosine.min()


def test_analyse_themes_and_similar(db_url: str, runtime: Runtime) -> None:
    with runtime.transaction() as session:
        client_id = clients.clients.create(session, {"name": "Hegyvidék Kft."}, by=SYSTEM).id
        for text in ("We waited three weeks for a reply.", "Nobody answers the phone.", "Invoice far above the quote.",
                     "Hidden charges again.", "Very polite engineer.", "Friendly and careful technician.",
                     "Senki nem veszi fel a telefont."):
            service.add_review(session, text=text, client_id=client_id, by=SYSTEM)
    analysed = run("voice", "analyse", "--db", db_url)
    assert analysed.exit_code == 0 and "7 new" in analysed.stdout and "Read 7 comment(s)." in analysed.stdout
    themes = run("voice", "themes", "--count", "3", "--json", "--db", db_url)
    assert themes.exit_code == 0, themes.output
    found = json.loads(themes.stdout)
    assert found["comments"] == 7 and 2 <= len(found["themes"]) <= 3
    table = run("voice", "themes", "--db", db_url)
    assert "Theme 1" in table.stdout
    first = found["themes"][0]["examples"][0]["id"]
    similar = run("voice", "similar", str(first), "--limit", "2", "--json", "--db", db_url)
    assert similar.exit_code == 0 and len(json.loads(similar.stdout)["similar"]) == 2
    assert run("voice", "similar", "99999", "--db", db_url).exit_code != 0
    bad = run("voice", "themes", "--from", "yesterday", "--db", db_url)
    assert bad.exit_code != 0 and "--from" in bad.output
    again = run("voice", "analyse", "--again", "--db", db_url)
    assert "Read 7 comment(s)." in again.stdout


def test_help_names_every_command() -> None:
    text = " ".join(run("voice", "--help").stdout.split())
    for command in ("classify", "eval", "train", "themes", "similar", "analyse"):
        assert command in text
    assert "10,000" in " ".join(run("voice", "classify", "--help").stdout.split())
