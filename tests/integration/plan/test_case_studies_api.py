"""Case studies through the API and the command line on both databases: links that must be the client's
own (422 naming the field), the testimonial approved and consented, approval by managers, a change
sending an approved one back to draft, and the website export — approved only, the client named only
with its consent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.cli.main import app as cli
from servicescape.referrals import service as referrals
from servicescape.runtime import Runtime
from tests.conftest import api_as
from tests.integration.offerings.conftest import build_catalogue
from tests.integration.plan.message_firm import a_client, a_completed_engagement, a_testimonial, a_value_case

runner = CliRunner()


def body(client_id: int, **changes: Any) -> dict[str, Any]:
    return {"title": "Breakdowns halved", "client_id": client_id, "problem": "Chillers failed every month.",
            "approach": "A fortnightly maintenance round and a four-hour response desk.",
            "result": "Breakdown hours fell by half in a year.", "result_figure": "−50% breakdown hours", **changes}


def test_links_must_be_the_clients_own(api: TestClient, runtime: Runtime) -> None:
    firm = build_catalogue(runtime)
    other = a_client(runtime, "Someone Else Kft.", language="hu", segment="Industrial")
    _case, outcome = a_value_case(runtime, firm.client_id, firm.done_ids[0])
    _theirs, their_outcome = a_value_case(runtime, other, a_completed_engagement(runtime, other))
    pending = a_testimonial(runtime, firm.client_id, "case_studies", approved=False)
    website_only = a_testimonial(runtime, firm.client_id, "website")
    theirs = a_testimonial(runtime, other, "case_studies", "website")
    consented = a_testimonial(runtime, firm.client_id, "case_studies")
    before = api.get("/api/v1/case-studies").json()["total"]
    for field, value in (("engagement_id", firm.done_ids[0] + 1000), ("outcome_id", their_outcome),
                         ("testimonial_id", pending), ("testimonial_id", website_only), ("testimonial_id", theirs),
                         ("language", "xx")):
        refused = api.post("/api/v1/case-studies", json=body(firm.client_id, **{field: value}))
        assert refused.status_code == 422 and refused.json()["error"]["field"] == field, (field, refused.text)
    assert api.post("/api/v1/case-studies", json=body(firm.client_id, status="approved")).status_code == 422
    assert api.get("/api/v1/case-studies").json()["total"] == before

    made = api.post("/api/v1/case-studies", json=body(firm.client_id, engagement_id=firm.done_ids[0],
                                                      outcome_id=outcome, testimonial_id=consented))
    assert made.status_code == 201, made.text
    study = made.json()
    # the client's language and the engagement's package by default; a draft until approved
    assert (study["language"], study["package_id"], study["status"]) == ("ms", firm.package_id, "draft")
    assert api.get(f"/api/v1/case-studies/{study['id']}").json() == study
    moved = api.patch(f"/api/v1/case-studies/{study['id']}", json={"client_id": other})
    assert moved.status_code == 422 and moved.json()["error"]["field"] == "engagement_id"
    english = api.patch(f"/api/v1/case-studies/{study['id']}", json={"language": "en"}).json()
    assert english["language"] == "en" and english["status"] == "draft"
    again = api.patch(f"/api/v1/case-studies/{study['id']}", json={"language": None})     # the client's again
    assert again.status_code == 200 and again.json()["language"] == "ms"


def test_approval_and_the_website_export(api: TestClient, app, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    firm = build_catalogue(runtime)
    other = a_client(runtime, "Kovács és Társa Kft.", language="hu", segment="Industrial", industry="Manufacturing")
    public = a_testimonial(runtime, firm.client_id, "case_studies", "website", author="Siti Aminah")
    private = a_testimonial(runtime, other, "case_studies", author="Kovács Eszter")
    named = api.post("/api/v1/case-studies", json=body(firm.client_id, title="Cooler <b>offices</b>",
                                                       testimonial_id=public, language="en")).json()
    unnamed = api.post("/api/v1/case-studies", json=body(other, title="A line that never stops",
                                                         testimonial_id=private)).json()
    draft = api.post("/api/v1/case-studies", json=body(other, title="Still a draft")).json()
    assert unnamed["segment"] == "Industrial" and unnamed["language"] == "hu"

    viewer, staff = api_as(app, runtime, Role.viewer), api_as(app, runtime, Role.staff)
    assert viewer.post("/api/v1/case-studies", json=body(other)).status_code == 403
    assert staff.post("/api/v1/case-studies", json=body(other)).status_code == 201
    assert staff.post(f"/api/v1/case-studies/{named['id']}/approve").status_code == 403
    assert viewer.delete(f"/api/v1/case-studies/{draft['id']}").status_code == 403
    for study in (named, unnamed):
        approved = api.post(f"/api/v1/case-studies/{study['id']}/approve")
        assert approved.status_code == 200 and approved.json()["status"] == "approved"
        assert approved.json()["approved_at"] is not None
    assert api.post(f"/api/v1/case-studies/{named['id']}/approve").status_code == 409
    listed = api.get("/api/v1/case-studies", params={"status": "approved"}).json()
    assert {s["id"] for s in listed["items"]} == {named["id"], unnamed["id"]}
    assert api.get("/api/v1/case-studies", params={"client_id": other, "status": "draft"}).json()["total"] == 2

    exported = viewer.get("/api/v1/case-studies/export").json()
    assert {s["title"] for s in exported} == {"Cooler <b>offices</b>", "A line that never stops"}
    by_title = {s["title"]: s for s in exported}
    assert by_title["Cooler <b>offices</b>"]["client"] == "Permata Timur Sdn Bhd"
    assert by_title["Cooler <b>offices</b>"]["testimonial"]["by"] == "Siti Aminah, Facilities manager"
    hidden = by_title["A line that never stops"]
    assert hidden["client"] is None and (hidden["segment"], hidden["industry"]) == ("Industrial", "Manufacturing")
    assert hidden["testimonial"]["by"] == "Facilities manager"                 # the role, not the name
    assert "Kovács" not in json.dumps(exported, ensure_ascii=False)
    page = viewer.get("/api/v1/case-studies/export", params={"format": "html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Cooler &lt;b&gt;offices&lt;/b&gt;" in page.text and "Still a draft" not in page.text
    assert "<script" not in page.text and 'lang="hu"' in page.text
    assert api.get("/api/v1/case-studies/export", params={"language": "hu"}).json()[0]["title"] == \
        "A line that never stops"
    assert api.get("/api/v1/case-studies/export", params={"format": "pdf"}).status_code == 422

    # a change sends an approved case study back to draft (and out of the export)
    changed = api.patch(f"/api/v1/case-studies/{unnamed['id']}", json={"result": "No stop in two summers."})
    assert changed.json()["status"] == "draft" and changed.json()["approved_by_id"] is None
    assert [s["title"] for s in api.get("/api/v1/case-studies/export").json()] == ["Cooler <b>offices</b>"]
    # a testimonial withdrawn since is caught on approval
    with runtime.transaction() as session:
        referrals.reject(session, referrals.testimonials.get(session, private, by=SYSTEM), by=SYSTEM)
    withdrawn = api.post(f"/api/v1/case-studies/{unnamed['id']}/approve")
    assert withdrawn.status_code == 422 and withdrawn.json()["error"]["field"] == "testimonial_id"
    assert api.delete(f"/api/v1/case-studies/{draft['id']}").status_code == 204
    viewer.close()
    staff.close()


def test_the_cases_commands(runtime: Runtime, db_url: str, tmp_path: Path) -> None:
    firm = build_catalogue(runtime)
    quote = a_testimonial(runtime, firm.client_id, "case_studies", "website")
    added = runner.invoke(cli, ["cases", "add", "--client", "Permata Timur Sdn Bhd", "--title", "Breakdowns halved",
                                "--problem", "Chillers failed.", "--approach", "A maintenance round.",
                                "--result", "Half the breakdown hours.", "--figure", "−50%", "--testimonial",
                                str(quote), "--engagement", str(firm.done_ids[0]), "--db", db_url, "--json"])
    assert added.exit_code == 0, added.output
    study = json.loads(added.stdout)
    assert study["status"] == "draft" and study["language"] == "ms"
    refused = runner.invoke(cli, ["cases", "add", "--client", str(firm.client_id), "--title", "x", "--problem", "x",
                                  "--approach", "x", "--result", "x", "--outcome", "99999", "--db", db_url])
    assert refused.exit_code == 1 and "outcome_id" in refused.output
    empty = runner.invoke(cli, ["cases", "export", "--db", db_url])
    assert empty.exit_code == 0 and json.loads(empty.stdout) == []
    assert runner.invoke(cli, ["cases", "approve", str(study["id"]), "--db", db_url]).exit_code == 0
    listed = runner.invoke(cli, ["cases", "list", "--status", "approved", "--db", db_url, "--json"])
    assert [s["id"] for s in json.loads(listed.stdout)] == [study["id"]]
    assert runner.invoke(cli, ["cases", "list", "--client", "Permata Timur Sdn Bhd", "--db", db_url]).exit_code == 0
    out, html = tmp_path / "cases.json", tmp_path / "cases.html"
    written = runner.invoke(cli, ["cases", "export", "--out", str(out), "--html", str(html), "--db", db_url])
    assert written.exit_code == 0 and "1 approved" in written.output
    saved = json.loads(out.read_text("utf-8"))
    assert saved[0]["client"] == "Permata Timur Sdn Bhd" and saved[0]["result_figure"] == "−50%"
    assert "Breakdowns halved" in html.read_text("utf-8")
