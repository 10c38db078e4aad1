"""What a submitted answer sets in motion for the client's owner (the platform's shared tasks):

* a detractor (NPS 0–6) or a dissatisfied client (CSAT 1–2) opens a recovery task — the same kind
  of task, in the same list, as a broken promise's (the promise ledger's recovery flow closes it);
* a promoter (NPS 9–10) opens a task to ask for a testimonial and a referral.

Each answer opens each task once, however often this runs; the titles are in the firm's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from servicescape.auth.permissions import SYSTEM
from servicescape.clients.models import Client
from servicescape.config import Settings
from servicescape.db.types import utcnow
from servicescape.i18n import _, speaking
from servicescape.promises.capability import RECOVERY
from servicescape.quality.capability import WORD_OF_MOUTH
from servicescape.quality.models import SurveyResponse
from servicescape.tasks import service as tasks
from servicescape.tasks.models import Task, TaskPriority

DETRACTOR_MAX = 6
PROMOTER_MIN = 9
DISSATISFIED_MAX = 2
RECOVERY_DUE = timedelta(days=1)
ASK_DUE = timedelta(days=7)


def recovery_key(response_id: int) -> str:
    return f"quality.recovery:{response_id}"


def ask_key(response_id: int) -> str:
    return f"quality.word_of_mouth:{response_id}"


def is_detractor(response: SurveyResponse) -> bool:
    return (response.nps is not None and response.nps <= DETRACTOR_MAX) or (
        response.csat is not None and response.csat <= DISSATISFIED_MAX)


def is_promoter(response: SurveyResponse) -> bool:
    return response.nps is not None and response.nps >= PROMOTER_MIN and not is_detractor(response)


@dataclass(frozen=True)
class FollowUp:
    """A task an answer calls for: the rule's key (never opened twice), the rule, the task's fields."""

    dedupe_key: str
    rule: str
    data: dict[str, Any]


def follow_ups(response: SurveyResponse, client: Client, language: str, now: datetime) -> list[FollowUp]:
    """The task ``response`` calls for (none, a recovery or a word-of-mouth task), titled in ``language``
    and due from ``now``; pure, so the demo writes the same tasks in bulk."""
    with speaking(language):
        if is_detractor(response):
            if response.nps is not None and response.nps <= DETRACTOR_MAX:
                title = _("Recover: %(client)s would not recommend us (%(score)s of 10)", client=client.name,
                          score=response.nps)
            else:
                title = _("Recover: %(client)s is dissatisfied (%(score)s of 5)", client=client.name,
                          score=response.csat)
            return [FollowUp(recovery_key(response.id), "quality.detractor",
                             {"kind": RECOVERY, "title": title[:300], "client_id": client.id,
                              "related_type": "survey_response", "related_id": response.id,
                              "owner_id": client.owner_id, "due_at": now + RECOVERY_DUE,
                              "priority": TaskPriority.high, "notes": response.comment})]
        if is_promoter(response):
            title = _("Ask %(client)s for a testimonial and a referral", client=client.name)
            return [FollowUp(ask_key(response.id), "quality.promoter",
                             {"kind": WORD_OF_MOUTH, "title": title[:300], "client_id": client.id,
                              "related_type": "survey_response", "related_id": response.id,
                              "owner_id": client.owner_id, "due_at": now + ASK_DUE,
                              "priority": TaskPriority.normal, "notes": response.comment})]
    return []


def after_answer(session: Session, settings: Settings, response: SurveyResponse) -> list[Task]:
    """The tasks ``response`` calls for (opened now, or found when they exist)."""
    client = session.get(Client, response.client_id)
    assert client is not None
    return [tasks.ensure_task(session, dedupe_key=f.dedupe_key, rule=f.rule, data=f.data, by=SYSTEM)
            for f in follow_ups(response, client, settings.default_language, utcnow())]
