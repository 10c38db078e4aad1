"""The pages of what the firm knows and plans: ``/plan`` (plan_pages), ``/competitors``
(competitor_pages), ``/plan/people`` and ``/plan/prestige`` (people_pages); here the key accounts'
needs (``/plan/key-accounts``) and the forms of the client page's section of what a client values."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from servicescape import i18n
from servicescape.db.types import utcnow
from servicescape.plan import competitor_pages, knowledge, people_pages, plan_pages, sections
from servicescape.plan.knowledge_schemas import AccountProfileIn
from servicescape.plan.page_parts import Reader, Writer, lines, page, today
from servicescape.web.client_page import client_page, client_section
from servicescape.web.forms import FormInvalid, FormState, RecordId, errors_of, is_htmx, parse_form
from servicescape.web.pages.common import FORM_PROBLEMS, Posted, problem_status, see_other

router = APIRouter(include_in_schema=False)
for part in (plan_pages.router, competitor_pages.router, people_pages.router):
    router.include_router(part)

SECTION = "account_profile"
PER_PAGE = 100
MAX_PAGE = 100_000
PROFILE_FIELDS = ("needs", "how_they_choose", "last_review_on", "next_review_on")


@router.get("/plan/key-accounts")
def key_accounts_page(context: Reader, page_number: Annotated[int, Query(alias="page", ge=1, le=MAX_PAGE)] = 1
                      ) -> Response:
    """The key accounts with what is recorded of their needs, a page at a time: those never
    recorded and those whose review is overdue stand out; the figures are of them all."""
    settings = context.runtime.settings
    with context.unit() as session:
        found = knowledge.key_account_needs(session, now=utcnow(), today=today(context),
                                            reporting_currency=settings.reporting_currency, by=context.principal)
    pages = max(1, -(-len(found.accounts) // PER_PAGE))
    number = min(page_number, pages)
    return page(context, "plan/key_accounts.html", "key_accounts", found=found, page_number=number, pages=pages,
                shown=found.accounts[(number - 1) * PER_PAGE:number * PER_PAGE],
                never=sum(1 for a in found.accounts if a.profile.never_recorded),
                overdue=sum(1 for a in found.accounts if a.review_overdue))


def parse_criteria(text: str) -> list[dict[str, Any]]:
    """ "Reliability = 40" (or "Reliability: 40"), one a line → the criteria; the service checks the
    weights."""
    found = []
    for line in lines(text):
        name, sep, weight = line.rpartition("=")
        if not sep:
            name, sep, weight = line.rpartition(":")
        weight = weight.strip()
        if not sep or not name.strip() or not (weight.isascii() and weight.isdigit()) or len(weight) > 3:
            raise FormInvalid({"criteria": i18n._("Write each criterion as “name = weight” on a line of its own, "
                                                  "the weight a whole number from 0 to 100.")})
        found.append({"name": name.strip(), "weight": int(weight)})
    return found


def _answer(context: Any, client_id: int, state: FormState, problem: Exception) -> Response:
    if is_htmx(context.request):
        return client_section(context, client_id, SECTION, form=state, status_code=problem_status(problem))
    return client_page(context, client_id, failed=(SECTION, state), status_code=problem_status(problem))


@router.post("/clients/{client_id}/account-profile")
def save_profile(client_id: RecordId, context: Writer, values: Posted) -> Response:
    typed = {name: values.get(name, "") for name in (*PROFILE_FIELDS, "criteria")}
    try:
        criteria = parse_criteria(typed["criteria"])
        data = parse_form(AccountProfileIn, {k: typed[k] for k in PROFILE_FIELDS},
                          zone=context.runtime.settings.zone, fixed={"criteria": criteria})
        with context.unit() as session:
            knowledge.save_profile(session, client_id, data, by=context.principal)
    except FORM_PROBLEMS as problem:
        return _answer(context, client_id, FormState.failed(typed, problem), problem)
    message = i18n._("What the client values was saved.")
    if is_htmx(context.request):
        return client_section(context, client_id, SECTION, message=message)
    return see_other(f"/clients/{client_id}#{SECTION}", context, message)


@router.post("/clients/{client_id}/account-profile/prefill")
def prefill_profile(client_id: RecordId, context: Writer) -> Response:
    try:
        with context.unit() as session:
            knowledge.prefill_from_servqual(session, client_id, by=context.principal)
    except FORM_PROBLEMS as problem:
        with context.unit() as session:
            shown = sections.profile_values(knowledge.profile_of(session, client_id, by=context.principal))
        return _answer(context, client_id, FormState(shown, errors_of(problem)), problem)
    return see_other(f"/clients/{client_id}#{SECTION}", context,
                     i18n._("The criteria were set from the client's SERVQUAL importance split."))
