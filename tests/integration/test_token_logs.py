"""Tokens never in the logs: every route with a {token} (survey links, price studies, calendar feeds,
password and sign-in links, portal links, import previews) is written to the access log and the app's
own messages as ``[token]``; other paths are left as they are."""

from __future__ import annotations

import logging
import re

from fastapi.routing import iter_route_contexts

from servicescape.web.log_redaction import HIDDEN, LOGGERS

TOKEN = "Zq3xT0k3nLooksRandomAndLong_0123456789-abc"


def _record(logger: str, path: str) -> logging.LogRecord:
    """A record as uvicorn's access log makes it."""
    return logging.LogRecord(logger, logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                             ("127.0.0.1:50000", "GET", path, "1.1", 200), None)


def test_every_token_route_is_logged_without_its_token(app) -> None:  # type: ignore[no-untyped-def]
    paths = sorted({c.path_format for c in iter_route_contexts(app.routes) if "{token}" in (c.path_format or "")})
    assert {"/s/{token}", "/calendar/{token}.ics", "/reset-password/{token}", "/portal/link/{token}"} <= set(paths)
    access = logging.getLogger("uvicorn.access")
    for template in paths:
        path = re.sub(r"\{[^}]+\}", "7", template.replace("{token}", TOKEN)) + "?lang=hu"
        record = _record("uvicorn.access", path)
        assert access.filter(record)
        message = record.getMessage()
        assert TOKEN not in message and HIDDEN in message and "?lang=hu" in message, message
    kept = _record("uvicorn.access", "/clients/42?q=Szab%C3%B3")
    access.filter(kept)
    assert "/clients/42?q=Szab%C3%B3" in kept.getMessage()
    own = logging.getLogger("servicescape.web")
    error = logging.LogRecord("servicescape.web", logging.ERROR, __file__, 1, "unexpected error on %s %s",
                              ("POST", f"/s/{TOKEN}"), None)
    own.filter(error)
    assert TOKEN not in error.getMessage()
    assert all(logging.getLogger(name).filters for name in LOGGERS)
