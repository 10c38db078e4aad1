"""The SMTP side of sending: one connection per run, and what each try's outcome means.

Outcomes are sorted by what we KNOW about delivery, since that decides what may happen next:

- ``failed``: the server did not take the message (a refusal code, or a failure before the
  message content was handed over); trying again cannot deliver it twice.
- ``sent``: the server answered 250 to the end of the content.
- ``unknown``: the connection failed while the content was being handed over or while waiting for
  the answer; the server may have taken it. Never retried automatically (status "check").
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from typing import Literal

from servicescape.config import Settings

#: what a network or protocol failure raises (ssl.SSLError and timeouts are OSErrors)
TRANSPORT_ERRORS = (smtplib.SMTPException, OSError)
ERROR_LENGTH = 1000


@dataclass(frozen=True)
class Outcome:
    state: Literal["sent", "failed", "unknown"]
    error: str | None = None
    #: the server refused for good (5xx): trying again will not help
    permanent: bool = False
    #: the connection can take the next message
    usable: bool = True


def describe(exc: BaseException) -> str:
    """One line about a failure, for the outbox's last_error (never the message itself)."""
    if isinstance(exc, smtplib.SMTPResponseException):
        return _reply(exc.smtp_code, exc.smtp_error)
    return " ".join(f"{type(exc).__name__}: {exc}".split())[:ERROR_LENGTH]


def _reply(code: int, reply: bytes | str) -> str:
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else reply
    return " ".join(f"{code} {text}".split())[:ERROR_LENGTH]


def connect(settings: Settings) -> smtplib.SMTP:
    """An open, secured and signed-in connection (certificates verified), or a TRANSPORT_ERROR."""
    assert settings.smtp_host, "callers check settings.mail_configured first"
    context = ssl.create_default_context(cafile=str(settings.smtp_ca_file) if settings.smtp_ca_file else None)
    timeout = settings.smtp_timeout_seconds
    connection: smtplib.SMTP
    if settings.smtp_security == "tls":
        connection = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=timeout, context=context)
    else:
        connection = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
    try:
        connection.ehlo()
        if settings.smtp_security == "starttls":
            connection.starttls(context=context)  # refuses a server without STARTTLS: no plain fallback
            connection.ehlo()
        if settings.smtp_username:
            password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
            connection.login(settings.smtp_username, password)
    except BaseException:
        connection.close()
        raise
    return connection


def close(connection: smtplib.SMTP) -> str | None:
    """QUIT politely; returns why that failed (the messages' outcomes are already known)."""
    try:
        connection.quit()
    except TRANSPORT_ERRORS as exc:
        connection.close()
        return describe(exc)
    return None


def _refused(connection: smtplib.SMTP, code: int, reply: bytes | str) -> Outcome:
    """The server refused this message (nothing was delivered); reset for the next one."""
    usable = True
    try:
        connection.rset()
    except TRANSPORT_ERRORS:
        usable = False
    return Outcome("failed", _reply(code, reply), permanent=code >= 500, usable=usable)


def deliver(connection: smtplib.SMTP, content: bytes, *, sender: str, recipient: str) -> Outcome:
    """One SMTP transaction: MAIL, RCPT, DATA; see the module docstring for what the outcome means."""
    try:
        code, reply = connection.mail(sender)
        if code != 250:
            return _refused(connection, code, reply)
        code, reply = connection.rcpt(recipient)
        if code not in (250, 251):
            return _refused(connection, code, reply)
    except TRANSPORT_ERRORS as exc:  # before DATA: the server holds no message
        return Outcome("failed", describe(exc), usable=False)
    try:
        code, reply = connection.data(content)
    except smtplib.SMTPDataError as exc:  # DATA itself refused: no content was sent
        return _refused(connection, exc.smtp_code, exc.smtp_error)
    except TRANSPORT_ERRORS as exc:
        # the content may have reached the server and been accepted before the connection broke
        return Outcome("unknown", describe(exc), usable=False)
    if code != 250:
        return _refused(connection, code, reply)
    return Outcome("sent")
