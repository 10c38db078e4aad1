"""The client portal at 100,000 clients: its pages under 20 concurrent signed-in contacts, served by
`servicescape serve`, driven by wrk, against a trivial endpoint of the same app measured in the same run.

    PYTHONPATH=src .venv/bin/python benchmarks/portal_speed.py [--clients N] [--promises N] [--db PATH] \\
        [--users N] [--connections N] [--think MS] [--seconds N] [--saturation-seconds N] [--warmup N] \\
        [--workers N] [--save FILE]

The issue's target: every portal page's p99 under 200 ms at 20 concurrent users, on a firm of 100,000
clients (SQLite).

**The firm** is the promise ledger's (``benchmarks/promises_scale.py``, its ``build``: 60 staff,
``--clients`` clients with engagements, invoices over three years, interactions, ``--promises``
promises from three years back to two months ahead, complaints), and on top of it, written straight
into the migrated file: one contact per client, a portal account for 30% of the active clients, what
they asked in the portal (confirmations, other windows, service requests, orders; open and answered),
documents shared with a quarter of them, the milestones of their engagements, and a survey's three
campaigns (one open) inviting 30–40% of all clients each. Built into ``--db`` (default
``/tmp/servicescape-portal-bench/firm-<clients>.db``) and reused when its side file says it was built
by this version for the same sizes: about 4 minutes for 100,000 clients on 2 cores.

**Measured**: ``--users`` portal accounts of different clients (each with an open appointment) get a
session each, made directly (``portal.accounts.start_session``, as the sign-in link does); each page
is checked once per user (200, the client's own page) before the load. The server runs as its own
processes (``--workers``, default one per CPU). wrk's ``--connections`` (20) are the concurrent users:
each sends a request, reads the answer, waits ``--think`` ms (1,000 on average, uniformly 500–1,500: a
person reading a page takes longer, so this is a busy portal) and sends the next, for ``--seconds``
(30) after ``--warmup`` seconds, each request as the next user in turn (their own cookie, their own
appointment). That is what the target is measured on. Then the same with no wait at all
(``--saturation-seconds``, 10; 0 leaves it out): the rate is the capacity, and the latency is mostly
the queue of 20 requests always waiting, printed for what it says of the capacity, not against the
target. The endpoints:

- ``/healthz`` — the baseline: one trivial query through the same stack (measured first and last:
  a change in the machine's load between them shows);
- ``/portal`` — the contact's home: appointments with who is coming, projects and milestones,
  complaints, surveys, invoices, documents, requests;
- ``/portal/order`` — the catalogue;
- ``/portal/promises/{id}/reschedule`` (GET) — asking for another window.

Prints requests/s, the ratio to the baseline's rate, p50/p95/p99 and errors (any answer but 200
counts) per endpoint, the server's CPU ms per request (all its processes, from /proc) and the rate
that much CPU allows on ``--workers`` idle cores (on a machine shared with other work the measured
rate is lower), and whether p99 < 200 ms with users waiting. Before the load, the query plan of every
statement of one home page (one user, SQLite's EXPLAIN QUERY PLAN) with its time: a full scan of a
large table is flagged. Exits 1 when a target is missed or a check failed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import delete, event, select
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))
import client_list_load as load  # wrk and the server, next to this script
import promises_scale as ledger  # the firm's builder

from servicescape.clients.models import Client
from servicescape.portal import accounts, view
from servicescape.portal.models import PortalSession, PortalUser
from servicescape.runtime import Runtime, open_runtime

#: bump when the built data change: a database built by another version is not reused
BUILD = 1
SEED = 20261204
PORTAL_SHARE = 0.30
MAX_P99_MS = 200.0
COOKIE = "ss_portal"
#: label → (path, with PROMISE standing for the user's appointment), kind
ENDPOINTS: dict[str, tuple[str, str]] = {
    "baseline /healthz": ("/healthz", "baseline"),
    "home /portal": ("/portal", "page"),
    "order /portal/order": ("/portal/order", "page"),
    "reschedule (GET)": ("/portal/promises/PROMISE/reschedule", "page"),
    "baseline /healthz (again)": ("/healthz", "baseline"),
}
#: tables whose full scan would grow with the firm
LARGE = ("client", "contact", "promise", "invoice", "complaint", "engagement", "portal_user", "portal_session",
         "portal_request", "shared_document", "engagement_milestone", "survey_invitation", "interaction", "task")
LUA = """
local users_file, template, think = "%(users)s", "%(template)s", %(think)d
local threads, counter = {}, 0
function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
function init(args)
  users, bad = {}, 0
  for line in io.lines(users_file) do
    local token, promise = line:match("^(%%S+) (%%d+)$")
    table.insert(users, {token = token, promise = promise})
  end
  n = index * 7919
