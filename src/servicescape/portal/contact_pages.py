"""The client portal's pages, for a client's contacts (not staff): ``/portal/...``.

* Signing in: ``/portal/signin`` asks for an e-mail (a one-time link is e-mailed) or a password.
  A link (``/portal/link/{token}``) shows a button; only the POST spends it (mail scanners that
  open links do not), then the browser is sent to ``/portal``: the token leaves the address bar.
* The session cookie (``ss_portal``) is the contact's alone: it opens no staff page, and a staff
  session opens no portal page. Posts carry a CSRF token bound to it.
* Every page reads the signed-in account's client only (portal/view.py, portal/service.py); an id
  in the address that is another client's is "not found", like one that does not exist.
* The sign-in routes are rate-limited per client address like every sign-in-free page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from servicescape import i18n
from servicescape.config import LANGUAGES
from servicescape.db.types import utcnow
from servicescape.errors import CsrfFailed, NotFound, PermissionDenied, ValidationFailed
from servicescape.i18n import _
from servicescape.portal import accounts, documents, service, view
from servicescape.portal.models import PortalUser
from servicescape.runtime import Runtime
from servicescape.web import public_pages
from servicescape.web.api.common import EntityId
from servicescape.web.deps import RequestContext, client_address, get_runtime
from servicescape.web.forms import parse_id
from servicescape.web.pages.common import FORM_PROBLEMS, problem_status
from servicescape.web.security import csrf_token, csrf_valid
from servicescape.web.templating import flash, render

router = APIRouter(include_in_schema=False)
SIGN_IN_VIEW, SIGN_IN_POST = "portal.signin:get", "portal.signin:post"
HOME = "/portal"
#: the language a contact chose with the switcher (their account's own is the settings page's)
LANGUAGE_COOKIE = "ss_portal_lang"


def cookie_name(runtime: Runtime) -> str:
    return "__Host-ss_portal" if runtime.settings.https else "ss_portal"


@dataclass
class PortalContext(RequestContext):
    """A portal request: ``user`` (staff) is always None; ``contact`` is the signed-in account."""

    contact: PortalUser | None = None


def _context(request: Request, form: FormData | None = None) -> PortalContext:
    runtime = get_runtime(request)
    cookie = request.cookies.get(cookie_name(runtime))
    user, own_language = None, None
    if cookie:
        with runtime.transaction() as session:
            user = accounts.resolve_session(session, runtime.settings, cookie)
            if user is not None:
                own_language = accounts.language_of(session, user, runtime.settings)
                session.expunge(user)
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    language = (public_pages.asked_language(request, form) or public_pages.asked_language(request)
                or (chosen if chosen in LANGUAGES else None) or own_language
                or i18n.negotiate(request.headers.get("accept-language")) or runtime.settings.default_language)
    i18n.activate(language)
    token = csrf_token(runtime.settings.secret_key, f"portal:{cookie}") if user is not None else ""
    context = PortalContext(request=request, runtime=runtime, user=None, language=language, csrf_token=token,
                            contact=user)
    request.state.context = context
    return context


async def _signed_in(request: Request) -> tuple[PortalContext, FormData | None]:
    """The contact's context; a post must carry the session's CSRF token."""
    form = await request.form() if request.method == "POST" else None
    context = _context(request, form)
    if context.contact is not None and form is not None:
        presented = form.get("csrf_token")
        binding = f"portal:{request.cookies.get(cookie_name(context.runtime))}"
        if not csrf_valid(context.runtime.settings.secret_key, binding,
                          presented if isinstance(presented, str) else None):
            raise CsrfFailed(_("The form expired or did not come from this site; reload the page and try again."))
    return context, form


def _to_sign_in(context: PortalContext) -> Response:
    return RedirectResponse(f"/portal/signin?lang={quote(context.language)}", status_code=303)


def _page(context: PortalContext, template: str, status_code: int = 200, **values: Any) -> Response:
    response = render(context, template, status_code=status_code, languages_here=list(LANGUAGES.items()), **values)
    if public_pages.asked_language(context.request):     # the switcher's choice holds on the next pages
        response.set_cookie(LANGUAGE_COOKIE, context.language, max_age=365 * 24 * 3600, httponly=True,
                            samesite="lax", secure=context.runtime.settings.https, path="/portal")
    return public_pages.public(response)


def _done(context: PortalContext, message: str, url: str = HOME) -> Response:
    response = RedirectResponse(url, status_code=303)
    flash(response, context, "success", message)
    return response


def _unit(context: PortalContext) -> Any:
    assert context.contact is not None
    return context.runtime.transaction(accounts.actor(context.contact, client_address(context.request)))


def _attempt(context: PortalContext, form: FormData | None, act: Callable[[Session, PortalUser], object],
             done: str, url: str = HOME) -> Response | Exception | None:
    """A form's post: ``act`` in one transaction as the contact, then back to the overview with
    ``done`` (a Response); the problem to show again with the form; None for a plain visit."""
    if form is None:
        return None
    assert context.contact is not None
    try:
        with _unit(context) as session:
            act(session, context.contact)
    except FORM_PROBLEMS as problem:
        return problem
    return _done(context, done, url)


def _form_page(context: PortalContext, template: str, problem: Exception | None, form: FormData | None,
               **values: Any) -> Response:
    return _page(context, template, status_code=problem_status(problem) if problem else 200, problem=problem,
                 form=form, **values)


def _text(form: FormData | None, name: str) -> str:
    value = form.get(name) if form is not None else None
    return value if isinstance(value, str) else ""


def _id(form: FormData | None, name: str) -> int | None:
    return _number(_text(form, name).strip(), name)


def _number(value: str, name: str) -> int | None:
    if not value:
        return None
    try:
        return parse_id(value)
    except ValueError:
        raise ValidationFailed(_("Unknown value %(value)s for %(field)s.", value=value[:20], field=name),
                               field=name) from None


def _moment(context: PortalContext, form: FormData | None, name: str) -> datetime | None:
    """A ``datetime-local`` field, read on the firm's clock."""
    value = _text(form, name).strip()
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=context.runtime.settings.zone)
    except ValueError:
        raise ValidationFailed(_("Not a date and time: %(value)s.", value=value[:30]), field=name) from None


