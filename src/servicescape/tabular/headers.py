"""Recognising the columns of another CRM's export as our import fields."""

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Protocol

from servicescape.i18n import _
from servicescape.tabular.errors import TabularError
from servicescape.tabular.header_aliases import ALIASES, FIELDS, NAME_PARTS, SUBJECT_PREFIXES
from servicescape.tabular.records import Cell

__all__ = [
    "CUSTOM",
    "FIELDS",
    "REQUIRED",
    "SKIP",
    "HeaderMap",
    "KindColumns",
    "combine_name",
    "find_header",
    "header_key",
    "map_headers",
    "parse_mapping_option",
    "targets",
]

CLIENT_REF = ("client_external_id", "client_name")
#: what a column may be mapped to besides a field: kept as a custom field under its own header
#: (clients; other kinds warn that they have none), or left out of the import
CUSTOM = "custom"
SKIP = "skip"
KEPT_APART = (CUSTOM, SKIP)
# Each entry is satisfied by any one of its fields.
REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "clients": (("name",),),
    "contacts": (("name",), CLIENT_REF),
    "engagements": (CLIENT_REF,),
    "invoices": (CLIENT_REF, ("issued_on",), ("amount",)),
    "interactions": (CLIENT_REF, ("occurred_at",), ("summary",)),
}


