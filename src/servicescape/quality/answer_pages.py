"""The public answer page of a survey link, and its unsubscribe page: no sign-in, the token in the
link is the key.

* ``GET /s/{token}`` the survey in the recipient's language (``?lang=`` switches, a plain link,
  so it works without JavaScript), with the answers saved so far; ``POST`` saves them
  (``action=save``, back to the form) or sends them (``action=submit``: every check; problems get
  a 422 page that names them at the top and beside each question, with the answers kept).
  An unknown token is 404 and says nothing more; an expired link or a closed campaign 410; a link
  answered already 409 on a second sending (a plain visit shows that it was answered).
* The page greets the recipient by the invitation's greeting name and shows nothing else about
  the client. Responses are ``no-store``, ``no-referrer`` (the token never leaves in a Referer)
  and ``noindex``.
* Every route is rate-limited per client address (``platform.ratelimit``: settings
  ``public_get_per_minute``, ``public_post_per_minute``); an unknown token counts double, which
  slows guessing (a token is 256 bits: there is nothing to enumerate).
* CSRF: the form has no session. Its protection is the token itself (a page on another site
  cannot know it), cookies that are ``SameSite=Lax`` where any exist, and an origin check: a
  post that the browser marks as cross-site (``Sec-Fetch-Site``) or whose ``Origin`` is another
  site is refused (403). ``Origin: null`` is accepted: browsers send it for this page's own posts,
  since the page asks for no referrer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from servicescape import i18n
from servicescape.config import LANGUAGES
from servicescape.errors import Conflict, Gone, NotFound, PermissionDenied, ServicescapeError, ValidationFailed
from servicescape.i18n import _
from servicescape.platform import ratelimit
from servicescape.quality import answers, campaigns, instrument, surveys
from servicescape.quality.models import ItemKind, Survey
from servicescape.web import public_pages
from servicescape.web.deps import RequestContext
from servicescape.web.templating import render

router = APIRouter(include_in_schema=False)

VIEW, SEND = "quality.answer:get", "quality.answer:post"
_context, _speak, _cross_site, _public = (
    public_pages.public_context, public_pages.speak, public_pages.cross_site, public_pages.public)
TOKEN = public_pages.TOKEN


def _limit(context: RequestContext, key: str) -> ratelimit.Limit:
    return public_pages.limit(context, key == VIEW)


def _count(context: RequestContext, key: str) -> None:
    ratelimit.check(context.request, key, _limit(context, key))


def _token(token: str) -> str:
    """The token, or NotFound for anything that cannot be one (the same answer as an unknown one)."""
    if not TOKEN.fullmatch(token):
        raise NotFound(_("This survey link does not exist. Check that the whole link was copied."))
    return token


def _problem(context: RequestContext, problem: ServicescapeError, key: str) -> Response:
    """The page of a link that cannot be answered: unknown (404), closed (410), answered (409),
    too many requests (429), from another site (403)."""
    if isinstance(problem, NotFound):
        ratelimit.charge(context.request, key, _limit(context, key))    # a miss counts double
        page = render(context, "quality/answer_problem.html", status_code=404, kind="unknown",
                      message=problem.message)
    elif isinstance(problem, Gone):
        page = render(context, "quality/answer_closed.html", status_code=410, message=problem.message)
    elif isinstance(problem, Conflict):
        page = render(context, "quality/answer_answered.html", status_code=409)
    elif isinstance(problem, ratelimit.RateLimited):
        page = render(context, "quality/answer_problem.html", status_code=429, kind="limited",
                      message=problem.message)
        page.headers["Retry-After"] = str(problem.retry_after)
    elif isinstance(problem, PermissionDenied):
        page = render(context, "quality/answer_problem.html", status_code=403, kind="foreign",
                      message=problem.message)
    else:
        raise problem
    return _public(page)


async def _posted(request: Request) -> FormData:
    return await request.form()


Posted = Annotated[FormData, Depends(_posted)]


# ---- the questions as the page shows them -------------------------------------------------------

@dataclass
class Question:
    kind: str                   # servqual | importance | scale | single | multiple | text
    code: str
    number: int
    text: str
    required: bool
    expected: str = ""          # a SERVQUAL statement's expectation form
    low: int = 0
    high: int = 0
    low_label: str = ""
    high_label: str = ""
    choices: list[tuple[int, str]] = field(default_factory=list)
    parts: list[tuple[str, str, str]] = field(default_factory=list)   # importance: (code, label, hint)


def _questions(survey: Survey, language: str) -> list[Question]:
    """The survey's questions in ``language`` (the importance items are one question)."""
    found: list[Question] = []
    importance: Question | None = None
    with i18n.speaking(language):
        for item in survey.items:
            number = len(found) + 1
            if item.kind == ItemKind.servqual:
                found.append(Question("servqual", item.code, number, surveys.item_text(item, language), item.required,
                                      expected=surveys.expected_text(item, language), low=1, high=7,
                                      low_label=_("Strongly disagree"), high_label=_("Strongly agree")))
            elif item.kind == ItemKind.importance:
                if importance is None:
                    importance = Question("importance", item.code, number, _(instrument.IMPORTANCE_QUESTION),
                                          item.required, high=answers.IMPORTANCE_TOTAL)
                    found.append(importance)
                dimension = item.dimension or ""
                importance.parts.append((item.code, surveys.item_text(item, language),
                                         _(instrument.DIMENSION_HINTS[dimension])
                                         if dimension in instrument.DIMENSION_HINTS else ""))
            elif item.kind == ItemKind.nps:
                found.append(Question("scale", item.code, number, surveys.item_text(item, language), item.required,
                                      low=0, high=10, low_label=_("Not at all likely"),
                                      high_label=_("Extremely likely")))
            elif item.kind == ItemKind.csat:
                found.append(Question("scale", item.code, number, surveys.item_text(item, language), item.required,
                                      low=1, high=5, low_label=_("Very dissatisfied"), high_label=_("Very satisfied")))
            elif item.kind == ItemKind.scale:
                found.append(Question("scale", item.code, number, surveys.item_text(item, language), item.required,
                                      low=item.scale_min or 1, high=item.scale_max or 5))
            elif item.kind in (ItemKind.single, ItemKind.multiple):
                found.append(Question(item.kind.value, item.code, number, surveys.item_text(item, language),
                                      item.required, choices=list(enumerate(surveys.choice_texts(item, language)))))
            else:
                found.append(Question("text", item.code, number, surveys.item_text(item, language), item.required,
                                      high=answers.MAX_ANSWER_TEXT))
    return found


