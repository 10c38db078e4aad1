"""The owners' page of background jobs: what runs, what failed and why, and "run now"."""

from __future__ import annotations

import pytest

from servicescape.auth.models import Role
from servicescape.platform.jobs import runner
from servicescape.runtime import Runtime
from tests.integration.pages.conftest import Browser
from tests.integration.test_jobs import FLAKY, extra_jobs  # noqa: F401 - the fixture


def test_owners_see_the_jobs_page_and_ask_for_a_run(owner_browser: Browser, runtime: Runtime,
                                                   browser_as) -> None:  # type: ignore[no-untyped-def]
    runner.run_job(runtime, "data.purge_rejects")
    page = owner_browser.get("/system/jobs")
    assert page.status_code == 200 and "data.purge_rejects" in page.text and "Succeeded" in page.text
    assert "every hour" in page.text and "every minute" in page.text  # not "every 60 minutes", "every 1 minutes"
    assert "every 1 minutes" not in page.text
    history = owner_browser.get("/system/jobs/data.purge_rejects")
    assert history.status_code == 200 and "deleted: 0" in history.text
    assert owner_browser.get("/system/jobs/no.such.job").status_code == 404
    asked = owner_browser.post("/system/jobs/data.purge_rejects/run")
    assert asked.status_code == 303
    assert runner.due(runtime).get("data.purge_rejects") == "manual"
    manager = browser_as(Role.manager)
    assert manager.get("/system/jobs").status_code == 403
    assert manager.post("/system/jobs/data.purge_rejects/run").status_code == 403


@pytest.mark.usefixtures("extra_jobs")
def test_a_failed_run_shows_its_error_to_owners(owner_browser: Browser, runtime: Runtime) -> None:
    runner.run_job(runtime, FLAKY.name)
    page = owner_browser.get("/system/jobs")
    assert "test.flaky" in page.text and "the SMTP server said no" in page.text and "Failed" in page.text