end
function request()
  n = n + 1
  local user = users[(n %% #users) + 1]
  local path = template:gsub("PROMISE", user.promise)
  return wrk.format("GET", path, {["Cookie"] = "%(cookie)s=" .. user.token})
end
function delay()
  if think == 0 then return 0 end
  return math.random(math.floor(think / 2), think + math.floor(think / 2))
end
function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end
function done(summary, latency, requests)
  local wrong = 0
  for _, thread in ipairs(threads) do wrong = wrong + thread:get("bad") end
  local e = summary.errors
  io.write(string.format('RESULT {"requests": %%d, "seconds": %%f, "p50_us": %%d, "p95_us": %%d, "p99_us": %%d, '
    .. '"max_us": %%d, "errors": %%d, "not_200": %%d}\\n', summary.requests, summary.duration / 1e6,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    e.connect + e.read + e.write + e.timeout, wrong))
end
"""


# --- the firm ----------------------------------------------------------------------------------------

def stamp(moment: datetime) -> str:
    """A UTC moment as SQLAlchemy keeps it in SQLite."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def add_portal(path: Path, now: datetime) -> dict[str, int]:
    """The portal's rows on top of the ledger's firm (straight into the migrated file)."""
    rng = random.Random(SEED)
    db = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-1048576", "foreign_keys=OFF"):
        db.execute(f"PRAGMA {pragma}")
    db.execute("BEGIN")
    clients = db.execute("SELECT id, language, status FROM client ORDER BY id").fetchall()
    made = stamp(now - timedelta(days=400))
    db.executemany("INSERT INTO contact (id, client_id, name, email, job_title, language, created_at, updated_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   [(cid, cid, f"Contact Person {cid}", f"contact{cid}@client{cid % 977}.example", "Facilities manager",
                     language, made, made) for cid, language, _status in clients])
    portal = [cid for cid, _language, status in clients if status == "active" and rng.random() < PORTAL_SHARE]
    invited = stamp(now - timedelta(days=90))
    db.executemany("INSERT INTO portal_user (id, contact_id, client_id, email, active, promise_emails, invited_at, "
                   "created_at, updated_at) VALUES (?, ?, ?, ?, 1, 1, ?, ?, ?)",
                   [(n, cid, cid, f"contact{cid}@client{cid % 977}.example", invited, invited, invited)
                    for n, cid in enumerate(portal, start=1)])
    user_of = {cid: n for n, cid in enumerate(portal, start=1)}
    open_promise = dict(db.execute("SELECT client_id, max(id) FROM promise WHERE status = 'open' GROUP BY client_id"))
    requests, documents, milestones = [], [], []
    for cid in portal:
        for _ in range(int(rng.random() * 6)):
            kind = rng.choice(("confirm", "reschedule", "service", "service", "order"))
            asked = now - timedelta(minutes=int(rng.random() * 365 * 24 * 60))
            status = "accepted" if kind == "confirm" else rng.choice(("open", "accepted", "accepted", "declined"))
            promise = open_promise.get(cid) if kind in ("confirm", "reschedule") else None
            answered = stamp(asked + timedelta(hours=5)) if status != "open" else None
            requests.append((cid, user_of[cid], kind, status, promise,
                             stamp(asked + timedelta(days=3)) if kind == "reschedule" else None,
                             stamp(asked + timedelta(days=3, hours=2)) if kind == "reschedule" else None,
                             "Could the engineer come on Friday instead?" if kind != "confirm" else None,
                             answered, "Done, see you then." if status != "open" else None,
                             stamp(asked), stamp(asked)))
        if rng.random() < 0.25:
            for n in range(1 + int(rng.random() * 4)):
                shared = now - timedelta(days=int(rng.random() * 300))
                documents.append((cid, f"Service report {n + 1}", f"report-{cid}-{n + 1}.pdf", "application/pdf",
                                  2048, b"%PDF-1.4\n" + bytes(2039), 2, stamp(shared), stamp(shared)))
    db.executemany("INSERT INTO portal_request (client_id, user_id, kind, status, promise_id, preferred_start, "
                   "preferred_end, message, answered_at, answer, created_at, updated_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", requests)
    db.executemany("INSERT INTO shared_document (client_id, title, filename, content_type, size, content, "
                   "shared_by_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", documents)
    in_portal = set(portal)
    for engagement_id, cid, status in db.execute("SELECT id, client_id, status FROM engagement"):
        if cid in in_portal and status in ("active", "completed"):
            steps = 3 + int(rng.random() * 5)
            done = steps if status == "completed" else int(rng.random() * steps)
            for position in range(steps):
                due = (now + timedelta(days=30 * (position - done))).date().isoformat()
                milestones.append((engagement_id, f"Step {position + 1}", position, due,
                                   "done" if position < done else "in_progress" if position == done else "planned",
                                   stamp(now - timedelta(days=30 * (done - position))) if position < done else None,
                                   made, made))
    db.executemany("INSERT INTO engagement_milestone (engagement_id, name, position, due_on, status, done_at, "
                   "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", milestones)
    invitations = _surveys(db, rng, clients, now, made)
    db.execute("COMMIT")
    db.execute("PRAGMA journal_mode=WAL")   # as the product runs it
    db.close()
    return {"contact": len(clients), "portal_user": len(portal), "portal_request": len(requests),
            "shared_document": len(documents), "engagement_milestone": len(milestones),
            "survey_invitation": invitations}


