"""Customer analytics' pages: concentration (period and breakdown), RFM, cohorts, lifetime value, at
risk, retention economics with the settings form, the home panel of key accounts at risk — empty
firms, figures from earlier data while the job counts again, and who may see and change what."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from servicescape.analytics import service
from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.clients import service as clients
from servicescape.runtime import Runtime
from tests.integration.analytics.conftest import build_firm
from tests.integration.pages.conftest import Browser, field_error, flash_after, plain

PAGES = ("/analytics", "/analytics/rfm", "/analytics/cohorts", "/analytics/value", "/analytics/risk",
         "/analytics/economics")


def test_every_page_with_a_firm(owner_browser: Browser, runtime: Runtime) -> None:
    build_firm(runtime, clients_count=30)
    texts = {}
    for url in PAGES:
        page = owner_browser.get(url)
        assert page.status_code == 200, (url, page.text[:500])
        texts[url] = plain(page.text)
    assert "Lorenz curve" in texts["/analytics"] and "Key accounts" in texts["/analytics"]
    assert "Client 00" in texts["/analytics"] and "invoices in USD" in texts["/analytics"]
    assert "Recency × frequency" in texts["/analytics/rfm"] and "Champions" in texts["/analytics/rfm"]
    assert "Retention by cohort" in texts["/analytics/cohorts"] and "M0" in texts["/analytics/cohorts"]
    assert "Most valuable clients" in texts["/analytics/value"] and "BG/NBD" in texts["/analytics/value"]
    assert "Key accounts at risk" in texts["/analytics/risk"]
    assert "Retention" in texts["/analytics/economics"] and "Save settings" in texts["/analytics/economics"]
    by_market = plain(owner_browser.get("/analytics?period=all&by=market").text)
    assert "By market" in by_market and "Hungary" in by_market
    by_package = plain(owner_browser.get("/analytics?period=all&by=package").text)
    assert "Retainer" in by_package and "Project" in by_package
    assert owner_browser.get("/analytics?period=2025").status_code == 200
    assert owner_browser.get("/analytics?period=soon").status_code == 422


def test_pages_of_an_empty_firm_say_so(owner_browser: Browser) -> None:
    texts = {url: plain(owner_browser.get(url).text) for url in PAGES}
    assert "No revenue in this period" in texts["/analytics"]
    assert "No purchases yet" in texts["/analytics/rfm"] and "No cohorts yet" in texts["/analytics/cohorts"]
    assert "Nothing to value yet" in texts["/analytics/value"] and "nothing to fit" in texts["/analytics/value"]
    assert "Nothing to judge yet" in texts["/analytics/risk"]


def test_figures_from_earlier_data_say_so(owner_browser: Browser, runtime: Runtime) -> None:
    build_firm(runtime, clients_count=10)
    assert "being counted again" not in plain(owner_browser.get("/analytics/rfm").text)
    with runtime.transaction() as session:
        clients.invoices.create(session, {"client_id": 2, "issued_on": date(2026, 6, 2), "amount": Decimal(99),
                                          "currency": "EUR"}, by=SYSTEM)
    assert "being counted again" in plain(owner_browser.get("/analytics/rfm").text)


def test_the_settings_form(owner_browser: Browser, runtime: Runtime) -> None:
    bad = owner_browser.post("/analytics/settings", {"acquisition_cost": "a lot", "annual_discount_rate": "0.1",
                                                     "horizon_months": "12", "at_risk_below": "0.5",
                                                     "rhythm_multiple": "2"})
    assert bad.status_code == 422 and field_error(bad.text, "f-acquisition_cost")
    out_of_range = owner_browser.post("/analytics/settings", {"acquisition_cost": "", "annual_discount_rate": "5",
                                                              "horizon_months": "12", "at_risk_below": "0.5",
                                                              "rhythm_multiple": "2"})
    assert out_of_range.status_code == 422 and field_error(out_of_range.text, "f-annual_discount_rate")
    saved = owner_browser.post("/analytics/settings", {"acquisition_cost": "4 500,50", "annual_discount_rate": "0.08",
                                                       "horizon_months": "24", "at_risk_below": "0.4",
                                                       "rhythm_multiple": "3"})
    assert saved.status_code == 303 and "settings were saved" in flash_after(saved, owner_browser)
    with runtime.transaction() as session:
        firm = service.settings(session, by=SYSTEM)
        assert (firm.acquisition_cost, firm.horizon_months, firm.rhythm_multiple) == (Decimal("4500.5"), 24, 3.0)


def test_the_home_panel_lists_key_accounts_at_risk(owner_browser: Browser, runtime: Runtime) -> None:
    build_firm(runtime, clients_count=30)
    assert "Key accounts at risk" not in plain(owner_browser.get("/").text)     # nothing counted yet
    with runtime.transaction() as session:
        service.refresh(session, by=SYSTEM)
        kept = service.kept(session, service.default_query("churn", service.today(runtime.settings),
                                                           service.settings(session, by=SYSTEM)), by=SYSTEM)
    assert kept is not None
    assert kept.payload["key_accounts_at_risk"], "the firm has key accounts at risk to list"
    home = plain(owner_browser.get("/").text)
    assert "Key accounts at risk" in home and kept.payload["key_accounts_at_risk"][0]["name"] in home


def test_who_may_see_and_change(browser_as, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    build_firm(runtime, clients_count=5)
    staff: Browser = browser_as(Role.staff)
    for url in PAGES:
        assert staff.get(url).status_code == 403
    assert "Customer analytics" not in plain(staff.get("/").text)
    assert "Value and risk" not in plain(staff.get("/clients/1").text)      # the section needs analytics.read
    assert staff.post("/analytics/settings", {"horizon_months": "6"}).status_code == 403
    manager: Browser = browser_as(Role.manager)
    assert manager.get("/analytics/economics").status_code == 200


def test_the_client_page_shows_value_and_risk_from_the_last_count(owner_browser: Browser, runtime: Runtime) -> None:
    build_firm(runtime, clients_count=30)
    before = plain(owner_browser.get("/clients/1").text)
    assert "Value and risk" in before and "Not counted yet" in before
    with runtime.transaction() as session:
        service.refresh(session, by=SYSTEM)
        firm = service.settings(session, by=SYSTEM)
        kept = service.kept(session, service.default_query("clv", service.today(runtime.settings), firm), by=SYSTEM)
    assert kept is not None
    top = kept.payload["top_clients"][0]
    page = plain(owner_browser.get(f"/clients/{top['client_id']}").text)
    assert "Lifetime value" in page and "Models fitted" in page
    # the same figure as the report's, counted for this one client from its own invoices
    with runtime.transaction() as session:
        from servicescape.analytics.sections import one_client

        one = one_client(session, top["client_id"], kept.payload, 0.5, 2.0, "EUR", by=SYSTEM)
    assert one is not None and round(one["clv"], 2) == top["clv"]
    assert round(one["probability_alive"], 4) == top["probability_alive"]
    assert f"{one['days_silent']:,}" in page
