"""Jinja2 environment for the pages: gettext, the firm's timezone, money and country names."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, format_time, get_datetime_format, get_timezone_location
from babel.numbers import format_decimal, get_currency_name
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, pass_eval_context, select_autoescape
from jinja2.filters import do_urlencode
from jinja2.nodes import EvalContext
from markupsafe import Markup, escape

from servicescape import __version__, i18n
from servicescape.config import LANGUAGES
from servicescape.currencies import active_currencies
from servicescape.platform.registry import registry
from servicescape.web.deps import PRE_SESSION_COOKIE, RequestContext
from servicescape.web.security import sign, unsign

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"
FLASH_COOKIE = "ss_flash"
BABEL_LOCALES = {"en": "en", "ms": "ms", "bg": "bg", "zh-Hans": "zh_Hans_CN", "zh-Hant": "zh_Hant_TW",
                 "hu": "hu"}


def babel_locale(language: str) -> str:
    return BABEL_LOCALES.get(language, "en")


@cache
def zone_label(zone: Any, locale: str) -> str:
    if getattr(zone, "key", "UTC") in ("UTC", "Etc/UTC"):
        return "UTC"
    offset = datetime.now(zone).utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    hours, rest = divmod(abs(minutes), 60)
    sign = "+" if minutes >= 0 else "-"
    city = get_timezone_location(zone, locale=locale, return_city=True)
    return f"{city} (UTC{sign}{hours}{f':{rest:02d}' if rest else ''})"


#: languages a client or contact may speak, offered by name: the UI's own, the demo firm's
#: markets', and other common ones
CLIENT_LANGUAGES = ("en", "ms", "id", "zh-Hans", "zh-Hant", "bg", "hu", "de", "ro", "fr", "es", "it", "pt", "nl",
                    "pl", "cs", "sk", "ru", "uk", "el", "tr", "ar", "hi", "ta", "th", "vi", "ja", "ko", "tl")


@cache
def language_names(language: str) -> dict[str, str]:
    """Language code → its name in ``language`` (zh-Hans and zh-Hant told apart)."""
    names = Locale.parse(babel_locale(language)).languages
    found = {code: names.get(code.replace("-", "_"), names.get(code.split("-")[0], code)) for code in CLIENT_LANGUAGES}
    found["zh-Hans"] = Locale.parse("zh_Hans").get_display_name(babel_locale(language)) or found["zh-Hans"]
    found["zh-Hant"] = Locale.parse("zh_Hant").get_display_name(babel_locale(language)) or found["zh-Hant"]
    return found


@cache
def currency_options(language: str) -> list[tuple[str, str]]:
    """Every ISO 4217 currency in use: (code, "MYR · Malaysian Ringgit"), by code."""
    locale = babel_locale(language)
    return [(code, f"{code} · {get_currency_name(code, locale=locale)}") for code in sorted(active_currencies())]


@cache
def country_names(language: str) -> dict[str, str]:
    territories = Locale.parse(babel_locale(language)).territories
    return {code: name for code, name in territories.items() if len(code) == 2 and code.isalpha()}


@lru_cache(maxsize=8192)
def _medium_date(value: date, locale: str) -> str:
    """A date as the locale writes it (Babel takes ~0.3 ms; a list shows the same dates often)."""
    return format_date(value, "medium", locale=locale)


def build_environment() -> Environment:
    """The shared templates (layout, macros, errors) and each capability's own templates folder."""
    folders = [TEMPLATES_DIR, *registry().template_dirs()]
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(folder) for folder in folders]),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,   # no file checks at each include (a page includes dozens): restart to see a change
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda message: i18n.active().gettext(message),
        lambda singular, plural, n: i18n.active().ngettext(singular, plural, n),
        pgettext=lambda context, message: i18n.active().pgettext(context, message),
        newstyle=True,
    )
    # `_` and `gettext` (a {% trans %} block) in one call instead of the extension's three
    env.globals.update(_=template_gettext, gettext=template_gettext, record_link=registry().record_link)
    return env


#: (catalog, message) → the translation as markup: a page asks some sixty of them
_TRANSLATED: dict[tuple[int, str], Markup] = {}


@pass_eval_context
def template_gettext(eval_context: EvalContext, message: str, /, **variables: Any) -> str:
    """Jinja's newstyle gettext, the same result in one call: in an autoescaped template the
    translation is markup and the values put in are escaped; it is always a %-format (``%%`` is
    "%"). Translations of a message without values are kept, per catalog."""
    translations = i18n.active()
    if not eval_context.autoescape:
        return translations.gettext(message) % variables
    if variables:
        return Markup(translations.gettext(message)) % variables  # noqa: S704 - the catalog's text
    key = (id(translations), message)  # the catalogs are made once per language (i18n.translations)
    found = _TRANSLATED.get(key)
    if found is None:
        if len(_TRANSLATED) > 20_000:  # a bound, should a template ever translate a computed text
            _TRANSLATED.clear()
        found = _TRANSLATED[key] = Markup(translations.gettext(message)) % {}  # noqa: S704 - the catalog's text
    return found


ENVIRONMENT = build_environment()


