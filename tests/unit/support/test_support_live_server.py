"""LiveServer serves a real app over HTTP and shuts it down cleanly."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from tests.support.live_server import LiveServer


def tiny_app(events: list[str]) -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        events.append("startup")
        yield
        events.append("shutdown")

    async def hello(request: Request) -> PlainTextResponse:
        return PlainTextResponse(f"hello {request.query_params.get('name', 'world')}")

    return Starlette(routes=[Route("/", hello)], lifespan=lifespan)


def test_serves_requests_and_runs_the_lifespan() -> None:
    events: list[str] = []
    with LiveServer(tiny_app(events)) as server:
        assert server.url.startswith("http://127.0.0.1:")
        assert events == ["startup"]
        with httpx.Client(base_url=server.url) as client:
            response = client.get("/", params={"name": "Ana"})
            assert response.status_code == 200
            assert response.text == "hello Ana"
            assert client.get("/missing").status_code == 404
        port = server.port
        assert port is not None
    assert events == ["startup", "shutdown"]
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0
    with pytest.raises(RuntimeError, match="not started"):
        _ = server.url


def test_two_servers_run_side_by_side() -> None:
    with LiveServer(tiny_app([])) as one, LiveServer(tiny_app([])) as two:
        assert one.url != two.url
        assert httpx.get(one.url).text == httpx.get(two.url).text == "hello world"


def test_a_failing_startup_is_reported() -> None:
    @asynccontextmanager
    async def broken(app: Starlette) -> AsyncIterator[None]:
        raise RuntimeError("no database")
        yield

    server = LiveServer(Starlette(lifespan=broken), startup_timeout=5, attempts=1)
    with pytest.raises(RuntimeError, match="did not start"):
        server.start()


def test_a_taken_port_is_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.support import live_server
    from tests.support.postgres import free_port

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        ports = iter([busy, free_port()])
        monkeypatch.setattr(live_server, "free_port", lambda: next(ports))
        with LiveServer(tiny_app([])) as server:
            assert server.port != busy
            assert httpx.get(server.url).text == "hello world"
