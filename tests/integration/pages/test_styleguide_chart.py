"""GET /styleguide shows the sample chart: the server picture, the spec and the table, in the reader's language."""

from __future__ import annotations

import base64
import json
import re
import xml.etree.ElementTree as ET
from html import unescape

from tests.integration.pages.conftest import Browser, plain

SVG = "{http://www.w3.org/2000/svg}"


def _figure(html: str) -> str:
    match = re.search(r'<figure class="chart" id="sg-revenue-chart".*?</figure>', html, re.S)
    assert match, "no chart figure on the page"
    return match.group(0)


def _bars(svg: str) -> int:
    count = 0
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        if {"mark-rect", "role-mark"} <= set(group.get("class", "").split()):
            count += len(list(group.iter(f"{SVG}path")))
    return count


def test_the_style_guide_shows_the_sample_chart(owner_browser: Browser) -> None:
    response = owner_browser.get("/styleguide")
    assert response.status_code == 200
    assert "'unsafe-eval'" not in response.headers["content-security-policy"]
    figure = _figure(response.text)
    picture = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', figure)
    assert picture
    svg = base64.b64decode(picture[1]).decode()
    assert _bars(svg) == 24  # 12 months x retainers and projects
    spec = json.loads(re.search(r"data-spec='([^']*)'", figure)[1])  # type: ignore[index]
    assert len(spec["data"]["values"]) == 24
    assert spec["encoding"]["xOffset"]["field"] == "series"
    table = plain(re.search(r"<table.*?</table>", figure, re.S)[0])  # type: ignore[index]
    assert "Month Retainers Projects" in table
    assert "Jan 2025 38,000.00 MYR 12,000.00 MYR" in table
    assert 'src="/static/charts.js' in response.text


def test_the_sample_chart_in_hungarian(owner_browser: Browser) -> None:
    response = owner_browser.get("/styleguide", headers={"Accept-Language": "hu"})
    figure = _figure(response.text)
    assert "Bevétel havonta" in plain(figure)
    assert "2025. jan. 38 000,00 MYR 12 000,00 MYR" in plain(figure)
    svg = base64.b64decode(re.search(r"base64,([^\"]+)", figure)[1]).decode()  # type: ignore[index]
    texts = [unescape(t.text or "") for t in ET.fromstring(svg).iter(f"{SVG}text")]
    assert "2025. jan." in texts and "50\xa0000" in texts
    assert "Jan 2025" not in texts
