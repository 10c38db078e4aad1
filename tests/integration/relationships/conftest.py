"""The page tests' signed-in browsers (tests/integration/pages/conftest.py), here too."""

from tests.integration.pages.conftest import browser_as, owner_browser

__all__ = ["browser_as", "owner_browser"]
