"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1, a free port), recording what it accepts.

    with SmtpServer() as server:                 # plain SMTP
    with SmtpServer(tls=cert) as server:         # STARTTLS offered and required
    with SmtpServer(tls=cert, implicit_tls=True) # TLS from the first byte (port-465 style)
    with SmtpServer(tls=cert, login=("user", "secret"))  # AUTH required (over TLS)

``server.received`` holds the parsed messages; ``server.refuse = "550 …"`` answers every DATA
with that reply; ``server.hang_up = True`` records the message, then drops the connection without
answering; ``server.delay`` waits that long before answering DATA (the message is recorded
first, so a client killed meanwhile leaves a message the server did accept).
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import subprocess
import threading
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, self.key)
        return context


def make_certificate(folder: Path) -> Certificate:
    """A throw-away self-signed certificate for 127.0.0.1 (openssl CLI)."""
    cert, key = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    return Certificate(cert, key)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    tls: bool
    login: str | None


@dataclass
class _Recorder:
    received: list[Received] = field(default_factory=list)
    refuse: str | None = None
    delay: float = 0.0
    hang_up: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # aiosmtpd calls it so
        if self.refuse:
            return self.refuse
        parsed = message_from_bytes(envelope.original_content or envelope.content, policy=default)
        login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed,  # type: ignore[arg-type]
                                          server.transport.get_extra_info("ssl_object") is not None, login))
        if self.hang_up:  # took it, but the client never hears so
            server.transport.abort()
            return "421 gone"
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self, *, tls: Certificate | None = None, implicit_tls: bool = False,
                 login: tuple[str, str] | None = None) -> None:
        self.port = free_port()
        self.host = "127.0.0.1"
        self._recorder = _Recorder()
        kwargs: dict[str, Any] = {}
        if tls is not None and implicit_tls:
            kwargs["ssl_context"] = tls.server_context()
        elif tls is not None:
            kwargs.update(tls_context=tls.server_context(), require_starttls=True)
        if login is not None:
            expected = LoginPassword(login[0].encode(), login[1].encode())

            def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
                return AuthResult(success=data == expected, auth_data=data)

            kwargs.update(authenticator=authenticate, auth_required=True)
        self._controller = Controller(self._recorder, hostname=self.host, port=self.port, **kwargs)

    @property
    def received(self) -> list[Received]:
        with self._recorder.lock:
            return list(self._recorder.received)

    @property
    def refuse(self) -> str | None:
        return self._recorder.refuse

    @refuse.setter
    def refuse(self, reply: str | None) -> None:
        self._recorder.refuse = reply

    @property
    def delay(self) -> float:
        return self._recorder.delay

    @delay.setter
    def delay(self, seconds: float) -> None:
        self._recorder.delay = seconds

    @property
    def hang_up(self) -> bool:
        return self._recorder.hang_up

    @hang_up.setter
    def hang_up(self, value: bool) -> None:
        self._recorder.hang_up = value

    def __enter__(self) -> SmtpServer:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()
