"""What the pages of every capability share: form problems, post/redirect/get, posted values."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from servicescape import i18n
from servicescape.auth import service as auth
from servicescape.errors import Conflict, ValidationFailed
from servicescape.schemas import MAX_ID
from servicescape.web.deps import RequestContext
from servicescape.web.forms import FormInvalid, FormValues, form_values
from servicescape.web.templating import flash

Posted = Annotated[FormValues, Depends(form_values)]
#: what a form re-renders for, instead of an error page: the person can correct it
FORM_PROBLEMS = (FormInvalid, ValidationFailed, Conflict)


def problem_status(problem: Exception) -> int:
    return problem.status_code if isinstance(problem, ValidationFailed | Conflict) else 422


def see_other(url: str, context: RequestContext, message: str) -> Response:
    """Post/redirect/get with a message on the next page."""
    response = RedirectResponse(url, status_code=303)
    flash(response, context, "success", message)
    return response


def choice(enum_type: Any, value: str, field: str) -> Any:
    """A filter's value from a query string: empty → None, unknown → a 422 naming the field."""
    if not value:
        return None
    try:
        return enum_type(value)
    except ValueError:
        raise ValidationFailed(i18n._("Unknown value %(value)s for %(field)s.", value=value, field=field),
                               field=field) from None


def id_filter(value: str, field: str) -> int | None:
    if not value:
        return None
    if not value.isdigit() or len(value) > 10 or int(value) > MAX_ID:
        raise ValidationFailed(i18n._("Unknown value %(value)s for %(field)s.", value=value, field=field),
                               field=field)
    return int(value)


def owner_options(context: RequestContext, session: Session, selected: str | None, empty: str) -> list[tuple[str, str]]:
    """A select's options for choosing a colleague: ``empty`` first, then the active staff (and the
    one already ``selected``, active or not)."""
    people = auth.directory(session, by=context.principal)
    return [("", empty)] + [(str(p.id), p.name) for p in people if p.active or str(p.id) == (selected or "")]
