"""Competitors in the browser and at the command line, on both databases: the list and a competitor's
page (positioning, segments, the prices the firm noted under its name, what clients reported, where
clients named it), managers add, change and delete one, anyone who records adds what a client said;
a viewer reads only; ``competitors list|add|observe|mentions`` and ``accounts needs|needs-review``."""

from __future__ import annotations

import json
from decimal import Decimal

from typer.testing import CliRunner

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.cli.main import app as cli
from servicescape.clients import service as clients
from servicescape.offerings import catalogue
from servicescape.plan import competitors, mentions
from servicescape.runtime import Runtime
from tests.integration.pages.conftest import browser_as, field_error, flash_after, owner_browser, plain
from tests.integration.plan.knowledge_firm import answer_importance, client_with_revenue

__all__ = ["browser_as", "owner_browser"]     # the fixtures
runner = CliRunner()


def test_the_competitor_pages(runtime: Runtime, owner_browser, browser_as) -> None:  # type: ignore[no-untyped-def]
    empty = owner_browser.get("/competitors")
    assert empty.status_code == 200 and "No competitors yet" in empty.text
    added = owner_browser.post("/competitors", {"name": "CoolTech Services", "positioning": "parity",
                                                "segments": "Commercial, Retail", "website": "https://cooltech.example",
                                                "notes": "Quotes low."})
    assert "was added" in flash_after(added, owner_browser)
    rival = int(added.headers["location"].rsplit("/", 1)[1])
    twice = owner_browser.post("/competitors", {"name": "cooltech services"})
    assert twice.status_code == 409 and field_error(twice.text, "f-new-name")
    with runtime.transaction() as session:
        catalogue.competitor_prices.create(session, {"competitor": "CoolTech Services", "offer": "Maintenance Plus",
                                                     "price": Decimal(8900), "currency": "EUR",
                                                     "perceived_quality": 4.9}, by=SYSTEM)
        client = clients.clients.create(session, {"name": "Kedai Runcit Sdn Bhd"}, by=SYSTEM).id
        clients.interactions.create(session, {"client_id": client, "summary": "They compared us with CoolTech "
                                                                                 "Services."}, by=SYSTEM)
    staff = browser_as(Role.staff)
    said = staff.post(f"/competitors/{rival}/observations", {"kind": "weakness", "noted_on": "2026-03-01",
                                                             "client": "Kedai Runcit Sdn Bhd",
                                                             "text": "Missed two windows."})
    assert "was added" in flash_after(said, staff)
    unknown = staff.post(f"/competitors/{rival}/observations", {"kind": "weakness", "noted_on": "2026-03-01",
                                                                "client": "Nobody Ltd", "text": "x"})
    assert unknown.status_code == 422 and field_error(unknown.text, "f-observe-client")
    assert staff.post("/competitors", {"name": "Nope"}).status_code == 403
    with runtime.transaction() as session:
        assert mentions.scan(session, by=SYSTEM).added == 1
    page = owner_browser.get(f"/competitors/{rival}")
    assert page.status_code == 200
    text = plain(page.text)
    for expected in ("Parity", "Commercial, Retail", "Maintenance Plus", "8,900.00 EUR", "4.9", "Missed two windows.",
                     "Kedai Runcit Sdn Bhd", "They compared us with CoolTech Services."):
        assert expected in text, expected
    assert f'href="/clients/{client}"' in page.text
    listed = plain(owner_browser.get("/competitors").text)
    assert "CoolTech Services" in listed and "Commercial, Retail" in listed
    changed = owner_browser.post(f"/competitors/{rival}", {"name": "CoolTech Group", "positioning": "premium",
                                                           "segments": "Enterprise"})
    assert "was saved" in flash_after(changed, owner_browser)
    blank = owner_browser.post(f"/competitors/{rival}", {"name": " "})
    assert blank.status_code == 422 and field_error(blank.text, "f-edit-name")
    viewer = browser_as(Role.viewer)
    seen = viewer.get(f"/competitors/{rival}")
    assert seen.status_code == 200 and "Premium" in plain(seen.text) and "Change the competitor" not in seen.text
    with runtime.transaction() as session:
        observation = competitors.observations_of(session, rival, by=SYSTEM)[0].id
    assert viewer.post(f"/competitor-observations/{observation}/delete").status_code == 403
    assert "was deleted" in flash_after(staff.post(f"/competitor-observations/{observation}/delete"), staff)
    assert viewer.post(f"/competitors/{rival}/delete").status_code == 403
    assert "was deleted" in flash_after(owner_browser.post(f"/competitors/{rival}/delete"), owner_browser)
    assert owner_browser.get(f"/competitors/{rival}").status_code == 404
    assert owner_browser.get(f"/competitors/{rival}?page=0").status_code == 422


