"""The client list under load: pages, a search and the API, served by `servicescape serve`, driven by wrk.

    .venv/bin/python benchmarks/client_list_load.py --clients 100000 --db sqlite:////tmp/speed100k.db
    .venv/bin/python benchmarks/client_list_load.py --clients 1000000 --db sqlite:////tmp/speed1m.db \\
        --against /tmp/speed100k.json          # the 1,000,000 figures next to the 100,000 ones

The database is reused when it has clients (and brought up to date by the migrations), else the demo
firm of ``--clients`` is built into it first. The server runs as its own processes (``--workers``),
signed in through the real sign-in form; wrk (Debian's package; installed here if missing) drives
each endpoint with ``--connections`` connections for ``--seconds`` after a warm-up. The baseline is
``/healthz`` (one trivial query through the same stack and session check), measured in the same run:
the framework's ceiling on this machine. Prints requests/s, the ratio to the baseline, p50 and p99
latency and errors per endpoint, and whether the targets of the issue are met. It also prints the
server's CPU time per request (all its processes, from /proc) and the rate that much CPU allows on
``--workers`` idle cores: on a machine shared with other work the measured rate is lower than that.
A search is measured twice: as a whole page (a link or a reload) and as the search box sends it
while one types (htmx asks for the results only, ``HX-Request: true``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from servicescape.config import Settings
from servicescape.demo import firm
from servicescape.demo.generator import DemoSpec
from servicescape.demo.load import client_count, load_demo
from servicescape.runtime import open_runtime

#: what the search box sends as one types: htmx asks for the results only (clients/_results.html)
AS_TYPED = ("HX-Request: true",)
#: label → (path, kind, extra request headers); kind says which target applies
ENDPOINTS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "baseline /healthz": ("/healthz", "baseline", ()),
    "clients page": ("/clients", "page", ()),
    "filtered page (tier=key)": ("/clients?tier=key", "page", ()),
    "deep page (page 1000)": ("/clients?page=1000", "page", ()),
    "search q=Kft (whole page)": ("/clients?q=Kft", "search", ()),
    "search q=Kft (as typed)": ("/clients?q=Kft", "search", AS_TYPED),
    "search q=ab (name prefix)": ("/clients?q=ab", "search", AS_TYPED),
    "API /api/v1/clients": ("/api/v1/clients", "page", ()),
}
#: the issue's targets at 100,000 clients (at 1,000,000: within 2x of the 100,000 figures)
MIN_RATE, MAX_P99_MS, MAX_SEARCH_P50_MS = 200.0, 200.0, 50.0

LUA_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"requests": %d, "seconds": %f, "p50_us": %d, "p99_us": %d, '
    .. '"connect": %d, "read": %d, "write": %d, "timeout": %d, "status": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.timeout, e.status))
end
"""


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk (the load generator) is missing: installing Debian's package `wrk` ...", flush=True)
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=False, stdout=subprocess.DEVNULL)
    found = shutil.which("wrk")
    if not found:
        sys.exit("wrk is not installed and could not be installed here: run `apt-get install -y wrk` as root.")
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prepare(url: str, clients: int) -> int:
    """The demo firm in ``url`` (built when the database has no clients); how many clients it has."""
    settings = Settings(mode="demo", database_url=url, run_jobs=False)
    runtime = open_runtime(settings)  # migrates an older database (filling the new columns)
    try:
        with runtime.transaction() as session:
            found = client_count(session)
        if not found:
            print(f"building a demo firm of {clients:,} clients in {url} ...", flush=True)
            load_demo(runtime, DemoSpec(clients=clients, today=datetime.now(UTC).date()))
            with runtime.transaction() as session:
                found = client_count(session)
        return found
    finally:
        runtime.close()


def start_server(url: str, port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SERVICESCAPE_MODE": "demo", "SERVICESCAPE_RUN_JOBS": "false",
           "SERVICESCAPE_DATABASE_URL": url}
    command = [sys.executable, "-c", "from servicescape.cli.main import app; app()", "serve",
               "--port", str(port), "--workers", str(workers)]
    with log.open("wb") as output:
        server = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server stopped: see {log}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.5)
    stop(server)
    sys.exit(f"the server did not answer within 2 minutes: see {log}")


def stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def server_cpu_seconds(server: subprocess.Popen[bytes]) -> float:
    """CPU time (user + system) used so far by the server and its worker processes (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if server.pid in (pid, ppid):
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def sign_in(base: str) -> str:
    """The session cookie of the demo owner, signed in through the sign-in form."""
    with httpx.Client(base_url=base) as client:
        form = client.get("/signin")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        if token is None:
            sys.exit("no sign-in form at /signin")
        answer = client.post("/signin", data={"email": firm.DEMO_OWNER_EMAIL, "password": firm.DEMO_OWNER_PASSWORD,
                                               "csrf_token": token.group(1), "next": "/"})
        if answer.status_code != 303:
            sys.exit(f"signing in failed: {answer.status_code}")
        return "; ".join(f"{name}={value}" for name, value in client.cookies.items() if name == "ss_session")


def drive(wrk: str, url: str, cookie: str, *, threads: int, connections: int, seconds: int,
          report: Path, headers: tuple[str, ...] = ()) -> dict[str, float]:
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
               "-H", f"Cookie: {cookie}", *(part for header in headers for part in ("-H", header)),
               "-s", str(report), url]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    found = re.search(r"^RESULT (.*)$", output, re.MULTILINE)
    if found is None:
        sys.exit(f"wrk gave no result:\n{output}")
    raw = json.loads(found.group(1))
    return {"rate": raw["requests"] / raw["seconds"], "p50_ms": raw["p50_us"] / 1000, "p99_ms": raw["p99_us"] / 1000,
            "errors": raw["connect"] + raw["read"] + raw["write"] + raw["timeout"] + raw["status"],
            "requests": raw["requests"]}


def verdict(kind: str, figures: dict[str, float], earlier: dict[str, float] | None) -> str:
    if kind == "baseline":
        return ""
    if earlier is not None:  # the larger firm: within 2x of the smaller one's figures
        met = (figures["rate"] >= earlier["rate"] / 2 and figures["p99_ms"] <= 2 * earlier["p99_ms"]
               and (kind != "search" or figures["p50_ms"] <= 2 * earlier["p50_ms"]))
    elif kind == "search":
        met = figures["p50_ms"] < MAX_SEARCH_P50_MS
    else:
        met = figures["rate"] >= MIN_RATE and figures["p99_ms"] < MAX_P99_MS
    return "met" if met and not figures["errors"] else "NOT met"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000, help="clients of the demo to build if --db has none")
    parser.add_argument("--db", help="database URL (default: a new SQLite file in a temporary folder)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="server processes")
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--seconds", type=int, default=10, help="measured seconds per endpoint")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of load before each measurement")
    parser.add_argument("--save", type=Path, help="write the figures to this JSON file")
    parser.add_argument("--against", type=Path, help="figures saved by an earlier run (the 100,000-client firm): "
                                                     "check the 2x target against them")
    args = parser.parse_args()
    wrk = ensure_wrk()
    url = args.db or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    clients = prepare(url, args.clients)
    earlier = json.loads(args.against.read_text())["figures"] if args.against else None
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    work = Path(tempfile.mkdtemp(prefix="client-list-load-"))
    report = work / "report.lua"
    report.write_text(LUA_REPORT)
    server = start_server(url, port, args.workers, work / "server.log")
    results: dict[str, dict[str, float]] = {}
    try:
        cookie = sign_in(base)
        print(f"{clients:,} clients; {args.workers} server processes; wrk -t{args.threads} -c{args.connections} "
              f"-d{args.seconds}s per endpoint, after {args.warmup}s of warm-up; {os.cpu_count()} CPUs here")
        print(f"{'endpoint':<30} {'req/s':>8} {'x base':>7} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'CPU ms':>8} "
              f"{'capacity':>9}  target")
        for label, (path, kind, headers) in ENDPOINTS.items():
            if args.warmup:
                drive(wrk, base + path, cookie, threads=args.threads, connections=args.connections,
                      seconds=args.warmup, report=report, headers=headers)
            cpu_before = server_cpu_seconds(server)
            figures = drive(wrk, base + path, cookie, threads=args.threads, connections=args.connections,
                            seconds=args.seconds, report=report, headers=headers)
            figures["cpu_ms"] = (server_cpu_seconds(server) - cpu_before) * 1000 / max(figures["requests"], 1)
            results[label] = figures
            ratio = figures["rate"] / results["baseline /healthz"]["rate"]
            capacity = args.workers * 1000 / figures["cpu_ms"]
            print(f"{label:<30} {figures['rate']:8.1f} {ratio:7.3f} {figures['p50_ms']:8.1f} {figures['p99_ms']:8.1f} "
                  f"{int(figures['errors']):7d} {figures['cpu_ms']:8.2f} {capacity:9.0f}  "
                  f"{verdict(kind, figures, (earlier or {}).get(label))}", flush=True)
    finally:
        stop(server)
    if args.save:
        args.save.write_text(json.dumps({"clients": clients, "workers": args.workers, "figures": results}, indent=2))


if __name__ == "__main__":
    main()
