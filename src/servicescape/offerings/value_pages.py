"""Value cases made and backed in the pages: a new case for a client (benefits and the client's own
costs, a row each, at three estimates), an outcome of delivered work recorded on a case, a case
deleted; and the client page's section listing its cases."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from servicescape import i18n
from servicescape.clients.models import Client, Engagement, EngagementStatus
from servicescape.offerings import value
from servicescape.offerings.capability import VALUE
from servicescape.offerings.models import PackageLevel, ServicePackage
from servicescape.offerings.value_models import BENEFIT_KINDS, COST_KINDS
from servicescape.web.deps import RequestContext, signed_in
from servicescape.web.forms import FormInvalid, FormState, RecordId, parse_amount, parse_count, parse_id
from servicescape.web.pages.common import FORM_PROBLEMS, Posted, problem_status, see_other
from servicescape.web.templating import render

router = APIRouter(include_in_schema=False)
Preparer = Annotated[RequestContext, Depends(signed_in(VALUE))]
BENEFIT_ROWS, COST_ROWS = 4, 3
EVIDENCE_OPTIONS = 50
ESTIMATES = ("low", "expected", "high")
KIND_LABELS = {"time_saved": "Time saved", "risk_avoided": "Risk avoided", "revenue_gained": "Revenue gained",
               "cost_avoided": "Cost avoided", "money": "Other money spent", "their_time": "Your team's time",
               "switching": "Switching", "risk": "Risk taken"}


def value_cases(context: RequestContext, session: Session, client: Client) -> dict[str, Any]:
    """The client page's section: the client's value cases with their expected figures."""
    return {"value_lines": value.recent(session, client_id=client.id, by=context.principal)}


def client_currency(session: Session, client_id: int) -> str | None:
    """The currency of the client's latest engagement with one (what its documents are priced in)."""
    return session.scalar(select(Engagement.currency).where(Engagement.client_id == client_id,
                                                            Engagement.currency.is_not(None))
                          .order_by(Engagement.start_date.desc().nulls_last(), Engagement.id.desc()).limit(1))


def level_options(session: Session) -> list[tuple[str, str]]:
    """Every active level as a select's option: (id, "Package · Level")."""
    rows = session.execute(select(PackageLevel.id, ServicePackage.name, PackageLevel.name)
                           .join(ServicePackage, ServicePackage.id == PackageLevel.package_id)
                           .where(PackageLevel.active).order_by(ServicePackage.name, PackageLevel.position)).all()
    return [(str(level_id), f"{package} · {name}") for level_id, package, name in rows]


def _kinds(kinds: Any) -> list[tuple[str, str]]:
    return [(kind.value, i18n._(KIND_LABELS[kind.value])) for kind in kinds]


def _form(context: RequestContext, client: Client, form: FormState, status_code: int = 200) -> Response:
    with context.unit() as session:
        levels = level_options(session)
    return render(context, "offerings/value_new.html", status_code=status_code, active_nav="offerings",
                  active="value", client=client, form=form, levels=levels,
                  benefit_kinds=_kinds(BENEFIT_KINDS), cost_kinds=_kinds(COST_KINDS),
                  benefit_rows=range(BENEFIT_ROWS), cost_rows=range(COST_ROWS), estimates=ESTIMATES)


def _client(context: RequestContext, client_id: int) -> Client:
    from servicescape.clients import service as clients

    with context.unit() as session:
        found = clients.clients.get(session, client_id, by=context.principal)
        session.expunge(found)
        return found


@router.get("/clients/{client_id}/value-cases/new")
def new_case(client_id: RecordId, context: Preparer) -> Response:
    client = _client(context, client_id)
    with context.unit() as session:
        currency = client_currency(session, client_id) or context.runtime.settings.reporting_currency
    return _form(context, client, FormState({"currency": currency,
                                             "horizon_months": "12", "benefits[0].kind": "time_saved",
                                             "costs[0].kind": "their_time"}))


def _rows(values: dict[str, str], side: str, count: int, errors: dict[str, str]) -> tuple[list[dict[str, Any]],
                                                                                         list[int]]:
    """The filled rows of one side (an empty row is left out) and the form row of each."""
    items, rows = [], []
    for n in range(count):
        name = f"{side}[{n}]"
        texts = {key: values.get(f"{name}.{key}", "").strip() for key in ("kind", "description", "source",
                                                                           *ESTIMATES)}
        if not any(texts[key] for key in ("description", "source", *ESTIMATES)):
            continue
        item: dict[str, Any] = {"kind": texts["kind"], "description": texts["description"],
                                "source": texts["source"] or None}
        for estimate in ESTIMATES:
            try:
                item[estimate] = parse_amount(texts[estimate]) if texts[estimate] else Decimal(0)
            except ValueError as problem:
                errors[f"{name}.{estimate}"] = str(problem)
        items.append(item)
        rows.append(n)
    return items, rows


