"""``/api/v1/quality/...``: surveys and their questions, the campaigns that send them (audience,
sending, status, the mail-merge links), the responses (and typing one in), and the results —
SERVQUAL gaps with their intervals, NPS, CSAT, response rates, split by tier, segment, owner,
service package or quarter, and the NPS trend."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from servicescape.clients.models import Tier
from servicescape.config import LANGUAGES
from servicescape.errors import NotFound, ValidationFailed
from servicescape.i18n import _
from servicescape.quality import answers, campaigns, overview, responses, results, surveys
from servicescape.quality.models import Campaign, ItemKind, Survey, SurveyItem, SurveyResponse
from servicescape.quality.responses import NpsGroup, ResponseFilter
from servicescape.quality.results import ResultFilter
from servicescape.quality.schemas import (
    AnswerOut,
    AudienceIn,
    AudiencePreviewOut,
    CampaignIn,
    CampaignOut,
    CampaignStatusOut,
    GroupGapsOut,
    ItemChange,
    ItemIn,
    ItemOut,
    NpsPointOut,
    ResponseDetailOut,
    ResponseIn,
    ResponseOut,
    ResultsOut,
    SendOut,
    SurveyDetailOut,
    SurveyIn,
    SurveyOut,
)
from servicescape.schemas import PageOut
from servicescape.web.api.common import (
    CREATE,
    DELETE,
    READ_MANY,
    READ_ONE,
    UPDATE,
    EntityId,
    IdFilter,
    PageNumber,
    PerPage,
)
from servicescape.web.api.resources import SignedIn

router = APIRouter(prefix="/quality", tags=["quality"])
CSV = "text/csv; charset=utf-8"

Language = Annotated[str | None, Query(max_length=20, description="the questions' language (default: yours)")]
#: the days a period may start and end on (beyond them a time in another zone falls off the calendar)
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9998, 12, 31)


def _language(context: Any, language: str | None) -> str:
    if language is None:
        return str(context.language)
    if language not in LANGUAGES:
        raise ValidationFailed(_("Unknown language %(value)s.", value=language), field="language")
    return language


def _period(context: Any, since: date | None, until: date | None) -> tuple[datetime | None, datetime | None]:
    """``[from 00:00, the day after to 00:00)`` on the firm's clock."""
    for field, day in (("from", since), ("to", until)):
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise ValidationFailed(_("Give a day between %(first)s and %(last)s.", first=FIRST_DAY.isoformat(),
                                     last=LAST_DAY.isoformat()), field=field)
    if since is not None and until is not None and until < since:
        raise ValidationFailed(_("The period ends before it starts."), field="to")
    zone = context.runtime.settings.zone
    start = datetime.combine(since, time(), zone) if since is not None else None
    end = datetime.combine(until + timedelta(days=1), time(), zone) if until is not None else None
    return start, end


def _named_survey(session: Session, context: Any, survey_id: int) -> Survey:
    """The survey a body names: an unknown one is a mistake in that field (422), as a client's is."""
    try:
        return surveys.get(session, survey_id, by=context.principal)
    except NotFound as missing:
        raise ValidationFailed(missing.message, field="survey_id") from None


# --- surveys ------------------------------------------------------------------------------------

def _item_out(item: SurveyItem, language: str) -> ItemOut:
    return ItemOut(id=item.id, position=item.position, code=item.code, kind=item.kind, dimension=item.dimension,
                   required=item.required, built_in=item.texts is None, text=surveys.item_text(item, language),
                   expected_text=surveys.expected_text(item, language) if item.kind == ItemKind.servqual else None,
                   choices=surveys.choice_texts(item, language) if item.choices else None,
                   scale_min=item.scale_min, scale_max=item.scale_max, texts=item.texts)


def _survey_out(survey: Survey, count: int) -> SurveyOut:
    return SurveyOut(id=survey.id, name=survey.name, kind=survey.kind, status=survey.status, responses=count,
                     created_at=survey.created_at, updated_at=survey.updated_at)


