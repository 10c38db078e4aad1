"""A busy database: other writers hold what a unit of work needs past the wait allowed.

SQLite has one write lock: a writer that finds it taken waits up to ``WAIT_SECONDS`` (its
``busy_timeout``: SQLite's busy handler tries again and again, with growing pauses). PostgreSQL
waits for a locked row up to ``WAIT_SECONDS`` too (``lock_timeout``), and ends a transaction at
once to break a deadlock or a serialization conflict. ``is_busy`` recognises all of these.

``retrying`` runs a unit of work that can be run again (its transaction rolled back) after a
growing pause, until ``RETRY_SECONDS`` have passed. What is still busy then, or busy where a unit
cannot be run again, becomes ``DatabaseBusy`` (``busy()``): the API and the pages answer it with
503 and ``Retry-After``, never a 500. ``db.engine.transaction`` turns the errors of its units into
it; ``web.errors`` turns any other busy error into it.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError

from servicescape.errors import DatabaseBusy
from servicescape.i18n import _

T = TypeVar("T")

#: how long one statement waits for a lock (SQLite's busy_timeout, PostgreSQL's lock_timeout)
WAIT_SECONDS: float = 10
#: how long ``retrying`` keeps running a unit of work again
RETRY_SECONDS = 30
#: what a 503 tells the client to wait before trying again
RETRY_AFTER_SECONDS = 5
FIRST_PAUSE = 0.05
LONGEST_PAUSE = 2.0
SQLITE_BUSY_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
#: serialization_failure, deadlock_detected, lock_not_available (lock_timeout)
POSTGRES_BUSY_STATES = {"40001", "40P01", "55P03"}


def is_busy(error: BaseException) -> bool:
    """Whether ``error`` says that other writers held what the work needed (try again later)."""
    if isinstance(error, DatabaseBusy):
        return True
    if not isinstance(error, DBAPIError):
        return False
    original = error.orig
    if isinstance(original, sqlite3.Error):
        code = getattr(original, "sqlite_errorcode", None)
        return code is not None and code & 0xFF in SQLITE_BUSY_CODES  # extended codes: BUSY_SNAPSHOT...
    return getattr(original, "sqlstate", None) in POSTGRES_BUSY_STATES


def busy(message: str | None = None, *, details: dict[str, Any] | None = None) -> DatabaseBusy:
    """The error a person or a program gets: try again in ``RETRY_AFTER_SECONDS``."""
    return DatabaseBusy(message or _("The database is busy with other work, such as a large import. Please "
                                     "try again in a few seconds."), retry_after=RETRY_AFTER_SECONDS, details=details)


def retrying(work: Callable[[], T], *, within: float = RETRY_SECONDS,
             sleep: Callable[[float], None] = time.sleep) -> T:
    """``work()``, run again after a growing pause while the database is busy, for at most ``within``
    seconds; then ``DatabaseBusy``. ``work`` must be one whole unit of work (its own transaction)."""
    deadline = time.monotonic() + within
    pause = FIRST_PAUSE
    while True:
        try:
            return work()
        except Exception as error:
            if not is_busy(error):
                raise
            if time.monotonic() + pause > deadline:
                if isinstance(error, DatabaseBusy):
                    raise
                raise busy() from error
        sleep(pause * random.uniform(0.5, 1.0))  # spread: writers that met each other do not meet again
        pause = min(pause * 2, LONGEST_PAUSE)
