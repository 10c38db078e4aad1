"""A proposal pack as a document in its own language: the article shown inside the product, the
page alone (print view) and the PDF — one rendering for the pages, the API and the command line
(no request needed)."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from servicescape import i18n
from servicescape.analytics.labels import Numbers
from servicescape.config import Settings
from servicescape.offerings.value import OUTCOMES_TO_BACK
from servicescape.plan.proposals import Pack
from servicescape.platform.pdf import html_to_pdf
from servicescape.web.templating import ENVIRONMENT, Formatter

DOCUMENT = "plan/proposal_doc.html"
PAGE = "plan/proposal_print.html"


def _values(pack: Pack, settings: Settings) -> dict[str, Any]:
    fmt = Formatter(pack.language, settings.zone)
    return {"pack": pack, "fmt": fmt, "numbers": Numbers(str(fmt.locale)), "firm_name": settings.firm_name,
            "current_language": pack.language, "csrf_token": "",
            "outcomes_to_back": OUTCOMES_TO_BACK}


def article(pack: Pack, settings: Settings) -> Markup:
    """The document itself, in the proposal's language (whatever the reader's)."""
    with i18n.speaking(pack.language):
        return Markup(ENVIRONMENT.get_template(DOCUMENT).render(**_values(pack, settings)))  # noqa: S704 - autoescaped template output


def page(pack: Pack, settings: Settings, *, for_pdf: bool = False) -> str:
    """The document alone as an HTML page (``for_pdf``: without the stylesheets' links, which the PDF
    is given directly)."""
    document = article(pack, settings)
    with i18n.speaking(pack.language):
        return ENVIRONMENT.get_template(PAGE).render(document_html=document, for_pdf=for_pdf,
                                                     **_values(pack, settings))


def pdf(pack: Pack, settings: Settings) -> bytes:
    return html_to_pdf(page(pack, settings, for_pdf=True))


def filename(pack: Pack) -> str:
    return f"{pack.proposal.title}-{pack.language}.pdf"
