"""Charts in a real browser: the style guide's sample chart in Debian's Chromium.

With JavaScript, vega-embed draws the spec (one bar per value) over the server-rendered picture,
with no console error and no Content-Security-Policy violation; content swapped in by htmx is
drawn too; the table alternative opens from the keyboard. Without JavaScript, or when a library
fails to load, the server-rendered SVG picture stays. Screenshots at desktop and phone size land in
SCREENSHOT_DIR as charts-*.png for people to look at.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from babel.numbers import get_group_symbol
from playwright.sync_api import Browser, Page, Route, expect

from servicescape.auth import service as auth
from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.config import Settings
from servicescape.home.pages import SAMPLE_REVENUE
from servicescape.platform.charts import month_label
from servicescape.runtime import open_runtime
from servicescape.web.app import create_app
from tests.browser.conftest import DESKTOP, PHONE, Watched
from tests.conftest import PASSWORD
from tests.support.chromium import screenshot
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.browser

SCREENSHOT_DIR = Path(os.environ.get("SERVICESCAPE_SCREENSHOTS", "/tmp"))
OWNER = "aisyah@firm.test"
FIGURE = "#sg-revenue-chart"
BARS = sum(len(values) for values in SAMPLE_REVENUE.values())  # 12 months x 2 kinds of work
MONTHS = len(SAMPLE_REVENUE["retainers"])
LIVE_BARS = f"{FIGURE} .chart-live svg .mark-rect.role-mark path"



@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    runtime = open_runtime(Settings(mode="dev", data_dir=tmp_path_factory.mktemp("charts"), firm_name="Maju Advisory"))
    with runtime.transaction() as session:
        auth.create_staff(session, name="Aisyah Rahman", email=OWNER, role=Role.owner, password=PASSWORD, by=SYSTEM)
    with LiveServer(create_app(runtime=runtime)) as live:
        yield live
    runtime.close()


def _open(browser: Browser, server: LiveServer, *, tolerated: tuple[str, ...] = (), **options: Any) -> Watched:
    options = {"viewport": DESKTOP, "locale": "en-GB", **options}
    watched = Watched(browser.new_context(**options).new_page(), tolerated)
    page = watched.page
    page.goto(server.url + "/signin?next=/styleguide")
    page.fill("#f-email", OWNER)
    page.fill("#f-password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(server.url + "/styleguide")
    return watched


def _scroll_to_chart(page: Page) -> None:
    """The figure at the top of the window, below the sticky top bar."""
    page.evaluate(f"window.scrollTo(0, document.querySelector('{FIGURE}').getBoundingClientRect().top"
                  " + window.scrollY - 80)")


def _shot(page: Page, name: str) -> None:
    screenshot(page, SCREENSHOT_DIR / f"charts-{name}.png", full_page=False)


def _axis_labels(page: Page) -> tuple[list[str], list[str]]:
    """The live chart's axis labels: (period labels, value labels)."""
    texts = page.locator(f"{FIGURE} .chart-live .role-axis-label text").evaluate_all(
        "nodes => nodes.map(node => node.textContent)")
    numbers = [text for text in texts if re.fullmatch(r"[\d\s,.\u00a0\u202f-]+", text)]
    return [text for text in texts if text not in numbers], numbers


def _live(page: Page) -> None:
    expect(page.locator(FIGURE)).to_have_attribute("data-chart-state", "live", timeout=20_000)


def test_vega_embed_draws_the_chart(server: LiveServer, browser: Browser) -> None:
    watched = _open(browser, server)
    page = watched.page
    _live(page)
    expect(page.locator(LIVE_BARS)).to_have_count(BARS)
    expect(page.locator(f"{FIGURE} .chart-picture")).to_be_hidden()
    live = page.locator(f"{FIGURE} .chart-live")
    expect(live).to_have_attribute("role", "img")
    expect(live).to_have_attribute("aria-label", page.locator(f"{FIGURE} .chart-picture").get_attribute("alt") or "-")
    # width "container": the chart takes the figure's width
    figure_width = page.locator(FIGURE).bounding_box()["width"]  # type: ignore[index]
    chart_width = page.locator(f"{FIGURE} .chart-live svg").bounding_box()["width"]  # type: ignore[index]
    assert figure_width - 2 <= chart_width <= figure_width + 1, (chart_width, figure_width)
    # x-axis labels are the given period labels, in order (thinned out when they would overlap)
    periods, values = _axis_labels(page)
    months = [month_label(date(2025, m, 1), "en") for m in range(1, MONTHS + 1)]
    assert periods == months, periods
    assert values == ["0", "10,000", "20,000", "30,000", "40,000", "50,000"], values

    # a tooltip on hover, styled by charts.css (vega-tooltip's own <style> would break the CSP)
    _scroll_to_chart(page)
    page.locator(LIVE_BARS).first.hover()
    tooltip = page.locator("#vg-tooltip-element")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text("Jan 2025")
    expect(tooltip).to_contain_text("38,000.00 MYR")
    assert tooltip.evaluate("el => getComputedStyle(el).position") == "fixed"
    _shot(page, "desktop")

    # the table alternative: closed, opened from the keyboard
    table = page.locator(f"{FIGURE} details.chart-table table")
    expect(table).to_be_hidden()
    page.locator(f"{FIGURE} details.chart-table > summary").focus()
    page.keyboard.press("Enter")
    expect(table).to_be_visible()
    expect(table.locator("caption")).to_have_text("Revenue by month")
    expect(table.locator("thead th")).to_have_text(["Month", "Retainers", "Projects"])
    expect(table.locator("tbody tr")).to_have_count(MONTHS)
    expect(table.locator("tbody tr").first).to_have_text("Jan 202538,000.00 MYR12,000.00 MYR")
    watched.check()
    page.context.close()


