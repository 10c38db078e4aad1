"""Wording that a look at the service-quality pages found missing: base.html's avatar once set a
top-level ``words`` that overrode the page's own ``words`` (question_views.Wording), so the typed-in
answer form lost its SERVQUAL prompts and the response page read "20 of points"."""

from __future__ import annotations

import re

from servicescape.runtime import Runtime
from tests.integration.pages.conftest import Browser, add_client, plain
from tests.integration.pages.test_quality_pages import make_survey, record, servqual_values


def test_a_response_gives_the_importance_points_out_of_100(owner_browser: Browser, runtime: Runtime) -> None:
    survey_id = make_survey(runtime)
    client_id = add_client(runtime, name="Petrova EOOD")
    response_id = record(runtime, survey_id, client_id, servqual_values((7, 5), nps=8))
    page = owner_browser.get(f"/quality/responses/{response_id}")
    assert page.status_code == 200
    row = re.search(r'<tr id="answer-importance_reliability">(.*?)</tr>', page.text, re.S)
    assert row is not None
    assert "20 of 100 points" in plain(row.group(1))


def test_the_typed_in_form_keeps_its_servqual_prompts(owner_browser: Browser, runtime: Runtime) -> None:
    survey_id = make_survey(runtime)
    form = owner_browser.get(f"/quality/responses/new?survey={survey_id}")
    assert form.status_code == 200
    text = plain(form.text)
    assert "What an excellent firm would do: Excellent firms have up-to-date tools" in text
    assert "What we do: Our firm has up-to-date tools" in text
    assert "Please share 100 points among the five features" in text
    # the avatar still shows the signed-in person's initials
    assert re.search(r'<span class="avatar" aria-hidden="true">[A-Z?]{1,2}</span>', form.text)
