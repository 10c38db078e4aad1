"""What contacts did in the portal, on the client's timeline: confirmations, requests for another
window, service requests, complaints and orders (and the firm's answer)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicescape.clients.models import Client, Contact
from servicescape.i18n import N_, _
from servicescape.platform.timeline import TimelineEvent, TimelineQuery
from servicescape.portal.capability import READ
from servicescape.portal.models import PortalRequest, PortalUser, RequestKind, RequestStatus

TITLES = {
    RequestKind.confirm: N_("Confirmed an appointment in the portal"),
    RequestKind.reschedule: N_("Asked for another window in the portal"),
    RequestKind.service: N_("Service request in the portal"),
    RequestKind.complaint: N_("Complaint made in the portal"),
    RequestKind.order: N_("Order in the portal"),
}
STATUS_BADGES = {RequestStatus.open: (N_("Waiting for an answer"), "warning"),
                 RequestStatus.accepted: (N_("Accepted"), "success"),
                 RequestStatus.declined: (N_("Declined"), "neutral")}


def events(session: Session, query: TimelineQuery) -> list[TimelineEvent]:
    statement = (
        select(PortalRequest, Contact.name, Client.name).join(Client, Client.id == PortalRequest.client_id)
        .outerjoin(PortalUser, PortalUser.id == PortalRequest.user_id)
        .outerjoin(Contact, Contact.id == PortalUser.contact_id)
        .where(query.scope.clients(PortalRequest.client_id),
               query.older("portal_request", PortalRequest.created_at, PortalRequest.id))
        .order_by(PortalRequest.created_at.desc(), PortalRequest.id.desc()).limit(query.limit))
    found = []
    for request, contact_name, client_name in session.execute(statement):
        label, tone = STATUS_BADGES[request.status]
        badges = ((_(label), tone),) if request.kind != RequestKind.confirm else ()
        found.append(TimelineEvent(
            "portal_request", request.id, request.created_at, _(TITLES[request.kind]), "user", request.client_id,
            client_name=client_name, summary=request.message, actor=contact_name,
            url=f"/client-portal/requests/{request.id}", url_permission=READ, badges=badges))
    return found
