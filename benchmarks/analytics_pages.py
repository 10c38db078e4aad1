"""The analytics pages and API at the size of a large firm, served from the cache, against a trivial
endpoint and a non-analytics page of the same app, measured in the same run.

    PYTHONPATH=src .venv/bin/python benchmarks/analytics_pages.py [--clients N] [--invoices-per-client N] \\
        [--db-path PATH] [--runs N] [--warmups N] [--scratch DIR] [--keep] [--top]

The issue's target: on the 1,000,000-client / 10,000,000-invoice firm, an analytics page served from the
cache in under 300 ms (judged here on the median and on the p95 of every analytics page and API call).

**The firm** is the one of ``benchmarks/analytics_speed.py`` (its ``prepare``: reused from
``/tmp/servicescape-analytics-bench/firm-<clients>.db`` when built by its current version, else built
there, ~2 minutes for a million clients). That file is never written: it is copied to ``--scratch``
(default a new folder under ``/tmp``, removed at the end unless ``--keep``) and the copy is opened with
``open_runtime`` (dev mode, reporting currency EUR as the firm was drawn in, no background jobs).

**Measured**, in this one process:

1. an owner and an API token are made; then ``analytics.service.refresh(force=True)`` as SYSTEM — the
   refresh job's cost for this firm (the load into DuckDB and each report's own seconds, as kept);
2. the app (``create_app``) is served in-process with ``fastapi.testclient.TestClient`` (routing,
   middleware, sign-in, queries, templates: everything but the socket), its long-lived objects frozen
   out of the cyclic collector as ``servicescape serve`` does; the pages signed in through ``/signin``
   (session cookie), the API with ``Authorization: Bearer``;
3. every endpoint ``--warmups`` times (the first one is shown: it renders each chart's SVG with
   vl-convert, which is kept per spec after), then ``--runs`` rounds, the endpoints taken in turn within
   each round (a change in the machine's load hits all of them): median, p95 and max in ms and the
   ratio of the median to the median of ``/healthz`` (one trivial query through the same stack).
   ``/tasks`` (and the home page, which shows the at-risk key accounts from the cache) are measured for
   comparison. Every response must be 200, every API answer ``meta.cached`` and not stale, and no
   report counted again while the pages were served (the cache's rows are compared before and after);
4. one more request of each endpoint (but ``/healthz``) under cProfile: where its time goes (the cached
   result read from the database and decoded from JSON, the chart's spec built with Altair, its SVG,
   the template and Babel's number formatting in it, the SQL, the API's serialisation),
   and the top functions of any whose median reached 300 ms (``--top``: of all).

After the refresh, each cached report is listed with its own seconds, its JSON's size and its long lists
(what a page may render row by row).

Prints PASS/FAIL against 300 ms (median and p95); exits 1 when the target is missed or a check fails.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import io
import json
import os
import pstats
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import analytics_speed as firm_builder  # the firm's builder, next to this script

TARGET_MS = 300.0
OWNER_EMAIL, OWNER_PASSWORD = "owner@bench.example", "bench-owner-passphrase-2026"
PAGES = {
    "/analytics": "concentration (pareto)",
    "/analytics/rfm": "RFM",
    "/analytics/cohorts": "cohorts",
    "/analytics/value": "lifetime value (clv)",
    "/analytics/risk": "at risk (churn)",
    "/analytics/economics": "economics",
}
API = {f"/api/v1/analytics/{name}": f"API {name}" for name in ("pareto", "rfm", "cohorts", "clv", "churn",
                                                               "economics")}
OTHERS = {"/healthz": "baseline: /healthz", "/tasks": "non-analytics page: /tasks",
          "/": "home (at-risk panel from the cache)"}
#: column → (what it is, the functions summed from the profile: end of the file name, function name)
PIECES: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "cache": ("the cached result: analytics.service.report() (its row read, the JSON decoded)",
              (("analytics/service.py", "report"), ("analytics/service.py", "kept"))),
    "JSON": ("of it the JSON decode (json.loads)", (("json/__init__.py", "loads"),)),
    "spec": ("the chart's spec built with Altair (lorenz_chart, decile_chart)",
             (("analytics/pages.py", "lorenz_chart"), ("analytics/pages.py", "decile_chart"))),
    "SVG": ("the chart's SVG (Chart.picture; vl-convert only on a miss of its cache per spec)",
            (("platform/charts.py", "picture"),)),
    "vl-conv": ("of it vl-convert (_render_svg)", (("platform/charts.py", "_render_svg"),)),
    "template": ("the template (web.templating.render, Jinja2; the numbers formatted with Babel in it)",
                 (("web/templating.py", "render"),)),
    "Babel": ("of it Babel's number formatting (format_decimal, format_percent, format_currency)",
              (("babel/numbers.py", "format_decimal"), ("babel/numbers.py", "format_percent"),
               ("babel/numbers.py", "format_currency"))),
    "SQL": ("SQLite: execute and fetch (sqlite3.Cursor)",
            tuple(("~", f"<method '{name}' of 'sqlite3.Cursor' objects>")
                  for name in ("execute", "fetchone", "fetchall", "fetchmany"))),
    "serialize": ("the API's response: serialisation to JSON (pydantic)",
                  (("fastapi/_compat/v2.py", "serialize"), ("fastapi/_compat/v2.py", "serialize_json"))),
}


def copy_database(source: Path, scratch: Path) -> Path:
    """The benchmark's firm copied (with its WAL when it holds anything): the original is never opened."""
    target = scratch / source.name
    shutil.copyfile(source, target)
    wal = Path(str(source) + "-wal")
    if wal.exists() and wal.stat().st_size:
        shutil.copyfile(wal, Path(str(target) + "-wal"))
    return target