def test_content_swapped_in_by_htmx_is_drawn(server: LiveServer, browser: Browser) -> None:
    watched = _open(browser, server)
    page = watched.page
    _live(page)
    # what a section refresh does: htmx swaps in server HTML holding a chart
    page.evaluate("""async () => {
        const html = await (await fetch("/styleguide")).text();
        const fresh = new DOMParser().parseFromString(html, "text/html").querySelector("#sg-revenue-chart");
        fresh.id = "swapped-chart";
        fresh.querySelector("figcaption").id = "swapped-chart-title";
        fresh.setAttribute("aria-labelledby", "swapped-chart-title");
        const target = document.createElement("div");
        target.id = "swap-target";
        document.querySelector("#main").appendChild(target);
        htmx.swap("#swap-target", fresh.outerHTML, {swapStyle: "innerHTML"});
    }""")
    expect(page.locator("#swapped-chart")).to_have_attribute("data-chart-state", "live", timeout=20_000)
    expect(page.locator("#swapped-chart .chart-live svg .mark-rect.role-mark path")).to_have_count(BARS)
    expect(page.locator(LIVE_BARS)).to_have_count(BARS)  # the first chart is drawn once, not twice
    expect(page.locator(f"{FIGURE} .chart-live")).to_have_count(1)
    watched.check()
    page.context.close()


def test_phone_width(server: LiveServer, browser: Browser) -> None:
    watched = _open(browser, server, viewport=PHONE, is_mobile=True, has_touch=True)
    page = watched.page
    _live(page)
    expect(page.locator(LIVE_BARS)).to_have_count(BARS)
    box = page.locator(f"{FIGURE} .chart-live svg").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, overflow
    _scroll_to_chart(page)
    _shot(page, "phone")
    watched.check()
    page.context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_without_javascript_the_server_picture_shows(server: LiveServer, browser: Browser,
                                                     viewport: dict[str, int]) -> None:
    watched = _open(browser, server, viewport=viewport, java_script_enabled=False)
    page = watched.page
    picture = page.locator(f"{FIGURE} img.chart-picture")
    expect(picture).to_be_visible()
    assert picture.evaluate("img => img.complete && img.naturalWidth") == 480
    box = picture.bounding_box()
    assert box is not None and box["x"] + box["width"] <= viewport["width"], box
    expect(page.locator(f"{FIGURE} .chart-live")).to_have_count(0)
    page.click(f"{FIGURE} details.chart-table > summary")
    expect(page.locator(f"{FIGURE} table tbody tr")).to_have_count(MONTHS)
    _scroll_to_chart(page)
    _shot(page, f"nojs-{'desktop' if viewport == DESKTOP else 'phone'}")
    watched.check()
    page.context.close()


def test_the_picture_stays_when_a_library_fails_to_load(server: LiveServer, browser: Browser) -> None:
    watched = _open(browser, server, tolerated=("Failed to load resource", "charts.js: could not load"))

    def refuse(route: Route) -> None:
        route.abort()

    page = watched.page
    page.route("**/static/vendor/vega-embed.min.js*", refuse)
    page.reload()
    expect(page.locator(FIGURE)).to_have_attribute("data-chart-state", "picture", timeout=20_000)
    expect(page.locator(f"{FIGURE} img.chart-picture")).to_be_visible()
    expect(page.locator(f"{FIGURE} .chart-live")).to_have_count(0)
    watched.check()
    page.context.close()


@pytest.mark.parametrize(("locale", "babel"), [("ms-MY", "ms"), ("bg-BG", "bg"), ("zh-CN", "zh_Hans_CN"),
                                               ("zh-TW", "zh_Hant_TW"), ("hu-HU", "hu")])
def test_every_language_draws_its_own_month_labels(server: LiveServer, browser: Browser, locale: str,
                                                   babel: str) -> None:
    watched = _open(browser, server, locale=locale)
    page = watched.page
    _live(page)
    periods, values = _axis_labels(page)
    months = [month_label(date(2025, m, 1), babel) for m in range(1, MONTHS + 1)]
    assert periods and periods[0] == months[0] and set(periods) <= set(months), periods
    assert "50" + get_group_symbol(babel) + "000" in values, values
    expect(page.locator(f"{FIGURE} figcaption")).not_to_have_text("Revenue by month")
    if locale in ("hu-HU", "zh-CN"):
        _scroll_to_chart(page)
        _shot(page, f"desktop-{babel}")
    watched.check()
    page.context.close()
