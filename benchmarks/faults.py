"""Kill -9 at random points of the long operations, restart, re-run: nothing lost, nothing twice.

    .venv/bin/python benchmarks/faults.py [--points 20] [--operations import,sweep,campaign,voice,analytics,report]
                                          [--database sqlite|postgresql] [--seed 1]

For each operation a starting database is prepared once (the demo firm, plus what the operation
needs: a CSV of several thousand multilingual clients, promises past due, an active survey, the
unanalysed comments the demo leaves). Then:

1. clean runs: a copy of the starting database, the operation run to completion in a subprocess,
   timed; twice, and the two must give the same per-table signatures (else a column that holds
   the time of the run is missing from ``RUN_COLUMNS`` below: the harness is wrong, not the app);
2. ``--points`` faulted runs: a copy of the starting database, the operation started as a
   subprocess and killed with SIGKILL after a random delay in [0, clean seconds] (seeded); then the
   operation run again, kill-free, to completion; then the database's integrity (SQLite: ``PRAGMA
   integrity_check`` and FTS5's integrity-check; PostgreSQL: ``amcheck``'s ``bt_index_check`` of
   every index) and the per-table signatures must equal the clean run's, and the operation's own
   checks hold (no e-mail received twice: a real SMTP server on 127.0.0.1 counts every message
   across the killed run and the re-run; no task twice for one record; no imported row twice).

The operations are the commands an operator runs: ``import clients FILE``, ``promises sweep``,
``survey send ID --name N`` then ``mail send`` (re-run: ``survey send`` only when the campaign
is not there yet, as an operator checks), ``voice analyse``, ``analytics refresh``, ``report firm
--out FILE``. Not ``jobs run NAME``: a job killed while it holds its lease is refused by ``jobs
run`` until the lease runs out (30 minutes by default), by design, so "re-run at once" is the
plain command.

On PostgreSQL (a throw-away cluster that this script starts with ``initdb`` in a temporary
folder) one of the faulted runs of each operation restarts the database server in the middle of
the run instead of killing the app.

Prints per operation: clean seconds (the baseline of this run), points, kills that landed while
the operation was still running, outcomes "in doubt" (an e-mail claimed by the killed sender
whose delivery nobody can know: left in ``sending``, which the outbox turns into ``check`` for an
owner, never resent automatically) and failures; exits 1 on any failure, each described (table,
what differs).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, inspect, text  # noqa: E402
from sqlalchemy.exc import DBAPIError  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

from tests.support.postgres import PostgresCluster, PostgresNotAvailable, find_bindir  # noqa: E402
from tests.support.smtp import SmtpServer  # noqa: E402

CLI = str(ROOT / ".venv" / "bin" / "servicescape")
OPERATIONS = ("import", "sweep", "campaign", "voice", "analytics", "report")
CAMPAIGN = "Fault campaign"
SURVEY = "Fault survey"

# --- what a signature leaves out, and why -------------------------------------------------------

#: tables left out whole
SKIP_TABLES = {
    # job bookkeeping: a run record and a lease per attempt (a killed attempt leaves one more run,
    # marked interrupted later); the operations here are the plain commands, but the tables stay
    # out so that running them through `jobs run` compares the same way
    "job_run", "job_state",
    # Alembic's own row: never touched by an operation
    "alembic_version",
    # the "data changed" counters (caches are keyed by them): bumped once per committed
    # transaction, so a killed import's committed batches and the re-run's batches count more
    # than one clean run; only their growth matters, not the number
    "data_version", "data_version_entity",
    # SQLite FTS5 shadow tables of the client search: their b-tree segments depend on how the rows
    # were batched (a re-run merges differently) while the indexed content is the same; the
    # virtual table ``client_search`` itself is compared, and checked with FTS5's integrity-check
    "client_search_data", "client_search_idx", "client_search_docsize", "client_search_config",
    "client_search_content",
}
#: columns left out in every table: the time of the run that wrote or changed the row
RUN_COLUMNS_ANYWHERE = {"created_at", "updated_at"}
#: rows left out per table (a predicate on the row's raw values: True keeps it)
ROW_FILTERS: dict[str, Callable[[dict[str, Any]], bool]] = {
    # audit rows written per attempt, not per change of content: the importer's one row per
    # committed batch (a killed import's batches, then the re-run's "updated" batches; the batch
    # sizes also vary with the machine's speed) and the mail sender's outcome per message (the
    # outbox's own check below covers delivery)
    "audit_event": lambda row: row.get("action") != "import" and not str(row.get("action")).startswith("mail_"),
}
#: references by a table's name and an id, without a foreign key: mapped like foreign keys (and the
#: "id" inside the audit row's JSON of changes too)
POLYMORPHIC = {"audit_event": ("entity", "entity_id"), "task": ("related_type", "related_id")}
#: inside the audit trail's JSON of changes, the times of the run (a campaign's opened_at, ...)
RUN_TIME_IN_JSON = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(\+00:00|Z)?")
#: columns left out per table
RUN_COLUMNS: dict[str, set[str]] = {
    # the sweep marks a promise missed "now"
    "promise": {"missed_at"},
    # the audit trail's time of writing
    "audit_event": {"at"},
    # a task's due time is counted from "now" (a recovery is due so many hours after the sweep)
    "task": {"due_at"},
    # the outbox: the Message-ID is a generated token; status, tries and their times are the
    # delivery's bookkeeping, checked on their own (every message received once; "sent" exactly
    # when received; at most the killed sender's one message left "sending", in doubt)
    "mail_outbox": {"message_id", "status", "attempts", "next_attempt_at", "last_error", "sent_at",
                    "claim_token", "claimed_at", "body_text", "body_html"},
    # a campaign's times of opening and expiry are "now" and "now + N days"
    "survey_campaign": {"opened_at", "expires_at"},
    # an invitation holds a generated private token (its nonce and hash) and the times it was mailed
    "survey_invitation": {"nonce", "token_hash", "expires_at", "first_mailed_at", "last_mailed_at"},
    # voice: the time each comment was read
    "voice_comment": {"analysed_at"},
    # analytics: when counted and how long it took
    "analytics_result": {"computed_at", "seconds"},
}


# --- databases ----------------------------------------------------------------------------------

class Database(Protocol):
    url: str

    def env(self) -> dict[str, str]: ...
    def integrity(self) -> list[str]: ...
    def drop(self) -> None: ...


@dataclass
class SqliteDatabase:
    folder: Path

    @property
    def path(self) -> Path:
        return self.folder / "servicescape.db"

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"

    def env(self) -> dict[str, str]:
        return {"SERVICESCAPE_DATA_DIR": str(self.folder)}

    def copy(self, folder: Path) -> SqliteDatabase:
        folder.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{self.path}{suffix}")
            if source.exists():
                shutil.copy2(source, folder / source.name)
        return SqliteDatabase(folder)

    def integrity(self) -> list[str]:
        problems: list[str] = []
        with sqlite3.connect(self.path) as conn:
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
            if rows != ["ok"]:
                problems.append(f"PRAGMA integrity_check: {'; '.join(rows[:5])}")
            fts = [r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND sql LIKE 'CREATE VIRTUAL TABLE%fts5%'")]
            for table in fts:
                try:
                    conn.execute(f"INSERT INTO \"{table}\"(\"{table}\") VALUES ('integrity-check')")
                except sqlite3.DatabaseError as exc:
                    problems.append(f"FTS5 integrity-check of {table}: {exc}")
        return problems

    def drop(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


class FaultCluster(PostgresCluster):
    """The tests' throw-away server (initdb in a temporary folder), which this script may restart —
    but durable: the tests' server runs with fsync, synchronous_commit and full_page_writes off,
    and a crash of such a server loses transactions it had confirmed (a first run of this script
    on it saw an e-mail recorded as sent vanish, so sent again, and a sequence hand out a key
    again). A crash test needs the defaults a firm runs with."""

    def __init__(self) -> None:
        super().__init__(durable=True)

    def restart(self) -> None:
        """A crash and a start: ``pg_ctl restart -m immediate`` (no checkpoint; WAL replay on start)."""
        assert self.data_dir is not None
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "-t", "60",
                  "-l", str(self._log_file), "restart")


@dataclass
class PostgresDatabase:
    cluster: FaultCluster
    name: str
    folder: Path

    @property
    def url(self) -> str:
        from sqlalchemy.engine import make_url
        return make_url(self.cluster.url).set(database=self.name).render_as_string(hide_password=False)

    def env(self) -> dict[str, str]:
        return {"SERVICESCAPE_DATA_DIR": str(self.folder), "SERVICESCAPE_DATABASE_URL": self.url}

    def copy(self, folder: Path, name: str) -> PostgresDatabase:
        folder.mkdir(parents=True, exist_ok=True)
        self.cluster.create_database(name, template=self.name)
        # CREATE DATABASE copies the template's sequence pages (WAL_LOG strategy) with their count of
        # values already WAL-logged, but that log belongs to the template: without a checkpoint a
        # crash of the server rolls the copy's sequences back to the template's value, and the next
        # insert meets its own rows ("duplicate key ... pk_audit_event"). After a checkpoint the
        # first nextval() logs afresh. (A database made any other way does not need this.)
        self.cluster.execute("CHECKPOINT")
        return PostgresDatabase(self.cluster, name, folder)

    def integrity(self) -> list[str]:
        # the server replays its WAL on start; what is left to check is that every row is readable
        # (the signatures read every table whole) and that the indexes agree with the tables
        problems: list[str] = []
        engine = create_engine(self.url, poolclass=NullPool)
        try:
            with engine.begin() as conn:
                conn.execute(text("CREATE EXTENSION IF NOT EXISTS amcheck"))
                indexes = conn.execute(text(
                    "SELECT c.oid, c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                    "JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE a.amname = 'btree' AND n.nspname = 'public'")).all()
                for oid, name in indexes:
                    try:
                        with conn.begin_nested():
                            conn.execute(text("SELECT bt_index_check(:oid, true)"), {"oid": oid})
                    except DBAPIError as exc:  # every broken index is reported
                        problems.append(f"amcheck of index {name}: {str(exc).splitlines()[0]}")
        finally:
            engine.dispose()
        return problems

    def drop(self) -> None:
        self.cluster.drop_database(self.name)
        shutil.rmtree(self.folder, ignore_errors=True)


# --- signatures ---------------------------------------------------------------------------------

Row = tuple[str, ...]


@dataclass
class Signature:
    rows: dict[str, Counter[Row]]
    columns: dict[str, list[str]]

    def digest(self, table: str) -> tuple[int, str]:
        counter = self.rows[table]
        hashed = hashlib.sha256()
        for row in sorted(counter.elements()):
            hashed.update(repr(row).encode())
        return sum(counter.values()), hashed.hexdigest()[:16]


def _cell(value: Any) -> str:
    if isinstance(value, memoryview):
        value = bytes(value)
    if isinstance(value, bytes):
        return "b:" + hashlib.sha256(value).hexdigest()[:16]
    if isinstance(value, float):
        return repr(round(value, 9))
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str) and value[:1] in ("{", "["):
        with suppress(ValueError):
            value = json.loads(value)  # SQLite hands JSON over as text, PostgreSQL as objects
    if isinstance(value, dict | list):
        value = RUN_TIME_IN_JSON.sub("<time>", json.dumps(value, sort_keys=True, ensure_ascii=False, default=str))
    return repr(value)


def max_ids(url: str) -> dict[str, int]:
    """The largest integer ``id`` of every table: rows above it are the ones an operation added."""
    engine = create_engine(url, poolclass=NullPool)
    found: dict[str, int] = {}
    try:
        with engine.connect() as conn:
            inspector = inspect(conn)
            for table in inspector.get_table_names():
                if "id" in {c["name"] for c in inspector.get_columns(table)}:
                    found[table] = int(conn.execute(text(f'SELECT coalesce(max(id), 0) FROM "{table}"')).scalar() or 0)
    finally:
        engine.dispose()
    return found


def signature(url: str, start_ids: dict[str, int]) -> Signature:
    """Every table's rows over its deterministic columns, compared by content, not by id.

    The ``id`` column is left out; a foreign key to a row that existed in the starting database
    keeps its value, one to a row the operation added is replaced by that row's rank among the
    added rows ordered by their content (a killed transaction may have used up a PostgreSQL
    sequence value, so the same row can get another id)."""
    engine = create_engine(url, poolclass=NullPool)
    rows: dict[str, Counter[Row]] = {}
    columns: dict[str, list[str]] = {}
    try:
        with engine.connect() as conn:
            inspector = inspect(conn)
            tables = [t for t in inspector.get_table_names() if t not in SKIP_TABLES and not t.startswith("sqlite_")]
            foreign: dict[str, dict[str, str]] = {}
            raw: dict[str, list[dict[str, Any]]] = {}
            for table in tables:
                names = [c["name"] for c in inspector.get_columns(table)]
                foreign[table] = {fk["constrained_columns"][0]: fk["referred_table"]
                                  for fk in inspector.get_foreign_keys(table)
                                  if len(fk["constrained_columns"]) == 1 and fk["referred_columns"] == ["id"]}
                leave_out = RUN_COLUMNS_ANYWHERE | RUN_COLUMNS.get(table, set())
                columns[table] = [n for n in names if n not in leave_out]
                quoted = ", ".join(f'"{n}"' for n in names)
                keep_row = ROW_FILTERS.get(table, lambda row: True)
                found = (dict(r._mapping) for r in conn.execute(text(f'SELECT {quoted} FROM "{table}"')))
                raw[table] = [row for row in found if keep_row(row)]
            # canonical ids of the added rows: rank by content (without ids and foreign keys)
            canonical: dict[str, dict[int, int]] = {}
            for table in tables:
                if table not in start_ids:
                    continue
                start = start_ids[table]
                keep = [c for c in columns[table] if c != "id" and c not in foreign[table]]
                added = [r for r in raw[table] if isinstance(r.get("id"), int) and r["id"] > start]
                added.sort(key=lambda r: tuple(_cell(r[c]) for c in keep))
                canonical[table] = {r["id"]: start + rank for rank, r in enumerate(added, 1)}
            for table in tables:
                kept = [c for c in columns[table] if c != "id"]
                counter: Counter[Row] = Counter()
                for record in raw[table]:
                    if table in POLYMORPHIC:
                        _map_polymorphic(table, record, canonical)
                    cells = []
                    for name in kept:
                        value = record[name]
                        target = foreign[table].get(name)
                        if target is not None and value is not None and value in canonical.get(target, {}):
                            value = f"added#{canonical[target][value]}"
                        cells.append(_cell(value))
                    counter[tuple(cells)] += 1
                rows[table] = counter
                columns[table] = kept
    finally:
        engine.dispose()
    return Signature(rows, columns)


def _map_polymorphic(table: str, record: dict[str, Any], canonical: dict[str, dict[int, int]]) -> None:
    kind, key = POLYMORPHIC[table]
    mapping = canonical.get(str(record.get(kind)), {})
    try:
        number = int(record.get(key))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return
    if number not in mapping:
        return
    record[key] = f"added#{mapping[number]}"
    changes = record.get("changes")
    if isinstance(changes, str):
        with suppress(ValueError):
            changes = json.loads(changes)
    if isinstance(changes, dict) and changes.get("id") == number:
        record["changes"] = {**changes, "id": record[key]}


def compare(expected: Signature, got: Signature, *, sample: int = 3) -> list[str]:
    """What differs, table by table: rows lost (in the clean run, not here) and rows duplicated or
    extra (here more often than in the clean run)."""
    problems: list[str] = []
    for table in sorted(set(expected.rows) | set(got.rows)):
        if table not in got.rows or table not in expected.rows:
            problems.append(f"{table}: table present in only one of the two databases")
            continue
        want, have = expected.rows[table], got.rows[table]
        if want == have:
            continue
        lost, extra = want - have, have - want
        cols = expected.columns[table]
        parts = [f"{table}: {sum(want.values())} rows in the clean run, {sum(have.values())} here"]
        duplicated = sum(n for row, n in extra.items() if row in want)
        if duplicated:
            parts.append(f"{duplicated} duplicated")
        if lost:
            parts.append(f"{sum(lost.values())} lost or changed, e.g. "
                         + "; ".join(_show(cols, row) for row in list(lost)[:sample]))
        if extra:
            parts.append(f"{sum(extra.values())} extra or changed, e.g. "
                         + "; ".join(_show(cols, row) for row in list(extra)[:sample]))
        problems.append(" — ".join(parts))
    return problems


def differing_columns(first: Signature, second: Signature) -> dict[str, list[str]]:
    """For two clean runs that disagree: the columns whose values differ (to add to RUN_COLUMNS)."""
    found: dict[str, list[str]] = {}
    for table, rows in first.rows.items():
        other = second.rows.get(table, Counter())
        if rows == other:
            continue
        cols = first.columns[table]
        a, b = sorted((rows - other).elements()), sorted((other - rows).elements())
        differing = {cols[i] for x, y in zip(a, b, strict=False) for i in range(len(cols)) if x[i] != y[i]}
        found[table] = sorted(differing) or ["(row counts differ)"]
    return found


def _show(columns: Sequence[str], row: Row, width: int = 60) -> str:
    shown = ", ".join(f"{c}={v}" for c, v in zip(columns, row, strict=True) if v != "None")
    return shown if len(shown) <= width * 3 else shown[: width * 3] + "…"


# --- operations ---------------------------------------------------------------------------------

@dataclass
class Step:
    argv: list[str]
    #: whether the kill-free re-run still has to run this step (None: always; a command that is
    #: idempotent by contract is simply run again)
    needed: Callable[[str], bool] | None = None


@dataclass
class Context:
    """One run's database and folder, and the SMTP server of the run (campaign)."""

    database: Any
    folder: Path
    smtp: SmtpServer | None = None
    start_ids: dict[str, int] = field(default_factory=dict)
    #: the starting database's folder (the import's CSV lies there)
    start_folder: Path = Path()
    #: how many times the run was killed before its kill-free re-run
    kills: int = 1


