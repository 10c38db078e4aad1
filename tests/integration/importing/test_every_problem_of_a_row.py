"""A rejected row is told every problem it has at once, in the order of the file's columns: in the
rejects file, the API's answer, the page and the CLI's output."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from servicescape.cli.main import app as cli
from servicescape.clients.models import Client, Invoice
from servicescape.runtime import Runtime
from tests.conftest import csrf_from
from tests.integration.importing.conftest import count, read_csv, run, write_csv

HEADERS = ["External ID", "Name", "Tier", "Country", "Created"]
ROWS = [["B-1", "", "diamond", "Narnia", "31.02.2024"],
        ["B-2", "Tan Holdings", "platinum", "MY", "2024-01-01"],
        ["B-3", "  ", "platinum", "Narnia", ""]]
#: row B-1's problems, in the file's column order; platinum is a known spelling of the key tier
B1 = ["Name: the name is empty.",
      "Tier: 'diamond' is not a value this field knows; use one of key, growth, standard.",
      "Country: unknown country: 'Narnia'; use an ISO code such as MY, BG, CN, TW, HK or HU, or the country's name",
      "Created: not a valid date: '31.02.2024'"]
B3 = [B1[0], B1[2]]


def clients_file(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "clients.csv", HEADERS, ROWS)


def test_the_rejects_file_and_the_report_name_every_problem(runtime: Runtime, tmp_path: Path) -> None:
    report = run(runtime, "clients", clients_file(tmp_path), rejects_path=tmp_path / "rejects.csv")
    assert (report.imported, report.rejected) == (1, 2)
    assert report.rejects == [(2, "\n".join(B1)), (4, "\n".join(B3))]
    rejected = read_csv(tmp_path / "rejects.csv")
    assert rejected[0] == ["record", "reason", *HEADERS]
    assert rejected[1] == ["2", "\n".join(B1), *ROWS[0]]
    assert rejected[2][:2] == ["4", "\n".join(B3)]


def test_the_api_answer_names_every_problem(api: TestClient, tmp_path: Path) -> None:
    upload = ("clients.csv", clients_file(tmp_path).read_bytes(), "text/csv")
    body = api.post("/api/v1/imports/clients", files={"file": upload}).json()
    assert body["rejects"] == [{"record": 2, "reason": "\n".join(B1), "reasons": B1},
                               {"record": 4, "reason": "\n".join(B3), "reasons": B3}]


def test_the_page_shows_every_problem_one_a_line(browser: TestClient, tmp_path: Path) -> None:
    token = csrf_from(browser.get("/import").text)
    upload = ("clients.csv", clients_file(tmp_path).read_bytes(), "text/csv")
    columns = browser.post("/import", data={"csrf_token": token, "kind": "clients"}, files={"file": upload})
    page = browser.post(str(columns.url), data={"csrf_token": token, "action": "import"}).text
    cell = page.split('<td class="num">2</td><td>')[1].split("</td>")[0]
    assert cell.split("<br>") == [problem.replace("'", "&#39;") for problem in B1]


def test_the_cli_prints_every_problem(runtime: Runtime, db_url: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["import", "clients", str(clients_file(tmp_path)), "--db", db_url],
                                catch_exceptions=False, env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.startswith("rejected: ")]
    assert lines == [f"rejected: record 2: {problem}" for problem in B1] + \
        [f"rejected: record 4: {problem}" for problem in B3]


def test_every_empty_required_field_is_named(runtime: Runtime, tmp_path: Path) -> None:
    assert run(runtime, "clients", write_csv(tmp_path / "c.csv", ["Name"], [["Tan"]])).imported == 1
    path = write_csv(tmp_path / "i.csv", ["Customer", "Date", "Total", "Currency"],
                     [["Tan", "", "", ""], ["Tan", "someday", "", "EUR"], ["Nobody", "2024-01-02", "", "EUR"]])
    report = run(runtime, "invoices", path)
    assert report.rejects == [
        (2, "Date is empty.\nTotal is empty.\nCurrency is empty."),
        (3, "Date: not a date: 'someday'\nTotal is empty."),  # no "Date is empty." besides its own problem
        (4, "Total is empty."),  # a row the reader refuses is not looked up
    ]
    assert count(runtime, Invoice) == 0 and count(runtime, Client) == 1


def test_the_rejects_file_guards_each_cell_once(runtime: Runtime, tmp_path: Path) -> None:
    """A cell the export guarded ('=1+2) is written as it was, not guarded again (''=1+2), so that the
    corrected row imports as the original would have; a JSON file's cells have no guard yet."""
    original = write_csv(tmp_path / "c.csv", ["Name", "Note", "Country"], [["Tan", "'=1+2", "Narnia"]])
    run(runtime, "clients", original, rejects_path=tmp_path / "from-csv.csv")
    assert read_csv(tmp_path / "from-csv.csv")[1][2:] == ["Tan", "'=1+2", "Narnia"]
    as_json = tmp_path / "c.json"
    as_json.write_text('[{"Name": "Tan", "Note": "=1+2", "Phone": "+60 12-345 6789", "Country": "Narnia"}]')
    run(runtime, "clients", as_json, rejects_path=tmp_path / "from-json.csv")
    assert read_csv(tmp_path / "from-json.csv")[1][2:] == ["Tan", "'=1+2", "+60 12-345 6789", "Narnia"]