def _labels(questions: list[Question]) -> dict[str, str]:
    """Each form field's name → how the error summary names it."""
    labels: dict[str, str] = {}
    for question in questions:
        if question.kind == "servqual":
            labels[f"{question.code}_e"] = f"{question.number}. {_(instrument.EXPECTED_PROMPT)}"
            labels[f"{question.code}_p"] = f"{question.number}. {_(instrument.PERCEIVED_PROMPT)}"
        elif question.kind == "importance":
            labels[question.code] = f"{question.number}. {question.text}"
            for code, label, _hint in question.parts:
                labels.setdefault(code, f"{question.number}. {label}")
        else:
            labels[question.code] = f"{question.number}. {question.text}"
    return labels


def _values(form: FormData, survey: Survey) -> dict[str, answers.RawValue]:
    """The posted answers by field name (a multiple choice: always a list)."""
    multiple = {item.code for item in survey.items if item.kind == ItemKind.multiple}
    values: dict[str, answers.RawValue] = {}
    for key in set(form.keys()) - {"action", "lang"}:
        given = [value for value in form.getlist(key) if isinstance(value, str)]
        values[key] = given if key in multiple or len(given) != 1 else given[0]
    return values


def _total(questions: list[Question], values: dict[str, Any]) -> int:
    """The importance points given so far (shown without JavaScript; app.js keeps it live)."""
    total = 0
    for question in questions:
        for code, _label, _hint in question.parts:
            raw = values.get(code)
            if isinstance(raw, str) and raw.strip().isdigit():
                total += int(raw.strip())
    return total


def _language_for(request: Request, posted: FormData | None, language: str) -> str:
    return public_pages.link_language(request, posted, language)


def _form_page(context: RequestContext, form: answers.Form, token: str, *, values: dict[str, Any],
               errors: dict[str, str] | None = None, saved: bool = False, status_code: int = 200) -> Response:
    invitation, survey = form.invitation, form.survey
    questions = _questions(survey, context.language)
    intro = (survey.intro or {}).get(context.language) or _(
        "Thank you for taking a few minutes to tell us how we are doing. Your answers help us serve you better.")
    return render(context, "quality/answer.html", status_code=status_code, greeting_name=invitation.greeting_name,
                  intro=intro, questions=questions, values=values, errors=errors or {}, labels=_labels(questions),
                  importance_total=_total(questions, values), saved=saved, action=f"/s/{token}",
                  survey_languages=list(LANGUAGES.items()), expires_at=invitation.expires_at)


