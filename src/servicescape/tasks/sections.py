"""Tasks on a client's page (a section) and on the home page (a panel), declared in capability.py."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from servicescape.clients.models import Client
from servicescape.db.types import utcnow
from servicescape.i18n import _
from servicescape.platform.registry import registry
from servicescape.tasks import service
from servicescape.tasks.models import TaskStatus
from servicescape.web.deps import RequestContext
from servicescape.web.forms import FormState
from servicescape.web.pages.common import owner_options

MY_TASKS = 12


def task_kind_options() -> list[tuple[str, str]]:
    return [(kind, _(label)) for kind, label in registry().task_kinds().items()]


def client_tasks(context: RequestContext, session: Session, client: Client) -> dict[str, Any]:
    open_tasks, recent = service.client_tasks(session, client.id, by=context.principal)
    me = str(context.user.id) if context.user else ""
    return {"open_tasks": open_tasks, "recent": recent, "kinds": task_kind_options(), "now": utcnow(),
            "owners": owner_options(context, session, me, ""),
            "form": FormState({"kind": "follow_up", "priority": "normal", "owner_id": me})}


def my_tasks(context: RequestContext, session: Session) -> dict[str, Any]:
    me = context.principal
    day_end = service.end_of_today(context.runtime.settings.zone)
    counts = service.counts_for(session, me.id, day_end=day_end, by=me)
    page = service.task_page(session, service.TaskFilters(owner_id=me.id, status=TaskStatus.open),
                             day_end=day_end, per_page=MY_TASKS, by=me)
    return {"tasks": page.items, "counts": counts, "more": page.total - len(page.items), "now": utcnow()}