def _surveys(db: sqlite3.Connection, rng: random.Random, clients: list[Any], now: datetime, made: str) -> int:
    """A survey with two closed campaigns and an open one, each inviting a share of the clients."""
    db.execute("INSERT INTO survey (id, name, kind, status, intro, created_at, updated_at) "
               "VALUES (1, 'Client satisfaction', 'nps', 'active', '{}', ?, ?)", (made, made))
    count = 0
    for campaign, (status, expires, share) in enumerate((("closed", now - timedelta(days=300), 0.4),
                                                         ("closed", now - timedelta(days=120), 0.4),
                                                         ("open", now + timedelta(days=20), 0.3)), start=1):
        opened = stamp(expires - timedelta(days=30))
        db.execute("INSERT INTO survey_campaign (id, survey_id, name, status, audience, expires_at, "
                   "remind_after_days, max_reminders, opened_at, created_at, updated_at) "
                   "VALUES (?, 1, ?, ?, '{}', ?, 7, 2, ?, ?, ?)",
                   (campaign, f"Survey {campaign}", status, stamp(expires), opened, opened, opened))
        rows = []
        for cid, language, _status in clients:
            if rng.random() < share:
                answered = opened if rng.random() < 0.35 else None
                rows.append((campaign, cid, f"contact{cid}@client{cid % 977}.example", "Contact Person",
                             language or "en", f"{rng.getrandbits(128):032x}",
                             hashlib.sha256(f"{campaign}:{cid}".encode()).hexdigest(), stamp(expires), opened,
                             opened, answered))
        db.executemany("INSERT INTO survey_invitation (campaign_id, client_id, email, greeting_name, language, nonce, "
                       "token_hash, expires_at, created_at, first_mailed_at, reminders, answered_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)", rows)
        count += len(rows)
    return count


