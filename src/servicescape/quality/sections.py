"""The client page's survey answers: the client's latest responses with their scores."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from servicescape.auth.permissions import require
from servicescape.clients.models import Client
from servicescape.quality.capability import READ
from servicescape.quality.models import Invitation, Survey, SurveyResponse
from servicescape.web.deps import RequestContext

SHOWN = 5


def client_surveys(context: RequestContext, session: Session, client: Client) -> dict[str, Any]:
    require(context.principal, READ)
    responses = session.execute(
        select(SurveyResponse, Survey.name).join(Survey, Survey.id == SurveyResponse.survey_id)
        .where(SurveyResponse.client_id == client.id, SurveyResponse.submitted_at.is_not(None))
        .order_by(SurveyResponse.submitted_at.desc(), SurveyResponse.id.desc()).limit(SHOWN)).all()
    waiting = session.scalar(select(func.count()).select_from(Invitation).where(
        Invitation.client_id == client.id, Invitation.answered_at.is_(None))) or 0
    answered = session.scalar(select(func.count()).select_from(SurveyResponse).where(
        SurveyResponse.client_id == client.id, SurveyResponse.submitted_at.is_not(None))) or 0
    return {"responses": responses, "answered": answered, "waiting": waiting}
