"""The printable reports: the firm's report of a period and a client's account pack, as PDF from the
command line, the API and the pages, in several languages (CJK included). Each PDF's pages are
rendered to PNG with pdftoppm and must have content; key figures must be in the text layer
(pdftotext)."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from typer.testing import CliRunner

from servicescape.auth.permissions import SYSTEM
from servicescape.cli.main import app as cli
from servicescape.clients.models import Invoice, Tier
from servicescape.clients.service import clients
from servicescape.promises.models import Promise, PromiseStatus
from servicescape.runtime import Runtime
from tests.conftest import sign_in
from tests.contract.shape import assert_error

PERIOD = "2026-10"
OCTOBER = datetime(2026, 10, 1, tzinfo=UTC)
CJK_CLIENT = "廣州啟源醫療管理有限公司"


@pytest.fixture
def firm(runtime: Runtime) -> int:
    """A key account with a CJK name and five promises due in October (4 kept: 80.0%), and invoices."""
    with runtime.transaction() as session:
        client = clients.create(session, {"name": CJK_CLIENT, "tier": Tier.key, "country": "HK"}, by=SYSTEM)
        for day, status in ((3, PromiseStatus.kept), (6, PromiseStatus.kept), (9, PromiseStatus.kept),
                            (12, PromiseStatus.kept), (15, PromiseStatus.missed)):
            session.add(Promise(client_id=client.id, title=f"季度保養 {day}", window_start=OCTOBER.replace(day=day),
                                window_end=OCTOBER.replace(day=day, hour=12), status=status,
                                kept_at=OCTOBER.replace(day=day, hour=11) if status == PromiseStatus.kept else None))
        for month in range(1, 12):
            session.add(Invoice(client_id=client.id, issued_on=date(2026, month, 5), amount=Decimal(1200),
                                currency=runtime.settings.reporting_currency))
        return client.id


def report_html_for_pdf(runtime: Runtime) -> str:
    """The report's page as the PDF is made from it (no stylesheet links: WeasyPrint is given them)."""
    from servicescape.scorecard import report

    with runtime.transaction() as session:
        return report.firm_html(session, runtime.settings, period=PERIOD, language="en", now=datetime.now(UTC),
                                by=SYSTEM, for_pdf=True)


def pages_of(pdf: bytes, tmp_path: Path, name: str) -> list[Path]:
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(source), str(tmp_path / name)], check=True)
    return sorted(tmp_path.glob(f"{name}-*.png"))


def has_content(png: Path) -> bool:
    """More than a sliver of the page is not white."""
    with Image.open(png) as image:
        grey = image.convert("L")
        dark = sum(count for value, count in enumerate(grey.histogram()) if value < 200)
        return dark > 0.005 * grey.width * grey.height


def text_of(pdf: bytes, tmp_path: Path, name: str) -> str:
    source = tmp_path / f"{name}-text.pdf"
    source.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(source), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_the_firms_report_from_the_command_line_in_chinese(db_url: str, firm: int, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    assert CliRunner().invoke(cli, ["health", "refresh", "--db", db_url]).exit_code == 0
    made = CliRunner().invoke(cli, ["report", "firm", "--period", PERIOD, "--lang", "zh-Hant", "--out", str(out),
                                    "--db", db_url])
    assert made.exit_code == 0, made.output
    pdf = out.read_bytes()
    pages = pages_of(pdf, tmp_path, "report")
    assert len(pages) >= 3 and all(has_content(page) for page in pages)
    text = text_of(pdf, tmp_path, "report")
    assert "80.0%" in text                                   # promises kept on time, 4 of 5
    assert CJK_CLIENT in text and "資料截至" in text          # the key account; "data as of", in CJK glyphs
    bad = CliRunner().invoke(cli, ["report", "firm", "--lang", "xx", "--out", str(out), "--db", db_url])
    assert bad.exit_code == 1 and "language" in bad.output.lower()


def test_the_account_pack_from_the_command_line(db_url: str, firm: int, tmp_path: Path) -> None:
    out = tmp_path / "pack.pdf"
    made = CliRunner().invoke(cli, ["report", "client", str(firm), "--lang", "hu", "--out", str(out), "--db", db_url,
                                    "--json"])
    assert made.exit_code == 0, made.output
    assert json.loads(made.stdout) == {"file": str(out), "bytes": out.stat().st_size}
    pdf = out.read_bytes()
    pages = pages_of(pdf, tmp_path, "pack")
    assert pages and all(has_content(page) for page in pages)
    text = text_of(pdf, tmp_path, "pack")
    assert CJK_CLIENT in text and "季度保養 15" in text
    missing = CliRunner().invoke(cli, ["report", "client", "999999", "--out", str(out), "--db", db_url])
    assert missing.exit_code == 1


def test_the_api_and_the_pages(runtime: Runtime, api: TestClient, web: TestClient, owner,  # type: ignore[no-untyped-def]
                               firm: int, tmp_path: Path) -> None:
    pdf = api.get("/api/v1/scorecard/report", params={"period": PERIOD, "lang": "bg"})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert "80.0%" in text_of(pdf.content, tmp_path, "api")
    assert_error(api.get("/api/v1/scorecard/report", params={"lang": "xx"}), 422, "validation_failed")
    pack = api.get(f"/api/v1/health/{firm}/pack", params={"lang": "ms"})
    assert pack.status_code == 200 and pack.content.startswith(b"%PDF")
    assert_error(api.get("/api/v1/health/999999/pack"), 404, "not_found")

    sign_in(web, owner.email)
    page = web.get("/scorecard/report", params={"period": PERIOD})
    assert page.status_code == 200 and 'id="report-gaps"' in page.text and "80.0%" in page.text
    assert "<title>Service marketing report" in page.text and "/scorecard/report.pdf?period=2026-10" in page.text
    assert "app.css" in page.text and "app.css" not in report_html_for_pdf(runtime)
    assert web.get("/scorecard/report", params={"lang": "xx"}).status_code == 422
    printed = web.get("/scorecard/report.pdf", params={"period": PERIOD, "lang": "zh-Hans"})
    assert printed.status_code == 200 and printed.content.startswith(b"%PDF")
    client_page = web.get(f"/scorecard/health/{firm}/pack")
    assert client_page.status_code == 200 and CJK_CLIENT in client_page.text
    assert f"/scorecard/health/{firm}/pack.pdf" in client_page.text
    client_pdf = web.get(f"/scorecard/health/{firm}/pack.pdf", params={"lang": "en"})
    assert client_pdf.status_code == 200 and client_pdf.content.startswith(b"%PDF")
