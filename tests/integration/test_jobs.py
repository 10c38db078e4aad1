"""Background jobs: every registered job is idempotent, one process holds a job at a time, failures
are retried with back-off and recorded, the scheduler runs what is due, owners see and trigger them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update
from typer.testing import CliRunner

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.cli.main import app as cli
from servicescape.db.models import Base
from servicescape.errors import Conflict, NotFound, PermissionDenied
from servicescape.platform.jobs import runner
from servicescape.platform.jobs.models import JobRun, JobState, RunStatus
from servicescape.platform.jobs.scheduler import Scheduler
from servicescape.platform.registry import Capability, Job, Registry, registry
from servicescape.runtime import Runtime
from tests.conftest import make_staff

CALLS: list[str] = []


def flaky(context: runner.JobContext) -> dict[str, int]:
    CALLS.append(context.job.name)
    raise RuntimeError("the SMTP server said no")


def counting(context: runner.JobContext) -> dict[str, int]:
    CALLS.append(context.job.name)
    return {"done": len(CALLS)}


FLAKY = Job("test.flaky", f"{__name__}:flaky", "fails every time", every=timedelta(hours=1), max_attempts=3,
            retry_after=timedelta(minutes=2))
COUNTING = Job("test.counting", f"{__name__}:counting", "counts", every=timedelta(minutes=10))


@pytest.fixture
def extra_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real registry plus two test jobs."""
    CALLS.clear()
    real = registry()
    extra = Capability("testjobs", "Test jobs", "tests", jobs=(FLAKY, COUNTING))
    monkeypatch.setattr(runner, "registry", lambda: Registry((*real.capabilities, extra), real.coming))


def _signature(runtime: Runtime) -> dict[str, int]:
    """Rows per table, besides the jobs' own bookkeeping and the audit trail."""
    skip = {"job_run", "job_state", "audit_event", "data_version"}
    with runtime.transaction() as session:
        return {name: session.scalar(select(func.count()).select_from(table)) or 0
                for name, table in Base.metadata.tables.items() if name not in skip}


def test_every_registered_job_runs_twice_and_the_second_run_changes_nothing(runtime: Runtime) -> None:
    rejects = runtime.settings.data_dir / "import-rejects"
    rejects.mkdir(parents=True)
    old = rejects / "old.csv"
    old.write_text("record,reason\n")
    os.utime(old, (time.time() - 2 * 86400,) * 2)
    (rejects / "fresh.csv").write_text("record,reason\n")
    assert registry().jobs, "no job is registered"
    for name in registry().jobs:
        first = runner.run_job(runtime, name)
        after_first = _signature(runtime)
        second = runner.run_job(runtime, name)
        assert (first.status, second.status) == (RunStatus.succeeded, RunStatus.succeeded), (name, first.error,
                                                                                              second.error)
        assert _signature(runtime) == after_first, name
    assert not old.exists() and (rejects / "fresh.csv").exists()
    with runtime.transaction() as session:
        runs = session.scalars(select(JobRun).where(JobRun.job == "data.purge_rejects").order_by(JobRun.id)).all()
        assert [r.counts for r in runs] == [{"deleted": 1}, {"deleted": 0}]


def test_one_process_at_a_time_and_a_dead_holders_run_is_marked_interrupted(runtime: Runtime, extra_jobs: None) -> None:
    now = datetime.now(UTC)
    assert runner._acquire(runtime, COUNTING, "other-host:1:a", now)
    with pytest.raises(Conflict, match="running elsewhere"):
        runner.run_job(runtime, COUNTING.name)
    with runtime.transaction() as session:
        session.add(JobRun(job=COUNTING.name, trigger="schedule", holder="other-host:1:a", started_at=now))
    # the other process died: once its lease has run out, the next run takes over
    later = now + COUNTING.lease + timedelta(seconds=1)
    result = runner.run_job(runtime, COUNTING.name, now=later)
    assert result.status == RunStatus.succeeded and [COUNTING.name] == CALLS
    with runtime.transaction() as session:
        statuses = [r.status for r in session.scalars(select(JobRun).order_by(JobRun.id))]
        state = session.get(JobState, COUNTING.name)
        assert statuses == [RunStatus.interrupted, RunStatus.succeeded]
        assert state is not None and state.lease_holder is None and state.failures == 0
        assert state.next_run_at is not None and state.next_run_at > later


def test_a_holder_of_this_host_that_has_ended_is_not_waited_out(runtime: Runtime, extra_jobs: None) -> None:
    """A ``jobs run`` killed mid-run (kill -9) leaves its lease: on the same host, a process that no
    longer runs gives it up at once; one that runs keeps it until it expires."""
    now = datetime.now(UTC)
    here = socket.gethostname()[:60]
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    try:
        assert runner._acquire(runtime, COUNTING, f"{here}:{alive.pid}:a", now)
        with pytest.raises(Conflict, match="running elsewhere"):
            runner.run_job(runtime, COUNTING.name, now=now)
        with runtime.transaction() as session:
            session.execute(update(JobState).where(JobState.name == COUNTING.name)
                            .values(lease_holder=f"{here}:{ended.pid}:b"))
            session.add(JobRun(job=COUNTING.name, trigger="cli", holder=f"{here}:{ended.pid}:b", started_at=now))
        result = runner.run_job(runtime, COUNTING.name, now=now)
    finally:
        alive.kill()
        alive.wait()
    assert result.status == RunStatus.succeeded and [COUNTING.name] == CALLS
    with runtime.transaction() as session:
        assert [r.status for r in session.scalars(select(JobRun).order_by(JobRun.id))] == [RunStatus.interrupted,
                                                                                            RunStatus.succeeded]


