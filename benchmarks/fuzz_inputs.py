"""Hostile input for longer than the test suite can wait: the importers (CSV, XLSX, JSON, any bytes), a
survey link's answer page (any form, any token) and the calendar feed (any token), each for
``--minutes``, with the strategies of ``tests/fuzz/targets.py``.

    PYTHONPATH=src .venv/bin/python benchmarks/fuzz_inputs.py [--minutes 3] [--target importers|survey|calendar]

On a fresh SQLite database in a temporary folder. Prints, per target, the inputs tried, how many per
second, the slowest one (a hang would show here) against the median one — and every failure with the
input that caused it (exit 1). Loopback only: the pages are driven in process (Starlette's TestClient).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient  # noqa: E402
from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from servicescape.auth.models import Role  # noqa: E402
from servicescape.config import Settings  # noqa: E402
from servicescape.runtime import open_runtime  # noqa: E402
from tests.conftest import make_staff  # noqa: E402
from tests.fuzz import targets  # noqa: E402
from tests.integration.quality.test_campaigns import (  # noqa: E402
    active_survey,
    links,
    make_book,
    new_campaign,
    token_of,
)

ROUND = 200      # inputs per hypothesis run; runs repeat with new seeds until the time is up


def fuzz(name: str, strategy: Any, check: Callable[..., None], minutes: float) -> list[str]:
    times: list[float] = []
    failures: list[str] = []

    def timed(value: Any) -> None:
        started = time.perf_counter()
        try:
            check(value)
        finally:
            times.append(time.perf_counter() - started)

    ends = time.monotonic() + minutes * 60
    round_number = 0
    while time.monotonic() < ends:
        run = seed(round_number)(settings(max_examples=ROUND, deadline=None, database=None,
                                          suppress_health_check=list(HealthCheck))(given(strategy)(timed)))
        try:
            run()
        except Exception as failure:   # every failure is reported, with its input
            failures.append(f"{name}: {type(failure).__name__}: {str(failure)[:2000]}")
        round_number += 1
    median = statistics.median(times) if times else 0.0
    print(f"{name}: {len(times):,} inputs in {minutes:g} min ({len(times) / (minutes * 60):.0f}/s); slowest "
          f"{max(times, default=0) * 1000:.0f} ms against a median of {median * 1000:.1f} ms "
          f"({max(times, default=0) / max(median, 1e-9):.0f}x); failures: {len(failures)}")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=3.0, help="per target")
    parser.add_argument("--target", choices=("importers", "survey", "calendar"), action="append")
    args = parser.parse_args()
    chosen = args.target or ["importers", "survey", "calendar"]
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        runtime = open_runtime(Settings(mode="dev", database_url=f"sqlite:///{data / 'fuzz.db'}", data_dir=data,
                                        public_get_per_minute=10**9, public_post_per_minute=10**9))
        from servicescape.web.app import create_app

        app = create_app(runtime=runtime)
        owner = make_staff(runtime, Role.owner)
        make_book(runtime, owner)
        from servicescape.quality.models import SurveyKind

        link = token_of(links(runtime, new_campaign(runtime, active_survey(runtime, owner, SurveyKind.servqual),
                                                    owner))[0]["link"])
        client = TestClient(app, base_url="http://127.0.0.1")
        failures: list[str] = []

        def answered(value: tuple[dict[str, str], str | None]) -> None:
            form, token = value
            path = f"/s/{quote(token if token is not None else link, safe='')}"
            for answer in (client.get(path), client.post(path, data=form, headers={"Origin": "http://127.0.0.1"})):
                assert answer.status_code < 500, (path, form, answer.status_code)

        def fed(token: str) -> None:
            answer = client.get(f"/calendar/{quote(token, safe='')}.ics")
            assert answer.status_code in (404, 422, 429), (token, answer.status_code)

        if "importers" in chosen:
            failures += fuzz("importers", targets.import_files(),
                             lambda file: targets.check_import(runtime, data, *file), args.minutes)
        if "survey" in chosen:
            failures += fuzz("survey link", st.tuples(targets.answer_forms, st.one_of(st.none(), targets.tokens)),
                             answered, args.minutes)
        if "calendar" in chosen:
            failures += fuzz("calendar feed", targets.tokens, fed, args.minutes)
        runtime.close()
    for failure in failures:
        print(failure)
    return int(bool(failures))


if __name__ == "__main__":
    sys.exit(main())
