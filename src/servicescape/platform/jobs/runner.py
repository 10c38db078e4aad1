"""Running the jobs the capabilities declare: a database lease, a run record, retries with back-off.

* **One process at a time.** Before a run, a process takes the job's lease with one conditional
  UPDATE (free, or expired) on ``job_state``; servers sharing a PostgreSQL database never run the
  same job twice at once. A run that outlives its lease can extend it (``JobContext.heartbeat``).
* **A record of every run**: started, finished, status, counts, error (``job_run``). A run whose
  process died is marked ``interrupted`` when the next process takes the expired lease.
* **Retries.** A failed run is tried again after ``retry_after``, doubling each time, up to
  ``max_attempts`` tries; then the job waits for its next regular time. Nothing is swallowed: the
  error is stored with the run and logged.
* **Idempotent by contract.** Running a job twice in a row changes nothing the second time (the
  contract test runs every registered job twice).
"""

from __future__ import annotations

import logging
import os
import socket
import traceback
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from servicescape.audit.service import Actor
from servicescape.auth.permissions import SYSTEM, Principal, require
from servicescape.db.types import utcnow
from servicescape.errors import Conflict, NotFound
from servicescape.i18n import _
from servicescape.platform.jobs.models import JobRun, JobState, RunStatus
from servicescape.platform.registry import Job, registry, resolve
from servicescape.runtime import Runtime
from servicescape.system.capability import OPERATE

log = logging.getLogger("servicescape.jobs")

MAX_ERROR = 4000


def holder_name() -> str:
    """Who holds a lease: this host and process, and a random part (two runners in one process)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def job(name: str) -> Job:
    jobs = registry().jobs
    if name not in jobs:
        raise NotFound(_("There is no job %(name)s; the jobs are: %(names)s.", name=name,
                         names=", ".join(sorted(jobs))), field="name")
    return jobs[name]


def next_due(spec: Job, after: datetime, zone: ZoneInfo) -> datetime:
    """When ``spec`` is due next after ``after``: ``every`` later, or the next ``daily_at`` on the
    firm's clock (a day with a clock change still runs once)."""
    if spec.every is not None:
        return after + spec.every
    assert spec.daily_at is not None
    local = after.astimezone(zone)
    candidate = datetime.combine(local.date(), spec.daily_at, tzinfo=zone)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), spec.daily_at, tzinfo=zone)
    return candidate.astimezone(after.tzinfo)


