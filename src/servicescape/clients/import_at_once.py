"""Writing a batch of clients in one go, column by column, when no row needs the row-by-row path.

Two shapes of batch are common and simple: a first import (no row matches a stored client or
another row of the batch) and a re-import (every row names a stored client by its external id,
each a different one). For those, matching row by row would find nothing, or exactly what the
external id says, so the batch is written at once: the column lists go straight into
``executemany``. Any other batch — a key repeated in it, a row that matches by e-mail or name,
a mix of new and known clients, an empty cell that must not clear a field — goes the general
way (``BatchWriter.write_rows``) with the stored records already looked up; both give the same
result, the tests of the importer run through both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from servicescape.clients.import_columns import RowBatch, RowView
from servicescape.clients.import_targets import KEEP_IF_EMPTY, BatchOutcome, ColumnWrites, Stored

if TYPE_CHECKING:
    from servicescape.clients.import_batches import BatchWriter


def plan_at_once(writer: BatchWriter, conn: Connection, batch: RowBatch, now: datetime) -> AtOnce | Stored:
    """What to write for a batch of clients that is all new or all known by external id; otherwise the
    stored records its rows may match, for the general path."""
    count = len(batch)
    exts = batch.column("external_id") or [None] * count
    given = [ext for ext in exts if ext is not None]
    distinct = set(given)
    repeated = len(distinct) != len(given)
    by_ext = writer.stored_by_ext(conn, distinct)
    if not repeated and len(by_ext) == count and not _keeps_stored_values(batch):
        ids = {data.external_id: data.id for data in by_ext}
        # the external id matched, so it is left alone (SQLite rewrites an index entry it sets even
        # to the same value)
        kept = [k for k, name in enumerate(batch.names) if name != "external_id"]
        updates = ColumnWrites([*(batch.names[k] for k in kept), "_id"],
                               [*(batch.columns[k] for k in kept), [ids[ext] for ext in exts]])
        return AtOnce(BatchOutcome(updated=count), ColumnWrites([], []), updates, batch.column("email") or [])
    found = {data.external_id for data in by_ext}
    rest = [position for position, ext in enumerate(exts) if ext not in found]
    emails = batch.column("email") or [None] * count
    names = batch.column("name") or [None] * count
    candidates = writer.client_candidates(conn, [exts[i] for i in rest], [emails[i] for i in rest],
                                          [names[i] for i in rest])
    if by_ext or candidates or repeated or not _all_new(writer, batch, emails, names):
        return Stored(by_ext, candidates)
    return AtOnce(BatchOutcome(imported=count), _inserts(writer, batch, now), ColumnWrites([], []), emails)


@dataclass
class AtOnce:
    """A batch written at once: its outcome, the rows to insert and to update (column by column),
    and the e-mail addresses written (whose spellings matching must remember)."""

    outcome: BatchOutcome
    inserts: ColumnWrites
    updates: ColumnWrites
    emails: list[str | None]


def _all_new(writer: BatchWriter, batch: RowBatch, emails: list[Any], names: list[Any]) -> bool:
    """No two rows share a natural key, and every row may make a new client."""
    addresses = [email.lower() for email in emails if email]
    if len(set(addresses)) != len(addresses) or len(set(names)) != len(names):
        return False
    if writer.create_rules:
        index = batch.index()
        return all(writer.may_create(RowView(index, batch.columns, position)) for position in range(len(batch)))
    return True


def _inserts(writer: BatchWriter, batch: RowBatch, now: datetime) -> ColumnWrites:
    """The batch's columns as a new record gets them: defaults for what a row leaves empty."""
    count = len(batch)
    defaults = writer.defaults(now)
    present = set(batch.names) | set(defaults)
    names = [name for name in writer.insert_columns if name in present and name not in ("updated_at", "custom_fields")]
    columns = []
    for name in names:
        column = batch.column(name)
        default = defaults.get(name)
        if column is None:
            column = [default] * count
        elif default is not None and None in column:
            column = [default if value is None else value for value in column]
        columns.append(column)
    return ColumnWrites([*names, "custom_fields"], [*columns, [{}] * count])


def _keeps_stored_values(batch: RowBatch) -> bool:
    """Whether an empty cell must keep a stored value (``KEEP_IF_EMPTY``): rows that differ in which
    fields they set cannot share one UPDATE statement."""
    return any(name in KEEP_IF_EMPTY and None in column
               for name, column in zip(batch.names, batch.columns, strict=True))
