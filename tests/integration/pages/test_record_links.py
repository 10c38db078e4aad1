"""A task about a record of another capability links to it (the registry's record links): a
detractor's recovery task in the recovery list and on the task's page leads to the survey answer;
a broken promise's to the promise."""

from __future__ import annotations

import re

from sqlalchemy import select

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.platform.registry import registry
from servicescape.quality import answers, surveys
from servicescape.quality.models import SurveyKind
from servicescape.runtime import Runtime
from servicescape.tasks.models import Task
from tests.integration.pages.conftest import Browser, add_client


def test_a_detractors_recovery_task_links_to_the_answer(owner_browser: Browser, browser_as,  # type: ignore[no-untyped-def]
                                                        runtime: Runtime) -> None:
    client_id = add_client(runtime, name="Kovács és Társa Bt.")
    with runtime.transaction() as session:
        survey = surveys.create(session, name="Utánkövetés", kind=SurveyKind.nps, by=SYSTEM)
        response = answers.record_answers(session, runtime.settings, survey, client_id,
                                          {"nps": "2", "nps_why": "Senki nem jött."}, by=SYSTEM)
        task = session.scalar(select(Task).where(Task.related_type == "survey_response",
                                                 Task.related_id == response.id))
        assert task is not None
        task_id, response_id = task.id, response.id
    link = f'href="/quality/responses/{response_id}"'
    recovery = owner_browser.get("/promises/recovery?view=all")
    assert recovery.status_code == 200
    row = re.search(rf'<tr id="recovery-{task_id}".*?</tr>', recovery.text, re.S)
    assert row is not None and link in row.group(0) and "The survey answer" in row.group(0)
    assert link in owner_browser.get(f"/tasks/{task_id}").text
    assert owner_browser.get(f"/quality/responses/{response_id}").status_code == 200
    assert registry().record_link("promise") is not None and registry().record_link("invoice") is None
    viewer: Browser = browser_as(Role.viewer)
    assert link in viewer.get(f"/tasks/{task_id}").text  # a viewer may read survey answers
