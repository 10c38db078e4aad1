"""Files that are not a table of flat records, or that hold what no database keeps, are refused whole
with a message naming the problem: a 422 from the API and the page, one ``error:`` line from the CLI;
hostile numbers are read, never a 500."""

from __future__ import annotations

import html
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from servicescape.cli.main import app as cli
from servicescape.clients.models import Client
from servicescape.runtime import Runtime
from tests.conftest import csrf_from
from tests.integration.api.conftest import assert_error
from tests.integration.importing.conftest import count, rows

#: (file name, content, what the refusal says)
REFUSED = [
    ("deep.json", "[" * 1000 + "]" * 1000, ".json is nested too deeply to be a table"),
    ("deeper.json", "[" * 200_000, ".json is nested too deeply to be a table"),
    ("cell.json", '[{"Name": "A", "Notes": {"a": ' + "[" * 300 + "]" * 300 + "}}]",
     ".json: record 1, key 'Notes' holds a JSON object; a value must be text, a number, true, false or null"),
    ("rows.json", '[{"Name": "A"}, "B"]', ".json: record 2 is a JSON string, not an object"),
    ("object.json", '{"Name": "A"}', ".json is not a list of records"),
    ("nan.json", '[{"Name": "A", "Score": NaN}]', ".json is not valid UTF-8 JSON: NaN is not a JSON value"),
    ("half.json", '[{"Name": "\\udc00"}]', ".json: record 1 holds text that is not valid Unicode"),
    ("wide.json", "[{" + ", ".join(f'"k{i}": 1' for i in range(1001)) + "}]", ".json has more than 1000 columns"),
    ("nul.json", '[{"Name": "A", "VAT\\u0000no": "x"}]',
     "Custom field 'VAT\\x00no': the text contains a NUL character (\\x00), which cannot be stored."),
    ("nul.csv", "Name,VAT\x00no\nA,x\n",
     "Custom field 'VAT\\x00no': the text contains a NUL character (\\x00), which cannot be stored."),
    ("unnamed.csv", "Name,custom:\nA,x\n", "A custom field needs a name."),
    ("markup.json", '[{"Name": "A", "[/b]\\u0000": "x"}]', "Custom field '[/b]\\x00'"),
]


def test_the_api_refuses_them_with_a_422_naming_the_problem(api: TestClient, runtime: Runtime) -> None:
    for name, content, problem in REFUSED:
        error = assert_error(api.post("/api/v1/imports/clients", files={"file": (name, content.encode())}), 422,
                             "import_failed")
        assert problem in error["message"], (name, error)
    assert count(runtime, Client) == 0


def test_the_page_refuses_them_with_a_422_naming_the_problem(browser: TestClient, runtime: Runtime) -> None:
    """At the upload (a file that is no table) or at the check after the column step (a column)."""
    token = csrf_from(browser.get("/import").text)
    for name, content, problem in REFUSED:
        response = browser.post("/import", data={"csrf_token": token, "kind": "clients"},
                                files={"file": (name, content.encode())}, follow_redirects=False)
        if response.status_code == 303:
            response = browser.post(response.headers["location"], data={"csrf_token": token, "action": "check"})
        assert response.status_code == 422, (name, response.text[-500:])
        assert problem in html.unescape(response.text), name
    assert count(runtime, Client) == 0


def test_the_cli_refuses_them_with_one_error_line(runtime: Runtime, db_url: str, tmp_path: Path) -> None:
    for name, content, problem in REFUSED:
        path = tmp_path / name
        path.write_text(content, encoding="utf-8", newline="")
        result = CliRunner().invoke(cli, ["import", "clients", str(path), "--db", db_url], catch_exceptions=False)
        assert result.exit_code == 1, (name, result.output)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and problem in lines[0], (name, result.stderr)
    assert count(runtime, Client) == 0


def test_numbers_too_long_to_be_numbers_are_read_as_written(api: TestClient, runtime: Runtime) -> None:
    digits = "9" * 5000
    content = (f'[{{"Name": "A", "Revenue": {digits}}}, {{"Name": 1e999999999}}, '
               f'{{"Name": "C", "Created": 1e999999999}}, {{"Name": "D", "Created": -1e400}}]')
    response = api.post("/api/v1/imports/clients", files={"file": ("numbers.json", content.encode())})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["imported"], body["rejected"]) == (2, 2)
    assert [reject["record"] for reject in body["rejects"]] == [3, 4]
    assert "Created: not a date: '1e999999999'" in body["rejects"][0]["reason"]
    assert rows(runtime, Client, "name", "custom_fields") == [("A", {"Revenue": digits}), ("1e999999999", {})]


def test_a_nul_in_a_custom_field_value_rejects_its_row_naming_the_column(api: TestClient, runtime: Runtime) -> None:
    content = '[{"Name": "A", "VAT no": "MY\\u000099"}, {"Name": "B", "VAT no": "MY-1"}]'
    body = api.post("/api/v1/imports/clients", files={"file": ("v.json", content.encode())}).json()
    assert body["rejects"] == [{"record": 1, "reason": "VAT no: the text contains a NUL character (\\x00), which "
                                "cannot be stored.", "reasons": ["VAT no: the text contains a NUL character "
                                                                 "(\\x00), which cannot be stored."]}]
    assert rows(runtime, Client, "name", "custom_fields") == [("B", {"VAT no": "MY-1"})]
