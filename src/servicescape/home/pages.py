"""The start page and the health check."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, RedirectResponse, Response

from servicescape.errors import NotFound
from servicescape.web.deps import RequestContext, request_context, signed_in
from servicescape.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(context: RequestContext = Depends(signed_in())) -> Response:
    return RedirectResponse("/clients", status_code=303)


@router.get("/healthz")
def health(context: RequestContext = Depends(request_context)) -> Response:
    with context.unit() as session:
        session.connection().exec_driver_sql("SELECT 1")
    return JSONResponse({"status": "ok"})


@router.get("/styleguide")
def styleguide(context: RequestContext = Depends(signed_in())) -> Response:
    if context.runtime.settings.mode == "production":
        raise NotFound("Not found.")
    return render(context, "common/styleguide.html")