# --- signing in ------------------------------------------------------------------------------------

@router.get("/portal/signin")
def sign_in_form(request: Request) -> Response:
    context = _context(request)
    public_pages.count(context, SIGN_IN_VIEW, viewing=True)
    if context.contact is not None:
        return RedirectResponse(HOME, status_code=303)
    return _page(context, "portal/signin.html", sent=False)


@router.post("/portal/signin")
async def sign_in(request: Request) -> Response:
    form = await request.form()
    context = _context(request, form)
    public_pages.count(context, SIGN_IN_POST, viewing=False)
    if public_pages.cross_site(context):
        raise PermissionDenied(_("This form must be sent from this site."))
    email, password = _text(form, "email"), _text(form, "password")
    runtime = context.runtime
    if password:
        user = accounts.authenticate(runtime, email, password, address=client_address(request))
        if user is None:
            return _page(context, "portal/signin.html", status_code=401, sent=False, email=email,
                         problem=_("That e-mail and password do not match an account of the client portal."))
        return _start(context, user)
    with runtime.transaction() as session:
        accounts.request_link(session, runtime.settings, email)
    return _page(context, "portal/signin.html", sent=True, email=email)


@router.get("/portal/link/{token}")
def link_form(request: Request, token: str) -> Response:
    context = _context(request)
    public_pages.count(context, SIGN_IN_VIEW, viewing=True)
    return _page(context, "portal/link.html", action=f"/portal/link/{token}")


@router.post("/portal/link/{token}")
async def use_link(request: Request, token: str) -> Response:
    form = await request.form()
    context = _context(request, form)
    public_pages.count(context, SIGN_IN_POST, viewing=False)
    if public_pages.cross_site(context):
        raise PermissionDenied(_("This form must be sent from this site."))
    try:
        if not public_pages.TOKEN.fullmatch(token):
            raise NotFound(_("This sign-in link has expired or was used already. Ask for a new one below."))
        with context.runtime.transaction() as session:
            user = accounts.use_link(session, token, address=client_address(request))
            session.expunge(user)
    except NotFound as problem:
        public_pages.charge(context, SIGN_IN_POST, viewing=False)    # a miss counts double
        return _page(context, "portal/signin.html", status_code=404, sent=False, problem=problem.message)
    return _start(context, user)


def _start(context: PortalContext, user: PortalUser) -> Response:
    runtime = context.runtime
    with runtime.transaction(accounts.actor(user, client_address(context.request))) as session:
        token = accounts.start_session(session, user, address=client_address(context.request))
    response = RedirectResponse(HOME, status_code=303)
    response.set_cookie(cookie_name(runtime), token, httponly=True, samesite="lax", secure=runtime.settings.https,
                        path="/")
    return response


