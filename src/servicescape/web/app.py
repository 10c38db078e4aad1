"""The web application: pages, the JSON API under /api/v1, static files."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from servicescape import __version__
from servicescape.capabilities import CAPABILITIES, load
from servicescape.config import Settings
from servicescape.runtime import Runtime, open_runtime
from servicescape.web import errors
from servicescape.web.api.common import API_AUTH
from servicescape.web.security import BodyLimitMiddleware, SecurityHeadersMiddleware

STATIC_DIR = Path(__file__).parent / "static"
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
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url=f"{API_PREFIX}/openapi.json",
    )
    app.state.runtime = runtime
    errors.install(app)

    from servicescape.web.pages import auth as auth_pages
    from servicescape.web.pages import home
    app.include_router(auth_pages.router)
    app.include_router(home.router)
    app.include_router(load("servicescape.web.pages.passwords").router)  # invitations, forgot password
    app.include_router(load("servicescape.platform.mail.pages").router)  # the outbox, for owners
    api = APIRouter(prefix=API_PREFIX, dependencies=API_AUTH)  # 401 before anything else without credentials
    api.include_router(load("servicescape.web.api.invitations").router)
    for capability in CAPABILITIES:
        for module in capability.api_modules:
            api.include_router(load(module).router)
        for module in capability.page_modules:
            app.include_router(load(module).router)
    app.include_router(api)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(BodyLimitMiddleware, max_bytes=runtime.settings.max_upload_bytes)
    app.add_middleware(SecurityHeadersMiddleware, https=runtime.settings.https)
    return app
