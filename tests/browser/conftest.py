"""What every browser test shares: one Chromium per module, and pages whose console errors,
uncaught exceptions and Content-Security-Policy violations fail the test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from tests.support.chromium import launch

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
# Records CSP violations; evaluated by Playwright (not subject to the page's CSP).
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""
#: a document wider than the window, or a table that has to be scrolled sideways to reach its last
#: column (evaluated in the page: a list of what is too wide)
OVERFLOW = """() => {
  const out = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) out.push(`page ${root.scrollWidth} > ${root.clientWidth}`);
  for (const wrap of document.querySelectorAll('.table-wrap')) {
    if (wrap.scrollWidth > wrap.clientWidth + 1) {
      out.push(`${wrap.closest('[id]')?.id} table ${wrap.scrollWidth} > ${wrap.clientWidth}`);
    }
  }
  return out;
}"""
#: what Chromium logs for a 4xx answer; a step that expects one tolerates its line
FAILED_TO_LOAD = "Failed to load resource: the server responded with a status of "


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


class Watched:
    """A page whose console errors and warnings, uncaught exceptions and CSP violations are collected.

    ``tolerated``: console lines containing one of these texts are expected (counted, not problems).
    """

    def __init__(self, page: Page, tolerated: tuple[str, ...] = ()) -> None:
        self.page = page
        self.tolerated = tolerated
        self.tolerated_seen = 0
        self.problems: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"pageerror: {error}"))
        page.add_init_script(CSP_LISTENER)

    def _console(self, message: ConsoleMessage) -> None:
        if any(text in message.text for text in self.tolerated):
            self.tolerated_seen += 1
            return
        if message.type in ("error", "warning") or "Content Security Policy" in message.text:
            self.problems.append(f"console {message.type}: {message.text}")

    def check(self) -> None:
        if self.page.evaluate("typeof window.__cspViolations") != "undefined":  # JavaScript on
            violations = self.page.evaluate("window.__cspViolations")
            assert violations == [], violations
        assert self.problems == [], "\n".join(self.problems)


def signed_in(browser: Browser, url: str, email: str, viewport: dict[str, int]) -> tuple[Page, Watched]:
    """A new English (en-GB) context of ``viewport`` signed in at ``url`` as ``email`` (the tests'
    password), its page watched for console errors and CSP violations."""
    from playwright.sync_api import expect

    from tests.conftest import PASSWORD

    context = browser.new_context(viewport=viewport, locale="en-GB")  # type: ignore[arg-type]
    page = context.new_page()
    watched = Watched(page)
    page.goto(url + "/signin")
    page.fill("#f-email", email)
    page.fill("#f-password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(url + "/")
    return page, watched