def _detail(session: Session, context: Any, survey: Survey, language: str) -> SurveyDetailOut:
    session.flush()
    session.refresh(survey, ["created_at", "updated_at"])    # as stored (UTC); the items stay loaded
    count = overview.answered_count(session, survey.id, by=context.principal)
    return SurveyDetailOut(
        **_survey_out(survey, count).model_dump(), language=language,
        items=[_item_out(item, language) for item in survey.items],
        missing_texts=[{"item": code, "language": lang} for code, lang in surveys.missing_texts(survey)])


@router.get("/surveys", response_model=list[SurveyOut], responses=READ_MANY, name="list_surveys",
            summary="Every survey, newest first, with its count of submitted responses")
def list_surveys(context: SignedIn) -> Any:
    with context.unit() as session:
        return [_survey_out(survey, count) for survey, count in surveys.listing(session, by=context.principal)]


@router.post("/surveys", status_code=201, response_model=SurveyDetailOut, responses=CREATE, name="create_survey",
             summary="A new draft survey with the built-in questions of its kind")
def create_survey(body: SurveyIn, response: Response, context: SignedIn, language: Language = None) -> Any:
    with context.unit() as session:
        survey = surveys.create(session, name=body.name, kind=body.kind, importance=body.importance,
                                by=context.principal)
        out = _detail(session, context, surveys.get(session, survey.id, by=context.principal),
                      _language(context, language))
    response.headers["Location"] = f"/api/v1/quality/surveys/{out.id}"
    return out


@router.get("/surveys/{id}", response_model=SurveyDetailOut, responses=READ_ONE, name="get_survey",
            summary="A survey with its questions in a language")
def get_survey(id: EntityId, context: SignedIn, language: Language = None) -> Any:
    with context.unit() as session:
        return _detail(session, context, surveys.get(session, id, by=context.principal), _language(context, language))


@router.post("/surveys/{id}/items", status_code=201, response_model=ItemOut, responses=UPDATE,
             name="add_survey_item", summary="Add one of the firm's own questions (a draft survey only)")
def add_item(id: EntityId, body: ItemIn, context: SignedIn, language: Language = None) -> Any:
    with context.unit() as session:
        survey = surveys.get(session, id, by=context.principal)
        item = surveys.add_item(session, survey, body.model_dump(exclude_none=True), by=context.principal)
        return _item_out(item, _language(context, language))


@router.patch("/surveys/{id}/items/{item_id}", response_model=ItemOut, responses=UPDATE,
              name="update_survey_item", summary="Change one of the firm's own questions (a draft survey only)")
def update_item(id: EntityId, item_id: EntityId, body: ItemChange, context: SignedIn, language: Language = None) -> Any:
    with context.unit() as session:
        survey = surveys.get(session, id, by=context.principal)
        item = surveys.update_item(session, survey, item_id, body.model_dump(exclude_unset=True, exclude_none=True),
                                   by=context.principal)
        return _item_out(item, _language(context, language))


@router.delete("/surveys/{id}/items/{item_id}", status_code=204, response_class=Response, responses=DELETE,
               name="delete_survey_item", summary="Remove one of the firm's own questions (a draft survey only)")
def delete_item(id: EntityId, item_id: EntityId, context: SignedIn) -> Response:
    with context.unit() as session:
        surveys.remove_item(session, surveys.get(session, id, by=context.principal), item_id, by=context.principal)
    return Response(status_code=204)


@router.post("/surveys/{id}/activate", response_model=SurveyDetailOut, responses=UPDATE, name="activate_survey",
             summary="Fix the questions so that campaigns may send it (every text in all six languages)")
def activate_survey(id: EntityId, context: SignedIn, language: Language = None) -> Any:
    with context.unit() as session:
        survey = surveys.activate(session, surveys.get(session, id, by=context.principal), by=context.principal)
        return _detail(session, context, survey, _language(context, language))


@router.post("/surveys/{id}/close", response_model=SurveyDetailOut, responses=UPDATE, name="close_survey",
             summary="No new campaigns; open links still answer until they expire")
def close_survey(id: EntityId, context: SignedIn, language: Language = None) -> Any:
    with context.unit() as session:
        survey = surveys.close(session, surveys.get(session, id, by=context.principal), by=context.principal)
        return _detail(session, context, survey, _language(context, language))


@router.delete("/surveys/{id}", status_code=204, response_class=Response, responses=DELETE, name="delete_survey",
               summary="Delete a survey nobody has answered (close one that has answers)")