class Formatter:
    """Formats values for display in one language and the firm's timezone."""

    def __init__(self, language: str, zone: Any) -> None:
        self.locale = babel_locale(language)
        self.zone = zone
        self.language = language

    def time(self, value: datetime | None) -> str:
        """The time of day to the minute, on the firm's clock."""
        if value is None:
            return ""
        return format_time(value.astimezone(self.zone), "short", locale=self.locale)

    def same_day(self, first: datetime, second: datetime) -> bool:
        """Whether two moments fall on the same day of the firm's calendar."""
        return first.astimezone(self.zone).date() == second.astimezone(self.zone).date()

    def datetime(self, value: datetime | None) -> str:
        """The date and the time to the minute (no seconds), on the firm's clock."""
        if value is None:
            return ""
        local = value.astimezone(self.zone)
        pattern = str(get_datetime_format("medium", locale=self.locale))
        return pattern.format(format_time(local, "short", locale=self.locale),
                              format_date(local, "medium", locale=self.locale))

    @property
    def zone_label(self) -> str:
        """The firm's timezone as people know it: its city and offset ("吉隆坡 (UTC+8)")."""
        return zone_label(self.zone, self.locale)

    def language_name(self, code: str | None) -> str:
        if not code:
            return ""
        return language_names(self.language).get(code, code)

    def currency_name(self, code: str | None) -> str:
        if not code:
            return ""
        return get_currency_name(code, locale=self.locale)

    def date(self, value: date | None) -> str:
        if not value:
            return ""
        return _medium_date(value.date() if isinstance(value, datetime) else value, self.locale)

    def money(self, amount: Decimal | None, currency: str | None) -> str:
        if amount is None:
            return ""
        digits = format_decimal(amount, format="#,##0.00##", locale=self.locale)
        return f"{digits} {currency}" if currency else digits

    def country(self, code: str | None) -> str:
        if not code:
            return ""
        return country_names(self.language).get(code, code)


class Choices:
    """Options of the selects many forms share, in the reader's language; a stored value that is
    not among them (e.g. imported) stays selectable."""

    def __init__(self, language: str) -> None:
        self.language = language

    def languages(self, selected: Any, empty: str) -> list[tuple[str, str]]:
        names = language_names(self.language)
        options = sorted(names.items(), key=lambda pair: pair[1].casefold())
        if selected and selected not in names:
            options.insert(0, (selected, selected))
        return [("", empty), *options]

    def currencies(self, selected: Any, empty: str | None = None) -> list[tuple[str, str]]:
        options = currency_options(self.language)
        if selected and selected not in active_currencies():
            options = [(selected, selected), *options]
        return [("", empty), *options] if empty is not None else options


def static_url(path: str) -> str:
    return f"/static/{path}?v={__version__}"


#: the icons of static/icons.svg (its <symbol id="i-NAME">s)
KNOWN_ICONS = frozenset(re.findall(r'<symbol[^>]*\bid="i-([\w-]+)"', (STATIC_DIR / "icons.svg").read_text("utf-8")))


@lru_cache(maxsize=1024)
def svg_icon(name: str, extra: str = "") -> Markup:
    """An icon of static/icons.svg (an unknown name shows "dot"), with more classes in ``extra``."""
    classes = escape(f"icon {extra}" if extra else "icon")
    return Markup(f'<svg class="{classes}" aria-hidden="true" focusable="false">'  # noqa: S704 - escaped above
                  f'<use href="{static_url("icons.svg")}#i-{name if name in KNOWN_ICONS else "dot"}"></use></svg>')


def field_id(name: Any) -> str:
    """The id of a form field named ``name`` (``contacts[0].email`` → ``f-contacts-0-email``)."""
    return "f-" + str(name).replace(".", "-").replace("[", "-").replace("]", "").replace(" ", "-")


def html_attrs(mapping: Mapping[str, Any]) -> Markup:
    """Extra attributes of a control: underscores become hyphens (``hx_get`` → ``hx-get``), True
    gives a bare attribute, None and False none."""
    parts = []
    for key, value in mapping.items():
        if value is None or value is False:
            continue
        name = escape(key.replace("_", "-"))
        parts.append(f" {name}" if value is True else f' {name}="{escape(value)}"')
    return Markup("".join(parts))  # noqa: S704 - escaped above


def option_tags(options: Iterable[Any] | None, selected: Any) -> Markup:
    """The ``<option>``s of a select: each option a (value, label) pair or a plain value; the one
    whose value reads as ``selected`` is selected."""
    pairs = tuple((str(option[0]), option[1]) if isinstance(option, tuple | list) else (str(option), option)
                  for option in options or ())
    return _options_html(pairs, "" if selected is None else str(selected))


@lru_cache(maxsize=1024)
def _options_html(pairs: tuple[tuple[str, Any], ...], chosen: str) -> Markup:
    """The options written once per list and choice: a client's page has selects of every currency
    and country in its forms, hundreds of options escaped at each view."""
    return Markup("".join(  # noqa: S704 - escaped here
        f'<option value="{escape(value)}"{" selected" if value == chosen else ""}>{escape(label)}</option>'
        for value, label in pairs))


def query_string(base_query: Mapping[str, Any] | str | None, drop: Iterable[str] = ("sort", "dir", "page")) -> str:
    """A list's parameters as a query string, without those in ``drop`` and the empty ones (a
    string is taken as a query string already)."""
    if isinstance(base_query, Mapping):
        dropped = set(drop)
        return do_urlencode({key: value for key, value in base_query.items()
                             if key not in dropped and value is not None and value != ""})
    return str(base_query or "").strip("?&")


ENVIRONMENT.globals.update(static_url=static_url, svg_icon=svg_icon, field_id=field_id, html_attrs=html_attrs,
                           option_tags=option_tags, query_string=query_string)


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
        "choices": Choices(context.language),
        "tier_names": {key: i18n._(name) for key, name in settings.tier_names.items()},
        # field id → its label, noted by macros.field as a page renders (for the error summaries)
        "field_labels": {},
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
