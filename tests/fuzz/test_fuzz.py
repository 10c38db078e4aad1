"""Hostile input, a bounded run in every test run (``benchmarks/fuzz_inputs.py`` runs longer): the
importers take any file, a survey link's page any form and any token, the calendar feed any token —
and answer with a report, a page or a 4xx, never an unexpected error or a 5xx."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from servicescape.auth.models import Staff
from servicescape.config import Settings
from servicescape.runtime import Runtime
from tests.fuzz import targets
from tests.integration.quality.test_campaigns import active_survey, links, make_book, new_campaign, token_of

pytestmark = pytest.mark.backends("sqlite")
BOUNDED = settings(max_examples=150, deadline=timedelta(seconds=30), database=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                          HealthCheck.data_too_large])


@pytest.fixture
def settings_(db_url: str, tmp_path: Path) -> Settings:
    return Settings(mode="dev", database_url=db_url, data_dir=tmp_path, timezone="Asia/Kuala_Lumpur",
                    public_get_per_minute=100_000, public_post_per_minute=100_000)


@pytest.fixture
def settings(settings_: Settings) -> Settings:     # the public pages' rate limits out of the way
    return settings_


@BOUNDED
@given(file=targets.import_files())
@example(file=("feedback", "file.csv", b"text\r\n"))     # found by fuzzing: rows that need name no client
def test_importers_take_any_file(runtime: Runtime, tmp_path: Path, file: tuple[str, str, bytes]) -> None:
    kind, name, content = file
    targets.check_import(runtime, tmp_path, kind, name, content)


@pytest.fixture
def survey_link(runtime: Runtime, owner: Staff) -> str:
    from servicescape.quality.models import SurveyKind

    make_book(runtime, owner)
    campaign_id = new_campaign(runtime, active_survey(runtime, owner, SurveyKind.servqual), owner)
    return token_of(links(runtime, campaign_id)[0]["link"])


@BOUNDED
@given(form=targets.answer_forms, token=st.one_of(st.none(), targets.tokens))
def test_a_survey_link_takes_any_form(app, survey_link: str, form: dict[str, str], token: str | None) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app, base_url="http://127.0.0.1") as client:
        path = f"/s/{quote(token if token is not None else survey_link, safe='')}"
        for answer in (client.get(path), client.post(path, data=form, headers={"Origin": "http://127.0.0.1"})):
            assert answer.status_code < 500, (path, form, answer.text[-500:])


@BOUNDED
@given(token=targets.tokens)
def test_the_calendar_feed_takes_any_token(web: TestClient, token: str) -> None:
    answer = web.get(f"/calendar/{quote(token, safe='')}.ics")
    assert answer.status_code in (404, 422, 429), (token, answer.status_code)