def delete_survey(id: EntityId, context: SignedIn) -> Response:
    with context.unit() as session:
        surveys.delete(session, surveys.get(session, id, by=context.principal), by=context.principal)
    return Response(status_code=204)


# --- campaigns ----------------------------------------------------------------------------------

def _audience(body: AudienceIn) -> campaigns.Audience:
    return campaigns.Audience(tiers=tuple(str(t) for t in body.tiers), segments=tuple(body.segments),
                              owner_id=body.owner_id, completed_from=body.completed_from,
                              completed_to=body.completed_to, recovered_from=body.recovered_from,
                              recovered_to=body.recovered_to)


def _campaign_out(session: Session, context: Any, campaign: Campaign) -> CampaignStatusOut:
    session.flush()
    session.refresh(campaign)
    progress = campaigns.status(session, campaign, by=context.principal)
    return CampaignStatusOut.model_validate({**CampaignOut.model_validate(campaign).model_dump(),
                                             **progress.as_dict()})


@router.post("/campaigns/preview", response_model=AudiencePreviewOut, responses=UPDATE,
             name="preview_survey_audience",
             summary="How many clients an audience reaches, and the first few of them by name")
def preview_audience(body: AudienceIn, context: SignedIn) -> Any:
    with context.unit() as session:
        found = campaigns.preview(session, context.runtime.settings, _audience(body), by=context.principal)
        return AudiencePreviewOut(recipients=found.count, sample=[asdict(r) for r in found.sample])


@router.get("/campaigns", response_model=list[CampaignOut], responses=READ_MANY, name="list_survey_campaigns",
            summary="The campaigns (of one survey), newest first")
def list_campaigns(context: SignedIn, survey_id: IdFilter = None) -> Any:
    with context.unit() as session:
        return [CampaignOut.model_validate(c) for c in campaigns.listing(session, survey_id=survey_id,
                                                                          by=context.principal)]


@router.post("/campaigns", status_code=201, response_model=CampaignStatusOut, responses=CREATE,
             name="create_survey_campaign",
             summary="A draft campaign of an active survey: one private link per recipient (nothing sent yet)")
def create_campaign(body: CampaignIn, response: Response, context: SignedIn) -> Any:
    with context.unit() as session:
        survey = _named_survey(session, context, body.survey_id)
        campaign = campaigns.create(session, context.runtime.settings, survey, body.name, _audience(body.audience),
                                    expires_in_days=body.expires_in_days, remind_after_days=body.remind_after_days,
                                    max_reminders=body.max_reminders, by=context.principal)
        out = _campaign_out(session, context, campaign)
    response.headers["Location"] = f"/api/v1/quality/campaigns/{out.id}"
    return out


@router.get("/campaigns/{id}", response_model=CampaignStatusOut, responses=READ_ONE, name="get_survey_campaign",
            summary="A campaign and where it stands: invited, e-mailed, opened, answered, the response rate")
def get_campaign(id: EntityId, context: SignedIn) -> Any:
    with context.unit() as session:
        return _campaign_out(session, context, campaigns.get(session, id, by=context.principal))


@router.post("/campaigns/{id}/send", response_model=SendOut, responses=UPDATE, name="send_survey_campaign",
             summary="Open the campaign (its links start to work) and queue the invitation e-mails (at most one "
                     "survey e-mail a day per address)")
def send_campaign(id: EntityId, context: SignedIn) -> Any:
    with context.unit() as session:
        campaign = campaigns.get(session, id, by=context.principal)
        mailing = campaigns.open_and_send(session, context.runtime.settings, campaign, by=context.principal)
        return SendOut(invited=mailing.invited, waiting=mailing.waiting, bad_address=mailing.bad_address,
                       campaign=_campaign_out(session, context, campaign))


@router.post("/campaigns/{id}/close", response_model=CampaignStatusOut, responses=UPDATE,
             name="close_survey_campaign", summary="Close it: its links answer \"closed\", no more e-mails")
def close_campaign(id: EntityId, context: SignedIn) -> Any:
    with context.unit() as session:
        campaign = campaigns.close(session, campaigns.get(session, id, by=context.principal), by=context.principal)
        return _campaign_out(session, context, campaign)