@dataclass
class Operation:
    name: str
    demo_clients: int
    prepare: Callable[[Any, Path], None]
    steps: Callable[[Context], list[Step]]
    uses_smtp: bool = False
    #: a check of the killed run's leftovers before the re-run (e.g. no half-written file)
    after_kill: Callable[[Context], list[str]] = lambda context: []
    #: a check after the re-run besides the signatures; returns (problems, outcomes in doubt)
    after_rerun: Callable[[Context, Signature], tuple[list[str], int]] = lambda context, sig: ([], 0)


PLACES = [
    ("Malaysia", ["Syarikat", "Perunding", "Akauntan", "Guaman"], ["Sdn Bhd", "Berhad", "Enterprise"]),
    ("Bulgaria", ["Адвокатско дружество", "Счетоводна кантора", "Консултантска къща"], ["ООД", "ЕООД", "АД"]),
    ("China", ["帷幄", "品牌", "专业服务", "质量管理"], ["咨询有限公司", "顾问", "工作室"]),
    ("Taiwan", ["品牌營銷", "客戶服務", "優質服務"], ["顧問有限公司", "企業"]),
    ("Hungary", ["Kővári és Társa", "Szűcs", "Erdős Tanácsadó", "Hőgyes Pénzügyi"], ["Kft.", "Bt.", "Zrt."]),
    ("United Kingdom", ["Harbour", "Greenfield", "Northgate"], ["Ltd", "LLP", "& Partners"]),
]
IMPORT_ROWS = 5000


