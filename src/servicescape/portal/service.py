"""What a contact may do in the portal, and how the firm answers.

A contact confirms an appointment, asks for another window, raises a service request or a
complaint, or orders a package level or an add-on. Each act is a ``PortalRequest`` (so it lands on
the client's timeline); those that need someone open a task for the promise's or the client's
owner. Asking never edits the firm's history: a new window is the firm's re-promise, an order
becomes an engagement when the firm accepts it.

Every contact-side function takes the portal account and looks its records up *within the
account's client*: a record of another client is "not found", exactly like one that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicescape.auth.models import Staff
from servicescape.auth.permissions import SYSTEM, Principal, require
from servicescape.clients.models import Client, EngagementStatus
from servicescape.clients.service import engagements
from servicescape.db.types import utcnow
from servicescape.errors import Conflict, NotFound, ValidationFailed
from servicescape.i18n import _
from servicescape.offerings.models import EngagementLevel, PackageAddon, PackageLevel, ServicePackage
from servicescape.portal.capability import READ, WRITE
from servicescape.portal.models import PortalRequest, PortalUser, RequestKind, RequestStatus
from servicescape.promises import service as promises
from servicescape.promises.complaints import complaints
from servicescape.promises.models import Promise, PromiseStatus
from servicescape.tasks import service as tasks
from servicescape.tasks.models import Task, TaskStatus

TASK_KIND = "portal_request"
MAX_TEXT = 4000
#: how soon after asking the owner should answer
ANSWER_WITHIN = timedelta(days=1)


def _text(value: str | None, field: str, *, required: bool) -> str | None:
    cleaned = (value or "").strip()
    if not cleaned:
        if required:
            raise ValidationFailed(_("Please write a few words."), field=field)
        return None
    if len(cleaned) > MAX_TEXT:
        raise ValidationFailed(_("Please keep it under %(n)s characters.", n=MAX_TEXT), field=field)
    return cleaned


def _promise_of(session: Session, user: PortalUser, promise_id: int) -> Promise:
    promise = session.scalar(select(Promise).where(Promise.id == promise_id, Promise.client_id == user.client_id))
    if promise is None:
        raise NotFound(_("There is no such appointment."), field="promise_id")
    return promise


def _changeable(promise: Promise) -> None:
    if promise.status in (PromiseStatus.kept, PromiseStatus.late):
        raise Conflict(_("This appointment took place already; it cannot be changed."), field="promise_id")
    if promise.status != PromiseStatus.open:
        raise Conflict(_("This appointment is no longer open; it cannot be changed."), field="promise_id")


def _task_for(session: Session, request: PortalRequest, title: str, owner_id: int | None) -> None:
    task = tasks.ensure_task(session, dedupe_key=f"portal_request:{request.id}", rule="portal.request", data={
        "kind": TASK_KIND, "title": title[:300], "notes": request.message, "client_id": request.client_id,
        "related_type": "portal_request", "related_id": request.id, "owner_id": owner_id,
        "due_at": utcnow() + ANSWER_WITHIN}, by=SYSTEM)
    request.task_id = task.id


def _client_owner(session: Session, client_id: int) -> int | None:
    return session.scalar(select(Client.owner_id).where(Client.id == client_id))


def confirm(session: Session, user: PortalUser, promise_id: int) -> PortalRequest:
    """The contact confirms the window: the promise is confirmed (no task: nothing to answer)."""
    promise = _promise_of(session, user, promise_id)
    _changeable(promise)
    promises.confirm(session, promise, by=SYSTEM)
    request = PortalRequest(client_id=user.client_id, user_id=user.id, kind=RequestKind.confirm,
                            status=RequestStatus.accepted, promise_id=promise.id, answered_at=utcnow())
    session.add(request)
    session.flush()
    return request


def ask_reschedule(session: Session, user: PortalUser, promise_id: int, *, start: datetime | None,
                   end: datetime | None, message: str | None) -> PortalRequest:
    """Another window asked for: a request for the promise's owner (the promise is untouched)."""
    promise = _promise_of(session, user, promise_id)
    _changeable(promise)
    if start is None:
        raise ValidationFailed(_("Choose the day and time that would suit you."), field="preferred_start")
    if start.tzinfo is None or (end is not None and end.tzinfo is None):
        raise ValidationFailed(_("The time needs a timezone."), field="preferred_start")
    end = end or start + (promise.window_end - promise.window_start)
    if end <= start:
        raise ValidationFailed(_("The window must end after it starts."), field="preferred_end")
    if start < utcnow():
        raise ValidationFailed(_("Choose a time in the future."), field="preferred_start")
    # by the promise only (kind and status checked here): given status = 'open' in SQL, SQLite reads
    # every open request of every client through ix_portal_request_status (10 ms at 100,000 clients)
    asked = session.execute(select(PortalRequest.kind, PortalRequest.status)
                            .where(PortalRequest.promise_id == promise.id)).all()
    if any(kind == RequestKind.reschedule and status == RequestStatus.open for kind, status in asked):
        raise Conflict(_("You asked for another time; we will answer soon."),
                       field="promise_id")
    request = PortalRequest(client_id=user.client_id, user_id=user.id, kind=RequestKind.reschedule,
                            promise_id=promise.id, preferred_start=start, preferred_end=end,
                            message=_text(message, "message", required=False))
    session.add(request)
    session.flush()
    _task_for(session, request, _("The client asks for another window: %(title)s", title=promise.title or "—"),
              promise.owner_id or _client_owner(session, user.client_id))
    return request


