"""What the import's column step costs, against the import itself, measured in the same run.

    .venv/bin/python benchmarks/import_columns.py [ROWS] [--repeat N]

Writes the clients CSV of ``import_clients.py`` (ROWS, default 200,000), then ``--repeat`` times
(default 3): reads the file's headers and first 50 rows as the column step shows them (each view
of the step and each re-check as a select changes does this), reads only its headers (what the
API adds before an import, to check its ``mapping``), and imports it into a fresh SQLite file.
Prints the medians and the ratios of the two reads to the import.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from statistics import median

from import_clients import fresh_runtime, write_csv  # the script's folder is on the path

from servicescape.auth.permissions import SYSTEM
from servicescape.clients.import_samples import sample_file
from servicescape.clients.importing import import_file


def timed(work: object) -> float:
    started = time.perf_counter()
    work()  # type: ignore[operator]
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", nargs="?", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        path = directory / "clients.csv"
        write_csv(path, args.rows)
        size = path.stat().st_size
        step, headers, imports = [], [], []
        for run in range(args.repeat):
            step.append(timed(lambda: sample_file(path)))
            headers.append(timed(lambda: sample_file(path, rows=0)))
            runtime = fresh_runtime(directory, f"import-{run}.db")
            try:
                imports.append(timed(lambda: import_file(runtime, "clients", path, by=SYSTEM)))  # noqa: B023
            finally:
                runtime.close()
            print(f"run {run + 1}: column step {step[-1] * 1000:.1f} ms, headers {headers[-1] * 1000:.1f} ms, "
                  f"import {imports[-1]:.2f} s")
    print(f"{args.rows:,} rows, {size / 2**20:.0f} MiB; medians: column step "
          f"{median(step) * 1000:.1f} ms, headers {median(headers) * 1000:.1f} ms, import {median(imports):.2f} s")
    print(f"column step / import = {median(step) / median(imports):.5f}; "
          f"headers / import = {median(headers) / median(imports):.5f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
