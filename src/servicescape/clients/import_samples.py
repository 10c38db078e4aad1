"""The first rows of an import file, to show beside its headers while a person matches its columns
to our fields (the import and export pages' column step)."""

from __future__ import annotations

from itertools import islice
from pathlib import Path

from servicescape.clients.import_pipeline import Source
from servicescape.clients.import_rows import CUSTOM_PREFIX
from servicescape.errors import ImportFailed
from servicescape.i18n import _
from servicescape.platform.imports import FileSample
from servicescape.tabular import TabularError, clean_text

#: how many records are read for the examples
ROWS = 50


def sample_file(path: Path, *, encoding: str | None = None, sheet: str | None = None, rows: int = ROWS) -> FileSample:
    """The headers of ``path`` and the cells of its first ``rows`` records as text. A file that breaks
    after its headers gives the records before the break (the import says where it broke). A
    ``custom: X`` column is fixed: it is always the custom field X."""
    try:
        table = Source(Path(path), encoding, sheet).open()
    except (TabularError, LookupError) as exc:
        raise ImportFailed(_("The file cannot be read: %(problem)s", problem=str(exc))) from None
    found: list[list[str | None]] = []
    with table:
        try:
            for record in islice(table.records, rows):
                found.append([clean_text(cell) for cell in record.cells])
        except TabularError:
            pass
    fixed = frozenset(index for index, header in enumerate(table.headers)
                      if header.casefold().startswith(CUSTOM_PREFIX.strip()))
    return FileSample(list(table.headers), found, fixed)
