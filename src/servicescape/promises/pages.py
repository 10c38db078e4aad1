"""The promise ledger's pages: the ledger (upcoming, at risk, broken, all; quick keep and miss with
htmx), recording a promise, and a promise's page — its story of re-promises, keeping it (by whom,
when, the client's words), missing, cancelling, confirming, re-promising, and the at-risk notice."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from servicescape import i18n
from servicescape.clients import service as clients
from servicescape.db.types import utcnow
from servicescape.promises import notices, recovery, service
from servicescape.promises.capability import MANAGE, READ, WRITE
from servicescape.promises.labels import kind_options
from servicescape.promises.models import PromiseKind, PromiseStatus
from servicescape.promises.schemas import PromiseIn, PromisePatch, Repromise
from servicescape.web.deps import RequestContext, signed_in
from servicescape.web.forms import (
    FormInvalid,
    FormState,
    RecordId,
    errors_of,
    is_htmx,
    local_input,
    parse_form,
    parse_local_moment,
)
from servicescape.web.pages.common import (
    FORM_PROBLEMS,
    Posted,
    choice,
    id_filter,
    owner_options,
    problem_status,
    see_other,
)
from servicescape.web.templating import render

router = APIRouter(include_in_schema=False)

Reader = Annotated[RequestContext, Depends(signed_in(READ))]
Writer = Annotated[RequestContext, Depends(signed_in(WRITE))]
Manager = Annotated[RequestContext, Depends(signed_in(MANAGE))]
PER_PAGE = 50
MOMENTS = ("window_start", "window_end")


def _data(context: RequestContext, values: dict[str, str], *, client_required: bool = True) -> dict[str, Any]:
    """The promise form's values; its "client" field takes a client's name, number or other id."""
    typed = values.get("client", "").strip()
    fixed: dict[str, Any] = {}
    if typed or client_required:
        with context.unit() as session:
            fixed["client_id"] = clients.find_client(session, typed, by=context.principal).id
    schema = PromiseIn if client_required else PromisePatch
    return parse_form(schema, values, zone=context.runtime.settings.zone, fixed=fixed, moments=MOMENTS)


@router.get("/promises")
def ledger(
    context: Reader,
    view: Annotated[str, Query(max_length=10)] = "upcoming",
    owner: Annotated[str, Query(max_length=20)] = "",
    kind: Annotated[str, Query(max_length=20)] = "",
    client: Annotated[str, Query(max_length=20)] = "",
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    if view not in service.VIEWS:
        view = "upcoming"
    filters = service.PromiseFilters(view=view, owner_id=id_filter(owner, "owner"), kind=choice(PromiseKind, kind,
                                                                                                "kind"),
                                     client_id=id_filter(client, "client"))
    with context.unit() as session:
        found = service.ledger(session, filters, page=page, per_page=PER_PAGE, clamp=True, by=context.principal)
        owners = owner_options(context, session, owner, i18n._("Everyone"))
        client_name = clients.clients.get(session, filters.client_id, by=context.principal).name \
            if filters.client_id else None
    query = {"view": view, "owner": owner, "kind": kind, "client": client}
    return render(context, "promises/ledger.html", active_nav="promises", found=found, query=query, owners=owners,
                  kinds=kind_options(), client_name=client_name, now=utcnow(), staff=_staff(context))


def _staff(context: RequestContext) -> list[tuple[str, str]]:
    with context.unit() as session:
        return owner_options(context, session, None, i18n._("The owner"))


def promise_form(context: RequestContext, state: FormState, *, status_code: int = 200) -> Response:
    with context.unit() as session:
        owners = owner_options(context, session, state.values.get("owner_id"), i18n._("Me"))
    return render(context, "promises/form.html", status_code=status_code, active_nav="promises", form=state,
                  owners=owners, kinds=kind_options())


@router.get("/promises/new")
def new_promise(context: Writer, client: Annotated[str, Query(max_length=300)] = "") -> Response:
    prefill = client
    if client.isdigit():
        with context.unit() as session:
            prefill = clients.clients.get(session, int(client), by=context.principal).name
    return promise_form(context, FormState({"kind": "appointment", "client": prefill,
                                            "owner_id": str(context.principal.id)}))


@router.post("/promises")
def create_promise(context: Writer, values: Posted) -> Response:
    try:
        data = _data(context, values)
        with context.unit() as session:
            promise = service.promises.create(session, data, by=context.principal)
            promise_id = promise.id
    except FORM_PROBLEMS as problem:
        return promise_form(context, FormState.failed(values, problem), status_code=problem_status(problem))
    return see_other(f"/promises/{promise_id}", context, i18n._("The promise was recorded."))


def promise_page(context: RequestContext, promise_id: int, *, forms: dict[str, FormState] | None = None,
                 notice: notices.Notice | None = None, status_code: int = 200) -> Response:
    zone = context.runtime.settings.zone
    forms = forms or {}
    with context.unit() as session:
        promise = service.get_promise(session, promise_id, by=context.principal)
        story = service.chain(session, promise, by=context.principal)
        recovery_task = recovery.task_for(session, "promise", promise.id, by=context.principal)
        people = owner_options(context, session, None, i18n._("The owner"))
        edit = forms.get("edit") or FormState({
            "title": promise.title or "", "kind": promise.kind.value, "place": promise.place or "",
            "owner_id": str(promise.owner_id or ""), "window_start": local_input(promise.window_start, zone),
            "window_end": local_input(promise.window_end, zone), "notes": promise.notes or "",
            "client": promise.client.name,
        })
        length = promise.window_end - promise.window_start
        later = max(promise.window_start, utcnow()) + timedelta(days=1)
        repromise = forms.get("repromise") or FormState({
            "window_start": local_input(later, zone), "window_end": local_input(later + length, zone),
            "owner_id": str(promise.owner_id or ""),
        })
        if notice is None and promise.status == PromiseStatus.open and promise.at_risk:
            notice = notices.compose(session, context.runtime.settings, promise, by=context.principal)
    return render(context, "promises/detail.html", status_code=status_code, active_nav="promises", promise=promise,
                  story=story, people=people, owners=people[1:], kinds=kind_options(), form=edit,
                  keep_form=forms.get("keep") or FormState({"kept_at": local_input(utcnow(), zone)}),
                  miss_form=forms.get("miss") or FormState(), cancel_form=forms.get("cancel") or FormState(),
                  repromise_form=repromise, notice_form=forms.get("notice") or FormState(
                      {"new_start": local_input(notice.new_start, zone), "new_end": local_input(notice.new_end, zone)}
                      if notice else {}),
                  notice=notice, risks=risk_reasons(promise.at_risk), recovery_task=recovery_task, now=utcnow())


def risk_reasons(at_risk: str | None) -> list[str]:
    """Why the sweep found a promise at risk, in words."""
    words = {"unconfirmed": i18n._("not confirmed and starting soon"),
             "double_booked": i18n._("its owner is booked twice at that time"),
             "on_leave": i18n._("its owner is on leave")}
    return [words.get(reason, reason) for reason in (at_risk or "").split(",") if reason]


@router.get("/promises/{promise_id}")
def promise_detail(promise_id: RecordId, context: Reader) -> Response:
    return promise_page(context, promise_id)


@router.post("/promises/{promise_id}")
def save_promise(promise_id: RecordId, context: Writer, values: Posted) -> Response:
    try:
        data = _data(context, values, client_required=False)
        with context.unit() as session:
            promise = service.promises.get(session, promise_id, by=context.principal)
            service.promises.update(session, promise, data, by=context.principal)
    except FORM_PROBLEMS as problem:
        return promise_page(context, promise_id, forms={"edit": FormState.failed(values, problem)},
                            status_code=problem_status(problem))
    return see_other(f"/promises/{promise_id}", context, i18n._("The promise was saved."))


def _moment(values: dict[str, str], name: str, context: RequestContext) -> datetime | None:
    text = values.get(name, "").strip()
    if not text:
        return None
    try:
        return parse_local_moment(text, context.runtime.settings.zone)
    except ValueError as exc:
        raise FormInvalid({name: str(exc)}) from None


def _row_or_page(context: RequestContext, promise_id: int, message: str) -> Response:
    """After a quick action: the ledger's row (htmx) or the promise's page."""
    if is_htmx(context.request):
        with context.unit() as session:
            promise = service.get_promise(session, promise_id, by=context.principal)
        response = render(context, "promises/_ledger_row.html", promise=promise, now=utcnow(), message=message,
                          staff=_staff(context))
        return response
    return see_other(f"/promises/{promise_id}", context, message)


@router.post("/promises/{promise_id}/keep")
def keep_promise(promise_id: RecordId, context: Writer, values: Posted) -> Response:
    try:
        delivered = values.get("delivered_by_id", "").strip()
        with context.unit() as session:
            promise = service.promises.get(session, promise_id, by=context.principal)
            service.keep(session, promise, kept_at=_moment(values, "kept_at", context),
                         delivered_by_id=id_filter(delivered, "delivered_by_id"),
                         client_words=values.get("client_words"), by=context.principal)
            late = promise.status == PromiseStatus.late
    except FORM_PROBLEMS as problem:
        if is_htmx(context.request):
            return _problem_row(context, promise_id, problem)
        return promise_page(context, promise_id, forms={"keep": FormState.failed(values, problem)},
                            status_code=problem_status(problem))
    return _row_or_page(context, promise_id, i18n._("Kept late: a recovery task may follow.") if late
                        else i18n._("The promise was kept."))


def _problem_row(context: RequestContext, promise_id: int, problem: Exception) -> Response:
    with context.unit() as session:
        promise = service.get_promise(session, promise_id, by=context.principal)
    errors = errors_of(problem)  # type: ignore[arg-type]
    return render(context, "promises/_ledger_row.html", status_code=problem_status(problem), promise=promise,
                  now=utcnow(), error=next(iter(errors.values())), staff=_staff(context))


@router.post("/promises/{promise_id}/miss")
def miss_promise(promise_id: RecordId, context: Writer, values: Posted) -> Response:
    try:
        with context.unit() as session:
            promise = service.promises.get(session, promise_id, by=context.principal)
            service.miss(session, promise, client_words=values.get("client_words"), by=context.principal)
    except FORM_PROBLEMS as problem:
        if is_htmx(context.request):
            return _problem_row(context, promise_id, problem)
        return promise_page(context, promise_id, forms={"miss": FormState.failed(values, problem)},
                            status_code=problem_status(problem))
    return _row_or_page(context, promise_id, i18n._("Marked as missed; a recovery task is open."))


@router.post("/promises/{promise_id}/cancel")
def cancel_promise(promise_id: RecordId, context: Writer, values: Posted) -> Response:
    try:
        with context.unit() as session:
            promise = service.promises.get(session, promise_id, by=context.principal)
            service.cancel(session, promise, reason=values.get("reason"), by=context.principal)
    except FORM_PROBLEMS as problem:
        return promise_page(context, promise_id, forms={"cancel": FormState.failed(values, problem)},
                            status_code=problem_status(problem))
    return see_other(f"/promises/{promise_id}", context, i18n._("The promise was cancelled."))


@router.post("/promises/{promise_id}/confirm")
def confirm_promise(promise_id: RecordId, context: Writer) -> Response:
    try:
        with context.unit() as session:
            service.confirm(session, service.promises.get(session, promise_id, by=context.principal),
                            by=context.principal)
    except FORM_PROBLEMS as problem:
        return promise_page(context, promise_id, forms={"edit": FormState.failed({}, problem)},
                            status_code=problem_status(problem))
    return _row_or_page(context, promise_id, i18n._("The window is confirmed."))


@router.post("/promises/{promise_id}/repromise")
def repromise(promise_id: RecordId, context: Writer, values: Posted) -> Response:
    try:
        data = parse_form(Repromise, values, zone=context.runtime.settings.zone, moments=MOMENTS)
        with context.unit() as session:
            promise = service.promises.get(session, promise_id, by=context.principal)
            created = service.repromise(session, promise, data, by=context.principal).id
    except FORM_PROBLEMS as problem:
        return promise_page(context, promise_id, forms={"repromise": FormState.failed(values, problem)},
                            status_code=problem_status(problem))
    return see_other(f"/promises/{created}", context,
                     i18n._("The new promise was recorded; the broken one stays as it was."))


@router.post("/promises/{promise_id}/notice")
def send_notice(promise_id: RecordId, context: Writer, values: Posted) -> Response:
    try:
        with context.unit() as session:
            promise = service.promises.get(session, promise_id, by=context.principal)
            sent = notices.send(session, context.runtime.settings, promise,
                                new_start=_moment(values, "new_start", context),
                                new_end=_moment(values, "new_end", context), by=context.principal)
    except FORM_PROBLEMS as problem:
        return promise_page(context, promise_id, forms={"notice": FormState.failed(values, problem)},
                            status_code=problem_status(problem))
    return see_other(f"/promises/{promise_id}", context,
                     i18n._("The notice to %(email)s is in the outbox.", email=sent.to or ""))


@router.post("/promises/{promise_id}/delete")
def delete_promise(promise_id: RecordId, context: Manager) -> Response:
    with context.unit() as session:
        promise = service.promises.get(session, promise_id, by=context.principal)
        service.promises.delete(session, promise, by=context.principal)
    return see_other("/promises", context, i18n._("The promise was deleted."))
