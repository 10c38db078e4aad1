"""Word of mouth's commands: testimonials add, approve, export; referrals add, status, list, stats —
with --json, and one-line errors for bad input."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from servicescape.auth.permissions import SYSTEM
from servicescape.cli.main import app
from servicescape.clients import service as clients
from servicescape.runtime import Runtime

runner = CliRunner()


def run(*args: str) -> object:
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_testimonials_from_the_terminal(db_url: str, runtime: Runtime) -> None:
    with runtime.transaction() as session:
        clients.clients.create(session, {"name": "Sejuk Sdn Bhd", "external_id": "SEJ"}, by=SYSTEM)
    made = run("testimonials", "add", "SEJ", "--author", "Siti Aminah", "--role", "Pengurus", "--text",
               "Sentiasa tepat pada masanya.", "--language", "ms", "--consent-by", "Siti Aminah", "--use", "website",
               "--use", "proposals", "--json", "--db", db_url)
    assert made.exit_code == 0, made.output
    row = json.loads(made.output)
    assert (row["status"], row["consent_uses"], row["language"]) == ("pending", ["website", "proposals"], "ms")
    draft = json.loads(run("testimonials", "add", "SEJ", "--author", "Ali", "--text", "Bagus.", "--json",
                           "--db", db_url).output)
    assert draft["status"] == "draft"
    refused = run("testimonials", "approve", str(draft["id"]), "--db", db_url)
    assert refused.exit_code == 1 and "consent" in refused.output
    approved = run("testimonials", "approve", str(row["id"]), "--json", "--db", db_url)
    assert json.loads(approved.output)["status"] == "approved"
    exported = json.loads(run("testimonials", "export", "--use", "website", "--json", "--db", db_url).output)
    assert [t["id"] for t in exported] == [row["id"]] and exported[0]["client"] == "Sejuk Sdn Bhd"
    assert json.loads(run("testimonials", "export", "--use", "case_studies", "--json", "--db", db_url).output) == []
    html = run("testimonials", "export", "--use", "proposals", "--db", db_url)
    assert '<blockquote lang="ms"><p>Sentiasa tepat pada masanya.</p></blockquote>' in html.output
    bad = run("testimonials", "add", "SEJ", "--author", "Ali", "--text", "Bagus.", "--language", "fr", "--db", db_url)
    assert bad.exit_code == 1 and "language" in bad.output


def test_referrals_from_the_terminal(db_url: str, runtime: Runtime) -> None:
    with runtime.transaction() as session:
        for name, ref in (("Sejuk Sdn Bhd", "SEJ"), ("Panas Bhd", "PAN")):
            clients.clients.create(session, {"name": name, "external_id": ref}, by=SYSTEM)
    prospect = json.loads(run("referrals", "add", "SEJ", "--prospect", "Tan Wei Ming", "--company", "Syarikat Prospek",
                              "--on", "2025-03-04", "--json", "--db", db_url).output)
    assert (prospect["status"], prospect["prospect_name"]) == ("new", "Tan Wei Ming")
    client = run("referrals", "add", "SEJ", "--client", "PAN", "--on", "2025-04-01", "--status", "won", "--value",
                 "8000", "--currency", "EUR", "--json", "--db", db_url)
    assert client.exit_code == 0, client.output
    assert json.loads(client.output)["value_won"] == "8000.00"
    lost = json.loads(run("referrals", "status", str(prospect["id"]), "lost", "--json", "--db", db_url).output)
    assert lost["status"] == "lost"
    listed = json.loads(run("referrals", "list", "--year", "2025", "--json", "--db", db_url).output)
    assert listed["total"] == 2 and listed["items"][0]["referred"] == "Panas Bhd"
    assert listed["items"][1]["referred"] == "Tan Wei Ming, Syarikat Prospek"
    stats = json.loads(run("referrals", "stats", "--year", "2025", "--json", "--db", db_url).output)
    assert (stats["total"], stats["won"], stats["conversion_rate"], stats["win_rate"]) == (2, 1, 0.5, 0.5)
    assert stats["value_won"] == 8000.0 and stats["top_by_count"][0]["name"] == "Sejuk Sdn Bhd"
    table = run("referrals", "stats", "--db", db_url)
    assert table.exit_code == 0 and "conversion 50.0%" in table.output
    assert "Panas Bhd" in run("referrals", "list", "--db", db_url).output
    itself = run("referrals", "add", "SEJ", "--client", "SEJ", "--db", db_url)
    assert itself.exit_code == 1 and "referred_client_id" in itself.output
    both = run("referrals", "add", "SEJ", "--client", "PAN", "--prospect", "X", "--db", db_url)
    assert both.exit_code == 1 and "not both" in both.output
    unwon = run("referrals", "status", str(prospect["id"]), "won", "--db", db_url)
    assert unwon.exit_code == 1 and "value_won" in unwon.output
