"""A server process freezes what it holds again once its first requests have filled its caches:
counted on pages and the API only, once at each point."""

from __future__ import annotations

import asyncio

import pytest

from servicescape.web import app as web_app


def test_freezes_once_at_each_point_counting_pages_and_the_api_only(monkeypatch: pytest.MonkeyPatch) -> None:
    frozen: list[int] = []
    served: list[str] = []

    async def inner(scope, receive, send):  # type: ignore[no-untyped-def]
        served.append(scope["path"])

    middleware = web_app.FreezeAfterWarmUp(inner, after=(2, 4))
    monkeypatch.setattr(web_app, "freeze_what_lives_forever", lambda: frozen.append(len(served)))

    async def request(path: str, kind: str = "http") -> None:
        await middleware({"type": kind, "path": path}, None, None)  # type: ignore[arg-type]

    async def run() -> None:
        for path in ("/healthz", "/static/app.css", "/", "/clients"):   # the 2nd counted: frozen
            await request(path)
        await request("/ws", "websocket")
        for path in ("/api/v1/clients", "/healthz", "/promises"):       # the 4th: frozen again
            await request(path)
        for path in ("/", "/clients", "/voice"):                        # no point left
            await request(path)

    asyncio.run(run())
    assert frozen == [3, 7]                  # before the counted request runs
    assert len(served) == 11                 # every request still served
