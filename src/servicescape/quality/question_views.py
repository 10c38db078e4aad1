"""A survey's questions as a page shows them, worded in one language: the preview (as a respondent
sees it, in any of the six languages), the form staff type an answer into, and one response's
answers beside their questions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from servicescape.i18n import N_, _, speaking
from servicescape.quality import instrument, surveys
from servicescape.quality.answers import IMPORTANCE_TOTAL
from servicescape.quality.models import ItemKind, Survey, SurveyAnswer, SurveyItem

#: the words at the ends of each built-in scale
ANCHORS: dict[ItemKind, tuple[str, str]] = {
    ItemKind.servqual: (N_("Strongly disagree"), N_("Strongly agree")),
    ItemKind.nps: (N_("Not at all likely"), N_("Extremely likely")),
    ItemKind.csat: (N_("Very dissatisfied"), N_("Very satisfied")),
}
KIND_LABELS: dict[ItemKind, str] = {
    ItemKind.servqual: N_("SERVQUAL statement"),
    ItemKind.importance: N_("Importance points"),
    ItemKind.nps: N_("Net Promoter Score"),
    ItemKind.csat: N_("Satisfaction (CSAT)"),
    ItemKind.scale: N_("Scale"),
    ItemKind.single: N_("One choice"),
    ItemKind.multiple: N_("Several choices"),
    ItemKind.text: N_("Free text"),
}


@dataclass(frozen=True)
class Question:
    """One question worded in one language."""

    item: SurveyItem
    text: str
    expected_text: str | None = None        # a SERVQUAL statement's expectation form
    low: int = 0
    high: int = 0
    low_label: str = ""
    high_label: str = ""
    choices: list[str] = field(default_factory=list)
    dimension: str | None = None            # the dimension's name (SERVQUAL statements, importance)
    hint: str | None = None

    @property
    def code(self) -> str:
        return self.item.code

    @property
    def kind(self) -> str:
        return self.item.kind.value

    @property
    def choice_options(self) -> list[tuple[str, str]]:
        """A choice question's options as a form's (value, label): the value is the choice's index."""
        return [(str(index), text) for index, text in enumerate(self.choices)]

    @property
    def points(self) -> list[int]:
        return list(range(self.low, self.high + 1))


@dataclass(frozen=True)
class Wording:
    """The texts around the questions, in the same language."""

    expected_prompt: str
    perceived_prompt: str
    importance_question: str
    importance_total: int = IMPORTANCE_TOTAL


def _range(item: SurveyItem) -> tuple[int, int]:
    return {ItemKind.servqual: instrument.EXPECTED_SCALE, ItemKind.nps: (0, 10), ItemKind.csat: (1, 5),
            ItemKind.importance: (0, IMPORTANCE_TOTAL)}.get(item.kind) or (item.scale_min or 1, item.scale_max or 5)


def question(item: SurveyItem, language: str) -> Question:
    """``item`` worded in ``language`` (built-in wording from the catalogs, the firm's own texts)."""
    text = surveys.item_text(item, language)
    low, high = _range(item)
    with speaking(language):
        anchors = ANCHORS.get(item.kind)
        low_label, high_label = (_(anchors[0]), _(anchors[1])) if anchors else ("", "")
        dimension = instrument.dimension_label(item.dimension) if item.dimension in instrument.DIMENSIONS else None
        hint = _(instrument.DIMENSION_HINTS[item.dimension]) \
            if item.kind == ItemKind.importance and item.dimension in instrument.DIMENSION_HINTS else None
    return Question(item, text, surveys.expected_text(item, language) if item.kind == ItemKind.servqual else None,
                    low, high, low_label, high_label, surveys.choice_texts(item, language), dimension, hint)


def questions(survey: Survey, language: str) -> list[Question]:
    return [question(item, language) for item in survey.items]


def wording(language: str) -> Wording:
    with speaking(language):
        return Wording(_(instrument.EXPECTED_PROMPT), _(instrument.PERCEIVED_PROMPT),
                       _(instrument.IMPORTANCE_QUESTION))


def kind_label(kind: ItemKind) -> str:
    return _(KIND_LABELS[kind])


def answer_text(q: Question, answer: SurveyAnswer | None) -> str:
    """An answer as the response page shows it (the chosen choices by their text)."""
    if answer is None:
        return ""
    if answer.choices is not None:
        return ", ".join(q.choices[i] if 0 <= i < len(q.choices) else str(i) for i in answer.choices)
    if answer.number is not None:
        if q.item.kind == ItemKind.single and 0 <= answer.number < len(q.choices):
            return q.choices[answer.number]
        return str(answer.number)
    return answer.text or ""


def form_values(pairs: list[tuple[str, Any]]) -> dict[str, str | list[str]]:
    """Posted fields as the answer reader takes them: one string, or a list where a name repeats (a
    multiple choice's boxes); the CSRF token left out."""
    values: dict[str, str | list[str]] = {}
    for key, value in pairs:
        if key == "csrf_token" or not isinstance(value, str):
            continue
        if key in values:
            previous = values[key]
            values[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            values[key] = value
    return values
