"""Proposals' pages: the list, a new proposal for a client (its value cases, the approved messages,
the case studies that fit — same package or segment — and consented testimonials offered), one
proposal as its document in the proposal's language (the page, the print view, the PDF), changed
or deleted; and the client page's section with the client's proposals and case studies."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from servicescape import i18n
from servicescape.clients import service as clients
from servicescape.clients.models import Client
from servicescape.config import LANGUAGES
from servicescape.db.types import utcnow
from servicescape.offerings.models import ServicePackage
from servicescape.plan import case_studies, proposal_document, proposals
from servicescape.plan.capability import READ, WRITE
from servicescape.plan.models import Proposal
from servicescape.platform.pdf import pdf_response
from servicescape.web.deps import RequestContext, signed_in
from servicescape.web.forms import FormInvalid, FormState, RecordId, parse_id
from servicescape.web.pages.common import FORM_PROBLEMS, Posted, problem_status, see_other
from servicescape.web.templating import render

router = APIRouter(include_in_schema=False)
Reader = Annotated[RequestContext, Depends(signed_in(READ))]
Writer = Annotated[RequestContext, Depends(signed_in(WRITE))]
IDS = ("package_id", "value_case_id", "message_id")


def today(context: RequestContext) -> date:
    return utcnow().astimezone(context.runtime.settings.zone).date()


def package_options(session: Session) -> list[tuple[str, str]]:
    rows = session.execute(select(ServicePackage.id, ServicePackage.name).where(ServicePackage.active)
                           .order_by(ServicePackage.name)).all()
    return [("", "—")] + [(str(p_id), name) for p_id, name in rows]


def parse_proposal(posted: dict[str, str]) -> dict[str, Any]:
    """The proposal form's values as the service takes them; the case studies and testimonials are
    checkboxes named ``case_study_<id>`` and ``testimonial_<id>``."""
    errors: dict[str, str] = {}
    data: dict[str, Any] = {"title": posted.get("title", "").strip(), "language": posted.get("language") or None,
                            "sent_on": None}
    if not data["title"]:
        errors["title"] = i18n._("Give the proposal a title.")
    if data["language"] and data["language"] not in LANGUAGES:
        errors["language"] = i18n._("Choose one of the options.")
    for name in IDS:
        text = posted.get(name, "").strip()
        try:
            data[name] = parse_id(text) if text else None
        except ValueError as problem:
            errors[name] = str(problem)
    if posted.get("sent_on", "").strip():
        try:
            data["sent_on"] = date.fromisoformat(posted["sent_on"].strip())
        except ValueError:
            errors["sent_on"] = i18n._("Enter a date such as 2026-03-31.")
    for field, prefix in (("case_study_ids", "case_study_"), ("testimonial_ids", "testimonial_")):
        chosen = [key[len(prefix):] for key, value in posted.items() if key.startswith(prefix) and value]
        if not all(n.isascii() and n.isdigit() and len(n) < 10 for n in chosen):
            errors[field] = i18n._("Choose one of the options.")
        else:
            data[field] = sorted(int(n) for n in chosen)
    if errors:
        raise FormInvalid(errors)
    return data


def _form_page(context: RequestContext, client: Client | None, form: FormState, *, proposal_id: int | None = None,
               status_code: int = 200, client_problem: str | None = None) -> Response:
    values: dict[str, Any] = {}
    if client is not None:
        package_id = form.values.get("package_id")
        with context.unit() as session:
            values = {"offer": proposals.choices(session, client.id,
                                                   package_id=int(str(package_id)) if str(package_id or "").isdigit()
                                                   else None, language=form.values.get("language") or None,
                                                   by=context.principal),
                      "packages": package_options(session)}
        values["message_options"] = [("", "—")] + [(str(m_id), f"{name} ({', '.join(languages)})")
                                                   for m_id, name, languages in values["offer"].messages]
    return render(context, "plan/proposal_form.html", status_code=status_code, active_nav="plan", active="proposals",
                  client=client, form=form, proposal_id=proposal_id, client_problem=client_problem,
                  language_list=[("", i18n._("The client's language")), *LANGUAGES.items()], **values)


@router.get("/proposals")
def list_page(context: Reader) -> Response:
    with context.unit() as session:
        found = proposals.listing(session, by=context.principal)
    return render(context, "plan/proposals.html", active_nav="plan", active="proposals", found=found)


@router.get("/proposals/new")
def new_page(context: Writer, client: Annotated[str, Query(max_length=300)] = "") -> Response:
    if not client.strip():
        return _form_page(context, None, FormState({}))
    try:
        with context.unit() as session:
            found = clients.find_client(session, client, by=context.principal)
            package_id = proposals.latest_package(session, found.id)
            session.expunge(found)
    except FORM_PROBLEMS as problem:
        return _form_page(context, None, FormState({"client": client}), status_code=problem_status(problem),
                          client_problem=str(getattr(problem, "message", problem)))
    title = i18n._("A proposal for %(client)s", client=found.name)
    return _form_page(context, found, FormState({"title": title[:300], "package_id": str(package_id or "")}))


def _client(context: RequestContext, client_id: int) -> Client:
    with context.unit() as session:
        found = clients.clients.get(session, client_id, by=context.principal)
        session.expunge(found)
        return found


@router.post("/proposals")
def create(context: Writer, posted: Posted) -> Response:
    try:
        client = _client(context, parse_id(posted.get("client_id", "")))
    except ValueError:
        return _form_page(context, None, FormState(dict(posted)), status_code=422,
                          client_problem=i18n._("Choose the client first."))
    try:
        data = parse_proposal(posted) | {"client_id": client.id}
        with context.unit() as session:
            proposal_id = proposals.proposals.create(session, data, by=context.principal).id
    except FORM_PROBLEMS as problem:
        return _form_page(context, client, FormState.failed(posted, problem), status_code=problem_status(problem))
    return see_other(f"/proposals/{proposal_id}", context, i18n._("The proposal is made."))


def _pack(context: RequestContext, proposal_id: int) -> tuple[proposals.Pack, Any, str]:
    """The proposal's pack, its document (in the proposal's language) and the page alone."""
    settings = context.runtime.settings
    with context.unit() as session:
        found = proposals.pack(session, proposal_id, day=today(context), by=context.principal)
        document = proposal_document.article(found, settings)
        alone = proposal_document.page(found, settings)
        session.expunge_all()
    i18n.activate(context.language)
    return found, document, alone


@router.get("/proposals/{id}")
def view(id: RecordId, context: Reader) -> Response:
    found, document, _alone = _pack(context, id)
    return render(context, "plan/proposal.html", active_nav="plan", active="proposals", pack=found,
                  document_html=document, language_name=LANGUAGES.get(found.language, found.language))


@router.get("/proposals/{id}/print")
def print_view(id: RecordId, context: Reader) -> Response:
    _found, _document, alone = _pack(context, id)
    return HTMLResponse(alone)


@router.get("/proposals/{id}/pdf")
def pdf(id: RecordId, context: Reader) -> Response:
    with context.unit() as session:
        found = proposals.pack(session, id, day=today(context), by=context.principal)
        html = proposal_document.page(found, context.runtime.settings, for_pdf=True)
        name = proposal_document.filename(found)
    i18n.activate(context.language)
    return pdf_response(html, name)


def _values(proposal: Proposal) -> dict[str, Any]:
    values: dict[str, Any] = {"title": proposal.title, "language": proposal.language,
                              "sent_on": proposal.sent_on.isoformat() if proposal.sent_on else ""}
    values |= {name: str(getattr(proposal, name) or "") for name in IDS}
    values |= {f"case_study_{n}": "1" for n in proposal.case_study_ids or ()}
    values |= {f"testimonial_{n}": "1" for n in proposal.testimonial_ids or ()}
    return values


@router.get("/proposals/{id}/edit")
def edit_page(id: RecordId, context: Writer) -> Response:
    with context.unit() as session:
        proposal = proposals.proposals.get(session, id, by=context.principal)
        values, client_id = _values(proposal), proposal.client_id
    return _form_page(context, _client(context, client_id), FormState(values), proposal_id=id)


@router.post("/proposals/{id}")
def update(id: RecordId, context: Writer, posted: Posted) -> Response:
    with context.unit() as session:
        client_id = proposals.proposals.get(session, id, by=context.principal).client_id
    try:
        data = parse_proposal(posted)
        with context.unit() as session:
            proposal = proposals.proposals.get(session, id, by=context.principal)
            proposals.proposals.update(session, proposal, data, by=context.principal)
    except FORM_PROBLEMS as problem:
        return _form_page(context, _client(context, client_id), FormState.failed(posted, problem), proposal_id=id,
                          status_code=problem_status(problem))
    return see_other(f"/proposals/{id}", context, i18n._("The proposal is saved."))


@router.post("/proposals/{id}/delete")
def delete(id: RecordId, context: Writer) -> Response:
    with context.unit() as session:
        proposals.proposals.delete(session, proposals.proposals.get(session, id, by=context.principal),
                                   by=context.principal)
    return see_other("/proposals", context, i18n._("The proposal is deleted."))


def client_proposals(context: RequestContext, session: Session, client: Client) -> dict[str, Any]:
    """The client page's section: the client's proposals and case studies."""
    return {"proposal_lines": proposals.listing(session, client_id=client.id, limit=20, by=context.principal),
            "case_study_lines": case_studies.listing(session, client_id=client.id, limit=20, by=context.principal)}
