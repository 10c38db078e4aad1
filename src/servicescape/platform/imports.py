"""Importable kinds: what a capability declares so that its records can be imported and exported.

The import/export pages, API and CLI (servicescape.data) list the kinds of the registry and hand a
file to the kind's ``importer``; nothing there names a kind. A kind says which fields a file's
columns may fill and what people call them, which of them are required (each entry is satisfied by
any one of its fields), the headers other CRMs use for them, whether columns that fill no field are
kept (as custom fields), and the functions that read the first rows of a file, import and export it.
A kind may also need values besides the file (``options``: which survey the answers are for), which
the pages, API and CLI ask for and hand to its importer as keyword arguments.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from servicescape.errors import ValidationFailed
from servicescape.i18n import _
from servicescape.platform.registry import registry, resolve


@dataclass(frozen=True)
class ImportOption:
    """A value an import of the kind needs besides its file, e.g. which survey the answers are for: the
    importer's keyword argument ``name``, the import page's choice, the API's and the CLI's ``--option
    name=value``. Every option of a kind is required."""

    name: str                                     # "survey"
    label: str                                    # marked with N_
    choices: str                                  # "module:function": (session) → [(value, label)]


@dataclass(frozen=True)
class ImportKind:
    name: str                                     # "clients": the URL segment and the CLI word
    label: str                                    # marked with N_
    fields: tuple[str, ...]                       # what a column may fill
    required: tuple[tuple[str, ...], ...]         # each satisfied by any one of its fields
    aliases: Mapping[str, tuple[str, ...]]        # field → headers other systems use for it
    subject_prefixes: tuple[str, ...] = ()        # "Organization - Phone" names a client's phone
    importer: str = ""                            # "module:function", see clients.importing.import_file
    exporter: str = ""                            # "module:function", see clients.exporting.export_table
    sampler: str = ""                             # "module:function", see clients.import_samples.sample_file
    #: every field a column may fill → its label (marked with N_), in the order people look for them
    labels: Mapping[str, str] = field(default_factory=dict)
    custom_fields: bool = False                   # columns that fill no field are kept (as custom fields)
    options: tuple[ImportOption, ...] = ()        # values the importer needs besides the file

    def option_values(self, given: Mapping[str, str] | None) -> dict[str, str]:
        """``given`` (option → value) checked against the kind's options: each one given, no other."""
        given = {name: value.strip() for name, value in (given or {}).items()}
        names = [option.name for option in self.options]
        for name in given:
            if name not in names:
                raise ValidationFailed(_("%(kind)s takes no option %(option)s.", kind=self.name, option=name),
                                       field="options")
        for option in self.options:
            if not given.get(option.name):
                raise ValidationFailed(_("Choose %(option)s for an import of %(kind)s.", option=_(option.label),
                                         kind=_(self.label)), field=option.name)
        return given

    def option_choices(self, session: Any) -> list[tuple[ImportOption, list[tuple[str, str]]]]:
        """Each option with what may be chosen for it (value, label)."""
        return [(option, resolve(option.choices)(session)) for option in self.options]

    def run_import(self, *args: Any, **kwargs: Any) -> Any:
        return resolve(self.importer)(*args, kind=self.name, **kwargs)

    def sample(self, *args: Any, **kwargs: Any) -> FileSample:
        sample: FileSample = resolve(self.sampler)(*args, **kwargs)
        return sample

    def run_export(self, *args: Any, **kwargs: Any) -> Any:
        return resolve(self.exporter)(*args, kind=self.name, **kwargs)


@dataclass(frozen=True)
class FileSample:
    """A file's headers and its first records' cells as text (None: empty), to show beside them;
    ``fixed``: the columns whose headers say what they are (nothing to choose for them)."""

    headers: list[str]
    rows: list[list[str | None]]
    fixed: frozenset[int] = frozenset()

    def examples(self, index: int, most: int = 3) -> list[str]:
        """Up to ``most`` different values of column ``index``, in the order they come."""
        found: dict[str, None] = {}
        for row in self.rows:
            if row[index] is not None:
                found.setdefault(row[index], None)  # type: ignore[arg-type]
                if len(found) == most:
                    break
        return list(found)


def parse_options(given: list[str]) -> dict[str, str]:
    """``["survey=3"]`` (the API's and the CLI's ``option``) → ``{"survey": "3"}``."""
    options: dict[str, str] = {}
    for text in given:
        name, separator, value = text.partition("=")
        if not separator or not name.strip():
            raise ValidationFailed(_("An option is written name=value, e.g. survey=3; got %(value)s.",
                                     value=repr(text[:80])), field="options")
        options[name.strip()] = value.strip()
    return options


def import_kinds() -> dict[str, ImportKind]:
    kinds: dict[str, ImportKind] = registry().import_kinds()
    return kinds


def import_kind(name: str) -> ImportKind:
    kinds = import_kinds()
    if name not in kinds:
        raise ValidationFailed(_("Unknown kind %(kind)s; choose one of %(kinds)s.", kind=name,
                                 kinds=", ".join(kinds)), field="kind")
    return kinds[name]
