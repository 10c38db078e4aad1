"""A large import and the rest of the product: the memory a dry run takes, and how long another
writer waits for SQLite's write lock while an import or a dry run runs.

    .venv/bin/python benchmarks/import_dry_run.py [ROWS] [--format csv|json] [--keep DIR]

Writes a file of ROWS clients (default 380,000 rows, the rows of benchmarks/import_clients.py:
about 52 MB as CSV, 105 MB as a JSON array) and a fresh SQLite database, then runs, each in a
process of its own (so that each has its own peak RSS):

1. baseline: a dry run of the file's first row (what the modules and the runtime take);
2. a dry run of the whole file into the empty database (every row new);
3. the real import of the file;
4. a dry run of the file again (every row an update).

During 2-4 another process writes a row every 50 ms, as the web app does (its own connection,
the product's busy timeout), and times each write. Prints, for each run, its time, its peak RSS
and the growth over the baseline per MB of file, and how long the other writer's writes took
(the median and the longest) and how many failed.
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from contextlib import closing
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event
from pathlib import Path
from statistics import median

from import_clients import write_csv

from servicescape.auth.permissions import SYSTEM
from servicescape.clients.importing import import_file
from servicescape.config import Settings
from servicescape.runtime import open_runtime


def run_import(db: Path, path: Path, dry_run: bool, answer: Connection) -> None:
    """In a child process: import, then send the seconds taken, the counts and the peak RSS (MB)."""
    runtime = open_runtime(Settings(mode="dev", data_dir=db.parent, database_url=f"sqlite:///{db}"))
    started = time.perf_counter()
    report = import_file(runtime, "clients", path, dry_run=dry_run, by=SYSTEM)
    took = time.perf_counter() - started
    runtime.close()
    answer.send((took, report.to_dict(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def other_writer(db: Path, stop: Event, answer: Connection) -> None:
    """In a child process: a row every 50 ms until ``stop``; send each write's seconds (None: failed)."""
    connection = sqlite3.connect(db, isolation_level=None, timeout=10)
    times: list[float | None] = []
    while not stop.is_set():
        started = time.perf_counter()
        try:
            connection.execute("INSERT INTO bench_note (at) VALUES (?)", (started,))
            times.append(time.perf_counter() - started)
        except sqlite3.OperationalError:
            times.append(None)
        time.sleep(0.05)
    connection.close()
    answer.send(times)


def as_json(path: Path) -> Path:
    """The CSV's rows as a JSON array of objects (written a row at a time)."""
    target = path.with_suffix(".json")
    with path.open(encoding="utf-8", newline="") as source, target.open("w", encoding="utf-8") as out:
        rows = csv.reader(source)
        headers = next(rows)
        out.write("[")
        for n, row in enumerate(rows):
            out.write(("," if n else "") + "\n" + json.dumps(dict(zip(headers, row, strict=True)), ensure_ascii=False))
        out.write("\n]\n")
    path.unlink()
    return target


def measured(db: Path, path: Path, dry_run: bool, *, with_writer: bool) -> tuple[float, dict[str, int], float,
                                                                                   list[float | None]]:
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    stop = context.Event()
    writes_in, writes_out = context.Pipe(duplex=False)
    writer = context.Process(target=other_writer, args=(db, stop, writes_out)) if with_writer else None
    if writer is not None:
        writer.start()
    importer = context.Process(target=run_import, args=(db, path, dry_run, send))
    importer.start()
    took, counts, peak = receive.recv()
    importer.join()
    writes: list[float | None] = []
    if writer is not None:
        stop.set()
        writes = writes_in.recv()
        writer.join()
    return took, counts, peak, writes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rows", nargs="?", type=int, default=380_000)
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    parser.add_argument("--keep", type=Path, help="keep the file and the database in this directory")
    args = parser.parse_args()
    directory = args.keep or Path(tempfile.mkdtemp(prefix="ss-bench-"))
    directory.mkdir(parents=True, exist_ok=True)
    try:
        path, first = directory / "clients.csv", directory / "first.csv"
        write_csv(path, args.rows)
        with path.open(encoding="utf-8") as handle:
            first.write_text(handle.readline() + handle.readline(), encoding="utf-8")
        if args.format == "json":
            path = as_json(path)
        megabytes = path.stat().st_size / 2**20
        db = directory / "bench.db"
        for leftover in directory.glob("bench.db*"):
            leftover.unlink()
        open_runtime(Settings(mode="dev", data_dir=directory, database_url=f"sqlite:///{db}")).close()
        with closing(sqlite3.connect(db)) as connection:
            connection.execute("CREATE TABLE bench_note (id INTEGER PRIMARY KEY, at REAL)")
        print(f"{args.rows:,} rows, {megabytes:,.0f} MB")
        _took, _counts, baseline, _writes = measured(db, first, True, with_writer=False)
        print(f"baseline (a dry run of one row): peak RSS {baseline:,.0f} MB")
        for label, dry_run in (("dry run, all new", True), ("import", False), ("dry run, all updates", True)):
            took, counts, peak, writes = measured(db, path, dry_run, with_writer=True)
            done = sorted(w for w in writes if w is not None)
            growth = peak - baseline
            print(f"{label:21}: {took:5.1f} s, {counts}; peak RSS {peak:,.0f} MB = baseline + {growth:,.0f} MB "
                  f"({growth / megabytes:.2f} MB per MB of file); the other writer: {len(writes)} writes, "
                  f"{len(writes) - len(done)} failed, median {median(done) * 1000 if done else 0:,.0f} ms, longest "
                  f"{done[-1] * 1000 if done else 0:,.0f} ms")
    finally:
        if args.keep is None:
            shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
