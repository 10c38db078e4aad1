"""Import and export for every registered kind: the uploaded file spooled to disk (or kept while a
person matches its columns, see ``staging``), its columns matched to the kind's fields (see
``columns``) and handed to the kind's importer, the rejected rows kept for a day to download by a
random token, and whole tables written out. Pages, API and CLI call these; the rules of each kind
live in its capability.
"""

from __future__ import annotations

import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi import UploadFile

from servicescape.audit.service import Actor
from servicescape.auth.permissions import Principal, require
from servicescape.data import staging
from servicescape.data.capability import BULK_DATA
from servicescape.data.columns import ColumnPlan, chosen_columns, plan_columns
from servicescape.data.staging import StagedUpload, stored_name
from servicescape.errors import ImportFailed, NotFound, PayloadTooLarge, ValidationFailed
from servicescape.i18n import _
from servicescape.platform.imports import import_kind, import_kinds
from servicescape.runtime import Runtime

SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".json")
#: kept without their extension, for the reader to tell what they are (an old Excel file: how to save it)
SNIFFED = ("", ".xls")
#: the first bytes of files people upload by mistake: PDF, PNG, JPEG, GIF, RTF
NOT_TABLES = (b"%PDF-", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"{\\rtf")
FORMATS = ("csv", "xlsx", "json")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
CHUNK = 1 << 20
REJECTS_KEPT_SECONDS = 24 * 3600
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


#: what importing and exporting need; the routes' gates take it from here to refuse an upload early
PERMISSION = BULK_DATA


def authorize(by: Principal) -> None:
    require(by, PERMISSION)


class ColumnsNotReady(ValidationFailed):
    """The file cannot be imported with these columns (a required field no column fills, a field
    chosen twice); ``plan`` says which. The message names the fields as the API does."""

    def __init__(self, plan: ColumnPlan) -> None:
        problems = plan.problems(str)
        if plan.missing:
            problems.append(_("The file’s columns are: %(columns)s.",
                              columns=", ".join(column.header for column in plan.columns)))
        super().__init__(" ".join(problems), field="mapping")
        self.plan = plan


def _suffix(upload: UploadFile) -> str:
    """The extension the upload is kept with; a file that is plainly no table is refused."""
    if not upload.filename:
        raise ValidationFailed(_("Choose a file to import."), field="file")
    suffix = Path(upload.filename).suffix.lower()
    if suffix not in SUFFIXES + SNIFFED:
        raise _not_a_table(upload.filename)
    return suffix if suffix in SUFFIXES else ""


def _not_a_table(filename: str) -> ImportFailed:
    return ImportFailed(_("%(file)s is not a table. Upload a CSV, Excel (.xlsx) or JSON file: spreadsheets and "
                          "other CRMs can save or export one.", file=Path(filename).name), field="file")


def _receive(upload: UploadFile, path: Path, runtime: Runtime) -> None:
    """Copy the upload to ``path``: refused past the upload limit, empty, or plainly no table."""
    limit = runtime.settings.max_upload_bytes
    size = 0
    with path.open("wb") as target:
        while chunk := upload.file.read(CHUNK):
            if size == 0 and chunk.startswith(NOT_TABLES):
                raise _not_a_table(upload.filename or "")
            size += len(chunk)
            if size > limit:
                raise PayloadTooLarge(_("The file is larger than the limit of %(mb)s MB.",
                                        mb=runtime.settings.max_upload_mb), field="file")
            target.write(chunk)
    if size == 0:
        raise ValidationFailed(_("The file is empty."), field="file")


@contextmanager
def spooled(upload: UploadFile, runtime: Runtime) -> Iterator[Path]:
    """The upload in a temporary file named with its extension; deleted afterwards."""
    suffix = _suffix(upload)
    directory = Path(tempfile.mkdtemp(prefix="servicescape-upload-"))
    try:
        path = directory / stored_name(upload.filename or "", suffix)
        _receive(upload, path, runtime)
        yield path
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def rejects_dir(runtime: Runtime) -> Path:
    return runtime.settings.data_dir / "import-rejects"


