"""The shapes the readers yield: a cell value and a numbered record."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

Cell = str | int | float | Decimal | datetime | date | None


@dataclass(slots=True)
class Record:
    """One data row; ``number`` is the CSV line where it starts or the sheet row number."""

    number: int
    cells: list[Cell]
