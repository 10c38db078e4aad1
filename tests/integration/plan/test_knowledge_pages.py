"""What key accounts value, in the browser on both databases: the client page's section (needs,
criteria with a bar each, reviews), its form (criteria as "name = weight" lines; weights that do not
add up refused beside the field, nothing saved; also through htmx), the SERVQUAL prefill, and the
key accounts' needs page flagging those never recorded and those overdue; a viewer reads only."""

from __future__ import annotations

from datetime import date, timedelta

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.plan import knowledge
from servicescape.runtime import Runtime
from tests.integration.pages.conftest import browser_as, field_error, flash_after, owner_browser, plain
from tests.integration.plan.knowledge_firm import answer_importance, client_with_revenue

__all__ = ["browser_as", "owner_browser"]     # the fixtures
SPLIT = {"tangibles": 15, "reliability": 30, "responsiveness": 20, "assurance": 20, "empathy": 15}


def test_the_client_page_records_what_the_client_values(runtime: Runtime, owner_browser, browser_as) -> None:  # type: ignore[no-untyped-def]
    client = client_with_revenue(runtime, "Permata Timur Sdn Bhd", 50_000)
    page = owner_browser.get(f"/clients/{client}")
    assert page.status_code == 200 and 'id="account_profile"' in page.text
    assert "Nothing recorded yet of what this client values." in plain(page.text)
    assert "Prefill from SERVQUAL" not in page.text                      # no importance split answered
    last, upcoming = date.today() - timedelta(days=100), date.today() - timedelta(days=10)
    saved = owner_browser.post(f"/clients/{client}/account-profile", {
        "needs": "Cooling that never stops.", "how_they_choose": "Three quotes.",
        "last_review_on": last.isoformat(), "next_review_on": upcoming.isoformat(),
        "criteria": "Response time = 60\nPrice: 40\n"})
    assert "was saved" in flash_after(saved, owner_browser)
    text = plain(owner_browser.get(f"/clients/{client}").text)
    assert "Cooling that never stops." in text and "Three quotes." in text and "Overdue" in text
    shown = owner_browser.get(f"/clients/{client}").text
    assert '<meter min="0" max="100" value="60"' in shown and '<meter min="0" max="100" value="40"' in shown
    for criteria, message in (("Price = 70\nSpeed = 20", "add up to 90"), ("Price seventy", "on a line of its own")):
        refused = owner_browser.post(f"/clients/{client}/account-profile", {"needs": "Changed.", "criteria": criteria})
        assert refused.status_code == 422
        assert message in (field_error(refused.text, "f-profile-criteria") or "")
    with runtime.transaction() as session:
        profile = knowledge.profile_of(session, client, by=SYSTEM)
        assert profile.needs == "Cooling that never stops." and [c.weight for c in profile.criteria] == [60, 40]
    htmx = owner_browser.post(f"/clients/{client}/account-profile", {"needs": "Fewer, longer visits.",
                                                                     "criteria": "Uptime = 100"},
                              headers={"HX-Request": "true"})
    assert htmx.status_code == 200 and htmx.text.lstrip().startswith('<section class="card" id="account_profile"')
    assert "Fewer, longer visits." in htmx.text and "was saved" in htmx.text
    bad_htmx = owner_browser.post(f"/clients/{client}/account-profile", {"criteria": "Uptime = 90"},
                                  headers={"HX-Request": "true"})
    assert bad_htmx.status_code == 422 and "add up to 90" in bad_htmx.text
    viewer = browser_as(Role.viewer)
    seen = viewer.get(f"/clients/{client}")
    assert "Fewer, longer visits." in seen.text and f'action="/clients/{client}/account-profile"' not in seen.text
    assert viewer.post(f"/clients/{client}/account-profile", {"needs": "x"}).status_code == 403
    assert viewer.post(f"/clients/{client}/account-profile/prefill").status_code == 403


def test_the_servqual_prefill_from_the_client_page(runtime: Runtime, owner_browser) -> None:  # type: ignore[no-untyped-def]
    client = client_with_revenue(runtime, "Стоянов ЕООД", 30_000)
    refused = owner_browser.post(f"/clients/{client}/account-profile/prefill")
    assert refused.status_code == 422 and "SERVQUAL" in (field_error(refused.text, "f-profile-criteria") or "")
    answer_importance(runtime, client, SPLIT, days_ago=10)
    page = owner_browser.get(f"/clients/{client}").text
    assert "Prefill from SERVQUAL" in page and "Reliability 30" in plain(page)
    done = owner_browser.post(f"/clients/{client}/account-profile/prefill")
    assert "SERVQUAL" in flash_after(done, owner_browser)
    with runtime.transaction() as session:
        criteria = knowledge.profile_of(session, client, by=SYSTEM).criteria
    assert [(c.name, c.weight, c.source) for c in criteria] == [
        ("Tangibles", 15, "servqual"), ("Reliability", 30, "servqual"), ("Responsiveness", 20, "servqual"),
        ("Assurance", 20, "servqual"), ("Empathy", 15, "servqual")]


def test_the_key_accounts_needs_page(runtime: Runtime, owner_browser, browser_as) -> None:  # type: ignore[no-untyped-def]
    empty = owner_browser.get("/plan/key-accounts")
    assert empty.status_code == 200 and "80% of the last twelve months" in plain(empty.text)
    recorded = client_with_revenue(runtime, "Recorded Sdn Bhd", 50_000)
    never = client_with_revenue(runtime, "Never Recorded Sdn Bhd", 40_000)
    client_with_revenue(runtime, "Small Shop", 10_000)
    with runtime.transaction() as session:
        knowledge.save_profile(session, recorded, {"needs": "Uptime.", "criteria": [{"name": "Uptime", "weight": 100}],
                                                   "next_review_on": date.today() - timedelta(days=1)}, by=SYSTEM)
    viewer = browser_as(Role.viewer)
    page = viewer.get("/plan/key-accounts")
    assert page.status_code == 200, page.text
    assert f'<tr id="account-{recorded}" data-overdue>' in page.text
    assert f'<tr id="account-{never}" data-never>' in page.text
    text = plain(page.text)
    assert "Never recorded" in text and "Overdue" in text and "50%" in text and "Small Shop" not in text
    later = owner_browser.get("/plan/key-accounts", params={"page": 7})      # past the last page: the last
    assert later.status_code == 200 and f'id="account-{never}"' in later.text
    assert owner_browser.get("/plan/key-accounts", params={"page": 0}).status_code == 422
