"""The client timeline's survey answers: each submitted response, with its scores."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicescape.clients.models import Client
from servicescape.i18n import _
from servicescape.platform.timeline import TimelineEvent, TimelineQuery
from servicescape.quality.followups import is_detractor, is_promoter
from servicescape.quality.models import Survey, SurveyResponse


def events(session: Session, query: TimelineQuery) -> list[TimelineEvent]:
    if "survey_response" not in query.types:
        return []
    statement = (
        select(SurveyResponse, Survey.name, Client.name)
        .join(Survey, Survey.id == SurveyResponse.survey_id).join(Client, Client.id == SurveyResponse.client_id)
        .where(query.scope.clients(SurveyResponse.client_id), SurveyResponse.submitted_at.is_not(None),
               query.older("survey_response", SurveyResponse.submitted_at, SurveyResponse.id))
        .order_by(SurveyResponse.submitted_at.desc(), SurveyResponse.id.desc()).limit(query.limit)
    )
    found = []
    for response, survey_name, client_name in session.execute(statement):
        assert response.submitted_at is not None
        badges: list[tuple[str, str]] = []
        if response.nps is not None:
            tone = "danger" if is_detractor(response) else "success" if is_promoter(response) else "info"
            badges.append((_("NPS %(score)s", score=response.nps), tone))
        if response.csat is not None:
            badges.append((_("CSAT %(score)s", score=response.csat), "danger" if is_detractor(response) else "info"))
        found.append(TimelineEvent("survey_response", response.id, response.submitted_at,
                                   _("Survey answered: %(survey)s", survey=survey_name), "quality",
                                   response.client_id, client_name=client_name, summary=response.comment,
                                   url=f"/quality/responses/{response.id}", url_permission="quality.read",
                                   badges=tuple(badges)))
    return found
