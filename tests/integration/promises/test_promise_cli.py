"""The promise ledger's commands: record, keep, miss, re-promise, sweep, stats; complaints and
recovery; one-line errors for bad input."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from typer.testing import CliRunner

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.cli.main import app
from servicescape.clients import service as clients
from servicescape.runtime import Runtime
from tests.conftest import make_staff

runner = CliRunner()


def run(*args: str) -> object:
    return runner.invoke(app, list(args), catch_exceptions=False)


def _local(runtime: Runtime, hours: float) -> str:
    return (datetime.now(runtime.settings.zone) + timedelta(hours=hours)).isoformat(timespec="minutes")


def test_the_ledger_from_the_terminal(db_url: str, runtime: Runtime) -> None:
    make_staff(runtime, Role.staff, "siti@firm.example", "Siti")
    with runtime.transaction() as session:
        clients.clients.create(session, {"name": "Sejuk Sdn Bhd", "external_id": "SEJ", "tier": "key"}, by=SYSTEM)
    made = run("promises", "add", "SEJ", _local(runtime, -6), _local(runtime, -3), "--owner", "siti@firm.example",
               "--title", "Pembaikan aircond", "--json", "--db", db_url)
    assert made.exit_code == 0, made.output
    first = json.loads(made.output)["id"]
    second = json.loads(run("promises", "add", "SEJ", _local(runtime, -30), _local(runtime, -27), "--json",
                            "--db", db_url).output)["id"]
    kept = run("promises", "keep", str(first), "--at", _local(runtime, -2), "--json", "--db", db_url)
    assert json.loads(kept.output)["status"] == "late"
    swept = json.loads(run("promises", "sweep", "--json", "--db", db_url).output)
    assert swept["missed"] == 1 and swept["recovery_tasks"] == 1  # the late one got its task when kept
    assert json.loads(run("promises", "sweep", "--json", "--db", db_url).output)["missed"] == 0
    again = run("promises", "repromise", str(second), _local(runtime, 20), _local(runtime, 23), "--json", "--db",
                db_url)
    assert json.loads(again.output)["repromised_from_id"] == second
    stats = json.loads(run("promises", "stats", "--json", "--db", db_url).output)
    assert (stats["late_share"], stats["missed_share"], stats["kept_on_time_share"]) == (0.5, 0.5, 0.0)
    assert stats["by_staff"]["siti@firm.example"]["late"] == 1 and stats["mean_lateness_minutes"] >= 59
    table = run("promises", "list", "--view", "all", "--db", db_url)
    assert table.exit_code == 0 and "Sejuk Sdn Bhd" in table.output
    assert "everyone" in run("promises", "stats", "--db", db_url).output
    recovery = json.loads(run("recovery", "list", "--json", "--db", db_url).output)
    assert recovery["total"] == 2
    assert run("recovery", "close", str(recovery["items"][0]["id"]), "--outcome", "Dihubungi; diskaun diberi.",
               "--db", db_url).exit_code == 0
    complaint = json.loads(run("complaints", "add", "SEJ", "Tiada siapa datang.", "--severity", "high", "--json",
                               "--db", db_url).output)
    assert complaint["status"] == "open"
    assert run("complaints", "respond", str(complaint["id"]), "--db", db_url).exit_code == 0
    assert run("complaints", "resolve", str(complaint["id"]), "--outcome", "Juruteknik dihantar.",
               "--db", db_url).exit_code == 0
    assert json.loads(run("complaints", "stats", "--json", "--db", db_url).output)["resolved"] == 1
    assert "Sejuk" in run("complaints", "list", "--state", "all", "--db", db_url).output


def test_mistakes_are_one_line_errors(db_url: str, runtime: Runtime) -> None:
    with runtime.transaction() as session:
        clients.clients.create(session, {"name": "Ябълка ООД", "external_id": "YAB"}, by=SYSTEM)
    cancelled = json.loads(run("promises", "add", "YAB", _local(runtime, 5), _local(runtime, 6), "--json",
                               "--db", db_url).output)["id"]
    run("promises", "cancel", str(cancelled), "--reason", "Клиентът отказа", "--db", db_url)
    for args in (["promises", "add", "YAB", _local(runtime, 6), _local(runtime, 5)],
                 ["promises", "add", "NOBODY", _local(runtime, 5), _local(runtime, 6)],
                 ["promises", "keep", str(cancelled)],
                 ["promises", "miss", "999999"],
                 ["recovery", "close", "999999", "--outcome", "x"]):
        result = run(*args, "--db", db_url)
        assert result.exit_code == 1, (args, result.output)
        assert result.output.startswith("error:") and "Traceback" not in result.output, result.output
    bad_time = run("promises", "add", "YAB", "tomorrow", _local(runtime, 6), "--db", db_url)
    assert bad_time.exit_code == 2 and "start" in bad_time.output
