"""Server-side chart rendering: chart_svg on a 36-bar chart, against building its spec, same run.

    .venv/bin/python benchmarks/chart_svg.py [--bars 36] [--repeat 20]

Times, in one fresh process:

1. importing Altair and building the spec (``bar_chart_by_period``; first call, then the median
   of warm calls) — the baseline;
2. ``chart_svg`` the first time (vl-convert starts its JavaScript runtime and compiles Vega-Lite);
3. ``chart_svg`` warm: the median of ``--repeat`` renders of specs it has not seen (different
   values, so the cache does not answer);
4. ``chart_svg`` of a spec it has seen (the cache).

Prints milliseconds and the ratio of a warm render to a warm spec build.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date

from servicescape.platform.charts import Chart, PeriodValue, bar_chart_by_period, chart_svg, month_label


def _chart(bars: int, seed: int) -> Chart:
    points = [PeriodValue(month_label(date(2023 + i // 12, i % 12 + 1, 1)), 1000 * (i + 1) + seed) for i in range(bars)]
    return bar_chart_by_period(points, title="Revenue by month", description="Revenue per month.",
                               period_title="Month", value_title="Revenue (MYR)")


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bars", type=int, default=36)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    start = time.perf_counter()
    chart = _chart(args.bars, 0)
    first_build = _ms(start)
    builds = []
    for seed in range(1, args.repeat + 1):
        start = time.perf_counter()
        _chart(args.bars, seed)
        builds.append(_ms(start))

    start = time.perf_counter()
    svg = chart_svg(chart)
    first_render = _ms(start)
    renders = []
    for seed in range(1, args.repeat + 1):
        other = _chart(args.bars, seed)
        start = time.perf_counter()
        chart_svg(other)
        renders.append(_ms(start))
    start = time.perf_counter()
    chart_svg(chart)
    cached = _ms(start)

    build, render = statistics.median(builds), statistics.median(renders)
    print(f"{args.bars} bars, SVG {len(svg):,} bytes")
    print(f"spec build (Altair): first {first_build:7.1f} ms (with the import), warm median {build:6.1f} ms")
    print(f"chart_svg:           first {first_render:7.1f} ms, warm median {render:6.1f} ms, cached {cached:.3f} ms")
    print(f"ratio warm render / warm spec build: {render / build:.1f}x")


if __name__ == "__main__":
    main()
