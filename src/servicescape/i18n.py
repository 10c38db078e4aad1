"""Translations: gettext catalogs for the UI languages, and the tools that maintain them.

``python -m servicescape.i18n extract|update|compile|check`` (run from the repository).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.support import NullTranslations, Translations

from servicescape.config import LANGUAGES

PACKAGE_DIR = Path(__file__).parent
LOCALE_DIR = PACKAGE_DIR / "locale"
DOMAIN = "messages"
#: UI language code → the Babel/gettext locale directory name
LOCALES = {"ms": "ms", "bg": "bg", "zh-Hans": "zh_Hans", "zh-Hant": "zh_Hant", "hu": "hu"}

_NULL = NullTranslations()
_active: ContextVar[NullTranslations | None] = ContextVar("servicescape_translations", default=None)


@cache
def translations(language: str) -> NullTranslations:
    if language not in LOCALES:
        return NullTranslations()
    return Translations.load(str(LOCALE_DIR), [LOCALES[language]], DOMAIN)


def activate(language: str) -> None:
    """Translate messages of this request/command (a context variable) into ``language``."""
    _active.set(translations(language))


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Translate into ``language`` inside the block only (an e-mail in its recipient's language)."""
    token = _active.set(translations(language))
    try:
        yield
    finally:
        _active.reset(token)


def active() -> NullTranslations:
    return _active.get() or _NULL


def _(message: str, **params: Any) -> str:
    """Translate ``message`` and fill its ``%(name)s`` placeholders."""
    text = active().gettext(message)
    return text % params if params else text


def ngettext(singular: str, plural: str, n: int, **params: Any) -> str:
    text = active().ngettext(singular, plural, n)
    return text % {"num": n, **params}


def pgettext(context: str, message: str, **params: Any) -> str:
    """``_`` for a word whose translation depends on where it stands: ``pgettext("campaign status",
    "Open")`` is not the "Open" of a task."""
    text = str(active().pgettext(context, message))
    return text % params if params else text


def N_(message: str) -> str:
    """Mark a string for extraction; translate it later, where it is shown."""
    return message


def negotiate(accept_language: str | None) -> str | None:
    """The best UI language for an ``Accept-Language`` header, or None."""
    if not accept_language:
        return None
    ranked = []
    for part in accept_language.split(","):
        tag, _sep, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            continue
        ranked.append((weight, tag.strip().lower()))
    for _weight, tag in sorted(ranked, key=lambda item: -item[0]):
        if tag in ("zh-tw", "zh-hk", "zh-mo", "zh-hant") or tag.startswith("zh-hant"):
            return "zh-Hant"
        if tag.startswith("zh"):
            return "zh-Hans"
        base = tag.split("-")[0]
        if base in LANGUAGES:
            return base
    return None


#: names defined outside the code's `_()` calls that are shown translated (default tier names)
DEFAULT_NAMES = (N_("Key"), N_("Growth"), N_("Standard"))


# --- catalog maintenance ------------------------------------------------------------------------

#: Python everywhere; templates of the web kit and of every capability (``<package>/templates/``),
#: pages (.html) and e-mails (.txt)
METHOD_MAP = [("**.py", "python"), ("**/templates/**.html", "jinja2"), ("**/templates/**.txt", "jinja2")]
_JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}
OPTIONS = {"**/templates/**.html": _JINJA_OPTIONS, "**/templates/**.txt": _JINJA_OPTIONS}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "N_": None}


def _po_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract() -> Catalog:
    catalog = Catalog(project="servicescape", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(PACKAGE_DIR), METHOD_MAP, OPTIONS, KEYWORDS, strip_comment_tags=True
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def update() -> None:
    template = extract()
    for locale in LOCALES.values():
        path = _po_path(locale)
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=locale)
            catalog.update(template, no_fuzzy_matching=True)
        else:
            catalog = Catalog(locale=locale, project="servicescape", charset="utf-8")
            catalog.update(template)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100, omit_header=False, ignore_obsolete=True,
                     include_previous=False)


def compile_catalogs() -> None:
    for locale in LOCALES.values():
        path = _po_path(locale)
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        buffer = BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        mo_path = path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.read_bytes() != buffer.getvalue():
            mo_path.write_bytes(buffer.getvalue())


def missing() -> dict[str, list[str]]:
    """Per locale, the extracted messages that have no translation (empty when complete)."""
    template = extract()
    result: dict[str, list[str]] = {}
    for language, locale in LOCALES.items():
        path = _po_path(locale)
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        gaps = []
        for message in template:
            if not message.id:
                continue
            translated = catalog.get(message.id, message.context)
            if translated is None or not translated.string or translated.fuzzy or (
                isinstance(translated.string, tuple) and not all(translated.string)
            ):
                gaps.append(message.id if isinstance(message.id, str) else message.id[0])
        if gaps:
            result[language] = gaps
    return result


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "compile"
    if command == "extract":
        buffer = BytesIO()
        write_po(buffer, extract(), width=100)
        sys.stdout.write(buffer.getvalue().decode())
    elif command == "update":
        update()
    elif command == "compile":
        compile_catalogs()
    elif command == "check":
        gaps = missing()
        for language, messages in gaps.items():
            print(f"{language}: {len(messages)} untranslated, e.g. {messages[:3]}")
        return 1 if gaps else 0
    else:
        print("usage: python -m servicescape.i18n extract|update|compile|check", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
