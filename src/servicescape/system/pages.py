"""The owners' page of background jobs: schedules, last runs, failures, history, "run now"."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import Response

from servicescape import i18n
from servicescape.platform.jobs import runner
from servicescape.system.capability import OPERATE
from servicescape.web.deps import RequestContext, signed_in
from servicescape.web.pages.common import see_other
from servicescape.web.templating import render

router = APIRouter(include_in_schema=False)
Operator = Annotated[RequestContext, Depends(signed_in(OPERATE))]
JobName = Annotated[str, Path(max_length=100)]


@router.get("/system/jobs")
def jobs_page(context: Operator) -> Response:
    with context.unit() as session:
        jobs = runner.overview(session, by=context.principal)
        runs = runner.history(session, limit=30, by=context.principal)
    return render(context, "system/jobs.html", active_nav="settings", jobs=jobs, runs=runs)


@router.get("/system/jobs/{name}")
def job_history(name: JobName, context: Operator) -> Response:
    with context.unit() as session:
        spec = runner.job(name)
        runs = runner.history(session, name=name, limit=200, by=context.principal)
    return render(context, "system/job.html", active_nav="settings", job=spec, runs=runs)


@router.post("/system/jobs/{name}/run")
def run_now(name: JobName, context: Operator) -> Response:
    with context.unit() as session:
        runner.request_run(session, name, by=context.principal)
    return see_other("/system/jobs", context,
                     i18n._("%(name)s will run within a minute; reload this page to see it.", name=name))
