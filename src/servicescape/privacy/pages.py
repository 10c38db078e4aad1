"""Data protection's pages (owners): find a client or contact person, see what the firm holds about
them, download it as a ZIP, erase them after a confirmation; the retention limits."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from servicescape import i18n
from servicescape.auth.permissions import can
from servicescape.db.types import utcnow
from servicescape.errors import NotFound, ValidationFailed
from servicescape.privacy import erase as erasing
from servicescape.privacy import retention, service
from servicescape.privacy.capability import ERASE, EXPORT
from servicescape.web.deps import RequestContext, signed_in
from servicescape.web.forms import FormInvalid
from servicescape.web.pages.common import FORM_PROBLEMS, Posted, problem_status, see_other
from servicescape.web.templating import render

router = APIRouter(include_in_schema=False)
Exporter = Annotated[RequestContext, Depends(signed_in(EXPORT))]
Eraser = Annotated[RequestContext, Depends(signed_in(ERASE))]
SubjectQuery = Annotated[str, Query(max_length=40)]
NAV = "audit"        # the navigation entry's key (its icon)


def _home(context: RequestContext, *, subject: str = "", problem: str | None = None, status_code: int = 200,
          retention_errors: dict[str, str] | None = None, typed: dict[str, str] | None = None) -> Response:
    with context.unit() as session:
        rules = retention.rules(session, by=context.principal)
        done = service.requests(session, by=context.principal)
    months = typed if typed is not None else {r.key: "" if r.months is None else str(r.months) for r in rules}
    return render(context, "privacy/home.html", status_code=status_code, active_nav=NAV, subject=subject,
                  problem=problem, rules=rules, months=months, retention_errors=retention_errors or {},
                  requests=done, can_erase=can(context.principal, ERASE))


@router.get("/privacy")
def home(context: Exporter) -> Response:
    return _home(context)


def _subject_page(context: RequestContext, subject: str, template: str, status_code: int = 200,
                  **values: Any) -> Response:
    try:
        with context.unit() as session:
            found = service.subject(session, subject)
            held = service.held(session, found)
            erased_at = service.erased_at(session, found)
    except (ValidationFailed, NotFound) as problem:    # the find form again, saying what was wrong
        return _home(context, subject=subject, problem=problem.message, status_code=problem.status_code)
    return render(context, template, status_code=status_code, active_nav=NAV, found=found, held=held,
                  erased_at=erased_at, can_erase=can(context.principal, ERASE), **values)


@router.get("/privacy/subject")
def subject_view(context: Exporter, subject: SubjectQuery) -> Response:
    return _subject_page(context, subject, "privacy/subject.html")


@router.get("/privacy/export.zip")
def export_zip(context: Exporter, subject: SubjectQuery) -> Response:
    with context.unit() as session:
        manifest, files = service.bundle(session, subject, now=utcnow(), by=context.principal)
    name = f"servicescape-{manifest['subject']['kind']}-{manifest['subject']['id']}.zip"
    return Response(service.zipped(files), media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/privacy/erase")
def erase_form(context: Eraser, subject: SubjectQuery) -> Response:
    return _subject_page(context, subject, "privacy/erase.html", errors={}, values={})


@router.post("/privacy/erase")
def erase(context: Eraser, values: Posted) -> Response:
    subject = values.get("subject", "")
    try:
        with context.unit() as session:
            found = service.subject(session, subject)
            if values.get("confirm", "").strip().casefold() != found.name.strip().casefold():
                raise ValidationFailed(i18n._("Type the name exactly as shown to confirm."), field="confirm")
            erasing.erase(session, subject, reason=values.get("reason", ""), now=utcnow(), by=context.principal)
    except FORM_PROBLEMS as problem:
        field = getattr(problem, "field", None) or "confirm"
        message = getattr(problem, "message", str(problem))
        if field == "subject":
            return _home(context, subject=subject, problem=message, status_code=problem_status(problem))
        return _subject_page(context, subject, "privacy/erase.html", status_code=problem_status(problem),
                             errors={field: message}, values={"reason": values.get("reason", ""),
                                                              "confirm": values.get("confirm", "")})
    return see_other("/privacy", context, i18n._("%(name)s was erased everywhere.", name=found.name))


@router.post("/privacy/retention")
def save_retention(context: Eraser, values: Posted) -> Response:
    errors: dict[str, str] = {}
    typed = {key[len("months-"):]: value.strip() for key, value in values.items() if key.startswith("months-")}
    try:
        with context.unit() as session:      # all the limits or none
            for rule in retention.rules(session, by=context.principal):
                text = typed.get(rule.key, "")
                try:
                    months = int(text) if text else None
                    if months != rule.months:
                        retention.set_months(session, rule.key, months, by=context.principal)
                except ValueError:
                    errors[rule.key] = i18n._("Keep records from 1 to %(max)s months.", max=retention.MAX_MONTHS)
                except ValidationFailed as problem:
                    errors[rule.key] = problem.message
            if errors:
                raise FormInvalid(errors)
    except FormInvalid:
        return _home(context, retention_errors=errors, typed=typed, status_code=422)
    return see_other("/privacy", context, i18n._("The retention limits were saved."))
