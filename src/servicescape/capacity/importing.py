"""Bookings from a CSV/XLSX: every row through the booking rules, all stored or none (the first bad
row is named with its line)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicescape.auth.models import Staff
from servicescape.auth.permissions import Principal, require
from servicescape.capacity import service
from servicescape.capacity.capability import MANAGE
from servicescape.errors import ServicescapeError
from servicescape.i18n import _
from servicescape.tabular.amounts import parse_decimal
from servicescape.tabular.dates import parse_date
from servicescape.tabular.errors import TabularError
from servicescape.tabular.reading import open_table

REQUIRED = ("staff", "day", "hours")
OPTIONAL = ("billable", "status", "billed_hours", "engagement_id", "note")
MAX_ROWS = 200_000


def _flag(cell: Any) -> bool:
    text = str(cell).strip().lower()
    if text in ("1", "yes", "y", "true", ""):
        return True
    if text in ("0", "no", "n", "false"):
        return False
    raise TabularError(_("%(value)s is neither yes nor no", value=repr(cell)))


def import_bookings(session: Session, path: Path, *, by: Principal) -> int:
    require(by, MANAGE)
    staff = {email.lower(): staff_id for staff_id, email in session.execute(select(Staff.id, Staff.email))}
    made = 0
    with open_table(path) as table:
        names = [header.strip().lower().replace(" ", "_") for header in table.headers]
        missing = [column for column in REQUIRED if column not in names]
        if missing:
            raise TabularError(_("%(file)s: the columns %(columns)s are missing.", file=path.name,
                                 columns=", ".join(missing)))
        index = {name: n for n, name in enumerate(names) if name in (*REQUIRED, *OPTIONAL)}
        for record in table.records:
            if made >= MAX_ROWS:
                raise TabularError(_("%(file)s has more than %(n)s rows.", file=path.name, n=MAX_ROWS))
            cells = {name: record.cells[n] if n < len(record.cells) else None for name, n in index.items()}
            try:
                who = str(cells["staff"] or "").strip()
                staff_id = int(who) if who.isascii() and who.isdigit() and len(who) < 10 else \
                    staff.get(who.lower())
                if staff_id is None:
                    raise TabularError(_("staff: %(value)s is nobody of the firm", value=who))
                data: dict[str, Any] = {"staff_id": staff_id, "day": parse_date(cells["day"]),
                                        "hours": float(parse_decimal(cells["hours"]))}
                if cells.get("billable") is not None:
                    data["billable"] = _flag(cells["billable"])
                if cells.get("status"):
                    status = str(cells["status"]).strip().lower()
                    if status not in ("scheduled", "worked"):
                        raise TabularError(_("status: %(value)s is neither scheduled nor worked", value=status))
                    data["status"] = status
                if cells.get("billed_hours") not in (None, ""):
                    data["billed_hours"] = float(parse_decimal(cells["billed_hours"]))
                if cells.get("engagement_id") not in (None, ""):
                    data["engagement_id"] = int(parse_decimal(cells["engagement_id"]))
                if cells.get("note"):
                    data["note"] = str(cells["note"])[:300]
                service.bookings.create(session, data, by=by)
            except (TabularError, ServicescapeError) as error:
                problem = getattr(error, "message", str(error))
                raise TabularError(_("line %(line)s: %(problem)s", line=record.number, problem=problem)) from None
            made += 1
    return made
