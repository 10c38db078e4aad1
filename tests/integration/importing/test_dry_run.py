"""A dry run (``import_dry_run``) reports what the real run then does, writes nothing, and never
stands in another writer's way."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import text

from servicescape.clients import import_batches
from servicescape.clients.import_columns import RowBatch
from servicescape.db.engine import make_engine
from servicescape.runtime import Runtime
from tests.integration.importing.conftest import CORPUS, run, write_csv
from tests.integration.importing.test_batch_paths import HEADERS, _book, _reset, stored_and_file
from tests.integration.importing.test_corpus import RELATED_FILES


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=stored_and_file())
def test_a_dry_run_reports_what_the_real_run_then_does(runtime: Runtime, tmp_path: Path,
                                                       case: tuple[list[dict[str, Any]], list[list[str]], int]) -> None:
    stored, file_rows, batch_size = case
    path = write_csv(tmp_path / "c.csv", HEADERS, file_rows)
    _reset(runtime, stored)
    before = _book(runtime)
    checked = run(runtime, "clients", path, batch_size=batch_size, dry_run=True)
    assert _book(runtime) == before
    real = run(runtime, "clients", path, batch_size=batch_size)
    assert (checked.to_dict(), checked.rejects, checked.warning_messages) == \
        (real.to_dict(), real.rejects, real.warning_messages)


@pytest.mark.parametrize(("name", "kind", "sheet"), [(name, kind, sheet) for name, kind, sheet, *_ in RELATED_FILES])
def test_related_kinds_a_row_at_a_time(runtime: Runtime, book: dict[str, int], tmp_path: Path, name: str, kind: str,
                                       sheet: str | None) -> None:
    """Each record twice, a row per batch: the second finds the first through the dry run's copy."""
    path = CORPUS / name
    if sheet is None:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            lines = list(csv.reader(handle))
        path = write_csv(tmp_path / name, lines[0], [row for row in lines[1:] for _twice in (1, 2)])
    outcomes = []
    for _first_then_again in (1, 2):
        checked = run(runtime, kind, path, sheet=sheet, batch_size=1, dry_run=True)
        real = run(runtime, kind, path, sheet=sheet, batch_size=1)
        assert (checked.to_dict(), checked.rejects) == (real.to_dict(), real.rejects)
        outcomes.append(real.to_dict())
    assert outcomes[0]["imported"] > 0 and outcomes[1]["imported"] == 0, outcomes


def test_other_writers_are_never_held_up_by_a_dry_run(runtime: Runtime, staff: dict[str, int], db_url: str,
                                                      backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another connection changes the very clients the dry run updates, in the middle of each of
    its batches, and waits a fifth of a second at most."""
    run(runtime, "clients", CORPUS / "hubspot_companies.csv")
    other = make_engine(db_url)
    changed: list[int] = []
    write = import_batches.BatchWriter.write

    def write_then_another_writer(self: import_batches.BatchWriter, conn: Any, batch: RowBatch, now: datetime) -> Any:
        outcome = write(self, conn, batch, now)
        with other.connect() as connection:
            wait = "PRAGMA busy_timeout=200" if backend == "sqlite" else "SET lock_timeout = '200ms'"
            connection.execute(text(wait))
            changed.append(connection.execute(text("UPDATE client SET city = 'Ipoh'")).rowcount)
            connection.commit()
        return outcome

    monkeypatch.setattr(import_batches.BatchWriter, "write", write_then_another_writer)
    try:
        report = run(runtime, "clients", CORPUS / "hubspot_companies.csv", dry_run=True, batch_size=3)
    finally:
        other.dispose()
    assert report.updated == 8 and changed == [8, 8, 8]
