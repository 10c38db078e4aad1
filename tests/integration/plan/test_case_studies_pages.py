"""Case studies' pages on both databases: the list, a new one for a client with its engagements,
outcomes and consented testimonials offered, the form's problems named at their fields, a case study
as the website shows it, changed (back to draft), approved, deleted, the export downloaded — and who
may do what."""

from __future__ import annotations

import json

from servicescape.auth.models import Role
from servicescape.plan.models import CaseStudy, CaseStudyStatus
from servicescape.runtime import Runtime
from tests.integration.offerings.conftest import build_catalogue
from tests.integration.pages.conftest import (  # noqa: F401
    Browser,
    browser_as,
    field_error,
    flash_after,
    owner_browser,
    plain,
)
from tests.integration.plan.message_firm import a_testimonial, a_value_case

FIELDS = {"title": "Breakdowns halved", "language": "", "segment": "", "package_id": "", "engagement_id": "",
          "outcome_id": "", "testimonial_id": "", "problem": "Chillers failed every month.",
          "approach": "A fortnightly maintenance round.", "result": "Half the breakdown hours.",
          "result_figure": "−50% breakdown hours"}


def test_a_case_study_made_approved_and_exported(owner_browser: Browser, runtime: Runtime) -> None:  # noqa: F811
    firm = build_catalogue(runtime)
    _case, outcome = a_value_case(runtime, firm.client_id, firm.done_ids[0])
    quote = a_testimonial(runtime, firm.client_id, "case_studies", "website", author="Siti Aminah")
    a_testimonial(runtime, firm.client_id, "website", author="Not For Case Studies")
    assert "No case studies here" in plain(owner_browser.get("/case-studies").text)
    chooser = owner_browser.get("/case-studies/new")
    assert chooser.status_code == 200 and "For which client?" in plain(chooser.text)
    unknown = owner_browser.get("/case-studies/new?client=Nobody%20Ltd")
    assert unknown.status_code == 422 and field_error(unknown.text, "f-client") is not None
    form = owner_browser.get("/case-studies/new?client=Permata%20Timur%20Sdn%20Bhd")
    text = plain(form.text)
    assert form.status_code == 200 and "Breakdown hours down by a third" in text and "Siti Aminah" in text
    assert "Not For Case Studies" not in text                       # no consent to case studies

    posted = {**FIELDS, "client_id": str(firm.client_id), "engagement_id": str(firm.done_ids[0]),
              "outcome_id": str(outcome), "testimonial_id": str(quote)}
    missing = owner_browser.post("/case-studies", {**posted, "problem": ""})
    assert missing.status_code == 422 and field_error(missing.text, "f-case-problem") is not None
    no_client = owner_browser.post("/case-studies", {**FIELDS, "client_id": ""})
    assert no_client.status_code == 422 and "Choose the client first." in plain(no_client.text)
    made = owner_browser.post("/case-studies", posted)
    assert "draft" in flash_after(made, owner_browser)
    study_id = int(made.headers["location"].rsplit("/", 1)[1])
    page = plain(owner_browser.get(f"/case-studies/{study_id}").text)
    assert "Permata Timur Sdn Bhd" in page and "Every call-out came inside the promised window." in page
    assert "−50% breakdown hours" in page

    assert owner_browser.post(f"/case-studies/{study_id}/approve").status_code == 303
    listed = plain(owner_browser.get("/case-studies?status=approved").text)
    assert "Breakdowns halved" in listed and "Approved" in listed
    assert owner_browser.get("/case-studies?status=lost").status_code == 422
    download = owner_browser.get("/case-studies/export")
    assert download.status_code == 200 and "attachment" in download.headers["content-disposition"]
    assert json.loads(download.text)[0]["client"] == "Permata Timur Sdn Bhd"
    html = owner_browser.get("/case-studies/export?format=html")
    assert html.status_code == 200 and "Breakdowns halved" in html.text and "case-studies.html" in \
        html.headers["content-disposition"]

    wrong = owner_browser.post(f"/case-studies/{study_id}", {**FIELDS, "language": "en",
                                                              "engagement_id": str(firm.done_ids[0] + 1000)})
    assert wrong.status_code == 422 and field_error(wrong.text, "f-edit-engagement_id") is not None
    changed = owner_browser.post(f"/case-studies/{study_id}", {**FIELDS, "language": "en", "title": "Half the stops"})
    assert changed.status_code == 303
    with runtime.transaction() as session:
        found = session.get(CaseStudy, study_id)
        assert found is not None and found.title == "Half the stops" and found.status == CaseStudyStatus.draft
    assert owner_browser.post(f"/case-studies/{study_id}/delete").status_code == 303
    assert owner_browser.get(f"/case-studies/{study_id}").status_code == 404


def test_who_may_do_what(browser_as, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    firm = build_catalogue(runtime)
    manager = browser_as(Role.manager)
    made = manager.post("/case-studies", {**FIELDS, "client_id": str(firm.client_id)})
    study_id = int(made.headers["location"].rsplit("/", 1)[1])
    viewer, staff = browser_as(Role.viewer), browser_as(Role.staff)
    for who in (viewer, staff):
        assert who.get("/case-studies").status_code == 200
        assert who.get(f"/case-studies/{study_id}").status_code == 200
        assert who.post(f"/case-studies/{study_id}/approve").status_code == 403
        assert who.post(f"/case-studies/{study_id}/delete").status_code == 403
    assert viewer.get("/case-studies/new").status_code == 403
    assert viewer.post("/case-studies", {**FIELDS, "client_id": str(firm.client_id)}).status_code == 403
    assert viewer.post(f"/case-studies/{study_id}", {**FIELDS, "language": "en"}).status_code == 403
    assert "Change it" not in plain(viewer.get(f"/case-studies/{study_id}").text)
    assert staff.post(f"/case-studies/{study_id}", {**FIELDS, "language": "en"}).status_code == 303
