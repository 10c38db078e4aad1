"""The in-process scheduler: a thread that runs the due jobs every few seconds.

The web server starts one in its lifespan (``settings.run_jobs``); several servers sharing one
PostgreSQL database each run a scheduler safely, because every run first takes the job's lease.
"""

from __future__ import annotations

import logging
import threading

from servicescape.platform.jobs.runner import holder_name, run_due
from servicescape.runtime import Runtime

log = logging.getLogger("servicescape.jobs")


class Scheduler:
    def __init__(self, runtime: Runtime, *, interval: float = 20.0) -> None:
        self.runtime = runtime
        self.interval = interval
        self.holder = holder_name()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._loop, name="servicescape-scheduler", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def tick(self) -> int:
        """Run what is due now; returns how many runs were made."""
        return len(run_due(self.runtime, holder=self.holder))

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:  # the database may be down for a moment: log it, try again next tick
                log.exception("the scheduler's tick failed")
            self._stop.wait(self.interval)
