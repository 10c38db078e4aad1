"""Which field each column of an import file fills: the guess from its header, what a person (the
import page) or a program (the API's ``mapping``) chose instead, and what stops the import.

    plan = plan_columns(kind, sample, {2: "email", 5: SKIP})
    plan.problems(label)   # [] when the file can be imported with these choices

A choice is one of the kind's fields, ``CUSTOM`` (keep the column as a custom field) or ``SKIP``
(leave it out). Chosen columns are handed to the importer as ``plan.overrides()``; the others it
maps by their headers itself, as the plan guessed. Problems: a required field no column fills, and
a field chosen for two columns (or a name chosen beside its first and last parts).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from servicescape.errors import ValidationFailed
from servicescape.i18n import _
from servicescape.platform.imports import FileSample, ImportKind
from servicescape.tabular import TabularError, parse_mapping_option
from servicescape.tabular.header_aliases import NAME_PARTS
from servicescape.tabular.headers import CUSTOM, SKIP, HeaderMap, find_header, map_headers

Label = Callable[[str], str]


@dataclass(frozen=True)
class Column:
    index: int
    header: str
    examples: list[str]
    choice: str                # what the column fills with the choices made: a field, CUSTOM or SKIP
    fixed: bool = False        # e.g. a ``custom: X`` column: always the custom field X, nothing to choose
    clash: int | None = None   # another column already fills the field chosen here
    clash_field: str | None = None


@dataclass(frozen=True)
class ColumnPlan:
    kind: ImportKind
    columns: list[Column]
    chosen: dict[int, str]                 # column → what was chosen for it (the rest are guessed)
    missing: list[tuple[str, ...]]         # required entries no column fills (any one field of each)

    def overrides(self) -> dict[str, str]:
        """The choices as the importer takes them: their header → field, CUSTOM or SKIP."""
        return {self.columns[index].header: target for index, target in self.chosen.items()}

    def problems(self, label: Label) -> list[str]:
        """Why the file cannot be imported so, in ``label``'s names of the fields; [] when it can."""
        found = [self.clash_message(column, label) for column in self.columns if column.clash is not None]
        return found + [_("No column is chosen for %(fields)s.", fields=self.entry(group, label))
                        for group in self.missing]

    def clash_message(self, column: Column, label: Label) -> str:
        assert column.clash is not None and column.clash_field is not None
        other = self.columns[column.clash]
        if column.clash_field != column.choice:  # a name part beside the whole name
            return _("Column %(column)s is the %(part)s, but column %(other)s is already the whole %(field)s: "
                     "choose one or the other.", column=column.header, part=label(column.choice),
                     other=other.header, field=label(column.clash_field))
        return _("%(field)s is chosen for two columns, %(other)s and %(column)s: choose it for one only.",
                 field=label(column.choice), other=other.header, column=column.header)

    @staticmethod
    def entry(group: tuple[str, ...], label: Label) -> str:
        return _(" or ").join(map(label, group))


def plan_columns(kind: ImportKind, sample: FileSample, chosen: Mapping[int, str]) -> ColumnPlan:
    """What each column of ``sample`` fills when ``chosen`` (column → target) overrides the guesses.

    A target that is none of the kind's fields (nor CUSTOM where the kind keeps custom fields, nor
    SKIP), or a choice for a fixed column, is a ValidationFailed naming the column."""
    headers, fixed = sample.headers, sample.fixed
    allowed = {*kind.labels, SKIP, *((CUSTOM,) if kind.custom_fields else ())}
    for index, target in chosen.items():
        if not 0 <= index < len(headers):
            raise ValidationFailed(_("The file has no column %(number)s.", number=index + 1), field="mapping")
        if target not in allowed or index in fixed:
            raise ValidationFailed(_("%(target)s cannot be chosen for column %(column)s; choose one of %(targets)s.",
                                     target=repr(target), column=headers[index],
                                     targets=", ".join(sorted(allowed))), field="mapping")
    clashes = _clashes(chosen)
    visible = ["\u2063" if index in fixed else header for index, header in enumerate(headers)]
    kept = {visible[index]: target for index, target in chosen.items() if index not in clashes}
    header_map = map_headers(kind, visible, kept)
    choices = _choices(header_map, kind.custom_fields)
    for index in clashes:  # shown as chosen, to be corrected
        choices[index] = chosen[index]
    columns = [Column(index, header, sample.examples(index), choices[index], index in fixed,
                      *clashes.get(index, (None, None))) for index, header in enumerate(headers)]
    return ColumnPlan(kind, columns, dict(chosen), header_map.missing_groups())


def _clashes(chosen: Mapping[int, str]) -> dict[int, tuple[int, str]]:
    """Columns whose field an earlier column already has: column → (that column, the field)."""
    first: dict[str, int] = {}
    found: dict[int, tuple[int, str]] = {}
    for index, target in sorted(chosen.items()):
        if target in (CUSTOM, SKIP):
            continue
        if target in first:
            found[index] = (first[target], target)
        first.setdefault(target, index)
    if "name" in first:
        for part in NAME_PARTS:
            if part in first:
                found.setdefault(first[part], (first["name"], "name"))
    return found


def _choices(header_map: HeaderMap, keeps_custom: bool) -> list[str]:
    unmapped = CUSTOM if keeps_custom else SKIP
    choices = [unmapped] * len(header_map.headers)
    for name, index in header_map.fields.items():
        choices[index] = name
    for name, part in (("first_name", header_map.first_name), ("last_name", header_map.last_name)):
        if part is not None:
            choices[part] = name
    for skipped in header_map.skipped:
        choices[skipped] = SKIP
    return choices


def api_mapping(lines: list[str], text: str | None) -> dict[str, str]:
    """The API's choices: ``map`` lines ("Their header=field") and the ``mapping`` JSON object."""
    try:
        mapping = dict(parse_mapping_option(line) for line in lines if line.strip())
    except TabularError as exc:
        raise ValidationFailed(str(exc), field="map") from None
    if not text:
        return mapping
    try:
        given = json.loads(text)
    except ValueError:
        given = None
    if not isinstance(given, dict) or not all(isinstance(value, str) for value in given.values()):
        raise ValidationFailed(_('mapping must be a JSON object of their header → field, e.g. {"Kundennummer": '
                                 '"external_id", "Notes": "skip"}.'), field="mapping")
    both = sorted(set(mapping) & set(given))
    if both:
        raise ValidationFailed(_("%(header)s is in both map and mapping; name each column once.",
                                 header=both[0]), field="mapping")
    return {**mapping, **given}


def chosen_columns(headers: list[str], mapping: Mapping[str, str]) -> dict[int, str]:
    """Their header → target as column → target (each header found as the importer finds it)."""
    chosen: dict[int, str] = {}
    for their, target in mapping.items():
        index = find_header(headers, their)
        if index is None:
            raise ValidationFailed(_("The file has no column %(column)s; its columns are %(columns)s.",
                                     column=repr(their), columns=", ".join(map(repr, headers))), field="mapping")
        if index in chosen:
            raise ValidationFailed(_("Column %(column)s is named twice in the mapping.", column=headers[index]),
                                   field="mapping")
        chosen[index] = target.strip()
    return chosen
