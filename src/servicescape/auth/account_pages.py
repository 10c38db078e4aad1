"""The signed-in person's own account (the account menu): change my password, my API tokens.

Both need the current password: changing it (ASVS V2.1.6) and making a token, a credential that
outlives the session (ASVS V3.7.1); those checks count in the sign-in limits (auth/limits.py).
Owners manage other people's tokens with ``servicescape user token|revoke``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form
from fastapi.responses import Response

from servicescape import i18n
from servicescape.auth import service as auth
from servicescape.auth.limits import DEVICE_COOKIE, SignInRefused
from servicescape.auth.models import Staff
from servicescape.auth.passwords import MIN_LENGTH
from servicescape.auth.sign_in import change_own_password, confirm_password
from servicescape.errors import TooManyAttempts, ValidationFailed
from servicescape.web.deps import RequestContext, client_address, session_cookie_name, signed_in
from servicescape.web.forms import RecordId
from servicescape.web.pages.common import see_other
from servicescape.web.templating import render

router = APIRouter(include_in_schema=False)

SignedIn = Annotated[RequestContext, Depends(signed_in())]
Secret = Annotated[str, Form(max_length=1024)]


def _refused(response: Response, problem: TooManyAttempts) -> Response:
    if isinstance(problem, SignInRefused):
        response.headers["Retry-After"] = str(problem.retry_after)
    return response


# --- change my password ---------------------------------------------------------------------------

def _password_page(context: RequestContext, *, errors: dict[str, str] | None = None,
                   status_code: int = 200) -> Response:
    return render(context, "auth/account_password.html", status_code=status_code, errors=errors or {},
                  min_length=MIN_LENGTH)


@router.get("/account/password")
def password_form(context: SignedIn) -> Response:
    return _password_page(context)


@router.post("/account/password")
def change_password(context: SignedIn, current_password: Secret = "", password: Secret = "",
                    password_confirm: Secret = "") -> Response:
    if password != password_confirm:
        return _password_page(context, status_code=422,
                              errors={"password_confirm": i18n._("The two new passwords are not the same.")})
    request = context.request
    try:
        change_own_password(
            context.runtime, current=current_password, new=password, address=client_address(request),
            device=request.cookies.get(DEVICE_COOKIE), by=context.principal,
            keep_session=request.cookies.get(session_cookie_name(context.runtime)),
        )
    except TooManyAttempts as problem:
        return _refused(_password_page(context, errors={"current_password": problem.message},
                                       status_code=problem.status_code), problem)
    except ValidationFailed as problem:
        return _password_page(context, errors={problem.field or "password": problem.message},
                              status_code=problem.status_code)
    return see_other("/", context, i18n._("Your password is changed. Your other sessions have ended; "
                                          "this one continues."))


# --- my API tokens --------------------------------------------------------------------------------

def _tokens_page(context: RequestContext, *, name: str = "", errors: dict[str, str] | None = None,
                 issued: auth.IssuedToken | None = None, status_code: int = 200) -> Response:
    with context.unit() as session:
        me = session.get(Staff, context.principal.id)
        assert me is not None  # the signed-in person's own row
        tokens = auth.tokens_of(session, me, by=context.principal)
    values: dict[str, Any] = {"tokens": tokens, "name": name, "errors": errors or {}, "issued": issued}
    return render(context, "auth/account_tokens.html", status_code=status_code, **values)


@router.get("/account/tokens")
def tokens(context: SignedIn) -> Response:
    return _tokens_page(context)


@router.post("/account/tokens")
def create_token(context: SignedIn, name: Annotated[str, Form(max_length=400)] = "",
                 current_password: Secret = "") -> Response:
    """A new token, shown on this answer only (never put in a URL, a flash or a log)."""
    request = context.request
    try:
        chosen = auth.token_name(name)
        confirm_password(context.runtime, current_password, address=client_address(request),
                         device=request.cookies.get(DEVICE_COOKIE), by=context.principal)
        with context.unit() as session:
            me = session.get(Staff, context.principal.id)
            assert me is not None
            issued = auth.issue_token(session, me, name=chosen, by=context.principal)
    except TooManyAttempts as problem:
        return _refused(_tokens_page(context, name=name, errors={"current_password": problem.message},
                                     status_code=problem.status_code), problem)
    except ValidationFailed as problem:
        return _tokens_page(context, name=name, errors={problem.field or "name": problem.message},
                            status_code=problem.status_code)
    return _tokens_page(context, issued=issued)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(token_id: RecordId, context: SignedIn) -> Response:
    with context.unit() as session:
        me = session.get(Staff, context.principal.id)
        assert me is not None
        revoked = auth.revoke_token(session, me, token_id, by=context.principal)
        name = revoked.name
    return see_other("/account/tokens", context,
                     i18n._("The token “%(name)s” is revoked: nothing can use it any more.", name=name))