def prepare(path: Path, clients: int, promises: int) -> dict[str, Any]:
    side = path.with_name(path.name + ".json")
    if path.exists():
        meta = json.loads(side.read_text()) if side.exists() else {}
        if (meta.get("clients"), meta.get("promises"), meta.get("build")) == (clients, promises, BUILD):
            print(f"reusing {path} (built {meta['now']}: {meta['counts']})", flush=True)
            return meta
        sys.exit(f"{path} exists but was not built by this version of the script for {clients:,} clients and "
                 f"{promises:,} promises (see {side}): remove it or give another --db")
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    firm = path.with_name(path.name + ".firm")
    print(f"building {path}: {clients:,} clients, {promises:,} promises (the promise ledger's firm) ...", flush=True)
    meta = ledger.build(firm, clients, promises)
    firm.with_name(firm.name + ".json").unlink(missing_ok=True)
    counts = add_portal(firm, datetime.fromisoformat(meta["now"]))
    firm.rename(path)
    meta = {**meta, "build": BUILD, "counts": {**meta["counts"], **counts},
            "built_in_s": round(time.perf_counter() - started, 1)}
    side.write_text(json.dumps(meta, indent=2))
    print(f"built in {meta['built_in_s']:.0f} s: {meta['counts']}", flush=True)
    return meta


def settings_env(path: Path) -> dict[str, str]:
    return {"SERVICESCAPE_DATABASE_URL": f"sqlite:///{path}", "SERVICESCAPE_DATA_DIR": str(path.parent),
            "SERVICESCAPE_TIMEZONE": ledger.ZONE, "SERVICESCAPE_RUN_JOBS": "false"}


# --- the contacts ------------------------------------------------------------------------------------

