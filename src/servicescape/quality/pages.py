"""Service quality's signed-in pages, part one: the overview (surveys, open campaigns, the latest
SERVQUAL wave's gaps and what to fix first, the NPS and its trend) and the survey builder (a new
survey; its questions — built-in ones read-only in the reader's language, the firm's own added, edited and
removed with their text in each of the six languages; activate, close, delete; a preview in any
language). Results, responses and campaigns have their own modules."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from servicescape import i18n
from servicescape.config import LANGUAGES
from servicescape.db.types import utcnow
from servicescape.errors import NotFound, ServicescapeError
from servicescape.quality import answer_pages, campaigns, overview, question_views, results, surveys
from servicescape.quality.capability import MANAGE, READ
from servicescape.quality.models import ItemKind, SurveyItem, SurveyKind, SurveyStatus
from servicescape.quality.page_charts import Numbers, dimension_chart, dimension_names, nps_chart
from servicescape.quality.results import ResultFilter
from servicescape.web.deps import RequestContext, signed_in
from servicescape.web.forms import FormInvalid, FormState, RecordId
from servicescape.web.pages.common import FORM_PROBLEMS, Posted, problem_status, see_other
from servicescape.web.templating import Formatter, fragment, render

router = APIRouter(include_in_schema=False)

Reader = Annotated[RequestContext, Depends(signed_in(READ))]
Manager = Annotated[RequestContext, Depends(signed_in(MANAGE))]
#: the overview's NPS: the answers of the last year, and its trend by month
NPS_MONTHS = 12


def numbers_for(context: RequestContext) -> Numbers:
    return Numbers(Formatter(context.language, context.runtime.settings.zone).locale)


# --- the overview -------------------------------------------------------------------------------

@router.get("/quality")
def quality_overview(context: Reader) -> Response:
    numbers = numbers_for(context)
    now = utcnow()
    with context.unit() as session:
        listed = surveys.listing(session, by=context.principal)
        campaigns = overview.open_campaigns(session, by=context.principal)
        rates = {rate.campaign_id: rate for rate in results.response_rates(session, by=context.principal)}
        wave = overview.latest_servqual_wave(session, by=context.principal)
        gaps = results.servqual(session, ResultFilter(survey_id=wave.survey_id, campaign_id=wave.campaign_id),
                                by=context.principal) if wave else None
        year = ResultFilter(since=now - timedelta(days=365))
        nps = results.nps(session, year, by=context.principal)
        trend = results.nps_trend(session, ResultFilter(), months=NPS_MONTHS, now=now,
                                  zone=context.runtime.settings.zone, by=context.principal)
    return render(context, "quality/overview.html", active_nav="quality", surveys=listed,
                  campaigns=[(c, name, rates.get(c.id)) for c, name in campaigns], wave=wave, gaps=gaps,
                  gap_chart=dimension_chart(gaps, numbers) if gaps else None, nps=nps,
                  nps_chart=nps_chart(trend, numbers), numbers=numbers,
                  dimension_names=dimension_names())


# --- a new survey -------------------------------------------------------------------------------

def kind_options() -> list[tuple[str, str]]:
    return [(SurveyKind.servqual.value, i18n._("SERVQUAL: expectations and perceptions in five dimensions")),
            (SurveyKind.nps.value, i18n._("Net Promoter Score")),
            (SurveyKind.csat.value, i18n._("Customer satisfaction (CSAT)")),
            (SurveyKind.custom.value, i18n._("Our own questions"))]


def new_survey_form(context: RequestContext, state: FormState, *, status_code: int = 200) -> Response:
    return render(context, "quality/survey_form.html", status_code=status_code, active_nav="quality", form=state,
                  kinds=kind_options())


@router.get("/quality/surveys/new")
def new_survey(context: Manager) -> Response:
    return new_survey_form(context, FormState({"kind": SurveyKind.servqual.value, "importance": "1"}))


@router.post("/quality/surveys")
def create_survey(context: Manager, values: Posted) -> Response:
    try:
        try:
            kind = SurveyKind(values.get("kind", ""))
        except ValueError:
            raise FormInvalid({"kind": i18n._("Choose the kind of survey.")}) from None
        with context.unit() as session:
            survey = surveys.create(session, name=values.get("name", ""), kind=kind,
                                    importance=bool(values.get("importance")), by=context.principal)
            survey_id = survey.id
    except FORM_PROBLEMS as problem:
        return new_survey_form(context, FormState.failed(values, problem), status_code=problem_status(problem))
    return see_other(f"/quality/surveys/{survey_id}", context, i18n._("The survey was created."))


# --- the builder --------------------------------------------------------------------------------

def builder(context: RequestContext, survey_id: int, *, form: FormState | None = None, status_code: int = 200,
            problem: str | None = None, editing: int | None = None) -> Response:
    """The survey's page; ``editing``: the id of one of its own questions whose form it shows
    (``form``: its values, the question's own unless given) in place of the form adding one."""
    with context.unit() as session:
        survey = surveys.get(session, survey_id, by=context.principal)
        edited = next((item for item in survey.items if item.id == editing), None) if editing else None
        if editing and (edited is None or edited.texts is None):
            raise NotFound(i18n._("Question %(id)s is not in this survey.", id=editing))
        if edited is not None and form is None:
            form = FormState(item_values(edited))
        answered = overview.answered_count(session, survey_id, by=context.principal)
        shown = question_views.questions(survey, context.language)
        sent = campaigns.listing(session, survey_id=survey_id, by=context.principal)
        rates = {rate.campaign_id: rate for rate in results.response_rates(session, by=context.principal)
                 if rate.survey_id == survey_id}
        missing: dict[str, list[str]] = {}
        for code, language in surveys.missing_texts(survey):
            missing.setdefault(code, []).append(language)
    return render(context, "quality/survey.html", status_code=status_code, active_nav="quality", survey=survey,
                  questions=shown, answered=answered, missing=missing, problem=problem,
                  campaigns=[(campaign, rates.get(campaign.id)) for campaign in sent], numbers=numbers_for(context),
                  form=form or FormState({"kind": ItemKind.scale.value, "required": "1", "scale_min": "1",
                                          "scale_max": "5"}),
                  editing=edited,
                  own_kinds=[(kind.value, question_views.kind_label(kind)) for kind in surveys.OWN_KINDS],
                  kind_label=question_views.kind_label, text_languages=LANGUAGES)


@router.get("/quality/surveys/{survey_id}")
def survey_page(survey_id: RecordId, context: Reader) -> Response:
    return builder(context, survey_id)


def _whole(values: dict[str, str], name: str, default: int) -> int:
    text = values.get(name, "").strip()
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        raise FormInvalid({name: i18n._("Give a whole number.")}) from None


def item_data(values: dict[str, str]) -> dict[str, Any]:
    """The add-a-question form as ``surveys.add_item`` takes it: a text per language; the choices
    one per line in each language (line n of every language is choice n)."""
    data: dict[str, Any] = {"kind": values.get("kind", ""), "required": bool(values.get("required")),
                            "texts": {language: values.get(f"text_{language}", "") for language in LANGUAGES}}
    if data["kind"] in (ItemKind.single.value, ItemKind.multiple.value):
        lines = {language: [line.strip() for line in values.get(f"choices_{language}", "").splitlines()]
                 for language in LANGUAGES}
        count = max(len(found) for found in lines.values())
        choices = [{language: found[n] for language, found in lines.items() if n < len(found) and found[n]}
                   for n in range(count)]
        data["choices"] = [choice for choice in choices if choice]
    if data["kind"] == ItemKind.scale.value:
        data["scale_min"] = _whole(values, "scale_min", 1)
        data["scale_max"] = _whole(values, "scale_max", 5)
    return data


@router.post("/quality/surveys/{survey_id}/items")
def add_question(survey_id: RecordId, context: Manager, values: Posted) -> Response:
    try:
        data = item_data(values)
        with context.unit() as session:
            survey = surveys.get(session, survey_id, by=context.principal)
            item = surveys.add_item(session, survey, data, by=context.principal)
            code = item.code
    except FORM_PROBLEMS as problem:
        return builder(context, survey_id, form=FormState.failed(values, problem), status_code=problem_status(problem))
    return see_other(f"/quality/surveys/{survey_id}#questions", context,
                     i18n._("Question %(code)s was added.", code=code))


def item_values(item: SurveyItem) -> dict[str, str]:
    """One of the firm's own questions as its form shows it: its text in each language, its
    choices one a line in each language."""
    values = {"kind": item.kind.value, "required": "1" if item.required else "",
              **{f"text_{language}": (item.texts or {}).get(language, "") for language in LANGUAGES}}
    if item.choices is not None:
        values.update({f"choices_{language}": "\n".join(choice.get(language, "") for choice in item.choices)
                       for language in LANGUAGES})
    if item.kind == ItemKind.scale:
        values.update(scale_min=str(item.scale_min), scale_max=str(item.scale_max))
    return values


@router.get("/quality/surveys/{survey_id}/items/{item_id}/edit")
def edit_question(survey_id: RecordId, item_id: RecordId, context: Manager) -> Response:
    return builder(context, survey_id, editing=item_id)


@router.post("/quality/surveys/{survey_id}/items/{item_id}")
def update_question(survey_id: RecordId, item_id: RecordId, context: Manager, values: Posted) -> Response:
    """The question's form replaces its texts (an empty one removes that language), its choices,
    whether an answer is required and its scale; its kind stays."""
    kind = ""
    try:
        with context.unit() as session:
            survey = surveys.get(session, survey_id, by=context.principal)
            item = next((found for found in survey.items if found.id == item_id), None)
            kind = item.kind.value if item is not None else ""
            data = item_data({**values, "kind": kind})
            del data["kind"]
            code = surveys.update_item(session, survey, item_id, data, by=context.principal).code
    except FORM_PROBLEMS as problem:
        if isinstance(problem, ServicescapeError) and problem.field in (None, "status", "item"):
            return builder(context, survey_id, problem=problem.message, status_code=problem_status(problem))
        return builder(context, survey_id, form=FormState.failed({**values, "kind": kind}, problem),
                       status_code=problem_status(problem), editing=item_id)
    return see_other(f"/quality/surveys/{survey_id}#item-{code}", context,
                     i18n._("Question %(code)s was changed.", code=code))


@router.post("/quality/surveys/{survey_id}/items/{item_id}/delete")
def remove_question(survey_id: RecordId, item_id: RecordId, context: Manager) -> Response:
    try:
        with context.unit() as session:
            survey = surveys.get(session, survey_id, by=context.principal)
            surveys.remove_item(session, survey, item_id, by=context.principal)
    except FORM_PROBLEMS as problem:
        return builder(context, survey_id, problem=str(getattr(problem, "message", problem)),
                       status_code=problem_status(problem))
    return see_other(f"/quality/surveys/{survey_id}#questions", context, i18n._("The question was removed."))


@router.post("/quality/surveys/{survey_id}/activate")
def activate_survey(survey_id: RecordId, context: Manager) -> Response:
    try:
        with context.unit() as session:
            surveys.activate(session, surveys.get(session, survey_id, by=context.principal), by=context.principal)
    except FORM_PROBLEMS as problem:
        return builder(context, survey_id, problem=str(getattr(problem, "message", problem)),
                       status_code=problem_status(problem))
    return see_other(f"/quality/surveys/{survey_id}", context,
                     i18n._("The survey is active: its questions are fixed and campaigns may send it."))


@router.post("/quality/surveys/{survey_id}/close")
def close_survey(survey_id: RecordId, context: Manager) -> Response:
    with context.unit() as session:
        surveys.close(session, surveys.get(session, survey_id, by=context.principal), by=context.principal)
    return see_other(f"/quality/surveys/{survey_id}", context,
                     i18n._("The survey is closed: no new campaign can send it."))


@router.post("/quality/surveys/{survey_id}/delete")
def delete_survey(survey_id: RecordId, context: Manager) -> Response:
    try:
        with context.unit() as session:
            surveys.delete(session, surveys.get(session, survey_id, by=context.principal), by=context.principal)
    except FORM_PROBLEMS as problem:
        return builder(context, survey_id, problem=str(getattr(problem, "message", problem)),
                       status_code=problem_status(problem))
    return see_other("/quality", context, i18n._("The survey was deleted."))


# --- the preview --------------------------------------------------------------------------------

@router.get("/quality/surveys/{survey_id}/preview")
def preview_survey(survey_id: RecordId, context: Reader,
                   language: Annotated[str, Query(max_length=20)] = "") -> Response:
    """The survey's questions as the answer page shows them to a respondent, in ``language``."""
    chosen = language if language in LANGUAGES else context.language
    with context.unit() as session:
        survey = surveys.get(session, survey_id, by=context.principal)
        with i18n.speaking(chosen):
            shown = answer_pages._questions(survey, chosen)  # the answer page's own wording
            body = fragment(context, "quality/_preview_questions.html", questions=shown, values={}, errors={},
                            importance_total=0)
    return render(context, "quality/preview.html", active_nav="quality", survey=survey, body=body,
                  language=chosen, preview_languages=LANGUAGES, draft=survey.status == SurveyStatus.draft)
