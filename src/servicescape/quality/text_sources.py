"""Survey answers' free text for the capabilities that read every comment: each open question's
answer of a submitted response (keyed ``response:item``; a response's ``comment`` is a copy of them)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, String, cast, select

from servicescape.quality.models import SurveyAnswer, SurveyResponse


def open_answers() -> Select[Any, Any, Any, Any]:
    key = cast(SurveyAnswer.response_id, String) + ":" + cast(SurveyAnswer.item_id, String)
    return (select(key.label("key"), SurveyResponse.client_id.label("client_id"),
                   SurveyAnswer.text.label("text"), SurveyResponse.submitted_at.label("said_at"))
            .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
            .where(SurveyAnswer.text.is_not(None), SurveyResponse.submitted_at.is_not(None)))