def write_import_csv(path: Path, rows: int = IMPORT_ROWS, seed: int = 11) -> list[str]:
    """A CSV of ``rows`` new clients in six languages; returns their names. Seven rows in ten carry an
    external id, two only an e-mail, one neither (matched on a re-import by name and country)."""
    rng = random.Random(seed)
    names: list[str] = []
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["External ID", "Company name", "Email", "Country", "Segment", "Tier", "Created"])
        for n in range(1, rows + 1):
            country, words, suffixes = PLACES[n % len(PLACES)]
            name = f"{rng.choice(words)} F{n} {rng.choice(suffixes)}"
            kind = n % 10
            external = f"F-{n:06d}" if kind < 7 else ""
            email = f"office{n}@fault{n % 97}.example" if kind < 9 else ""
            created = date(2016, 1, 1) + timedelta(days=rng.randrange(3000))
            writer.writerow([external, name, email, country, rng.choice(["SME", "Enterprise", "Public sector"]),
                             rng.choice(["Key account", "Growth", "Standard"]), created.isoformat()])
            names.append(name)
    return names


def _query(url: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params)]
    finally:
        engine.dispose()


def _cli(database: Any, *argv: str) -> None:
    """Run one command to its end (preparing a starting database)."""
    code = _start([CLI, *argv], _environment(database), database.folder).wait()
    if code != 0:
        raise RuntimeError(f"servicescape {' '.join(argv)} failed ({code}): {_output(database.folder)}")