def add_missing_tables(runtime: Any) -> list[str]:
    """The models' tables the copy lacks, made from the models (``create_all`` leaves the others as they
    are): a firm built before a migration was amended in place (0011 gained ``data_version_entity``
    after the firm of the first analytics runs was built) is at the head revision without them."""
    from sqlalchemy import inspect

    from servicescape.db.models import Base

    before = set(inspect(runtime.engine).get_table_names())
    Base.metadata.create_all(runtime.engine, checkfirst=True)
    return sorted(set(inspect(runtime.engine).get_table_names()) - before)


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    place = share * (len(ordered) - 1)
    low = int(place)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (place - low)


#: a cached result's list longer than this is named (what a page may render row by row)
LONG_LIST = 100


def kept_results(runtime: Any) -> dict[str, tuple[float, float, dict[str, int]]]:
    """Each cached report: its own seconds, its JSON's size in KiB and its long lists (top level)."""
    from sqlalchemy import select

    from servicescape.analytics.models import CachedResult

    with runtime.transaction() as session:
        return {row.report: (row.seconds, len(json.dumps(row.payload)) / 1024,
                             {key: len(value) for key, value in row.payload.items()
                              if isinstance(value, list) and len(value) > LONG_LIST})
                for row in session.scalars(select(CachedResult).order_by(CachedResult.report))}


def cache_rows(runtime: Any) -> dict[str, tuple[str, int, str]]:
    from sqlalchemy import select

    from servicescape.analytics.models import CachedResult

    with runtime.transaction() as session:
        return {row.key: (row.report, row.data_version, row.computed_at.isoformat())
                for row in session.scalars(select(CachedResult))}


