"""Compare-and-set: an UPDATE whose WHERE states what the row must still be; 1 row changed = won."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session


def changed_rows(session: Session, statement: Update) -> int:
    """Run ``statement`` and return how many rows it changed (0: another writer got there first).

    Objects already loaded in ``session`` are not refreshed: read the row after, not before.
    """
    result = cast(CursorResult[Any], session.execute(statement, execution_options={"synchronize_session": False}))
    return result.rowcount
