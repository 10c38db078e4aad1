"""What the plan's knowledge pages share: who may open or post them, today on the firm's clock, and
rendering under the plan's navigation entry."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Depends
from fastapi.responses import Response

from servicescape.analytics.labels import Numbers
from servicescape.db.types import utcnow
from servicescape.plan.capability import MANAGE, READ, WRITE
from servicescape.web.deps import RequestContext, signed_in
from servicescape.web.templating import Formatter, render

Reader = Annotated[RequestContext, Depends(signed_in(READ))]
Writer = Annotated[RequestContext, Depends(signed_in(WRITE))]
Manager = Annotated[RequestContext, Depends(signed_in(MANAGE))]


def today(context: RequestContext) -> date:
    return utcnow().astimezone(context.runtime.settings.zone).date()


def numbers(context: RequestContext) -> Numbers:
    return Numbers(str(Formatter(context.language, context.runtime.settings.zone).locale))


def page(context: RequestContext, template: str, active: str, status_code: int = 200, **values: Any) -> Response:
    return render(context, template, status_code=status_code, active_nav="plan", active=active,
                  numbers=numbers(context), can_write=context.can(WRITE), can_manage=context.can(MANAGE),
                  **values)


def lines(text: str | None) -> list[str]:
    """A textarea's lines, trimmed, without the empty ones."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def comma_list(text: str | None) -> list[str]:
    """ "Commercial, Enterprise" → ["Commercial", "Enterprise"]."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]
