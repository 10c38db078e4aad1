"""Big files are converted in a second process while this one writes: same results, same errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from servicescape.clients import importing
from servicescape.clients.models import Client
from servicescape.errors import ImportFailed
from servicescape.runtime import Runtime
from tests.integration.importing.conftest import CORPUS, rows, run, write_csv


def test_the_second_process_gives_the_same_report_and_rows(runtime: Runtime, staff: dict[str, int],
                                                           tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", ["Id", "Name", "Country", "Owner", "Seats"],
                     [[f"K-{n}", f"Client {n % 7}", "Atlantis" if n % 5 == 0 else "MY", "Li Na", str(n)]
                      for n in range(40)])
    alone = run(runtime, "clients", path, batch_size=6, parallel=False, dry_run=True)
    together = run(runtime, "clients", path, batch_size=6, parallel=True, rejects_path=tmp_path / "r.csv")
    assert together.to_dict() == alone.to_dict() == {"read": 40, "imported": 32, "updated": 0, "rejected": 8,
                                                     "warnings": 0}
    assert together.rejects == alone.rejects and together.batches == 7
    assert len(rows(runtime, Client, "id")) == 32


def test_a_file_breaking_midway_in_the_second_process(runtime: Runtime) -> None:
    with pytest.raises(ImportFailed, match="line 5") as failed:
        run(runtime, "clients", CORPUS / "clients_stray_quote.csv", batch_size=2, parallel=True)
    assert failed.value.details["imported"] == 3


def test_big_files_go_to_the_second_process(runtime: Runtime, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    used = []
    original = importing.converted_elsewhere

    def spy(*args):  # type: ignore[no-untyped-def]
        used.append(True)
        return original(*args)

    monkeypatch.setattr(importing, "converted_elsewhere", spy)
    monkeypatch.setattr(importing, "PARALLEL_BYTES", 100)
    path = write_csv(tmp_path / "c.csv", ["Name"], [[f"Client {n}"] for n in range(30)])
    assert run(runtime, "clients", path, batch_size=10).imported == 30
    assert used == [True]
