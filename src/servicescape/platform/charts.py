"""Charts: one Vega-Lite spec, drawn three ways, with a table alternative.

A capability builds a :class:`Chart` with one of the builders here (plain rows in, texts already
translated and formatted). Pages show it with the ``chart(chart)`` macro of ``macros.html``: the
server-rendered SVG (:func:`chart_svg`) as the picture when JavaScript is off, upgraded in the
browser to an interactive vega-embed chart (``static/charts.js``), and the figures as a table for
screen readers and keyboard users. Reports embed :func:`chart_svg` directly.

Periods are labels, not dates: the caller formats them for the reader's language (see
:func:`month_label`), so Vega's English month names never show. Numbers on the value axis follow
the reader's locale through the spec's ``config.locale`` (the same in the browser and on the
server); values in tooltips and the table are the caller's formatted labels.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from types import NoneType
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from babel.dates import format_skeleton
from babel.numbers import (
    format_decimal,
    format_percent,
    get_decimal_symbol,
    get_group_symbol,
    get_minus_sign_symbol,
)

if TYPE_CHECKING:
    import altair as alt

# Altair (~0.4 s to import) and vl-convert are imported where they are used, so that the
# application and the CLI do not pay for them at start.
#: height of the plot area in CSS pixels; the width follows the container (``width: "container"``)
HEIGHT = 240
#: width of the server-rendered SVG (the picture when JavaScript is off: no larger than this,
#: scaled down on narrower screens, where 480 keeps the labels legible on a phone)
SVG_WIDTH = 480
#: series colours: the product's accent first, then colours that stay apart for colour-blind readers
PALETTE = ("#0e6a73", "#d9822b", "#4c6fbf", "#a05195", "#5b9a3c", "#c0392b", "#7f6a55", "#6b7684")
#: a table cell without a value
MISSING = "—"
#: the server-rendered SVG's padding (pixels)
SVG_PADDING = {"left": 28, "top": 5, "right": 5, "bottom": 5}
#: the most series whose legend stands beside the chart (more go under it, in columns)
LEGEND_BESIDE = 6

_CONFIG: dict[str, Any] = {
    "background": "#ffffff",
    "view": {"stroke": None},
    "mark": {"color": PALETTE[0]},
    "range": {"category": list(PALETTE)},
    "axis": {
        "labelColor": "#56616f", "titleColor": "#1b2430", "gridColor": "#e6e9ee",
        "domainColor": "#bcc4ce", "tickColor": "#bcc4ce", "labelFontSize": 11, "titleFontSize": 12,
        "titleFontWeight": 600, "titlePadding": 8,
    },
    # the value axis's title is the chart's title at the top left, read horizontally (CJK too)
    "title": {"anchor": "start", "frame": "group", "fontSize": 12, "fontWeight": 600, "color": "#1b2430",
              "offset": 10},
    "legend": {"labelColor": "#1b2430", "titleColor": "#56616f", "labelFontSize": 12, "titleFontSize": 12,
               "titleFontWeight": 600, "orient": "top", "symbolType": "square"},
}


class PeriodValue(NamedTuple):
    """One value of one period (and series): a row for the builders.

    ``period`` is the label shown on the axis, already formatted for the reader ("Jan 2025",
    "2025年1月"); periods keep the order in which they first appear. ``series`` names the series
    when a chart has several (e.g. a currency); leave it empty for one. ``label`` is the value as
    the reader sees it in tooltips and the table ("12,500.00 MYR"); by default the number
    formatted for the chart's locale.
    """

    period: str
    value: Decimal | float | int
    series: str = ""
    label: str | None = None


@dataclass(frozen=True)
class ChartTable:
    """The figures of a chart as a table: already formatted strings."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


class ChartPicture(NamedTuple):
    """The server-rendered SVG as an ``<img>`` source (a ``data:`` URI) with its size."""

    src: str
    width: int
    height: int


