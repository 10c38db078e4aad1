"""Building a survey: a built-in questionnaire (SERVQUAL, NPS, CSAT) or the firm's own questions.

* A survey is built while it is a draft; activating it fixes its questions (answers refer to them)
  and needs every text of the firm's own questions in all six languages, so that every respondent
  reads the survey in their language.
* A built-in item's wording comes from the product's catalogs (``instrument``); the firm's own
  carries it per language (``SurveyItem.texts``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from servicescape.audit.service import record
from servicescape.auth.models import Staff
from servicescape.auth.permissions import Principal, require
from servicescape.config import LANGUAGES
from servicescape.errors import Conflict, NotFound, ValidationFailed
from servicescape.i18n import _, speaking
from servicescape.quality import instrument
from servicescape.quality.capability import MANAGE, READ
from servicescape.quality.models import (
    ItemKind,
    Survey,
    SurveyItem,
    SurveyKind,
    SurveyResponse,
    SurveyStatus,
)

#: the kinds of question the firm may add itself
OWN_KINDS = (ItemKind.scale, ItemKind.single, ItemKind.multiple, ItemKind.text)
MAX_CHOICES = 20
MAX_TEXT = 1000


def built_in_items(kind: SurveyKind, *, importance: bool = True) -> list[SurveyItem]:
    """The questions a new survey of ``kind`` starts with."""
    items: list[SurveyItem] = []
    if kind == SurveyKind.servqual:
        items += [SurveyItem(code=s.code, kind=ItemKind.servqual, dimension=s.dimension)
                  for s in instrument.STATEMENTS]
        if importance:
            items += [SurveyItem(code=f"importance_{d}", kind=ItemKind.importance, dimension=d)
                      for d in instrument.DIMENSIONS]
        items += [SurveyItem(code="nps", kind=ItemKind.nps), SurveyItem(code="nps_why", kind=ItemKind.text,
                                                                        required=False)]
    elif kind == SurveyKind.nps:
        items += [SurveyItem(code="nps", kind=ItemKind.nps), SurveyItem(code="nps_why", kind=ItemKind.text,
                                                                        required=False)]
    elif kind == SurveyKind.csat:
        items += [SurveyItem(code="csat", kind=ItemKind.csat)]
    if kind != SurveyKind.custom:
        items.append(SurveyItem(code="comment", kind=ItemKind.text, required=False))
    for position, item in enumerate(items, start=1):
        item.position = position
    return items


def create(session: Session, *, name: str, kind: SurveyKind, importance: bool = True,
           by: Principal) -> Survey:
    require(by, MANAGE)
    name = name.strip()
    if not name:
        raise ValidationFailed(_("Give the survey a name."), field="name")
    if len(name) > 200:
        raise ValidationFailed(_("The name is too long (200 characters at most)."), field="name")
    survey = Survey(name=name, kind=kind, intro={}, items=built_in_items(kind, importance=importance),
                    created_by_id=by.id if isinstance(by, Staff) else None)
    session.add(survey)
    session.flush()
    record(session, "survey_created", entity="survey", entity_id=survey.id, changes={"kind": kind.value})
    return survey


def get(session: Session, survey_id: int, *, by: Principal) -> Survey:
    require(by, READ)
    survey = session.scalar(select(Survey).options(selectinload(Survey.items)).where(Survey.id == survey_id))
    if survey is None:
        raise NotFound(_("Survey %(id)s does not exist.", id=survey_id))
    return survey


def listing(session: Session, *, by: Principal) -> list[tuple[Survey, int]]:
    """Every survey, newest first, with its count of submitted responses."""
    require(by, READ)
    answered = (select(SurveyResponse.survey_id, func.count().label("n"))
                .where(SurveyResponse.submitted_at.is_not(None)).group_by(SurveyResponse.survey_id).subquery())
    rows = session.execute(select(Survey, func.coalesce(answered.c.n, 0)).outerjoin(
        answered, answered.c.survey_id == Survey.id).order_by(Survey.created_at.desc(), Survey.id.desc()))
    return [(survey, int(count)) for survey, count in rows]


def _texts(values: dict[str, str] | None, field: str) -> dict[str, str]:
    cleaned = {language: text.strip() for language, text in (values or {}).items() if text and text.strip()}
    for language, text in cleaned.items():
        if language not in LANGUAGES:
            raise ValidationFailed(_("Unknown language %(value)s.", value=language), field=field)
        if len(text) > MAX_TEXT:
            raise ValidationFailed(_("A text is too long (%(most)s characters at most).", most=MAX_TEXT),
                                   field=field)
    if not cleaned:
        raise ValidationFailed(_("Write the question in at least one language."), field=field)
    return cleaned


def _draft(survey: Survey) -> None:
    if survey.status != SurveyStatus.draft:
        raise Conflict(_("Only a draft survey's questions can change; build a new survey to ask other ones."),
                       field="status")


def _item_fields(kind: ItemKind, data: Mapping[str, Any], current: SurveyItem | None = None) -> dict[str, Any]:
    """The checked fields of one of the firm's own questions of ``kind``: ``texts``, ``required``,
    ``choices`` (single/multiple), ``scale_min``/``scale_max`` (scale). For a new question
    (``current`` None) every one is read, with its default; for a change only those ``data``
    gives (a scale's other bound kept from ``current``)."""
    fields: dict[str, Any] = {}
    if current is None or "texts" in data:
        fields["texts"] = _texts(data.get("texts"), "texts")
    if current is None or "required" in data:
        fields["required"] = bool(data.get("required", True))
    if kind in (ItemKind.single, ItemKind.multiple) and (current is None or "choices" in data):
        choices = [_texts(choice, "choices") for choice in data.get("choices") or []]
        if not 2 <= len(choices) <= MAX_CHOICES:
            raise ValidationFailed(_("Give between 2 and %(most)s choices.", most=MAX_CHOICES), field="choices")
        fields["choices"] = choices
    if current is not None and kind not in (ItemKind.single, ItemKind.multiple) and data.get("choices"):
        raise ValidationFailed(_("This kind of question has no choices."), field="choices")
    if kind == ItemKind.scale and (current is None or "scale_min" in data or "scale_max" in data):
        low = data.get("scale_min", current.scale_min if current is not None else 1)
        high = data.get("scale_max", current.scale_max if current is not None else 5)
        if not (isinstance(low, int) and isinstance(high, int) and 0 <= low < high <= 10):
            raise ValidationFailed(_("A scale runs from 0 or 1 up to at most 10."), field="scale_max")
        fields["scale_min"], fields["scale_max"] = low, high
    return fields


def add_item(session: Session, survey: Survey, data: dict[str, Any], *, by: Principal) -> SurveyItem:
    """Add one of the firm's own questions: ``kind``, ``texts`` per language, ``choices`` (a list of
    texts per language) for single/multiple choice, ``scale_min``/``scale_max`` for a scale."""
    require(by, MANAGE)
    _draft(survey)
    try:
        kind = ItemKind(str(data.get("kind")))
    except ValueError:
        raise ValidationFailed(_("Choose the kind of question."), field="kind") from None
    if kind not in OWN_KINDS:
        raise ValidationFailed(_("Choose the kind of question."), field="kind")
    item = SurveyItem(kind=kind, **_item_fields(kind, data))
    codes = {existing.code for existing in survey.items}
    number = len([c for c in codes if c.startswith("q")]) + 1
    while f"q{number}" in codes:
        number += 1
    item.code = f"q{number}"
    item.position = max((existing.position for existing in survey.items), default=0) + 1
    survey.items.append(item)
    session.flush()
    return item


def _own_item(survey: Survey, item_id: int) -> SurveyItem:
    item = next((i for i in survey.items if i.id == item_id), None)
    if item is None:
        raise NotFound(_("Question %(id)s is not in this survey.", id=item_id))
    if item.texts is None:
        raise Conflict(_("The questions of the published questionnaire stay; build a custom survey to ask "
                         "other ones."), field="item")
    return item


def update_item(session: Session, survey: Survey, item_id: int, data: Mapping[str, Any], *,
                by: Principal) -> SurveyItem:
    """Change one of the firm's own questions of a draft survey: what ``data`` gives replaces what it
    had (``texts``: the question per language, a language left out is removed; ``choices``: each
    choice per language, as many as wanted; ``required``; ``scale_min``/``scale_max``), checked as
    ``add_item`` checks a new one; its kind and code stay. A built-in question cannot change."""
    require(by, MANAGE)
    _draft(survey)
    item = _own_item(survey, item_id)
    if "kind" in data and str(data["kind"]) != item.kind.value:
        raise ValidationFailed(_("A question's kind cannot change; remove it and add another."), field="kind")
    fields = _item_fields(item.kind, data, item)
    changed = sorted(name for name, value in fields.items() if getattr(item, name) != value)
    for name, value in fields.items():
        setattr(item, name, value)
    session.flush()
    if changed:
        record(session, "survey_item_changed", entity="survey", entity_id=survey.id,
               changes={"item": item.code, "fields": changed})
    return item


def remove_item(session: Session, survey: Survey, item_id: int, *, by: Principal) -> None:
    require(by, MANAGE)
    _draft(survey)
    survey.items.remove(_own_item(survey, item_id))
    session.flush()


def missing_texts(survey: Survey) -> list[tuple[str, str]]:
    """(question code, language) of every text of the firm's own questions still to write."""
    missing = []
    for item in survey.items:
        if item.texts is None:
            continue
        missing += [(item.code, language) for language in LANGUAGES if not (item.texts or {}).get(language)]
        for choice in item.choices or []:
            missing += [(item.code, language) for language in LANGUAGES if not choice.get(language)]
    return sorted(set(missing))


def activate(session: Session, survey: Survey, *, by: Principal) -> Survey:
    require(by, MANAGE)
    _draft(survey)
    if not survey.items:
        raise ValidationFailed(_("Add at least one question first."), field="items")
    missing = missing_texts(survey)
    if missing:
        raise ValidationFailed(
            _("Every question needs its text in all six languages; missing: %(missing)s.",
              missing=", ".join(f"{code} ({language})" for code, language in missing[:12])),
            field="texts", details=[{"item": code, "language": language} for code, language in missing])
    survey.status = SurveyStatus.active
    session.flush()
    return survey


def close(session: Session, survey: Survey, *, by: Principal) -> Survey:
    require(by, MANAGE)
    survey.status = SurveyStatus.closed
    session.flush()
    return survey


def delete(session: Session, survey: Survey, *, by: Principal) -> None:
    require(by, MANAGE)
    answered = session.scalar(select(func.count()).select_from(SurveyResponse).where(
        SurveyResponse.survey_id == survey.id, SurveyResponse.submitted_at.is_not(None)))
    if answered:
        raise Conflict(_("This survey has %(count)s answers; close it instead of deleting it.", count=answered),
                       field="survey")
    session.delete(survey)
    session.flush()


def item_text(item: SurveyItem, language: str) -> str:
    """The question in ``language`` (the firm's own text, or the built-in wording)."""
    if item.texts is not None:
        return item.texts.get(language) or next(iter(item.texts.values()))
    with speaking(language):
        return instrument.built_in_text(item.code)


def expected_text(item: SurveyItem, language: str) -> str:
    """A SERVQUAL statement's expectation form in ``language``."""
    with speaking(language):
        return _(instrument.BY_CODE[item.code].expected)


def choice_texts(item: SurveyItem, language: str) -> list[str]:
    return [choice.get(language) or next(iter(choice.values())) for choice in item.choices or []]
