"""Sign-in, sign-out and the language switcher."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form
from fastapi.responses import RedirectResponse, Response

from servicescape import i18n
from servicescape.auth import service as auth
from servicescape.auth.limits import DEVICE_COOKIE, DEVICE_COOKIE_DAYS, SignInRefused, new_device_cookie
from servicescape.auth.models import Staff
from servicescape.auth.sign_in import PasswordAttempt, authenticate
from servicescape.config import LANGUAGES
from servicescape.demo.firm import DEMO_OWNER_EMAIL, DEMO_OWNER_PASSWORD
from servicescape.errors import TooManyAttempts, ValidationFailed
from servicescape.web.deps import (
    LANGUAGE_COOKIE,
    PRE_SESSION_COOKIE,
    RequestContext,
    client_address,
    request_context,
    session_cookie_name,
)
from servicescape.web.templating import render

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Only same-site relative paths: never redirect a signed-in user to another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    return "/" if parts.scheme or parts.netloc else target


def _signin_page(context: RequestContext, *, next_url: str, email: str = "", error: str | None = None,
                 status_code: int = 200) -> Response:
    settings = context.runtime.settings
    hint = {"email": DEMO_OWNER_EMAIL, "password": DEMO_OWNER_PASSWORD} if settings.mode == "demo" else None
    return render(context, "auth/login.html", status_code=status_code, next=next_url,
                  email=email, error=error, demo_hint=hint)


@router.get("/signin")
def signin_form(next: str = "/", context: RequestContext = Depends(request_context)) -> Response:
    if context.user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _signin_page(context, next_url=safe_next(next))


@router.post("/signin")
def signin(
    email: str = Form("", max_length=320), password: str = Form("", max_length=1024),
    next: str = Form("/", max_length=2000), context: RequestContext = Depends(request_context),
) -> Response:
    attempt = PasswordAttempt(email, password, client_address(context.request),
                              context.request.cookies.get(DEVICE_COOKIE))
    try:
        staff = authenticate(context.runtime, attempt)
    except TooManyAttempts as exc:
        page = _signin_page(context, next_url=safe_next(next), email=email, error=exc.message,
                            status_code=exc.status_code)
        if isinstance(exc, SignInRefused):
            page.headers["Retry-After"] = str(exc.retry_after)
        return page
    if staff is None:
        return _signin_page(context, next_url=safe_next(next), email=email,
                            error=i18n._("Wrong e-mail or password."), status_code=401)
    return start_signed_in(context, staff, safe_next(next))


def start_signed_in(context: RequestContext, staff: Staff, target: str) -> Response:
    """A new session for ``staff`` (its cookie), this browser remembered as one of their known
    devices (auth/limits.py), and a redirect to ``target``."""
    with context.unit() as session:
        token = auth.start_session(session, staff, address=client_address(context.request))
    response = RedirectResponse(target, status_code=303)
    settings = context.runtime.settings
    response.set_cookie(
        session_cookie_name(context.runtime), token, httponly=True, samesite="lax",
        secure=settings.https, path="/", max_age=settings.session_absolute_hours * 3600,
    )
    response.set_cookie(
        DEVICE_COOKIE, new_device_cookie(settings, staff.email), httponly=True, samesite="lax",
        secure=settings.https, path="/", max_age=DEVICE_COOKIE_DAYS * 24 * 3600,
    )
    response.delete_cookie(PRE_SESSION_COOKIE)
    return response


@router.post("/signout")
def signout(context: RequestContext = Depends(request_context)) -> Response:
    token = context.request.cookies.get(session_cookie_name(context.runtime))
    if token:
        with context.unit() as session:
            auth.end_session(session, token)
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(session_cookie_name(context.runtime), path="/")
    return response


@router.post("/language")
def choose_language(
    language: str = Form(..., max_length=10), next: str = Form("/", max_length=2000),
    scope: str = Form("browser", max_length=10), context: RequestContext = Depends(request_context),
) -> Response:
    """This browser's language (a cookie); from a signed-in page (``scope=account``) also the
    account's. A signed-out page (the sign-in page) never changes an account's language, even when
    the browser has signed in since it was loaded."""
    if language not in LANGUAGES:
        raise ValidationFailed(i18n._("Unknown language."), field="language")
    if context.user is not None and scope == "account":
        with context.unit() as session:
            staff = session.get(Staff, context.user.id)
            if staff is not None:
                auth.set_language(session, staff, language, by=context.principal)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(LANGUAGE_COOKIE, language, max_age=365 * 24 * 3600, samesite="lax",
                        httponly=True, secure=context.runtime.settings.https)
    return response
