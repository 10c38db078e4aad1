"""A client's page, put together from the sections capabilities register (registry
``client_sections``): every section the viewer may see, each rendered by its own template with
the values its loader returns; and one section alone, for htmx after an add or a filter.

Any capability's pages call :func:`client_page` / :func:`client_section` to answer a form posted
from a client's page; the page's own template (``clients/detail.html``) belongs to the client book.
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import Response
from markupsafe import Markup

from servicescape import i18n
from servicescape.clients import service
from servicescape.errors import NotFound
from servicescape.platform.registry import ClientSection, registry, resolve
from servicescape.web.deps import RequestContext
from servicescape.web.forms import FormState
from servicescape.web.templating import fragment, render


def _visible_sections(context: RequestContext) -> list[ClientSection]:
    return [section for section in registry().client_sections() if context.can(section.permission)]


def _section(context: RequestContext, key: str) -> ClientSection:
    for section in _visible_sections(context):
        if section.key == key:
            return section
    raise NotFound(i18n._("A client's page has no section %(name)s.", name=key))


def _fragment(context: RequestContext, session: Any, client: Any, section: ClientSection,
              form: FormState | None = None, message: str | None = None) -> Markup:
    values = dict(resolve(section.load)(context, session, client))
    if form is not None:
        values["form"] = form
    return fragment(context, section.template, client=client, section=section.key, open=form is not None,
                    message=message, **values)


def client_page(context: RequestContext, client_id: int, *, failed: tuple[str, FormState] | None = None,
                status_code: int = 200) -> Response:
    """A client's page: the details, then every section the viewer may see (``failed``: the
    section whose add form failed, shown open with the errors)."""
    side: list[Markup] = []
    main: list[Markup] = []
    with context.unit() as session:
        client = service.client_with_owner(session, client_id, by=context.principal)
        for section in _visible_sections(context):
            form = failed[1] if failed and failed[0] == section.key else None
            (side if section.side else main).append(_fragment(context, session, client, section, form))
    return render(context, "clients/detail.html", status_code=status_code, client=client,
                  side_sections=side, sections=main, active_nav="clients")


def client_section(context: RequestContext, client_id: int, key: str, *, form: FormState | None = None,
                   status_code: int = 200, message: str | None = None) -> Response:
    """One section of a client's page, for htmx (after an add, or a filter of the timeline)."""
    section = _section(context, key)
    with context.unit() as session:
        client = service.client_with_owner(session, client_id, by=context.principal)
        html = _fragment(context, session, client, section, form, message)
    response = render(context, "common/fragment.html", status_code=status_code, html=html)
    response.headers["Vary"] = "HX-Request"
    return response
