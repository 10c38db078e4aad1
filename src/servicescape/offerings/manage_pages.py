"""Managers' forms of the offerings pages: a new list price of a level (the comparison page), a new
price study (the studies page), clients invited to answer a study by link (the study page)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from servicescape import i18n
from servicescape.clients.models import Client, ClientStatus
from servicescape.offerings import catalogue, research, research_links
from servicescape.offerings.capability import MANAGE
from servicescape.web.deps import RequestContext, signed_in
from servicescape.web.forms import FormInvalid, FormState, RecordId, parse_amount, parse_count, parse_id
from servicescape.web.pages.common import FORM_PROBLEMS, Posted, problem_status, see_other

router = APIRouter(include_in_schema=False)
Manager = Annotated[RequestContext, Depends(signed_in(MANAGE))]


def segments(session: Session) -> list[str]:
    """The segments of the active clients (whom a price study can ask)."""
    return sorted(s for s in session.scalars(select(Client.segment).where(
        Client.status == ClientStatus.active, Client.segment.is_not(None)).distinct().limit(500)) if s)


def _day(values: dict[str, str], name: str, errors: dict[str, str]) -> date | None:
    try:
        return date.fromisoformat(values.get(name, "").strip())
    except ValueError:
        errors[name] = i18n._("Enter a date such as 2026-03-31.")
        return None


def _amount(values: dict[str, str], name: str, errors: dict[str, str]) -> Decimal | None:
    try:
        return parse_amount(values.get(name, ""))
    except ValueError as problem:
        errors[name] = str(problem)
        return None


@router.post("/offerings/packages/{id}/prices")
def new_price(id: RecordId, context: Manager, posted: Posted) -> Response:
    errors: dict[str, str] = {}
    data: dict[str, Any] = {"currency": posted.get("currency", "").strip().upper(),
                            "amount": _amount(posted, "amount", errors),
                            "valid_from": _day(posted, "valid_from", errors),
                            "note": posted.get("note", "").strip() or None}
    try:
        data["level_id"] = parse_id(posted.get("level_id", ""))
    except ValueError as problem:
        errors["level_id"] = str(problem)
    try:
        if errors:
            raise FormInvalid(errors)
        with context.unit() as session:
            level = catalogue.levels.get(session, data["level_id"], by=context.principal)
            if level.package_id != id:
                raise FormInvalid({"level_id": i18n._("Choose one of the options.")})
            catalogue.prices.create(session, data, by=context.principal)
    except FORM_PROBLEMS as problem:
        from servicescape.offerings.pages import comparison_page_with

        return comparison_page_with(context, id, FormState.failed(posted, problem), problem_status(problem))
    return see_other(f"/offerings/packages/{id}?currency={data['currency']}", context,
                     i18n._("The new list price is saved; the earlier ones stay in the history."))


@router.post("/offerings/pricing")
def new_study(context: Manager, posted: Posted) -> Response:
    errors: dict[str, str] = {}
    grid_text = posted.get("grid", "").strip()
    grid: list[Decimal] = []
    for part in filter(None, (p.strip() for p in grid_text.replace(";", ",").split(","))):
        try:
            grid.append(parse_amount(part))
        except ValueError:
            errors["grid"] = i18n._("Write the prices asked, in ascending order, separated by commas.")
    minimum = posted.get("minimum_sample", "30").strip()
    data: dict[str, Any] = {"name": posted.get("name", "").strip(), "method": posted.get("method", ""),
                            "currency": posted.get("currency", "").strip().upper(), "grid": grid,
                            "asked_on": _day(posted, "asked_on", errors) if posted.get("asked_on") else None,
                            "minimum_sample": 0}
    try:
        data["minimum_sample"] = parse_count(minimum, 1, 10_000)
    except ValueError as problem:
        errors["minimum_sample"] = str(problem)
    if posted.get("level_id"):
        try:
            data["level_id"] = parse_id(posted["level_id"])
        except ValueError as problem:
            errors["level_id"] = str(problem)
    if not data["name"]:
        errors["name"] = i18n._("Give the study a name.")
    try:
        if errors:
            raise FormInvalid(errors)
        with context.unit() as session:
            study_id = research.studies.create(session, data, by=context.principal).id
    except FORM_PROBLEMS as problem:
        from servicescape.offerings.pages import studies_page_with

        return studies_page_with(context, FormState.failed(posted, problem), problem_status(problem))
    return see_other(f"/offerings/pricing/{study_id}", context, i18n._("The price study is created."))


@router.post("/offerings/pricing/{id}/invite")
def invite(id: RecordId, context: Manager, posted: Posted) -> Response:
    try:
        try:
            days = parse_count(posted.get("expires_days", ""), 1, 365)
        except ValueError as problem:
            raise FormInvalid({"expires_days": str(problem)}) from None
        with context.unit() as session:
            invited = research_links.invite(session, context.runtime.settings, id,
                                            segment=posted.get("segment", "").strip() or None,
                                            expires_days=days, by=context.principal)
    except FORM_PROBLEMS as problem:
        from servicescape.offerings.pages import study_page_with

        return study_page_with(context, id, FormState.failed(posted, problem), problem_status(problem))
    return see_other(f"/offerings/pricing/{id}", context,
                     i18n.ngettext("%(num)s client is asked by e-mail.", "%(num)s clients are asked by e-mail.",
                                   len(invited)))
