"""Reading the submitted responses one by one: a page of them (by survey, campaign, client, NPS group
and period, the latest first) and one response with its answers, each beside its question."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, selectinload

from servicescape.auth.permissions import Principal, require
from servicescape.db.paging import Page, paginate
from servicescape.errors import NotFound
from servicescape.i18n import _
from servicescape.quality.capability import READ
from servicescape.quality.models import Survey, SurveyAnswer, SurveyItem, SurveyResponse
from servicescape.quality.stats import NPS_PASSIVE, NPS_PROMOTER

#: detractors (NPS 0–6), passives (7–8), promoters (9–10)
NpsGroup = Literal["detractors", "passives", "promoters"]
NPS_GROUPS: tuple[NpsGroup, ...] = ("detractors", "passives", "promoters")


@dataclass(frozen=True)
class ResponseFilter:
    """Which submitted responses: of one survey, campaign or client, of one NPS group, submitted in
    ``[since, until)``."""

    survey_id: int | None = None
    campaign_id: int | None = None
    client_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    nps: NpsGroup | None = None


def conditions(where: ResponseFilter) -> list[ColumnElement[bool]]:
    """The conditions on ``SurveyResponse`` of ``where`` (submitted ones only)."""
    found: list[ColumnElement[bool]] = [SurveyResponse.submitted_at.is_not(None)]
    if where.survey_id is not None:
        found.append(SurveyResponse.survey_id == where.survey_id)
    if where.campaign_id is not None:
        found.append(SurveyResponse.campaign_id == where.campaign_id)
    if where.client_id is not None:
        found.append(SurveyResponse.client_id == where.client_id)
    if where.since is not None:
        found.append(SurveyResponse.submitted_at >= where.since)
    if where.until is not None:
        found.append(SurveyResponse.submitted_at < where.until)
    if where.nps == "promoters":
        found.append(SurveyResponse.nps >= NPS_PROMOTER)
    elif where.nps == "passives":
        found += [SurveyResponse.nps >= NPS_PASSIVE, SurveyResponse.nps < NPS_PROMOTER]
    elif where.nps == "detractors":
        found += [SurveyResponse.nps.is_not(None), SurveyResponse.nps < NPS_PASSIVE]
    return found


def responses_page(session: Session, where: ResponseFilter, *, page: int = 1, per_page: int = 50,
                   clamp: bool = False, by: Principal) -> Page[SurveyResponse]:
    """The submitted responses in ``where``, the latest first (two queries: the count and the page)."""
    require(by, READ)
    query = (select(SurveyResponse).where(*conditions(where))
             .order_by(SurveyResponse.submitted_at.desc(), SurveyResponse.id.desc()))
    return paginate(session, query, page=page, per_page=per_page, clamp=clamp)


@dataclass(frozen=True)
class Answered:
    """A submitted response and its answers, each with its question, in the survey's order."""

    response: SurveyResponse
    survey: Survey
    answers: list[tuple[SurveyItem, SurveyAnswer]]


def response_of(session: Session, response_id: int, *, by: Principal) -> Answered:
    """A submitted response (one still being filled in through its link is not shown: 404)."""
    require(by, READ)
    response = session.scalar(select(SurveyResponse).options(selectinload(SurveyResponse.answers))
                              .where(SurveyResponse.id == response_id, SurveyResponse.submitted_at.is_not(None)))
    if response is None:
        raise NotFound(_("Survey response %(id)s does not exist.", id=response_id))
    survey = session.scalar(select(Survey).options(selectinload(Survey.items)).where(Survey.id == response.survey_id))
    assert survey is not None
    by_item = {answer.item_id: answer for answer in response.answers}
    return Answered(response, survey, [(item, by_item[item.id]) for item in survey.items if item.id in by_item])