@dataclass(frozen=True, eq=False)
class Chart:
    """A chart ready for a page or a report: the Vega-Lite spec, its texts and its table."""

    spec: dict[str, Any]
    title: str
    description: str
    table: ChartTable

    @property
    def is_empty(self) -> bool:
        return not self.table.rows

    @property
    def key(self) -> str:
        """A short name made from the spec, for element ids ("chart-" + key)."""
        text = json.dumps(self.spec, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()[:10]

    def picture(self) -> ChartPicture:
        """The SVG of :func:`chart_svg` as a ``data:`` URI for ``<img src>`` (made once per chart: a
        remembered chart shown again is not written out again)."""
        made = self.__dict__.get("_picture")
        if made is None:
            made = self.__dict__["_picture"] = self._make_picture()
        return made

    def _make_picture(self) -> ChartPicture:
        svg = chart_svg(self)
        size = re.search(r'<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"', svg)
        if size is None:
            raise ValueError("vl-convert returned an SVG without a width and height")
        src = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")
        return ChartPicture(src, round(float(size[1])), round(float(size[2])))


#: charts built per process, by their arguments: a page drawn again with the same figures (a
#: scorecard from its hourly snapshot, a report reread) gets the chart without building the
#: Vega-Lite spec again (Altair takes 50-150 ms for one)
REMEMBERED = 256

_Build = TypeVar("_Build", bound=Callable[..., "Chart"])


def _frozen(value: Any) -> Any:
    """``value`` as something hashable: sequences and iterators as tuples, mappings as sorted pairs."""
    if isinstance(value, str | bytes | int | float | Decimal | date | NoneType):
        return value
    if isinstance(value, tuple) and hasattr(value, "_fields"):   # a NamedTuple point, kept as it is
        hash(value)
        return value
    if isinstance(value, Mapping):
        return tuple(sorted((key, _frozen(item)) for key, item in value.items()))
    if isinstance(value, Iterable):
        return tuple(_frozen(item) for item in value)
    hash(value)           # anything else must be hashable as it is (TypeError: built, not remembered)
    return value


def remembered(build: _Build) -> _Build:
    """``build`` with its charts remembered (an LRU of :data:`REMEMBERED` per function): the same
    arguments give the same :class:`Chart` (frozen; its spec is not to be changed by callers)."""
    cached = lru_cache(maxsize=REMEMBERED)(build)

    @functools.wraps(build)
    def wrapper(*args: Any, **kwargs: Any) -> Chart:
        try:
            frozen_args = tuple(_frozen(arg) for arg in args)
            frozen_kwargs = {key: _frozen(value) for key, value in kwargs.items()}
        except TypeError:
            return build(*args, **kwargs)
        return cached(*frozen_args, **frozen_kwargs)

    wrapper.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


@remembered
def bar_chart_by_period(
    points: Iterable[PeriodValue], *, title: str, description: str, period_title: str, value_title: str,
    series_title: str | None = None, locale: str = "en",
) -> Chart:
    """Bars per period (e.g. revenue by month); several series (e.g. currencies) side by side.

    Titles and labels are shown as given: translate them first. ``locale`` is a Babel locale
    ("hu", "zh_Hant_TW"; ``Formatter.locale`` in the web layer) for the numbers on the value axis
    and the default value labels.
    """
    return _by_period("bar", points, title, description, period_title, value_title, series_title, locale)


@remembered
def line_chart_by_period(
    points: Iterable[PeriodValue], *, title: str, description: str, period_title: str, value_title: str,
    series_title: str | None = None, locale: str = "en",
) -> Chart:
    """A line per series over periods, with a point at each value (e.g. a score by quarter).

    The arguments are those of :func:`bar_chart_by_period`.
    """
    return _by_period("line", points, title, description, period_title, value_title, series_title, locale)


def _by_period(kind: str, points: Iterable[PeriodValue], title: str, description: str, period_title: str,
               value_title: str, series_title: str | None, locale: str) -> Chart:
    """A chart by period: the spec of its shape (built once by Altair, which takes 15-20 ms for one)
    with these rows as its data: a client's revenue chart is drawn afresh at each view."""
    rows = _rows(points, locale)
    series = _series(rows)
    shape = _period_shape(kind, description, period_title, value_title, series_title, tuple(series), locale)
    spec = {**shape, "data": {"values": rows}}
    return Chart(spec=spec, title=title, description=description,
                 table=_table(rows, series, title, period_title, value_title))


@lru_cache(maxsize=REMEMBERED)
def _period_shape(kind: str, description: str, period_title: str, value_title: str, series_title: str | None,
                  series: tuple[str, ...], locale: str) -> dict[str, Any]:
    """The Vega-Lite spec of a chart by period without its rows (its inline data empty): nothing in it
    but the data depends on the rows, with the periods in the rows' order (``sort=None``)."""
    import altair as alt

    names = list(series)
    x = alt.X("period:N", sort=None, title=period_title, axis=_period_axis(),
              scale=alt.Scale(padding=0.5) if kind == "line" else alt.Undefined)
    tooltip = _tooltip(period_title, value_title, series_title, names)
    if kind == "bar":
        y = alt.Y("value:Q", title=None, axis=alt.Axis(tickCount=5), stack=None)
        drawing = _base([], description, value_title).mark_bar(cornerRadiusEnd=2)
        drawing = (drawing.encode(x=x, y=y, xOffset=alt.XOffset("series:N", sort=names, title=series_title),
                                  color=_color(names, series_title), tooltip=tooltip) if names
                   else drawing.encode(x=x, y=y, tooltip=tooltip))
    else:
        y = alt.Y("value:Q", title=None, axis=alt.Axis(tickCount=5))
        point = alt.OverlayMarkDef(filled=True, size=48)
        drawing = _base([], description, value_title).mark_line(strokeWidth=2, point=point)
        drawing = (drawing.encode(x=x, y=y, color=_color(names, series_title), tooltip=tooltip) if names
                   else drawing.encode(x=x, y=y, tooltip=tooltip))
    spec: dict[str, Any] = drawing.configure(**_CONFIG, locale={"number": number_locale(locale)}).to_dict()
    if spec.get("data") != {"values": []} or "datasets" in spec:
        raise AssertionError("a chart by period carries its rows inline, in its top-level data")
    return spec


class CategoryValue(NamedTuple):
    """One bar of :func:`bar_chart_by_category`: a category's value and, optionally, its interval.

    ``category`` is the label on the axis (categories keep the order given and appear once);
    ``low``/``high`` the interval drawn as an error bar (both or neither); ``group`` colours the
    bar (e.g. the dimension of a survey statement; all or none name one); ``label`` and
    ``interval_label`` are how the reader sees the value and the interval in tooltips and the table
    (by default the numbers formatted for the chart's locale).
    """

    category: str
    value: Decimal | float | int
    low: Decimal | float | int | None = None
    high: Decimal | float | int | None = None
    group: str = ""
    label: str | None = None
    interval_label: str | None = None


#: the height of one horizontal bar's row, in CSS pixels
CATEGORY_STEP = 26


@remembered
def bar_chart_by_category(
    points: Iterable[CategoryValue], *, title: str, description: str, category_title: str, value_title: str,
    interval_title: str | None = None, group_title: str | None = None, locale: str = "en",
) -> Chart:
    """Horizontal bars, one per category, drawn from zero (a negative value goes left, e.g. a
    service-quality gap), with an error bar over each interval given (e.g. a 95% confidence
    interval) and a line at zero; bars coloured by group when the values name one.

    The chart is as tall as its categories need (:data:`CATEGORY_STEP` each). Titles and labels are
    shown as given: translate them first. The table lists each category (with its group in
    brackets), its value and its interval.
    """
    import altair as alt

    rows = _category_rows(points, locale)
    groups = list(dict.fromkeys(row["series"] for row in rows if row["series"]))
    categories = [row["category"] for row in rows]
    y = alt.Y("category:N", sort=categories, title=None,
              axis=alt.Axis(labelLimit=150, ticks=False, labelPadding=6, domain=False))
    x = alt.X("value:Q", title=None, axis=alt.Axis(tickCount=5, labelOverlap="greedy"))
    tooltip = [alt.Tooltip("category:N", title=category_title)]
    if groups:
        tooltip.append(alt.Tooltip("series:N", title=group_title or ""))
    tooltip.append(alt.Tooltip("label:N", title=value_title))
    if interval_title:
        tooltip.append(alt.Tooltip("interval_label:N", title=interval_title))
    base = alt.Chart()
    bars = base.mark_bar(cornerRadiusEnd=2, height={"band": 0.7})
    bars = bars.encode(y=y, x=x, tooltip=tooltip, color=_color(groups, group_title)) if groups \
        else bars.encode(y=y, x=x, tooltip=tooltip)
    layers: list[Any] = [bars]
    if any(row["low"] is not None for row in rows):
        layers.append(base.mark_rule(color="#1b2430", strokeWidth=1.5).encode(
            y=y, x=alt.X("low:Q"), x2=alt.X2("high:Q"), tooltip=tooltip))
        layers.append(base.mark_tick(color="#1b2430", thickness=1.5, size=10, orient="vertical").encode(
            y=y, x=alt.X("low:Q"), tooltip=tooltip))
        layers.append(base.mark_tick(color="#1b2430", thickness=1.5, size=10, orient="vertical").encode(
            y=y, x=alt.X("high:Q"), tooltip=tooltip))
    layers.append(base.mark_rule(color="#56616f", strokeWidth=1).encode(x=alt.datum(0)))
    drawing = alt.layer(*layers, data=alt.Data(values=rows), description=description).properties(
        title=value_title, width="container", height=max(len(rows), 1) * CATEGORY_STEP,
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    spec = drawing.configure(**_CONFIG, locale={"number": number_locale(locale)}).to_dict()
    # a bar's group goes beside its category ("5. We get it right (Reliability)"): a table narrow
    # enough for a phone
    headers = (f"{category_title} ({group_title})" if groups and group_title else category_title, value_title,
               *((interval_title,) if interval_title else ()))
    table_rows = tuple((f"{row['category']} ({row['series']})" if groups else row["category"], row["label"],
                        *((row["interval_label"],) if interval_title else ())) for row in rows)
    return Chart(spec=spec, title=title, description=description, table=ChartTable(title, headers, table_rows))


@remembered
def share_curve_chart(
    points: Iterable[tuple[float, float]], *, title: str, description: str, x_title: str, y_title: str,
    reference_title: str, locale: str = "en",
) -> Chart:
    """A curve of one share against another, both 0–1 and drawn as percentages, from (0, 0) to
    (1, 1), with the diagonal of equal shares as a dashed reference (a Lorenz curve: the share of
    clients against the share of revenue they bring). The table lists every tenth point."""
    import altair as alt

    rows: list[dict[str, Any]] = [{"x": 0.0, "y": 0.0}]
    for along, up in points:
        x_value, y_value = _finite(along, "a share"), _finite(up, "a share")
        if x_value is None or y_value is None or not (0 <= x_value <= 1 and 0 <= y_value <= 1):
            raise ValueError(f"a share curve's point is two shares between 0 and 1, not {(along, up)!r}")
        rows.append({"x": x_value, "y": y_value})
    for row in rows:
        row["x_label"] = format_percent(row["x"], locale=locale)
        row["y_label"] = format_percent(row["y"], locale=locale)
    x = alt.X("x:Q", title=x_title, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format=".0%", tickCount=5))
    y = alt.Y("y:Q", title=None, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format=".0%", tickCount=5))
    tooltip = [alt.Tooltip("x_label:N", title=x_title), alt.Tooltip("y_label:N", title=y_title)]
    curve = alt.Chart().mark_line(strokeWidth=2).encode(x=x, y=y, tooltip=tooltip)
    diagonal = alt.Chart(alt.Data(values=[{"x": 0, "y": 0}, {"x": 1, "y": 1}])).mark_line(
        strokeDash=[4, 4], color="#6b7684", strokeWidth=1).encode(x="x:Q", y="y:Q")
    drawing = alt.layer(diagonal, curve, data=alt.Data(values=rows), description=description).properties(
        title=y_title, width="container", height=HEIGHT, autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    spec = drawing.configure(**_CONFIG, locale={"number": number_locale(locale)}).to_dict()
    step = max(1, (len(rows) - 1) // 10)
    shown = [row for index, row in enumerate(rows) if index and (index % step == 0 or index == len(rows) - 1)]
    table = ChartTable(title, (x_title, y_title, reference_title),
                       tuple((row["x_label"], row["y_label"], row["x_label"]) for row in shown))
    return Chart(spec=spec, title=title, description=description, table=table)


def _finite(value: Decimal | float | int | None, what: str) -> float | None:
    if value is None:
        return None
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{what} is not a finite number: {value!r}")
    return number


def _category_rows(points: Iterable[CategoryValue], locale: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for point in points:
        category, value, low, high, group, label, interval_label = CategoryValue(*point)
        if category in seen:
            raise ValueError(f"category {category!r} appears twice")
        seen.add(category)
        number = _finite(value, f"the value of category {category!r}")
        low_number = _finite(low, f"the interval of category {category!r}")
        high_number = _finite(high, f"the interval of category {category!r}")
        if (low_number is None) != (high_number is None):
            raise ValueError(f"the interval of category {category!r} needs both ends")
        if low_number is not None and high_number is not None and low_number > high_number:
            raise ValueError(f"the interval of category {category!r} ends before it starts")
        if label is None:
            label = format_decimal(value, locale=locale)
        if interval_label is None:
            interval_label = MISSING if low is None or high is None else \
                f"{format_decimal(low, locale=locale)} – {format_decimal(high, locale=locale)}"
        rows.append({"category": category, "series": group, "value": number, "low": low_number,
                     "high": high_number, "label": label, "interval_label": interval_label})
    if rows and len({bool(row["series"]) for row in rows}) > 1:
        raise ValueError("either every value names its group or none does")
    return rows


def chart_svg(chart: Chart, *, width: int = SVG_WIDTH) -> str:
    """The chart as a standalone SVG document, rendered on the server by vl-convert.

    ``width: "container"`` becomes ``width`` pixels. No data is fetched: the spec carries its
    values and vl-convert is allowed no URL. Results are cached by spec.
    """
    spec = dict(chart.spec)
    if spec.get("width") == "container":
        spec["width"] = width
    # room on the left: whoever draws the SVG (a PDF's layout, a browser without the chart's font) may
    # set the axis labels in a wider font than vl-convert measured them with
    spec.setdefault("padding", SVG_PADDING)
    return _render_svg(json.dumps(spec, sort_keys=True, ensure_ascii=False))


def month_label(day: date, locale: str = "en") -> str:
    """A month as a period label in the reader's language: "Jan 2025", "2025. jan.", "2025年1月"."""
    return format_skeleton("yMMM", day, locale=locale)


def number_locale(locale: str) -> dict[str, Any]:
    """The d3-format locale (Vega's number formatting) of a Babel locale: its decimal and group signs."""
    return {
        "decimal": get_decimal_symbol(locale), "thousands": get_group_symbol(locale), "grouping": [3],
        "currency": ["", ""], "minus": get_minus_sign_symbol(locale),
    }


# --- building blocks ------------------------------------------------------------------------------

@cache
def vega_lite_version() -> str:
    """The Vega-Lite version Altair writes specs for, as vl-convert names it: "v6.4"."""
    import altair as alt

    return ".".join(alt.SCHEMA_VERSION.split(".")[:2])


@lru_cache(maxsize=128)
def _render_svg(spec_json: str) -> str:
    import vl_convert

    spec = json.loads(spec_json)
    return vl_convert.vegalite_to_svg(spec, vl_version=vega_lite_version(), allowed_base_urls=[])


def _rows(points: Iterable[PeriodValue], locale: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for point in points:
        period, value, series, label = PeriodValue(*point)
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"the value of period {period!r} is not a finite number: {value!r}")
        if (period, series) in seen:
            raise ValueError(f"period {period!r} appears twice" + (f" in series {series!r}" if series else ""))
        seen.add((period, series))
        if label is None:
            label = format_decimal(value, locale=locale)
        rows.append({"period": period, "series": series, "value": number, "label": label})
    if rows and len({bool(row["series"]) for row in rows}) > 1:
        raise ValueError("either every value names its series or none does")
    return rows


def _series(rows: list[dict[str, Any]]) -> list[str]:
    return list(dict.fromkeys(row["series"] for row in rows if row["series"]))


def _base(rows: list[dict[str, Any]], description: str, value_title: str) -> alt.Chart:
    import altair as alt

    return alt.Chart(alt.Data(values=rows), description=description).properties(
        title=value_title, width="container", height=HEIGHT,
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
    )


def _period_axis() -> alt.Axis:
    import altair as alt

    # horizontal labels; when they do not fit, every other one is left out until they do
    return alt.Axis(labelAngle=0, labelOverlap="parity", labelSeparation=6, labelLimit=120, ticks=False,
                    labelPadding=6)


def _color(series: list[str], series_title: str | None) -> alt.Color:
    import altair as alt

    palette = [PALETTE[i % len(PALETTE)] for i in range(len(series))]
    # many series: the legend goes under the chart in columns (beside it, the last ones fell off its foot)
    legend = alt.Legend(orient="bottom", columns=min(4, len(series)), labelLimit=140, columnPadding=18) \
        if len(series) > LEGEND_BESIDE else alt.Undefined
    return alt.Color("series:N", title=series_title, scale=alt.Scale(domain=series, range=palette), legend=legend)


def _tooltip(period_title: str, value_title: str, series_title: str | None, series: list[str]) -> list[alt.Tooltip]:
    import altair as alt

    fields = [alt.Tooltip("period:N", title=period_title)]
    if series:
        fields.append(alt.Tooltip("series:N", title=series_title or ""))
    fields.append(alt.Tooltip("label:N", title=value_title))
    return fields


def _chart(
    drawing: alt.Chart, rows: list[dict[str, Any]], series: list[str], title: str, description: str,
    period_title: str, value_title: str, locale: str,
) -> Chart:
    spec = drawing.configure(**_CONFIG, locale={"number": number_locale(locale)}).to_dict()
    return Chart(spec=spec, title=title, description=description,
                 table=_table(rows, series, title, period_title, value_title))


def _table(rows: list[dict[str, Any]], series: list[str], caption: str, period_title: str,
           value_title: str) -> ChartTable:
    if not series:
        return ChartTable(caption, (period_title, value_title),
                          tuple((row["period"], row["label"]) for row in rows))
    labels = {(row["period"], row["series"]): row["label"] for row in rows}
    periods = dict.fromkeys(row["period"] for row in rows)
    return ChartTable(caption, (period_title, *series),
                      tuple((period, *(labels.get((period, name), MISSING) for name in series))
                            for period in periods))
