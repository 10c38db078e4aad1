"""Two app servers on one PostgreSQL database, each with its own connections and its own scheduler:
every job runs once per due time (the lease), a session signed in on one server is signed in on the
other and signing out on one ends it on both, and wrong passwords count across both (the sign-in
limits live in the database)."""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from servicescape.auth.models import Staff
from servicescape.config import Settings
from servicescape.platform.jobs.models import JobRun
from servicescape.platform.jobs.scheduler import Scheduler
from servicescape.runtime import Runtime, open_runtime
from servicescape.web.app import create_app
from tests.conftest import PASSWORD, csrf_from, sign_in

pytestmark = pytest.mark.backends("postgres")


@pytest.fixture
def second(settings: Settings) -> Iterator[Runtime]:
    """The other server's runtime: the same database, its own engine and connection pool."""
    other = open_runtime(settings, upgrade=False)
    yield other
    other.close()


def test_each_job_runs_once_when_two_schedulers_share_the_database(runtime: Runtime, second: Runtime) -> None:
    schedulers = [Scheduler(runtime, interval=0.05), Scheduler(second, interval=0.05)]
    barrier = threading.Barrier(2)
    ticks: list[int] = []

    def race(scheduler: Scheduler) -> None:
        barrier.wait()
        ticks.append(scheduler.tick())           # both find every job due at the same moment

    threads = [threading.Thread(target=race, args=(s,)) for s in schedulers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    with runtime.transaction() as session:
        runs = Counter(session.scalars(select(JobRun.job).where(JobRun.trigger == "schedule")))
    assert runs and set(runs.values()) == {1}, runs                   # none twice
    assert sum(ticks) == len(runs)                                   # each run by one of them


def test_a_session_and_the_sign_in_limits_hold_across_both_servers(runtime: Runtime, second: Runtime,
                                                                  owner: Staff) -> None:
    one = TestClient(create_app(runtime=runtime), base_url="http://127.0.0.1")
    other = TestClient(create_app(runtime=second), base_url="http://127.0.0.1")
    sign_in(one, owner.email)
    other.cookies.update(one.cookies)                  # the load balancer sends the next request elsewhere
    home = other.get("/", follow_redirects=False)
    assert home.status_code == 200 and owner.name in home.text
    out = other.post("/signout", data={"csrf_token": csrf_from(home.text)}, follow_redirects=False)
    assert out.status_code == 303
    assert one.get("/", follow_redirects=False).status_code in (302, 303)     # signed out on both

    def wrong(client: TestClient) -> int:
        page = client.get("/signin")
        return client.post("/signin", data={"email": owner.email, "password": "not-the-password",
                                            "csrf_token": csrf_from(page.text), "next": "/"},
                           follow_redirects=False).status_code

    fresh = [TestClient(create_app(runtime=r), base_url="http://127.0.0.1") for r in (runtime, second)]
    limit = runtime.settings.login_max_failures_per_client
    answers = [wrong(fresh[n % 2]) for n in range(limit + 1)]        # alternating between the servers
    assert answers[-1] == 429 and answers.count(429) == 1, answers
    right = fresh[0].get("/signin")
    refused = fresh[0].post("/signin", data={"email": owner.email, "password": PASSWORD,
                                             "csrf_token": csrf_from(right.text), "next": "/"}, follow_redirects=False)
    assert refused.status_code == 429                   # the same address is out on both, even with the password


def test_the_schedulers_threads_run_side_by_side(runtime: Runtime, second: Runtime) -> None:
    schedulers = [Scheduler(runtime, interval=0.05), Scheduler(second, interval=0.05)]
    for scheduler in schedulers:
        scheduler.start()
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            with runtime.transaction() as session:
                if session.scalar(select(JobRun.id).where(JobRun.job == "mail.send").limit(1)):
                    break
            time.sleep(0.1)
    finally:
        for scheduler in schedulers:
            scheduler.stop()
    with runtime.transaction() as session:
        starts = list(session.scalars(select(JobRun.started_at).where(JobRun.job == "mail.send")
                                      .order_by(JobRun.started_at)))
    # mail.send runs every minute: within the first minute, once (not once per server)
    assert starts and all(b - a >= timedelta(seconds=50) for a, b in itertools.pairwise(starts)), starts
