"""``/api/v1/health``: every client's kept health (key accounts first, worst or steepest fall first),
one client's health with its parts, and a refresh (managers: recompute and run the playbooks)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response

from servicescape.db.types import utcnow
from servicescape.platform.pdf import pdf_response
from servicescape.scorecard import health, report
from servicescape.scorecard.api import PDF, LanguageQ
from servicescape.scorecard.schemas import HealthOut, HealthPageOut, HealthRefreshOut
from servicescape.web.api.common import READ_MANY, READ_ONE, UPDATE
from servicescape.web.api.resources import SignedIn

router = APIRouter(tags=["scorecard"])


def page_out(found: health.HealthPage) -> dict[str, Any]:
    return {"items": [line.as_dict() for line in found.items], "total": found.total, "page": found.page,
            "per_page": found.per_page, "computed_at": found.computed_at.isoformat() if found.computed_at else None,
            "risk_counts": found.risk_counts}


@router.get("/health", response_model=HealthPageOut, responses=READ_MANY, name="client_health",
            summary="Clients by health: key accounts first, then the worst (or the steepest fall) first")
def list_health(context: SignedIn,
                risk: Annotated[Literal["high", "medium", "low", "unknown"] | None, Query()] = None,
                sort: Annotated[Literal["health", "change"], Query()] = "health",
                owner_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
                page: Annotated[int, Query(ge=1, le=100_000)] = 1,
                per_page: Annotated[int, Query(ge=1, le=500)] = 50) -> Any:
    with context.unit() as session:
        return page_out(health.listing(session, risk=risk, sort=sort, owner_id=owner_id, page=page,
                                       per_page=per_page, by=context.principal))


@router.get("/health/{client_id}", response_model=HealthOut, responses=READ_ONE, name="client_health_one",
            summary="One client's health now: score, trend, risk level and every part's figure and score")
def get_health(client_id: Annotated[int, Path(ge=1, le=2**31 - 1)], context: SignedIn) -> Any:
    with context.unit() as session:
        return health.of_client(session, context.runtime.settings, client_id, now=utcnow(),
                                by=context.principal).as_dict()


@router.post("/health/refresh", response_model=HealthRefreshOut, responses=UPDATE, name="refresh_client_health",
             summary="Recompute every client's health and run the playbooks (managers)")
def refresh_health(context: SignedIn) -> Any:
    with context.unit() as session:
        return health.refresh(session, context.runtime.settings, now=utcnow(), by=context.principal)


@router.get("/health/{client_id}/pack", response_class=Response, responses={**PDF, **READ_ONE},
            name="client_account_pack", summary="A client's account pack for a key-account review, as a PDF")
def get_account_pack(client_id: Annotated[int, Path(ge=1, le=2**31 - 1)], context: SignedIn,
                     lang: LanguageQ = None) -> Response:
    language = lang or context.runtime.settings.default_language
    with context.unit() as session:
        html = report.client_html(session, context.runtime.settings, client_id, language=language, now=utcnow(),
                                  by=context.principal, for_pdf=True)
    return pdf_response(html, report.client_filename(client_id, language))
