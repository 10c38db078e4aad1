"""Words for what the pipeline reads — sentiments, dimensions, languages, sources — translated where shown."""

from __future__ import annotations

from babel import Locale

from servicescape.i18n import N_, _
from servicescape.platform.registry import registry

SENTIMENTS = {"negative": N_("Negative"), "neutral": N_("Neutral"), "positive": N_("Positive")}
SENTIMENT_TONES = {"negative": "danger", "neutral": "neutral", "positive": "success"}
DIMENSIONS = {"reliability": N_("Reliability"), "responsiveness": N_("Responsiveness"),
              "assurance": N_("Assurance"), "empathy": N_("Empathy"), "tangibles": N_("Tangibles"),
              "price": N_("Price")}
DIMENSION_HINTS = {"reliability": N_("Doing what was promised, on time, right the first time"),
                   "responsiveness": N_("Prompt replies and help, being reachable"),
                   "assurance": N_("Competence, courtesy, trust"),
                   "empathy": N_("Individual attention and understanding"),
                   "tangibles": N_("Offices, equipment, documents, website"),
                   "price": N_("Fees, value for money, billing")}


def sentiment_label(value: str | None) -> str:
    return _(SENTIMENTS[value]) if value in SENTIMENTS else "—"


def dimension_label(value: str | None) -> str:
    return _(DIMENSIONS[value]) if value in DIMENSIONS else "—"


def language_label(code: str | None, ui_locale: str) -> str:
    """The language's name in the reader's language ("Malay", "马来语")."""
    if not code:
        return _("Unknown language")
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(Locale.parse(ui_locale))
    except (ValueError, LookupError):
        return code
    return name[:1].upper() + name[1:] if name else code


def source_label(source: str) -> str:
    for text_source in registry().text_sources():
        if text_source.type == source:
            return _(text_source.label)
    return source


def sentiment_options() -> list[tuple[str, str]]:
    return [(key, _(label)) for key, label in SENTIMENTS.items()]


def dimension_options() -> list[tuple[str, str]]:
    return [(key, _(label)) for key, label in DIMENSIONS.items()]


def source_options() -> list[tuple[str, str]]:
    return [(s.type, _(s.label)) for s in registry().text_sources()]
