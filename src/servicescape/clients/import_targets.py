"""What a batch writes: targets (a stored record or a new one) and the indexes that find them.

A row is matched to a target by external id or by one of its natural keys; every row written
registers its keys, so a later row of the same batch with the same key finds the same target.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from servicescape.clients.import_columns import ParsedRow

#: an empty cell never clears these on an update (identifiers, required and defaulted fields)
KEEP_IF_EMPTY = frozenset({
    "external_id", "name", "kind", "tier", "status", "channel", "created_at", "occurred_at",
    "issued_on", "amount", "currency", "client_id",
})  # fmt: skip


@dataclass
class BatchOutcome:
    imported: int = 0
    updated: int = 0
    rejected: list[tuple[ParsedRow, str]] = field(default_factory=list)


@dataclass
class ColumnWrites:
    """Rows to insert or update, column by column: ``columns[k][i]`` is row ``i``'s ``names[k]``."""

    names: list[str]
    columns: list[list[Any]]

    def __len__(self) -> int:
        return len(self.columns[0]) if self.columns else 0


@dataclass
class Stored:
    """Stored records a batch's rows may match: those its external ids name, and the candidates
    for its natural keys (database rows)."""

    by_ext: list[Any]
    candidates: list[Any]


class Ambiguous(Exception):
    """More than one stored record matches a row; the message says by which key."""


class Target:
    """A record a batch writes: a stored one (``id`` set) or a new one."""

    __slots__ = ("country", "custom", "custom_changed", "ext", "id", "values")

    def __init__(self, record_id: int | None, ext: str | None, custom: dict[str, Any] | None = None,
                 country: str | None = None) -> None:
        self.id = record_id
        self.ext = ext
        self.values: dict[str, Any] = {}
        self.custom: dict[str, Any] = dict(custom or {})
        self.custom_changed = False
        self.country = country

    def adopt(self, row: ParsedRow) -> None:
        """Take a new record's values from its first row (cheaper than ``merge``)."""
        self.values = row.values
        self.country = row.values.get("country")
        if row.custom is not None:
            self.custom_changed = True
            self.custom = {key: text for key, text in row.custom.items() if text is not None}

    def merge(self, row: ParsedRow) -> None:
        for key, value in row.values.items():
            if value is None and key in KEEP_IF_EMPTY:
                continue
            self.values[key] = value
        ext = row.values.get("external_id")
        if ext and self.ext is None:
            self.ext = ext
        if "country" in row.values:
            self.country = row.values["country"]
        if row.custom is not None:
            self.custom_changed = True
            for key, text in row.custom.items():
                if text is None:
                    self.custom.pop(key, None)
                else:
                    self.custom[key] = text


def eligible(candidates: Target | list[Target] | None, ext: str | None) -> list[Target]:
    if candidates is None:
        return []
    if candidates.__class__ is Target:
        target: Target = candidates  # type: ignore[assignment]
        return [target] if ext is None or target.ext is None or target.ext == ext else []
    return [t for t in candidates if ext is None or t.ext is None or t.ext == ext]  # type: ignore[union-attr]


Index = dict[Hashable, "Target | list[Target]"]


def add(index: Index, key: Hashable, target: Target) -> None:
    """Remember that ``key`` leads to ``target`` (a key two stored records share leads to both)."""
    found = index.get(key)
    if found is None:
        index[key] = target
    elif found is target:
        return
    elif isinstance(found, list):
        if all(t is not target for t in found):
            found.append(target)
    else:
        index[key] = [found, target]
