"""``/plan/people``: who may resolve complaints and grant goodwill without asking (managers set it),
the share of recoveries front-line staff closed, and staff qualifications with their renewals;
``/plan/prestige``: the firm's articles, talks and forums with the enquiries they brought."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from servicescape import i18n
from servicescape.errors import ValidationFailed
from servicescape.plan import people
from servicescape.plan.knowledge_schemas import EmpowermentIn, PrestigeIn, QualificationIn
from servicescape.plan.models import PrestigeKind, QualificationKind
from servicescape.plan.page_parts import Manager, Reader, Writer, page, today
from servicescape.web.deps import RequestContext
from servicescape.web.forms import FormInvalid, FormState, RecordId, parse_count, parse_form
from servicescape.web.pages.common import FORM_PROBLEMS, Posted, owner_options, problem_status, see_other

router = APIRouter(include_in_schema=False)
RECOVERY_DAYS = 90
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)
QUALIFICATION_FIELDS = ("staff_id", "kind", "name", "issuer", "obtained_on", "renews_on")
PRESTIGE_FIELDS = ("kind", "title", "happened_on", "audience", "venue", "staff_id", "enquiries", "notes")


def _period(since: date | None, until: date | None, context: RequestContext) -> tuple[date, date]:
    last = until or today(context)
    first = since or last - timedelta(days=RECOVERY_DAYS)
    for day, name in ((first, "since"), (last, "until")):
        if not EARLIEST <= day <= LATEST:
            raise ValidationFailed(i18n._("Unknown value %(value)s for %(field)s.", value=day.isoformat(),
                                          field=name), field=name)
    return first, last


def _empowerment_values(row: people.EmpowermentRow) -> dict[str, str]:
    e = row.empowerment
    return {"resolve_complaints": "true" if e and e.resolve_complaints else "",
            "goodwill_limit": format(e.goodwill_limit.normalize(), "f") if e and e.goodwill_limit is not None else "",
            "currency": e.currency or "" if e else ""}


def people_view(context: RequestContext, *, since: date | None = None, until: date | None = None,
                failed: int | None = None, edit: FormState | None = None, add: FormState | None = None,
                status_code: int = 200) -> Response:
    first, last = _period(since, until, context)
    zone = context.runtime.settings.zone
    now = today(context)
    with context.unit() as session:
        rows = people.empowerment_list(session, by=context.principal)
        recoveries = people.frontline_recoveries(session, datetime.combine(first, time(), zone),
                                                 datetime.combine(last + timedelta(days=1), time(), zone),
                                                 by=context.principal)
        held = people.qualification_list(session, by=context.principal)
        staff = owner_options(context, session, (add.values.get("staff_id") if add else None), "—")
    forms = {row.staff.id: edit if failed == row.staff.id and edit else FormState(_empowerment_values(row))
             for row in rows}
    return page(context, "plan/people.html", "people", status_code=status_code, rows=rows, forms=forms,
                failed=failed, recoveries=recoveries, first=first, last=last, held=held, today=now,
                soon=now + timedelta(days=people.RENEWAL_DAYS), staff_options=staff,
                add=add or FormState({"kind": QualificationKind.certification.value}),
                kind_options=[(k.value, i18n._(label)) for k, label in people.QUALIFICATION_LABELS.items()],
                kind_labels={k.value: i18n._(label) for k, label in people.QUALIFICATION_LABELS.items()})


@router.get("/plan/people")
def people_page(context: Reader, since: date | None = None, until: date | None = None) -> Response:
    return people_view(context, since=since, until=until)


@router.post("/plan/people/{staff_id}/empowerment")
def set_empowerment(staff_id: RecordId, context: Manager, values: Posted) -> Response:
    typed = {"resolve_complaints": "true" if values.get("resolve_complaints") else "false",
             "goodwill_limit": values.get("goodwill_limit", ""), "currency": values.get("currency", "")}
    try:
        data = parse_form(EmpowermentIn, typed, zone=context.runtime.settings.zone, amounts=("goodwill_limit",))
        with context.unit() as session:
            people.set_empowerment(session, staff_id, data, by=context.principal)
    except FORM_PROBLEMS as problem:
        typed["resolve_complaints"] = "true" if values.get("resolve_complaints") else ""
        return people_view(context, failed=staff_id, edit=FormState.failed(typed, problem),
                           status_code=problem_status(problem))
    return see_other(f"/plan/people#person-{staff_id}", context, i18n._("What they may do without asking was saved."))


@router.post("/plan/qualifications")
def add_qualification(context: Manager, values: Posted) -> Response:
    typed = {name: values.get(name, "") for name in QUALIFICATION_FIELDS}
    try:
        data = parse_form(QualificationIn, typed, zone=context.runtime.settings.zone)
        with context.unit() as session:
            people.qualifications.create(session, data, by=context.principal)
    except FORM_PROBLEMS as problem:
        return people_view(context, add=FormState.failed(typed, problem), status_code=problem_status(problem))
    return see_other("/plan/people#qualifications", context, i18n._("The qualification was added."))


@router.post("/plan/qualifications/{qualification_id}/delete")
def delete_qualification(qualification_id: RecordId, context: Manager) -> Response:
    with context.unit() as session:
        found = people.qualifications.get(session, qualification_id, by=context.principal)
        people.qualifications.delete(session, found, by=context.principal)
    return see_other("/plan/people#qualifications", context, i18n._("The qualification was deleted."))


# --- articles, talks and forums ---------------------------------------------------------------------

def prestige_view(context: RequestContext, *, add: FormState | None = None, status_code: int = 200) -> Response:
    with context.unit() as session:
        items = people.prestige_list(session, by=context.principal)
        totals = people.prestige_totals(session, by=context.principal)
        authors = owner_options(context, session, (add.values.get("staff_id") if add else None), "—")
    years: dict[int, dict[str, Any]] = {}
    for total in totals:
        years.setdefault(total.year, {})[total.kind.value] = total
    return page(context, "plan/prestige.html", "prestige", status_code=status_code, entries=items, years=years,
                kinds=list(PrestigeKind), author_options=authors,
                add=add or FormState({"kind": PrestigeKind.article.value, "happened_on": today(context).isoformat(),
                                      "enquiries": "0"}),
                kind_options=[(k.value, i18n._(label)) for k, label in people.PRESTIGE_LABELS.items()],
                kind_labels={k.value: i18n._(label) for k, label in people.PRESTIGE_LABELS.items()})


@router.get("/plan/prestige")
def prestige_page(context: Reader) -> Response:
    return prestige_view(context)


@router.post("/plan/prestige")
def add_prestige(context: Writer, values: Posted) -> Response:
    typed = {name: values.get(name, "") for name in PRESTIGE_FIELDS}
    try:
        try:
            enquiries = parse_count(typed["enquiries"] or "0", 0, people.MAX_ENQUIRIES)
        except ValueError as problem:
            raise FormInvalid({"enquiries": str(problem)}) from None
        data = parse_form(PrestigeIn, {k: v for k, v in typed.items() if k != "enquiries"},
                          zone=context.runtime.settings.zone, fixed={"enquiries": enquiries})
        with context.unit() as session:
            people.prestige.create(session, data, by=context.principal)
    except FORM_PROBLEMS as problem:
        return prestige_view(context, add=FormState.failed(typed, problem), status_code=problem_status(problem))
    return see_other("/plan/prestige", context, i18n._("“%(title)s” was added.", title=data["title"]))


@router.post("/plan/prestige/{item_id}/delete")
def delete_prestige(item_id: RecordId, context: Manager) -> Response:
    with context.unit() as session:
        found = people.prestige.get(session, item_id, by=context.principal)
        people.prestige.delete(session, found, by=context.principal)
    return see_other("/plan/prestige", context, i18n._("The item was deleted."))
