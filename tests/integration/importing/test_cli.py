"""``servicescape import`` and ``servicescape export`` as a user runs them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from servicescape.cli.main import app
from servicescape.clients.models import Client
from servicescape.runtime import Runtime
from tests.integration.importing.conftest import CORPUS, count, read_csv

runner = CliRunner()


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False)


def copy(name: str, tmp_path: Path) -> Path:
    return Path(shutil.copy(CORPUS / name, tmp_path / name))


def test_import_json_output_and_rejects_file(runtime: Runtime, db_url: str, tmp_path: Path) -> None:
    path = copy("clients_bad_rows.csv", tmp_path)
    result = run("import", "clients", str(path), "--db", db_url, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"read": 7, "imported": 2, "updated": 0, "rejected": 5, "warnings": 0}
    rejects = tmp_path / "clients_bad_rows.csv.rejects.csv"
    assert [row[0] for row in read_csv(rejects)] == ["record", "3", "4", "5", "6", "7"]
    again = run("import", "clients", str(path), "--db", db_url, "--json", "--rejects", str(tmp_path / "r.csv"))
    assert json.loads(again.stdout)["updated"] == 2 and (tmp_path / "r.csv").exists()


def test_import_summary_on_a_terminal_less_run(runtime: Runtime, db_url: str, tmp_path: Path) -> None:
    path = copy("clients_bad_rows.csv", tmp_path)
    result = run("import", "clients", str(path), "--db", db_url)
    assert result.exit_code == 0
    assert "5 rejected rows with their reasons are in" in result.stdout
    assert "rejected: record 5: Country: unknown country: 'Atlantis'" in " ".join(result.stdout.split())


def test_dry_run_map_dayfirst_and_sheet_options(runtime: Runtime, db_url: str, tmp_path: Path) -> None:
    source = tmp_path / "c.csv"
    source.write_text("Kundennummer;Firma;Seit\nK-1;Müller GmbH;03/05/2024\n", encoding="utf-8")
    result = run("import", "clients", str(source), "--db", db_url, "--dry-run", "--json",
                 "--map", "Kundennummer=external_id", "--map", "Firma=name", "--map", "Seit=created_at", "--dayfirst")
    assert json.loads(result.stdout) == {"read": 1, "imported": 1, "updated": 0, "rejected": 0, "warnings": 0}
    assert count(runtime, Client) == 0
    run("import", "clients", str(source), "--db", db_url, "--map", "Kundennummer=external_id",
        "--map", "Firma=name", "--map", "Seit=created_at", "--dayfirst")
    with runtime.transaction() as session:
        client = session.query(Client).one()
        assert (client.external_id, client.created_at.date().isoformat()) == ("K-1", "2024-05-03")  # 3 May
    book = run("import", "invoices", str(CORPUS / "workbook_two_sheets.xlsx"), "--sheet", "Invoices", "--db",
               db_url, "--json", "--rejects", str(tmp_path / "r.csv"))
    assert json.loads(book.stdout)["rejected"] == 6  # no such clients in this book


def test_whole_file_errors_exit_1_with_one_line(runtime: Runtime, db_url: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["import", "invoices", str(CORPUS / "clients_hu_cp1250.csv"), "--db", db_url])
    assert result.exit_code == 1
    assert "no column for client_external_id or client_name" in " ".join(result.stderr.split())
    bad_map = runner.invoke(app, ["import", "clients", str(CORPUS / "clients_hu_cp1250.csv"), "--db", db_url,
                                  "--map", "no equals sign"])
    assert bad_map.exit_code == 1 and "--map expects" in bad_map.stderr
    missing = runner.invoke(app, ["import", "clients", str(tmp_path / "nope.csv"), "--db", db_url])
    assert missing.exit_code == 2


def test_export_then_import_elsewhere(runtime: Runtime, db_url: str, tmp_path: Path) -> None:
    run("import", "clients", str(CORPUS / "hubspot_companies.csv"), "--db", db_url)
    for fmt in ("csv", "xlsx", "json"):
        out = tmp_path / f"clients.{fmt}"
        result = run("export", "clients", "--out", str(out), "--db", db_url)
        assert result.exit_code == 0 and f"Exported 8 clients to {out} ({fmt})" in " ".join(result.stdout.split())
    exported = read_csv(tmp_path / "clients.csv")
    assert exported[0][-2:] == ["Annual Revenue", "Number of Employees"]
    again = run("import", "clients", str(tmp_path / "clients.xlsx"), "--db", db_url, "--json")
    assert json.loads(again.stdout) == {"read": 8, "imported": 0, "updated": 8, "rejected": 0, "warnings": 0}
    explicit = run("export", "invoices", "--format", "json", "--out", str(tmp_path / "inv.data"), "--db", db_url)
    assert explicit.exit_code == 0 and json.loads((tmp_path / "inv.data").read_text()) == []


def test_help_texts() -> None:
    result = runner.invoke(app, ["import", "--help"])
    text = " ".join(result.stdout.split())
    for words in ("--dayfirst", "--monthfirst", "--dry-run", "--rejects", "--map", "--sheet", "--encoding",
                  "clients|contacts", "interactions", "HEADER=field"):
        assert words in text
    assert "--format" in runner.invoke(app, ["export", "--help"]).stdout