class Profiles:
    """cProfile of what ``app`` runs while in ``with``. The TestClient runs the app on an event loop in a
    thread of its own, and Starlette hands sync code (the endpoints, their dependencies, the response's
    validation) to worker threads with ``anyio.to_thread.run_sync``: a profiler started in the calling
    thread sees none of it. So the app's middleware stack runs under one profiler (on the event loop:
    middleware, routing, the response's serialisation; its time includes waiting for the workers) and
    each call to a worker under one of its own."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def __enter__(self) -> Profiles:
        import anyio.to_thread

        self.loop = loop = cProfile.Profile()
        self.stack = stack = self.app.middleware_stack   # built by the first request

        async def profiled(scope: Any, receive: Any, send: Any) -> None:
            loop.enable()
            try:
                await stack(scope, receive, send)
            finally:
                loop.disable()

        self.app.middleware_stack = profiled
        self.profiles: list[cProfile.Profile] = []
        self.original = original = anyio.to_thread.run_sync
        profiles = self.profiles

        async def run_sync(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
            profile = cProfile.Profile()
            profiles.append(profile)
            return await original(functools.partial(profile.runcall, func), *args, **kwargs)

        anyio.to_thread.run_sync = run_sync  # type: ignore[assignment]
        return self

    def __exit__(self, *_exc: object) -> None:
        import anyio.to_thread

        anyio.to_thread.run_sync = self.original  # type: ignore[assignment]
        self.app.middleware_stack = self.stack

    def workers(self) -> pstats.Stats:
        return pstats.Stats(*self.profiles, stream=io.StringIO())

    def both(self) -> pstats.Stats:
        return pstats.Stats(self.loop, *self.profiles, stream=io.StringIO())


def pieces(stats: pstats.Stats) -> dict[str, float]:
    """Cumulative ms of :data:`PIECES`."""
    table = stats.stats  # type: ignore[attr-defined]
    found: dict[str, float] = {}
    for label, (_what, functions) in PIECES.items():
        found[label] = 1000 * sum(entry[3] for (file, _line, function), entry in table.items()
                                  if any(function == name and file.replace(os.sep, "/").endswith(suffix)
                                         for suffix, name in functions))
    return found


def top_functions(stats: pstats.Stats, lines: int = 25) -> str:
    out = io.StringIO()
    stats.stream = out  # type: ignore[attr-defined]
    stats.sort_stats("cumulative").print_stats(lines)
    text = out.getvalue()
    return text[text.find("   ncalls"):].rstrip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=1_000_000)
    parser.add_argument("--invoices-per-client", type=float, default=10.0)
    parser.add_argument("--db-path", type=Path, help="the benchmark's firm (built when missing; default "
                        "/tmp/servicescape-analytics-bench/firm-<clients>.db); only read, through a copy")
    parser.add_argument("--runs", type=int, default=20, help="timed requests of each endpoint")
    parser.add_argument("--warmups", type=int, default=2, help="untimed requests of each endpoint first")
    parser.add_argument("--scratch", type=Path, help="where the copy goes (default: a new folder in /tmp)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch copy")
    parser.add_argument("--top", action="store_true", help="print the top functions of every page, not only "
                        "of those that missed the target")
    args = parser.parse_args()

    source = args.db_path or Path(f"/tmp/servicescape-analytics-bench/firm-{args.clients}.db")
    meta = firm_builder.prepare(source, args.clients, args.invoices_per_client)
    scratch = args.scratch or Path(tempfile.mkdtemp(prefix="servicescape-analytics-pages-"))
    scratch.mkdir(parents=True, exist_ok=True)
    try:
        return run(args, source, meta, scratch)
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
        else:
            print(f"kept {scratch}")


def run(args: argparse.Namespace, source: Path, meta: dict[str, Any], scratch: Path) -> int:
    from fastapi.testclient import TestClient

    from servicescape.analytics import service
    from servicescape.auth.permissions import SYSTEM
    from servicescape.auth.roles import Role
    from servicescape.auth.service import create_staff, issue_token
    from servicescape.config import Settings
    from servicescape.runtime import open_runtime
    from servicescape.web.app import create_app, freeze_what_lives_forever

    started = time.perf_counter()
    path = copy_database(source, scratch)
    print(f"copied {source} ({path.stat().st_size / 2**20:,.0f} MiB; built {meta['today']}: "
          f"{meta['counts']['client']:,} clients, {meta['counts']['invoice']:,} invoices) to {path} in "
          f"{time.perf_counter() - started:.1f} s", flush=True)
    settings = Settings(mode="dev", data_dir=scratch, database_url=f"sqlite:///{path}",
                        reporting_currency=firm_builder.REPORTING, run_jobs=False)
    runtime = open_runtime(settings)
    try:
        made = add_missing_tables(runtime)
        if made:
            print(f"the copy lacked tables of the models (the firm was built before they were added to a migration "
                  f"already applied): made {', '.join(made)}", flush=True)
        with runtime.transaction() as session:
            owner = create_staff(session, name="Bench Owner", email=OWNER_EMAIL, role=Role.owner,
                                 password=OWNER_PASSWORD, by=SYSTEM)
            token = issue_token(session, owner, name="analytics-pages benchmark", by=SYSTEM).token

        loads = os.getloadavg()
        started, cpu = time.perf_counter(), time.process_time()
        with runtime.transaction() as session:
            refreshed = service.refresh(session, by=SYSTEM, force=True)
        refresh_s, refresh_cpu = time.perf_counter() - started, time.process_time() - cpu
        rows = cache_rows(runtime)
        print(f"\nrefresh (force, as SYSTEM): {refresh_s:.1f} s wall, {refresh_cpu:.1f} s CPU, {len(rows)} reports "
              f"kept for data version {refreshed['data_version']}; peak memory so far "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} GB")
        kept = kept_results(runtime)
        print(f"  {'report':<10}{'s':>7}{'JSON KiB':>10}  lists of more than {LONG_LIST} items")
        for name, (seconds, kib, lists) in kept.items():
            print(f"  {name:<10}{seconds:>7.2f}{kib:>10,.0f}  " +
                  (", ".join(f"{key} {count:,}" for key, count in lists.items()) or "-"))
        counting = sum(seconds for seconds, _kib, _lists in kept.values())
        print(f"  the load into DuckDB and the rest: {refresh_s - counting:.2f} s")

        app = create_app(runtime=runtime)
        freeze_what_lives_forever()   # as each process of `servicescape serve` does
        browser = TestClient(app, base_url="http://127.0.0.1")
        form = browser.get("/signin")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert csrf is not None, "no CSRF token on /signin"
        signed = browser.post("/signin", data={"email": OWNER_EMAIL, "password": OWNER_PASSWORD,
                                               "csrf_token": csrf.group(1), "next": "/"}, follow_redirects=False)
        assert signed.status_code == 303, (signed.status_code, signed.text[:300])
        api = TestClient(app, base_url="http://127.0.0.1", headers={"Authorization": f"Bearer {token}"})

        problems: list[str] = []

        def request(url: str) -> Callable[[], tuple[float, Any]]:
            client = api if url.startswith("/api/") else browser

            def call() -> tuple[float, Any]:
                """The request's ms (the response's checks after it, out of the time) and the response."""
                moment = time.perf_counter()
                response = client.get(url)
                ms = (time.perf_counter() - moment) * 1000
                if response.status_code != 200:
                    problems.append(f"{url}: HTTP {response.status_code}")
                elif url.startswith("/api/"):
                    answer = response.json()["meta"]
                    if not answer["cached"] or answer["stale"]:
                        problems.append(f"{url}: cached {answer['cached']}, stale {answer['stale']}")
                return ms, response
            return call

        endpoints = {**OTHERS, **PAGES, **API}
        calls = {url: request(url) for url in endpoints}
        first: dict[str, float] = {}
        size: dict[str, int] = {}
        for n in range(args.warmups):
            for url, call in calls.items():
                ms, response = call()
                if n == 0:
                    first[url], size[url] = ms, len(response.content)
        times: dict[str, list[float]] = {url: [] for url in endpoints}
        for _ in range(args.runs):
            for url, call in calls.items():
                times[url].append(call()[0])
        counted_again = cache_rows(runtime) != rows
        if counted_again:
            problems.append("a report was counted again while the pages were served (the cache changed)")

        profiles: dict[str, pstats.Stats] = {}
        workers: dict[str, pstats.Stats] = {}
        profiled_ms: dict[str, float] = {}
        for url in endpoints:
            if url == "/healthz":
                continue
            with Profiles(app) as profiled:
                profiled_ms[url] = calls[url]()[0]
            profiles[url], workers[url] = profiled.both(), profiled.workers()
    finally:
        runtime.close()

    baseline = statistics.median(times["/healthz"])
    print(f"\n{meta['counts']['client']:,} clients, {meta['counts']['invoice']:,} invoices; in-process TestClient "
          f"(no socket), {args.runs} timed requests of each after {args.warmups} warm-ups; ms")
    print(f"{'endpoint':<38}{'KiB':>8}{'first':>8}{'median':>8}{'p95':>8}{'max':>8}{'× healthz':>11}  target")
    verdicts: dict[str, bool] = {}
    for url, label in endpoints.items():
        middle, high = statistics.median(times[url]), percentile(times[url], 0.95)
        judged = url in PAGES or url in API
        ok = middle < TARGET_MS and high < TARGET_MS
        if judged:
            verdicts[url] = ok
        print(f"{label + (' ' + url if url in PAGES else ''):<38}{size[url] / 1024:>8,.0f}{first[url]:>8.0f}"
              f"{middle:>8.1f}{high:>8.1f}{max(times[url]):>8.1f}{middle / baseline:>11.1f}  "
              f"{('PASS' if ok else 'FAIL') if judged else '(not judged)' if not ok else ''}")
    print(f"load average (1 min) of the machine: {loads[0]:.1f} before the refresh, {os.getloadavg()[0]:.1f} now "
          f"(above ~0.5 other work shared the 2 cores)")

    print("\nwhere one more request of each goes, under cProfile (which slows Python code ~1.5-2x), ms cumulative:")
    for label, (what, _functions) in PIECES.items():
        print(f"  {label:<10}{what}")
    print(f"  {'wall':<10}the whole request under the profilers")
    print(f"  {'workers':<10}of it in worker threads (dependencies, the endpoint); the rest ran on the event loop")
    found = {url: pieces(stats) for url, stats in profiles.items()}
    print(f"{'endpoint':<28}{'wall':>9}{'workers':>9}" + "".join(f"{label:>10}" for label in PIECES))
    for url, stats in workers.items():
        print(f"{url:<28}{profiled_ms[url]:>9.1f}{stats.total_tt * 1000:>9.1f}" +  # type: ignore[attr-defined]
              "".join(f"{found[url][label]:>10.1f}" for label in PIECES))
    for url, stats in workers.items():
        if statistics.median(times[url]) >= TARGET_MS or not verdicts.get(url, True) or args.top:
            print(f"\n{url}: the top functions in worker threads by cumulative time\n{top_functions(stats)}")

    verdicts_text = {f"every analytics page and API call: median and p95 < {TARGET_MS:g} ms":
                     all(verdicts.values()),
                     "every response 200, the API's answers cached and fresh, nothing counted again": not problems}
    for problem in problems[:10]:
        print(f"  problem: {problem}")
    print()
    for name, ok in verdicts_text.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")
    return 0 if all(verdicts_text.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
