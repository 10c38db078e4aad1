"""Each staff member's private calendar feed (iCalendar, RFC 5545): their promises, account reviews
and recovery tasks, for any calendar application. The link holds an unguessable token; only its
hash is stored, so the link is shown once, when it is made, and making a new one ends the old."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from servicescape.audit.service import Actor, record
from servicescape.auth.models import Staff
from servicescape.auth.permissions import Principal, require
from servicescape.db.types import utcnow
from servicescape.errors import NotFound
from servicescape.i18n import _, speaking
from servicescape.promises.labels import kind_label
from servicescape.promises.models import Promise, PromiseStatus
from servicescape.relationships.capability import READ, REVIEW
from servicescape.relationships.models import CalendarFeed
from servicescape.tasks.models import Task, TaskStatus
from servicescape.web.deps import client_address, get_runtime

PAST = timedelta(days=30)
AHEAD = timedelta(days=180)
TASK_MINUTES = 30


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_link(session: Session, staff: Staff, *, by: Principal) -> str:
    """A new private token for ``staff`` (the old link stops working) → the token, shown once."""
    require(by, READ)
    if isinstance(by, Staff) and by.id != staff.id:
        require(by, "staff.manage")
    token = secrets.token_urlsafe(32)
    found = session.get(CalendarFeed, staff.id)
    if found is None:
        session.add(CalendarFeed(staff_id=staff.id, token_hash=_hash(token)))
    else:
        found.token_hash, found.created_at, found.last_read_at = _hash(token), utcnow(), None
    session.flush()
    record(session, "calendar_link_made", entity="staff", entity_id=staff.id)
    return token


def feed_of(session: Session, staff_id: int) -> CalendarFeed | None:
    return session.get(CalendarFeed, staff_id)


def staff_for(session: Session, token: str) -> Staff:
    """The active staff member whose link this is (anything else: not found, saying nothing more)."""
    feed = session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == _hash(token)))
    staff = session.get(Staff, feed.staff_id) if feed is not None else None
    if feed is None or staff is None or not staff.active:
        raise NotFound(_("This calendar link does not exist (a newer one may have replaced it)."))
    feed.last_read_at = utcnow()
    return staff


def calendar_for(session: Session, staff: Staff, *, firm_name: str, public_url: str, now: datetime) -> bytes:
    """The feed: promises the person owns, their open reviews and recovery tasks (due dates)."""
    require(staff, READ)
    calendar = Calendar()
    calendar.add("prodid", "-//Servicescape//promises//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{firm_name} – {staff.name}")
    promises = session.scalars(
        select(Promise).options(joinedload(Promise.client))
        .where(Promise.owner_id == staff.id, Promise.window_start >= now - PAST, Promise.window_start < now + AHEAD)
        .order_by(Promise.window_start, Promise.id))
    for promise in promises:
        event = Event()
        event.add("uid", f"promise-{promise.id}@servicescape")
        event.add("dtstamp", promise.updated_at)
        event.add("dtstart", promise.window_start)
        event.add("dtend", promise.window_end)
        event.add("summary", f"{promise.title or kind_label(promise.kind)} – {promise.client.name}")
        if promise.place:
            event.add("location", promise.place)
        event.add("status", "CANCELLED" if promise.status == PromiseStatus.cancelled
                  else "CONFIRMED" if promise.confirmed_at else "TENTATIVE")
        event.add("url", f"{public_url}/promises/{promise.id}")
        event.add("categories", ["promise", promise.status.value])
        calendar.add_component(event)
    tasks = session.scalars(
        select(Task).options(joinedload(Task.client))
        .where(Task.owner_id == staff.id, Task.status == TaskStatus.open, Task.kind.in_((REVIEW, "recovery")),
               Task.due_at.is_not(None), Task.due_at < now + AHEAD)
        .order_by(Task.due_at, Task.id))
    for task in tasks:
        assert task.due_at is not None
        event = Event()
        event.add("uid", f"task-{task.id}@servicescape")
        event.add("dtstamp", task.updated_at)
        event.add("dtstart", task.due_at)
        event.add("dtend", task.due_at + timedelta(minutes=TASK_MINUTES))
        event.add("summary", task.title)
        event.add("url", f"{public_url}/tasks/{task.id}")
        event.add("categories", [task.kind])
        calendar.add_component(event)
    return calendar.to_ical()


router = APIRouter(include_in_schema=False)


@router.get("/calendar/{token}.ics")
def feed(request: Request, token: Annotated[str, Path(min_length=20, max_length=100)]) -> Response:
    """The feed itself: no sign-in (calendar applications cannot); the token is the key."""
    runtime = get_runtime(request)
    settings = runtime.settings
    with runtime.transaction(Actor("calendar feed", address=client_address(request))) as session:
        staff = staff_for(session, token)
        with speaking(staff.language or settings.default_language):
            body = calendar_for(session, staff, firm_name=settings.firm_name, public_url=settings.public_url,
                                now=utcnow())
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"})