def _environment(database: Any, smtp: SmtpServer | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SERVICESCAPE_")}
    env.update(SERVICESCAPE_MODE="demo", COLUMNS="200", SERVICESCAPE_RUN_JOBS="false", **database.env())
    if smtp is not None:
        env.update(SERVICESCAPE_SMTP_HOST=smtp.host, SERVICESCAPE_SMTP_PORT=str(smtp.port),
                   SERVICESCAPE_SMTP_SECURITY="none", SERVICESCAPE_MAIL_FROM="office@meridian.example")
    return env


def _nothing(database: Any, folder: Path) -> None:
    return None


# import

def _prepare_import(database: Any, folder: Path, rows: int = IMPORT_ROWS) -> None:
    write_import_csv(folder / "clients.csv", rows)


def _import_steps(context: Context) -> list[Step]:
    return [Step([CLI, "import", "clients", str(context.start_folder / "clients.csv")])]


def _import_checks(context: Context, sig: Signature) -> tuple[list[str], int]:
    with (context.start_folder / "clients.csv").open(encoding="utf-8", newline="") as handle:
        names = {row["Company name"] for row in csv.DictReader(handle)}
    rows = _query(context.database.url, "SELECT name, count(*) FROM client GROUP BY name HAVING count(*) > 1")
    twice = [(n, c) for n, c in rows if n in names]
    problems = [f"client: {len(twice)} imported row(s) stored more than once, e.g. {twice[:3]}"] if twice else []
    stored = {r[0] for r in _query(context.database.url, "SELECT name FROM client")}
    missing = names - stored
    if missing:
        problems.append(f"client: {len(missing)} imported row(s) missing, e.g. {sorted(missing)[:3]}")
    return problems, 0


# promise sweep (promises past due: the demo's history up to ten days ago leaves its open promises
# of the last days past their windows)

def _sweep_steps(context: Context) -> list[Step]:
    return [Step([CLI, "promises", "sweep"])]


def _sweep_checks(context: Context, sig: Signature) -> tuple[list[str], int]:
    added = context.start_ids.get("task", 0)
    rows = _query(context.database.url, "SELECT kind, related_type, related_id, count(*) FROM task "
                  "WHERE id > :added AND related_id IS NOT NULL "
                  "GROUP BY kind, related_type, related_id HAVING count(*) > 1", added=added)
    rows += _query(context.database.url, "SELECT dedupe_key, count(*) FROM task WHERE dedupe_key IS NOT NULL "
                   "GROUP BY dedupe_key HAVING count(*) > 1")
    return ([f"task: created twice for the same record: {rows[:3]}"] if rows else []), 0


# survey campaign: create + activate a survey (prepared); the operation opens the campaign
# (`survey send`: one transaction) and delivers the outbox to a real SMTP server (`mail send`)

def _prepare_campaign(database: Any, folder: Path) -> None:
    _cli(database, "survey", "create", "--kind", "nps", "--name", SURVEY)
    _cli(database, "survey", "activate", str(_survey_id(database.url)))


def _survey_id(url: str) -> int:
    return int(_query(url, "SELECT id FROM survey WHERE name = :n", n=SURVEY)[0][0])


def _campaign_steps(context: Context) -> list[Step]:
    url = context.database.url

    def campaign_missing(_: str) -> bool:  # an operator looks before sending again
        return not _query(url, "SELECT id FROM survey_campaign WHERE name = :n", n=CAMPAIGN)

    return [Step([CLI, "survey", "send", str(_survey_id(url)), "--name", CAMPAIGN], needed=campaign_missing),
            Step([CLI, "mail", "send", "--limit", "100000"])]


def _campaign_checks(context: Context, sig: Signature) -> tuple[list[str], int]:
    assert context.smtp is not None
    received = Counter(str(r.message["Message-ID"]) for r in context.smtp.received)
    problems = [f"e-mail: message {m} received {n} times" for m, n in received.items() if n > 1]
    outbox = _query(context.database.url, "SELECT message_id, recipient, status FROM mail_outbox")
    in_doubt = 0
    for message_id, recipient, status in outbox:
        got = received.get(message_id, 0)
        if status == "sent" and got != 1:
            problems.append(f"mail_outbox: {recipient} marked sent but received {got} times")
        elif status in ("queued", "retrying", "dead"):
            problems.append(f"mail_outbox: {recipient} left {status} after the re-run (received {got} times)")
        elif status in ("sending", "check"):
            in_doubt += 1  # the killed sender's claim: never resent; an owner checks it after the lease
    if in_doubt > context.kills:
        problems.append(f"mail_outbox: {in_doubt} messages in doubt after {context.kills} kill(s) "
                        "(at most one per kill may be)")
    per_recipient = Counter(r.rcpt_tos[0] for r in context.smtp.received)
    twice = [(a, n) for a, n in per_recipient.items() if n > 1]
    if twice:
        problems.append(f"e-mail: {len(twice)} recipient(s) got more than one e-mail, e.g. {twice[:3]}")
    return problems, in_doubt


def _campaign_clean_checks(context: Context, sig: Signature) -> tuple[list[str], int]:
    problems, in_doubt = _campaign_checks(context, sig)
    assert context.smtp is not None
    if not context.smtp.received:
        problems.append("the clean run sent no e-mail: nothing was tested")
    return problems + ([f"{in_doubt} in doubt in a clean run"] if in_doubt else []), 0


# voice: the backlog of unanalysed comments the demo leaves

def _voice_steps(context: Context) -> list[Step]:
    return [Step([CLI, "voice", "analyse"])]


# analytics refresh

def _analytics_steps(context: Context) -> list[Step]:
    return [Step([CLI, "analytics", "refresh"])]


# report render: writes nothing to the database; its file must be whole or absent

def _report_steps(context: Context) -> list[Step]:
    return [Step([CLI, "report", "firm", "--out", str(context.folder / "report.pdf")])]


def _pdf_problems(path: Path) -> list[str]:
    if not path.exists():
        return []
    data = path.read_bytes()
    if not data.startswith(b"%PDF") or not data.rstrip().endswith(b"%%EOF"):
        return [f"{path.name}: a half-written PDF ({len(data):,} bytes) is left under the target's name"]
    return []


def _report_after_kill(context: Context) -> list[str]:
    return _pdf_problems(context.folder / "report.pdf")


def _report_checks(context: Context, sig: Signature) -> tuple[list[str], int]:
    path = context.folder / "report.pdf"
    return (_pdf_problems(path) or ([] if path.exists() else ["report.pdf: not written by the re-run"])), 0


def operations() -> dict[str, Operation]:
    return {
        "import": Operation("import", 150, _prepare_import, _import_steps, after_rerun=_import_checks),
        "sweep": Operation("sweep", 150, _nothing, _sweep_steps, after_rerun=_sweep_checks),
        "campaign": Operation("campaign", 150, _prepare_campaign, _campaign_steps, uses_smtp=True,
                              after_rerun=_campaign_checks),
        # fewer clients: the backlog is then ~300 comments (the full 150-client one takes 40 s)
        "voice": Operation("voice", 40, _nothing, _voice_steps),
        "analytics": Operation("analytics", 150, _nothing, _analytics_steps),
        "report": Operation("report", 150, _nothing, _report_steps, after_kill=_report_after_kill,
                            after_rerun=_report_checks),
    }


# --- running ------------------------------------------------------------------------------------

@dataclass
class RunOutcome:
    seconds: float
    landed: bool                 # the process was still running when it was killed
    killed_in: str = ""          # which step


class Child(Protocol):
    pid: int

    def wait(self, timeout: float | None = None) -> int: ...


#: None: each command is ``.venv/bin/servicescape`` started afresh (what an operator runs); else a
#: fork server (multiprocessing) that has imported the CLI once and forks a process per command,
#: which runs what ``.venv/bin/servicescape`` runs, without the ~2.5 s of imports (the CI test)
_FORK_SERVER: Any = None


def use_fork_server() -> None:
    """Run the commands in processes forked from a server that imported the CLI once (faster)."""
    global _FORK_SERVER
    if _FORK_SERVER is None:
        import multiprocessing
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["servicescape.cli.main"])
        _FORK_SERVER = context