@router.post("/clients/{client_id}/value-cases")
def create_case(client_id: RecordId, context: Preparer, posted: Posted) -> Response:
    client = _client(context, client_id)
    errors: dict[str, str] = {}
    benefits, benefit_rows = _rows(posted, "benefits", BENEFIT_ROWS, errors)
    costs, cost_rows = _rows(posted, "costs", COST_ROWS, errors)
    data: dict[str, Any] = {"client_id": client.id, "title": posted.get("title", "").strip(),
                            "currency": posted.get("currency", "").strip().upper(),
                            "notes": posted.get("notes") or None, "benefits": benefits, "costs": costs}
    try:
        data["price"] = parse_amount(posted.get("price", ""))
    except ValueError as problem:
        errors["price"] = str(problem)
    try:
        data["horizon_months"] = parse_count(posted.get("horizon_months", ""), 1, 120)
    except ValueError as problem:
        errors["horizon_months"] = str(problem)
    if posted.get("level_id"):
        try:
            data["level_id"] = parse_id(posted["level_id"])
        except ValueError as problem:
            errors["level_id"] = str(problem)
    if not data["title"]:
        errors["title"] = i18n._("Give the case a title.")
    try:
        if errors:
            raise FormInvalid(errors)
        with context.unit() as session:
            made = value.value_cases.create(session, data, by=context.principal)
            case_id = made.id
    except FORM_PROBLEMS as problem:
        form = FormState.failed(posted, problem)
        form.errors = {_form_row(key, benefit_rows, cost_rows): message for key, message in form.errors.items()}
        return _form(context, client, form, problem_status(problem))
    return see_other(f"/offerings/value/{case_id}", context, i18n._("The value case is saved."))


def _form_row(field: str, benefit_rows: list[int], cost_rows: list[int]) -> str:
    """A service's ``benefits[1].expected`` (the second filled row) → the form's row it came from."""
    for side, rows in (("benefits", benefit_rows), ("costs", cost_rows)):
        prefix = f"{side}["
        if field.startswith(prefix) and "]" in field:
            index, rest = field[len(prefix):].split("]", 1)
            if index.isdigit() and int(index) < len(rows):
                return f"{side}[{rows[int(index)]}]{rest}"
    return field


@router.post("/offerings/value/{id}/outcomes")
def add_outcome(id: RecordId, context: Preparer, posted: Posted) -> Response:
    errors: dict[str, str] = {}
    data: dict[str, Any] = {"description": posted.get("description", "").strip(),
                            "recorded_on": posted.get("recorded_on", "").strip()}
    for name in ("engagement_id", "promise_id", "survey_response_id", "testimonial_id"):
        if posted.get(name, "").strip():
            try:
                data[name] = parse_id(posted[name])
            except ValueError as problem:
                errors[name] = str(problem)
    if posted.get("amount", "").strip():
        try:
            data["amount"] = parse_amount(posted["amount"])
        except ValueError as problem:
            errors["amount"] = str(problem)
    try:
        data["recorded_on"] = date.fromisoformat(data["recorded_on"])
    except ValueError:
        errors["recorded_on"] = i18n._("Enter a date such as 2026-03-31.")
    if not data["description"]:
        errors["description"] = i18n._("Say what the outcome was.")
    if "engagement_id" not in data and "engagement_id" not in errors:
        errors["engagement_id"] = i18n._("Choose the delivered engagement.")
    try:
        if errors:
            raise FormInvalid(errors)
        with context.unit() as session:
            value.add_outcome(session, id, data, by=context.principal)
    except FORM_PROBLEMS as problem:
        from servicescape.offerings.pages import value_case_page

        return value_case_page(context, id, None, FormState.failed(posted, problem), problem_status(problem))
    return see_other(f"/offerings/value/{id}", context, i18n._("The outcome is recorded."))


@router.post("/offerings/value/{id}/delete")
def delete_case(id: RecordId, context: Preparer) -> Response:
    with context.unit() as session:
        case = value.value_cases.get(session, id, by=context.principal)
        client_id = case.client_id
        value.value_cases.delete(session, case, by=context.principal)
    return see_other(f"/clients/{client_id}", context, i18n._("The value case is deleted."))


def evidence_options(session: Session, client_id: int, fmt: Any) -> dict[str, list[tuple[str, str]]]:
    """What may back an outcome, as a select's options: the client's kept promises, submitted survey
    answers and approved testimonials, the latest first."""
    from servicescape.promises.models import Promise, PromiseStatus
    from servicescape.quality.models import SurveyResponse
    from servicescape.referrals.models import Testimonial, TestimonialStatus

    promises = session.execute(select(Promise.id, Promise.title, Promise.kept_at).where(
        Promise.client_id == client_id, Promise.status == PromiseStatus.kept)
        .order_by(Promise.kept_at.desc(), Promise.id.desc()).limit(EVIDENCE_OPTIONS)).all()
    answers = session.execute(select(SurveyResponse.id, SurveyResponse.submitted_at, SurveyResponse.nps).where(
        SurveyResponse.client_id == client_id, SurveyResponse.submitted_at.is_not(None))
        .order_by(SurveyResponse.submitted_at.desc()).limit(EVIDENCE_OPTIONS)).all()
    quotes = session.execute(select(Testimonial.id, Testimonial.author_name, Testimonial.text).where(
        Testimonial.client_id == client_id, Testimonial.status == TestimonialStatus.approved)
        .order_by(Testimonial.id.desc()).limit(EVIDENCE_OPTIONS)).all()
    return {
        "promise_id": [(str(p_id), f"{fmt.date(kept.date()) if kept else ''} · {title or '#' + str(p_id)}")
                       for p_id, title, kept in promises],
        "survey_response_id": [(str(r_id), (fmt.date(at.date()) if at else "")
                                + (f" · NPS {nps}" if nps is not None else "")) for r_id, at, nps in answers],
        "testimonial_id": [(str(t_id), f"{author}: {text[:60]}") for t_id, author, text in quotes],
    }


def delivered_engagements(session: Session, client_id: int) -> list[tuple[str, str]]:
    rows = session.execute(select(Engagement.id, Engagement.description, Engagement.end_date).where(
        Engagement.client_id == client_id, Engagement.status == EngagementStatus.completed)
        .order_by(Engagement.end_date.desc().nulls_last(), Engagement.id.desc()).limit(200)).all()
    return [(str(e_id), f"#{e_id} {description or ''} {end or ''}".strip()) for e_id, description, end in rows]
