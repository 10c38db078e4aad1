"""Pages as PDF documents, offline: WeasyPrint lays out the page's HTML (charts are the server's SVGs
as ``data:`` images) with the product's print stylesheet; nothing is fetched from the network."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi.responses import Response

STATIC = Path(__file__).resolve().parent.parent / "web" / "static"
PRINT_CSS = ("app.css", "charts.css")


def html_to_pdf(html: str) -> bytes:
    """Only ``data:`` URLs are read (the charts); a page that links anything else fails, loudly."""
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    sheets = [CSS(filename=str(STATIC / name), url_fetcher=fetcher) for name in PRINT_CSS if (STATIC / name).exists()]
    document = HTML(string=html, url_fetcher=fetcher, base_url=None)
    return document.write_pdf(stylesheets=sheets)  # type: ignore[no-any-return]


def pdf_response(html: str, filename: str) -> Response:
    """The PDF, named ``filename``: an ASCII name for every browser and the name itself (RFC 6266)."""
    ascii_name = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "-" for c in filename)[:100]
    disposition = f'inline; filename="{ascii_name or "document.pdf"}"; filename*=UTF-8\'\'{quote(filename[:100])}'
    return Response(html_to_pdf(html), media_type="application/pdf", headers={"Content-Disposition": disposition})
