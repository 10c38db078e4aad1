"""The survey commands on both databases: create and activate a survey, send it to a tier, write the
mail-merge links, answer through two of them, read the latest wave's gaps and NPS (checked against
figures computed here), import a small CSV from another tool; one-line errors for mistakes."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from servicescape.auth.permissions import SYSTEM
from servicescape.cli.main import app
from servicescape.clients import service as clients
from servicescape.clients.models import Client
from servicescape.promises.capability import RECOVERY
from servicescape.quality import answers
from servicescape.quality.instrument import DIMENSIONS, STATEMENTS
from servicescape.runtime import Runtime
from servicescape.tasks.models import Task, TaskStatus

runner = CliRunner()
T_975_DF1 = 12.706205   # Student's t, 0.975, one degree of freedom (two respondents)
IMPORTANCE = {"tangibles": 20, "reliability": 20, "responsiveness": 20, "assurance": 20, "empathy": 20}


def run(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


def _clients(runtime: Runtime) -> None:
    with runtime.transaction() as session:
        for external_id, name, tier in (("SEJ", "Sejuk Sdn Bhd", "key"), ("YAB", "Ябълка ООД", "key"),
                                        ("DUN", "Duna Kert Bt.", "standard")):
            clients.clients.create(session, {"name": name, "external_id": external_id, "tier": tier,
                                             "email": f"{external_id.lower()}@client.example"}, by=SYSTEM)


def _form(expected: int, perceived: int, nps: int) -> dict[str, str]:
    values = {f"{s.code}_{half}": str(expected if half == "e" else perceived)
              for s in STATEMENTS for half in ("e", "p")}
    values.update({f"importance_{d}": str(points) for d, points in IMPORTANCE.items()})
    return {**values, "nps": str(nps)}


def test_create_send_links_results_and_import(db_url: str, runtime: Runtime, tmp_path: Path) -> None:
    _clients(runtime)
    made = run("survey", "create", "--kind", "servqual", "--name", "Kaji selidik 2026", "--json", "--db", db_url)
    assert made.exit_code == 0, made.output
    created = json.loads(made.output)
    survey_id = created["id"]
    assert created["status"] == "draft" and created["items"][:2] == ["servqual_1", "servqual_2"]
    assert "importance_empathy" in created["items"]
    draft = run("survey", "send", str(survey_id), "--name", "Too soon", "--db", db_url)
    assert draft.exit_code == 1 and draft.output.startswith("error:") and "activate" in draft.output
    assert run("survey", "activate", str(survey_id), "--db", db_url).exit_code == 0
    listed = json.loads(run("survey", "list", "--json", "--db", db_url).output)
    assert [(s["id"], s["status"], s["responses"]) for s in listed] == [(survey_id, "active", 0)]

    sent = run("survey", "send", str(survey_id), "--name", "Key accounts, spring", "--tier", "key",
               "--expires-days", "14", "--json", "--db", db_url)
    assert sent.exit_code == 0, sent.output
    campaign = json.loads(sent.output)
    assert (campaign["invitations"], campaign["invited"], campaign["status"]) == (2, 2, "open")
    target = tmp_path / "links.csv"
    written = run("survey", "links", str(campaign["id"]), "--output", str(target), "--db", db_url)
    assert written.exit_code == 0 and "2 links" in written.output, written.output
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert sorted(row["client_external_id"] for row in rows) == ["SEJ", "YAB"]
    assert all("/s/" in row["link"] and row["email"].endswith("@client.example") for row in rows)
    printed = run("survey", "links", str(campaign["id"]), "--db", db_url)
    assert list(csv.DictReader(io.StringIO(printed.output))) == rows
    assert json.loads(run("survey", "links", str(campaign["id"]), "--json", "--db", db_url).output) == rows

    none_yet = run("survey", "results", "--db", db_url)
    assert none_yet.exit_code == 1 and none_yet.output.startswith("error:")
    tokens = {row["client_external_id"]: row["link"].rsplit("/", 1)[1] for row in rows}
    with runtime.transaction() as session:
        answers.answer_by_link(session, runtime.settings, tokens["SEJ"], _form(7, 5, 9), submit=True)
        answers.answer_by_link(session, runtime.settings, tokens["YAB"], _form(6, 6, 6), submit=True)

    found = json.loads(run("survey", "results", "--json", "--db", db_url).output)
    assert found["survey"] == {"id": survey_id, "name": "Kaji selidik 2026"}
    assert found["campaign"] == {"id": campaign["id"], "name": "Key accounts, spring"}
    assert found["respondents"] == 2 and set(found["dimensions"]) == set(DIMENSIONS)
    half = T_975_DF1 * 2 ** 0.5 / 2 ** 0.5     # the two gaps −2 and 0: mean −1, s = √2, se = 1
    for dimension in DIMENSIONS:
        row = found["dimensions"][dimension]
        assert row["n"] == 2 and row["gap"] == pytest.approx(-1.0)
        assert (row["ci_low"], row["ci_high"]) == (pytest.approx(-1 - half, abs=1e-4),
                                                   pytest.approx(-1 + half, abs=1e-4))
    assert found["weighted_score"] == pytest.approx(-1.0) and found["fix_first"] == list(DIMENSIONS)
    assert (found["nps"]["score"], found["nps"]["n"], found["nps"]["promoters"]) == (0.0, 2, 1)
    assert {"score", "ci_low", "ci_high", "n"} <= set(found["nps"])
    table = run("survey", "results", "--db", db_url)
    assert table.exit_code == 0 and "Reliability" in table.output and "fix first" in table.output
    assert "NPS +0" in table.output

    upload = tmp_path / "answers.csv"
    header = ["respondent", "submitted_at", *[f"E{n}" for n in range(1, 23)], *[f"P{n}" for n in range(1, 23)],
              *[f"I_{d}" for d in DIMENSIONS], "nps"]
    upload.write_text(",".join(header) + "\n" + ",".join(
        ["DUN", "2026-01-15", *["5"] * 22, *["6"] * 22, *["20"] * 5, "10"]) + "\n", encoding="utf-8")
    imported = run("survey", "import", str(survey_id), str(upload), "--json", "--db", db_url)
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.output)["imported"] == 1
    whole = json.loads(run("survey", "results", str(survey_id), "--json", "--db", db_url).output)
    assert whole["campaign"] is None and whole["respondents"] == 3
    assert whole["dimensions"]["empathy"]["gap"] == pytest.approx((-2 + 0 + 1) / 3, abs=1e-4)
    assert whole["nps"]["n"] == 3 and whole["nps"]["score"] == pytest.approx(100 / 3, abs=0.01)


def test_mistakes_are_one_line_errors(db_url: str, runtime: Runtime) -> None:
    _clients(runtime)
    nps = json.loads(run("survey", "create", "--kind", "nps", "--name", "NPS", "--json", "--db", db_url).output)
    run("survey", "activate", str(nps["id"]), "--db", db_url)
    for args in (["survey", "create", "--kind", "servqual", "--name", "  "],
                 ["survey", "activate", "999999"],
                 ["survey", "activate", str(nps["id"])],
                 ["survey", "send", str(nps["id"]), "--name", "Nobody", "--segment", "No such segment"],
                 ["survey", "send", str(nps["id"]), "--name", "X", "--owner", "nobody@firm.example"],
                 ["survey", "send", str(nps["id"]), "--name", "X", "--completed-from", "2026-02-01",
                  "--completed-to", "2026-01-01"],
                 ["survey", "send", str(nps["id"]), "--name", "X", "--recovered-from", "2026-02-01",
                  "--recovered-to", "2026-01-01"],
                 ["survey", "send", str(nps["id"]), "--name", "X", "--recovered-from", "2026-01-01"],
                 ["survey", "links", "999999"],
                 ["survey", "results", "999999"]):
        result = run(*args, "--db", db_url)
        assert result.exit_code == 1, (args, result.output)
        assert result.output.startswith("error:") and "Traceback" not in result.output, result.output


def test_send_after_a_service_recovery(db_url: str, runtime: Runtime) -> None:
    _clients(runtime)
    with runtime.transaction() as session:
        dun = session.scalars(select(Client.id).where(Client.external_id == "DUN")).one()
        session.add(Task(kind=RECOVERY, title="Put it right", client_id=dun, status=TaskStatus.done,
                         closed_at=datetime(2026, 3, 12, 3, tzinfo=UTC), outcome="Refunded"))
    csat = json.loads(run("survey", "create", "--kind", "csat", "--name", "CSAT", "--json", "--db", db_url).output)
    run("survey", "activate", str(csat["id"]), "--db", db_url)
    sent = run("survey", "send", str(csat["id"]), "--name", "After recovery, March", "--recovered-from",
               "2026-03-01", "--recovered-to", "2026-03-31", "--json", "--db", db_url)
    assert sent.exit_code == 0, sent.output
    assert json.loads(sent.output)["invitations"] == 1
    rows = json.loads(run("survey", "links", str(json.loads(sent.output)["id"]), "--json", "--db", db_url).output)
    assert [row["client_external_id"] for row in rows] == ["DUN"]