@router.delete("/campaigns/{id}", status_code=204, response_class=Response, responses=DELETE,
               name="delete_survey_campaign",
               summary="Delete a draft or closed campaign and its links (answers given stay)")
def delete_campaign(id: EntityId, context: SignedIn) -> Response:
    with context.unit() as session:
        campaigns.delete(session, campaigns.get(session, id, by=context.principal), by=context.principal)
    return Response(status_code=204)


@router.get("/campaigns/{id}/links.csv", response_class=StreamingResponse, name="survey_campaign_links",
            summary="Every recipient's private link, for a mail-merge in your own e-mail tool (CSV)",
            responses={**READ_ONE, 200: {"content": {CSV: {}}, "description": "one row per invitation"}})
def campaign_links(id: EntityId, context: SignedIn) -> StreamingResponse:
    with context.unit() as session:     # who may, and which campaign, before the first byte goes out
        campaign = campaigns.get(session, id, by=context.principal)
        campaigns.links_csv(session, context.runtime.settings, campaign, by=context.principal)

    def rows() -> Iterator[str]:
        with context.unit() as session:
            found = campaigns.get(session, id, by=context.principal)
            yield from campaigns.links_csv(session, context.runtime.settings, found, by=context.principal)

    return StreamingResponse(rows(), media_type=CSV,
                             headers={"Content-Disposition": f'attachment; filename="campaign-{id}-links.csv"'})


# --- responses ----------------------------------------------------------------------------------

def _response_out(response: SurveyResponse, survey_name: str, client_name: str) -> ResponseOut:
    return ResponseOut.model_validate({**ResponseOut.model_validate(response, from_attributes=True).model_dump(
        exclude={"survey_name", "client_name"}), "survey_name": survey_name, "client_name": client_name})


@router.get("/responses", response_model=PageOut[ResponseOut], responses=READ_MANY, name="list_survey_responses",
            summary="Submitted responses, the latest first")
def list_responses(
    context: SignedIn, page: PageNumber = 1, per_page: PerPage = 50, survey_id: IdFilter = None,
    campaign_id: IdFilter = None, client_id: IdFilter = None,
    since: Annotated[date | None, Query(alias="from", description="submitted on or after this day")] = None,
    until: Annotated[date | None, Query(alias="to", description="submitted on or before this day")] = None,
    nps: Annotated[NpsGroup | None, Query(description="only detractors (0–6), passives (7–8) or promoters (9–10)")]
    = None,
) -> Any:
    start, end = _period(context, since, until)
    where = ResponseFilter(survey_id=survey_id, campaign_id=campaign_id, client_id=client_id, since=start, until=end,
                           nps=nps)
    with context.unit() as session:
        found = responses.responses_page(session, where, page=page, per_page=per_page, by=context.principal)
        survey_names, client_names = overview.names_of(session, found.items, by=context.principal)
        return PageOut[ResponseOut](
            items=[_response_out(r, survey_names.get(r.survey_id, ""), client_names.get(r.client_id, ""))
                   for r in found.items],
            total=found.total, page=found.page, per_page=found.per_page, pages=found.pages)


def _detail_response(session: Session, context: Any, response_id: int) -> ResponseDetailOut:
    found = responses.response_of(session, response_id, by=context.principal)
    response = found.response
    client = overview.client_name(session, response.client_id, by=context.principal) or ""
    tasks = overview.followup_tasks(session, response.id, by=context.principal)
    return ResponseDetailOut(
        **_response_out(response, found.survey.name, client).model_dump(),
        answers=[AnswerOut(code=item.code, kind=item.kind, dimension=item.dimension, expected=a.expected,
                           perceived=a.perceived, number=a.number, choices=a.choices, text=a.text)
                 for item, a in found.answers],
        tasks=[task.id for task in tasks])


@router.get("/responses/{id}", response_model=ResponseDetailOut, responses=READ_ONE, name="get_survey_response",
            summary="A response with its answers")
def get_response(id: EntityId, context: SignedIn) -> Any:
    with context.unit() as session:
        return _detail_response(session, context, id)


