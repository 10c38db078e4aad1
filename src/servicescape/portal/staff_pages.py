"""The firm's pages of the client portal: what clients asked there (``/client-portal/requests``,
each answered from its page: a new window re-promised, an order made an engagement, or declined
with a reason), and the client page's section that invites contacts and closes their accounts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from servicescape import i18n
from servicescape.auth.models import Staff
from servicescape.clients.models import Client, Contact
from servicescape.errors import ValidationFailed
from servicescape.portal import accounts, service
from servicescape.portal.capability import MANAGE, READ, WRITE
from servicescape.portal.models import PortalRequest, RequestStatus
from servicescape.promises.models import Promise
from servicescape.web.deps import RequestContext, signed_in
from servicescape.web.forms import RecordId, parse_id
from servicescape.web.pages.common import FORM_PROBLEMS, Posted, choice, problem_status, see_other
from servicescape.web.templating import render

router = APIRouter(include_in_schema=False)
Reader = Annotated[RequestContext, Depends(signed_in(READ))]
Writer = Annotated[RequestContext, Depends(signed_in(WRITE))]
Manager = Annotated[RequestContext, Depends(signed_in(MANAGE))]


def client_portal(context: RequestContext, session: Session, client: Client) -> dict[str, Any]:
    """The client page's section: the contacts who use the portal, the others who could, the
    client's open requests."""
    users = accounts.users_of(session, client.id, by=context.principal)
    invited = {user.contact_id for user in users}
    contacts = session.execute(select(Contact.id, Contact.name, Contact.email).where(Contact.client_id == client.id)
                               .order_by(Contact.name)).all()
    names = {contact_id: name for contact_id, name, _email in contacts}
    return {"portal_users": [(user, names.get(user.contact_id, user.email)) for user in users],
            "portal_seen": accounts.last_seen(session, [user.id for user in users]),
            "portal_invitable": [(cid, name, email) for cid, name, email in contacts if cid not in invited],
            "portal_requests": service.requests(session, service.RequestFilters(client_id=client.id), limit=10,
                                                by=context.principal)}


@router.post("/clients/{id}/portal/invite")
def invite(id: RecordId, context: Writer, posted: Posted) -> Response:
    try:
        contact_id = parse_id(posted.get("contact_id", ""))
    except ValueError:
        contact_id = 0  # no contact has it: the service says to choose one of the client's
    with context.unit() as session:
        invited = accounts.invite(session, context.runtime.settings, contact_id, client_id=id,
                                  by=context.principal)
        name = invited.contact_name
    return see_other(f"/clients/{id}#client_portal", context,
                     i18n._("%(name)s is invited to the client portal (%(email)s).", name=name,
                            email=invited.user.email))


@router.post("/client-portal/users/{id}/close")
def close(id: RecordId, context: Manager) -> Response:
    with context.unit() as session:
        user = accounts.get_user(session, id, by=context.principal)
        accounts.close(session, user, by=context.principal)
        client_id = user.client_id
    return see_other(f"/clients/{client_id}#client_portal", context, i18n._("The portal account is closed."))


@router.get("/client-portal/requests")
def requests_page(context: Reader, status: str = "open") -> Response:
    chosen = choice(RequestStatus, status, "status") if status != "all" else None
    with context.unit() as session:
        found = service.requests(session, service.RequestFilters(status=chosen), limit=200, by=context.principal)
        return render(context, "portal/requests.html", requests=found, status=status,
                      clients=_names(session, Client, {r.client_id for r in found}))


def _names(session: Session, model: Any, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {i: name for i, name in session.execute(select(model.id, model.name).where(model.id.in_(ids)))}


def _request_page(context: RequestContext, session: Session, request: PortalRequest, problem: Exception | None = None,
                  values: Any = None) -> Response:
    promise = session.get(Promise, request.promise_id) if request.promise_id else None
    client = session.get(Client, request.client_id)
    answered_by = session.get(Staff, request.answered_by_id) if request.answered_by_id else None
    return render(context, "portal/request.html", status_code=problem_status(problem) if problem else 200,
                  portal_request=request, promise=promise, client=client, answered_by=answered_by,
                  problem=problem, values=values or {})


@router.get("/client-portal/requests/{id}")
def request_page(id: RecordId, context: Reader) -> Response:
    with context.unit() as session:
        return _request_page(context, session, service.get_request(session, id, by=context.principal))


def _moment(context: RequestContext, value: str, field: str) -> datetime | None:
    if not value.strip():
        return None
    try:
        return datetime.fromisoformat(value.strip()).replace(tzinfo=context.runtime.settings.zone)
    except ValueError:
        raise ValidationFailed(i18n._("Not a date and time: %(value)s.", value=value[:30]), field=field) from None


@router.post("/client-portal/requests/{id}/answer")
def answer(id: RecordId, context: Writer, posted: Posted) -> Response:
    decision = posted.get("decision", "")
    try:
        with context.unit() as session:
            request = service.get_request(session, id, by=context.principal)
            if decision == "decline":
                service.decline(session, request, answer=posted.get("answer"), by=context.principal)
                message = i18n._("Declined; the client sees your answer in the portal.")
            else:
                service.accept(session, request, start=_moment(context, posted.get("start", ""), "start"),
                               end=_moment(context, posted.get("end", ""), "end"), answer=posted.get("answer"),
                               by=context.principal)
                message = i18n._("Accepted; the client sees it in the portal.")
    except FORM_PROBLEMS as problem:
        with context.unit() as session:
            return _request_page(context, session, service.get_request(session, id, by=context.principal),
                                 problem, posted)
    return see_other(f"/client-portal/requests/{id}", context, message)
