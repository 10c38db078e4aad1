"""``/api/v1/promises``: the promise ledger — record, keep, miss, cancel, re-promise, announce at
risk; the sweep and the reliability figures; recovery tasks; service targets, holidays, leave and
the at-risk notice's wording."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from servicescape.clients.models import Tier
from servicescape.config import LANGUAGES
from servicescape.db.types import utcnow
from servicescape.errors import ValidationFailed
from servicescape.i18n import _
from servicescape.promises import notices, policies, recovery, reliability, service
from servicescape.promises.models import PromiseKind, PromiseStatus
from servicescape.promises.schemas import (
    HolidayIn,
    HolidayOut,
    LeaveIn,
    LeaveOut,
    NoticeIn,
    NoticeOut,
    PolicyOut,
    PolicyPatch,
    PromiseCancel,
    PromiseIn,
    PromiseKeep,
    PromiseMiss,
    PromiseOut,
    PromisePatch,
    RecoveryClose,
    Repromise,
    WordingIn,
    WordingOut,
)
from servicescape.promises.sweep import sweep as run_sweep
from servicescape.schemas import PageOut
from servicescape.tasks.models import TaskStatus
from servicescape.tasks.schemas import TaskOut
from servicescape.web.api.common import (
    CREATE,
    DELETE,
    READ_MANY,
    READ_ONE,
    UPDATE,
    EntityId,
    IdFilter,
    PageNumber,
    PerPage,
    error_responses,
    page_out,
)
from servicescape.web.api.resources import Resource, SignedIn, entity_router

REPROMISE = {**CREATE, **error_responses(404)}
PROMISES = Resource("promises", "promise", service.promises, PromiseIn, PromisePatch, PromiseOut,
                    sample="servicescape.promises.samples:promise")
router = APIRouter(tags=["promises"])


def _out(context: Any, session: Any, promise: Any) -> PromiseOut:
    session.flush()
    session.refresh(promise)
    return PromiseOut.model_validate(promise)


@router.get("/promises", response_model=PageOut[PromiseOut], responses=READ_MANY, name="list_promises",
            summary="The ledger: upcoming (open, soonest first), at risk, broken, or all (newest first)")
def list_all(
    context: SignedIn, page: PageNumber = 1, per_page: PerPage = 50,
    view: Annotated[str, Query(pattern="^(upcoming|at_risk|broken|all)$")] = "upcoming",
    status: PromiseStatus | None = None, owner_id: IdFilter = None, client_id: IdFilter = None,
    kind: PromiseKind | None = None,
    since: Annotated[datetime | None, Query(description="windows starting from, timezone-aware")] = None,
    until: Annotated[datetime | None, Query(description="windows starting before")] = None,
) -> Any:
    for field, value in (("since", since), ("until", until)):
        if value is not None and value.tzinfo is None:
            raise ValidationFailed(_("%(field)s needs a timezone (e.g. 2026-03-01T14:00:00+08:00).", field=field),
                                   field=field)
    filters = service.PromiseFilters(view=view, status=status, owner_id=owner_id, client_id=client_id, kind=kind,
                                     since=since, until=until)
    with context.unit() as session:
        return page_out(service.ledger(session, filters, page=page, per_page=per_page, by=context.principal),
                        PromiseOut)


@router.get("/promises/stats", responses=READ_MANY, name="promise_stats",
            summary="Reliability: kept on time, late, missed, mean lateness — overall, by staff (e-mail), tier, "
                    "package, month and client; clients with two or more broken promises in 90 days")
def stats(context: SignedIn, days: Annotated[int, Query(ge=1, le=1096)] = 365) -> Any:
    now = utcnow()
    with context.unit() as session:
        found = reliability.reliability(session, since=now - timedelta(days=days), until=now,
                                        zone=context.runtime.settings.zone, now=now, by=context.principal)
        effect = recovery.effectiveness(session, now=now, by=context.principal)
    return {**found.as_dict(), "recovery": {"recovered_clients": effect.recovered_clients,
                                            "still_active": effect.still_active, "share": effect.share}}


@router.post("/promises/sweep", responses=UPDATE, name="sweep_promises",
             summary="Run the sweep now: missed promises, risks, complaint breaches, recovery tasks")
def sweep(context: SignedIn) -> Any:
    with context.unit() as session:
        return run_sweep(session, context.runtime.settings, now=utcnow(), by=context.principal).as_dict()


@router.post("/promises/{id}/keep", response_model=PromiseOut, responses=UPDATE, name="keep_promise",
             summary="Kept (late when after the window's end), by whom and when")
def keep(id: EntityId, body: PromiseKeep, context: SignedIn) -> Any:
    with context.unit() as session:
        promise = service.promises.get(session, id, by=context.principal)
        service.keep(session, promise, kept_at=body.kept_at, delivered_by_id=body.delivered_by_id,
                     client_words=body.client_words, by=context.principal)
        return _out(context, session, promise)


@router.post("/promises/{id}/miss", response_model=PromiseOut, responses=UPDATE, name="miss_promise",
             summary="Missed: nobody came (a recovery task opens)")
def miss(id: EntityId, body: PromiseMiss, context: SignedIn) -> Any:
    with context.unit() as session:
        promise = service.promises.get(session, id, by=context.principal)
        service.miss(session, promise, client_words=body.client_words, by=context.principal)
        return _out(context, session, promise)


@router.post("/promises/{id}/cancel", response_model=PromiseOut, responses=UPDATE, name="cancel_promise",
             summary="Cancelled by agreement (out of the reliability figures)")
def cancel(id: EntityId, body: PromiseCancel, context: SignedIn) -> Any:
    with context.unit() as session:
        promise = service.promises.get(session, id, by=context.principal)
        service.cancel(session, promise, reason=body.reason, by=context.principal)
        return _out(context, session, promise)


@router.post("/promises/{id}/confirm", response_model=PromiseOut, responses=UPDATE, name="confirm_promise",
             summary="The window is confirmed with the client")
def confirm(id: EntityId, context: SignedIn) -> Any:
    with context.unit() as session:
        promise = service.promises.get(session, id, by=context.principal)
        service.confirm(session, promise, by=context.principal)
        return _out(context, session, promise)


@router.post("/promises/{id}/repromise", status_code=201, response_model=PromiseOut, responses=REPROMISE,
             name="repromise_promise", summary="A new promise for a broken (or breaking) one; history stays")
def repromise(id: EntityId, body: Repromise, response: Response, context: SignedIn) -> Any:
    with context.unit() as session:
        promise = service.promises.get(session, id, by=context.principal)
        created = service.repromise(session, promise, body.model_dump(), by=context.principal)
        out = _out(context, session, created)
    response.headers["Location"] = f"/api/v1/promises/{out.id}"
    return out


@router.get("/promises/{id}/chain", response_model=list[PromiseOut], responses=READ_ONE, name="promise_chain",
            summary="The promise's story: what it re-promised and what re-promised it, first first")
def chain(id: EntityId, context: SignedIn) -> Any:
    with context.unit() as session:
        promise = service.promises.get(session, id, by=context.principal)
        return [PromiseOut.model_validate(p) for p in service.chain(session, promise, by=context.principal)]


@router.post("/promises/{id}/notice/preview", response_model=NoticeOut, responses=UPDATE, name="preview_promise_notice",
             summary="The at-risk notice as it would go out, in the client's language")
def preview_notice(id: EntityId, body: NoticeIn, context: SignedIn) -> Any:
    with context.unit() as session:
        promise = service.promises.get(session, id, by=context.principal)
        notice = notices.compose(session, context.runtime.settings, promise, new_start=body.new_start,
                                 new_end=body.new_end, by=context.principal)
        return NoticeOut.model_validate(notice, from_attributes=True)


@router.post("/promises/{id}/notice", response_model=NoticeOut, responses=UPDATE, name="send_promise_notice",
             summary="Send the at-risk notice (through the outbox) offering a new window")
def send_notice(id: EntityId, body: NoticeIn, context: SignedIn) -> Any:
    with context.unit() as session:
        promise = service.promises.get(session, id, by=context.principal)
        notice = notices.send(session, context.runtime.settings, promise, new_start=body.new_start,
                              new_end=body.new_end, by=context.principal)
        return NoticeOut.model_validate(notice, from_attributes=True)


# --- recovery tasks ---------------------------------------------------------------------------------

@router.get("/promises/recovery/tasks", response_model=PageOut[TaskOut], responses=READ_MANY,
            name="list_recovery_tasks",
            summary="Recovery tasks (default: open ones, by when they are due)")
def recovery_tasks(context: SignedIn, page: PageNumber = 1, per_page: PerPage = 50,
                   status: TaskStatus | None = TaskStatus.open, owner_id: IdFilter = None) -> Any:
    from servicescape.tasks.service import end_of_today

    with context.unit() as session:
        found = recovery.recovery_page(session, status=status, owner_id=owner_id,
                                       day_end=end_of_today(context.runtime.settings.zone), page=page,
                                       per_page=per_page, by=context.principal)
        return page_out(found, TaskOut)


@router.post("/promises/recovery/tasks/{id}/close", response_model=TaskOut, responses=UPDATE,
             name="close_recovery_task",
             summary="Close a recovery task with its outcome (required)")
def close_recovery(id: EntityId, body: RecoveryClose, context: SignedIn) -> Any:
    with context.unit() as session:
        task = recovery.close(session, id, outcome=body.outcome, by=context.principal)
        session.refresh(task)
        return TaskOut.model_validate(task)


# --- settings: service targets, holidays, leave, the notice's wording ---------------------------

@router.get("/promises/settings/policies", response_model=list[PolicyOut], responses=READ_MANY,
            name="list_service_policies",
            summary="Complaint targets and lateness tolerance per tier")
def list_policies(context: SignedIn) -> Any:
    with context.unit() as session:
        return [PolicyOut(tier=str(p.tier), first_response_hours=p.first_response_hours,
                          resolution_days=p.resolution_days, late_tolerance_minutes=p.late_tolerance_minutes)
                for p in policies.policies(session, by=context.principal)]


@router.patch("/promises/settings/policies/{tier}", response_model=PolicyOut, responses=UPDATE,
              name="update_service_policy",
              summary="Change a tier's targets")
def update_policy(tier: Tier, body: PolicyPatch, context: SignedIn) -> Any:
    with context.unit() as session:
        p = policies.set_policy(session, tier, body.model_dump(exclude_none=True), by=context.principal)
        return PolicyOut(tier=str(p.tier), first_response_hours=p.first_response_hours,
                         resolution_days=p.resolution_days, late_tolerance_minutes=p.late_tolerance_minutes)


@router.get("/promises/settings/holidays", response_model=list[HolidayOut], responses=READ_MANY, name="list_holidays",
            summary="The firm's days off (business-hour targets skip them)")
def list_holidays(context: SignedIn) -> Any:
    with context.unit() as session:
        return [HolidayOut.model_validate(h) for h in policies.holiday_list(session, by=context.principal)]


@router.put("/promises/settings/holidays/{day}", response_model=HolidayOut, responses=UPDATE, name="put_holiday",
            summary="Add a holiday (or rename it)")
def put_holiday(day: date, body: HolidayIn, context: SignedIn) -> Any:
    if body.day != day:
        raise ValidationFailed(_("The day in the path and in the body differ."), field="day")
    with context.unit() as session:
        return HolidayOut.model_validate(policies.add_holiday(session, day, body.name, by=context.principal))


@router.delete("/promises/settings/holidays/{day}", status_code=204, responses=DELETE, name="delete_holiday",
               summary="Remove a holiday")
def delete_holiday(day: date, context: SignedIn) -> Response:
    with context.unit() as session:
        policies.remove_holiday(session, day, by=context.principal)
    return Response(status_code=204)


@router.get("/promises/settings/leave", response_model=list[LeaveOut], responses=READ_MANY, name="list_leave",
            summary="Staff leave (a promise in someone's leave is at risk)")
def list_leave(context: SignedIn, staff_id: IdFilter = None) -> Any:
    with context.unit() as session:
        return [LeaveOut.model_validate(row) for row in policies.leave_list(session, staff_id=staff_id,
                                                                            by=context.principal)]


@router.post("/promises/settings/leave", status_code=201, response_model=LeaveOut, responses=CREATE, name="add_leave",
             summary="Record a staff member's leave")
def add_leave(body: LeaveIn, context: SignedIn) -> Any:
    with context.unit() as session:
        found = policies.leave.create(session, body.model_dump(), by=context.principal)
        return LeaveOut.model_validate(found)


@router.delete("/promises/settings/leave/{id}", status_code=204, responses=DELETE, name="delete_leave",
               summary="Remove a leave")
def delete_leave(id: EntityId, context: SignedIn) -> Response:
    with context.unit() as session:
        policies.leave.delete(session, policies.leave.get(session, id, by=context.principal), by=context.principal)
    return Response(status_code=204)


def _language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValidationFailed(_("Unknown language %(value)s.", value=language), field="language")
    return language


@router.get("/promises/settings/notice/{language}", response_model=WordingOut, responses=READ_ONE,
            name="get_notice_wording",
            summary="The at-risk notice's wording in a language (the firm's own, or the built-in one)")
def get_wording(language: str, context: SignedIn) -> Any:
    with context.unit() as session:
        found = notices.wording_for(session, _language(language), by=context.principal)
        return WordingOut.model_validate(found, from_attributes=True)


@router.put("/promises/settings/notice/{language}", response_model=WordingOut, responses=UPDATE,
            name="put_notice_wording",
            summary="Set the firm's own wording (placeholders {client} {firm} {owner} {window} {new_window})")
def put_wording(language: str, body: WordingIn, context: SignedIn) -> Any:
    with context.unit() as session:
        found = notices.save_wording(session, _language(language), body.subject, body.body, by=context.principal)
        return WordingOut.model_validate(found, from_attributes=True)


@router.delete("/promises/settings/notice/{language}", response_model=WordingOut, responses=UPDATE,
               name="reset_notice_wording", summary="Back to the built-in wording")
def reset_wording(language: str, context: SignedIn) -> Any:
    with context.unit() as session:
        found = notices.reset_wording(session, _language(language), by=context.principal)
        return WordingOut.model_validate(found, from_attributes=True)


# after the fixed paths above: /promises/{id} would otherwise take /promises/stats
router.include_router(entity_router(PROMISES))
