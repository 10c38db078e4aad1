"""The outbox page for owners: what was sent, what waits, and what needs a decision (dead, check)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from servicescape import i18n
from servicescape.platform.mail import service as mail
from servicescape.platform.mail.models import NEEDS_ATTENTION, MailStatus
from servicescape.system.capability import OPERATE
from servicescape.web.api.common import PageNumber
from servicescape.web.deps import RequestContext, signed_in
from servicescape.web.forms import RecordId
from servicescape.web.pages.common import see_other
from servicescape.web.templating import render

router = APIRouter(include_in_schema=False)

#: owners only for now (the permission that manages staff accounts and their invitations)
Owner = Annotated[RequestContext, Depends(signed_in(OPERATE))]
PER_PAGE = 50
ATTENTION_LIMIT = 100


@router.get("/mail")
def outbox(context: Owner, status: Annotated[MailStatus | None, Query()] = None, page: PageNumber = 1) -> Response:
    with context.unit() as session:
        counts = mail.status_counts(session, by=context.principal)
        attention = mail.outbox_page(session, statuses=NEEDS_ATTENTION, per_page=ATTENTION_LIMIT,
                                     by=context.principal).items
        listed = mail.outbox_page(session, statuses=(status,) if status else (), page=page, per_page=PER_PAGE,
                                  by=context.principal)
    return render(context, "mail/outbox.html", active_nav="settings", counts=counts, attention=attention,
                  listed=listed, status=status.value if status else "", statuses=list(MailStatus),
                  mail_configured=context.runtime.settings.mail_configured)


@router.post("/mail/{message_id}/send-again")
def send_again(message_id: RecordId, context: Owner) -> Response:
    with context.unit() as session:
        recipient = mail.send_again(session, message_id, by=context.principal).recipient
    return see_other("/mail", context, i18n._("The e-mail to %(email)s is queued again.", email=recipient))


@router.post("/mail/{message_id}/sent")
def mark_sent(message_id: RecordId, context: Owner) -> Response:
    with context.unit() as session:
        recipient = mail.mark_sent(session, message_id, by=context.principal).recipient
    return see_other("/mail", context, i18n._("The e-mail to %(email)s is marked as sent.", email=recipient))
