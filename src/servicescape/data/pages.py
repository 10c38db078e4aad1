"""The import and export page: upload a file, match its columns to our fields, check it, import it,
see what was imported and what was rejected.

    GET  /import                   1. choose what the file holds and the file
    POST /import                   → the upload is kept (see data.staging), then 303 to:
    GET  /import/{token}           2. its columns beside our fields, guessed from their headers
    POST /import/{token}           action=check: 3. a dry run's figures, with the import button;
                                   action=import: the import's report; action=edit: back to 2.
    POST /import/{token}/columns   2. again (htmx, as a select changes): what stops the import

Every step works as a plain form post; htmx only refreshes what stops the import, in place.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response

from servicescape.data import service
from servicescape.data.api import ExportFormat, Kind, export_response
from servicescape.data.columns import ColumnPlan, Label
from servicescape.data.staging import StagedUpload
from servicescape.errors import ImportFailed, PayloadTooLarge, ValidationFailed
from servicescape.i18n import _
from servicescape.platform.imports import ImportKind, import_kinds
from servicescape.tabular.headers import CUSTOM, SKIP
from servicescape.web.deps import RequestContext, signed_in
from servicescape.web.pages.common import Posted
from servicescape.web.templating import render

router = APIRouter(include_in_schema=False)
BulkData = Annotated[RequestContext, Depends(signed_in(service.PERMISSION))]
DAY_ORDER = {"": None, "day": True, "month": False}
ACTIONS = ("check", "import", "edit")
SHOWN_REJECTS = 50
SHOWN_WARNINGS = 20
_COLUMN = re.compile(r"col-(\d{1,5})")


def _form(context: RequestContext, *, values: dict[str, Any] | None = None, error: str | None = None,
          field: str | None = None, status_code: int = 200) -> Response:
    known = import_kinds()
    kinds = [(name, _(kind.label)) for name, kind in known.items()]
    options = [(f"option-{option.name}", _("%(option)s (for %(kind)s)", option=_(option.label),
                                            kind=_(known[name].label)), [("", ""), *choices])
               for name, found in service.option_choices(context.runtime, by=context.principal).items()
               for option, choices in found]
    return render(context, "imports/form.html", status_code=status_code, active_nav="clients", kinds=kinds,
                  values=values or {"kind": "clients"}, error=error, error_field=field, options=options,
                  max_upload_mb=context.runtime.settings.max_upload_mb)


@router.get("/import")
def import_page(context: BulkData) -> Response:
    return _form(context)


@router.post("/import")
def import_post(
    context: BulkData,
    posted: Posted,
    file: Annotated[UploadFile | None, File()] = None,
    kind: Annotated[str, Form()] = "clients",
    encoding: Annotated[str, Form(max_length=40)] = "",
    sheet: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    values = {"kind": kind, "encoding": encoding, "sheet": sheet,
              **{key: value for key, value in posted.items() if key.startswith("option-")}}
    try:
        if kind not in import_kinds():
            raise ValidationFailed(_("Choose what the file holds."), field="kind")
        if file is None or not file.filename:
            raise ValidationFailed(_("Choose a file to import."), field="file")
        options = {option.name: posted.get(f"option-{option.name}", "") for option in import_kinds()[kind].options}
        token = service.stage_upload(context.runtime, kind, file, by=context.principal,
                                     encoding=encoding.strip(), sheet=sheet.strip(), options=options)
    except (ImportFailed, ValidationFailed, PayloadTooLarge) as problem:
        chosen = import_kinds().get(kind)
        field = f"option-{problem.field}" if chosen is not None and any(
            problem.field == option.name for option in chosen.options) else problem.field
        return _form(context, values=values, error=problem.message, field=field,
                     status_code=problem.status_code)
    return RedirectResponse(f"/import/{token}", status_code=303)


@router.get("/import/{token}")
def columns_page(token: str, context: BulkData) -> Response:
    staged, plan = service.staged_columns(context.runtime, token, by=context.principal)
    return _columns(context, staged, plan, dayfirst="", status_code=200)  # the guesses' problems: no error yet


@router.post("/import/{token}")
def columns_post(token: str, context: BulkData, posted: Posted) -> Response:
    action, dayfirst, chosen = _choices(posted)
    staged, plan = service.staged_columns(context.runtime, token, by=context.principal, chosen=chosen)
    if action == "edit" or plan.problems(str):
        return _columns(context, staged, plan, dayfirst=dayfirst)
    try:
        report, rejects = service.import_staged(context.runtime, token, chosen, by=context.principal,
                                                actor=context.actor, dayfirst=DAY_ORDER[dayfirst],
                                                dry_run=action == "check")
    except ImportFailed as problem:
        return _columns(context, staged, plan, dayfirst=dayfirst, error=problem.message,
                        status_code=problem.status_code)
    return render(context, "imports/report.html", active_nav="clients", report=report, token=rejects,
                  rejects=report.rejects[:SHOWN_REJECTS], warnings=report.warning_messages[:SHOWN_WARNINGS],
                  upload=token if report.dry_run else None, chosen=sorted(chosen.items()), dayfirst=dayfirst)


@router.post("/import/{token}/columns")
def columns_table(token: str, context: BulkData, posted: Posted) -> Response:
    _action, _dayfirst, chosen = _choices(posted)
    staged, plan = service.staged_columns(context.runtime, token, by=context.principal, chosen=chosen)
    return render(context, "imports/_recheck.html", **_columns_values(context, staged, plan), focus=False)


def _choices(posted: dict[str, str]) -> tuple[str, str, dict[int, str]]:
    """What the column step posted: the action, the date order and the choice of each column."""
    action, dayfirst = posted.get("action", "check"), posted.get("dayfirst", "")
    if action not in ACTIONS:
        raise ValidationFailed(_("Unknown value %(value)s for %(field)s.", value=action, field="action"),
                               field="action")
    if dayfirst not in DAY_ORDER:
        raise ValidationFailed(_("Choose how to read dates such as 03/05/2024."), field="dayfirst")
    chosen = {int(found[1]): value for key, value in posted.items() if (found := _COLUMN.fullmatch(key))}
    return action, dayfirst, chosen


def _columns(context: RequestContext, staged: StagedUpload, plan: ColumnPlan, *, dayfirst: str,
             error: str | None = None, status_code: int | None = None) -> Response:
    status = status_code or (422 if plan.problems(str) else 200)
    return render(context, "imports/columns.html", status_code=status, active_nav="clients",
                  **_columns_values(context, staged, plan), dayfirst=dayfirst, error=error, focus=status != 200)


def _columns_values(context: RequestContext, staged: StagedUpload, plan: ColumnPlan) -> dict[str, Any]:
    label = _labeller(plan.kind)
    fields = [(name, label(name)) for name in plan.kind.labels]
    others = [*(((CUSTOM, _("Keep as a custom field")),) if plan.kind.custom_fields else ()), (SKIP, _("Don’t import"))]
    return {"staged": staged, "plan": plan, "label": label, "fields": fields, "others": others,
            "kind_label": _(plan.kind.label), "problems": plan.problems(label),
            "required": [plan.entry(group, label) for group in plan.kind.required]}


def _labeller(kind: ImportKind) -> Label:
    """A field's name as people know it, in their language."""
    def label(name: str) -> str:
        return _(kind.labels[name]) if name in kind.labels else name

    return label


@router.get("/import/rejects/{token}")
def import_rejects(token: str, context: BulkData) -> FileResponse:
    return FileResponse(service.rejects_file(context.runtime, token, by=context.principal),
                        media_type=service.MEDIA_TYPES["csv"],
                        filename="rejected-rows.csv")


@router.get("/export")
def export_download(context: BulkData, kind: Annotated[Kind, Query()] = Kind("clients"),  # type: ignore[valid-type]
                    format: Annotated[ExportFormat, Query()] = "csv") -> FileResponse:
    return export_response(context, kind.value, format)