@dataclass
class JobContext:
    """What a job's function gets: the runtime, its spec and run, and a way to keep its lease."""

    runtime: Runtime
    job: Job
    run_id: int
    holder: str
    principal: Principal = SYSTEM

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A unit of work recorded in the audit trail as this job."""
        with self.runtime.transaction(Actor(f"job:{self.job.name}")) as session:
            yield session

    def heartbeat(self) -> None:
        """Extend the lease of a long run (call it more often than ``job.lease``)."""
        with self.runtime.transaction() as session:
            session.execute(update(JobState).where(JobState.name == self.job.name,
                                                   JobState.lease_holder == self.holder)
                            .values(lease_expires_at=utcnow() + self.job.lease))


@dataclass(frozen=True)
class RunResult:
    job: str
    run_id: int
    status: RunStatus
    counts: dict[str, Any]
    error: str | None
    started_at: datetime
    finished_at: datetime


def _ensure_state(session: Session, name: str) -> None:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(JobState).values(name=name, failures=0).on_conflict_do_nothing())


def _still_due(trigger: str, now: datetime) -> Any:
    """SQL: the job is still due for ``trigger`` — another server may have run it since this one looked."""
    if trigger == "manual":
        return JobState.requested_at.is_not(None)
    return or_(JobState.next_run_at.is_(None), JobState.next_run_at <= now)


def _dead_here(holder: str | None) -> bool:
    """Whether ``holder`` (see :func:`holder_name`) was a process of this host that has ended — a
    ``servicescape jobs run`` killed mid-run — so that its lease need not be waited out. A holder of
    another host, or a process that still runs (or whose number was given to another), is not."""
    parts = (holder or "").rsplit(":", 2)
    if len(parts) != 3 or parts[0] != socket.gethostname()[:60] or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    if pid in (0, os.getpid()):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:     # alive, another user's
        return False
    return False


def _acquire(runtime: Runtime, spec: Job, holder: str, now: datetime, *, due_for: str | None = None) -> bool:
    """Take the lease when it is free, expired or held by a process of this host that has ended (and,
    ``due_for`` a trigger, the job still due for it: two servers that both found it due run it once);
    mark runs of a dead holder interrupted."""
    with runtime.transaction() as session:
        _ensure_state(session, spec.name)
        current = session.scalar(select(JobState.lease_holder).where(JobState.name == spec.name))
        dead = [JobState.lease_holder == current] if _dead_here(current) else []
        taken = session.execute(  # type: ignore[attr-defined]
            update(JobState)
            .where(JobState.name == spec.name,
                   or_(JobState.lease_holder.is_(None), JobState.lease_expires_at < now, *dead),
                   *([_still_due(due_for, now)] if due_for else []))
            .values(lease_holder=holder, lease_expires_at=now + spec.lease)
            .execution_options(synchronize_session=False)
        ).rowcount
        if taken != 1:
            return False
        session.execute(
            update(JobRun).where(JobRun.job == spec.name, JobRun.status == RunStatus.running)
            .values(status=RunStatus.interrupted, finished_at=now,
                    error="The process running it stopped before it finished.")
            .execution_options(synchronize_session=False)
        )
    return True


def run_job(runtime: Runtime, name: str, *, trigger: str = "cli", now: datetime | None = None,
            holder: str | None = None, if_due: bool = False) -> RunResult:
    """Run ``name`` now in this process (raises Conflict when another process holds it, or, ``if_due``,
    when it is no longer due for ``trigger``: another process ran it since it was found due)."""
    spec = job(name)
    holder = holder or holder_name()
    started = now or utcnow()
    if not _acquire(runtime, spec, holder, started, due_for=trigger if if_due else None):
        raise Conflict(_("The job %(name)s is running elsewhere; try again when it has finished.", name=name))
    try:
        with runtime.transaction() as session:
            state = session.get(JobState, spec.name)
            assert state is not None
            run = JobRun(job=spec.name, trigger=trigger, attempt=state.failures + 1, holder=holder,
                         started_at=started, status=RunStatus.running)
            session.add(run)
            session.flush()
            run_id = run.id
        context = JobContext(runtime, spec, run_id, holder)
        counts: dict[str, Any] = {}
        error: str | None = None
        try:
            counts = dict(resolve(spec.run)(context) or {})
            status = RunStatus.succeeded
        except Exception as exc:
            log.exception("job %s failed", spec.name)
            status = RunStatus.failed
            error = "".join(traceback.format_exception_only(exc)).strip()[:MAX_ERROR]
        finished = utcnow() if now is None else max(now, utcnow())
        _finish(runtime, spec, run_id, status, counts, error, finished)
    finally:
        with runtime.transaction() as session:
            session.execute(update(JobState).where(JobState.name == spec.name, JobState.lease_holder == holder)
                            .values(lease_holder=None, lease_expires_at=None)
                            .execution_options(synchronize_session=False))
    return RunResult(spec.name, run_id, status, counts, error, started, finished)


def _finish(runtime: Runtime, spec: Job, run_id: int, status: RunStatus, counts: dict[str, Any],
            error: str | None, finished: datetime) -> None:
    zone = runtime.settings.zone
    with runtime.transaction() as session:
        run = session.get(JobRun, run_id)
        state = session.get(JobState, spec.name)
        assert run is not None and state is not None
        run.status, run.counts, run.error, run.finished_at = status, counts, error, finished
        state.requested_at = None
        if status == RunStatus.succeeded:
            state.failures = 0
            state.next_run_at = next_due(spec, finished, zone)
        elif state.failures + 1 < spec.max_attempts:
            state.failures += 1
            state.next_run_at = finished + spec.retry_after * (2 ** (state.failures - 1))
        else:
            state.failures = 0
            state.next_run_at = next_due(spec, finished, zone)


def due(runtime: Runtime, now: datetime | None = None) -> dict[str, str]:
    """The registered jobs due now → why: "schedule" (never run, or past its time) or "manual"
    (an owner asked for it)."""
    moment = now or utcnow()
    with runtime.transaction() as session:
        states = {state.name: state for state in session.scalars(select(JobState))}
    found: dict[str, str] = {}
    for name in registry().jobs:
        state = states.get(name)
        if state is not None and state.requested_at is not None:
            found[name] = "manual"
        elif state is None or state.next_run_at is None or state.next_run_at <= moment:
            found[name] = "schedule"
    return found


def run_due(runtime: Runtime, *, now: datetime | None = None, holder: str | None = None) -> list[RunResult]:
    """Run every due job once (what the scheduler does at each tick); a job held elsewhere is skipped."""
    results = []
    for name, trigger in due(runtime, now).items():
        try:
            results.append(run_job(runtime, name, trigger=trigger, now=now, holder=holder, if_due=True))
        except Conflict:
            log.info("job %s is held or was just run by another process; skipped", name)
    return results


# --- what owners see and ask for ------------------------------------------------------------------

@dataclass(frozen=True)
class JobOverview:
    job: Job
    state: JobState | None
    last_run: JobRun | None
    last_failure: JobRun | None


def overview(session: Session, *, by: Principal) -> list[JobOverview]:
    """Every registered job with its state, its last run and its last failure (three queries)."""
    require(by, OPERATE)
    states = {state.name: state for state in session.scalars(select(JobState))}
    last: dict[str, JobRun] = {}
    failed: dict[str, JobRun] = {}
    for run in session.scalars(select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(500)):
        last.setdefault(run.job, run)
        if run.status in (RunStatus.failed, RunStatus.interrupted):
            failed.setdefault(run.job, run)
    return [JobOverview(spec, states.get(name), last.get(name), failed.get(name))
            for name, spec in sorted(registry().jobs.items())]


def history(session: Session, *, name: str | None = None, limit: int = 50, by: Principal) -> list[JobRun]:
    require(by, OPERATE)
    if name is not None:
        job(name)
    query = select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(limit)
    if name is not None:
        query = query.where(JobRun.job == name)
    return list(session.scalars(query))


def request_run(session: Session, name: str, *, by: Principal) -> None:
    """Ask the scheduler to run ``name`` at its next tick (pages never run jobs in a request)."""
    require(by, OPERATE)
    job(name)
    _ensure_state(session, name)
    session.execute(update(JobState).where(JobState.name == name).values(requested_at=utcnow())
                    .execution_options(synchronize_session=False))
