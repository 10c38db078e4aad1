"""What the knowledge and plan tests build through the services: clients with revenue (key
accounts), SERVQUAL importance splits, complaints resolved by whom, staff of each role."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.clients import service as clients
from servicescape.db.types import utcnow
from servicescape.promises import complaints
from servicescape.promises.models import Complaint, ComplaintStatus
from servicescape.quality import surveys
from servicescape.quality.instrument import DIMENSIONS
from servicescape.quality.models import ItemKind, SurveyAnswer, SurveyItem, SurveyKind, SurveyResponse
from servicescape.runtime import Runtime
from tests.conftest import make_staff

__all__ = ["answer_importance", "client_with_revenue", "resolved_complaint", "staff_id"]


def staff_id(runtime: Runtime, role: Role, email: str, name: str | None = None) -> int:
    return make_staff(runtime, role, email=email, name=name).id


def client_with_revenue(runtime: Runtime, name: str, amount: int, *, days_ago: int = 30) -> int:
    """A client invoiced ``amount`` EUR (the reporting currency) ``days_ago`` days ago."""
    with runtime.transaction() as session:
        client = clients.clients.create(session, {"name": name, "tier": "key"}, by=SYSTEM)
        clients.invoices.create(session, {"client_id": client.id, "issued_on": date.today() - timedelta(days=days_ago),
                                          "amount": Decimal(amount), "currency": "EUR"}, by=SYSTEM)
        return client.id


def answer_importance(runtime: Runtime, client_id: int, points: dict[str, int], *, days_ago: int) -> int:
    """A submitted SERVQUAL response of the client splitting its importance points as given."""
    with runtime.transaction() as session:
        survey_id = session.scalar(select(SurveyResponse.survey_id).limit(1))
        if survey_id is None:
            survey_id = surveys.create(session, name="Client service survey", kind=SurveyKind.servqual,
                                       by=SYSTEM).id
        items = {item.dimension: item.id for item in session.scalars(select(SurveyItem).where(
            SurveyItem.survey_id == survey_id, SurveyItem.kind == ItemKind.importance))}
        assert set(items) == set(DIMENSIONS)
        moment = utcnow() - timedelta(days=days_ago)
        response = SurveyResponse(survey_id=survey_id, client_id=client_id, language="en", started_at=moment,
                                  saved_at=moment, submitted_at=moment)
        session.add(response)
        session.flush()
        session.add_all(SurveyAnswer(response_id=response.id, item_id=items[d], number=points[d]) for d in points)
        return response.id


def resolved_complaint(runtime: Runtime, client_id: int, owner_id: int | None, resolved_at: datetime | None) -> int:
    """A complaint owned by ``owner_id``, resolved at ``resolved_at`` (None: still open)."""
    with runtime.transaction() as session:
        received = (resolved_at or utcnow()) - timedelta(days=2)
        made = complaints.complaints.create(session, {"client_id": client_id, "text": "The window was missed.",
                                                      "owner_id": owner_id, "received_at": received}, by=SYSTEM)
        if resolved_at is not None:
            found = session.get(Complaint, made.id)
            assert found is not None
            found.resolved_at = resolved_at.astimezone(UTC)
            found.status = ComplaintStatus.resolved
        return made.id
