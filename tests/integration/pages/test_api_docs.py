"""GET /api/docs: our own Swagger UI page, same-origin files only, under the unchanged CSP."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from fastapi.testclient import TestClient

from servicescape.auth.models import Staff
from servicescape.web.security import CSP
from tests.conftest import csrf_from
from tests.integration.pages.conftest import Browser, plain

SPEC_URL = "/api/v1/openapi.json"


class _Page(HTMLParser):
    """The parts of a page that could load something: URL attributes, scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.scripts: list[dict[str, str | None]] = []
        self.inline_code: list[str] = []
        self.style_elements = 0
        self.style_attributes = 0
        self.docs_root: dict[str, str | None] | None = None
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.urls += [value or "" for name, value in attrs if name in ("src", "href", "action", "data-spec-url")]
        self.style_attributes += "style" in values
        if tag == "script":
            self.scripts.append(values)
            self._in_script = True
        elif tag == "style":
            self.style_elements += 1
        if values.get("id") == "swagger-ui":
            self.docs_root = values

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_code.append(data)


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def test_api_docs_is_our_page_with_same_origin_files_only(web: TestClient) -> None:
    response = web.get("/api/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == CSP  # the unchanged policy, not a loosened one
    html = response.text
    assert not re.search(r"https?://", html), re.findall(r"https?://\S+", html)
    page = _parse(html)
    assert page.inline_code == [] and page.style_elements == 0 and page.style_attributes == 0
    script_files = [script["src"] for script in page.scripts]
    assert [src.split("?")[0] for src in script_files if src] == [
        "/static/vendor/swagger-ui-bundle.js", "/static/api-docs.js"]
    assert all(src and src.startswith("/static/") for src in script_files)
    assert page.docs_root is not None and page.docs_root["data-spec-url"] == SPEC_URL
    assert page.docs_root["data-csrf-token"] == ""  # signed out: no session for it to protect
    assert "/static/vendor/swagger-ui.css" in " ".join(page.urls)
    for url in page.urls:
        assert url.startswith("/") and not url.startswith("//"), url  # same origin, no protocol-relative URL
        if url.startswith("/static/"):
            asset = web.get(url)
            assert asset.status_code == 200, url
            assert asset.content, url
    assert "API documentation" in plain(html)


def test_the_openapi_document_and_the_docs_need_no_sign_in(web: TestClient) -> None:
    """Both describe the API and hold no data; the calls made from the page are authenticated."""
    schema = web.get(SPEC_URL)
    assert schema.status_code == 200
    scheme = schema.json()["components"]["securitySchemes"]["api_token"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert web.get("/api/docs", follow_redirects=False).status_code == 200
    assert web.get("/api/v1/me").status_code == 401


def test_fastapi_built_in_docs_are_off(web: TestClient) -> None:
    for url in ("/docs", "/redoc", "/api/redoc", "/docs/oauth2-redirect"):
        assert web.get(url).status_code == 404, url
    assert "cdn.jsdelivr.net" not in web.get("/api/docs").text


def test_the_docs_page_speaks_the_callers_language(web: TestClient) -> None:
    html = web.get("/api/docs", headers={"Accept-Language": "hu"}).text
    assert '<html lang="hu">' in html
    assert "API-dokumentáció" in html and "Vissza a Servicescape-be" in html


def test_signed_in_the_menu_links_to_the_docs_and_the_page_carries_the_session_csrf_token(
    owner_browser: Browser, owner: Staff
) -> None:
    clients_page = owner_browser.get("/clients").text
    assert re.search(r'<a class="menu-item" href="/api/docs">.*?API documentation</span></a>', clients_page, re.S)
    docs = _parse(owner_browser.get("/api/docs").text)
    assert docs.docs_root is not None
    # api-docs.js sends it as X-CSRF-Token: the API asks for it whenever the session cookie is sent
    assert docs.docs_root["data-csrf-token"] == csrf_from(clients_page)
