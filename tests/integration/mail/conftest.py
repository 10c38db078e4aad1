"""Mail tests talk to a real SMTP server (tests/support/smtp.py) on a free loopback port."""

from __future__ import annotations

import re
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest

from servicescape.config import Settings
from servicescape.runtime import Runtime
from tests.integration.pages.conftest import browser_as, owner_browser  # noqa: F401 - the page tests' fixtures
from tests.support.smtp import Certificate, SmtpServer, free_port, make_certificate

FROM = "office@firm.test"
FIRM = "Nagy & Tan"


def configure(runtime: Runtime, **changes: Any) -> None:
    """Change settings of the runtime (and of the app built on it), validated as from the environment."""
    runtime.settings = Settings(**{**runtime.settings.model_dump(), **changes})


def use_smtp(runtime: Runtime, server: SmtpServer | None, **settings: Any) -> None:
    """Point the runtime at ``server``; None: a port nobody listens on."""
    host, port = (server.host, server.port) if server else ("127.0.0.1", free_port())
    configure(runtime, **{"smtp_host": host, "smtp_port": port, "smtp_security": "none", "smtp_timeout_seconds": 5,
                          "mail_from": FROM, "firm_name": FIRM, **settings})


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@pytest.fixture
def mailer(runtime: Runtime, smtp_server: SmtpServer) -> SmtpServer:
    """The runtime sends to a plain SMTP server; returns the server."""
    use_smtp(runtime, smtp_server)
    return smtp_server


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return make_certificate(tmp_path_factory.mktemp("tls"))


def parts(message: EmailMessage) -> tuple[str, str]:
    """The text and HTML parts of a multipart/alternative message."""
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()  # type: ignore[attr-defined]


def link_in(text: str, path: str) -> str:
    """The path of the first link to ``path`` in a message (``/welcome/`` or ``/reset-password/``)."""
    match = re.search(rf"https?://[^/\s]+({re.escape(path)}[A-Za-z0-9_-]+)", text)
    assert match is not None, text
    return match.group(1)
