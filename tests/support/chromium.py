"""Debian's Chromium driven by Playwright (``playwright install`` cannot download here).

``./scripts/test`` installs the ``chromium`` Debian package when it is missing.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

CHROMIUM_PATH = "/usr/bin/chromium"

# Without the background-networking flags Chromium keeps trying to reach the network.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def launch_options(**overrides: Any) -> dict[str, Any]:
    """Keyword arguments for ``playwright.chromium.launch`` (or pytest-playwright's
    ``browser_type_launch_args`` fixture)."""
    if not os.access(CHROMIUM_PATH, os.X_OK):
        raise RuntimeError(f"{CHROMIUM_PATH} not found: run ./scripts/test, which installs Debian's 'chromium' package")
    options: dict[str, Any] = {
        "executable_path": CHROMIUM_PATH,
        "args": list(LAUNCH_ARGS),
        "headless": True,
    }
    options.update(overrides)
    return options


def launch(playwright: Playwright, **overrides: Any) -> Browser:
    """Start a headless Debian Chromium; the caller closes it."""
    return playwright.chromium.launch(**launch_options(**overrides))


#: what Chromium answers, now and then on a busy machine, when a frame is not ready to be captured
UNCAPTURED = "Unable to capture screenshot"


def screenshot(page: Any, path: Any, *, full_page: bool = True, tries: int = 3) -> None:
    """Save a screenshot of ``page`` for people to look at (not an assertion).

    ``caret="initial"``: hiding the caret injects a <style>, which the CSP rightly refuses. A
    capture Chromium could not make (its compositor busy) is tried again after half a second, at
    most ``tries`` times; any other error, or the last one, is raised."""
    for attempt in range(1, tries + 1):
        try:
            page.screenshot(path=str(path), full_page=full_page, caret="initial")
            return
        except Exception as error:
            if UNCAPTURED not in str(error) or attempt == tries:
                raise
            page.wait_for_timeout(500)
