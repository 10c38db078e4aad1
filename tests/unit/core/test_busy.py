"""A busy database: which errors say so, and how a unit of work is run again within a bound."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from servicescape.db import busy
from servicescape.errors import DatabaseBusy


class PostgresError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def sqlite_error(code: int) -> OperationalError:
    original = sqlite3.OperationalError("database is locked")
    original.sqlite_errorcode = code  # type: ignore[attr-defined]
    return OperationalError("INSERT ...", {}, original)


def test_busy_errors_of_both_databases_are_recognised() -> None:
    assert busy.is_busy(sqlite_error(sqlite3.SQLITE_BUSY))
    assert busy.is_busy(sqlite_error(517))  # SQLITE_BUSY_SNAPSHOT: an extended code
    assert busy.is_busy(sqlite_error(sqlite3.SQLITE_LOCKED))
    for state in ("40001", "40P01", "55P03"):
        assert busy.is_busy(OperationalError("UPDATE ...", {}, PostgresError(state)))
    assert busy.is_busy(busy.busy())
    assert not busy.is_busy(sqlite_error(sqlite3.SQLITE_FULL))
    assert not busy.is_busy(OperationalError("SELECT ...", {}, PostgresError("42P01")))
    assert not busy.is_busy(RuntimeError("database is locked"))


def test_a_unit_of_work_is_run_again_while_the_database_is_busy() -> None:
    calls: list[int] = []
    pauses: list[float] = []

    def work() -> str:
        calls.append(1)
        if len(calls) < 4:
            raise sqlite_error(sqlite3.SQLITE_BUSY)
        return "done"

    assert busy.retrying(work, sleep=pauses.append) == "done"
    assert len(calls) == 4 and len(pauses) == 3
    assert pauses[0] <= busy.FIRST_PAUSE and pauses[2] > pauses[0]  # growing pauses


def test_still_busy_past_the_bound_is_database_busy_and_other_errors_pass_at_once() -> None:
    def locked() -> Any:
        raise sqlite_error(sqlite3.SQLITE_BUSY)

    with pytest.raises(DatabaseBusy) as raised:
        busy.retrying(locked, within=0.2, sleep=lambda _seconds: None)
    assert raised.value.status_code == 503 and raised.value.retry_after == busy.RETRY_AFTER_SECONDS
    assert raised.value.details == {"retry_after_seconds": busy.RETRY_AFTER_SECONDS}

    calls: list[int] = []

    def broken() -> Any:
        calls.append(1)
        raise ValueError("not a busy database")

    with pytest.raises(ValueError):
        busy.retrying(broken, sleep=lambda _seconds: None)
    assert calls == [1]
