"""A query's rows of numbers as one numpy array, straight from the driver.

    table = numbers(session, select(Invoice.client_id, func.sum(...)).group_by(...), columns=2)

For the set-based readers (client health, the key accounts' ranking) that turn tens of thousands of
grouped rows into arrays: the driver's tuples go into numpy as they are, without a SQLAlchemy row or a
Python object per value. Every column must be a number or NULL (NaN in the array), so nothing needs
SQLAlchemy's result processing; read times as numbers with ``db.expressions.epoch_seconds``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Select
from sqlalchemy.orm import Session


def numbers(session: Session, query: Select[Any], columns: int) -> npt.NDArray[np.float64]:
    """``query``'s rows as a ``rows × columns`` float array (NaN for NULL)."""
    result = session.connection().execute(query)
    try:
        rows = result.cursor.fetchall()
    finally:
        result.close()
    return np.array(rows, dtype=np.float64).reshape(len(rows), columns)
