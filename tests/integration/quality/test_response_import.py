"""Importing survey responses from other survey tools, on both databases: the published numbering
landing on the right dimensions, CSV and XLSX, rows refused with their record and column, respondents
by external id or e-mail, a second import updating instead of doubling, batches kept or rolled back
whole, follow-ups only for recent answers, the CLI (``survey import`` and ``import --option``), the data
page's survey choice, the API and the export read back."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from typer.testing import CliRunner

from servicescape.audit.models import AuditEvent
from servicescape.auth.models import Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.cli.main import app as cli
from servicescape.clients import service as clients
from servicescape.clients.importing import ImportReport
from servicescape.errors import ImportFailed, ValidationFailed
from servicescape.platform.imports import import_kind
from servicescape.quality import import_writes, surveys
from servicescape.quality.models import ResponseSource, SurveyAnswer, SurveyItem, SurveyKind, SurveyResponse
from servicescape.runtime import Runtime
from servicescape.tasks.models import Task
from tests.conftest import csrf_from, sign_in
from tests.integration.importing.conftest import read_csv, write_csv

FIRM = ZoneInfo("Asia/Kuala_Lumpur")  # the settings fixture's zone
NUMBERS = range(1, 23)
HEADERS = ["respondent", "external_id", "submitted_at", *(f"E{n}" for n in NUMBERS), *(f"P{n}" for n in NUMBERS),
           "nps", "comment"]


def expected_of(n: int) -> int:
    """Item n's expectation in the clean files: each statement's own value, so a column landing on the
    wrong item shows."""
    return n % 7 + 1


def perceived_of(n: int) -> int:
    return (n * 3) % 7 + 1


def row(respondent: str, ext: str, when: str, nps: Any = 8, comment: str = "", **changes: Any) -> list[Any]:
    values = {"respondent": respondent, "external_id": ext, "submitted_at": when,
              **{f"E{n}": expected_of(n) for n in NUMBERS}, **{f"P{n}": perceived_of(n) for n in NUMBERS},
              "nps": nps, "comment": comment, **changes}
    return [values[header] for header in HEADERS]


def day(offset: int) -> str:
    return (datetime.now(FIRM).date() + timedelta(days=offset)).isoformat()


@pytest.fixture
def firm(runtime: Runtime) -> dict[str, int]:
    """Three clients (one reached by a contact's e-mail, two sharing an e-mail) and three active surveys:
    SERVQUAL (without the importance split), CSAT and NPS. name → id."""
    ids: dict[str, int] = {}
    with runtime.transaction() as session:
        for ext, name, email in (("C-1", "Hegyvidék Szerviz Kft.", "iroda@hegyvidek.test"),
                                 ("C-2", "Tan Holdings Sdn Bhd", None), ("C-3", "Lim & Partners", "lim@shared.test"),
                                 ("C-4", "Lim Trading", "lim@shared.test")):
            ids[ext] = clients.clients.create(session, {"name": name, "external_id": ext, "email": email,
                                                        "language": "hu" if ext == "C-1" else None}, by=SYSTEM).id
        clients.contacts.create(session, {"client_id": ids["C-2"], "name": "Tan Mei Ling",
                                          "email": "Mei.Ling@tanholdings.test"}, by=SYSTEM)
        for kind in (SurveyKind.servqual, SurveyKind.csat, SurveyKind.nps):
            survey = surveys.create(session, name=f"{kind.value} 2025", kind=kind, importance=False, by=SYSTEM)
            surveys.activate(session, survey, by=SYSTEM)
            ids[kind.value] = survey.id
        ids["draft"] = surveys.create(session, name="Draft", kind=SurveyKind.nps, by=SYSTEM).id
    return ids


def run(runtime: Runtime, path: Path, survey: int, **options: Any) -> ImportReport:
    options.setdefault("by", SYSTEM)
    report: ImportReport = import_kind("survey_responses").run_import(runtime, path=path, survey=survey, **options)
    return report


def stored(runtime: Runtime, survey: int) -> dict[str, SurveyResponse]:
    with runtime.transaction() as session:
        return {r.external_id or f"#{r.id}": r for r in session.scalars(
            select(SurveyResponse).options(selectinload(SurveyResponse.answers))
            .where(SurveyResponse.survey_id == survey))}


def answers_by_code(runtime: Runtime, response: SurveyResponse) -> dict[str, tuple[Any, ...]]:
    with runtime.transaction() as session:
        items = {item.id: item for item in session.scalars(select(SurveyItem))}
    return {items[a.item_id].code: (items[a.item_id].dimension, a.expected, a.perceived, a.number, a.text)
            for a in response.answers}


def count(runtime: Runtime, model: Any) -> int:
    with runtime.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def clean_csv(path: Path) -> Path:
    return write_csv(path, HEADERS, [
        row("C-1", "R-1", f"{day(-200)} 09:30", nps=9, comment="Gyors és pontos."),
        row("iroda@hegyvidek.test", "R-2", f"{day(-150)} 14:00", nps=3),
        row("MEI.LING@tanholdings.test", "R-3", "", nps=10),
    ])


def test_a_clean_csv_lands_on_the_published_dimensions(runtime: Runtime, firm: dict[str, int],
                                                      tmp_path: Path) -> None:
    before = datetime.now(UTC)
    report = run(runtime, clean_csv(tmp_path / "answers.csv"), firm["servqual"])
    assert report.to_dict() == {"read": 3, "imported": 3, "updated": 0, "rejected": 0, "warnings": 0}
    responses = stored(runtime, firm["servqual"])
    assert sorted(responses) == ["R-1", "R-2", "R-3"]
    first, by_email, by_contact = responses["R-1"], responses["R-2"], responses["R-3"]
    assert (first.client_id, by_email.client_id, by_contact.client_id) == (firm["C-1"], firm["C-1"], firm["C-2"])
    assert (first.source, first.nps, first.comment, first.language) == (
        ResponseSource.imported, 9, "Gyors és pontos.", "hu")   # the client's language
    assert first.submitted_at == datetime.fromisoformat(f"{day(-200)} 09:30").replace(tzinfo=FIRM)
    assert by_contact.submitted_at is not None and by_contact.submitted_at >= before  # no time: the import's
    assert by_contact.language == runtime.settings.default_language
    answers = answers_by_code(runtime, first)
    # E5/P5 are the published item 5, a reliability statement; 1–4 tangibles, 18–22 empathy
    assert answers["servqual_5"] == ("reliability", expected_of(5), perceived_of(5), None, None)
    assert answers["servqual_1"][:3] == ("tangibles", expected_of(1), perceived_of(1))
    assert answers["servqual_13"][:3] == ("responsiveness", expected_of(13), perceived_of(13))
    assert answers["servqual_17"][:3] == ("assurance", expected_of(17), perceived_of(17))
    assert answers["servqual_22"][:3] == ("empathy", expected_of(22), perceived_of(22))
    assert {code: values[1:3] for code, values in answers.items() if code.startswith("servqual_")} == {
        f"servqual_{n}": (expected_of(n), perceived_of(n)) for n in NUMBERS}
    assert answers["nps"][3] == 9 and answers["comment"][4] == "Gyors és pontos."
    assert count(runtime, SurveyAnswer) == 3 * 22 + 3 + 1
    with runtime.transaction() as session:
        events = list(session.scalars(select(AuditEvent).where(AuditEvent.action == "import")))
    assert [(e.entity, e.changes["imported"], e.changes["survey"]) for e in events] == [  # type: ignore[index]
        ("survey_responses", 3, firm["servqual"])]


def test_an_xlsx_with_numbers_and_dates_as_cells(runtime: Runtime, firm: dict[str, int], tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Responses"
    when = datetime(2025, 3, 4, 10, 15)
    sheet.append(["Response ID", "Respondent email", "Date", "CSAT", "Comments"])
    sheet.append(["X-1", "lim@shared.test", when, 2, "Slow."])        # two clients share it: refused
    sheet.append(["X-2", "C-3", when, 5.0, None])                      # a spreadsheet's 5.0 is 5
    sheet.append(["X-3", "C-4", when, 4.5, None])                      # not a whole number
    sheet.append(["X-4", "C-2", when + timedelta(days=1), 1, "Nobody called back."])
    path = tmp_path / "csat.xlsx"
    book.save(path)
    report = run(runtime, path, firm["csat"])
    assert report.to_dict() == {"read": 4, "imported": 2, "updated": 0, "rejected": 2, "warnings": 0}
    assert report.sheet == "Responses"
    assert dict(report.rejects) == {
        2: "Respondent email: 2 clients have the e-mail 'lim@shared.test'; give the client's external id.",
        4: "CSAT needs a whole number from 1 to 5."}
    responses = stored(runtime, firm["csat"])
    assert {ext: (r.csat, r.nps, r.comment) for ext, r in responses.items()} == {
        "X-2": (5, None, None), "X-4": (1, None, "Nobody called back.")}
    assert responses["X-2"].submitted_at == when.replace(tzinfo=FIRM)  # a workbook's times on the firm's clock


def test_bad_rows_are_refused_naming_their_row_and_column(runtime: Runtime, firm: dict[str, int],
                                                         tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bad.csv", HEADERS, [
        row("C-1", "B-1", f"{day(-3)} 09:00", P5=9),
        row("C-404", "B-2", f"{day(-3)} 09:00"),
        row("C-1", "B-3", f"{day(-3)} 09:00", P7="", nps=11),
        row("C-1", "B-4", "next Tuesday-ish", E1="x"),
        row("C-1", "B-5", f"{day(3)} 09:00"),
        row("", "B-6", f"{day(-3)} 09:00"),
        row("C-2", "B-7", f"{day(-3)} 09:00"),
    ])
    rejects_path = tmp_path / "rejects.csv"
    report = run(runtime, path, firm["servqual"], rejects_path=rejects_path)
    assert report.to_dict() == {"read": 7, "imported": 1, "updated": 0, "rejected": 6, "warnings": 0}
    reasons = dict(report.rejects)
    assert sorted(reasons) == [2, 3, 4, 5, 6, 7]   # CSV lines: the header is line 1
    assert reasons[2] == "P5 needs a whole number from 1 to 7."
    assert reasons[3] == "respondent: no client has the external id or e-mail 'C-404'."
    assert reasons[4].split("\n") == ["P7: Please answer both halves of this statement.",
                                      "nps needs a whole number from 0 to 10."]
    lines = reasons[5].split("\n")   # a cell refused and an answer refused: both told
    assert lines[0].startswith("submitted_at:") and "next Tuesday-ish" in lines[0]
    assert lines[1:] == ["E1 needs a whole number from 1 to 7."]
    assert reasons[6] == "submitted_at: an answer cannot be given in the future."
    assert reasons[7] == "respondent: say who answered (the client's external id or e-mail)."
    assert list(stored(runtime, firm["servqual"])) == ["B-7"]
    written = read_csv(rejects_path)
    assert written[0][:3] == ["record", "reason", "respondent"]
    assert sorted(line[0] for line in written[1:]) == ["2", "3", "4", "5", "6", "7"]


def test_whole_file_problems_stop_before_anything_is_written(runtime: Runtime, firm: dict[str, int],
                                                            tmp_path: Path) -> None:
    clean = clean_csv(tmp_path / "answers.csv")
    with pytest.raises(ImportFailed, match=r"does not ask what these columns answer: csat, P5\."):
        run(runtime, write_csv(tmp_path / "csat.csv", ["respondent", "nps", "csat", "P5", "I_empathy"],
                               [["C-1", "9", "5", "4", ""]]), firm["nps"])
    without_p3 = write_csv(tmp_path / "short.csv", [h for h in HEADERS if h != "P3"], [
        [cell for header, cell in zip(HEADERS, row("C-1", "S-1", ""), strict=True) if header != "P3"]])
    with pytest.raises(ImportFailed, match=r"no column for P3\."):
        run(runtime, without_p3, firm["servqual"])
    # a column for a question the survey does not ask, empty in the first rows (an export of several
    # surveys): left out, and a later row with a value in it refused
    mixed = run(runtime, write_csv(tmp_path / "mixed.csv", ["respondent", "nps", "csat"],
                                   [["C-1", "9", ""], ["C-2", "7", "3"]]), firm["nps"], batch_size=1)
    assert dict(mixed.rejects) == {3: "csat: the survey does not ask this question; leave the cell empty."}
    assert count(runtime, SurveyResponse) == 1
    with pytest.raises(ImportFailed, match="still a draft"):
        run(runtime, clean, firm["draft"])
    with pytest.raises(ImportFailed, match="Survey 999 does not exist"):
        run(runtime, clean, 999)
    with pytest.raises(ImportFailed, match="no column for respondent"):
        run(runtime, write_csv(tmp_path / "anon.csv", ["nps"], [["7"]]), firm["nps"])
    assert count(runtime, SurveyResponse) == 1


def test_importing_again_updates_instead_of_doubling(runtime: Runtime, firm: dict[str, int], tmp_path: Path) -> None:
    path = clean_csv(tmp_path / "answers.csv")
    assert run(runtime, path, firm["servqual"], batch_size=2).imported == 3
    answers = count(runtime, SurveyAnswer)
    again = run(runtime, path, firm["servqual"], batch_size=2)
    assert again.to_dict() == {"read": 3, "imported": 0, "updated": 3, "rejected": 0, "warnings": 0}
    assert (count(runtime, SurveyResponse), count(runtime, SurveyAnswer)) == (3, answers)
    corrected = write_csv(tmp_path / "corrected.csv", HEADERS, [row("C-1", "R-1", "", nps=2, P5=1)])
    assert run(runtime, corrected, firm["servqual"]).updated == 1
    fixed = stored(runtime, firm["servqual"])["R-1"]
    assert fixed.nps == 2 and answers_by_code(runtime, fixed)["servqual_5"][2] == 1
    assert fixed.submitted_at == datetime.fromisoformat(f"{day(-200)} 09:30").replace(tzinfo=FIRM)  # kept
    assert (count(runtime, SurveyResponse), count(runtime, SurveyAnswer)) == (3, answers - 1)  # no comment now
    # without an id column: each row's hash is its id, the same in a second import
    anonymous = write_csv(tmp_path / "anonymous.csv", ["Customer ID", "NPS", "Why"], [
        ["C-1", "9", "Great"], ["C-2", "4", ""], ["C-1", "9", "Great"]])
    first = run(runtime, anonymous, firm["nps"])
    assert first.to_dict() == {"read": 3, "imported": 2, "updated": 1, "rejected": 0, "warnings": 0}
    assert run(runtime, anonymous, firm["nps"]).to_dict()["updated"] == 3
    ids = sorted(stored(runtime, firm["nps"]))
    assert len(ids) == 2 and all(re.fullmatch(r"row-[0-9a-f]{40}", ext) for ext in ids)


def test_a_batch_is_kept_or_rolled_back_whole(runtime: Runtime, firm: dict[str, int], tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    answers = import_writes.ResponseWriter._answers
    calls: list[int] = []

    def fails_the_second(self: Any, session: Any, planned: Any) -> None:
        calls.append(len(planned))
        answers(self, session, planned)
        if len(calls) == 2:
            raise RuntimeError("the disk is full")

    monkeypatch.setattr(import_writes.ResponseWriter, "_answers", fails_the_second)
    with pytest.raises(RuntimeError, match="the disk is full"):
        run(runtime, clean_csv(tmp_path / "answers.csv"), firm["servqual"], batch_size=2)
    assert sorted(stored(runtime, firm["servqual"])) == ["R-1", "R-2"]  # the first batch; none of the second
    assert count(runtime, SurveyAnswer) == 2 * 22 + 2 + 1


def test_a_dry_run_writes_nothing(runtime: Runtime, firm: dict[str, int], tmp_path: Path) -> None:
    path = write_csv(tmp_path / "nps.csv", ["respondent", "response_id", "nps"], [
        ["C-1", "N-1", "9"], ["C-2", "N-2", "99"], ["C-3", "N-1", "7"]])
    checked = run(runtime, path, firm["nps"], dry_run=True, batch_size=1)
    assert checked.to_dict() == {"read": 3, "imported": 1, "updated": 1, "rejected": 1, "warnings": 0}
    assert (count(runtime, SurveyResponse), count(runtime, Task)) == (0, 0)
    assert run(runtime, path, firm["nps"], batch_size=1).to_dict() == checked.to_dict()
    assert stored(runtime, firm["nps"])["N-1"].nps == 7   # the later row of the same id


def test_follow_ups_only_for_recent_answers(runtime: Runtime, firm: dict[str, int], tmp_path: Path) -> None:
    path = write_csv(tmp_path / "nps.csv", ["respondent", "external_id", "date", "nps", "nps_why"], [
        ["C-1", "F-1", day(-2), "2", "They forgot us."],       # a recent detractor: recovery
        ["C-2", "F-2", day(-1), "10", ""],                     # a recent promoter: ask for word of mouth
        ["C-3", "F-3", day(-90), "1", "Old news."],            # past the horizon: nothing
        ["C-1", "F-4", day(-3), "8", ""],                      # passive: nothing
    ])
    assert run(runtime, path, firm["nps"]).imported == 4
    responses = stored(runtime, firm["nps"])
    with runtime.transaction() as session:
        tasks = {(t.related_id, t.kind) for t in session.scalars(select(Task))}
    assert tasks == {(responses["F-1"].id, "recovery"), (responses["F-2"].id, "word_of_mouth")}
    assert responses["F-1"].comment == "They forgot us."
    run(runtime, path, firm["nps"])
    assert count(runtime, Task) == 2   # each opens once


def test_the_cli_imports_into_a_survey_and_the_export_reads_back(runtime: Runtime, db_url: str,
                                                                 firm: dict[str, int], tmp_path: Path) -> None:
    runner = CliRunner()
    path = clean_csv(tmp_path / "answers.csv")
    result = runner.invoke(cli, ["survey", "import", str(firm["servqual"]), str(path), "--db", db_url, "--json"],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"read": 3, "imported": 3, "updated": 0, "rejected": 0, "warnings": 0}
    same = runner.invoke(cli, ["import", "survey_responses", str(path), "--option", f"survey={firm['servqual']}",
                               "--db", db_url, "--json"])
    assert json.loads(same.stdout)["updated"] == 3, same.output
    missing = runner.invoke(cli, ["import", "survey_responses", str(path), "--db", db_url])
    assert missing.exit_code != 0 and "Choose Survey" in " ".join(missing.stderr.split())
    wrong = runner.invoke(cli, ["survey", "import", str(firm["draft"]), str(path), "--db", db_url])
    assert wrong.exit_code == 1 and "still a draft" in " ".join(wrong.stderr.split())
    out = tmp_path / "responses.csv"
    exported = runner.invoke(cli, ["export", "survey_responses", "--out", str(out), "--db", db_url])
    assert exported.exit_code == 0 and "Exported 3 survey_responses" in exported.stdout, exported.output
    rows = read_csv(out)
    first = dict(zip(rows[0], rows[1], strict=True))
    assert (first["survey"], first["external_id"], first["respondent"], first["E5"], first["P5"], first["nps"]) == (
        str(firm["servqual"]), "R-1", "C-1", str(expected_of(5)), str(perceived_of(5)), "9")
    back = runner.invoke(cli, ["survey", "import", str(firm["servqual"]), str(out), "--db", db_url, "--json"])
    assert json.loads(back.stdout) == {"read": 3, "imported": 0, "updated": 3, "rejected": 0, "warnings": 0}
    elsewhere = runner.invoke(cli, ["survey", "import", str(firm["nps"]), str(out), "--db", db_url])
    assert elsewhere.exit_code == 1 and "does not ask" in " ".join(elsewhere.stderr.split())


@pytest.fixture
def browser(app: Any, runtime: Runtime, owner: Staff) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://127.0.0.1") as client:
        sign_in(client, owner.email)
        yield client


def test_the_import_page_asks_for_the_survey_and_the_api_takes_it(browser: TestClient, api: TestClient,
                                                                   runtime: Runtime, firm: dict[str, int],
                                                                   tmp_path: Path) -> None:
    page = browser.get("/import")
    assert page.status_code == 200 and '<option value="survey_responses"' in page.text
    assert f'<option value="{firm["servqual"]}">servqual 2025 (#{firm["servqual"]})</option>' in page.text
    assert f'<option value="{firm["draft"]}"' not in page.text   # a draft takes no answers
    token = csrf_from(page.text)
    content = clean_csv(tmp_path / "answers.csv").read_bytes()
    refused = browser.post("/import", data={"csrf_token": token, "kind": "survey_responses"},
                           files={"file": ("answers.csv", content, "text/csv")}, follow_redirects=False)
    assert refused.status_code == 422 and "Choose Survey for an import of Survey responses" in refused.text
    uploaded = browser.post("/import", data={"csrf_token": token, "kind": "survey_responses",
                                             "option-survey": str(firm["servqual"])},
                            files={"file": ("answers.csv", content, "text/csv")}, follow_redirects=False)
    assert uploaded.status_code == 303, uploaded.text
    columns = browser.get(uploaded.headers["location"])
    assert columns.status_code == 200 and "Respondent (client" in columns.text
    done = browser.post(uploaded.headers["location"], data={"csrf_token": token, "action": "import"})
    assert done.status_code == 200 and "Every row was imported." in done.text
    assert len(stored(runtime, firm["servqual"])) == 3
    csat = b"respondent,csat\nC-3,4\n"
    response = api.post("/api/v1/imports/survey_responses", files={"file": ("csat.csv", csat, "text/csv")},
                        data={"option": f"survey={firm['csat']}"})
    assert response.status_code == 200, response.text
    assert {key: response.json()[key] for key in ("kind", "imported", "rejected")} == {
        "kind": "survey_responses", "imported": 1, "rejected": 0}
    without = api.post("/api/v1/imports/survey_responses", files={"file": ("csat.csv", csat, "text/csv")})
    assert without.status_code == 422 and without.json()["error"]["field"] == "survey"
    exported = api.get("/api/v1/exports/survey_responses", params={"format": "json"})
    assert exported.status_code == 200 and len(exported.json()) == 4


def test_the_kind_reads_other_tools_headers() -> None:
    from servicescape.tabular.headers import map_headers, targets

    kind = import_kind("survey_responses")
    assert sorted(kind.labels) == sorted(targets(kind)) and not kind.custom_fields
    found = map_headers(kind, ["Response ID", "Respondent email", "Submission date", "Expected 5", "servqual_5_p",
                               "importance_empathy", "Net promoter score", "Comments", "Browser"])
    assert list(found.fields) == ["external_id", "respondent", "submitted_at", "E5", "P5", "I_empathy", "nps",
                                  "comment"]
    assert found.unmapped == [(8, "Browser")]
    with pytest.raises(ValidationFailed, match="takes no option colour"):
        kind.option_values({"survey": "3", "colour": "red"})