class _Forked:
    """A command running in a process forked from the fork server."""

    def __init__(self, process: Any) -> None:
        self.process, self.pid = process, process.pid

    def wait(self, timeout: float | None = None) -> int:
        self.process.join(timeout)
        if self.process.exitcode is None:
            raise subprocess.TimeoutExpired("servicescape", timeout or 0)
        return int(self.process.exitcode)


def _forked_cli(argv: list[str], env: dict[str, str], folder: str) -> None:
    """In a forked process: what ``.venv/bin/servicescape ARGV`` runs, in FOLDER, with ENV."""
    os.setsid()
    os.chdir(folder)
    os.environ.clear()
    os.environ.update(env)
    output = os.open(Path(folder) / "output.txt", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    os.dup2(output, 1)
    os.dup2(output, 2)
    from servicescape.cli.main import app
    sys.argv = ["servicescape", *argv]
    app(args=argv, prog_name="servicescape")


def _start(argv: list[str], env: dict[str, str], folder: Path) -> Child:
    """The command in its own process group (killed whole), its output in ``folder/output.txt``."""
    if _FORK_SERVER is not None and argv[0] == CLI:
        process = _FORK_SERVER.Process(target=_forked_cli, args=(argv[1:], env, str(folder)), daemon=True)
        process.start()
        return _Forked(process)
    with (folder / "output.txt").open("ab") as output:
        return subprocess.Popen(argv, env=env, cwd=folder, stdin=subprocess.DEVNULL, stdout=output,
                                stderr=subprocess.STDOUT, start_new_session=True)


def _output(folder: Path) -> str:
    return (folder / "output.txt").read_bytes().decode(errors="replace")[-2000:]


def _kill(process: Child) -> None:
    """SIGKILL the command and anything it started (its own process group, made at its start)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:  # a forked command that has not made its group yet
        with suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGKILL)
    process.wait()


def run_steps(steps: Sequence[Step], env: dict[str, str], folder: Path, url: str, *,
              kill_after: float | None = None, on_time: Callable[[], None] | None = None) -> RunOutcome:
    """Run the steps one after the other. With ``kill_after``, SIGKILL whatever runs at that moment
    (or, with ``on_time``, call it at that moment instead — the database restart — and let the
    step finish or fail). Without it, every step must succeed."""
    started = time.monotonic()
    for step in steps:
        if step.needed is not None and not step.needed(url):
            continue
        process = _start(step.argv, env, folder)
        if kill_after is None:
            code = process.wait()
            if code != 0:
                raise RuntimeError(f"{' '.join(Path(a).name if a == CLI else a for a in step.argv)} failed "
                                   f"({code}): {_output(folder)}")
            continue
        remaining = kill_after - (time.monotonic() - started)
        try:
            process.wait(timeout=max(remaining, 0.0))
        except subprocess.TimeoutExpired:
            name = step.argv[1] if len(step.argv) > 1 else step.argv[0]
            if on_time is None:
                _kill(process)
                return RunOutcome(time.monotonic() - started, True, name)
            on_time()
            process.wait()
            return RunOutcome(time.monotonic() - started, True, name + " (database restarted)")
    return RunOutcome(time.monotonic() - started, False)


@dataclass
class Report:
    operation: str
    clean_seconds: float = 0.0
    points: int = 0
    landed: int = 0
    restarts: int = 0
    in_doubt: int = 0
    failures: list[str] = field(default_factory=list)
    rerun_seconds: list[float] = field(default_factory=list)

    @property
    def rerun_ratio(self) -> float:
        """The median kill-free re-run's time against the clean run's (the cost of recovering)."""
        return statistics.median(self.rerun_seconds) / self.clean_seconds if self.rerun_seconds else float("nan")


class Backend:
    """Makes the starting databases and the per-run copies of one kind of database."""

    def __init__(self, kind: str, root: Path) -> None:
        self.kind, self.root = kind, root
        self.cluster: FaultCluster | None = None
        self._count = 0
        if kind == "postgresql":
            self.cluster = FaultCluster()
            self.cluster.start()

    def close(self) -> None:
        if self.cluster is not None:
            self.cluster.stop()

    def starting(self, name: str) -> Any:
        folder = self.root / name / "start"
        folder.mkdir(parents=True)
        if self.cluster is None:
            return SqliteDatabase(folder)
        self.cluster.create_database(f"start_{name}")
        return PostgresDatabase(self.cluster, f"start_{name}", folder)

    def copy(self, start: Any, name: str) -> Any:
        self._count += 1
        folder = self.root / name / f"run{self._count}"
        if isinstance(start, SqliteDatabase):
            return start.copy(folder)
        return start.copy(folder, f"run_{name}_{self._count}")


def prepare(backend: Backend, name: str, clients: int, today: date,
            preparations: Sequence[Callable[[Any, Path], None]]) -> Any:
    """A starting database: the demo firm of ``clients`` clients up to ``today``, then each preparation."""
    start = backend.starting(name)
    _cli(start, "demo", "--clients", str(clients), "--today", today.isoformat())
    for preparation in preparations:
        preparation(start, start.folder)
    return start


def clean_run(backend: Backend, operation: Operation, start: Any, start_ids: dict[str, int],
              ) -> tuple[float, Signature, list[str]]:
    database = backend.copy(start, operation.name)
    with _smtp(operation) as smtp:
        context = Context(database, database.folder, smtp, start_ids, start.folder)
        outcome = run_steps(operation.steps(context), _environment(database, smtp), database.folder, database.url)
        problems = database.integrity()
        sig = signature(database.url, start_ids)
        checks = _campaign_clean_checks if operation.uses_smtp else operation.after_rerun
        found, _ = checks(context, sig)
    database.drop()
    return outcome.seconds, sig, problems + found


@contextmanager
def _smtp(operation: Operation) -> Iterator[SmtpServer | None]:
    if not operation.uses_smtp:
        yield None
        return
    with SmtpServer() as server:
        yield server


def faulted_run(backend: Backend, operation: Operation, start: Any, start_ids: dict[str, int], clean: Signature,
                delays: Sequence[float], *, restart_database: bool = False,
                ) -> tuple[list[RunOutcome], list[str], int]:
    """A copy of the starting database; the operation killed after each of ``delays`` in turn (each
    kill in a new run of it, the first kill's re-run killed by the second, ...; with
    ``restart_database`` the first is a restart of the server instead); then run to the end."""
    database = backend.copy(start, operation.name)
    problems: list[str] = []
    outcomes: list[RunOutcome] = []
    with _smtp(operation) as smtp:
        context = Context(database, database.folder, smtp, start_ids, start.folder, kills=len(delays))
        env = _environment(database, smtp)
        for number, delay in enumerate(delays):
            restart = (backend.cluster.restart if restart_database and number == 0 and backend.cluster is not None
                       else None)
            outcomes.append(run_steps(operation.steps(context), env, database.folder, database.url,
                                      kill_after=delay, on_time=restart))
            problems += operation.after_kill(context)
        try:
            outcomes.append(run_steps(operation.steps(context), env, database.folder, database.url))
        except RuntimeError as exc:
            problems.append(f"the re-run failed: {exc}")
        problems += database.integrity()
        sig = signature(database.url, start_ids)
        problems += compare(clean, sig)
        found, in_doubt = operation.after_rerun(context, sig)
        problems += found
    database.drop()
    return outcomes, problems, in_doubt


def run_operation(backend: Backend, operation: Operation, points: int, rng: random.Random, today: date, *,
                  clean_runs: int = 2, log: Callable[[str], None] = print, start: Any = None,
                  earliest: float = 0.0, latest: float = 1.0, kills: int = 1) -> Report:
    """Clean runs, then ``points`` kill points: faulted runs of ``kills`` kills each (a kill, then
    the re-run killed again, ...), each after a delay drawn in [earliest, latest] × clean seconds,
    then a kill-free re-run and the checks. ``start``: a starting database prepared already (kept),
    else one is prepared for this operation (and dropped)."""
    report = Report(operation.name, points=points)
    own = start is None
    if start is None:
        start = prepare(backend, operation.name, operation.demo_clients, today, [operation.prepare])
    start_ids = max_ids(start.url)
    seconds, clean, problems = clean_run(backend, operation, start, start_ids)
    report.failures += [f"clean run: {p}" for p in problems]
    durations = [seconds]
    for _ in range(clean_runs - 1):
        more, again, problems = clean_run(backend, operation, start, start_ids)
        durations.append(more)
        report.failures += [f"clean run: {p}" for p in problems]
        for table, cols in differing_columns(clean, again).items():
            report.failures.append(f"two clean runs differ in {table}: {', '.join(cols)} (harness: add to RUN_COLUMNS)")
    report.clean_seconds = min(durations)
    runs = -(-points // kills)
    restart_at = rng.randrange(runs) if backend.cluster is not None and runs else -1
    for run in range(runs):
        delays = [rng.uniform(earliest * report.clean_seconds, latest * report.clean_seconds)
                  for _ in range(min(kills, points - run * kills))]
        outcomes, problems, in_doubt = faulted_run(backend, operation, start, start_ids, clean, delays,
                                                   restart_database=run == restart_at)
        if len(outcomes) > len(delays):  # the kill-free re-run's time
            report.rerun_seconds.append(outcomes.pop().seconds)
        report.landed += sum(o.landed for o in outcomes)
        report.restarts += run == restart_at
        report.in_doubt += in_doubt
        what = " then ".join(
            f"{'database restart' if run == restart_at and n == 0 else 'kill -9'} at {d:.2f}s "
            f"{'in ' + o.killed_in if o.landed else 'after the end'}"
            for n, (d, o) in enumerate(zip(delays, outcomes, strict=True)))
        log(f"  {operation.name} #{run + 1}: {what}: "
            f"{'ok' if not problems else 'FAILED'}{f', {in_doubt} in doubt' if in_doubt else ''}")
        report.failures += [f"run {run + 1} ({what}): {p}" for p in problems]
    if own:
        start.drop()
    return report


def print_table(reports: Sequence[Report], database: str) -> None:
    print(f"\n{'operation':<11} {'clean s':>8} {'re-run/clean':>13} {'points':>7} {'mid-run':>8} {'restarts':>9} "
          f"{'in doubt':>9} {'failures':>9}   ({database})")
    for r in reports:
        print(f"{r.operation:<11} {r.clean_seconds:>8.2f} {r.rerun_ratio:>13.2f} {r.points:>7} {r.landed:>8} "
              f"{r.restarts:>9} {r.in_doubt:>9} {len(r.failures):>9}")
    for r in reports:
        for failure in r.failures:
            print(f"FAILURE {r.operation}: {failure}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=20, help="faulted runs per operation")
    parser.add_argument("--operations", default=",".join(OPERATIONS),
                        help=f"comma-separated subset of {','.join(OPERATIONS)}")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--clean-runs", type=int, default=2, help="clean runs compared with each other")
    parser.add_argument("--fork-server", action="store_true",
                        help="fork each command from a process that imported the CLI once (faster start)")
    args = parser.parse_args(argv)
    if args.fork_server:
        use_fork_server()
    chosen = [o for o in args.operations.split(",") if o]
    unknown = set(chosen) - set(OPERATIONS)
    if unknown:
        parser.error(f"unknown operation(s): {', '.join(sorted(unknown))}")
    if args.database == "postgresql":
        try:
            find_bindir()
        except PostgresNotAvailable as exc:
            print(f"PostgreSQL is not available, skipped: {exc}")
            return 0
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(143))  # stop the cluster on the way out
    rng = random.Random(args.seed)
    today = datetime.now(UTC).date() - timedelta(days=10)
    reports = []
    with tempfile.TemporaryDirectory(prefix="servicescape-faults-") as temp:
        root = Path(temp)
        if args.database == "postgresql":
            os.chmod(root, 0o755)
        backend = Backend(args.database, root)
        try:
            for name in chosen:
                print(f"{name}: preparing, clean runs, {args.points} faulted runs", flush=True)
                reports.append(run_operation(backend, operations()[name], args.points, rng, today,
                                             clean_runs=args.clean_runs, log=lambda line: print(line, flush=True)))
                last = reports[-1]
                print(f"  {name}: clean {last.clean_seconds:.2f} s, re-run/clean {last.rerun_ratio:.2f}, "
                      f"{last.landed} of {last.points} mid-run, {last.restarts} restart(s), {last.in_doubt} in doubt, "
                      f"{len(last.failures)} failure(s)", flush=True)
        finally:
            backend.close()
    print_table(reports, args.database)
    return 1 if any(r.failures for r in reports) else 0


if __name__ == "__main__":
    sys.exit(main())
