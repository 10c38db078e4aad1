"""``POST /api/v1/imports/{kind}`` (a file in, the import's report out) and
``GET /api/v1/exports/{kind}`` (a whole table as CSV, XLSX or JSON).

The upload is spooled to a temporary file (refused past ``settings.max_upload_bytes``; the app's
body limit refuses it earlier by Content-Length), imported by ``clients.importing`` and deleted.
The rejected rows are kept for a day under the data directory, to download by a random token.
"""

from __future__ import annotations

import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from starlette.background import BackgroundTask

from servicescape.auth.permissions import Permission
from servicescape.clients.exporting import MEDIA_TYPES, export_table
from servicescape.clients.importing import ImportReport, import_file
from servicescape.errors import NotFound, PayloadTooLarge, ValidationFailed
from servicescape.i18n import _
from servicescape.runtime import Runtime
from servicescape.tabular import TabularError, parse_mapping_option
from servicescape.web.api.common import error_responses
from servicescape.web.deps import RequestContext, signed_in

router = APIRouter(tags=["imports"])
BulkData = Annotated[RequestContext, Depends(signed_in(Permission.bulk_data))]
Kind = Literal["clients", "contacts", "engagements", "invoices", "interactions"]
ExportFormat = Literal["csv", "xlsx", "json"]
SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".json")
CHUNK = 1 << 20
REJECTS_KEPT_SECONDS = 24 * 3600
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


class RejectOut(BaseModel):
    record: int = Field(description="the CSV line the row starts on, the sheet row, or the JSON position")
    reason: str


class WarningOut(BaseModel):
    record: int | None = Field(description="None: about the whole file (e.g. a column)")
    message: str


class ImportReportOut(BaseModel):
    read: int
    imported: int
    updated: int
    rejected: int
    warnings: int
    kind: Kind
    file: str
    dry_run: bool
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    custom_fields: list[str] = Field(description="columns kept as the clients' custom fields")
    rejects: list[RejectOut] = Field(description="the first 100 rejected rows")
    warning_messages: list[WarningOut] = Field(description="the first 100 warnings")
    rejects_url: str | None = Field(None, description="all rejected rows as CSV, for a day")


# -- shared with the import page -------------------------------------------------------------

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


def new_rejects_path(runtime: Runtime) -> tuple[str, Path]:
    """A fresh token and the path its rejects file will have; older files are swept away."""
    directory = rejects_dir(runtime)
    directory.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - REJECTS_KEPT_SECONDS
    for old in directory.glob("*.csv"):
        with suppress(OSError):
            if old.stat().st_mtime < cutoff:
                old.unlink()
    token = secrets.token_urlsafe(24)
    return token, directory / f"{token}.csv"


def rejects_file(runtime: Runtime, token: str) -> Path:
    path = rejects_dir(runtime) / f"{token}.csv"
    if not _TOKEN.fullmatch(token) or not path.is_file():
        raise NotFound(_("These rejected rows are no longer available; import the file again to see them."))
    return path


def mappings_of(lines: list[str]) -> dict[str, str]:
    try:
        return dict(parse_mapping_option(line) for line in lines if line.strip())
    except TabularError as exc:
        raise ValidationFailed(str(exc), field="map") from None


def run_import(context: RequestContext, kind: str, upload: UploadFile, *, encoding: str | None,
               sheet: str | None, dayfirst: bool | None, dry_run: bool,
               mappings: dict[str, str]) -> tuple[ImportReport, str | None]:
    """Spool, import, and keep the rejects: the report and the rejects' token (None: no rejects)."""
    runtime = context.runtime
    token, rejects_path = new_rejects_path(runtime)
    with spooled(upload, runtime) as path:
        report = import_file(runtime, kind, path, encoding=encoding or None, sheet=sheet or None,
                             mappings=mappings, dayfirst=dayfirst, dry_run=dry_run, rejects_path=rejects_path,
                             actor=context.actor, by=context.user, file_label=Path(upload.filename or "").name)
    return report, token if report.rejects_path is not None else None


def export_response(context: RequestContext, kind: str, fmt: str) -> FileResponse:
    """The whole table as a download (written to a temporary file first, deleted after sending)."""
    directory = Path(tempfile.mkdtemp(prefix="servicescape-export-"))
    path = directory / f"{kind}.{fmt}"
    try:
        export_table(context.runtime, kind, fmt, path, by=context.user)
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    return FileResponse(path, media_type=MEDIA_TYPES[fmt], filename=f"{kind}.{fmt}",
                        background=BackgroundTask(shutil.rmtree, directory, ignore_errors=True))


# -- the API -----------------------------------------------------------------------------------

@router.post("/imports/{kind}", response_model=ImportReportOut, name="import_file",
             summary="Import a CSV, XLSX or JSON file",
             responses=error_responses(400, 401, 403, 413, 422))
def import_upload(
    kind: Kind,
    context: BulkData,
    file: Annotated[UploadFile, File(description="CSV (any delimiter), XLSX or JSON")],
    encoding: Annotated[str | None, Form(max_length=40, description="e.g. cp1250; default: detected")] = None,
    sheet: Annotated[str | None, Form(max_length=200, description="XLSX sheet; default: the first")] = None,
    dayfirst: Annotated[bool | None, Form(description="03/05/2024 is 3 May; default: inferred")] = None,
    dry_run: Annotated[bool, Form(description="check every row, write nothing")] = False,
    map: Annotated[list[str] | None, Form(description='"Their header=field", repeatable')] = None,
) -> Any:
    report, token = run_import(context, kind, file, encoding=encoding, sheet=sheet, dayfirst=dayfirst,
                               dry_run=dry_run, mappings=mappings_of(map or []))
    body = report.details()
    body["rejects_url"] = context.request.url_for("api_import_rejects", token=token).path if token else None
    return body


@router.get("/imports/rejects/{token}", response_class=FileResponse, name="api_import_rejects",
            summary="The rejected rows of an import, as CSV", responses=error_responses(401, 403, 404, 422))
def import_rejects(token: str, context: BulkData) -> FileResponse:
    return FileResponse(rejects_file(context.runtime, token), media_type=MEDIA_TYPES["csv"],
                        filename="rejected-rows.csv")


@router.get("/exports/{kind}", response_class=FileResponse, name="export_table",
            summary="A whole table as CSV, XLSX or JSON", responses=error_responses(401, 403, 422))
def export_download(kind: Kind, context: BulkData, format: ExportFormat = "csv") -> FileResponse:
    return export_response(context, kind, format)
