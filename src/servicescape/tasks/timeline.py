"""Tasks on a timeline: when one was added, and when it was closed with its outcome (two queries,
each in its own order, so that a task closed today shows today however old it is)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from servicescape.auth.models import Staff
from servicescape.clients.models import Client
from servicescape.i18n import _
from servicescape.platform.timeline import TimelineEvent, TimelineQuery
from servicescape.tasks.models import Task, TaskStatus


def events(session: Session, query: TimelineQuery) -> list[TimelineEvent]:
    return _added(session, query) + _closed(session, query)


def _base(person: Any, moment: Any, query: TimelineQuery) -> Any:
    return (
        select(Task.id, Task.client_id, Task.title, Task.status, Task.outcome, moment, person.name, Client.name)
        .join(Client, Client.id == Task.client_id)
        .where(query.scope.clients(Task.client_id), moment.is_not(None), query.older("task", moment, Task.id))
        .order_by(moment.desc(), Task.id.desc()).limit(query.limit)
    )


def _added(session: Session, query: TimelineQuery) -> list[TimelineEvent]:
    owner = aliased(Staff)
    statement = _base(owner, Task.created_at, query).outerjoin(owner, owner.id == Task.owner_id)
    return [
        TimelineEvent("task", row_id, at, _("Task: %(title)s", title=title), "tasks", client_id,
                      client_name=client_name, actor=owner_name, url=f"/tasks/{row_id}")
        for row_id, client_id, title, _status, _outcome, at, owner_name, client_name in session.execute(statement)
    ]


def _closed(session: Session, query: TimelineQuery) -> list[TimelineEvent]:
    closer = aliased(Staff)
    statement = _base(closer, Task.closed_at, query).outerjoin(closer, closer.id == Task.closed_by_id)
    found = []
    for row_id, client_id, title, status, outcome, at, closer_name, client_name in session.execute(statement):
        done = status == TaskStatus.done
        found.append(TimelineEvent(
            "task", row_id, at, _("Task done: %(title)s", title=title) if done
            else _("Task cancelled: %(title)s", title=title), "check" if done else "close", client_id,
            client_name=client_name, summary=outcome, actor=closer_name, url=f"/tasks/{row_id}",
        ))
    return found
