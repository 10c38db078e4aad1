"""``POST /api/v1/imports/{kind}`` (a file in, the import's report out) and
``GET /api/v1/exports/{kind}`` (a whole table as CSV, XLSX or JSON), for every registered kind.

The upload is spooled to a temporary file (refused past ``settings.max_upload_bytes``; the app's
body limit refuses it earlier by Content-Length), its columns matched to the kind's fields by their
headers or as ``mapping`` says (the import page's choices, in the same service), imported by the
kind's importer and deleted.
The rejected rows are kept for a day under the data directory, to download by a random token.
"""

from __future__ import annotations

import enum
import shutil
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from starlette.background import BackgroundTask

from servicescape.data import service
from servicescape.data.columns import api_mapping
from servicescape.platform.imports import import_kinds, parse_options
from servicescape.web.api.common import error_responses
from servicescape.web.deps import RequestContext, signed_in

router = APIRouter(tags=["imports"])
#: refused before the upload is read
BulkData = Annotated[RequestContext, Depends(signed_in(service.PERMISSION))]
#: the registered importable kinds (OpenAPI lists them)
Kind = enum.StrEnum("Kind", {name: name for name in import_kinds()})  # type: ignore[misc]
ExportFormat = Literal["csv", "xlsx", "json"]


class RejectOut(BaseModel):
    record: int = Field(description="the CSV line the row starts on, the sheet row, or the JSON position")
    reason: str = Field(description="every problem of the row, one a line")
    reasons: list[str] = Field(description="the same problems, one an item")


class WarningOut(BaseModel):
    record: int | None = Field(description="None: about the whole file (e.g. a column)")
    message: str


class ImportReportOut(BaseModel):
    read: int
    imported: int
    updated: int
    rejected: int
    warnings: int
    kind: Kind  # type: ignore[valid-type]
    file: str
    dry_run: bool
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    custom_fields: list[str] = Field(description="columns kept as the clients' custom fields")
    rejects: list[RejectOut] = Field(description="the first 100 rejected rows")
    warning_messages: list[WarningOut] = Field(description="the first 100 warnings")
    rejects_url: str | None = Field(None, description="all rejected rows as CSV, for a day")


def export_response(context: RequestContext, kind: str, fmt: str) -> FileResponse:
    """The whole table as a download (written to a temporary file first, deleted after sending)."""
    path, directory = service.export_file(context.runtime, kind, fmt, by=context.principal)
    return FileResponse(path, media_type=service.MEDIA_TYPES[fmt], filename=f"{kind}.{fmt}",
                        background=BackgroundTask(shutil.rmtree, directory, ignore_errors=True))


# -- the API -----------------------------------------------------------------------------------

@router.post("/imports/{kind}", response_model=ImportReportOut, name="import_file",
             summary="Import a CSV, XLSX or JSON file",
             responses=error_responses(400, 401, 403, 413, 422, 503))
def import_upload(
    kind: Kind,  # type: ignore[valid-type]
    context: BulkData,
    file: Annotated[UploadFile, File(description="CSV (any delimiter), XLSX or JSON")],
    encoding: Annotated[str | None, Form(max_length=40, description="e.g. cp1250; default: detected")] = None,
    sheet: Annotated[str | None, Form(max_length=200, description="XLSX sheet; default: the first")] = None,
    dayfirst: Annotated[bool | None, Form(description="03/05/2024 is 3 May; default: inferred")] = None,
    dry_run: Annotated[bool, Form(description="check every row, write nothing")] = False,
    mapping: Annotated[str | None, Form(max_length=20_000, description=(
        'JSON object, their header → our field, "custom" (keep the column as a custom field; clients) or "skip" '
        '(leave it out), e.g. {"Kundennummer": "external_id", "Notes": "skip"}; other columns are recognised by '
        "their headers"))] = None,
    map: Annotated[list[str] | None, Form(description='"Their header=field", repeatable; as mapping')] = None,
    option: Annotated[list[str] | None, Form(description=(
        '"name=value", repeatable: what the kind needs besides the file, e.g. survey=3 for survey_responses'
    ))] = None,
) -> Any:
    report, token = service.import_upload(
        context.runtime, kind.value, file, by=context.principal, actor=context.actor, encoding=encoding,
        sheet=sheet, dayfirst=dayfirst, dry_run=dry_run, mapping=api_mapping(map or [], mapping),
        options=parse_options(option or []))
    body = report.details()
    body["rejects_url"] = context.request.url_for("api_import_rejects", token=token).path if token else None
    return body


@router.get("/imports/rejects/{token}", response_class=FileResponse, name="api_import_rejects",
            summary="The rejected rows of an import, as CSV", responses=error_responses(401, 403, 404, 422))
def import_rejects(token: str, context: BulkData) -> FileResponse:
    return FileResponse(service.rejects_file(context.runtime, token, by=context.principal),
                        media_type=service.MEDIA_TYPES["csv"],
                        filename="rejected-rows.csv")


@router.get("/exports/{kind}", response_class=FileResponse, name="export_table",
            summary="A whole table as CSV, XLSX or JSON", responses=error_responses(401, 403, 422))
def export_download(kind: Kind, context: BulkData,  # type: ignore[valid-type]
                    format: ExportFormat = "csv") -> FileResponse:
    return export_response(context, kind.value, format)
