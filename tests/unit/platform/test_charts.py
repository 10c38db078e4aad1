"""The chart builders, the server-side SVG and the chart macro."""

from __future__ import annotations

import base64
import json
import math
import re
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

import pytest

from servicescape import i18n
from servicescape.platform.charts import (
    CATEGORY_STEP,
    MISSING,
    SVG_WIDTH,
    CategoryValue,
    Chart,
    PeriodValue,
    bar_chart_by_category,
    bar_chart_by_period,
    chart_svg,
    line_chart_by_period,
    month_label,
    number_locale,
    vega_lite_version,
)
from servicescape.web.templating import ENVIRONMENT

SVG = "{http://www.w3.org/2000/svg}"
TITLES = {"title": "Revenue by month", "description": "Invoiced revenue per month.",
          "period_title": "Month", "value_title": "Revenue (MYR)"}


def _months(count: int, locale: str = "en") -> list[str]:
    return [month_label(date(2023 + i // 12, i % 12 + 1, 1), locale) for i in range(count)]


def _marks(svg: str, mark: str) -> list[ET.Element]:
    """The drawn items of the data marks of one kind ("rect" for bars, "symbol" for points)."""
    root = ET.fromstring(svg)
    items = []
    for group in root.iter(f"{SVG}g"):
        classes = group.get("class", "").split()
        if f"mark-{mark}" in classes and "role-mark" in classes:
            items += list(group.iter(f"{SVG}path"))
    return items


def _height(bar: ET.Element) -> float:
    """The height of a drawn bar: its path is absolute pairs (M, L, C), so every second number is a y."""
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", bar.get("d", ""))]
    ys = numbers[1::2]
    return max(ys) - min(ys)


def _texts(svg: str) -> list[str]:
    return [text.text or "" for text in ET.fromstring(svg).iter(f"{SVG}text")]


def test_one_series_of_bars() -> None:
    points = [PeriodValue("Jan 2025", Decimal("12500.50"), label="12,500.50 MYR"),
              PeriodValue("Feb 2025", 9000), PeriodValue("Mar 2025", 0.25)]
    chart = bar_chart_by_period(points, **TITLES)
    spec = chart.spec
    assert vega_lite_version() == "v6.4"
    assert spec["$schema"] == "https://vega.github.io/schema/vega-lite/v6.4.1.json"
    assert spec["mark"]["type"] == "bar"
    assert spec["width"] == "container"
    assert spec["title"] == "Revenue (MYR)"
    assert spec["description"] == "Invoiced revenue per month."
    encoding = spec["encoding"]
    assert encoding["x"] == {"field": "period", "type": "nominal", "sort": None, "title": "Month",
                             "axis": encoding["x"]["axis"]}
    assert (encoding["y"]["field"], encoding["y"]["type"], encoding["y"]["stack"]) == ("value", "quantitative", None)
    assert "color" not in encoding and "xOffset" not in encoding
    assert [t["field"] for t in encoding["tooltip"]] == ["period", "label"]
    assert [t["title"] for t in encoding["tooltip"]] == ["Month", "Revenue (MYR)"]
    assert spec["data"]["values"] == [
        {"period": "Jan 2025", "series": "", "value": 12500.5, "label": "12,500.50 MYR"},
        {"period": "Feb 2025", "series": "", "value": 9000.0, "label": "9,000"},
        {"period": "Mar 2025", "series": "", "value": 0.25, "label": "0.25"},
    ]
    assert chart.title == "Revenue by month"
    assert chart.table.caption == "Revenue by month"
    assert chart.table.headers == ("Month", "Revenue (MYR)")
    assert chart.table.rows == (("Jan 2025", "12,500.50 MYR"), ("Feb 2025", "9,000"), ("Mar 2025", "0.25"))
    assert not chart.is_empty


def test_several_series_side_by_side_in_their_first_order() -> None:
    points = [PeriodValue("Jan", 10, "MYR"), PeriodValue("Jan", 4, "EUR"), PeriodValue("Feb", 12, "MYR"),
              PeriodValue("Mar", 5, "EUR"), PeriodValue("Mar", 11, "MYR")]
    chart = bar_chart_by_period(points, **TITLES, series_title="Currency")
    encoding = chart.spec["encoding"]
    assert encoding["xOffset"]["field"] == "series"
    assert encoding["xOffset"]["sort"] == ["MYR", "EUR"]
    assert encoding["color"]["field"] == "series"
    assert encoding["color"]["title"] == "Currency"
    assert encoding["color"]["scale"]["domain"] == ["MYR", "EUR"]
    assert encoding["color"]["scale"]["range"] == ["#0e6a73", "#d9822b"]
    assert [t["field"] for t in encoding["tooltip"]] == ["period", "series", "label"]
    assert [(v["period"], v["series"], v["value"]) for v in chart.spec["data"]["values"]] == [
        ("Jan", "MYR", 10.0), ("Jan", "EUR", 4.0), ("Feb", "MYR", 12.0), ("Mar", "EUR", 5.0), ("Mar", "MYR", 11.0)]
    assert chart.table.headers == ("Month", "MYR", "EUR")
    assert chart.table.rows == (("Jan", "10", "4"), ("Feb", "12", MISSING), ("Mar", "11", "5"))


def test_line_chart_draws_a_line_per_series_with_a_point_per_value() -> None:
    points = [PeriodValue(q, v, s) for q, v, s in [("Q1", 40, "NPS"), ("Q2", 44, "NPS"), ("Q3", 39, "NPS"),
                                                   ("Q1", 70, "CSAT"), ("Q2", 75, "CSAT")]]
    chart = line_chart_by_period(points, **TITLES, series_title="Score")
    assert chart.spec["mark"]["type"] == "line"
    assert chart.spec["mark"]["point"]["filled"] is True
    assert chart.spec["encoding"]["color"]["scale"]["domain"] == ["NPS", "CSAT"]
    svg = chart_svg(chart)
    assert len(_marks(svg, "symbol")) == 5
    assert len(_marks(svg, "line")) == 2
    assert len(_marks(svg, "rect")) == 0


@pytest.mark.parametrize("count", [1, 7, 36])
def test_server_svg_has_one_bar_per_value(count: int) -> None:
    chart = bar_chart_by_period([PeriodValue(p, 100 * (i + 1)) for i, p in enumerate(_months(count))], **TITLES)
    svg = chart_svg(chart)
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("width") == str(SVG_WIDTH)
    bars = _marks(svg, "rect")
    assert len(bars) == count
    # the values grow left to right, and so do the bars
    heights = [_height(bar) for bar in bars]
    assert heights == sorted(heights) and heights[0] > 0


def test_bar_heights_follow_the_values() -> None:
    chart = bar_chart_by_period([PeriodValue("a", 10), PeriodValue("b", 30), PeriodValue("c", 20)], **TITLES)
    heights = [_height(bar) for bar in _marks(chart_svg(chart), "rect")]
    assert heights[1] == pytest.approx(3 * heights[0], rel=0.02)
    assert heights[2] == pytest.approx(2 * heights[0], rel=0.02)


def test_labels_and_numbers_in_the_readers_language() -> None:
    months = _months(3, "hu")
    assert months == ["2023. jan.", "2023. febr.", "2023. márc."]
    chart = bar_chart_by_period([PeriodValue(m, 25000 * (i + 1)) for i, m in enumerate(months)], **TITLES,
                                locale="hu")
    assert chart.spec["config"]["locale"]["number"] == number_locale("hu")
    assert number_locale("hu")["decimal"] == "," and number_locale("hu")["thousands"] == "\xa0"
    texts = _texts(chart_svg(chart))
    assert set(months) <= set(texts)
    assert "60\xa0000" in texts  # the value axis groups digits the Hungarian way
    assert not any("Jan" in text for text in texts)
    assert chart.spec["data"]["values"][0]["label"] == "25\xa0000"


def test_month_labels_in_every_ui_language() -> None:
    january = date(2025, 1, 15)
    assert month_label(january, "en") == "Jan 2025"
    assert month_label(january, "ms") == "Jan 2025"
    assert month_label(january, "zh_Hans_CN") == "2025年1月"
    assert month_label(january, "zh_Hant_TW") == "2025年1月"
    assert month_label(january, "hu") == "2025. jan."
    assert "2025" in month_label(january, "bg")


def test_picture_is_the_svg_as_a_data_uri() -> None:
    chart = bar_chart_by_period([PeriodValue("a", 1), PeriodValue("b", 2)], **TITLES)
    picture = chart.picture()
    prefix = "data:image/svg+xml;base64,"
    assert picture.src.startswith(prefix)
    assert base64.b64decode(picture.src[len(prefix):]).decode() == chart_svg(chart)
    assert picture.width == SVG_WIDTH
    assert 200 < picture.height < 400


def test_empty_chart() -> None:
    chart = bar_chart_by_period([], **TITLES)
    assert chart.is_empty
    assert chart.table.rows == ()
    assert chart.spec["data"]["values"] == []


@pytest.mark.parametrize(("points", "message"), [
    ([PeriodValue("Jan", 1), PeriodValue("Jan", 2)], "period 'Jan' appears twice"),
    ([PeriodValue("Jan", 1, "MYR"), PeriodValue("Jan", 2, "MYR")], "period 'Jan' appears twice in series 'MYR'"),
    ([PeriodValue("Jan", math.nan)], "not a finite number"),
    ([PeriodValue("Jan", Decimal("Infinity"))], "not a finite number"),
    ([PeriodValue("Jan", 1, "MYR"), PeriodValue("Feb", 2)], "either every value names its series or none"),
])
def test_rows_a_chart_cannot_show_are_refused(points: list[PeriodValue], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        bar_chart_by_period(points, **TITLES)


def _render_macro(chart: Chart) -> str:
    i18n.activate("en")
    template = ENVIRONMENT.from_string('{% import "macros.html" as m with context %}{{ m.chart(chart) }}')
    return template.render(chart=chart)


def test_macro_without_the_server_picture() -> None:
    """``picture=False``: no vl-convert run, the spec and the table only (charts.js draws it, names it by
    the description, opens the table when it cannot)."""
    chart = bar_chart_by_period([PeriodValue("Jan", 5), PeriodValue("Feb", 7)], **TITLES)
    template = ENVIRONMENT.from_string('{% import "macros.html" as m with context %}'
                                       '{{ m.chart(chart, id="c", picture=false) }}')
    html = template.render(chart=chart)
    assert '<figure class="chart chart--live-only" id="c"' in html
    assert "<img" not in html and 'data-description="Invoiced revenue per month."' in html
    assert "<summary>Show the figures as a table</summary>" in html


def test_a_chart_by_period_is_its_shape_with_its_rows() -> None:
    """The shape is built once per titles, series and language: each chart has its own rows, in order."""
    first = bar_chart_by_period([PeriodValue("Jan", 5), PeriodValue("Feb", 7)], **TITLES)
    second = bar_chart_by_period([PeriodValue("Mar", 1), PeriodValue("Apr", 2), PeriodValue("May", 3)], **TITLES)
    assert [row["period"] for row in first.spec["data"]["values"]] == ["Jan", "Feb"]
    assert [row["period"] for row in second.spec["data"]["values"]] == ["Mar", "Apr", "May"]
    assert {k: v for k, v in first.spec.items() if k != "data"} == {k: v for k, v in second.spec.items() if k != "data"}
    assert len(_marks(chart_svg(second), "rect")) == 3


def test_macro_figure_picture_spec_and_table() -> None:
    hostile = "</script><script>alert('1')</script>"
    chart = bar_chart_by_period([PeriodValue(hostile, 5, label="5 & <b>"), PeriodValue("Feb", 7)],
                                **{**TITLES, "title": "Revenue <by> month"})
    html = _render_macro(chart)
    figure_id = f"chart-{chart.key}"
    assert f'<figure class="chart" id="{figure_id}" aria-labelledby="{figure_id}-title" data-chart>' in html
    assert f'<figcaption class="chart-title" id="{figure_id}-title">Revenue &lt;by&gt; month</figcaption>' in html
    assert re.search(r'<img class="chart-picture" src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+" '
                     rf'width="{SVG_WIDTH}" height="\d+" alt="Invoiced revenue per month.">', html)
    attribute = re.search(r"<div class=\"chart-canvas\" data-spec='([^']*)' "
                          r'data-description="Invoiced revenue per month.">', html)
    assert attribute is not None
    assert not set("<>&") & set(attribute[1])  # the quote, tags and entities are \u-escaped in the JSON
    assert json.loads(attribute[1]) == chart.spec
    assert "<summary>Show the figures as a table</summary>" in html
    assert "<caption>Revenue &lt;by&gt; month</caption>" in html
    escaped = "&lt;/script&gt;&lt;script&gt;alert(&#39;1&#39;)&lt;/script&gt;"
    assert f'<th scope="row">{escaped}</th><td class="num">5 &amp; &lt;b&gt;</td>' in html
    assert "<script" not in html


def test_macro_of_an_empty_chart_says_so() -> None:
    html = _render_macro(bar_chart_by_period([], **TITLES))
    assert "No figures to show yet." in html
    assert "data-chart" not in html and "<img" not in html and "<script" not in html


# --- horizontal bars by category, with intervals ------------------------------------------------------

GAP_TITLES = {"title": "Gap by dimension", "description": "Perception minus expectation.",
              "category_title": "Dimension", "value_title": "Gap (P − E)", "interval_title": "95% interval"}


def _layer(svg: str, name: str) -> list[ET.Element]:
    """The drawn items of one layer's marks (``layer_0_marks``: the bars; a rule is a line)."""
    return [item for group in ET.fromstring(svg).iter(f"{SVG}g") if name in group.get("class", "").split()
            for item in group if item.tag in (f"{SVG}path", f"{SVG}line")]


def _widths(svg: str) -> list[float]:
    """The widths of the drawn bars (a bar's path: ``M x,y h width v height h -width Z``)."""
    found = []
    for bar in _layer(svg, "layer_0_marks"):
        width = re.search(r"h(-?\d+(?:\.\d+)?)", bar.get("d", ""))
        assert width is not None, bar.get("d")
        found.append(abs(float(width[1])))
    return found


def test_bars_by_category_from_zero_with_their_intervals() -> None:
    points = [CategoryValue("Tangibles", -0.5, -1.0, 0.0), CategoryValue("Reliability", -1.5, -2.25, -0.75),
              CategoryValue("Empathy", 0.25, label="+0.25")]
    chart = bar_chart_by_category(points, **GAP_TITLES)
    spec = chart.spec
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["bar", "rule", "tick", "tick", "rule"]
    bars = spec["layer"][0]["encoding"]
    assert (bars["y"]["field"], bars["y"]["sort"], bars["x"]["field"]) == (
        "category", ["Tangibles", "Reliability", "Empathy"], "value")
    assert (spec["layer"][1]["encoding"]["x"]["field"], spec["layer"][1]["encoding"]["x2"]["field"]) == ("low", "high")
    assert spec["layer"][4]["encoding"]["x"] == {"datum": 0}
    assert spec["height"] == 3 * CATEGORY_STEP and spec["width"] == "container"
    assert spec["data"]["values"][1] == {"category": "Reliability", "series": "", "value": -1.5, "low": -2.25,
                                         "high": -0.75, "label": "-1.5", "interval_label": "-2.25 – -0.75"}
    assert chart.table.headers == ("Dimension", "Gap (P − E)", "95% interval")
    assert chart.table.rows == (("Tangibles", "-0.5", "-1 – 0"), ("Reliability", "-1.5", "-2.25 – -0.75"),
                                ("Empathy", "+0.25", MISSING))
    svg = chart_svg(chart)
    widths = _widths(svg)
    assert len(widths) == 3
    assert widths[1] == pytest.approx(3 * widths[0], rel=0.02)     # |−1.5| is three times |−0.5|
    assert widths[2] == pytest.approx(widths[0] / 2, rel=0.05)
    assert len(_layer(svg, "layer_1_marks")) == 2                    # an error bar for each interval
    assert len(_layer(svg, "layer_2_marks")) == len(_layer(svg, "layer_3_marks")) == 2   # their ends


def test_bars_by_category_coloured_by_group_name_it_in_the_table() -> None:
    points = [CategoryValue("5. On time", -1, group="Reliability"), CategoryValue("6. Sincere", -0.5,
                                                                                  group="Reliability"),
              CategoryValue("18. Attention", 0.5, group="Empathy")]
    chart = bar_chart_by_category(points, **{**GAP_TITLES, "interval_title": None}, group_title="Dimension",
                                  locale="hu")
    encoding = chart.spec["layer"][0]["encoding"]
    assert encoding["color"]["field"] == "series"
    assert encoding["color"]["scale"]["domain"] == ["Reliability", "Empathy"]
    assert [layer["mark"]["type"] for layer in chart.spec["layer"]] == ["bar", "rule"]  # no intervals: no error bars
    assert chart.table.headers == ("Dimension (Dimension)", "Gap (P − E)")
    assert chart.table.rows == (("5. On time (Reliability)", "-1"), ("6. Sincere (Reliability)", "-0,5"),
                                ("18. Attention (Empathy)", "0,5"))
    assert len(_layer(chart_svg(chart), "layer_0_marks")) == 3


@pytest.mark.parametrize(("points", "message"), [
    ([CategoryValue("a", 1), CategoryValue("a", 2)], "category 'a' appears twice"),
    ([CategoryValue("a", math.inf)], "not a finite number"),
    ([CategoryValue("a", 1, 0)], "needs both ends"),
    ([CategoryValue("a", 1, 2, 0)], "ends before it starts"),
    ([CategoryValue("a", 1, group="g"), CategoryValue("b", 2)], "either every value names its group or none"),
])
def test_bars_a_category_chart_cannot_show_are_refused(points: list[CategoryValue], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        bar_chart_by_category(points, **GAP_TITLES)


def test_empty_category_chart() -> None:
    chart = bar_chart_by_category([], **GAP_TITLES)
    assert chart.is_empty and chart.table.rows == ()


def test_a_chart_drawn_again_with_the_same_figures_is_remembered_not_rebuilt() -> None:
    from servicescape.platform import charts

    points = [CategoryValue("Reliability", Decimal("-0.42"), low=-0.8, high=-0.1),
              CategoryValue("Empathy", Decimal("0.3"))]
    words = {"title": "Gaps", "description": "The gap per dimension", "category_title": "Dimension",
             "value_title": "Gap", "interval_title": "95% interval"}
    charts.bar_chart_by_category.cache_clear()  # type: ignore[attr-defined]
    first = charts.bar_chart_by_category(points, **words)
    again = charts.bar_chart_by_category(iter(list(points)), **words)      # an iterator of the same points
    assert again is first
    other = charts.bar_chart_by_category(points, **words, locale="hu")   # another language: another chart
    moved = charts.bar_chart_by_category([points[0], points[1]._replace(value=Decimal("0.31"))], **words)
    assert other is not first and moved is not first and moved.spec != first.spec
    assert [row[1] for row in moved.table.rows] == ["-0.42", "0.31"]
    assert charts._frozen({"b": [1, 2], "a": None}) == (("a", None), ("b", (1, 2)))
    with pytest.raises(TypeError):
        charts._frozen(object.__new__(type("Unhashable", (), {"__hash__": None})))