def ask_service(session: Session, user: PortalUser, message: str | None) -> PortalRequest:
    text = _text(message, "message", required=True)
    request = PortalRequest(client_id=user.client_id, user_id=user.id, kind=RequestKind.service, message=text)
    session.add(request)
    session.flush()
    _task_for(session, request, _("Service request from the portal: %(text)s", text=(text or "")[:120]),
              _client_owner(session, user.client_id))
    return request


def raise_complaint(session: Session, user: PortalUser, text: str | None, *,
                    promise_id: int | None = None) -> PortalRequest:
    """A complaint, recorded as one: its response and resolution clocks start now."""
    words = _text(text, "text", required=True)
    if promise_id is not None:
        _promise_of(session, user, promise_id)
    complaint = complaints.create(session, {"client_id": user.client_id, "text": words, "received_at": utcnow(),
                                            "promise_id": promise_id,
                                            "owner_id": _client_owner(session, user.client_id)}, by=SYSTEM)
    request = PortalRequest(client_id=user.client_id, user_id=user.id, kind=RequestKind.complaint,
                            complaint_id=complaint.id, promise_id=promise_id, message=words)
    session.add(request)
    session.flush()
    return request


def order(session: Session, user: PortalUser, *, level_id: int | None = None, addon_id: int | None = None,
          message: str | None = None) -> PortalRequest:
    """An order of a level or an add-on from the firm's catalogue: the owner confirms it."""
    if (level_id is None) == (addon_id is None):
        raise ValidationFailed(_("Choose one level or one add-on."), field="level_id")
    if level_id is not None:
        found = session.execute(select(PackageLevel.name, ServicePackage.name)
                                .join(ServicePackage, ServicePackage.id == PackageLevel.package_id)
                                .where(PackageLevel.id == level_id, ServicePackage.active.is_(True))).first()
        field = "level_id"
    else:
        found = session.execute(select(PackageAddon.name, ServicePackage.name)
                                .join(ServicePackage, ServicePackage.id == PackageAddon.package_id)
                                .where(PackageAddon.id == addon_id, PackageAddon.active.is_(True),
                                       ServicePackage.active.is_(True))).first()
        field = "addon_id"
    if found is None:
        raise NotFound(_("There is no such package in our catalogue."), field=field)
    request = PortalRequest(client_id=user.client_id, user_id=user.id, kind=RequestKind.order, level_id=level_id,
                            addon_id=addon_id, message=_text(message, "message", required=False))
    session.add(request)
    session.flush()
    _task_for(session, request, _("Order from the portal: %(package)s, %(item)s", package=found[1], item=found[0]),
              _client_owner(session, user.client_id))
    return request