def test_the_competitor_and_account_commands(runtime: Runtime, db_url: str) -> None:
    client = client_with_revenue(runtime, "Kovács és Társa Kft.", 40_000)
    answer_importance(runtime, client, {"tangibles": 10, "reliability": 40, "responsiveness": 20, "assurance": 20,
                                        "empathy": 10}, days_ago=5)
    with runtime.transaction() as session:
        clients.interactions.create(session, {"client_id": client, "summary": "A Nordic Climate Partners ajánlata "
                                                                                 "drágább volt."}, by=SYSTEM)
    for args in (["competitors", "add", "Nordic Climate Partners", "--segment", "Commercial", "--segment",
                  "Enterprise", "--positioning", "premium"],
                 ["competitors", "observe", "nordic climate partners", "strength", "Detailed energy reports.",
                  "--client", "Kovács és Társa Kft."],
                 ["accounts", "needs", str(client), "--needs", "Lower energy bills.", "--criterion", "Price=30",
                  "--criterion", "Energy savings=70", "--next", "2030-01-01"]):
        result = runner.invoke(cli, [*args, "--db", db_url])
        assert result.exit_code == 0, result.output
    listed = json.loads(runner.invoke(cli, ["competitors", "list", "--json", "--db", db_url]).stdout)
    assert [(c["name"], c["positioning"], c["segments"]) for c in listed] == [
        ("Nordic Climate Partners", "premium", ["Commercial", "Enterprise"])]
    assert runner.invoke(cli, ["competitors", "list", "--db", db_url]).exit_code == 0
    found = runner.invoke(cli, ["competitors", "mentions", "--scan", "--json", "--db", db_url])
    assert found.exit_code == 0, found.output
    named = json.loads(found.stdout)
    assert named["total"] == 1 and "Nordic Climate Partners" in named["mentions"][0]["excerpt"]
    assert runner.invoke(cli, ["competitors", "mentions", "Nordic Climate Partners", "--db", db_url]).exit_code == 0
    missing = runner.invoke(cli, ["competitors", "observe", "Nobody", "strength", "x", "--db", db_url])
    assert missing.exit_code == 1 and "Nobody" in missing.output
    refused = runner.invoke(cli, ["accounts", "needs", str(client), "--criterion", "Price=30", "--db", db_url])
    assert refused.exit_code == 1 and "criteria" in refused.output
    shown = json.loads(runner.invoke(cli, ["accounts", "needs", str(client), "--json", "--db", db_url]).stdout)
    assert shown["needs"] == "Lower energy bills." and [c["weight"] for c in shown["criteria"]] == [30, 70]
    prefilled = json.loads(runner.invoke(cli, ["accounts", "needs", "Kovács és Társa Kft.", "--servqual", "--json",
                                               "--db", db_url]).stdout)
    assert [c["weight"] for c in prefilled["criteria"]] == [10, 40, 20, 20, 10]
    assert runner.invoke(cli, ["accounts", "needs", str(client), "--db", db_url]).exit_code == 0
    review = json.loads(runner.invoke(cli, ["accounts", "needs-review", "--json", "--db", db_url]).stdout)
    assert review["accounts"][0]["client_id"] == client and review["with_needs"] == 1
    assert runner.invoke(cli, ["accounts", "needs-review", "--db", db_url]).exit_code == 0
    assert runner.invoke(cli, ["accounts", "key", "--db", db_url]).exit_code == 0     # relationships' own still there
