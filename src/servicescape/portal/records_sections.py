"""The client page's section "Client portal: milestones and documents" (declared in capability.py):
each proposed or active engagement with its milestones, and the documents shared with the client."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from babel.numbers import format_decimal
from sqlalchemy.orm import Session

from servicescape import i18n
from servicescape.clients.models import Client
from servicescape.portal import documents, milestones
from servicescape.web.deps import RequestContext
from servicescape.web.forms import FormState
from servicescape.web.templating import babel_locale

SECTION = "portal_records"
#: the newest documents the section lists (the API pages through all of them)
SHOWN_DOCUMENTS = 20


def client_portal_records(context: RequestContext, session: Session, client: Client) -> dict[str, Any]:
    engagements = milestones.open_engagements(session, client.id, by=context.principal)
    shared = documents.documents_page(session, client.id, per_page=SHOWN_DOCUMENTS, by=context.principal)
    limit = documents.upload_limit(context.runtime.settings.max_upload_bytes)
    return {"engagements": engagements, "documents": shared.items, "more_documents": shared.total - len(shared.items),
            "statuses": milestones.status_options(), "size_of": size_label(context.language),
            "upload_limit_mb": format_decimal(round(limit / (1024 * 1024), 1), locale=babel_locale(context.language)),
            "form": FormState(), "blank_form": FormState({"status": "planned"})}


def size_label(language: str) -> Callable[[int], str]:
    """A file's size for people: bytes, KB or MB, in the reader's numbers."""
    locale = babel_locale(language)

    def label(size: int) -> str:
        if size < 1024:
            return i18n.ngettext("%(size)s byte", "%(size)s bytes", size, size=format_decimal(size, locale=locale))
        if size < 1024 * 1024:
            return i18n._("%(n)s KB", n=format_decimal(round(size / 1024, 1), locale=locale))
        return i18n._("%(n)s MB", n=format_decimal(round(size / (1024 * 1024), 1), locale=locale))

    return label
