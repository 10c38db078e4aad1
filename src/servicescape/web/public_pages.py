"""What every sign-in-free page reached by a private link shares (a survey link, a price-question link):
an anonymous request context in the language asked for, rate limits per client address, the
cross-site check that stands in for CSRF, and headers that keep the token out of caches, Referers
and search engines.

* The token in the link is the key: no session, no navigation into the product.
* Every route is rate-limited per client address (``platform.ratelimit``: the settings
  ``public_get_per_minute`` and ``public_post_per_minute``); an unknown token counts double.
* A post the browser marks as cross-site (``Sec-Fetch-Site``) or whose ``Origin`` is another site
  is refused; ``Origin: null`` is accepted (browsers send it for these pages' own posts, since the
  pages ask for no referrer).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from servicescape import i18n
from servicescape.config import LANGUAGES
from servicescape.platform import ratelimit
from servicescape.web.deps import RequestContext, get_runtime

#: the shape of a link's token: 32 random bytes, URL-safe base64 without padding
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
PUBLIC_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow"}


def asked_language(request: Request, form: FormData | None = None) -> str | None:
    chosen = form.get("lang") if form is not None else request.query_params.get("lang")
    return chosen if isinstance(chosen, str) and chosen in LANGUAGES else None


def public_context(request: Request, form: FormData | None = None) -> RequestContext:
    """An anonymous context (a signed-in session plays no part here), in the language asked for,
    else the browser's, until the link's own is known."""
    runtime = get_runtime(request)
    language = (asked_language(request, form) or i18n.negotiate(request.headers.get("accept-language"))
                or runtime.settings.default_language)
    i18n.activate(language)
    context = RequestContext(request=request, runtime=runtime, user=None, language=language, csrf_token="")
    request.state.context = context     # the error handler answers in the same terms
    return context


def speak(context: RequestContext, language: str) -> None:
    context.language = language
    i18n.activate(language)


def link_language(request: Request, posted: FormData | None, language: str | None) -> str:
    """The language asked for (``?lang=``, a form's ``lang``), else the link's own when it is one of
    the product's, else the firm's default."""
    asked = asked_language(request, posted) or asked_language(request)
    if asked:
        return asked
    return language if language in LANGUAGES else get_runtime(request).settings.default_language


def limit(context: RequestContext, viewing: bool) -> ratelimit.Limit:
    settings = context.runtime.settings
    return ratelimit.per_minute(settings.public_get_per_minute if viewing else settings.public_post_per_minute)


def count(context: RequestContext, key: str, *, viewing: bool) -> None:
    ratelimit.check(context.request, key, limit(context, viewing))


def charge(context: RequestContext, key: str, *, viewing: bool) -> None:
    """A miss (an unknown token) counts once more."""
    ratelimit.charge(context.request, key, limit(context, viewing))


def cross_site(context: RequestContext) -> bool:
    headers = context.request.headers
    if headers.get("sec-fetch-site") == "cross-site":
        return True
    origin = headers.get("origin")
    if origin is None or origin == "null":
        return False
    ours = {_origin(context.runtime.settings.public_url), _origin(str(context.request.base_url))}
    return _origin(origin) not in ours


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def public(response: Response) -> Response:
    response.headers.update(PUBLIC_HEADERS)
    return response
