"""The whole product under load and over time: the pages a firm's staff use most, and API calls, as
50 concurrent users; then, with ``--soak``, an hour of steady load watching the server's memory,
open files and connections.

    .venv/bin/python benchmarks/product_load.py --db sqlite:////tmp/ss-load100k/servicescape.db
    .venv/bin/python benchmarks/product_load.py --db sqlite:////tmp/ss-load100k/servicescape.db \\
        --soak 3600 --users 20 --skip-load           # the hour of steady load alone

The database is reused when it has clients (and brought up to date by the migrations), else the demo
firm of ``--clients`` (every capability's demo data) is built into it first. The server runs as its
own processes (``servicescape serve --workers N``), signed in through the real sign-in form; wrk
(Debian's package; installed here if missing) drives it from loopback.

**Load.** Each of ``--users`` connections is a member of staff: it asks for a page of the mix
(home, the client list and a search, a client's page with its timeline, the promise ledger, the
survey results, the feedback inbox, the analytics pages, the scorecard and client health, and
API calls; a random client each time), reads it for a think time drawn between 0.5x and 1.5x
``--think-ms``, and asks again. Printed: requests, p50/p95/p99 latency, errors (any status but
2xx/3xx, and socket errors) — beside ``/healthz`` (one trivial query through the same stack and
session check) driven by the same users in the same run, the framework's floor on this machine.
The targets of the issue (p95 ≤ 200 ms, p99 ≤ 500 ms, no error) are checked on the mix. Then
each page of the mix alone, without think time (``--each``), to show what each costs at saturation.

**Soak.** ``--soak SECONDS`` of the mix in rounds of ``--round`` seconds (after ``--warmup`` seconds of
it unmeasured, as the load runs have); after each round the
server's processes are measured from /proc: private memory (``RssAnon``, all workers; resident memory
is shown beside it, but it counts the pages of the database file SQLite maps, which grow as more of
the file is read), open files, sockets and database files held. Growth is judged from the end of the
first round to the end of the last: private memory < 5 %; open files and sockets at the end no more
than the most of the first half (the connection pools fill up to their size in the first minutes);
no error.
Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from client_list_load import ensure_wrk, free_port, prepare, server_cpu_seconds, sign_in, start_server, stop

#: the mix: (label, path with {client} for a random client id, weight)
MIX: tuple[tuple[str, str, int], ...] = (
    ("home", "/", 10),
    ("clients list", "/clients", 10),
    ("clients search", "/clients?q=Kft", 6),
    ("client page + timeline", "/clients/{client}", 16),
    ("promise ledger", "/promises", 10),
    ("survey results", "/quality/results", 5),
    ("feedback inbox", "/voice", 8),
    ("analytics", "/analytics", 3),
    ("analytics RFM", "/analytics/rfm", 2),
    ("scorecard", "/scorecard", 4),
    ("client health", "/scorecard/health", 4),
    ("API clients", "/api/v1/clients?per_page=50", 8),
    ("API client", "/api/v1/clients/{client}", 8),
    ("API promises", "/api/v1/promises?per_page=50", 6),
)
#: the jobs that keep what the pages read (the scorecard's snapshot, client health, the analytics
#: and the promise figures): run once before measuring, as the scheduler of a running firm has
JOBS = ("promises.figures", "scorecard.refresh", "scorecard.health", "analytics.refresh")
#: the issue's targets for the mix at 50 users
MAX_P95_MS, MAX_P99_MS = 200.0, 500.0
#: the soak's: memory growth from the first round's end to the last's
MAX_MEMORY_GROWTH = 0.05

LUA = """
local paths = {PATHS}
local clients = {CLIENTS}
local think = {THINK}
local counter = 0
setup = function(thread)
  counter = counter + 1
  thread:set("seed", counter)
end
init = function(args)
  math.randomseed(os.time() * 1000 + seed)
