"""The interactive API documentation at /api/docs: Swagger UI served from our own origin.

FastAPI's built-in page loads Swagger UI from a CDN with an inline script; the CSP blocks both and
the product runs offline. This page uses the vendored copy (static/vendor/swagger-ui-*) and
static/api-docs.js. Like the OpenAPI document it reads, it needs no sign-in: it describes the API
and shows no data; every call made from it ("Try it out") is authenticated by the API itself.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from servicescape.web.deps import RequestContext, request_context
from servicescape.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/api/docs")
def api_docs(context: RequestContext = Depends(request_context)) -> Response:
    return render(context, "common/api_docs.html", spec_url=context.request.app.openapi_url)