@router.post("/responses", status_code=201, response_model=ResponseDetailOut, responses=CREATE,
             name="record_survey_response",
             summary="Type in a complete response (a call, a paper form); every required question answered")
def record_response(body: ResponseIn, response: Response, context: SignedIn) -> Any:
    with context.unit() as session:
        survey = _named_survey(session, context, body.survey_id)
        if body.language is not None and body.language not in LANGUAGES:
            raise ValidationFailed(_("Unknown language %(value)s.", value=body.language), field="language")
        if body.submitted_at is not None and body.submitted_at.tzinfo is None:
            raise ValidationFailed(_("%(field)s needs a timezone (e.g. 2026-03-01T14:00:00+08:00).",
                                     field="submitted_at"), field="submitted_at")
        made = answers.record_answers(session, context.runtime.settings, survey, body.client_id,
                                      answers.values_of(body.answers), by=context.principal,
                                      submitted_at=body.submitted_at, language=body.language,
                                      engagement_id=body.engagement_id, follow_up=body.follow_up)
        out = _detail_response(session, context, made.id)
    response.headers["Location"] = f"/api/v1/quality/responses/{out.id}"
    return out


# --- results ------------------------------------------------------------------------------------

def _result_filter(
    context: SignedIn, survey_id: IdFilter = None, campaign_id: IdFilter = None,
    since: Annotated[date | None, Query(alias="from", description="submitted on or after this day")] = None,
    until: Annotated[date | None, Query(alias="to", description="submitted on or before this day")] = None,
    tier: Tier | None = None, segment: Annotated[str | None, Query(max_length=100)] = None,
    owner_id: Annotated[IdFilter, Query(description="the clients this staff member looks after")] = None,
    package_id: Annotated[IdFilter, Query(description="answers about an engagement of this service package")]
    = None,
) -> ResultFilter:
    """The filters every results route takes."""
    start, end = _period(context, since, until)
    return ResultFilter(survey_id=survey_id, campaign_id=campaign_id, since=start, until=end, tier=tier,
                        segment=segment, owner_id=owner_id, package_id=package_id)


Filters = Annotated[ResultFilter, Depends(_result_filter)]


@router.get("/results", response_model=ResultsOut, responses=READ_MANY, name="quality_results",
            summary="SERVQUAL gaps per dimension and statement with 95% intervals, the weighted score, what to fix "
                    "first, NPS with its interval, CSAT and the campaigns' response rates")
def get_results(context: SignedIn, where: Filters) -> Any:
    with context.unit() as session:
        gaps = results.servqual(session, where, by=context.principal)
        rates = [rate for rate in results.response_rates(session, where.campaign_id, by=context.principal)
                 if where.survey_id is None or rate.survey_id == where.survey_id]
        return ResultsOut.model_validate({
            "servqual": gaps.as_dict(), "nps": results.nps(session, where, by=context.principal).as_dict(),
            "csat": results.csat(session, where, by=context.principal).as_dict(),
            "response_rates": [rate.as_dict() for rate in rates]})


@router.get("/results/by/{group}", response_model=list[GroupGapsOut], responses=READ_MANY, name="quality_results_by",
            summary="The dimension gaps split by the client's tier, segment or owner, the service package, or the "
                    "quarter (period)")
def get_results_by(group: Literal["tier", "segment", "owner", "package", "period"], context: SignedIn,
                   where: Filters) -> Any:
    with context.unit() as session:
        found = results.servqual_by(session, where, group, zone=context.runtime.settings.zone, by=context.principal)
        return [GroupGapsOut.model_validate(row.as_dict()) for row in found]


@router.get("/nps/trend", response_model=list[NpsPointOut], responses=READ_MANY, name="quality_nps_trend",
            summary="The NPS per month or quarter, oldest first (a period without answers: n 0, no score)")
def nps_trend(context: SignedIn, where: Filters,
              months: Annotated[int, Query(ge=1, le=results.MOST_TREND_MONTHS)] = 24,
              step: Literal["month", "quarter"] = "month") -> Any:
    with context.unit() as session:
        found = results.nps_trend(session, where, months=months, step=step, zone=context.runtime.settings.zone,
                                  by=context.principal)
        return [NpsPointOut(start=start, **estimate.as_dict()) for start, estimate in found]
