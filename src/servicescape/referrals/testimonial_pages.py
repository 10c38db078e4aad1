"""The testimonial library: testimonials by status, use and language; adding one with the client's
consent; changing it (an approved one goes back to be judged); approving and rejecting (managers);
and the approved-only export — an HTML snippet to copy and a JSON file to download."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse, Response

from servicescape import i18n
from servicescape.auth.models import Staff
from servicescape.clients import service as clients
from servicescape.config import LANGUAGES
from servicescape.db.types import utcnow
from servicescape.referrals import service
from servicescape.referrals.capability import MANAGE, READ, WRITE
from servicescape.referrals.labels import testimonial_status_options, use_options
from servicescape.referrals.models import ConsentUse, TestimonialStatus
from servicescape.referrals.schemas import TestimonialIn, TestimonialPatch
from servicescape.web.deps import RequestContext, signed_in
from servicescape.web.forms import FormState, RecordId, local_input, parse_form
from servicescape.web.pages.common import FORM_PROBLEMS, Posted, choice, id_filter, problem_status, see_other
from servicescape.web.templating import render

router = APIRouter(include_in_schema=False)

Reader = Annotated[RequestContext, Depends(signed_in(READ))]
Writer = Annotated[RequestContext, Depends(signed_in(WRITE))]
Manager = Annotated[RequestContext, Depends(signed_in(MANAGE))]
PER_PAGE = 25
#: how many testimonials the page's snippet shows (the download has them all)
SNIPPET = 20


def _uses(values: dict[str, str]) -> list[str]:
    return [use.value for use in ConsentUse if values.get(f"use_{use.value}", "").strip() not in ("", "0")]


def _data(context: RequestContext, values: dict[str, str], *, new: bool) -> dict[str, Any]:
    fixed: dict[str, Any] = {"consent_uses": _uses(values)}
    if new:
        with context.unit() as session:
            fixed["client_id"] = clients.find_client(session, values.get("client", ""), by=context.principal).id
    form = {key: value for key, value in values.items() if not key.startswith("use_")}
    return parse_form(TestimonialIn if new else TestimonialPatch, form, zone=context.runtime.settings.zone,
                      fixed=fixed, moments=("consent_at",))


def _language_options() -> list[tuple[str, str]]:
    return list(LANGUAGES.items())


def library(context: RequestContext, *, status: str = "", use: str = "", language: str = "", client: str = "",
            page: int = 1, export_use: str = "website", form: FormState | None = None,
            status_code: int = 200) -> Response:
    filters = service.TestimonialFilters(status=choice(TestimonialStatus, status, "status"),
                                         use=choice(ConsentUse, use, "use"), client_id=id_filter(client, "client"),
                                         language=language or None)
    wanted = service.consent_use(export_use or "website", "export_use")
    with context.unit() as session:
        found = service.testimonial_page(session, filters, page=page, per_page=PER_PAGE, clamp=True,
                                         by=context.principal)
        exported = service.export(session, wanted, limit=SNIPPET, audited=False, by=context.principal)
        client_name = clients.clients.get(session, filters.client_id, by=context.principal).name \
            if filters.client_id else None
    query = {"status": status, "use": use, "language": language, "client": client}
    zone = context.runtime.settings.zone
    return render(context, "referrals/testimonials.html", status_code=status_code, active_nav="referrals",
                  found=found, query=query, client_name=client_name, statuses=testimonial_status_options(),
                  uses=use_options(), languages_options=_language_options(), export_use=wanted.value,
                  snippet=service.export_html(exported), exported=len(exported),
                  form=form or FormState({"language": context.language, "consent_at": local_input(utcnow(), zone)}))


@router.get("/testimonials")
def testimonials(
    context: Reader,
    status: Annotated[str, Query(max_length=20)] = "",
    use: Annotated[str, Query(max_length=20)] = "",
    language: Annotated[str, Query(max_length=20)] = "",
    client: Annotated[str, Query(max_length=20)] = "",
    export_use: Annotated[str, Query(max_length=20)] = "website",
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    return library(context, status=status, use=use, language=language, client=client, page=page,
                   export_use=export_use)


@router.post("/testimonials")
def add_testimonial(context: Writer, values: Posted) -> Response:
    try:
        data = _data(context, values, new=True)
        with context.unit() as session:
            found = service.testimonials.create(session, data, by=context.principal)
            pending = found.status == TestimonialStatus.pending
    except FORM_PROBLEMS as problem:
        return library(context, form=FormState.failed(values, problem), status_code=problem_status(problem))
    return see_other("/testimonials", context, i18n._("The testimonial was added; it waits for approval.")
                     if pending else i18n._("The testimonial was added as a draft: its consent is incomplete."))


@router.get("/testimonials/export")
def download_export(
    context: Reader,
    use: Annotated[str, Query(max_length=20)] = "website",
    format: Annotated[str, Query(pattern="^(json|html)$")] = "json",
) -> Response:
    """The approved testimonials consented for ``use``, as a file to download."""
    with context.unit() as session:
        found = service.export(session, use, by=context.principal)
    disposition = {"Content-Disposition": f'attachment; filename="testimonials-{service.consent_use(use).value}'
                                          f'.{format}"'}
    if format == "html":
        return Response(service.export_html(found), media_type="text/html; charset=utf-8", headers=disposition)
    return JSONResponse(service.export_json(found), headers=disposition)


def testimonial_page(context: RequestContext, testimonial_id: int, *, form: FormState | None = None,
                     status_code: int = 200) -> Response:
    zone = context.runtime.settings.zone
    with context.unit() as session:
        found = service.testimonials.get(session, testimonial_id, by=context.principal)
        client = clients.clients.get(session, found.client_id, by=context.principal)
        approver = session.get(Staff, found.approved_by_id) if found.approved_by_id else None
        form = form or FormState({
            "author_name": found.author_name, "author_role": found.author_role or "", "text": found.text,
            "language": found.language, "consent_by": found.consent_by or "",
            "consent_at": local_input(found.consent_at, zone) if found.consent_at else "",
            **{f"use_{use.value}": "1" for use in found.uses},
        })
        missing = service.missing_consent(found)
    return render(context, "referrals/testimonial.html", status_code=status_code, active_nav="referrals",
                  testimonial=found, client=client, approver=approver, form=form, uses=use_options(),
                  languages_options=_language_options(), missing=missing)


@router.get("/testimonials/{testimonial_id}")
def testimonial_detail(testimonial_id: RecordId, context: Reader) -> Response:
    return testimonial_page(context, testimonial_id)


@router.post("/testimonials/{testimonial_id}")
def save_testimonial(testimonial_id: RecordId, context: Writer, values: Posted) -> Response:
    try:
        data = _data(context, values, new=False)
        with context.unit() as session:
            found = service.testimonials.get(session, testimonial_id, by=context.principal)
            was = found.status
            service.testimonials.update(session, found, data, by=context.principal)
            back = was == TestimonialStatus.approved and found.status != TestimonialStatus.approved
    except FORM_PROBLEMS as problem:
        return testimonial_page(context, testimonial_id, form=FormState.failed(values, problem),
                                status_code=problem_status(problem))
    return see_other(f"/testimonials/{testimonial_id}", context,
                     i18n._("Saved. It changed, so it waits for approval again.") if back
                     else i18n._("The testimonial was saved."))


@router.post("/testimonials/{testimonial_id}/approve")
def approve_testimonial(testimonial_id: RecordId, context: Manager) -> Response:
    try:
        with context.unit() as session:
            service.approve(session, service.testimonials.get(session, testimonial_id, by=context.principal),
                            by=context.principal)
    except FORM_PROBLEMS as problem:
        return testimonial_page(context, testimonial_id, form=FormState.failed({}, problem),
                                status_code=problem_status(problem))
    return see_other(f"/testimonials/{testimonial_id}", context,
                     i18n._("Approved: it is in the export for the uses the client consented to."))


@router.post("/testimonials/{testimonial_id}/reject")
def reject_testimonial(testimonial_id: RecordId, context: Manager, values: Posted) -> Response:
    try:
        with context.unit() as session:
            service.reject(session, service.testimonials.get(session, testimonial_id, by=context.principal),
                           reason=values.get("reason"), by=context.principal)
    except FORM_PROBLEMS as problem:
        return testimonial_page(context, testimonial_id, form=FormState.failed({}, problem),
                                status_code=problem_status(problem))
    return see_other(f"/testimonials/{testimonial_id}", context, i18n._("The testimonial was rejected."))


@router.post("/testimonials/{testimonial_id}/delete")
def delete_testimonial(testimonial_id: RecordId, context: Manager) -> Response:
    with context.unit() as session:
        service.testimonials.delete(session, service.testimonials.get(session, testimonial_id, by=context.principal),
                                    by=context.principal)
    return see_other("/testimonials", context, i18n._("The testimonial was deleted."))
