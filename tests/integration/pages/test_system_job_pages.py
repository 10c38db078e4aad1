"""The owners' pages of background jobs (/system/jobs): every registered job with its schedule and
last run, one job's history, and "run now", which asks the scheduler and runs nothing in the request."""

from __future__ import annotations

import re

import pytest

from servicescape.auth.models import Role
from servicescape.config import Settings
from servicescape.platform.jobs import runner
from servicescape.platform.registry import registry
from servicescape.runtime import Runtime
from tests.integration.pages.conftest import Browser, flash_after, plain

JOB = "data.purge_rejects"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """No scheduler in the app: the runs these tests see are the ones they make."""
    return settings.model_copy(update={"run_jobs": False})


def test_the_jobs_page_lists_every_registered_job_with_its_last_run(owner_browser: Browser,
                                                                   runtime: Runtime) -> None:
    page = owner_browser.get("/system/jobs")
    assert page.status_code == 200
    assert set(re.findall(r'<a href="/system/jobs/([\w.]+)">', page.text)) == set(registry().jobs)
    assert "every 60 minutes" in plain(page.text) and "Succeeded" not in page.text
    runner.run_job(runtime, JOB)
    page = owner_browser.get("/system/jobs")
    assert "Succeeded" in page.text and "deleted: 0" in plain(page.text)


def test_a_jobs_history_and_run_now(owner_browser: Browser, runtime: Runtime) -> None:
    runner.run_job(runtime, JOB)
    runner.run_job(runtime, JOB)
    history = owner_browser.get(f"/system/jobs/{JOB}")
    assert history.status_code == 200
    text = plain(history.text)
    assert text.count("Command line") == 2 and text.count("deleted: 0") == 2
    assert "Delete the rejected-rows files of imports older than a day" in text
    assert owner_browser.get("/system/jobs/no.such.job").status_code == 404

    assert runner.due(runtime).get(JOB) is None  # it just ran: not due until its next time
    asked = owner_browser.post(f"/system/jobs/{JOB}/run")
    assert asked.headers["location"] == "/system/jobs"
    assert flash_after(asked, owner_browser) == f"{JOB} will run within a minute; reload this page to see it."
    assert runner.due(runtime)[JOB] == "manual"
    assert plain(owner_browser.get(f"/system/jobs/{JOB}").text).count("Command line") == 2  # nothing ran yet
    assert owner_browser.post("/system/jobs/no.such.job/run").status_code == 404


def test_only_owners_see_or_run_jobs(browser_as, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    manager: Browser = browser_as(Role.manager)
    for url in ("/system/jobs", f"/system/jobs/{JOB}"):
        assert manager.get(url).status_code == 403
    assert manager.post(f"/system/jobs/{JOB}/run").status_code == 403
    assert runner.due(runtime).get(JOB) != "manual"
    assert 'href="/system/jobs"' not in manager.get("/clients").text  # not in the navigation either
