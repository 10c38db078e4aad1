"""Service quality's signed-in pages, part two: the results (filters: survey, campaign, period,
tier, segment, owner, service package; the gap by dimension and by statement with their 95%
intervals, split by tier, segment, owner, package or quarter; the weighted score and what to fix
first; NPS and its trend, CSAT, response rates), the responses (a list, one response beside its
questions and its follow-up task) and staff typing in an answer from a call or a paper form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from servicescape import i18n
from servicescape.clients import listing as client_listing
from servicescape.clients import service as clients
from servicescape.clients.models import Tier
from servicescape.config import LANGUAGES
from servicescape.db.memo import this_minute
from servicescape.db.types import utcnow
from servicescape.errors import ValidationFailed
from servicescape.quality import answers, campaigns, instrument, overview, question_views, responses, results, surveys
from servicescape.quality.capability import READ, WRITE
from servicescape.quality.models import SurveyStatus
from servicescape.quality.page_charts import Numbers, dimension_chart, dimension_names, item_chart, nps_chart
from servicescape.quality.responses import NPS_GROUPS, ResponseFilter
from servicescape.quality.results import ResultFilter
from servicescape.web.deps import RequestContext, signed_in
from servicescape.web.forms import FORM_WIDE, FormInvalid, FormState, RecordId, errors_of, local_input
from servicescape.web.forms import parse_local_moment as parse_moment
from servicescape.web.pages.common import FORM_PROBLEMS, choice, id_filter, problem_status, see_other
from servicescape.web.templating import Formatter, render

router = APIRouter(include_in_schema=False)

Reader = Annotated[RequestContext, Depends(signed_in(READ))]
Writer = Annotated[RequestContext, Depends(signed_in(WRITE))]
Filter = Annotated[str, Query(max_length=200)]
GROUPS = ("tier", "segment", "owner", "package", "period")
TREND_MONTHS = 24
PER_PAGE = 50
#: the response rates of the latest campaigns shown (filter by survey for the others)
SHOWN_RATES = 12


def _day(text: str, field: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(i18n._("Give a date as YYYY-MM-DD."), field=field) from None


def period(context: RequestContext, since: str, until: str) -> tuple[datetime | None, datetime | None]:
    """The days ``since``..``until`` (both included, on the firm's calendar) as ``[start, end)``."""
    zone = context.runtime.settings.zone
    first, last = _day(since, "since"), _day(until, "until")
    if first and last and last < first:
        raise ValidationFailed(i18n._("The period ends before it starts."), field="until")
    start = datetime.combine(first, time(), zone) if first else None
    end = datetime.combine(last + timedelta(days=1), time(), zone) if last else None
    return start, end


# --- the results --------------------------------------------------------------------------------

@dataclass(frozen=True)
class ResultQuery:
    """The results page's filters as typed (kept in links and the form)."""

    survey: str = ""
    campaign: str = ""
    since: str = ""
    until: str = ""
    tier: str = ""
    segment: str = ""
    owner: str = ""
    package: str = ""
    by: str = "tier"

    def as_dict(self) -> dict[str, str]:
        return dict(self.__dict__)


def result_filter(context: RequestContext, query: ResultQuery) -> ResultFilter:
    start, end = period(context, query.since, query.until)
    return ResultFilter(survey_id=id_filter(query.survey, "survey"), campaign_id=id_filter(query.campaign, "campaign"),
                        since=start, until=end, tier=choice(Tier, query.tier, "tier"), segment=query.segment or None,
                        owner_id=id_filter(query.owner, "owner"), package_id=id_filter(query.package, "package"))


@router.get("/quality/results")
def results_page(context: Reader, survey: Filter = "", campaign: Filter = "", since: Filter = "", until: Filter = "",
                 tier: Filter = "", segment: Filter = "", owner: Filter = "", package: Filter = "",
                 by: Filter = "tier") -> Response:
    if not context.request.query_params:
        # a first visit shows the latest SERVQUAL wave (every wave at once is a choice: at 100,000
        # clients and millions of answers it takes seconds, one wave half a second)
        with context.unit() as session:
            wave = overview.latest_servqual_wave(session, by=context.principal)
        if wave is not None and wave.campaign_id is not None:
            return RedirectResponse(f"/quality/results?campaign={wave.campaign_id}", status_code=303)
    query = ResultQuery(survey, campaign, since, until, tier, segment, owner, package, by if by in GROUPS else "tier")
    where = result_filter(context, query)
    settings = context.runtime.settings
    numbers = Numbers(Formatter(context.language, settings.zone).locale)
    with context.unit() as session:
        gaps = results.servqual(session, where, by=context.principal)
        groups = results.servqual_by(session, where, query.by, zone=settings.zone,  # type: ignore[arg-type]
                                     by=context.principal)
        nps = results.nps(session, where, by=context.principal)
        trend = results.nps_trend(session, where, months=TREND_MONTHS, now=this_minute(), zone=settings.zone,
                                  by=context.principal)
        csat = results.csat(session, where, by=context.principal)
        rates = [rate for rate in results.response_rates(session, by=context.principal)
                 if where.campaign_id in (None, rate.campaign_id) and where.survey_id in (None, rate.survey_id)]
        listed = surveys.listing(session, by=context.principal)
        campaign_list = overview.campaign_choices(session, by=context.principal)
        choices = client_listing.client_list_choices(session, by=context.principal)
        packages = clients.record_choices(session, by=context.principal).packages
    tiers = {key: i18n._(name) for key, name in settings.tier_names.items()}
    options = {
        "survey": [("", i18n._("Every survey"))] + [(str(s.id), s.name) for s, _n in listed],
        "campaign": [("", i18n._("Every campaign"))] + [(str(cid), f"{name} · {survey_name}")
                                                         for cid, name, survey_name in campaign_list],
        "tier": [("", i18n._("Every tier"))] + [(t.value, tiers.get(t.value, t.value)) for t in Tier],
        "segment": [("", i18n._("Every segment"))] + [(s, s) for s in choices.segments],
        "owner": [("", i18n._("Everyone"))] + [(str(o.id), o.name) for o in choices.owners],
        "package": [("", i18n._("Every package"))] + [(str(p.id), p.name) for p in packages],
    }
    group_names = {"tier": i18n._("Tier"), "segment": i18n._("Segment"), "owner": i18n._("Owner"),
                   "package": i18n._("Service package"), "period": i18n._("Quarter")}
    group_titles = {"tier": i18n._("Gaps by tier"), "segment": i18n._("Gaps by segment"),
                    "owner": i18n._("Gaps by owner"), "package": i18n._("Gaps by service package"),
                    "period": i18n._("Gaps by quarter")}
    return render(context, "quality/results.html", active_nav="quality", query=query.as_dict(), options=options,
                  gaps=gaps, gap_chart=dimension_chart(gaps, numbers), item_chart=item_chart(gaps, numbers),
                  groups=groups, group_names=group_names, group_title=group_titles[query.by], nps=nps,
                  nps_chart=nps_chart(trend, numbers), csat=csat,
                  rates=rates, shown_rates=SHOWN_RATES, numbers=numbers, dimension_names=dimension_names(),
                  statements={item.code: i18n._(instrument.BY_CODE[item.code].perceived) for item in gaps.items})


# --- the responses ------------------------------------------------------------------------------

@router.get("/quality/responses")
def response_list(context: Reader, survey: Filter = "", nps: Filter = "", since: Filter = "", until: Filter = "",
                  client: Filter = "", campaign: Filter = "",
                  page: Annotated[int, Query(ge=1, le=1_000_000)] = 1) -> Response:
    if nps and nps not in NPS_GROUPS:
        raise ValidationFailed(i18n._("Unknown value %(value)s for %(field)s.", value=nps, field="nps"), field="nps")
    start, end = period(context, since, until)
    where = ResponseFilter(survey_id=id_filter(survey, "survey"), client_id=id_filter(client, "client"),
                           campaign_id=id_filter(campaign, "campaign"),
                           since=start, until=end, nps=nps or None)  # type: ignore[arg-type]
    with context.unit() as session:
        found = responses.responses_page(session, where, page=page, per_page=PER_PAGE, clamp=True,
                                         by=context.principal)
        survey_names, client_names = overview.names_of(session, found.items, by=context.principal)
        listed = surveys.listing(session, by=context.principal)
        client_name = overview.client_name(session, where.client_id, by=context.principal) \
            if where.client_id else None
    query = {"survey": survey, "nps": nps, "since": since, "until": until, "client": client, "campaign": campaign}
    return render(context, "quality/responses.html", active_nav="quality", found=found, query=query,
                  survey_names=survey_names, client_names=client_names, client_name=client_name,
                  survey_options=[("", i18n._("Every survey"))] + [(str(s.id), s.name) for s, _n in listed],
                  nps_options=[("", i18n._("Everyone")), ("promoters", i18n._("Promoters (9–10)")),
                               ("passives", i18n._("Passives (7–8)")), ("detractors", i18n._("Detractors (0–6)"))])


@router.get("/quality/responses/new")
def new_response(context: Writer, survey: Annotated[int | None, Query(ge=1, le=2**62)] = None,
                 client: Filter = "") -> Response:
    """The form of a survey's answers; without ``survey`` (from a client's page) the surveys that
    take answers to choose from, the client kept."""
    prefill = client
    if client.isdigit():
        with context.unit() as session:
            prefill = overview.client_name(session, int(client), by=context.principal) or client
    if survey is None:
        with context.unit() as session:
            listed = [found for found, _count in surveys.listing(session, by=context.principal)
                      if found.status != SurveyStatus.draft]
        listed.sort(key=lambda found: found.status != SurveyStatus.active)   # the active ones first
        return render(context, "quality/response_choose.html", active_nav="quality", client=client,
                      client_name=prefill, survey_options=[(str(found.id), found.name) for found in listed])
    return response_form(context, survey, FormState({
        "client": prefill, "submitted_at": local_input(utcnow(), context.runtime.settings.zone)}))


def response_form(context: RequestContext, survey_id: int, state: FormState, *, status_code: int = 200) -> Response:
    with context.unit() as session:
        survey = surveys.get(session, survey_id, by=context.principal)
        shown = question_views.questions(survey, context.language)
    languages = [("", i18n._("The client's language")), *LANGUAGES.items()]
    return render(context, "quality/response_form.html", status_code=status_code, active_nav="quality",
                  survey=survey, questions=shown, words=question_views.wording(context.language), form=state,
                  answer_languages=languages)


async def posted_pairs(request: Request) -> list[tuple[str, Any]]:
    """Every posted field, repeated names kept (a multiple choice's boxes)."""
    return list((await request.form()).multi_items())


PostedPairs = Annotated[list[tuple[str, Any]], Depends(posted_pairs)]


def _answer_errors(problem: Exception) -> dict[str, str]:
    """Each question's problem (a submission's check names them all, worded to be read beside the
    question), or the form's."""
    if isinstance(problem, answers.AnswersRefused):
        return dict(problem.beside)
    details = getattr(problem, "details", None)
    if isinstance(details, list) and details and all(isinstance(d, dict) and "field" in d for d in details):
        found: dict[str, str] = {}
        for detail in details:
            found.setdefault(str(detail["field"]), str(detail.get("message", "")))
        return found
    return errors_of(problem)  # type: ignore[arg-type]


@router.post("/quality/responses")
def record_response(context: Writer, pairs: PostedPairs) -> Response:
    values = question_views.form_values(pairs)
    text = {key: value for key, value in values.items() if isinstance(value, str)}
    survey_id = id_filter(text.get("survey", ""), "survey")
    if survey_id is None:
        raise ValidationFailed(i18n._("Choose the survey."), field="survey")
    try:
        moment = text.get("submitted_at", "").strip()
        try:
            submitted_at = parse_moment(moment, context.runtime.settings.zone) if moment else None
        except ValueError as exc:
            raise FormInvalid({"submitted_at": str(exc)}) from None
        language = text.get("language") or None
        if language is not None and language not in LANGUAGES:
            raise FormInvalid({"language": i18n._("Unknown language %(value)s.", value=language)})
        with context.unit() as session:
            survey = surveys.get(session, survey_id, by=context.principal)
            client = clients.find_client(session, text.get("client", ""), by=context.principal)
            made = answers.record_answers(session, context.runtime.settings, survey, client.id, values,
                                          by=context.principal, submitted_at=submitted_at, language=language)
            response_id = made.id
    except FORM_PROBLEMS as problem:
        state = FormState(dict(values), _answer_errors(problem))
        return response_form(context, survey_id, state, status_code=problem_status(problem))
    return see_other(f"/quality/responses/{response_id}", context, i18n._("The answers were recorded."))


@router.get("/quality/responses/{response_id}")
def response_page(response_id: RecordId, context: Reader) -> Response:
    with context.unit() as session:
        found = responses.response_of(session, response_id, by=context.principal)
        tasks = overview.followup_tasks(session, response_id, by=context.principal)
        client_name = overview.client_name(session, found.response.client_id, by=context.principal)
        campaign = campaigns.get(session, found.response.campaign_id, by=context.principal) \
            if found.response.campaign_id else None
    by_item = {item.id: answer for item, answer in found.answers}
    rows = [(question_views.question(item, context.language), by_item.get(item.id)) for item in found.survey.items]
    return render(context, "quality/response.html", active_nav="quality", found=found, rows=rows, tasks=tasks,
                  client_name=client_name, campaign=campaign, answer_text=question_views.answer_text,
                  words=question_views.wording(context.language), form_wide=FORM_WIDE)
