"""Offerings' pages: the catalogue, a package's levels side by side in the client's language (page,
print view, PDF), value cases (list, one case, its PDF), price studies with their curves and the
price map — and who may open what."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.clients import service as clients
from servicescape.offerings import research, value
from servicescape.offerings.research_models import StudyMethod
from servicescape.offerings.service import packages
from servicescape.promises import service as promises
from servicescape.runtime import Runtime
from tests.integration.offerings.conftest import build_catalogue
from tests.integration.pages.conftest import Browser, field_error, plain


def a_case(runtime: Runtime, client_id: int) -> int:
    with runtime.transaction() as session:
        return value.value_cases.create(session, {
            "client_id": client_id, "title": "Premier for the head office", "currency": "EUR",
            "price": Decimal(12000), "horizon_months": 12,
            "benefits": [{"kind": "time_saved", "description": "Breakdown hours", "low": Decimal(10000),
                          "expected": Decimal(15000), "high": Decimal(20000), "source": "Their log"}],
            "costs": [{"kind": "switching", "description": "Handover", "low": Decimal(500),
                       "expected": Decimal(500), "high": Decimal(1500)}]}, by=SYSTEM).id


def test_the_catalogue_and_a_comparison_in_the_clients_language(owner_browser: Browser, runtime: Runtime) -> None:
    firm = build_catalogue(runtime)
    catalogue = plain(owner_browser.get("/offerings").text)
    assert "Planned Maintenance" in catalogue and "Premier" in catalogue and "18,500.00" in catalogue
    page = owner_browser.get(f"/offerings/packages/{firm.package_id}")
    text = plain(page.text)
    assert page.status_code == 200 and "What you get at each level" in text and "Premier visits" in text
    assert "First answer within 4 business hours" in text and "Out-of-hours cover" in text
    assert "Price history" in text and "18,000.00" in text
    # for the Malay client: the document in Malay (the page around it stays in the reader's language)
    for_client = owner_browser.get(f"/offerings/packages/{firm.package_id}?client={firm.client_id}")
    assert 'lang="ms"' in for_client.text and "Permata Timur" in plain(for_client.text)
    printed = owner_browser.get(f"/offerings/packages/{firm.package_id}/print?lang=hu&currency=MYR")
    assert printed.status_code == 200 and 'lang="hu"' in printed.text and "site-nav" not in printed.text
    assert "85" in plain(printed.text)
    pdf = owner_browser.get(f"/offerings/packages/{firm.package_id}/pdf?lang=zh-Hans")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and len(pdf.content) > 5000
    assert owner_browser.get(f"/offerings/packages/{firm.package_id}?lang=xx").status_code == 422
    assert owner_browser.get("/offerings/packages/999999").status_code == 404


def test_a_value_case_as_a_page_and_a_pdf(owner_browser: Browser, runtime: Runtime) -> None:
    firm = build_catalogue(runtime)
    case_id = a_case(runtime, firm.client_id)
    listed = plain(owner_browser.get("/offerings/value").text)
    assert "Premier for the head office" in listed and "Illustrative" in listed
    page = owner_browser.get(f"/offerings/value/{case_id}?lang=en")
    text = plain(page.text)
    # expected: 15,000 gained against 12,000 + 500 → value 2,500, return 20 %, paid back in 10.0 months
    assert "2,500.00" in text and "20%" in text and "10.0 months" in text and 'id="illustrative"' in page.text
    assert "Source: Their log" in text
    assert owner_browser.get(f"/offerings/value/{case_id}/print").status_code == 200
    pdf = owner_browser.get(f"/offerings/value/{case_id}/pdf?lang=bg")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_price_studies_and_the_map(owner_browser: Browser, runtime: Runtime) -> None:
    build_catalogue(runtime)
    assert "No price studies yet" in plain(owner_browser.get("/offerings/pricing").text)
    with runtime.transaction() as session:
        study = research.studies.create(session, {"name": "Wave", "method": StudyMethod.van_westendorp,
                                                  "currency": "EUR", "minimum_sample": 2}, by=SYSTEM)
        answers = [research.PriceAnswer(10, 20, 30, 40, segment="A"), research.PriceAnswer(15, 25, 35, 50, segment="A"),
                   research.PriceAnswer(5, 10, 20, 30, segment="B"), research.PriceAnswer(30, 20, 40, 50),
                   research.PriceAnswer(20, 30, 45, 60, segment="A")]
        research.store_given(session, study.id, answers, [], by=SYSTEM)
        study_id = study.id
    assert "Wave" in plain(owner_browser.get("/offerings/pricing").text)
    text = plain(owner_browser.get(f"/offerings/pricing/{study_id}").text)
    assert "Optimal price point (OPP) 20.00" in text and "Indifference price point (IDP) 25.00" in text
    assert "4 valid answers; 1 invalid" in text and "Too few answers: 1 of the 2 needed" in text
    assert "Price sensitivity (Van Westendorp)" in text
    assert owner_browser.get(f"/offerings/pricing/{study_id}?convention=narrower").status_code == 200
    assert owner_browser.get(f"/offerings/pricing/{study_id}?convention=other").status_code == 422
    price_map = plain(owner_browser.get("/offerings/price-map").text)
    assert "Price and perceived quality" in price_map and "Premier" in price_map


def test_who_may_open_what(browser_as, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    firm = build_catalogue(runtime)
    case_id = a_case(runtime, firm.client_id)
    viewer, staff = browser_as(Role.viewer), browser_as(Role.staff)
    for who in (viewer, staff):
        assert who.get("/offerings").status_code == 200
        assert who.get(f"/offerings/packages/{firm.package_id}").status_code == 200
        assert who.get("/offerings/pricing").status_code == 403
        assert who.get("/offerings/price-map").status_code == 403
    assert viewer.get(f"/offerings/value/{case_id}").status_code == 403
    assert staff.get(f"/offerings/value/{case_id}").status_code == 200
    assert "Price research" not in plain(staff.get("/offerings").text)


def test_a_value_case_made_backed_and_deleted_in_the_pages(owner_browser: Browser, runtime: Runtime) -> None:
    firm = build_catalogue(runtime)
    form = owner_browser.get(f"/clients/{firm.client_id}/value-cases/new")
    assert form.status_code == 200 and "Permata Timur" in plain(form.text)
    fields = {"title": "Premier, year one", "price": "12 000", "currency": "EUR", "horizon_months": "12",
              "level_id": str(firm.levels["Premier"]),
              "benefits[0].kind": "time_saved", "benefits[0].description": "Breakdown hours",
              "benefits[0].low": "10000", "benefits[0].expected": "15000", "benefits[0].high": "20000",
              "benefits[2].kind": "cost_avoided", "benefits[2].description": "Energy",
              "benefits[2].low": "5000", "benefits[2].expected": "4000", "benefits[2].high": "9000",
              "costs[0].kind": "their_time", "costs[0].description": "Meetings", "costs[0].low": "1000",
              "costs[0].expected": "2000", "costs[0].high": "4000"}
    refused = owner_browser.post(f"/clients/{firm.client_id}/value-cases", fields)
    # the second filled benefit row is the form's third: its message stands there
    assert refused.status_code == 422 and field_error(refused.text, "f-benefits-2-expected") is not None
    with runtime.transaction() as session:
        assert not value.cases_of_client(session, firm.client_id, by=SYSTEM)
    made = owner_browser.post(f"/clients/{firm.client_id}/value-cases", {**fields, "benefits[2].expected": "6000"})
    assert made.status_code == 303
    case_url = made.headers["location"]
    case_page = plain(owner_browser.get(case_url).text)
    assert "Premier, year one" in case_page and "Record an outcome" in case_page
    client_page = plain(owner_browser.get(f"/clients/{firm.client_id}").text)
    assert "Value cases" in client_page and "Premier, year one" in client_page
    with runtime.transaction() as session:
        start = datetime(2026, 4, 6, 9, tzinfo=UTC)
        kept = promises.promises.create(session, {"client_id": firm.client_id, "title": "Chiller check, east wing",
                                                  "window_start": start, "window_end": start + timedelta(hours=2)},
                                        by=SYSTEM)
        promises.keep(session, kept, kept_at=start + timedelta(hours=1), by=SYSTEM)
        kept_id = kept.id
    assert "Chiller check, east wing" in plain(owner_browser.get(case_url).text)   # offered as evidence
    outcome = {"engagement_id": str(firm.engagement_id), "recorded_on": "2026-05-01", "description": "Fewer calls",
               "promise_id": str(kept_id)}
    not_delivered = owner_browser.post(f"{case_url}/outcomes", outcome)
    assert not_delivered.status_code == 422 and field_error(not_delivered.text, "f-engagement_id") is not None
    for engagement_id in firm.done_ids:
        assert owner_browser.post(f"{case_url}/outcomes", {**outcome, "engagement_id": str(engagement_id),
                                                           "amount": "3 000"}).status_code == 303
    assert 'id="backed"' in owner_browser.get(case_url).text
    gone = owner_browser.post(f"{case_url}/delete")
    assert gone.status_code == 303 and gone.headers["location"] == f"/clients/{firm.client_id}"
    assert owner_browser.get(case_url).status_code == 404


def test_managers_set_prices_make_studies_and_ask_clients(owner_browser: Browser, runtime: Runtime) -> None:
    firm = build_catalogue(runtime)
    url = f"/offerings/packages/{firm.package_id}"
    price = {"level_id": str(firm.levels["Premier"]), "currency": "EUR", "amount": "19 900", "valid_from": "2026-07-01",
             "note": "Yearly review"}
    refused = owner_browser.post(f"{url}/prices", {**price, "amount": "0"})
    assert refused.status_code == 422 and field_error(refused.text, "f-amount") is not None
    assert owner_browser.post(f"{url}/prices", price).status_code == 303
    page = plain(owner_browser.get(url, params={"currency": "EUR"}).text)
    assert "19,900.00" in page and "18,500.00" in page          # today's price, and the history
    study = {"name": "Wave", "method": "gabor_granger", "currency": "EUR", "grid": "300, 200", "minimum_sample": "5",
             "asked_on": "2026-10-01"}
    bad_grid = owner_browser.post("/offerings/pricing", study)
    assert bad_grid.status_code == 422 and field_error(bad_grid.text, "f-grid") is not None
    made = owner_browser.post("/offerings/pricing", {**study, "method": "van_westendorp", "grid": ""})
    assert made.status_code == 303
    study_url = made.headers["location"]
    with runtime.transaction() as session:
        clients.clients.update(session, clients.clients.get(session, firm.client_id, by=SYSTEM),
                               {"segment": "Hospitality", "email": "office@permata.example"}, by=SYSTEM)
    page = plain(owner_browser.get(study_url).text)
    assert "Invited: 0 · answered: 0 · expired: 0" in page and "Hospitality" in page
    assert owner_browser.post(f"{study_url}/invite", {"segment": "Hospitality", "expires_days": "0"}).status_code == 422
    asked = owner_browser.post(f"{study_url}/invite", {"segment": "Hospitality", "expires_days": "14"})
    assert asked.status_code == 303
    assert "Invited: 1 · answered: 0" in plain(owner_browser.get(study_url).text)


def test_what_the_pages_cannot_use_is_a_4xx(owner_browser: Browser, runtime: Runtime) -> None:
    firm = build_catalogue(runtime)
    url = f"/offerings/packages/{firm.package_id}"
    assert owner_browser.get(url, params={"client": "99999999999999999999"}).status_code == 422
    assert owner_browser.get("/offerings/price-map", params={"package": "99999999999999999999"}).status_code == 422
    too_precise = owner_browser.post(f"{url}/prices", {"level_id": str(firm.levels["Premier"]), "currency": "EUR",
                                                       "amount": "100.123456", "valid_from": "2026-07-01"})
    assert too_precise.status_code == 422 and field_error(too_precise.text, "f-amount") is not None
    huge_id = owner_browser.post(f"{url}/prices", {"level_id": "9999999999999999999", "currency": "EUR",
                                                   "amount": "100", "valid_from": "2026-07-01"})
    assert huge_id.status_code == 422
    odd_digit = owner_browser.post("/offerings/pricing", {"name": "W", "method": "van_westendorp",
                                                          "currency": "EUR", "minimum_sample": "²"})
    assert odd_digit.status_code == 422 and field_error(odd_digit.text, "f-minimum_sample") is not None
    with runtime.transaction() as session:
        package_id = packages.create(session, {"name": "空调维护", "currency": "MYR"}, by=SYSTEM).id
    pdf = owner_browser.get(f"/offerings/packages/{package_id}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "filename*=UTF-8''%E7%A9%BA" in pdf.headers["content-disposition"]
