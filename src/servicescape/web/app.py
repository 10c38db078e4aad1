"""The web application: every capability's pages and its JSON API under /api/v1, static files,
and the scheduler that runs the background jobs."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache
from importlib import import_module

import anyio.to_thread
from fastapi import APIRouter, FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.staticfiles import StaticFiles
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from servicescape import __version__
from servicescape.config import Settings
from servicescape.platform.registry import registry
from servicescape.runtime import Runtime, open_runtime
from servicescape.web import errors, log_redaction
from servicescape.web.api.common import API_AUTH
from servicescape.web.security import BodyLimitMiddleware, SecurityHeadersMiddleware
from servicescape.web.templating import STATIC_DIR

API_PREFIX = "/api/v1"


def create_app(settings: Settings | None = None, *, runtime: Runtime | None = None) -> FastAPI:
    """Build the app for ``settings`` (or an already open ``runtime``, as the tests do)."""
    if runtime is None:
        settings = settings or Settings()
        settings.require_secret_key()
        runtime = open_runtime(settings)
    runtime.settings.require_secret_key()
    app = FastAPI(
        title="Servicescape API",
        version=__version__,
        description="The client book and, capability by capability, the rest of Servicescape. "
        "Authenticate with `Authorization: Bearer <token>` (`servicescape user token EMAIL`).",
        docs_url=None,  # our own page at /api/docs (web/pages/api_docs.py): no CDN, fits the CSP
        redoc_url=None,
        openapi_url=f"{API_PREFIX}/openapi.json",
        lifespan=_lifespan(runtime),
    )
    app.state.runtime = runtime
    errors.install(app)

    app.router.routes.extend(_routes())
    log_redaction.install(context.path_format or "" for context in iter_route_contexts(app.routes))
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(BodyLimitMiddleware, max_bytes=runtime.settings.max_upload_bytes)
    app.add_middleware(SecurityHeadersMiddleware, https=runtime.settings.https)
    return app


@cache
def _routes() -> tuple[BaseRoute, ...]:
    """Every capability's pages, then its API under /api/v1, composed once per process: FastAPI's
    ``include_router`` builds the models of each of some 2,500 routes (seconds), and an app made again
    in the same process (the tests make one per test) takes the same routes. They hold nothing of an
    app: each request finds its runtime on its own app (``request.app.state``)."""
    composed = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)   # no routes of its own
    capabilities = registry()
    api = APIRouter(prefix=API_PREFIX, dependencies=API_AUTH)  # 401 before anything else without credentials
    for module in capabilities.modules("api"):
        api.include_router(import_module(module).router)
    for module in capabilities.modules("pages"):
        composed.include_router(import_module(module).router)
    composed.include_router(api)
    return tuple(composed.router.routes)


def freeze_what_lives_forever() -> None:
    """For a server process, once its app is made: what it holds by then (modules, the app,
    mappings, compiled statements) lives as long as the process, so out of the cyclic collector's
    sight a full collection no longer walks it in the middle of a request. Measured under load
    (benchmarks/client_list_load.py): p99 of the client list 181 -> 124 ms, of /healthz 62 -> 19 ms.
    Not for tests, which make many apps in one process: theirs would never be collected."""
    gc.collect()
    gc.freeze()


#: after how many requests (of pages and the API: not static files or /healthz) a server process
#: freezes again what it holds by then
FREEZE_AFTER = (100, 1_000, 10_000)


class FreezeAfterWarmUp:
    """Freeze again once the first requests have filled what a process keeps for its life: compiled
    templates and statements, locale data, remembered figures (some 120,000 objects at 100,000 clients,
    which each full collection walked: one every ~100 requests, in the middle of one). Measured on a mix
    of pages at 100,000 clients: time in the collector 2.1 -> 1.2 ms a request. Only what is alive then
    is frozen (a collection first), at three points of a process's life, so little is kept forever."""

    def __init__(self, app: ASGIApp, after: tuple[int, ...] = FREEZE_AFTER) -> None:
        self.app = app
        self.left = list(after)
        self.served = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.left and scope["type"] == "http" and not scope["path"].startswith(("/static/", "/healthz")):
            self.served += 1
            if self.served >= self.left[0]:
                self.left.pop(0)
                freeze_what_lives_forever()
        await self.app(scope, receive, send)


def create_served_app() -> FastAPI:
    """The app as each process of ``servicescape serve --workers N`` makes it."""
    return ready_to_serve(create_app())


def ready_to_serve(app: FastAPI) -> FastAPI:
    """A server process's app: what it holds frozen now, and again after its first requests."""
    app.add_middleware(FreezeAfterWarmUp)
    freeze_what_lives_forever()
    return app


def _lifespan(runtime: Runtime):  # type: ignore[no-untyped-def]
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        from servicescape.platform.jobs.scheduler import Scheduler

        # the pages and the API run in threads, as many at once as settings.threads: one process runs
        # Python one thread at a time, and anyio's 40 shared a core among all the requests in hand (at
        # 100,000 clients and 50 users, p95 of the mix 263-534 ms with 40 threads, 143-168 ms with 2)
        anyio.to_thread.current_default_thread_limiter().total_tokens = runtime.settings.threads
        scheduler = Scheduler(runtime) if runtime.settings.run_jobs else None
        if scheduler is not None:
            scheduler.start()
        try:
            yield
        finally:
            if scheduler is not None:
                scheduler.stop()

    return lifespan