# ---- the routes ---------------------------------------------------------------------------------
# A link once used sends the browser on to a page without its token (the address bar, the history
# and a shared screenshot no longer hold the key): the thanks, the unsubscribed and the answered
# pages are token-free, in the language the link was answered in (?lang=).

#: the token-free pages a used link sends to: path → template
AFTER_USE = {"thanks": "quality/answer_thanks.html", "unsubscribed": "quality/answer_unsubscribed.html",
             "answered": "quality/answer_answered.html"}


def _after_use(context: RequestContext, page: str) -> Response:
    return _public(RedirectResponse(f"/s/{page}?lang={context.language}", status_code=303))


def _page_after_use(template: str) -> Callable[[Request], Response]:
    def page(request: Request) -> Response:
        context = _context(request)
        try:
            _count(context, VIEW)
        except ServicescapeError as problem:
            return _problem(context, problem, VIEW)
        return _public(render(context, template))

    return page


for _name, _template in AFTER_USE.items():   # before /s/{token}, which would take them for tokens
    router.add_api_route(f"/s/{_name}", _page_after_use(_template), methods=["GET"], name=f"survey_{_name}")


@router.get("/s/{token}")
def answer_form(request: Request, token: str) -> Response:
    context = _context(request)
    try:
        _count(context, VIEW)
        with context.unit() as session:
            form = answers.form_for(session, _token(token))
            _speak(context, _language_for(request, None, form.invitation.language))
            if form.invitation.answered_at is not None:
                return _after_use(context, "answered")
            page = _form_page(context, form, token, values=form.saved, saved=request.query_params.get("saved") == "1")
    except ServicescapeError as problem:
        return _problem(context, problem, VIEW)
    return _public(page)


@router.post("/s/{token}")
def answer(request: Request, token: str, posted: Posted) -> Response:
    """``action=save`` keeps the answers given so far; ``action=submit`` sends them, checked."""
    context = _context(request, posted)
    submit = posted.get("action") == "submit"
    try:
        _count(context, SEND)
        if _cross_site(context):
            raise PermissionDenied(_("This form can only be sent from its own page."))
        with context.unit() as session:
            form = answers.form_for(session, _token(token))
            language = _language_for(request, posted, form.invitation.language)
            _speak(context, language)
            answers.answer_by_link(session, context.runtime.settings, token, _values(posted, form.survey),
                                   submit=submit, language=language)
    except ValidationFailed as problem:
        return _refused(context, token, posted, problem)
    except ServicescapeError as problem:
        return _problem(context, problem, SEND)
    if submit:
        return _after_use(context, "thanks")
    return _public(RedirectResponse(f"/s/{token}?saved=1&lang={context.language}", status_code=303))


def _refused(context: RequestContext, token: str, posted: FormData, problem: ValidationFailed) -> Response:
    """The form again, with the answers as given, each problem beside its question and all of
    them at the top (nothing was saved)."""
    errors: dict[str, str] = dict(problem.beside) if isinstance(problem, answers.AnswersRefused) else {}
    for detail in problem.details or [{"field": problem.field or "", "message": problem.message}]:
        errors.setdefault(str(detail.get("field") or ""), str(detail.get("message") or ""))
    try:
        with context.unit() as session:
            form = answers.form_for(session, token)
            return _public(_form_page(context, form, token, values=_values(posted, form.survey), errors=errors,
                                      status_code=problem.status_code))
    except ServicescapeError as again:
        return _problem(context, again, SEND)


@router.get("/s/{token}/unsubscribe")
def unsubscribe_form(request: Request, token: str) -> Response:
    context = _context(request)
    try:
        _count(context, VIEW)
        with context.unit() as session:
            invitation = campaigns.invitation_of(session, _token(token))
            _speak(context, _language_for(request, None, invitation.language))
    except ServicescapeError as problem:
        return _problem(context, problem, VIEW)
    return _public(render(context, "quality/answer_unsubscribe.html", action=f"/s/{token}/unsubscribe"))


@router.post("/s/{token}/unsubscribe")
def unsubscribe(request: Request, token: str, posted: Posted) -> Response:
    context = _context(request, posted)
    try:
        _count(context, SEND)
        if _cross_site(context):
            raise PermissionDenied(_("This form can only be sent from its own page."))
        with context.unit() as session:
            invitation = campaigns.invitation_of(session, _token(token))
            _speak(context, _language_for(request, posted, invitation.language))
            campaigns.opt_out(session, token)
    except ServicescapeError as problem:
        return _problem(context, problem, SEND)
    return _after_use(context, "unsubscribed")
