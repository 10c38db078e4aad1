"""Security headers on every response, request-body limits, and CSRF tokens (ASVS V3, V4, V14)."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'"
)
BASE_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
#: pages, API answers and downloads hold client data: no copy in any cache (Back after sign-out
#: must not show a client's page again); the versioned static files may be cached
NO_STORE = (b"cache-control", b"no-store")


def add_security_headers(response: Any, *, https: bool) -> None:
    """The same headers on a response made outside the middleware (the 500 page, made by
    Starlette's outermost ServerErrorMiddleware, which no middleware of ours wraps)."""
    for name, value in (*BASE_HEADERS, NO_STORE, *((HSTS,) if https else ())):
        response.headers.setdefault(name.decode(), value.decode())


class SecurityHeadersMiddleware:
    """Adds the headers to every HTTP response: pages, API, errors and static files alike (and
    ``Cache-Control: no-store`` to everything but the static files)."""

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = self.https or scope.get("scheme") == "https"
        static = str(scope.get("path", "")).startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _value in message.get("headers", [])}
                headers = list(message.get("headers", []))
                headers += [h for h in BASE_HEADERS if h[0] not in names]
                if not static and NO_STORE[0] not in names:
                    headers.append(NO_STORE)
                if https:
                    headers.append(HSTS)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimitMiddleware:
    """Refuses request bodies over ``max_bytes`` with 413, by Content-Length or while streaming (a
    chunked body with no length): whatever the app would have answered, the answer is 413."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.max_bytes
                except ValueError:
                    too_big = True
                if too_big:
                    await _reject(send, self.max_bytes)
                    return
        received = 0
        started = exceeded = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    exceeded = True
                    raise _BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if exceeded:  # the app caught our exception and answers (e.g. 400 "error parsing the body"): 413
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await _reject(send, self.max_bytes)
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge:
            if not started:
                await _reject(send, self.max_bytes)


class _BodyTooLarge(Exception):
    pass


async def _reject(send: Send, max_bytes: int) -> None:
    body = json.dumps({"error": {
        "code": "payload_too_large",
        "message": f"The request body is larger than the limit of {max_bytes // (1024 * 1024)} MB.",
    }}).encode()
    await send({"type": "http.response.start", "status": 413, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
    ]})
    await send({"type": "http.response.body", "body": body})


def csrf_token(secret_key: str, binding: str) -> str:
    """The CSRF token of a browser: an HMAC of its session (or pre-session) cookie."""
    return hmac.new(secret_key.encode(), f"csrf:{binding}".encode(), hashlib.sha256).hexdigest()


def csrf_valid(secret_key: str, binding: str, presented: str | None) -> bool:
    # compare bytes: compare_digest refuses str with non-ASCII characters (a header byte ≥ 0x80)
    expected = csrf_token(secret_key, binding).encode()
    return bool(presented) and hmac.compare_digest(expected, (presented or "").encode(errors="replace"))


def sign(secret_key: str, payload: Any) -> str:
    data = json.dumps(payload, separators=(",", ":")).encode().hex()
    mac = hmac.new(secret_key.encode(), data.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{data}.{mac}"


def unsign(secret_key: str, value: str | None) -> Any:
    if not value or "." not in value:
        return None
    data, mac = value.rsplit(".", 1)
    expected = hmac.new(secret_key.encode(), data.encode(errors="replace"), hashlib.sha256).hexdigest()[:32]
    # compare bytes: compare_digest refuses str with non-ASCII characters (a cookie "x.é")
    if not hmac.compare_digest(mac.encode(errors="replace"), expected.encode()):
        return None
    try:
        return json.loads(bytes.fromhex(data))
    except ValueError:
        return None
