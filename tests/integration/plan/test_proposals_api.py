"""Proposals through the API and the command line on both databases: the client's language by default,
the message approved in it (else 422), the value case the client's own, case studies approved and
testimonials consented for proposals; the message's use recorded and moved with the proposal; the
pack as a PDF in its language."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.cli.main import app as cli
from servicescape.plan import case_studies
from servicescape.runtime import Runtime
from tests.conftest import api_as
from tests.integration.offerings.conftest import build_catalogue
from tests.integration.plan.message_firm import WORDS, a_client, a_message, a_testimonial, a_value_case, pdf_says

runner = CliRunner()


def an_approved_case_study(runtime: Runtime, client_id: int, package_id: int | None, *, approve: bool = True) -> int:
    with runtime.transaction() as session:
        made = case_studies.case_studies.create(session, {
            "title": "Breakdowns halved", "client_id": client_id, "package_id": package_id, "language": "en",
            "problem": "Chillers failed.", "approach": "A maintenance round.", "result": "Half the breakdowns."},
            by=SYSTEM)
        if approve:
            case_studies.approve(session, made.id, by=SYSTEM)
        return made.id


def test_a_proposal_its_rules_and_its_message(api: TestClient, app, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    firm = build_catalogue(runtime)
    other = a_client(runtime, "Someone Else Kft.", language="hu")
    message = a_message(runtime, "Your plant keeps running", ("en", "ms"))
    case_id, _outcome = a_value_case(runtime, firm.client_id)
    their_case, _none = a_value_case(runtime, other)
    study = an_approved_case_study(runtime, other, firm.package_id)
    draft_study = an_approved_case_study(runtime, other, None, approve=False)
    for_proposals = a_testimonial(runtime, other, "proposals")
    website_only = a_testimonial(runtime, other, "website")
    body: dict[str, Any] = {"client_id": firm.client_id, "title": "Premier for the head office",
                            "package_id": firm.package_id, "value_case_id": case_id, "message_id": message,
                            "case_study_ids": [study], "testimonial_ids": [for_proposals]}
    for field, changes in (("message_id", {"language": "hu"}), ("value_case_id", {"value_case_id": their_case}),
                           ("case_study_ids", {"case_study_ids": [study, draft_study]}),
                           ("testimonial_ids", {"testimonial_ids": [website_only]}),
                           ("language", {"language": "xx"}), ("client_id", {"client_id": 999999})):
        refused = api.post("/api/v1/proposals", json={**body, **changes})
        assert refused.status_code == 422 and refused.json()["error"]["field"] == field, (field, refused.text)
    assert api.get("/api/v1/proposals").json()["total"] == 0
    assert api.get("/api/v1/message-uses").json() == []

    made = api.post("/api/v1/proposals", json=body)
    assert made.status_code == 201, made.text
    proposal = made.json()
    assert proposal["language"] == "ms" and proposal["created_by_id"] is not None       # the client's language
    assert api.get(f"/api/v1/proposals/{proposal['id']}").json() == proposal
    uses = api.get("/api/v1/message-uses", params={"message_id": message}).json()
    assert [(u["proposal_id"], u["client_id"], u["interaction_id"]) for u in uses] == \
        [(proposal["id"], firm.client_id, None)]
    malay_version = uses[0]["version_id"]
    assert api.delete(f"/api/v1/message-uses/{uses[0]['id']}").status_code == 409     # it follows the proposal

    pdf = api.get(f"/api/v1/proposals/{proposal['id']}/pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert pdf_says(pdf.content, "/Lang (ms)") and pdf_says(pdf.content, WORDS["ms"])
    assert pdf_says(pdf.content, "Premier for the head office") and not pdf_says(pdf.content, WORDS["en"])

    # a new language moves the message's use to that language's text; no message, no use
    moved = api.patch(f"/api/v1/proposals/{proposal['id']}", json={"language": "en"})
    assert moved.status_code == 200 and moved.json()["language"] == "en"
    uses = api.get("/api/v1/message-uses", params={"message_id": message}).json()
    assert len(uses) == 1 and uses[0]["version_id"] != malay_version
    english = api.get(f"/api/v1/proposals/{proposal['id']}/pdf")
    assert pdf_says(english.content, WORDS["en"]) and pdf_says(english.content, "/Lang (en)")
    refused = api.patch(f"/api/v1/proposals/{proposal['id']}", json={"language": "bg"})
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "message_id"
    assert api.patch(f"/api/v1/proposals/{proposal['id']}", json={"message_id": None}).status_code == 200
    assert api.get("/api/v1/message-uses", params={"message_id": message}).json() == []

    viewer = api_as(app, runtime, Role.viewer)
    assert viewer.get(f"/api/v1/proposals/{proposal['id']}/pdf").status_code == 200
    assert viewer.post("/api/v1/proposals", json=body).status_code == 403
    assert viewer.delete(f"/api/v1/proposals/{proposal['id']}").status_code == 403
    assert [p["id"] for p in viewer.get("/api/v1/proposals", params={"client_id": firm.client_id}).json()["items"]] \
        == [proposal["id"]]
    api.post(f"/api/v1/messages/{message}/retire")
    retired = api.patch(f"/api/v1/proposals/{proposal['id']}", json={"message_id": message})
    assert retired.status_code == 409
    assert api.delete(f"/api/v1/proposals/{proposal['id']}").status_code == 204
    assert api.get(f"/api/v1/proposals/{proposal['id']}/pdf").status_code == 404
    viewer.close()


def test_a_chinese_pack_and_the_proposals_commands(runtime: Runtime, db_url: str, tmp_path: Path) -> None:
    firm = build_catalogue(runtime)
    client = a_client(runtime, "广州启源医疗管理股份有限公司", language="zh-Hans")
    message = a_message(runtime, "Your plant keeps running", ("en", "zh-Hans"))
    quote = a_testimonial(runtime, firm.client_id, "proposals")
    refused = runner.invoke(cli, ["proposals", "make", str(client), "--title", "x", "--message", str(message),
                                  "--language", "ms", "--db", db_url])
    assert refused.exit_code == 1 and "message_id" in refused.output
    made = runner.invoke(cli, ["proposals", "make", str(client), "--title", "设备维护方案", "--message", str(message),
                               "--package", str(firm.package_id), "--testimonial", str(quote), "--db", db_url,
                               "--json"])
    assert made.exit_code == 0, made.output
    proposal = json.loads(made.stdout)
    assert proposal["language"] == "zh-Hans" and proposal["testimonial_ids"] == [quote]
    listed = runner.invoke(cli, ["proposals", "list", "--client", str(client), "--db", db_url, "--json"])
    assert [(p["id"], p["message"]) for p in json.loads(listed.stdout)] == \
        [(proposal["id"], "Your plant keeps running")]
    assert runner.invoke(cli, ["proposals", "list", "--db", db_url]).exit_code == 0
    target = tmp_path / "proposal.pdf"
    written = runner.invoke(cli, ["proposals", "pdf", str(proposal["id"]), "--out", str(target), "--db", db_url])
    assert written.exit_code == 0, written.output
    content = target.read_bytes()
    assert content.startswith(b"%PDF") and pdf_says(content, WORDS["zh-Hans"]) and pdf_says(content, "设备维护方案")
    assert pdf_says(content, "/Lang (zh-Hans)")
    assert runner.invoke(cli, ["proposals", "pdf", "99999", "--out", str(target), "--db", db_url]).exit_code == 1