def test_a_failing_job_is_retried_with_back_off_then_waits_for_its_next_time(runtime: Runtime,
                                                                             extra_jobs: None) -> None:
    start = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    waits = []
    moment = start
    for _attempt in range(3):
        result = runner.run_job(runtime, FLAKY.name, now=moment)
        assert result.status == RunStatus.failed and "the SMTP server said no" in (result.error or "")
        with runtime.transaction() as session:
            state = session.get(JobState, FLAKY.name)
            assert state is not None and state.next_run_at is not None
            waits.append(state.next_run_at - result.finished_at)
            moment = state.next_run_at
    # 2 min, then 4 min, then (three tries failed) the next regular hour
    assert [round(w.total_seconds() / 60) for w in waits] == [2, 4, 60]
    with runtime.transaction() as session:
        attempts = [r.attempt for r in session.scalars(select(JobRun).order_by(JobRun.id))]
        assert attempts == [1, 2, 3]
        assert session.get(JobState, FLAKY.name).failures == 0  # type: ignore[union-attr]


def test_the_scheduler_runs_what_is_due_and_skips_what_is_not(runtime: Runtime, extra_jobs: None) -> None:
    scheduler = Scheduler(runtime, interval=3600)
    assert scheduler.tick() == len(runner.registry().jobs)  # never run: everything is due
    assert scheduler.tick() == 0  # nothing due now (the flaky one waits for its retry)
    with runtime.transaction() as session:
        runner.request_run(session, COUNTING.name, by=SYSTEM)
    assert runner.due(runtime) == {COUNTING.name: "manual"}
    assert scheduler.tick() == 1
    with runtime.transaction() as session:
        last = session.scalars(select(JobRun).where(JobRun.job == COUNTING.name).order_by(JobRun.id.desc())).first()
        assert last is not None and last.trigger == "manual"


def test_the_scheduler_thread_starts_and_stops(runtime: Runtime, extra_jobs: None) -> None:
    scheduler = Scheduler(runtime, interval=0.05)
    scheduler.start()
    deadline = time.monotonic() + 20
    while COUNTING.name not in CALLS and time.monotonic() < deadline:
        time.sleep(0.05)
    scheduler.stop()
    assert COUNTING.name in CALLS


@pytest.mark.parametrize(("after", "expected"), [
    ("2026-03-28T22:00:00+00:00", "2026-03-29T01:30:00+00:00"),  # Budapest: the night the clocks go forward
    ("2026-03-29T01:30:00+00:00", "2026-03-30T01:30:00+00:00"),
    ("2026-10-25T00:00:00+00:00", "2026-10-25T02:30:00+00:00"),  # the night they go back
])
def test_daily_jobs_run_at_the_firms_local_time(after: str, expected: str) -> None:
    job = Job("test.daily", "x:y", "daily", daily_at=clock(3, 30))
    zone = ZoneInfo("Europe/Budapest")
    assert runner.next_due(job, datetime.fromisoformat(after), zone) == datetime.fromisoformat(expected)


def test_a_job_declares_exactly_one_schedule() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        Job("test.bad", "x:y", "bad", every=timedelta(hours=1), daily_at=clock(3))
    with pytest.raises(ValueError, match="exactly one"):
        Job("test.bad", "x:y", "bad")


def test_unknown_jobs_and_other_roles_are_refused(runtime: Runtime) -> None:
    with pytest.raises(NotFound):
        runner.run_job(runtime, "no.such.job")
    staff = make_staff(runtime, Role.manager)
    with runtime.transaction() as session, pytest.raises(PermissionDenied):
        runner.overview(session, by=session.merge(staff))


def test_the_cli_lists_runs_and_shows_history(db_url: str, runtime: Runtime) -> None:
    run = CliRunner().invoke(cli, ["jobs", "run", "data.purge_rejects", "--db", db_url, "--json"])
    assert run.exit_code == 0, run.output
    assert '"status": "succeeded"' in run.output
    listed = CliRunner().invoke(cli, ["jobs", "list", "--db", db_url, "--json"])
    assert listed.exit_code == 0 and '"name": "data.purge_rejects"' in listed.output
    history = CliRunner().invoke(cli, ["jobs", "history", "data.purge_rejects", "--db", db_url, "--json"])
    assert history.exit_code == 0 and '"trigger": "cli"' in history.output
    unknown = CliRunner().invoke(cli, ["jobs", "run", "nope", "--db", db_url])
    assert unknown.exit_code == 1 and "error:" in unknown.output and "data.purge_rejects" in unknown.output
