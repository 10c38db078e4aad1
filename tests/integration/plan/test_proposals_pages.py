"""Proposals' pages on both databases: a new proposal for a client (the case studies that fit offered
first), the form's problems named at their fields, the pack in the client's language (page, print
view, PDF) while the page around it stays in the reader's, changed and deleted; the client page's
section; and who may do what."""

from __future__ import annotations

from datetime import date

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.plan import case_studies, proposals
from servicescape.plan.models import MessageUse, Proposal
from servicescape.plan.proposal_pages import client_proposals
from servicescape.runtime import Runtime
from servicescape.web.templating import ENVIRONMENT, Formatter
from tests.integration.offerings.conftest import build_catalogue
from tests.integration.pages.conftest import (  # noqa: F401
    Browser,
    browser_as,
    field_error,
    flash_after,
    owner_browser,
    plain,
)
from tests.integration.plan.message_firm import WORDS, a_client, a_message, a_testimonial, a_value_case, pdf_says


def a_case_study(runtime: Runtime, client_id: int, package_id: int | None, title: str) -> int:
    with runtime.transaction() as session:
        made = case_studies.case_studies.create(session, {
            "title": title, "client_id": client_id, "package_id": package_id, "language": "en",
            "problem": "Chillers failed.", "approach": "A maintenance round.", "result": "Half the breakdowns.",
            "result_figure": "−50% breakdowns"}, by=SYSTEM)
        case_studies.approve(session, made.id, by=SYSTEM)
        return made.id


