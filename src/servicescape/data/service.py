"""Import and export for every registered kind: the uploaded file spooled to disk and handed to the
kind's importer, the rejected rows kept for a day to download by a random token, and whole tables
written out. Pages, API and CLI call these; the rules of each kind live in its capability.
"""

from __future__ import annotations

import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi import UploadFile

from servicescape.audit.service import Actor
from servicescape.auth.permissions import Principal, require
from servicescape.data.capability import BULK_DATA
from servicescape.errors import NotFound, PayloadTooLarge, ValidationFailed
from servicescape.i18n import _
from servicescape.platform.imports import import_kind
from servicescape.runtime import Runtime
from servicescape.tabular import TabularError, parse_mapping_option

SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".json")
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


@contextmanager
def spooled(upload: UploadFile, runtime: Runtime) -> Iterator[Path]:
    """The upload in a temporary file named with its extension; deleted afterwards."""
    if not upload.filename:
        raise ValidationFailed(_("Choose a file to import."), field="file")
    suffix = Path(upload.filename).suffix.lower()
    limit = runtime.settings.max_upload_bytes
    directory = Path(tempfile.mkdtemp(prefix="servicescape-upload-"))
    try:
        path = directory / f"upload{suffix if suffix in SUFFIXES else ''}"
        size = 0
        with path.open("wb") as target:
            while chunk := upload.file.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise PayloadTooLarge(_("The file is larger than the limit of %(mb)s MB.",
                                            mb=runtime.settings.max_upload_mb), field="file")
                target.write(chunk)
        if size == 0:
            raise ValidationFailed(_("The file is empty."), field="file")
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


def mappings_of(lines: list[str]) -> dict[str, str]:
    try:
        return dict(parse_mapping_option(line) for line in lines if line.strip())
    except TabularError as exc:
        raise ValidationFailed(str(exc), field="map") from None


def import_upload(runtime: Runtime, kind: str, upload: UploadFile, *, by: Principal, actor: Actor,
                  encoding: str | None, sheet: str | None, dayfirst: bool | None, dry_run: bool,
                  mappings: dict[str, str]) -> tuple[Any, str | None]:
    """Spool, import, and keep the rejects: the report and the rejects' token (None: no rejects)."""
    authorize(by)
    importable = import_kind(kind)
    token, rejects_path = new_rejects_path(runtime)
    with spooled(upload, runtime) as path:
        report = importable.run_import(
            runtime, path=path, encoding=encoding or None, sheet=sheet or None, mappings=mappings,
            dayfirst=dayfirst, dry_run=dry_run, rejects_path=rejects_path, actor=actor, by=by,
            file_label=Path(upload.filename or "").name,
        )
    return report, token if report.rejects_path is not None else None


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
