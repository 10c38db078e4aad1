"""The demo firm's service catalogue (servicescape.demo.catalogue): its demo step."""

from __future__ import annotations

from sqlalchemy import select

from servicescape.demo import catalogue
from servicescape.demo.roster import package_rows
from servicescape.demo.steps import DemoRun, next_ids, table


def load_catalogue(run: DemoRun) -> None:
    """Insert the catalogue's missing packages; packages already there (same name) are kept."""
    packages = table("service_package")
    names = [p.name for p in catalogue.packages()]
    with run.runtime.transaction() as session:
        connection = session.connection()
        known = {name: package_id for name, package_id in connection.execute(
            select(packages.c.name, packages.c.id).where(packages.c.name.in_(names)))}
        next_id = next_ids(connection, ("service_package",))["service_package"]
        ids: dict[str, int] = {}
        for name in names:
            if name in known:
                ids[name] = known[name]
            else:
                ids[name], next_id = next_id, next_id + 1
        run.insert(connection, "service_package",
                   [row for row in package_rows(ids, run.spec.today) if row["name"] not in known])
    run.ids["packages"] = ids
