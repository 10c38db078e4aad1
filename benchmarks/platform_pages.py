"""The platform's pages at the size of a real firm: home, tasks, a client's timeline, the jobs page.

    .venv/bin/python benchmarks/platform_pages.py --db sqlite:////tmp/b100k.db      # an existing demo
    .venv/bin/python benchmarks/platform_pages.py --clients 100000                  # builds one first

Every page is requested in-process through the real app (routing, sign-in, queries, templates) and
timed as a median of several runs; the baseline is ``/healthz`` (one trivial query through the
same stack), measured in the same run. Prints ms and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from servicescape.clients.models import Client, Invoice
from servicescape.config import Settings
from servicescape.demo import firm
from servicescape.demo.generator import DemoSpec
from servicescape.demo.load import client_count, load_demo
from servicescape.runtime import open_runtime
from servicescape.web.app import create_app


def median_ms(call: Callable[[], object], runs: int) -> float:
    call()  # warm: caches, compiled statements, the first chart
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a database with the demo firm (default: build one)")
    parser.add_argument("--clients", type=int, default=100_000, help="clients of the demo to build")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    url = args.db or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    settings = Settings(mode="demo", database_url=url, run_jobs=False, timezone="Asia/Kuala_Lumpur")
    runtime = open_runtime(settings)
    with runtime.transaction() as session:
        clients = client_count(session)
    if not clients:
        print(f"building a demo firm of {args.clients:,} clients in {url} ...")
        load_demo(runtime, DemoSpec(clients=args.clients, today=datetime.now(UTC).date()))
    with runtime.transaction() as session:
        clients = client_count(session)
        busiest = session.scalar(select(Invoice.client_id).group_by(Invoice.client_id)
                                 .order_by(func.count().desc()).limit(1))
        key_client = session.scalar(select(Client.id).where(Client.tier == "key").order_by(Client.id).limit(1))
    client = TestClient(create_app(runtime=runtime), base_url="http://127.0.0.1")
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/signin").text)
    assert token is not None
    signed = client.post("/signin", data={"email": firm.DEMO_OWNER_EMAIL, "password": firm.DEMO_OWNER_PASSWORD,
                                          "csrf_token": token.group(1), "next": "/"}, follow_redirects=False)
    assert signed.status_code == 303, signed.text

    def get(path: str) -> Callable[[], object]:
        def call() -> object:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            return response
        return call

    pages = {
        "home (my tasks, recent activity on my clients)": "/",
        "my tasks": "/tasks",
        "the team's tasks, overdue": "/tasks?view=team&due=overdue",
        "a client's page (busiest client)": f"/clients/{busiest}",
        "a key client's page": f"/clients/{key_client}",
        "a client's timeline, invoices only": f"/clients/{busiest}/sections/timeline?type=invoice",
        "the jobs page": "/system/jobs",
        "the client list (for comparison)": "/clients",
    }
    baseline = median_ms(get("/healthz"), args.runs)
    print(f"{clients:,} clients in {runtime.engine.url.render_as_string(hide_password=True)}")
    print(f"baseline GET /healthz: {baseline:.2f} ms (median of {args.runs})")
    print(f"{'page':<50} {'ms':>8} {'× baseline':>11}")
    for label, path in pages.items():
        ms = median_ms(get(path), args.runs)
        print(f"{label:<50} {ms:8.1f} {ms / baseline:11.1f}")
    runtime.close()


if __name__ == "__main__":
    main()
