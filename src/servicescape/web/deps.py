"""Who is asking, in which language, and may they: the one place routes get these from."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address
from typing import Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from servicescape import i18n
from servicescape.audit.service import Actor
from servicescape.auth import service as auth
from servicescape.auth.models import Staff
from servicescape.auth.permissions import can, require
from servicescape.config import LANGUAGES
from servicescape.errors import AuthenticationRequired, CsrfFailed
from servicescape.runtime import Runtime
from servicescape.web.security import csrf_token, csrf_valid

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
LANGUAGE_COOKIE = "ss_lang"
PRE_SESSION_COOKIE = "ss_pre"


def session_cookie_name(runtime: Runtime) -> str:
    return "__Host-ss_session" if runtime.settings.https else "ss_session"


@dataclass
class RequestContext:
    request: Request
    runtime: Runtime
    user: Staff | None
    language: str
    csrf_token: str
    via_token: bool = False
    new_pre_session: str | None = None
    binding: str = ""

    @property
    def actor(self) -> Actor:
        address = client_address(self.request)
        if self.user is None:
            return Actor(label="anonymous", address=address)
        return auth.actor_for(self.user, address)

    @property
    def principal(self) -> Staff:
        """The signed-in staff member whom services check (fails closed when nobody is)."""
        if self.user is None:
            raise AuthenticationRequired(i18n._("Please sign in."))
        return self.user

    @contextmanager
    def unit(self) -> Iterator[Session]:
        """One transaction for this request's work, recorded in the audit trail as the user."""
        with self.runtime.transaction(self.actor) as session:
            yield session

    def can(self, permission: str) -> bool:
        return can(self.user, permission)


def _parsed(text: str) -> IPv4Address | IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # 192.0.2.1:443
        text = text.partition(":")[0]
    try:
        return ip_address(text)
    except ValueError:
        return None


def forwarded_client(peer: str, forwarded_for: list[str], trusted: Sequence[IPv4Network | IPv6Network]) -> str:
    """The client's address: the peer, unless the peer is a trusted proxy; then X-Forwarded-For is
    read from the right (each proxy appends the address it saw) past the trusted proxies, and the
    first address no trusted proxy holds is the client. What a client writes into the header
    itself lies left of that and is never believed."""
    def is_trusted(address: IPv4Address | IPv6Address | None) -> bool:
        return address is not None and any(address in network for network in trusted)

    hop = _parsed(peer)
    if not is_trusted(hop):
        return peer
    chain = [entry for header in forwarded_for for entry in header.split(",") if entry.strip()]
    for entry in reversed(chain):
        address = _parsed(entry)
        if address is None:  # not an address: stop at the last proxy we trust
            break
        hop = address
        if not is_trusted(address):
            break
    return str(hop)


def client_address(request: Request) -> str:
    """The address a request came from (X-Forwarded-For is believed only from trusted_proxies)."""
    peer = request.client.host if request.client else "unknown"
    runtime: Runtime | None = getattr(request.app.state, "runtime", None)
    trusted = runtime.settings.trusted_proxy_networks if runtime is not None else ()
    if not trusted:
        return peer
    return forwarded_client(peer, request.headers.getlist("x-forwarded-for"), trusted)


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _sep, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _language(request: Request, runtime: Runtime, user: Staff | None) -> str:
    """The language chosen in this browser (the switcher, on any page), then the account's own
    (the switcher of a signed-in page also stores it there; the sign-in page's never does), then
    the browser's languages, then the firm's default."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    if user is not None and user.language in LANGUAGES:
        return user.language
    return i18n.negotiate(request.headers.get("accept-language")) or runtime.settings.default_language


def identify(request: Request, runtime: Runtime) -> RequestContext:
    """Who is asking (API token or session cookie), in which language, with which CSRF token."""
    user: Staff | None = None
    bearer = _bearer(request)
    cookie = request.cookies.get(session_cookie_name(runtime))
    with runtime.transaction(Actor("system", address=client_address(request))) as session:
        if bearer is not None:
            user = auth.resolve_token(session, bearer)
            if user is None:
                raise AuthenticationRequired(i18n._("The API token is not valid or was revoked."))
        elif cookie:
            user = auth.resolve_session(session, runtime.settings, cookie)
    binding = cookie if (user is not None and cookie) else request.cookies.get(PRE_SESSION_COOKIE)
    new_pre = None
    if not binding:
        binding = new_pre = secrets.token_urlsafe(32)
    language = _language(request, runtime, user)
    i18n.activate(language)
    return RequestContext(
        request=request, runtime=runtime, user=user, language=language,
        csrf_token=csrf_token(runtime.settings.secret_key, binding),
        via_token=bearer is not None, new_pre_session=new_pre, binding=binding,
    )


async def request_context(request: Request) -> RequestContext:
    """The caller's context; refuses state-changing requests without a valid CSRF token.

    Every state-changing request authenticated by a cookie, or anonymous, must carry the CSRF
    token (form field ``csrf_token`` or header ``X-CSRF-Token``); bearer-token calls without a
    session cookie are exempt, since a browser never adds that header by itself.
    """
    cached = getattr(request.state, "context", None)
    if isinstance(cached, RequestContext):
        return cached
    runtime = get_runtime(request)  # not a dependency: a plain function would run in the thread pool
    context = identify(request, runtime)
    request.state.context = context
    cookie_auth = request.cookies.get(session_cookie_name(runtime)) is not None
    if request.method not in SAFE_METHODS and (cookie_auth or not context.via_token):
        presented = request.headers.get("x-csrf-token")
        if presented is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            form = await request.form()
            value = form.get("csrf_token")
            presented = value if isinstance(value, str) else None
        if not csrf_valid(runtime.settings.secret_key, context.binding, presented):
            raise CsrfFailed(
                i18n._("The form expired or did not come from this site; reload the page and try again.")
            )
    return context


def signed_in(permission: str | None = None) -> Callable[..., Any]:
    """Dependency factory: the caller must be signed in (and hold ``permission``, which a route
    takes from the service it calls: the service checks again, the gate only answers early)."""

    async def dependency(context: RequestContext = Depends(request_context)) -> RequestContext:
        if context.user is None:
            raise AuthenticationRequired(i18n._("Please sign in."))
        if permission is not None:
            require(context.user, permission)
        return context

    return dependency
