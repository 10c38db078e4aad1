"""The clients' health pages: the list by health and change, key accounts first (/scorecard/health),
one client's parts (/scorecard/health/{id}), the refresh (managers), and the client page's section."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from servicescape import i18n
from servicescape.auth.permissions import can
from servicescape.clients.models import Client
from servicescape.db.types import utcnow
from servicescape.platform.pdf import pdf_response
from servicescape.scorecard import health, report
from servicescape.scorecard.capability import HEALTH_READ, MANAGE_ACTIONS
from servicescape.web.deps import RequestContext, signed_in
from servicescape.web.pages.common import Posted, see_other
from servicescape.web.templating import render

router = APIRouter(include_in_schema=False)
Reader = Annotated[RequestContext, Depends(signed_in(HEALTH_READ))]
Actor = Annotated[RequestContext, Depends(signed_in(MANAGE_ACTIONS))]


@router.get("/scorecard/health")
def health_list(context: Reader, risk: Annotated[Literal["high", "medium", "low", "unknown", ""], Query()] = "",
                sort: Annotated[Literal["health", "change"], Query()] = "health",
                mine: Annotated[Literal["", "1"], Query()] = "",
                page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> Response:
    owner_id = getattr(context.principal, "id", None) if mine else None
    with context.unit() as session:
        found = health.listing(session, risk=risk or None, sort=sort, owner_id=owner_id, page=page,
                               by=context.principal)
    query = "&".join(f"{k}={v}" for k, v in (("risk", risk), ("sort", sort), ("mine", mine)) if v)
    return render(context, "scorecard/health.html", active_nav="scorecard", found=found, risk=risk, sort=sort,
                  mine=mine, base_query=query, risks=health.RISKS, parts=health.PARTS, playbooks=health.PLAYBOOKS,
                  can_act=can(context.principal, MANAGE_ACTIONS))


@router.get("/scorecard/health/{client_id}")
def health_client(context: Reader, client_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> Response:
    with context.unit() as session:
        found = health.of_client(session, context.runtime.settings, client_id, now=utcnow(), by=context.principal)
        client = session.get(Client, client_id)
    return render(context, "scorecard/health_client.html", active_nav="scorecard", found=found, client=client,
                  risks=health.RISKS, playbook=health.PLAYBOOK_OF.get(found.risk))


@router.post("/scorecard/health/refresh")
def health_refresh(context: Actor, values: Posted) -> Response:
    with context.unit() as session:
        done = health.refresh(session, context.runtime.settings, now=utcnow(), by=context.principal)
    return see_other("/scorecard/health", context,
                     i18n.ngettext("Health computed again; %(num)d task was opened.",
                                   "Health computed again; %(num)d tasks were opened.", done["tasks_opened"]))


LanguageQuery = Annotated[str | None, Query(max_length=10)]


@router.get("/scorecard/health/{client_id}/pack")
def account_pack(context: Reader, client_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
                 lang: LanguageQuery = None) -> Response:
    """A client's account pack for a key-account review, as a page to read or print (in ``lang``)."""
    language = lang or context.language
    links = [(i18n._("Client health"), f"/scorecard/health/{client_id}"),
             (i18n._("PDF"), f"/scorecard/health/{client_id}/pack.pdf?lang={language}")]
    with context.unit() as session:
        html = report.client_html(session, context.runtime.settings, client_id, language=language, now=utcnow(),
                                  by=context.principal, links=links)
    return HTMLResponse(html)


@router.get("/scorecard/health/{client_id}/pack.pdf")
def account_pack_pdf(context: Reader, client_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
                     lang: LanguageQuery = None) -> Response:
    language = lang or context.language
    with context.unit() as session:
        html = report.client_html(session, context.runtime.settings, client_id, language=language, now=utcnow(),
                                  by=context.principal, for_pdf=True)
    return pdf_response(html, report.client_filename(client_id, language))


def client_section(context: RequestContext, session: Session, client: Client) -> dict[str, Any]:
    """The client page's health: what the last refresh kept (never computed on a page view)."""
    return {"kept_health": health.kept(session, client.id, by=context.principal), "health_risks": health.RISKS}
