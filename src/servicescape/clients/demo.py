"""The demo firm's client book (servicescape.demo.generator): its demo step."""

from __future__ import annotations

from servicescape.clients import name_keys
from servicescape.demo.generator import TABLES, DemoGenerator
from servicescape.demo.steps import DemoRun, next_ids

#: a larger page cache while loading: the indexes outgrow SQLite's default 2 MB quickly
SQLITE_CACHE = "PRAGMA cache_size=-262144"


def load_client_book(run: DemoRun) -> None:
    """Clients with their contacts, engagements, invoices and interactions, one transaction per batch."""
    with run.runtime.transaction() as session:
        first_ids = next_ids(session.connection(), TABLES)
    generator = DemoGenerator(run.spec, staff_ids=run.ids["staff"], package_ids=run.ids["packages"],
                              first_ids=first_ids, level_ids=run.ids.get("levels"))
    done = 0
    for batch in generator.batches(run.batch_clients):
        with run.runtime.transaction() as session:
            connection = session.connection()
            if connection.dialect.name == "sqlite":
                connection.exec_driver_sql(SQLITE_CACHE)
            language = name_keys.collation(connection)
            for client in batch["client"]:
                client.update(name_keys.keys_for(client, language))
            for name in (*TABLES, "engagement_level"):   # the level each engagement was sold at
                run.insert(connection, name, batch[name])
        done += len(batch["client"])
        if run.on_progress is not None:
            run.on_progress(done)
