"""Choosing a password from an e-mailed link (invitation, reset), "forgot password", inviting staff."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path
from fastapi.responses import Response

from servicescape import i18n
from servicescape.auth import invitations
from servicescape.auth import service as auth
from servicescape.auth.capability import MANAGE
from servicescape.auth.link_models import LinkPurpose
from servicescape.auth.pages import start_signed_in
from servicescape.auth.passwords import MIN_LENGTH
from servicescape.auth.staff_pages import invitation_queued, staff_page
from servicescape.errors import Conflict, NotFound, ValidationFailed
from servicescape.web.deps import RequestContext, client_address, request_context, signed_in
from servicescape.web.forms import RecordId
from servicescape.web.pages.common import see_other
from servicescape.web.templating import flash, render

router = APIRouter(include_in_schema=False)

Anyone = Annotated[RequestContext, Depends(request_context)]
Manager = Annotated[RequestContext, Depends(signed_in(MANAGE))]
LinkToken = Annotated[str, Path(min_length=20, max_length=100)]
NO_STORE = {"Cache-Control": "no-store"}


def _private(response: Response) -> Response:
    """Pages reached with a one-time link are not kept in caches or the back-forward cache."""
    response.headers.update(NO_STORE)
    return response


# --- forgot password ----------------------------------------------------------------------------

@router.get("/forgot-password")
def forgot_password_form(context: Anyone) -> Response:
    return render(context, "auth/forgot_password.html", email="")


@router.post("/forgot-password")
def forgot_password(context: Anyone, email: str = Form("", max_length=320)) -> Response:
    """The same answer for every address (TooManyAttempts becomes the 429 error page)."""
    try:
        with context.unit() as session:
            invitations.request_reset(session, context.runtime.settings, email=email,
                                      address=client_address(context.request))
    except ValidationFailed as problem:
        return render(context, "auth/forgot_password.html", status_code=problem.status_code, email=email,
                      error=problem.message)
    return render(context, "auth/reset_requested.html", email=email.strip(),
                  minutes=context.runtime.settings.password_reset_valid_minutes)


# --- following a link ---------------------------------------------------------------------------

def _choose_page(context: RequestContext, purpose: LinkPurpose, token: str, *, errors: dict[str, str] | None = None,
                 status_code: int = 200) -> Response:
    try:
        with context.unit() as session:
            staff = invitations.link_holder(session, token, purpose)
            name, email = staff.name, staff.email
    except NotFound:
        return _private(render(context, "auth/link_invalid.html", status_code=404, purpose=purpose.value))
    return _private(render(context, "auth/choose_password.html", status_code=status_code, purpose=purpose.value,
                           name=name, email=email, errors=errors or {}, min_length=MIN_LENGTH))


def _choose(context: RequestContext, purpose: LinkPurpose, token: str, password: str, confirm: str) -> Response:
    if password != confirm:
        return _choose_page(context, purpose, token, status_code=422,
                            errors={"password_confirm": i18n._("The two passwords are not the same.")})
    try:
        with context.unit() as session:
            staff = invitations.choose_password(session, token, purpose, password,
                                                address=client_address(context.request))
    except NotFound:
        return _private(render(context, "auth/link_invalid.html", status_code=404, purpose=purpose.value))
    except ValidationFailed as problem:
        return _choose_page(context, purpose, token, status_code=problem.status_code,
                            errors={problem.field or "password": problem.message})
    response = start_signed_in(context, staff, "/")
    flash(response, context, "success", i18n._("Welcome, %(name)s! Your password is set.", name=staff.name)
          if purpose == LinkPurpose.invite else i18n._("Your new password is set."))
    return _private(response)


@router.get("/welcome/{token}")
def invitation_form(token: LinkToken, context: Anyone) -> Response:
    return _choose_page(context, LinkPurpose.invite, token)


@router.post("/welcome/{token}")
def accept_invitation(token: LinkToken, context: Anyone, password: str = Form("", max_length=1024),
                      password_confirm: str = Form("", max_length=1024)) -> Response:
    return _choose(context, LinkPurpose.invite, token, password, password_confirm)


@router.get("/reset-password/{token}")
def reset_form(token: LinkToken, context: Anyone) -> Response:
    return _choose_page(context, LinkPurpose.reset, token)


@router.post("/reset-password/{token}")
def reset_password(token: LinkToken, context: Anyone, password: str = Form("", max_length=1024),
                   password_confirm: str = Form("", max_length=1024)) -> Response:
    return _choose(context, LinkPurpose.reset, token, password, password_confirm)


# --- owners invite ------------------------------------------------------------------------------

@router.post("/staff/{staff_id}/invitation")
def invite_staff(staff_id: RecordId, context: Manager) -> Response:
    """(Re)send an invitation to an active staff member who has no password yet."""
    try:
        with context.unit() as session:
            person = auth.get_staff(session, staff_id, by=context.principal)
            sent = invitations.invite(session, context.runtime.settings, person, by=context.principal)
            name = sent.staff.name
    except (ValidationFailed, Conflict) as problem:
        return staff_page(context, row_errors={staff_id: problem.message}, status_code=problem.status_code)
    return see_other("/staff", context, invitation_queued(context, name))

