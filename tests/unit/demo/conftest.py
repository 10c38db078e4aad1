"""The default demo (300 clients, the default seed), generated once for the package, without a database."""

from __future__ import annotations

from datetime import date

import pytest

from servicescape.demo.generator import TABLES, DemoGenerator, DemoSpec
from servicescape.demo.roster import Row, sequential_ids

TODAY = date(2026, 11, 20)


def generate(spec: DemoSpec, batch: int = 1000) -> dict[str, list[Row]]:
    staff_ids, package_ids = sequential_ids()
    rows: dict[str, list[Row]] = {table: [] for table in TABLES}
    for part in DemoGenerator(spec, staff_ids=staff_ids, package_ids=package_ids).batches(batch):
        for table in TABLES:
            rows[table].extend(part[table])
    return rows


@pytest.fixture(scope="package")
def book() -> dict[str, list[Row]]:
    return generate(DemoSpec(today=TODAY))
