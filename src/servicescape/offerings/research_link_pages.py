"""The price question a client answers through a private link (``research_links``): ``GET
/price/{token}`` the form in the client's language (``?lang=`` switches), ``POST`` stores the answer
and sends the browser to ``/price/thanks`` (a token-free address: the token is not left in the
history). Unknown links 404, answered ones 409, expired ones 410, too many tries 429, a post from
another site 403 — see ``web.public_pages`` for the rate limits and headers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from servicescape.config import LANGUAGES
from servicescape.errors import Conflict, Gone, NotFound, PermissionDenied, ServicescapeError, ValidationFailed
from servicescape.i18n import _
from servicescape.offerings import research_links
from servicescape.platform import ratelimit
from servicescape.web import public_pages
from servicescape.web.deps import RequestContext
from servicescape.web.templating import render

router = APIRouter(include_in_schema=False)
VIEW, SEND = "offerings.price:get", "offerings.price:post"
FIELDS = (*research_links.QUESTIONS, *research_links.LIKELIHOODS)


async def _posted(request: Request) -> FormData:
    return await request.form()


Posted = Annotated[FormData, Depends(_posted)]


def _token(token: str) -> str:
    if not public_pages.TOKEN.fullmatch(token):
        raise NotFound(_("This link does not exist. Check that the whole link was copied."))
    return token


def _problem(context: RequestContext, problem: ServicescapeError, key: str) -> Response:
    status = {NotFound: 404, Gone: 410, Conflict: 409, ratelimit.RateLimited: 429, PermissionDenied: 403}
    code = next((value for kind, value in status.items() if isinstance(problem, kind)), None)
    if code is None:
        raise problem
    if code == 404:
        public_pages.charge(context, key, viewing=key == VIEW)
    page = render(context, "offerings/price_problem.html", status_code=code, message=problem.message)
    if isinstance(problem, ratelimit.RateLimited):
        page.headers["Retry-After"] = str(problem.retry_after)
    return public_pages.public(page)


def _form(context: RequestContext, token: str, values: dict[str, str], errors: dict[str, str],
          status_code: int = 200) -> Response:
    with context.unit() as session:
        link = research_links.link_form(session, token)
    return render(context, "offerings/price_answer.html", status_code=status_code, link=link,
                  questions=research_links.QUESTION_TEXTS,
                  prices=research_links.QUESTIONS, likelihoods=research_links.LIKELIHOODS, values=values,
                  errors=errors, action=f"/price/{token}", survey_languages=list(LANGUAGES.items()))


@router.get("/price/thanks")
def thanks(request: Request) -> Response:
    context = public_pages.public_context(request)
    return public_pages.public(render(context, "offerings/price_thanks.html"))


@router.get("/price/{token}")
def price_form(request: Request, token: str) -> Response:
    context = public_pages.public_context(request)
    try:
        public_pages.count(context, VIEW, viewing=True)
        with context.unit() as session:
            invitation = research_links.invitation_for(session, _token(token))
            public_pages.speak(context, public_pages.link_language(request, None, invitation.language))
        return public_pages.public(_form(context, token, {}, {}))
    except ServicescapeError as problem:
        return _problem(context, problem, VIEW)


@router.post("/price/{token}")
def price_answer(request: Request, token: str, posted: Posted) -> Response:
    context = public_pages.public_context(request, posted)
    values = {name: str(posted.get(name) or "") for name in FIELDS}
    try:
        public_pages.count(context, SEND, viewing=False)
        if public_pages.cross_site(context):
            raise PermissionDenied(_("This form can only be sent from its own page."))
        with context.unit() as session:
            invitation = research_links.invitation_for(session, _token(token))
            public_pages.speak(context, public_pages.link_language(request, posted, invitation.language))
            research_links.answer(session, token, values)
    except ValidationFailed as problem:
        try:
            return public_pages.public(_form(context, token, values, {problem.field or "": problem.message}, 422))
        except ServicescapeError as again:
            return _problem(context, again, SEND)
    except ServicescapeError as problem:
        return _problem(context, problem, SEND)
    return public_pages.public(RedirectResponse(f"/price/thanks?lang={context.language}", status_code=303))
