"""The printable report of the demo firm: the firm's report of the last 90 days as a PDF, and a key
account's account pack, in each of the six languages, against the scorecard it starts from, measured
in the same run.

    PYTHONPATH=src .venv/bin/python benchmarks/report_speed.py [--clients N] [--languages en,zh-Hant]

The demo firm (``--clients``, default the demo's 300) is built into a temporary SQLite database, its
clients' health computed once (as the job does). **Measured**, per language: *the report* (every
section's figures, the charts rendered to SVG, the page laid out as a PDF by WeasyPrint) and *the
account pack* of the largest key account; *baseline*: the scorecard of the same period alone
(``scorecard.service.scorecard``), which the report contains. Prints the seconds, the ratio of each
report to the baseline, the PDFs' page counts, and whether every report is under the issue's 20 s
(exits 1 when not).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from servicescape.auth.permissions import SYSTEM
from servicescape.config import LANGUAGES, Settings
from servicescape.db.types import utcnow
from servicescape.demo.generator import DemoSpec
from servicescape.demo.load import load_demo
from servicescape.runtime import open_runtime
from servicescape.scorecard import health, report, service

TARGET_S = 20.0


def page_count(pdf: bytes) -> int:
    """The PDF's page count, as poppler's pdfinfo reads it."""
    found = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return int(next(line.split()[-1] for line in found.splitlines() if line.startswith("Pages:")))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--languages", default=",".join(LANGUAGES))
    args = parser.parse_args()
    languages = [lang for lang in args.languages.split(",") if lang]
    with tempfile.TemporaryDirectory() as folder:
        os.environ["SERVICESCAPE_DATABASE_URL"] = f"sqlite:///{Path(folder) / 'demo.db'}"
        runtime = open_runtime(Settings(mode="demo"))
        settings = runtime.settings
        started = time.perf_counter()
        load_demo(runtime, DemoSpec(today=utcnow().astimezone(settings.zone).date(), clients=args.clients))
        built = time.perf_counter() - started
        now = utcnow()
        rows = []
        try:
            with runtime.transaction() as session:
                health.refresh(session, settings, now=now, by=SYSTEM, act=False)
            with runtime.transaction() as session:
                key = health.listing(session, per_page=1, by=SYSTEM).items[0].client_id
                for language in languages:
                    started = time.perf_counter()
                    service.scorecard(session, settings, period=None, now=now, by=SYSTEM)
                    base = time.perf_counter() - started
                    started = time.perf_counter()
                    firm_pdf = report.pdf(report.firm_html(session, settings, period=None, language=language,
                                                           now=now, by=SYSTEM, for_pdf=True))
                    firm_s = time.perf_counter() - started
                    started = time.perf_counter()
                    pack_pdf = report.pdf(report.client_html(session, settings, key, language=language, now=now,
                                                             by=SYSTEM, for_pdf=True))
                    pack_s = time.perf_counter() - started
                    rows.append((language, base, firm_s, page_count(firm_pdf), pack_s, page_count(pack_pdf)))
        finally:
            runtime.close()
    print(f"\nthe demo firm of {args.clients} clients (built in {built:.0f} s); {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f}")
    for language, base, firm_s, pages, pack_s, pack_pages in rows:
        print(f"{language:8} report {firm_s:5.1f} s ({pages} pages), {firm_s / base:4.1f}x the scorecard alone "
              f"({base:.2f} s); account pack {pack_s:4.1f} s ({pack_pages} pages)")
    slowest = max(max(r[2], r[4]) for r in rows)
    print(f"slowest {slowest:.1f} s; target < {TARGET_S:.0f} s: {'met' if slowest < TARGET_S else 'NOT met'}")
    return int(slowest >= TARGET_S)


if __name__ == "__main__":
    sys.exit(main())
