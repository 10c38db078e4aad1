"""What every API route shares: the error body, documented responses, paging and ids."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import Depends, Path, Query, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from servicescape import i18n
from servicescape.db.paging import MAX_PER_PAGE, Page
from servicescape.errors import AuthenticationRequired
from servicescape.schemas import MAX_ID, DigitsOnly, PageOut
from servicescape.web.deps import get_runtime, session_cookie_name

OutT = TypeVar("OutT", bound=BaseModel)

#: far past any real list; keeps (page - 1) * per_page inside a 64-bit OFFSET
MAX_PAGE = 1_000_000


class ErrorBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(description="stable and machine-readable, e.g. not_found, validation_failed")
    message: str = Field(description="for people, in the caller's language")
    field: str | None = Field(None, description="the input that is wrong, when there is one")
    details: Any = Field(None, description="more about the problem, e.g. every invalid field")


class ErrorOut(BaseModel):
    """The one shape of every error answer of the API (4xx, and 503 when the database is busy)."""

    model_config = ConfigDict(extra="forbid")

    error: ErrorBody


_MEANING = {
    400: "The request could not be read (e.g. a body that is not UTF-8).",
    401: "No valid API token or session (missing, revoked, or the account is deactivated).",
    403: "The role does not allow this, or the CSRF token is missing (cookie sessions).",
    404: "There is no such record.",
    409: "It clashes with existing data (a duplicate, or the last active owner).",
    410: "It is over for good (an expired link, a closed campaign).",
    413: "The request body is too large.",
    422: "Invalid input; `field` names it and `details` lists every problem.",
    429: "Too many attempts; try again later.",
    503: "The database stayed busy with other writers (a large import, say): nothing was saved; try again "
         "after the seconds in the Retry-After header.",
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route: our error body for each error it can answer."""
    return {code: {"model": ErrorOut, "description": _MEANING[code]} for code in codes}


READ_ONE = error_responses(401, 403, 404, 422)
READ_MANY = error_responses(401, 403, 422)
CREATE = error_responses(400, 401, 403, 409, 413, 422, 503)
UPDATE = error_responses(400, 401, 403, 404, 409, 413, 422, 503)
#: a create under a record named in the path or the body (a message's version, a contact's account)
CREATE_UNDER = error_responses(400, 401, 403, 404, 409, 413, 422, 503)
DELETE = error_responses(401, 403, 404, 409, 422, 503)

PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE, description="1 is the first page")]
PerPage = Annotated[int, Query(ge=1, le=MAX_PER_PAGE, description="items per page")]
EntityId = Annotated[int, Path(ge=1, le=MAX_ID), DigitsOnly]
IdFilter = Annotated[int | None, Query(ge=1, le=MAX_ID), DigitsOnly]

_TOKEN = HTTPBearer(
    auto_error=False, scheme_name="api_token",
    description="A personal API token (`servicescape user token EMAIL`). A browser session works "
    "too: its cookie, plus the X-CSRF-Token header on writes.",
)


async def credentials_present(
    request: Request, token: HTTPAuthorizationCredentials | None = Security(_TOKEN)
) -> None:
    """An API call with neither a token nor a session cookie is answered 401 at once, before the
    CSRF check would answer it 403 (deps.py checks the credentials themselves). Async: it only
    reads the request, and a plain function would run in the thread pool."""
    if token is None and session_cookie_name(get_runtime(request)) not in request.cookies:
        raise AuthenticationRequired(i18n._("Please sign in."))


#: the ``dependencies=`` of the /api/v1 router (web/app.py); also declares the token in OpenAPI (/api/docs)
API_AUTH = [Depends(credentials_present)]

CREATED_HEADERS = {"Location": {"description": "the URL of the new record",
                                "schema": {"type": "string"}}}


def page_out(page: Page[Any], out: type[OutT]) -> PageOut[OutT]:
    """Render a page of ORM objects (inside the transaction: relationships are not loaded later)."""
    return PageOut[out](  # type: ignore[valid-type]
        items=[out.model_validate(item) for item in page.items],
        total=page.total, page=page.page, per_page=page.per_page, pages=page.pages,
    )
