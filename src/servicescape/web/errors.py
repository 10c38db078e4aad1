"""One error handler: JSON ``{"error": {"code", "message", ...}}`` for the API, a page for people."""

from __future__ import annotations

import logging
import secrets
from html import escape
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from servicescape import i18n
from servicescape.db.busy import busy, is_busy
from servicescape.errors import AuthenticationRequired, DatabaseBusy, ServicescapeError
from servicescape.web.deps import PRE_SESSION_COOKIE, RequestContext, _language, get_runtime, identify
from servicescape.web.forms import FORM_WIDE, FormInvalid, field_message
from servicescape.web.security import add_security_headers, csrf_token

log = logging.getLogger("servicescape.web")

STATUS_CODES = {
    400: "bad_request", 401: "authentication_required", 403: "permission_denied", 404: "not_found",
    405: "method_not_allowed", 406: "not_acceptable", 409: "conflict", 410: "gone", 413: "payload_too_large",
    415: "unsupported_media_type", 422: "validation_failed", 429: "too_many_attempts", 503: "busy",
}


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or (
        "application/json" in request.headers.get("accept", "")
        and "text/html" not in request.headers.get("accept", "")
    )


def _fallback_context(request: Request) -> RequestContext:
    context = getattr(request.state, "context", None)
    if isinstance(context, RequestContext):
        return context
    runtime = get_runtime(request)
    try:
        return identify(request, runtime)
    except Exception:  # e.g. a revoked token on a page, or the database is down: show it anonymously
        log.warning("could not identify the caller of an error page", exc_info=True)
    binding = request.cookies.get(PRE_SESSION_COOKIE) or secrets.token_urlsafe(32)
    language = _language(request, runtime, None)
    i18n.activate(language)
    return RequestContext(
        request=request, runtime=runtime, user=None, language=language,
        csrf_token=csrf_token(runtime.settings.secret_key, binding),
        new_pre_session=None if request.cookies.get(PRE_SESSION_COOKIE) else binding,
    )


def error_response(request: Request, status: int, code: str, message: str, *,
                   field: str | None = None, details: Any = None) -> Response:
    if wants_json(request):
        body: dict[str, Any] = {"code": code, "message": message}
        if field is not None:
            body["field"] = field
        if details is not None:
            body["details"] = details
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse({"error": body}, status_code=status, headers=headers)
    context = _fallback_context(request)
    if status == 401 and request.method == "GET":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/signin?next={quote(target)}", status_code=303)
    from servicescape.web.templating import render  # late: templating imports this package's deps
    if status in HTTPStatus._value2member_map_ and message == HTTPStatus(status).phrase:
        message = ""  # "Not Found" is for programs; the template says it in the reader's words
    try:  # the page's title is a sentence for people, chosen by the template from the status
        return render(context, "errors/error.html", status_code=status, message=message or None, error_code=code)
    except Exception:  # the error page itself failed: still answer, plainly, and log why
        log.exception("the error page could not be rendered")
        return HTMLResponse(f"<!doctype html><title>{status}</title><h1>{status}</h1><p>{escape(message)}</p>",
                            status_code=status)


def _input_name(error: Any) -> str:
    """("query", "page") → "page"; ("body", "custom_fields", "a") → "custom_fields.a";
    a body that is not JSON at all names no field (its loc is a character position)."""
    loc = list(error.get("loc", ()))
    if error.get("type") == "json_invalid":
        return ""
    if loc and loc[0] in ("body", "query", "path", "header", "cookie"):
        loc = loc[1:]
    return ".".join(str(part) for part in loc)


def install(app: FastAPI) -> None:
    @app.exception_handler(ServicescapeError)
    async def _product_error(request: Request, exc: ServicescapeError) -> Response:
        if isinstance(exc, DatabaseBusy):
            log.warning("busy: %s", exc.__cause__ or exc)
        elif exc.status_code >= 500:
            log.error("server error: %s", exc)
        response = error_response(request, exc.status_code, exc.code, exc.message, field=exc.field,
                                  details=exc.details)
        retry_after = getattr(exc, "retry_after", None)  # DatabaseBusy, limits.SignInRefused
        if isinstance(retry_after, int):
            response.headers["Retry-After"] = str(retry_after)
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, exc: RequestValidationError) -> Response:
        # programs get pydantic's precise wording ("Input should be 'key', 'growth' or 'standard'"),
        # people the product's ("Choose one of the options."), in their language
        people = not wants_json(request)
        details = [
            {"field": _input_name(err),
             "message": field_message(_input_name(err), err) if people else err.get("msg", ""),  # type: ignore[arg-type]
             "type": err.get("type", "")}
            for err in exc.errors()
        ]
        first = details[0] if details else {"field": None, "message": i18n._("This value is not valid.")}
        if first["field"]:
            message = i18n._("%(field)s: %(problem)s", field=first["field"], problem=first["message"])
        else:
            message = i18n._("The request could not be read: %(problem)s", problem=first["message"])
        return error_response(request, 422, "validation_failed", message,
                              field=first["field"] or None, details=details)

    @app.exception_handler(FormInvalid)
    async def _form_invalid(request: Request, exc: FormInvalid) -> Response:
        # a route that cannot show its form again (nothing to show it with: no survey chosen)
        # answers the first field's message, like any other invalid request
        details = [{"field": name, "message": message} for name, message in exc.errors.items()]
        name, problem = next(iter(exc.errors.items()), (FORM_WIDE, i18n._("This value is not valid.")))
        named = name != FORM_WIDE
        message = i18n._("%(field)s: %(problem)s", field=name, problem=problem) if named else problem
        return error_response(request, 422, "validation_failed", message, field=name if named else None,
                              details=details)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = STATUS_CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        response = error_response(request, exc.status_code, code, message)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(DBAPIError)
    async def _database_error(request: Request, exc: DBAPIError) -> Response:
        if not is_busy(exc):
            raise exc  # to _unexpected: a 500, logged
        # busy outside a unit of work (db.engine.transaction turns its own errors into DatabaseBusy)
        return await _product_error(request, busy())

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        response = error_response(request, 500, "internal_error",
                                  i18n._("Something went wrong on our side; it has been logged."))
        add_security_headers(response, https=get_runtime(request).settings.https or request.url.scheme == "https")
        return response


__all__ = ["AuthenticationRequired", "error_response", "install", "wants_json"]
