"""Case studies' pages: the list (with the approved-only export for the website, as JSON or a static
HTML file), a new case study for a client (its engagements, value-case outcomes and consented
testimonials offered), one case study (changed, approved by managers, deleted)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from servicescape import i18n
from servicescape.clients import service as clients
from servicescape.clients.models import Client, Engagement
from servicescape.clients.timeline import engagement_status_label
from servicescape.config import LANGUAGES
from servicescape.offerings.models import ServicePackage
from servicescape.offerings.value_models import ValueCase, ValueOutcome
from servicescape.plan import case_studies
from servicescape.plan.capability import MANAGE, READ, WRITE
from servicescape.plan.message_schemas import CaseStudyIn, CaseStudyPatch
from servicescape.plan.models import CaseStudy, CaseStudyStatus
from servicescape.referrals.models import Testimonial, TestimonialStatus
from servicescape.web.deps import RequestContext, signed_in
from servicescape.web.forms import FormState, RecordId, parse_form, parse_id
from servicescape.web.pages.common import FORM_PROBLEMS, Posted, choice, problem_status, see_other
from servicescape.web.templating import render

router = APIRouter(include_in_schema=False)
Reader = Annotated[RequestContext, Depends(signed_in(READ))]
Writer = Annotated[RequestContext, Depends(signed_in(WRITE))]
Manager = Annotated[RequestContext, Depends(signed_in(MANAGE))]
FIELDS = ("title", "language", "segment", "package_id", "engagement_id", "outcome_id", "testimonial_id", "problem",
          "approach", "result", "result_figure")


def link_options(session: Session, client_id: int) -> dict[str, list[tuple[str, str]]]:
    """What a client's case study may link to, as selects' options: its engagements, the outcomes of
    its value cases, its approved testimonials consented for case studies, and the packages."""
    engagements = session.execute(select(Engagement.id, Engagement.description, Engagement.status).where(
        Engagement.client_id == client_id).order_by(Engagement.id.desc()).limit(100)).all()
    outcomes = session.execute(select(ValueOutcome.id, ValueOutcome.description).join(
        ValueCase, ValueCase.id == ValueOutcome.case_id).where(ValueCase.client_id == client_id)
        .order_by(ValueOutcome.id.desc()).limit(100)).all()
    quotes = session.execute(select(Testimonial.id, Testimonial.author_name, Testimonial.text).where(
        Testimonial.client_id == client_id, Testimonial.status == TestimonialStatus.approved,
        Testimonial.use_case_studies.is_(True)).order_by(Testimonial.id.desc()).limit(100)).all()
    packages = session.execute(select(ServicePackage.id, ServicePackage.name).order_by(ServicePackage.name)).all()
    empty = [("", "—")]
    return {
        "engagement_id": empty + [
            (str(e_id), f"#{e_id} {text or ''} ({engagement_status_label(status.value)})".replace("  ", " "))
            for e_id, text, status in engagements],
        "outcome_id": empty + [(str(o_id), text[:80]) for o_id, text in outcomes],
        "testimonial_id": empty + [(str(t_id), f"{author}: {text[:60]}") for t_id, author, text in quotes],
        "package_id": empty + [(str(p_id), name) for p_id, name in packages],
    }


def _client(context: RequestContext, client_id: int) -> Client:
    with context.unit() as session:
        found = clients.clients.get(session, client_id, by=context.principal)
        session.expunge(found)
        return found


def _form_page(context: RequestContext, client: Client | None, form: FormState, *, study: CaseStudy | None = None,
               status_code: int = 200, client_problem: str | None = None) -> Response:
    options: dict[str, list[tuple[str, str]]] = {}
    if client is not None:
        with context.unit() as session:
            options = link_options(session, client.id)
    return render(context, "plan/case_studies_form.html", status_code=status_code, active_nav="plan",
                  active="case_studies", client=client, form=form, study=study, options=options,
                  language_list=[("", i18n._("The client's language")), *LANGUAGES.items()],
                  client_problem=client_problem)


@router.get("/case-studies")
def list_page(context: Reader, status: Annotated[str, Query(max_length=20)] = "") -> Response:
    wanted = choice(CaseStudyStatus, status, "status")
    with context.unit() as session:
        found = case_studies.listing(session, status=wanted, by=context.principal)
    return render(context, "plan/case_studies.html", active_nav="plan", active="case_studies", found=found,
                  status=status)


@router.get("/case-studies/new")
def new_page(context: Writer, client: Annotated[str, Query(max_length=300)] = "") -> Response:
    if not client.strip():
        return _form_page(context, None, FormState({}))
    try:
        with context.unit() as session:
            found = clients.find_client(session, client, by=context.principal)
            session.expunge(found)
    except FORM_PROBLEMS as problem:
        return _form_page(context, None, FormState({"client": client}), status_code=problem_status(problem),
                          client_problem=str(getattr(problem, "message", problem)))
    return _form_page(context, found, FormState({"segment": found.segment or ""}))


@router.post("/case-studies")
def create(context: Writer, posted: Posted) -> Response:
    try:
        client = _client(context, parse_id(posted.get("client_id", "")))
    except ValueError:
        return _form_page(context, None, FormState(dict(posted)), status_code=422,
                          client_problem=i18n._("Choose the client first."))
    try:
        data = parse_form(CaseStudyIn, {key: posted.get(key, "") for key in FIELDS},
                          zone=context.runtime.settings.zone, fixed={"client_id": client.id})
        with context.unit() as session:
            study_id = case_studies.case_studies.create(session, data, by=context.principal).id
    except FORM_PROBLEMS as problem:
        return _form_page(context, client, FormState.failed(posted, problem), status_code=problem_status(problem))
    return see_other(f"/case-studies/{study_id}", context, i18n._("The case study is saved as a draft."))


@router.get("/case-studies/export")
def export(context: Reader, format: Annotated[str, Query(pattern="^(json|html)$")] = "json") -> Response:
    """The approved case studies as a file to download (JSON, or a static HTML page)."""
    with context.unit() as session:
        found = case_studies.export(session, by=context.principal)
    if format == "html":
        page: Response = HTMLResponse(case_studies.export_html(found))
    else:
        page = JSONResponse(case_studies.export_json(found))
    page.headers["Content-Disposition"] = f'attachment; filename="case-studies.{format}"'
    return page


def _values(study: CaseStudy) -> dict[str, Any]:
    return {name: "" if getattr(study, name) is None else str(getattr(study, name)) for name in FIELDS}


def study_page(context: RequestContext, study_id: int, form: FormState | None = None,
               status_code: int = 200) -> Response:
    with context.unit() as session:
        study = case_studies.case_studies.get(session, study_id, by=context.principal)
        client = session.get(Client, study.client_id) if study.client_id else None
        testimonial = session.get(Testimonial, study.testimonial_id) if study.testimonial_id else None
        package = session.get(ServicePackage, study.package_id) if study.package_id else None
        shown = case_studies.public_view(study, client, testimonial, package.name if package else None)
        options = link_options(session, client.id) if client and context.can(WRITE) else {}
        session.expunge_all()
    return render(context, "plan/case_studies_one.html", status_code=status_code, active_nav="plan",
                  active="case_studies", study=study, client=client, shown=shown, options=options,
                  form=form or FormState(_values(study)), language_list=list(LANGUAGES.items()))


@router.get("/case-studies/{id}")
def view(id: RecordId, context: Reader) -> Response:
    return study_page(context, id)


@router.post("/case-studies/{id}")
def update(id: RecordId, context: Writer, posted: Posted) -> Response:
    try:
        data = parse_form(CaseStudyPatch, {key: posted.get(key, "") for key in FIELDS},
                          zone=context.runtime.settings.zone)
        with context.unit() as session:
            study = case_studies.case_studies.get(session, id, by=context.principal)
            case_studies.case_studies.update(session, study, data, by=context.principal)
    except FORM_PROBLEMS as problem:
        return study_page(context, id, FormState.failed(posted, problem), problem_status(problem))
    return see_other(f"/case-studies/{id}", context, i18n._("The case study is saved."))


@router.post("/case-studies/{id}/approve")
def approve(id: RecordId, context: Manager) -> Response:
    with context.unit() as session:
        case_studies.approve(session, id, by=context.principal)
    return see_other(f"/case-studies/{id}", context, i18n._("The case study is approved: it is in the export."))


@router.post("/case-studies/{id}/delete")
def delete(id: RecordId, context: Manager) -> Response:
    with context.unit() as session:
        case_studies.case_studies.delete(session, case_studies.case_studies.get(session, id, by=context.principal),
                                         by=context.principal)
    return see_other("/case-studies", context, i18n._("The case study is deleted."))
