"""Charts over two quantities (prices, hours, scores): curves that share an x axis (the Van
Westendorp curves against price) and labelled points (a price-position map). Same conventions as
``charts``: translated titles, a table of the figures, Vega-Lite specs rendered to SVG on the server."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from babel.numbers import format_decimal

from servicescape.platform.charts import _CONFIG, HEIGHT, PALETTE, Chart, ChartTable, _finite, number_locale


class XYPoint(NamedTuple):
    """A labelled point of :func:`point_chart` (``group`` colours it: the firm against competitors)."""

    label: str
    x: float
    y: float
    group: str = ""
    x_label: str | None = None
    y_label: str | None = None


def curves_chart(xs: Sequence[float], curves: dict[str, Sequence[float | None]], *, title: str, description: str,
                 x_title: str, y_title: str, y_percent: bool = True, marks: Iterable[tuple[str, float]] = (),
                 locale: str = "en") -> Chart:
    """One line per named curve over ``xs`` (every curve has one value per x; None leaves a gap),
    with labelled vertical rules at ``marks`` (e.g. the price points). The table lists every x."""
    import altair as alt

    rows: list[dict[str, Any]] = []
    for name, values in curves.items():
        if len(values) != len(xs):
            raise ValueError(f"curve {name!r} has {len(values)} values for {len(xs)} points")
        for x_given, y_given in zip(xs, values, strict=True):
            x_value, y_value = _finite(x_given, "an x"), _finite(y_given, "a y")
            if x_value is None:
                raise ValueError("every point needs an x")
            rows.append({"x": x_value, "y": y_value, "series": name})
    names = list(curves)
    palette = [PALETTE[i % len(PALETTE)] for i in range(len(names))]
    y_axis = alt.Axis(format=".0%", tickCount=5) if y_percent else alt.Axis(tickCount=5)
    x = alt.X("x:Q", title=x_title, axis=alt.Axis(tickCount=8, labelOverlap="greedy"))
    y = alt.Y("y:Q", title=None, axis=y_axis)
    color = alt.Color("series:N", title=None, scale=alt.Scale(domain=names, range=palette), sort=names)
    lines = alt.Chart().mark_line(strokeWidth=2, interpolate="step-after").encode(
        x=x, y=y, color=color, tooltip=[alt.Tooltip("series:N", title=""), alt.Tooltip("x:Q", title=x_title),
                                        alt.Tooltip("y:Q", title=y_title, format=".0%" if y_percent else ",")])
    layers: list[Any] = [lines]
    marked = [{"x": float(value), "name": name} for name, value in marks]
    if marked:
        rules = alt.Chart(alt.Data(values=marked))
        layers.append(rules.mark_rule(strokeDash=[3, 3], color="#56616f").encode(x="x:Q"))
        layers.append(rules.mark_text(align="left", dx=3, dy=-4, fontSize=11, color="#1b2430", baseline="bottom")
                      .encode(x="x:Q", y=alt.value(10), text="name:N"))
    drawing = alt.layer(*layers, data=alt.Data(values=rows), description=description).properties(
        title=y_title, width="container", height=HEIGHT, autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    spec = drawing.configure(**_CONFIG, locale={"number": number_locale(locale)}).to_dict()

    def shown(value: float | None) -> str:
        if value is None:
            return "—"
        return f"{format_decimal(round(value * 100, 1), locale=locale)} %" if y_percent else \
            format_decimal(value, locale=locale)

    table = ChartTable(title, (x_title, *names), tuple(
        (format_decimal(x, locale=locale), *(shown(curves[name][n]) for name in names)) for n, x in enumerate(xs)))
    return Chart(spec=spec, title=title, description=description, table=table)


def point_chart(points: Iterable[XYPoint], *, title: str, description: str, x_title: str, y_title: str,
                group_title: str | None = None, locale: str = "en") -> Chart:
    """Labelled points (a price-position map: price across, perceived quality up), coloured by group."""
    import altair as alt

    rows: list[dict[str, Any]] = []
    for point in points:
        label, x_value, y_value, group, x_label, y_label = XYPoint(*point)
        x_number, y_number = _finite(x_value, "an x"), _finite(y_value, "a y")
        if x_number is None or y_number is None:
            raise ValueError(f"point {label!r} needs both coordinates")
        rows.append({"label": label, "x": x_number, "y": y_number, "series": group,
                     "x_label": x_label or format_decimal(x_value, locale=locale),
                     "y_label": y_label or format_decimal(y_value, locale=locale)})
    groups: list[str] = list(dict.fromkeys(str(row["series"]) for row in rows))
    palette = [PALETTE[i % len(PALETTE)] for i in range(len(groups))]
    tooltip = [alt.Tooltip("label:N", title=""), alt.Tooltip("x_label:N", title=x_title),
               alt.Tooltip("y_label:N", title=y_title)]
    base = alt.Chart().encode(x=alt.X("x:Q", title=x_title, scale=alt.Scale(zero=False),
                                      axis=alt.Axis(tickCount=6, labelOverlap="greedy")),
                              y=alt.Y("y:Q", title=None, scale=alt.Scale(zero=False), axis=alt.Axis(tickCount=5)))
    color = alt.Color("series:N", title=group_title, scale=alt.Scale(domain=groups, range=palette))
    dots = base.mark_point(filled=True, size=80).encode(color=color, tooltip=tooltip)
    names = base.mark_text(align="left", dx=7, fontSize=11, color="#1b2430").encode(text="label:N")
    drawing = alt.layer(dots, names, data=alt.Data(values=rows), description=description).properties(
        title=y_title, width="container", height=HEIGHT, autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    spec = drawing.configure(**_CONFIG, locale={"number": number_locale(locale)}).to_dict()
    headers = ("", *((group_title,) if group_title else ()), x_title, y_title)
    table = ChartTable(title, headers, tuple(
        (row["label"], *((row["series"],) if group_title else ()), row["x_label"], row["y_label"]) for row in rows))
    return Chart(spec=spec, title=title, description=description, table=table)
