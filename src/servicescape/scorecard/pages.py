"""The scorecard pages: the scorecard of a period (/scorecard) and the measure catalogue with the
owners' weights (/scorecard/measures)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from servicescape import i18n
from servicescape.auth.permissions import can
from servicescape.db.types import utcnow
from servicescape.errors import ValidationFailed
from servicescape.scorecard import api, service
from servicescape.scorecard.capability import MANAGE, READ
from servicescape.web.deps import RequestContext, signed_in
from servicescape.web.forms import FormInvalid
from servicescape.web.pages.common import FORM_PROBLEMS, Posted, problem_status, see_other
from servicescape.web.templating import render

router = APIRouter(include_in_schema=False)
Reader = Annotated[RequestContext, Depends(signed_in(READ))]
Owner = Annotated[RequestContext, Depends(signed_in(MANAGE))]


@router.get("/scorecard")
def scorecard_view(context: Reader, period: Annotated[str | None, Query(max_length=10)] = None) -> Response:
    problem, found = None, None
    with context.unit() as session:
        try:
            found = service.scorecard(session, context.runtime.settings, period=period or None, now=utcnow(),
                                      by=context.principal)
        except ValidationFailed as failed:
            problem = failed.message
            found = service.scorecard(session, context.runtime.settings, period=None, now=utcnow(),
                                      by=context.principal)
    return render(context, "scorecard/scorecard.html", status_code=422 if problem else 200, active_nav="scorecard",
                  found=found, period=period or "", problem=problem)


def measures_page(context: RequestContext, *, errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    with context.unit() as session:
        found = api.measures_out(service.weights(session, by=context.principal))
    return render(context, "scorecard/measures.html", status_code=status_code, active_nav="scorecard",
                  measures=found, errors=errors or {}, can_weigh=can(context.principal, MANAGE))


@router.get("/scorecard/measures")
def measures_view(context: Reader) -> Response:
    return measures_page(context)


@router.post("/scorecard/measures")
def save_weights(context: Owner, values: Posted) -> Response:
    """The weights form: a number for each measure; those that changed are saved."""
    errors: dict[str, str] = {}
    try:
        with context.unit() as session:
            for key, weight in service.weights(session, by=context.principal).items():
                typed = values.get(key, "").strip().replace(",", ".")
                try:
                    wanted = float(typed)
                except ValueError:
                    errors[key] = i18n._("A weight must be between 0 and %(max)s.", max=int(service.MAX_WEIGHT))
                    continue
                if wanted != weight:
                    try:
                        service.set_weight(session, key, wanted, by=context.principal)
                    except ValidationFailed as problem:
                        errors[key] = problem.message
            if errors:
                raise FormInvalid(errors)
    except FORM_PROBLEMS as problem:
        return measures_page(context, errors=errors, status_code=problem_status(problem))
    return see_other("/scorecard/measures", context, i18n._("The weights were saved."))
