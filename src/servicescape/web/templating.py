"""Jinja2 environment for the pages: gettext, the firm's timezone, money and country names."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from servicescape import __version__, i18n
from servicescape.config import LANGUAGES
from servicescape.platform.registry import registry
from servicescape.web.deps import PRE_SESSION_COOKIE, RequestContext
from servicescape.web.security import sign, unsign

TEMPLATES_DIR = Path(__file__).parent / "templates"
FLASH_COOKIE = "ss_flash"
BABEL_LOCALES = {"en": "en", "ms": "ms", "bg": "bg", "zh-Hans": "zh_Hans_CN", "zh-Hant": "zh_Hant_TW",
                 "hu": "hu"}


def babel_locale(language: str) -> str:
    return BABEL_LOCALES.get(language, "en")


@cache
def country_names(language: str) -> dict[str, str]:
    territories = Locale.parse(babel_locale(language)).territories
    return {code: name for code, name in territories.items() if len(code) == 2 and code.isalpha()}


def build_environment() -> Environment:
    """The shared templates (layout, macros, errors) and each capability's own templates folder."""
    folders = [TEMPLATES_DIR, *registry().template_dirs()]
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(folder) for folder in folders]),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda message: i18n.active().gettext(message),
        lambda singular, plural, n: i18n.active().ngettext(singular, plural, n),
        newstyle=True,
    )
    return env


ENVIRONMENT = build_environment()


class Formatter:
    """Formats values for display in one language and the firm's timezone."""

    def __init__(self, language: str, zone: Any) -> None:
        self.locale = babel_locale(language)
        self.zone = zone
        self.language = language

    def datetime(self, value: datetime | None) -> str:
        if value is None:
            return ""
        return format_datetime(value.astimezone(self.zone), "medium", locale=self.locale)

    def date(self, value: date | None) -> str:
        return format_date(value, "medium", locale=self.locale) if value else ""

    def money(self, amount: Decimal | None, currency: str | None) -> str:
        if amount is None:
            return ""
        digits = format_decimal(amount, format="#,##0.00##", locale=self.locale)
        return f"{digits} {currency}" if currency else digits

    def country(self, code: str | None) -> str:
        if not code:
            return ""
        return country_names(self.language).get(code, code)


def static_url(path: str) -> str:
    return f"/static/{path}?v={__version__}"


def nav_items(context: RequestContext) -> list[dict[str, Any]]:
    return [
        {"key": nav.icon, "label": i18n._(nav.label), "url": nav.url or "#", "icon": nav.icon,
         "enabled": nav.url is not None}
        for nav in registry().nav()
        if nav.url is None or nav.permission is None or context.can(nav.permission)
    ]


def flash(response: Any, context: RequestContext, category: str, message: str) -> None:
    """Show ``message`` on the next page this browser loads (a signed, short-lived cookie)."""
    response.set_cookie(
        FLASH_COOKIE, sign(context.runtime.settings.secret_key, [category, message]),
        max_age=60, httponly=True, samesite="lax", secure=context.runtime.settings.https,
    )


def _shared(context: RequestContext) -> dict[str, Any]:
    """What every template may use besides its own values."""
    settings = context.runtime.settings
    return {
        "request": context.request, "current_user": context.user, "csrf_token": context.csrf_token,
        "current_language": context.language, "firm_name": settings.firm_name, "static_url": static_url,
        "fmt": Formatter(context.language, settings.zone), "can": context.can,
        "tier_names": {key: i18n._(name) for key, name in settings.tier_names.items()},
    }


def fragment(context: RequestContext, template: str, **values: Any) -> Markup:
    """A part of a page (a client-page section, a home panel) rendered on its own."""
    return Markup(ENVIRONMENT.get_template(template).render(**_shared(context), **values))  # noqa: S704 - autoescaped template output


def render(context: RequestContext, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    request: Request = context.request
    settings = context.runtime.settings
    flashed = unsign(settings.secret_key, request.cookies.get(FLASH_COOKIE))
    page = ENVIRONMENT.get_template(template).render(
        **_shared(context),
        nav=nav_items(context) if context.user else [],
        languages=list(LANGUAGES.items()),
        flashes=[tuple(flashed)] if isinstance(flashed, list) and len(flashed) == 2 else [],
        status_code=status_code,
        **values,
    )
    response = HTMLResponse(page, status_code=status_code)
    if FLASH_COOKIE in request.cookies:
        response.delete_cookie(FLASH_COOKIE)
    if context.new_pre_session:
        response.set_cookie(PRE_SESSION_COOKIE, context.new_pre_session, httponly=True,
                            samesite="lax", secure=settings.https)
    return response