@router.post("/portal/signout")
async def sign_out(request: Request) -> Response:
    context, _form = await _signed_in(request)
    cookie = request.cookies.get(cookie_name(context.runtime))
    if cookie:
        with context.runtime.transaction() as session:
            accounts.end_session(session, cookie)
    response = RedirectResponse("/portal/signin", status_code=303)
    response.delete_cookie(cookie_name(context.runtime), path="/")
    return response


# --- the contact's pages ---------------------------------------------------------------------------

@router.get("/portal")
async def home(request: Request) -> Response:
    context, _form = await _signed_in(request)
    if context.contact is None:
        return _to_sign_in(context)
    with _unit(context) as session:
        found = view.home(session, context.runtime.settings, context.contact)
        return _page(context, "portal/home.html", home=found, now=utcnow())


@router.post("/portal/promises/{promise_id}/confirm")
async def confirm(request: Request, promise_id: EntityId) -> Response:
    context, _form = await _signed_in(request)
    if context.contact is None:
        return _to_sign_in(context)
    with _unit(context) as session:
        service.confirm(session, context.contact, promise_id)
    return _done(context, _("Thank you: the appointment is confirmed."))


@router.api_route("/portal/promises/{promise_id}/reschedule", methods=["GET", "POST"])
async def reschedule(request: Request, promise_id: EntityId) -> Response:
    context, form = await _signed_in(request)
    if context.contact is None:
        return _to_sign_in(context)
    outcome = _attempt(context, form, lambda session, user: service.ask_reschedule(
        session, user, promise_id, start=_moment(context, form, "preferred_start"),
        end=_moment(context, form, "preferred_end"), message=_text(form, "message")),
        _("We received your request for another time and will answer soon."))
    if isinstance(outcome, Response):
        return outcome
    with _unit(context) as session:
        promise = next((line for line in view.promises_of(session, context.contact.client_id)
                        if line.id == promise_id), None)
    if promise is None:
        raise NotFound(_("There is no such appointment."))
    return _form_page(context, "portal/reschedule.html", outcome, form, promise=promise)


@router.api_route("/portal/ask", methods=["GET", "POST"])
async def ask(request: Request) -> Response:
    """A service request or a complaint (``kind``)."""
    context, form = await _signed_in(request)
    if context.contact is None:
        return _to_sign_in(context)
    kind = _text(form, "kind") or request.query_params.get("kind", "service")
    kind = kind if kind in ("service", "complaint") else "service"

    def act(session: Session, user: PortalUser) -> object:
        if kind == "complaint":
            return service.raise_complaint(session, user, _text(form, "message"), promise_id=_id(form, "promise_id"))
        return service.ask_service(session, user, _text(form, "message"))

    outcome = _attempt(context, form, act, _("Thank you: we have your message and will come back to you."))
    if isinstance(outcome, Response):
        return outcome
    return _form_page(context, "portal/ask.html", outcome, form, kind=kind)


@router.api_route("/portal/order", methods=["GET", "POST"])
async def order(request: Request) -> Response:
    context, form = await _signed_in(request)
    if context.contact is None:
        return _to_sign_in(context)

    def act(session: Session, user: PortalUser) -> object:
        kind, _sep, number = _text(form, "item").partition(":")
        chosen = _number(number if kind in ("level", "addon") else "", "item")
        return service.order(session, user, level_id=chosen if kind == "level" else None,
                             addon_id=chosen if kind == "addon" else None, message=_text(form, "message"))

    outcome = _attempt(context, form, act, _("Thank you for your order: we will confirm it shortly."))
    if isinstance(outcome, Response):
        return outcome
    with _unit(context) as session:
        catalogue = view.orderable(session)
    return _form_page(context, "portal/order.html", outcome, form, catalogue=catalogue)


@router.get("/portal/documents/{document_id}")
async def document(request: Request, document_id: EntityId) -> Response:
    context, _form = await _signed_in(request)
    if context.contact is None:
        return _to_sign_in(context)
    with _unit(context) as session:
        return documents.download_response(documents.document_for_client(session, context.contact.client_id,
                                                                         document_id))


@router.api_route("/portal/settings", methods=["GET", "POST"])
async def settings_page(request: Request) -> Response:
    context, form = await _signed_in(request)
    if context.contact is None:
        return _to_sign_in(context)
    language = _text(form, "language")
    outcome = _attempt(context, form, lambda session, user: accounts.change_settings(
        session, user, language=language, promise_emails=_text(form, "promise_emails") == "on",
        password=_text(form, "password") or None),
        _("Your settings are saved."), f"/portal/settings?lang={quote(language)}")
    if isinstance(outcome, Response):
        return outcome
    return _form_page(context, "portal/settings.html", outcome, form)