end
request = function()
  local path = paths[math.random(#paths)]
  path = string.gsub(path, "{client}", tostring(math.random(clients)))
  return wrk.format("GET", path)
end
delay = function()
  if think <= 0 then return 0 end
  return math.floor(think * (0.5 + math.random()))
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"requests": %d, "seconds": %f, "p50_us": %d, "p95_us": %d, "p99_us": %d, '
    .. '"max_us": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d, "status": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.timeout, e.status))
end
"""


def script(work: Path, name: str, paths: list[str], clients: int, think_ms: int) -> Path:
    lua = (LUA.replace("{PATHS}", "{" + ", ".join(json.dumps(path) for path in paths) + "}")
           .replace("{CLIENTS}", str(clients)).replace("{THINK}", str(think_ms)))
    target = work / f"{name}.lua"
    target.write_text(lua)
    return target


def weighted(mix: tuple[tuple[str, str, int], ...]) -> list[str]:
    return [path for _label, path, weight in mix for _ in range(weight)]


def drive(wrk: str, base: str, cookie: str, lua: Path, *, users: int, seconds: int, threads: int) -> dict[str, float]:
    command = [wrk, f"-t{min(threads, users)}", f"-c{users}", f"-d{seconds}s", "--timeout", "10s",
               "-H", f"Cookie: {cookie}", "-s", str(lua), base + "/"]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    found = re.search(r"^RESULT (.*)$", output, re.MULTILINE)
    if found is None:
        sys.exit(f"wrk gave no result:\n{output}")
    raw = json.loads(found.group(1))
    return {"requests": raw["requests"], "rate": raw["requests"] / raw["seconds"],
            "p50_ms": raw["p50_us"] / 1000, "p95_ms": raw["p95_us"] / 1000, "p99_ms": raw["p99_us"] / 1000,
            "max_ms": raw["max_us"] / 1000,
            "errors": raw["connect"] + raw["read"] + raw["write"] + raw["timeout"] + raw["status"]}


def run_jobs(url: str, names: list[str]) -> None:
    env = {**os.environ, "SERVICESCAPE_MODE": "demo", "SERVICESCAPE_DATABASE_URL": url}
    for name in names:
        started = time.monotonic()
        subprocess.run([sys.executable, "-c", "from servicescape.cli.main import app; app()", "jobs", "run", name],
                       env=env, check=True, stdout=subprocess.DEVNULL)
        print(f"job {name}: {time.monotonic() - started:.1f}s", flush=True)


def resolved(base: str, cookie: str) -> tuple[tuple[str, str, int], ...]:
    """The mix as the signed-in owner sees it: each page answers 200, a page that sends on to
    another (the survey results to the latest campaign's) replaced by where it sends (so that wrk
    measures pages, not redirects)."""
    found = []
    cookies = dict(part.split("=", 1) for part in cookie.split("; "))
    with httpx.Client(base_url=base, cookies=cookies, timeout=120, follow_redirects=True) as client:
        for label, path, weight in MIX:
            answer = client.get(path.replace("{client}", "1"))
            if answer.status_code != 200 or answer.url.path == "/signin":
                sys.exit(f"{label} ({path}) answered {answer.status_code} at {answer.url}, not the page")
            if answer.history and "{client}" not in path:
                path = answer.url.raw_path.decode()
            found.append((label, path, weight))
    return tuple(found)


def server_processes(server: subprocess.Popen[bytes]) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if server.pid in (pid, ppid):
            found.append(pid)
    return found


def resources(server: subprocess.Popen[bytes]) -> dict[str, int]:
    """The server's processes together: private memory (KiB: what they allocated, ``RssAnon``), resident
    memory (``VmRSS``: with the pages of the database file SQLite maps, which grow as more of it is read
    and belong to the OS's cache), open files, sockets, database files."""
    totals = {"private_kib": 0, "rss_kib": 0, "files": 0, "sockets": 0, "database_files": 0, "processes": 0}
    for pid in server_processes(server):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
        except OSError:
            continue
        for key, field in (("rss_kib", "VmRSS"), ("private_kib", "RssAnon")):
            found = re.search(rf"^{field}:\s+(\d+) kB", status, re.MULTILINE)
            totals[key] += int(found.group(1)) if found else 0
        totals["files"] += len(links)
        totals["sockets"] += sum(link.startswith("socket:") for link in links)
        totals["database_files"] += sum(link.endswith((".db", ".db-wal", ".db-shm")) for link in links)
        totals["processes"] += 1
    return totals


def load(wrk: str, base: str, cookie: str, work: Path, clients: int, args: argparse.Namespace) -> bool:
    print(f"\nload: {args.users} users, think {args.think_ms} ms (0.5x-1.5x), {args.seconds}s per run "
          f"after {args.warmup}s of warm-up")
    print(f"{'what':<26} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} "
          f"{'errors':>7}  target")
    runs = {"baseline /healthz": script(work, "baseline", ["/healthz"], clients, args.think_ms),
            "the mix": script(work, "mix", weighted(args.mix), clients, args.think_ms)}
    met = True
    for label, lua in runs.items():
        if args.warmup:
            drive(wrk, base, cookie, lua, users=args.users, seconds=args.warmup, threads=args.threads)
        figures = drive(wrk, base, cookie, lua, users=args.users, seconds=args.seconds, threads=args.threads)
        verdict = ""
        if label == "the mix":
            ok = figures["p95_ms"] <= MAX_P95_MS and figures["p99_ms"] <= MAX_P99_MS and not figures["errors"]
            verdict = "met" if ok else "NOT met"
            met = met and ok
        print(f"{label:<26} {int(figures['requests']):9d} {figures['rate']:8.1f} {figures['p50_ms']:8.1f} "
              f"{figures['p95_ms']:8.1f} {figures['p99_ms']:8.1f} {figures['max_ms']:8.1f} {int(figures['errors']):7d}"
              f"  {verdict}", flush=True)
    if args.each:
        print(f"\neach page alone, {args.each_users} users without think time, {args.each_seconds}s "
              "(saturation: what each page costs)")
        print(f"{'page':<26} {'req/s':>8} {'x base':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} "
              f"{'CPU ms':>8}")
        baseline = None
        for label, path, _weight in (("baseline /healthz", "/healthz", 1), *args.mix):
            lua = script(work, "each", [path], clients, 0)
            drive(wrk, base, cookie, lua, users=args.each_users, seconds=1, threads=args.threads)
            before = server_cpu_seconds(args.server)
            figures = drive(wrk, base, cookie, lua, users=args.each_users, seconds=args.each_seconds,
                            threads=args.threads)
            cpu_ms = (server_cpu_seconds(args.server) - before) * 1000 / max(figures["requests"], 1)
            baseline = baseline or figures["rate"] or None
            ratio = figures["rate"] / (baseline or 1)
            print(f"{label:<26} {figures['rate']:8.1f} {ratio:7.3f} {figures['p50_ms']:8.1f} "
                  f"{figures['p95_ms']:8.1f} {figures['p99_ms']:8.1f} {int(figures['errors']):7d} {cpu_ms:8.1f}",
                  flush=True)
            met = met and not figures["errors"]
    return met


def soak(wrk: str, base: str, cookie: str, work: Path, clients: int, args: argparse.Namespace) -> bool:
    rounds = max(2, args.soak // args.round)
    print(f"\nsoak: {rounds} rounds of {args.round}s, {args.users} users, think {args.think_ms} ms")
    print(f"{'round':>5} {'elapsed s':>9} {'requests':>9} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} "
          f"{'private MiB':>11} {'RSS MiB':>8} {'files':>6} {'sockets':>8} {'db files':>8} {'procs':>6}")
    lua = script(work, "soak", weighted(args.mix), clients, args.think_ms)
    if args.warmup:     # as the load runs: the first views after a start fill each worker's caches
        drive(wrk, base, cookie, lua, users=args.users, seconds=args.warmup, threads=args.threads)
    started = time.monotonic()
    samples: list[dict[str, int]] = []
    errors = 0
    for number in range(1, rounds + 1):
        figures = drive(wrk, base, cookie, lua, users=args.users, seconds=args.round, threads=args.threads)
        time.sleep(1)                       # the last answers written, the connections closed
        sample = resources(args.server)
        samples.append(sample)
        errors += int(figures["errors"])
        print(f"{number:5d} {time.monotonic() - started:9.0f} {int(figures['requests']):9d} {figures['p95_ms']:8.1f} "
              f"{figures['p99_ms']:8.1f} {int(figures['errors']):7d} {sample['private_kib'] / 1024:11.1f} "
              f"{sample['rss_kib'] / 1024:8.1f} "
              f"{sample['files']:6d} {sample['sockets']:8d} {sample['database_files']:8d} {sample['processes']:6d}",
              flush=True)
    first, last = samples[0], samples[-1]
    growth = (last["private_kib"] - first["private_kib"]) / first["private_kib"]
    # a leak keeps growing: the last round may hold no more than the most seen in the first half
    # (the connection pools fill up to their size in the first minutes)
    early = samples[:max(1, len(samples) // 2)]
    files_grew = (last["files"] > max(s["files"] for s in early)
                  or last["sockets"] > max(s["sockets"] for s in early))
    print(f"private memory {first['private_kib'] / 1024:.1f} → {last['private_kib'] / 1024:.1f} MiB "
          f"({growth:+.1%}, target "
          f"< {MAX_MEMORY_GROWTH:.0%}); open files {first['files']} → {last['files']}, sockets "
          f"{first['sockets']} → {last['sockets']}; errors {errors}")
    met = growth < MAX_MEMORY_GROWTH and not files_grew and errors == 0 and last["processes"] == first["processes"]
    print("soak targets", "met" if met else "NOT met")
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000, help="clients of the demo to build if --db has none")
    parser.add_argument("--db", help="database URL (default: a new SQLite file in a temporary folder)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="server processes")
    parser.add_argument("--threads-per-worker", type=int,
                        help="requests each server process works on at once (default: the product's, 2)")
    parser.add_argument("--users", type=int, default=50, help="concurrent users (wrk connections)")
    parser.add_argument("--think-ms", type=int, default=1000, help="mean think time between a user's requests")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--seconds", type=int, default=60, help="measured seconds of the mix and of the baseline")
    parser.add_argument("--warmup", type=int, default=10, help="seconds of load before each measurement")
    parser.add_argument("--each", action=argparse.BooleanOptionalAction, default=True,
                        help="then each page alone without think time")
    parser.add_argument("--each-users", type=int, default=10)
    parser.add_argument("--each-seconds", type=int, default=5)
    parser.add_argument("--jobs", nargs="*", default=list(JOBS),
                        help="jobs to run before measuring (none: --jobs); voice.analyse works off the "
                             "feedback backlog, long at 100,000 clients")
    parser.add_argument("--skip-load", action="store_true", help="only the soak")
    parser.add_argument("--soak", type=int, default=0, help="seconds of steady load after the load runs")
    parser.add_argument("--round", type=int, default=60, help="seconds per soak round")
    args = parser.parse_args()
    wrk = ensure_wrk()
    url = args.db or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    clients = prepare(url, args.clients)
    run_jobs(url, args.jobs)
    if args.threads_per_worker:
        os.environ["SERVICESCAPE_THREADS"] = str(args.threads_per_worker)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    work = Path(tempfile.mkdtemp(prefix="product-load-"))
    args.server = start_server(url, port, args.workers, work / "server.log")
    met = True
    try:
        cookie = sign_in(base)
        args.mix = resolved(base, cookie)
        print(f"{clients:,} clients; {args.workers} server processes of "
              f"{os.environ.get('SERVICESCAPE_THREADS', 'the default')} threads; {os.cpu_count()} CPUs here "
              f"(wrk shares them); server log {work / 'server.log'}")
        if not args.skip_load:
            met = load(wrk, base, cookie, work, clients, args) and met
        if args.soak:
            met = soak(wrk, base, cookie, work, clients, args) and met
    finally:
        stop(args.server)
    server_errors = [line for line in (work / "server.log").read_text(errors="replace").splitlines()
                     if " 500 " in line or "Traceback" in line]
    if server_errors:
        print(f"{len(server_errors)} server error line(s) in {work / 'server.log'}, e.g. {server_errors[0]}")
        met = False
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