def test_a_proposal_made_shown_and_changed(owner_browser: Browser, runtime: Runtime) -> None:  # noqa: F811
    firm = build_catalogue(runtime)
    other = a_client(runtime, "Someone Else Kft.", language="hu")
    message = a_message(runtime, "Your plant keeps running", ("en", "ms"))
    case_id, _outcome = a_value_case(runtime, firm.client_id)
    fits = a_case_study(runtime, other, firm.package_id, "Same package, same story")
    elsewhere = a_case_study(runtime, other, None, "Another story")
    quote = a_testimonial(runtime, other, "proposals", author="Kovács Eszter")
    assert "No proposals yet" in plain(owner_browser.get("/proposals").text)
    assert "For which prospect or client?" in plain(owner_browser.get("/proposals/new").text)
    assert owner_browser.get("/proposals/new?client=Nobody").status_code == 422
    form = owner_browser.get(f"/proposals/new?client={firm.client_id}")
    text = plain(form.text)
    assert form.status_code == 200 and "Premier for the head office" in text and "Kovács Eszter" in text
    assert text.index("Same package, same story") < text.index("Another story")      # what fits comes first
    assert "Your plant keeps running (en, ms)" in text

    fields = {"client_id": str(firm.client_id), "title": "Premier for Permata Timur", "language": "",
              "package_id": str(firm.package_id), "value_case_id": str(case_id), "message_id": str(message),
              "sent_on": "2026-03-02", f"case_study_{fits}": "1", f"testimonial_{quote}": "1"}
    in_hungarian = owner_browser.post("/proposals", {**fields, "language": "hu"})
    assert in_hungarian.status_code == 422 and field_error(in_hungarian.text, "f-message_id") is not None
    bad_date = owner_browser.post("/proposals", {**fields, "sent_on": "soon"})
    assert bad_date.status_code == 422 and field_error(bad_date.text, "f-sent_on") is not None
    no_client = owner_browser.post("/proposals", {**fields, "client_id": "x"})
    assert no_client.status_code == 422 and "Choose the client first." in plain(no_client.text)
    made = owner_browser.post("/proposals", fields)
    assert "made" in flash_after(made, owner_browser)
    proposal_id = int(made.headers["location"].rsplit("/", 1)[1])

    page = owner_browser.get(f"/proposals/{proposal_id}")
    shown = plain(page.text)
    assert page.status_code == 200 and 'lang="ms"' in page.text and WORDS["ms"] in shown
    assert "Disediakan untuk Permata Timur Sdn Bhd" in shown            # the pack in Malay …
    assert "Printable page" in shown                                     # … the page around it in English
    assert "Premier" in shown and "18,500.00" in shown and "2,500.00" in shown   # levels and the value case
    assert "Same package, same story" in shown and "Another story" not in shown and "Kovács Eszter" in shown
    printed = owner_browser.get(f"/proposals/{proposal_id}/print")
    assert printed.status_code == 200 and "site-nav" not in printed.text and WORDS["ms"] in printed.text
    pdf = owner_browser.get(f"/proposals/{proposal_id}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and pdf_says(pdf.content, WORDS["ms"])

    edit = owner_browser.get(f"/proposals/{proposal_id}/edit")
    assert edit.status_code == 200 and "Premier for Permata Timur" in edit.text
    refused = owner_browser.post(f"/proposals/{proposal_id}", {**fields, f"case_study_{elsewhere}": "1",
                                                               "value_case_id": "abc"})
    assert refused.status_code == 422 and field_error(refused.text, "f-value_case_id") is not None
    changed = owner_browser.post(f"/proposals/{proposal_id}", {**fields, "language": "en",
                                                               f"case_study_{elsewhere}": "1"})
    assert changed.status_code == 303
    with runtime.transaction() as session:
        found = session.get(Proposal, proposal_id)
        assert found is not None and found.language == "en" and sorted(found.case_study_ids) == [fits, elsewhere]
        assert session.query(MessageUse).filter_by(proposal_id=proposal_id).count() == 1
    assert WORDS["en"] in plain(owner_browser.get(f"/proposals/{proposal_id}").text)
    assert "Premier for Permata Timur" in plain(owner_browser.get("/proposals").text)
    assert owner_browser.post(f"/proposals/{proposal_id}/delete").status_code == 303
    assert owner_browser.get(f"/proposals/{proposal_id}").status_code == 404


def test_the_client_page_section(runtime: Runtime) -> None:
    firm = build_catalogue(runtime)
    message = a_message(runtime, "Your plant keeps running", ("ms",))
    a_case_study(runtime, firm.client_id, firm.package_id, "Breakdowns halved")
    with runtime.transaction() as session:
        proposals.proposals.create(session, {"client_id": firm.client_id, "title": "Premier for Permata Timur",
                                             "message_id": message, "sent_on": date(2026, 3, 2)}, by=SYSTEM)

    class Reader:
        principal = SYSTEM

        @staticmethod
        def can(permission: str) -> bool:
            return True

    with runtime.transaction() as session:
        from servicescape.clients.models import Client

        client = session.get(Client, firm.client_id)
        values = client_proposals(Reader(), session, client)  # type: ignore[arg-type]
        html = ENVIRONMENT.get_template("plan/proposals_client_section.html").render(
            client=client, fmt=Formatter("en", runtime.settings.zone), can=Reader.can, **values)
    text = plain(html)
    assert 'id="proposals"' in html and "Premier for Permata Timur" in text and "Breakdowns halved" in text
    assert f"/proposals/new?client={firm.client_id}" in html


def test_who_may_do_what(browser_as, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    firm = build_catalogue(runtime)
    with runtime.transaction() as session:
        proposal_id = proposals.proposals.create(session, {"client_id": firm.client_id, "title": "A proposal"},
                                                 by=SYSTEM).id
    viewer, staff = browser_as(Role.viewer), browser_as(Role.staff)
    for who in (viewer, staff):
        assert who.get("/proposals").status_code == 200
        assert who.get(f"/proposals/{proposal_id}").status_code == 200
        assert who.get(f"/proposals/{proposal_id}/print").status_code == 200
    assert viewer.get(f"/proposals/new?client={firm.client_id}").status_code == 403
    assert viewer.get(f"/proposals/{proposal_id}/edit").status_code == 403
    assert viewer.post("/proposals", {"client_id": str(firm.client_id), "title": "Mine"}).status_code == 403
    assert viewer.post(f"/proposals/{proposal_id}/delete").status_code == 403
    assert "Delete the proposal" not in plain(viewer.get(f"/proposals/{proposal_id}").text)
    assert staff.post(f"/proposals/{proposal_id}", {"client_id": str(firm.client_id), "title": "Ours"}
                      ).status_code == 303
    assert staff.post(f"/proposals/{proposal_id}/delete").status_code == 303
