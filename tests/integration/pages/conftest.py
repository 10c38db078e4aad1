"""Helpers of the page tests: a signed-in browser per role, records made through the services,
and readers of the rendered HTML."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from servicescape.auth.models import Role, Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.clients import service
from servicescape.runtime import Runtime
from tests.conftest import csrf_from, make_staff, sign_in


@dataclass
class Browser:
    """A TestClient signed in as one staff member, posting forms with the CSRF token."""

    client: TestClient
    staff: Staff

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.client.get(url, **kwargs)

    def csrf(self) -> str:
        return csrf_from(self.client.get("/clients").text)

    def post(self, url: str, data: dict[str, str] | None = None, *, csrf: bool = True, **kwargs: Any) -> Any:
        body = dict(data or {})
        if csrf:
            body["csrf_token"] = self.csrf()
        kwargs.setdefault("follow_redirects", False)
        return self.client.post(url, data=body, **kwargs)


@pytest.fixture
def browser_as(app, runtime: Runtime) -> Iterator[Callable[..., Browser]]:  # type: ignore[no-untyped-def]
    """``browser_as(Role.viewer)``: a new staff member of that role, signed in in a new client."""
    clients: list[TestClient] = []

    def make(role: Role, email: str | None = None, name: str | None = None) -> Browser:
        staff = make_staff(runtime, role, email=email, name=name)
        client = TestClient(app, base_url="http://127.0.0.1")
        client.__enter__()
        clients.append(client)
        sign_in(client, staff.email)
        return Browser(client, staff)

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def owner_browser(web: TestClient, owner: Staff) -> Browser:
    sign_in(web, owner.email)
    return Browser(web, owner)


# --- data ---------------------------------------------------------------------------------------

def add_client(runtime: Runtime, **fields: Any) -> int:
    with runtime.transaction() as session:
        return service.clients.create(session, fields, by=SYSTEM).id


def add_record(runtime: Runtime, kind: str, **fields: Any) -> int:
    with runtime.transaction() as session:
        return getattr(service, kind).create(session, fields, by=SYSTEM).id  # type: ignore[no-any-return]


def load(runtime: Runtime, model: type[Any], record_id: int) -> Any:
    with runtime.transaction() as session:
        return session.get(model, record_id)


# --- reading pages ------------------------------------------------------------------------------

_CLIENT_LINK = re.compile(r'<td><a href="/clients/\d+">([^<]*)</a>')


def listed_names(html: str) -> list[str]:
    """The client names in the list's table, in order."""
    return [unescape(name) for name in _CLIENT_LINK.findall(html)]


def plain(html: str) -> str:
    """The text of a page with tags dropped and spaces (also no-break ones) collapsed."""
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


def field_error(html: str, field_id: str) -> str | None:
    """The message shown next to the field with that id (e.g. f-client-name), or None."""
    match = re.search(rf'<div class="field-error" id="{re.escape(field_id)}-error">(.*?)</div>', html, re.S)
    return plain(match.group(1)).strip() if match else None


def flash_after(response: Any, browser: Browser) -> str:
    """Follow a 303 and return the page's flash messages as text."""
    assert response.status_code == 303, response.text
    page = browser.get(response.headers["location"])
    return flashes(page.text)


def flashes(html: str) -> str:
    """The text of the flash messages on a page."""
    found = re.findall(r'<div class="flash-text">(.*?)</div>', html, re.S)
    return " ".join(plain(text).strip() for text in found if text.strip())


@contextmanager
def counting_queries(runtime: Runtime) -> Iterator[list[str]]:
    """The SQL statements run while inside (every one, on any connection of the engine)."""
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(runtime.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(runtime.engine, "before_cursor_execute", count)


__all__ = ["Browser", "Decimal", "add_client", "add_record", "counting_queries", "date", "datetime",
           "field_error", "flash_after", "flashes", "listed_names", "load", "plain"]
