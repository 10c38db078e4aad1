"""The import and export page: upload a file, see what was imported and what was rejected."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile
from fastapi.responses import FileResponse, Response

from servicescape.data import service
from servicescape.data.api import ExportFormat, Kind, export_response
from servicescape.errors import ImportFailed, PayloadTooLarge, ValidationFailed
from servicescape.i18n import _
from servicescape.platform.imports import import_kinds
from servicescape.web.deps import RequestContext, signed_in
from servicescape.web.templating import render

router = APIRouter(include_in_schema=False)
BulkData = Annotated[RequestContext, Depends(signed_in(service.PERMISSION))]
DAY_ORDER = {"": None, "day": True, "month": False}
SHOWN_REJECTS = 50
SHOWN_WARNINGS = 20


def _form(context: RequestContext, *, values: dict[str, Any] | None = None, error: str | None = None,
          field: str | None = None, status_code: int = 200) -> Response:
    kinds = [(name, _(kind.label)) for name, kind in import_kinds().items()]
    return render(context, "imports/form.html", status_code=status_code, active_nav="clients", kinds=kinds,
                  values=values or {"kind": "clients", "dayfirst": ""}, error=error, error_field=field,
                  max_upload_mb=context.runtime.settings.max_upload_mb)


@router.get("/import")
def import_page(context: BulkData) -> Response:
    return _form(context)


@router.post("/import")
def import_post(
    context: BulkData,
    file: Annotated[UploadFile | None, File()] = None,
    kind: Annotated[str, Form()] = "clients",
    encoding: Annotated[str, Form(max_length=40)] = "",
    sheet: Annotated[str, Form(max_length=200)] = "",
    dayfirst: Annotated[str, Form()] = "",
    dry_run: Annotated[str, Form()] = "",
    mappings: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    values = {"kind": kind, "encoding": encoding, "sheet": sheet, "dayfirst": dayfirst, "dry_run": dry_run,
              "mappings": mappings}
    try:
        if kind not in import_kinds():
            raise ValidationFailed(_("Choose what the file holds."), field="kind")
        if dayfirst not in DAY_ORDER:
            raise ValidationFailed(_("Choose how to read dates such as 03/05/2024."), field="dayfirst")
        if file is None or not file.filename:
            raise ValidationFailed(_("Choose a file to import."), field="file")
        report, token = service.import_upload(
            context.runtime, kind, file, by=context.principal, actor=context.actor, encoding=encoding.strip(),
            sheet=sheet.strip(), dayfirst=DAY_ORDER[dayfirst], dry_run=bool(dry_run),
            mappings=service.mappings_of(mappings.splitlines()))
    except (ImportFailed, ValidationFailed, PayloadTooLarge) as problem:
        return _form(context, values=values, error=problem.message, field=problem.field,
                     status_code=problem.status_code)
    return render(context, "imports/report.html", active_nav="clients", report=report, token=token,
                  rejects=report.rejects[:SHOWN_REJECTS], warnings=report.warning_messages[:SHOWN_WARNINGS])


@router.get("/import/rejects/{token}")
def import_rejects(token: str, context: BulkData) -> FileResponse:
    return FileResponse(service.rejects_file(context.runtime, token, by=context.principal),
                        media_type=service.MEDIA_TYPES["csv"],
                        filename="rejected-rows.csv")


@router.get("/export")
def export_download(context: BulkData, kind: Annotated[Kind, Query()] = Kind("clients"),  # type: ignore[valid-type]
                    format: Annotated[ExportFormat, Query()] = "csv") -> FileResponse:
    return export_response(context, kind.value, format)