def sessions(runtime: Runtime, count: int) -> list[tuple[str, int, int, str]]:
    """``count`` portal accounts of different clients, spread over the book, each with an open
    appointment it may change: (session token, promise id, user id, client name)."""
    chosen: list[tuple[str, int, int, str]] = []
    with runtime.transaction() as session:
        ids = list(session.scalars(select(PortalUser.id).where(PortalUser.active.is_(True)).order_by(PortalUser.id)))
        step = max(1, len(ids) // (count * 2))
        for user_id in ids[::step]:
            user = session.get(PortalUser, user_id)
            assert user is not None
            line = next((p for p in view.promises_of(session, user.client_id) if p.can_change and not p.open_request),
                        None)
            if line is None:
                continue
            name = session.scalar(select(Client.name).where(Client.id == user.client_id)) or ""
            chosen.append((accounts.start_session(session, user, address="127.0.0.1"), line.id, user.id, name))
            if len(chosen) == count:
                break
    if len(chosen) < count:
        sys.exit(f"only {len(chosen)} portal accounts with an open appointment: fewer than --users {count}")
    return chosen


def check_pages(base: str, users: list[tuple[str, int, int, str]]) -> list[str]:
    """Each page once per user: 200 and the user's own client (not a sign-in page, not another's)."""
    problems = []
    with httpx.Client(base_url=base, timeout=30) as client:
        for token, promise, _user, name in users:
            cookies = {COOKIE: token}
            for label, (template, kind) in ENDPOINTS.items():
                if kind == "baseline":
                    continue
                answer = client.get(template.replace("PROMISE", str(promise)), cookies=cookies)
                escaped = name.replace("&", "&amp;")
                if answer.status_code != 200 or (label.startswith("home") and escaped not in answer.text):
                    problems.append(f"{label} as user {_user}: {answer.status_code}")
    return problems


# --- where the home page's time goes -----------------------------------------------------------------

def query_plans(runtime: Runtime, user_id: int) -> list[str]:
    """Every statement of one home page: its time and its plan; full scans of large tables flagged."""
    statements: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        statements.append((statement, parameters))

    with runtime.transaction() as session:
        user = session.get(PortalUser, user_id)
        assert user is not None
        event.listen(runtime.engine, "before_cursor_execute", capture)
        try:
            view.home(session, runtime.settings, user)
        finally:
            event.remove(runtime.engine, "before_cursor_execute", capture)
        return [_plan(session, statement, parameters) for statement, parameters in statements]


def _plan(session: Session, statement: str, parameters: Any) -> str:
    raw = session.connection().connection.dbapi_connection
    assert raw is not None
    cursor = raw.cursor()
    times = []
    for _ in range(5):
        moment = time.perf_counter()
        cursor.execute(statement, parameters).fetchall()
        times.append((time.perf_counter() - moment) * 1000)
    plan = [row[-1] for row in cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()]
    scans = [line for line in plan if line.startswith("SCAN ") and line.split()[1] in LARGE]
    table = statement.split(" FROM ", 1)[1].split()[0] if " FROM " in statement else statement[:30]
    flag = "  <-- FULL SCAN" if scans else ""
    return f"{statistics.median(times):7.2f} ms  {table:<22} {' | '.join(plan)}{flag}"


# --- the load ----------------------------------------------------------------------------------------

def drive(wrk: str, base: str, script: Path, *, threads: int, connections: int, seconds: int) -> dict[str, float]:
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script),
               base + "/"]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    found = next((line for line in output.splitlines() if line.startswith("RESULT ")), None)
    if found is None:
        sys.exit(f"wrk gave no result:\n{output}")
    raw = json.loads(found.removeprefix("RESULT "))
    return {"rate": raw["requests"] / raw["seconds"], "requests": raw["requests"],
            **{f"p{n}_ms": raw[f"p{n}_us"] / 1000 for n in (50, 95, 99)}, "max_ms": raw["max_us"] / 1000,
            "errors": raw["errors"] + raw["not_200"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--promises", type=int, help="promises of the firm (default: 20 per client)")
    parser.add_argument("--db", type=Path, help="the firm's SQLite file (default: "
                                                "/tmp/servicescape-portal-bench/firm-<clients>.db)")
    parser.add_argument("--users", type=int, default=200, help="portal accounts (of as many clients) taking turns")
    parser.add_argument("--connections", type=int, default=20, help="concurrent users")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--seconds", type=int, default=30, help="measured seconds per endpoint, users waiting")
    parser.add_argument("--think", type=int, default=1000,
                        help="a user's mean wait in ms after an answer before the next request (uniform, ±50%%)")
    parser.add_argument("--saturation-seconds", type=int, default=10,
                        help="measured seconds per endpoint with no wait (0: not measured)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of load before each measurement")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="server processes")
    parser.add_argument("--save", type=Path, help="write the figures to this JSON file")
    args = parser.parse_args()
    promises = args.promises or 20 * args.clients
    path = args.db or Path(f"/tmp/servicescape-portal-bench/firm-{args.clients}.db")
    wrk = load.ensure_wrk()
    meta = prepare(path, args.clients, promises)
    os.environ.update(settings_env(path))
    from servicescape.config import Settings

    runtime = open_runtime(Settings(mode="dev"))
    users: list[tuple[str, int, int, str]] = []
    try:
        users = sessions(runtime, args.users)
        print(f"\nthe home page of user {users[0][2]}, statement by statement (median of 5, in this process):")
        plans = query_plans(runtime, users[0][2])
        for line in plans:
            print("  " + line)
        return measure(args, wrk, path, meta, users) or int(any("FULL SCAN" in line for line in plans))
    finally:
        with runtime.transaction() as session:   # the sessions made here end
            session.execute(delete(PortalSession).where(PortalSession.token_hash.in_(
                [accounts.token_hash(token) for token, *_rest in users])))
        runtime.close()


def measure(args: argparse.Namespace, wrk: str, path: Path, meta: dict[str, Any],
            users: list[tuple[str, int, int, str]]) -> int:
    work = Path(tempfile.mkdtemp(prefix="portal-speed-"))
    users_file = work / "users.txt"
    users_file.write_text("".join(f"{token} {promise}\n" for token, promise, *_rest in users))
    port = load.free_port()
    base = f"http://127.0.0.1:{port}"
    server = load.start_server(f"sqlite:///{path}", port, args.workers, work / "server.log")
    results: dict[str, dict[str, dict[str, float]]] = {}
    failed = False
    try:
        problems = check_pages(base, users)
        if problems:
            print("\nthe pages are not what they should be:\n  " + "\n  ".join(problems[:20]))
            return 1
        print(f"\n{meta['counts']['client']:,} clients, {meta['counts']['promise']:,} promises, "
              f"{meta['counts']['portal_user']:,} portal accounts; {len(users)} contacts signed in, taking turns; "
              f"{args.workers} server processes; {os.cpu_count()} CPUs here, load average "
              f"{os.getloadavg()[0]:.1f}")
        runs = [("users", args.think, args.seconds), ("saturation", 0, args.saturation_seconds)]
        for mode, think, seconds in runs:
            if not seconds:
                continue
            if mode == "users":
                print(f"\n{args.connections} users, each waiting {think // 2}-{think + think // 2} ms (at random) "
                      f"after each answer before the next request; wrk -t{args.threads} -c{args.connections} "
                      f"-d{seconds}s per endpoint after {args.warmup}s of warm-up")
            else:
                print(f"\nat saturation, for what it says of the capacity: {args.connections} connections sending "
                      f"the next request as soon as the answer comes (no wait: latency is mostly queueing), "
                      f"-d{seconds}s")
            print(f"{'endpoint':<27} {'req/s':>8} {'x base':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
                  f"{'max ms':>7} {'errors':>6} {'CPU ms':>7} {'capacity':>8}"
                  + (f"  p99 < {MAX_P99_MS:.0f} ms" if mode == "users" else ""))
            results[mode] = {}
            for label, (template, kind) in ENDPOINTS.items():
                script = work / f"{mode}-{len(results[mode])}.lua"
                script.write_text(LUA % {"users": users_file, "template": template, "cookie": COOKIE, "think": think})
                if args.warmup:
                    drive(wrk, base, script, threads=args.threads, connections=args.connections, seconds=args.warmup)
                cpu_before = load.server_cpu_seconds(server)
                figures = drive(wrk, base, script, threads=args.threads, connections=args.connections,
                                seconds=seconds)
                figures["cpu_ms"] = (load.server_cpu_seconds(server) - cpu_before) * 1000 / max(figures["requests"], 1)
                results[mode][label] = figures
                ratio = figures["rate"] / results[mode]["baseline /healthz"]["rate"]
                verdict = ""
                if kind != "baseline":
                    failed = failed or bool(figures["errors"])
                    if mode == "users":
                        met = figures["p99_ms"] < MAX_P99_MS and not figures["errors"]
                        failed = failed or not met
                        verdict = "  met" if met else "  NOT met"
                print(f"{label:<27} {figures['rate']:8.1f} {ratio:7.3f} {figures['p50_ms']:7.1f} "
                      f"{figures['p95_ms']:7.1f} {figures['p99_ms']:7.1f} {figures['max_ms']:7.1f} "
                      f"{int(figures['errors']):6d} {figures['cpu_ms']:7.2f} "
                      f"{args.workers * 1000 / figures['cpu_ms']:8.0f}{verdict}", flush=True)
    finally:
        load.stop(server)
    if args.save:
        args.save.write_text(json.dumps({"clients": meta["counts"]["client"], "workers": args.workers,
                                         "connections": args.connections, "think_ms": args.think,
                                         "figures": results}, indent=2))
    return int(failed)


if __name__ == "__main__":
    sys.exit(main())
