"""A client answers a SERVQUAL survey through their private link on a phone, and the owner sees the
reliability gap move on the results page.

One earlier respondent (typed in by staff) expected 7 and perceived 4 on every reliability
statement and gave E = P elsewhere: the reliability gap is −3.00. The client on the phone expects 7
and perceives 6 on reliability (gap −1) and 7/7 elsewhere, so the reliability gap becomes the mean of
the two respondents' gaps, −2.00, and every other dimension stays at 0.00."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from servicescape.auth import service as auth
from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.clients import service as clients
from servicescape.config import Settings
from servicescape.quality import answers, campaigns, surveys
from servicescape.quality.instrument import DIMENSIONS, STATEMENTS
from servicescape.quality.models import Invitation, SurveyKind
from servicescape.runtime import open_runtime
from servicescape.web.app import create_app
from tests.browser.conftest import DESKTOP, OVERFLOW, PHONE, Watched
from tests.conftest import PASSWORD
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.browser

OWNER = "nagy.eszter@firm.test"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    settings = Settings(mode="dev", data_dir=tmp_path_factory.mktemp("survey"), timezone="Europe/Budapest")
    runtime = open_runtime(settings)
    with runtime.transaction() as session:
        owner = auth.create_staff(session, name="Nagy Eszter", email=OWNER, role=Role.owner, password=PASSWORD,
                                  by=SYSTEM)
        survey = surveys.create(session, name="Ügyfélelégedettség 2026", kind=SurveyKind.servqual, by=SYSTEM)
        surveys.activate(session, survey, by=SYSTEM)
        earlier = clients.clients.create(session, {"name": "Korábbi Válaszadó Kft.", "tier": "standard",
                                                   "owner_id": owner.id}, by=SYSTEM)
        values: dict[str, answers.RawValue] = {"nps": "5"}
        for statement in STATEMENTS:
            perceived = "4" if statement.dimension == "reliability" else "7"
            values[f"{statement.code}_e"], values[f"{statement.code}_p"] = "7", perceived
        values.update({f"importance_{d}": "20" for d in DIMENSIONS})
        answers.record_answers(session, settings, survey, earlier.id, values, by=SYSTEM)
        clients.clients.create(session, {"name": "Szellő Tanácsadó Kft.", "tier": "key", "owner_id": owner.id,
                                         "email": "iroda@szello.test", "language": "en"}, by=SYSTEM)
        campaign = campaigns.create(session, settings, survey, "Tavasz", campaigns.Audience(tiers=("key",)), by=SYSTEM)
        campaigns.open_and_send(session, settings, campaign, by=SYSTEM)
        invitation = session.scalar(select(Invitation).where(Invitation.campaign_id == campaign.id))
        assert invitation is not None
        link = answers.link_of(settings, invitation)
        survey_id = survey.id
    with LiveServer(create_app(runtime=runtime)) as live:
        live.survey_id = survey_id  # type: ignore[attr-defined]
        live.link = live.url + urlsplit(link).path  # type: ignore[attr-defined]
        yield live
    runtime.close()


def _owner(browser: Browser, server: Any) -> tuple[Page, Watched]:
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")  # type: ignore[arg-type]
    page = context.new_page()
    watched = Watched(page)
    page.goto(server.url + "/signin")
    page.fill("#f-email", OWNER)
    page.fill("#f-password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(server.url + "/")
    return page, watched


def _reliability_gap(page: Page, server: Any) -> str:
    """The reliability gap as the results page shows it: the chart's figures and the dimensions'
    table must agree."""
    page.goto(f"{server.url}/quality/results?survey={server.survey_id}")
    expect(page.locator("#chart-gap-dimension")).to_be_visible()
    figure = page.locator("#chart-gap-dimension table tr", has=page.locator("th", has_text="Reliability"))
    from_chart = figure.locator("td").first.text_content() or ""
    from_table = page.locator('#dimension-gaps tr[data-dimension="reliability"] td.gap').text_content() or ""
    assert from_chart.strip() == from_table.strip()
    return from_table.strip()


def test_answer_by_link_on_a_phone_moves_the_gap(browser: Browser, server: Any) -> None:
    owner, owner_watch = _owner(browser, server)
    assert _reliability_gap(owner, server) == "-3.00"
    assert owner.locator('#dimension-gaps tr[data-dimension="empathy"] td.gap').text_content() == "0.00"

    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-GB")  # type: ignore[arg-type]
    page = phone.new_page()
    watched = Watched(page)
    page.goto(server.link)
    expect(page.locator("h1")).to_contain_text("Dear")
    assert page.evaluate(OVERFLOW) == []
    for statement in STATEMENTS:
        page.locator(f'input[name="{statement.code}_e"][value="7"]').check()
        perceived = "6" if statement.dimension == "reliability" else "7"
        page.locator(f'input[name="{statement.code}_p"][value="{perceived}"]').check()
    # the importance split and the words by keyboard
    first = page.locator('input[name="importance_tangibles"]')
    first.focus()
    for index, dimension in enumerate(DIMENSIONS):
        if index:
            page.keyboard.press("Tab")
        expect(page.locator(f'input[name="importance_{dimension}"]')).to_be_focused()
        page.keyboard.type("20")
    page.locator('input[name="nps"][value="9"]').focus()
    page.keyboard.press("Space")
    expect(page.locator('input[name="nps"][value="9"]')).to_be_checked()
    page.locator('textarea[name="nps_why"]').focus()
    page.keyboard.type("Mindig pontosak, csak a jelentés késett egyszer.")
    page.locator('textarea[name="comment"]').fill("Köszönjük!")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator("h1")).to_have_text("Thank you!")
    assert page.evaluate(OVERFLOW) == []
    watched.check()
    phone.close()

    assert _reliability_gap(owner, server) == "-2.00"
    assert owner.locator('#dimension-gaps tr[data-dimension="empathy"] td.gap').text_content() == "0.00"
    assert owner.locator('#dimension-gaps tr[data-dimension="reliability"] td').nth(3).text_content() == "2"
    owner_watch.check()
    owner.context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_quality_pages_fit_the_screen(browser: Browser, server: Any, viewport: dict[str, int]) -> None:
    """The signed-in pages: nothing wider than the screen, no console errors, no CSP violations."""
    page, watched = _owner(browser, server)
    page.set_viewport_size(viewport)  # type: ignore[arg-type]
    for path in ("/quality", f"/quality/results?survey={server.survey_id}", f"/quality/surveys/{server.survey_id}",
                 f"/quality/surveys/{server.survey_id}/preview?language=hu", "/quality/responses",
                 f"/quality/campaigns/new?survey={server.survey_id}", "/quality/campaigns/1",
                 f"/quality/responses/new?survey={server.survey_id}"):
        response = page.goto(server.url + path)
        assert response is not None and response.status == 200, path
        assert page.evaluate(OVERFLOW) == [], path
    # the live count of the audience (htmx) as the tiers change
    page.goto(f"{server.url}/quality/campaigns/new?survey={server.survey_id}")
    expect(page.locator("#audience-total")).to_have_text("1 client")
    page.locator("#f-tiers-standard").check()      # the only standard client has no e-mail address
    expect(page.locator("#audience-total")).to_have_text("0 clients")
    page.locator("#f-tiers-key").check()
    expect(page.locator("#audience-total")).to_have_text("1 client")
    watched.check()
    page.context.close()