def purge_rejects(runtime: Runtime, *, now: float | None = None) -> int:
    """Delete rejected-rows files older than a day; returns how many were deleted."""
    directory = rejects_dir(runtime)
    if not directory.is_dir():
        return 0
    cutoff = (time.time() if now is None else now) - REJECTS_KEPT_SECONDS
    deleted = 0
    for old in directory.glob("*.csv"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
                deleted += 1
        except FileNotFoundError:  # another process swept it first
            continue
    return deleted


def new_rejects_path(runtime: Runtime) -> tuple[str, Path]:
    """A fresh token and the path its rejects file will have."""
    directory = rejects_dir(runtime)
    directory.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    return token, directory / f"{token}.csv"


def rejects_file(runtime: Runtime, token: str, *, by: Principal) -> Path:
    authorize(by)
    path = rejects_dir(runtime) / f"{token}.csv"
    if not _TOKEN.fullmatch(token) or not path.is_file():
        raise NotFound(_("These rejected rows are no longer available; import the file again to see them."))
    return path


def import_upload(runtime: Runtime, kind: str, upload: UploadFile, *, by: Principal, actor: Actor,
                  encoding: str | None, sheet: str | None, dayfirst: bool | None, dry_run: bool,
                  mapping: Mapping[str, str], options: Mapping[str, str] | None = None) -> tuple[Any, str | None]:
    """Spool, check the columns (``mapping``: their header → field, CUSTOM or SKIP; other columns
    by their headers), import, and keep the rejects: the report and the rejects' token (None: no
    rejects). Columns that cannot be imported so raise ``ColumnsNotReady``; ``options``: the values
    the kind needs besides the file (``ImportKind.options``)."""
    authorize(by)
    importable = import_kind(kind)
    chosen_options = importable.option_values(options)
    with spooled(upload, runtime) as path:
        sample = importable.sample(path, encoding=encoding or None, sheet=sheet or None, rows=0)
        plan = plan_columns(importable, sample, chosen_columns(sample.headers, mapping))
        return _import(runtime, plan, path, Path(upload.filename or "").name, by=by, actor=actor,
                       encoding=encoding or None, sheet=sheet or None, dayfirst=dayfirst, dry_run=dry_run,
                       options=chosen_options)


def stage_upload(runtime: Runtime, kind: str, upload: UploadFile, *, by: Principal, encoding: str | None,
                 sheet: str | None, options: Mapping[str, str] | None = None) -> str:
    """Keep an upload while its columns are matched (a file that cannot be read is refused now);
    the token that finds it again. ``options``: the values the kind needs besides the file."""
    authorize(by)
    importable = import_kind(kind)
    chosen_options = importable.option_values(options)
    suffix = _suffix(upload)
    token = staging.new_folder(runtime)
    staged = StagedUpload(token, by.id, kind, Path(upload.filename or "").name, suffix, encoding or None,
                          sheet or None, time.time(), chosen_options)
    try:
        _receive(upload, staged.path(runtime), runtime)
        importable.sample(staged.path(runtime), encoding=staged.encoding, sheet=staged.sheet, rows=0)
        staging.keep(runtime, staged)
    except BaseException:
        staging.discard(runtime, token)
        raise
    return token


def staged_columns(runtime: Runtime, token: str, *, by: Principal,
                   chosen: Mapping[int, str] | None = None) -> tuple[StagedUpload, ColumnPlan]:
    """The upload ``token`` names (only its uploader's, while it is kept) and its columns: the guesses,
    with ``chosen`` (column → field, CUSTOM or SKIP) instead where given."""
    authorize(by)
    staged = staging.find(runtime, token, owner=by.id)
    importable = import_kind(staged.kind)
    sample = importable.sample(staged.path(runtime), encoding=staged.encoding, sheet=staged.sheet)
    return staged, plan_columns(importable, sample, chosen or {})


def import_staged(runtime: Runtime, token: str, chosen: Mapping[int, str], *, by: Principal, actor: Actor,
                  dayfirst: bool | None, dry_run: bool) -> tuple[Any, str | None]:
    """Import a kept upload with the columns ``chosen``: the report and the rejects' token. A real
    import (not ``dry_run``) is the end of the upload: it is deleted."""
    staged, plan = staged_columns(runtime, token, by=by, chosen=chosen)
    result = _import(runtime, plan, staged.path(runtime), staged.file, by=by, actor=actor, encoding=staged.encoding,
                     sheet=staged.sheet, dayfirst=dayfirst, dry_run=dry_run, options=staged.options)
    if not dry_run:
        staging.discard(runtime, token)
    return result


def purge_uploads(runtime: Runtime, *, now: float | None = None) -> int:
    """Delete kept uploads past their time; returns how many."""
    return staging.purge(runtime, now=now)


def _import(runtime: Runtime, plan: ColumnPlan, path: Path, file_label: str, *, by: Principal, actor: Actor,
            encoding: str | None, sheet: str | None, dayfirst: bool | None, dry_run: bool,
            options: Mapping[str, str]) -> tuple[Any, str | None]:
    if plan.problems(str):
        raise ColumnsNotReady(plan)
    token, rejects_path = new_rejects_path(runtime)
    report = plan.kind.run_import(
        runtime, path=path, encoding=encoding, sheet=sheet, mappings=plan.overrides(), dayfirst=dayfirst,
        dry_run=dry_run, rejects_path=rejects_path, actor=actor, by=by, file_label=file_label, **options,
    )
    return report, token if report.rejects_path is not None else None


def option_choices(runtime: Runtime, *, by: Principal) -> dict[str, list[tuple[Any, list[tuple[str, str]]]]]:
    """For each kind that needs values besides the file: its options, each with what may be chosen."""
    authorize(by)
    kinds = [kind for kind in import_kinds().values() if kind.options]
    if not kinds:
        return {}
    with runtime.sessions() as session:
        return {kind.name: kind.option_choices(session) for kind in kinds}


def export_file(runtime: Runtime, kind: str, fmt: str, *, by: Principal) -> tuple[Path, Path]:
    """The whole table of ``kind`` written to a temporary file: (the file, its folder to delete)."""
    authorize(by)
    if fmt not in FORMATS:
        raise ValidationFailed(_("Unknown format %(format)s; choose one of %(formats)s.", format=fmt,
                                 formats=", ".join(FORMATS)), field="format")
    importable = import_kind(kind)
    directory = Path(tempfile.mkdtemp(prefix="servicescape-export-"))
    path = directory / f"{kind}.{fmt}"
    try:
        importable.run_export(runtime, fmt=fmt, out_path=path, by=by)
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    return path, directory
