"""GET /clients/{id}/sections/{key}: one section of a client's page alone (what htmx swaps in after
an add, or when the timeline is filtered or paged), for every section the capabilities register
(the timeline's filters and paging: test_tasks_and_home.py)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.platform.registry import registry
from servicescape.promises import service as promises
from servicescape.quality import answers, surveys
from servicescape.quality.models import SurveyKind
from servicescape.referrals.service import testimonials
from servicescape.runtime import Runtime
from servicescape.tasks import service as tasks
from servicescape.voice import analysis
from tests.integration.pages.conftest import Browser, add_client, add_record, plain


@pytest.fixture
def client_id(runtime: Runtime) -> int:
    client = add_client(runtime, name="Tan Holdings Sdn Bhd")
    add_record(runtime, "contacts", client_id=client, name="Tan Wei Jie")
    add_record(runtime, "engagements", client_id=client, description="Site survey, east wing",
               start_date=date(2025, 2, 1))
    add_record(runtime, "invoices", client_id=client, issued_on=date(2025, 1, 31), amount=Decimal("1000.50"),
               currency="MYR")
    add_record(runtime, "interactions", client_id=client, channel="call", summary="Confirmed the Tuesday visit",
               occurred_at=datetime(2025, 3, 1, 2, 0, tzinfo=UTC))
    with runtime.transaction() as session:
        tasks.tasks.create(session, {"title": "Send the renewal offer", "client_id": client}, by=SYSTEM)
        promises.promises.create(session, {"client_id": client, "title": "Repair of the chiller",
                                           "window_start": datetime(2025, 3, 4, 1, tzinfo=UTC),
                                           "window_end": datetime(2025, 3, 4, 4, tzinfo=UTC)}, by=SYSTEM)
        testimonials.create(session, {"client_id": client, "author_name": "Tan Wei Jie", "language": "en",
                                      "text": "Always on time, always clear."}, by=SYSTEM)
        survey = surveys.create(session, name="After the visit", kind=SurveyKind.nps, by=SYSTEM)
        answers.record_answers(session, runtime.settings, survey, client, {"nps": "9", "nps_why": "Quick and tidy."},
                               by=SYSTEM)
        analysis.collect(session)       # what the job does within the minute: the comments reach the feedback
    return client


EXPECTED = {"revenue": "1,000.50 MYR", "timeline": "Confirmed the Tuesday visit", "contacts": "Tan Wei Jie",
            "engagements": "Site survey, east wing", "invoices": "1,000.50 MYR", "tasks": "Send the renewal offer",
            "promises": "Repair of the chiller", "word_of_mouth": "Always on time, always clear.",
            "surveys": "Quick and tidy.", "feedback": "Always on time, always clear.",
            "value": "Not counted yet", "value_cases": "No value case yet",
            "account_profile": "Nothing recorded yet of what this client values.", "proposals": "No proposal yet.",
            "client_portal": "None of the client's contacts uses the portal yet.",
            "portal_records": "Site survey, east wing",
            "health": "Not computed yet: health is computed every six hours."}


def test_every_registered_section_answers_alone(browser_as, client_id: int) -> None:  # type: ignore[no-untyped-def]
    viewer: Browser = browser_as(Role.viewer)
    manager: Browser = browser_as(Role.manager)
    sections = registry().client_sections()
    keys = [section.key for section in sections]
    assert set(keys) == set(EXPECTED), "a new section: add what it shows to EXPECTED"
    for section in sections:
        key = section.key
        # each section as the least role that may see it (a viewer, else a manager: analytics)
        reader = viewer if Role.viewer in registry().permissions[section.permission].roles else manager
        if reader is manager:
            refused = viewer.get(f"/clients/{client_id}/sections/{key}", headers={"HX-Request": "true"})
            assert refused.status_code == 404, key   # a section one may not see is not there
        response = reader.get(f"/clients/{client_id}/sections/{key}", headers={"HX-Request": "true"})
        assert response.status_code == 200, key
        assert "<html" not in response.text and response.headers["vary"] == "HX-Request"
        assert re.match(rf'\s*<[a-z]+[^>]* id="{key}"', response.text), key  # one element, swapped as a whole
        assert EXPECTED[key] in plain(response.text), key


def test_unknown_sections_clients_and_ids(owner_browser: Browser, client_id: int, app) -> None:  # type: ignore[no-untyped-def]
    assert owner_browser.get(f"/clients/{client_id}/sections/no-such-section").status_code == 404
    assert owner_browser.get("/clients/999999/sections/contacts").status_code == 404
    assert owner_browser.get("/clients/abc/sections/contacts").status_code == 422
    with TestClient(app, base_url="http://127.0.0.1") as signed_out:
        response = signed_out.get(f"/clients/{client_id}/sections/contacts", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/signin?next=/clients/{client_id}/sections/contacts"