# --- the firm's side -------------------------------------------------------------------------------

@dataclass(frozen=True)
class RequestFilters:
    status: RequestStatus | None = RequestStatus.open
    client_id: int | None = None


def requests(session: Session, filters: RequestFilters, *, limit: int = 100, by: Principal) -> list[PortalRequest]:
    require(by, READ)
    query = select(PortalRequest).where(PortalRequest.kind.in_(
        (RequestKind.reschedule, RequestKind.service, RequestKind.order)))
    if filters.status is not None:
        query = query.where(PortalRequest.status == filters.status)
    if filters.client_id is not None:
        query = query.where(PortalRequest.client_id == filters.client_id)
    return list(session.scalars(query.order_by(PortalRequest.created_at.desc(), PortalRequest.id.desc())
                                .limit(limit)))


def get_request(session: Session, request_id: int, *, by: Principal) -> PortalRequest:
    require(by, READ)
    request = session.get(PortalRequest, request_id)
    if request is None:
        raise NotFound(_("There is no portal request %(id)s.", id=request_id))
    return request


def _answer(session: Session, request: PortalRequest, status: RequestStatus, answer: str | None,
            by: Principal) -> None:
    if request.status != RequestStatus.open:
        raise Conflict(_("This request was answered already."), field="status")
    request.status, request.answer, request.answered_at = status, answer, utcnow()
    request.answered_by_id = by.id if isinstance(by, Staff) else None
    if request.task_id is not None:
        task = session.get(Task, request.task_id)
        if task is not None and task.status == TaskStatus.open:
            tasks.close(session, task, outcome=answer or status.value, by=by)
    session.flush()


def accept(session: Session, request: PortalRequest, *, start: datetime | None = None, end: datetime | None = None,
           answer: str | None = None, by: Principal) -> Any:
    """Accept a request. A new window: the old promise is cancelled by agreement with the client
    (the firm broke nothing) and a new one made for the window (the asked one unless another is
    given), re-promising it. An order: a proposed engagement at the level ordered. Returns what
    was made (the new promise, the engagement, or the request)."""
    require(by, WRITE)
    answer = _text(answer, "answer", required=False)
    made: Any = request
    if request.kind == RequestKind.reschedule:
        old = session.get(Promise, request.promise_id) if request.promise_id is not None else None
        if old is None:
            raise Conflict(_("The appointment of this request no longer exists."), field="promise_id")
        _changeable(old)
        window = (start or request.preferred_start, end or request.preferred_end)
        promises.cancel(session, old, reason=_("The client asked for another window (portal request %(id)s).",
                                               id=request.id), by=by)
        made = promises.promises.create(session, {
            "client_id": old.client_id, "engagement_id": old.engagement_id, "kind": old.kind, "title": old.title,
            "place": old.place, "owner_id": old.owner_id, "window_start": window[0], "window_end": window[1]},
            by=by)
        made.repromised_from_id, made.confirmed_at = old.id, utcnow()   # the client chose the window
    elif request.kind == RequestKind.order and request.level_id is not None:
        level = session.get(PackageLevel, request.level_id)
        if level is None:
            raise Conflict(_("The level ordered is no longer in the catalogue."), field="level_id")
        made = engagements.create(session, {"client_id": request.client_id, "package_id": level.package_id,
                                            "status": EngagementStatus.proposed,
                                            "description": request.message}, by=by)
        session.add(EngagementLevel(engagement_id=made.id, level_id=level.id))
    _answer(session, request, RequestStatus.accepted, answer, by)
    return made


def decline(session: Session, request: PortalRequest, *, answer: str | None, by: Principal) -> PortalRequest:
    """Decline a request; the contact sees why."""
    require(by, WRITE)
    _answer(session, request, RequestStatus.declined, _text(answer, "answer", required=True), by)
    return request