class KindColumns(Protocol):
    """What recognising the columns of one import kind takes: its fields, its required entries (each
    satisfied by any one of its fields), the headers other systems use for each field and the prefixes
    naming the thing a row is about. A capability's ``platform.imports.ImportKind`` is one; a kind
    named by a string is looked up in this module's tables (the client book's kinds)."""

    @property
    def name(self) -> str: ...
    @property
    def fields(self) -> tuple[str, ...]: ...
    @property
    def required(self) -> tuple[tuple[str, ...], ...]: ...
    @property
    def aliases(self) -> Mapping[str, tuple[str, ...]]: ...
    @property
    def subject_prefixes(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class _Tables:
    """A kind of this module's tables, as a ``KindColumns``."""

    name: str
    fields: tuple[str, ...]
    required: tuple[tuple[str, ...], ...]
    aliases: Mapping[str, tuple[str, ...]]
    subject_prefixes: tuple[str, ...]


def _columns_of(kind: str | KindColumns) -> KindColumns:
    if isinstance(kind, str):
        name = _check_kind(kind)
        return _Tables(name, FIELDS[name], REQUIRED[name], ALIASES[name], SUBJECT_PREFIXES[name])
    return kind


@dataclass
class HeaderMap:
    """Which column fills which field; every other column is in ``unmapped``, except the
    columns mapped to ``SKIP`` (``skipped``), which are not imported at all.

    When there is no name column but first/last name columns, ``first_name`` and
    ``last_name`` hold their indexes and ``name_of`` joins them.
    """

    kind: str
    headers: list[str]
    fields: dict[str, int]
    unmapped: list[tuple[int, str]]
    warnings: list[str] = field(default_factory=list)
    first_name: int | None = None
    last_name: int | None = None
    skipped: list[int] = field(default_factory=list)
    #: the kind's required entries (None: ``REQUIRED[kind]``)
    required: tuple[tuple[str, ...], ...] | None = None

    @property
    def combines_name(self) -> bool:
        return "name" not in self.fields and (self.first_name, self.last_name) != (None, None)

    def has(self, name: str) -> bool:
        return name in self.fields or (name == "name" and self.combines_name)

    def missing_required(self, kind: str | None = None) -> list[str]:
        """Required fields no column fills, e.g. ``['client_external_id or client_name']``."""
        return [" or ".join(group) for group in self.missing_groups(kind)]

    def missing_groups(self, kind: str | None = None) -> list[tuple[str, ...]]:
        """The required entries no column satisfies, e.g. ``[('client_external_id', 'client_name')]``: the
        kind's own (those it was mapped with), or ``REQUIRED[kind]``."""
        if kind is None and self.required is not None:
            groups = self.required
        else:
            groups = REQUIRED[_check_kind(kind or self.kind)]
        return [group for group in groups if not any(map(self.has, group))]

    def value(self, cells: Sequence[Cell], name: str) -> Cell:
        """The cell for field ``name`` in a record (joined first + last for a split name)."""
        if name in self.fields:
            return cells[self.fields[name]]
        if name == "name" and self.combines_name:
            return self.name_of(cells)
        return None

    def name_of(self, cells: Sequence[Cell]) -> str | None:
        first = cells[self.first_name] if self.first_name is not None else None
        last = cells[self.last_name] if self.last_name is not None else None
        return combine_name(first, last)


def header_key(text: str) -> str:
    """Letters and digits only, lower case, accents removed: ``Country/Region`` → countryregion."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


def combine_name(first: Cell, last: Cell) -> str | None:
    """``first last``; Chinese names (all ideographs) family name first, with no space."""
    given, family = (str(part).strip() if part is not None else "" for part in (first, last))
    if given and family and all(map(_is_ideograph, given + family)):
        return family + given
    return " ".join(part for part in (given, family) if part) or None


def parse_mapping_option(text: str) -> tuple[str, str]:
    """One ``--map "Their header=field"`` value (field: a field, ``custom`` or ``skip``); the last ``=``
    separates the two."""
    header, separator, target = text.rpartition("=")
    if not separator or not header.strip() or not target.strip():
        raise TabularError(_('--map expects "Their header=field", got %(value)s', value=repr(text)))
    return header.strip(), target.strip()


def map_headers(kind: str | KindColumns, headers: Sequence[str],
                overrides: Mapping[str, str] | None = None) -> HeaderMap:
    """Map ``headers`` to ``kind``'s fields: ``overrides`` (their header → a field, ``CUSTOM`` or
    ``SKIP``) first, then the alias tables. A field two columns claim goes to the first; the other
    column is kept unmapped (a custom field) with a warning. ``kind`` is a kind of this module's
    tables by name, or any kind that brings its own (``KindColumns``).
    """
    headers = list(headers)
    columns = _columns_of(kind)
    allowed = targets(columns)
    forced = _forced(columns.name, headers, overrides or {}, allowed)
    lookup = _lookup(columns.name) if columns.aliases is ALIASES.get(columns.name) else _alias_table(columns.aliases)
    taken = {name: index for index, name in forced.items() if name not in KEPT_APART}
    unmapped: list[tuple[int, str]] = []
    skipped: list[int] = []
    warnings: list[str] = []
    for index, header in enumerate(headers):
        target = forced.get(index)
        if target == SKIP:
            skipped.append(index)
            continue
        name = None if target == CUSTOM else target or _match(lookup, columns.subject_prefixes, header)
        if name is None:
            unmapped.append((index, header))
        elif taken.setdefault(name, index) != index:
            other = taken[name]
            unmapped.append((index, header))
            warnings.append(_(
                "column %(number)s %(header)s also looks like %(field)s, which column "
                "%(other)s %(other_header)s fills; it is kept as a custom field",
                number=index + 1, header=repr(header), field=repr(name), other=other + 1,
                other_header=repr(headers[other]),
            ))
    first, last = taken.pop("first_name", None), taken.pop("last_name", None)
    if "name" in taken:
        unmapped += [(i, headers[i]) for i in (first, last) if i is not None]
        unmapped.sort()
        first = last = None
    fields = dict(sorted(taken.items(), key=lambda item: item[1]))  # in column order
    return HeaderMap(columns.name, headers, fields, unmapped, warnings, first, last, skipped, columns.required)


def _check_kind(kind: str) -> str:
    if kind not in FIELDS:
        raise TabularError(_("unknown import kind %(kind)s; choose one of %(kinds)s", kind=repr(kind),
                             kinds=", ".join(FIELDS)))
    return kind


def targets(kind: str | KindColumns) -> tuple[str, ...]:
    """The fields a column of ``kind`` may be mapped to: its fields, and first and last name where
    a name may come in two parts."""
    columns = _columns_of(kind)
    parts = NAME_PARTS if "first_name" in columns.aliases else ()
    return columns.fields + parts


def _forced(kind: str, headers: list[str], overrides: Mapping[str, str], allowed: tuple[str, ...]) -> dict[int, str]:
    forced: dict[int, str] = {}
    for their, target in overrides.items():
        name = target.strip()
        if name not in allowed and name not in KEPT_APART:
            raise TabularError(_(
                "--map %(their)s=%(target)s: %(field)s is not a %(kind)s field; the fields are %(fields)s",
                their=their, target=target, field=repr(target), kind=kind, fields=", ".join(allowed + KEPT_APART),
            ))
        index = find_header(headers, their)
        if index is None:
            listed = ", ".join(repr(h) for h in headers)
            raise TabularError(_("--map %(their)s=%(target)s: the file has no column %(column)s; its columns are "
                                 "%(columns)s", their=their, target=target, column=repr(their), columns=listed))
        if index in forced or (name in forced.values() and name not in KEPT_APART):
            raise TabularError(_("--map %(their)s=%(target)s: that column or field is mapped twice",
                                 their=their, target=target))
        forced[index] = name
    return forced


def find_header(headers: Sequence[str], their: str) -> int | None:
    """The position of the header ``their`` names: the same text, else the only one equal to it
    ignoring case, spaces, punctuation and accents; None when there is none or more than one."""
    exact = [i for i, h in enumerate(headers) if h.strip() == their.strip()]
    loose = [i for i, h in enumerate(headers) if header_key(h) == header_key(their)]
    found = exact or loose
    return found[0] if len(found) == 1 else None


def _match(lookup: Mapping[str, str], prefixes: Sequence[str], header: str) -> str | None:
    key = header_key(header)
    if key in lookup:
        return lookup[key]
    for prefix in prefixes:
        if key.startswith(prefix) and key[len(prefix) :] in lookup:
            return lookup[key[len(prefix) :]]
    return None


@cache
def _lookup(kind: str) -> dict[str, str]:
    """Alias key → field for one kind of this module's tables (the field names themselves included)."""
    return _alias_table(ALIASES[kind])


def _alias_table(aliases: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Alias key → field (the field names themselves included)."""
    table: dict[str, str] = {}
    for name, spellings in aliases.items():
        for alias in (name, *spellings):
            table.setdefault(header_key(alias), name)
    return table


def _is_ideograph(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"
