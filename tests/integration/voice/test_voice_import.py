"""Importing reviews and feedback (``import feedback``), on both databases: review-site headers
recognised, rows refused with their record number and the file's column, the rest kept, clients
optional, the same file imported again matched rather than duplicated, a dry run writing nothing, the
export read back — and the analysis job reading what came in."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from servicescape.auth.permissions import SYSTEM
from servicescape.cli.main import app as cli
from servicescape.clients import service as clients
from servicescape.platform.imports import import_kind
from servicescape.runtime import Runtime
from servicescape.voice import analysis
from servicescape.voice.models import Comment, Review
from tests.integration.importing.conftest import read_csv, write_csv

runner = CliRunner()
HEADERS = ["Review ID", "Customer", "Date", "Review", "Source", "Stars", "Reviewer"]


def _reviews(runtime: Runtime) -> list[Review]:
    with runtime.transaction() as session:
        return list(session.scalars(select(Review).order_by(Review.id)))


def _file(tmp_path: Path) -> Path:
    yesterday = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    future = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%d")
    return write_csv(tmp_path / "reviews.csv", HEADERS, [
        ["G-1", "Syarikat Maju Jaya", yesterday, "Juruteknik datang tepat pada masanya. Terima kasih!", "Google", "5",
         "Aminah"],
        ["G-2", "", yesterday, "The invoice was far higher than the quote.", "Trustpilot", "2", ""],
        ["G-3", "Nobody Ltd", yesterday, "Good.", "Google", "4", ""],
        ["G-4", "Syarikat Maju Jaya", yesterday, "   ", "Google", "3", ""],
        ["G-5", "", yesterday, "Fine work.", "Google", "six", ""],
        ["G-6", "", future, "Written in the future.", "Google", "4", ""],
        ["G-7", "Syarikat Maju Jaya", "", "Sudah seminggu menunggu panggilan balik.", "Borang", "", ""],
    ])


def test_import_keeps_good_rows_and_names_the_bad_ones(runtime: Runtime, db_url: str, tmp_path: Path) -> None:
    with runtime.transaction() as session:
        client_id = clients.clients.create(session, {"name": "Syarikat Maju Jaya"}, by=SYSTEM).id
    path = _file(tmp_path)
    dry = runner.invoke(cli, ["import", "feedback", str(path), "--db", db_url, "--json", "--dry-run"])
    assert json.loads(dry.stdout)["imported"] == 3 and _reviews(runtime) == []
    result = runner.invoke(cli, ["import", "feedback", str(path), "--db", db_url, "--rejects",
                                 str(tmp_path / "rejects.csv")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    for words in ("record 4: Customer: No client has the name Nobody Ltd", "record 5: Review: the text is empty",
                  "record 6: Stars: 'six' is not a number of stars from 1 to 5", "record 7: Date:",
                  "record 8: Date is empty: the review is dated now"):
        assert words in text, text
    stored = {r.external_id: r for r in _reviews(runtime)}
    assert set(stored) == {"G-1", "G-2", "G-7"}
    assert stored["G-1"].client_id == client_id and stored["G-1"].rating == 5 and stored["G-1"].author == "Aminah"
    assert stored["G-2"].client_id is None and stored["G-2"].channel == "Trustpilot"
    rejected = read_csv(tmp_path / "rejects.csv")
    assert sorted(row[rejected[0].index("Review ID")] for row in rejected[1:]) == ["G-3", "G-4", "G-5", "G-6"]

    again = runner.invoke(cli, ["import", "feedback", str(path), "--db", db_url, "--json"])
    assert json.loads(again.stdout)["updated"] == 3 and len(_reviews(runtime)) == 3

    totals = analysis.work_off(runtime)
    assert totals["added"] == 3 and totals["waiting"] == 0
    with runtime.transaction() as session:
        languages = dict(session.execute(select(Comment.source_key, Comment.language)).all())
        assert languages[str(stored["G-1"].id)] == "ms"
        assert session.scalar(select(func.count()).select_from(Comment).where(Comment.analysed_at.is_(None))) == 0

    out = tmp_path / "feedback.csv"
    exported = runner.invoke(cli, ["export", "feedback", "--out", str(out), "--db", db_url])
    assert exported.exit_code == 0, exported.output
    rows = read_csv(out)
    assert rows[0] == list(import_kind("feedback").fields) and len(rows) == 4
    back = runner.invoke(cli, ["import", "feedback", str(out), "--db", db_url, "--json"])
    assert json.loads(back.stdout) == {"read": 3, "imported": 0, "updated": 3, "rejected": 0, "warnings": 0}


def test_a_file_without_text_is_refused_whole(runtime: Runtime, db_url: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "no-text.csv", ["Customer", "Stars"], [["A", "5"]])
    result = runner.invoke(cli, ["import", "feedback", str(path), "--db", db_url])
    assert result.exit_code == 1 and "no column for" in " ".join(result.stderr.split())
    assert _reviews(runtime) == []
