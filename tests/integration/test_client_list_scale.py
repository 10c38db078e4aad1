"""The client list at scale (migration 0005): names in the firm's collation, search through a trigram
index without accents, stable orders for every sort, the keys kept by every writer, and the
migration filling them for the clients already there. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, column, insert, select, table, text
from sqlalchemy.orm import Session

from servicescape.auth.permissions import SYSTEM
from servicescape.clients import listing, name_keys, search_index, service
from servicescape.clients.listing import CLIENT_SORTS, ClientFilters, list_clients
from servicescape.clients.models import Client
from servicescape.config import Settings
from servicescape.db import migrate
from servicescape.db.engine import make_engine
from servicescape.runtime import Runtime, open_runtime
from tests.integration.importing.conftest import run as run_import
from tests.integration.importing.conftest import write_csv
from tests.support.postgres import PostgresCluster

HUNGARIAN_NAMES = ["Zsolt és Társa Kft.", "Ábel Kft.", "Abel Kft.", "Csaba Kft.", "Czuczor Bt.", "Borsod Kft.",
                   "Öböl Kft.", "Ozora Bt."]


def _add(runtime: Runtime, *names: str, **fields: object) -> list[int]:
    with runtime.transaction() as session:
        return [service.clients.create(session, {"name": name, **fields}, by=SYSTEM).id for name in names]


def _names(runtime: Runtime, **filters: object) -> list[str]:
    with runtime.transaction() as session:
        return [row.name for row in list_clients(session, ClientFilters(**filters), per_page=500, by=SYSTEM).items]


@pytest.fixture
def hungarian(settings: Settings) -> Iterator[Runtime]:
    """The same database as ``runtime``, for a firm whose language is Hungarian."""
    runtime = open_runtime(settings.model_copy(update={"default_language": "hu"}), upgrade=False)
    yield runtime
    runtime.close()


def test_names_sort_in_the_firms_language(hungarian: Runtime) -> None:
    """Accented letters sort with their letters (Á with A); Hungarian's own letters (cs after c,
    ö after o) in their places; descending is the exact reverse."""
    _add(hungarian, *HUNGARIAN_NAMES)
    expected = ["Abel Kft.", "Ábel Kft.", "Borsod Kft.", "Czuczor Bt.", "Csaba Kft.", "Ozora Bt.", "Öböl Kft.",
                "Zsolt és Társa Kft."]
    assert _names(hungarian) == expected
    assert _names(hungarian, descending=True) == expected[::-1]


def test_an_english_firm_sorts_by_the_root_collation(runtime: Runtime) -> None:
    _add(runtime, *HUNGARIAN_NAMES)
    assert _names(runtime) == ["Abel Kft.", "Ábel Kft.", "Borsod Kft.", "Csaba Kft.", "Czuczor Bt.", "Öböl Kft.",
                               "Ozora Bt.", "Zsolt és Társa Kft."]


def test_search_ignores_accents_and_case_in_every_searched_field(runtime: Runtime) -> None:
    _add(runtime, "Árvíztűrő Tükörfúrógép Kft.", city="Győr", email="Iroda@Arviz.example")
    _add(runtime, "Kovács és Társa", external_id="HU-0042")
    _add(runtime, "Σταύρος Παπαδόπουλος")
    for q in ("arvizturo", "ÁRVÍZTŰRŐ", "tukorfurogep kft", "gyor", "GYŐR", "iroda@arviz"):
        assert _names(runtime, q=q) == ["Árvíztűrő Tükörfúrógép Kft."], q
    assert _names(runtime, q="kovacs es") == ["Kovács és Társa"]
    assert _names(runtime, q="hu-004") == ["Kovács és Társa"]
    assert _names(runtime, q="σταυρος") == ["Σταύρος Παπαδόπουλος"]
    assert _names(runtime, q="nowhere") == []


def test_one_or_two_letters_find_names_that_begin_with_them(runtime: Runtime) -> None:
    _add(runtime, "Ábel Kft.", "Abacus Kft.", "Kabát Kft.", "Bárány Bt.")
    assert _names(runtime, q="ab") == ["Abacus Kft.", "Ábel Kft."]
    assert _names(runtime, q="Á") == ["Abacus Kft.", "Ábel Kft."]
    assert _names(runtime, q="k") == ["Kabát Kft."]


def test_search_reads_the_trigram_index(runtime: Runtime) -> None:
    """SQLite answers from the FTS5 table (a row missing there is not found); PostgreSQL's plan
    uses the pg_trgm index."""
    _add(runtime, "Árvíztűrő Tükörfúrógép Kft.", "Kovács és Társa")
    with runtime.transaction() as session:
        query = listing._Listing(session, ClientFilters(q="tükörfúró")).ids().order_by(None)
        if session.get_bind().dialect.name == "sqlite":
            plan = " ".join(str(row) for row in session.execute(text(f"EXPLAIN QUERY PLAN {_sql(session, query)}")))
            assert "client_search VIRTUAL TABLE" in plan
            session.execute(text("INSERT INTO client_search(client_search) VALUES ('delete-all')"))
            assert session.scalars(query).all() == []  # only the index answers
        else:
            session.execute(text("SET LOCAL enable_seqscan = off"))
            plan = " ".join(row[0] for row in session.execute(text(f"EXPLAIN {_sql(session, query)}")))
            assert "client_search_trgm" in plan


def _sql(session: Session, query: object) -> str:
    compiled = query.compile(dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True})  # type: ignore[attr-defined]
    return str(compiled)


@pytest.mark.parametrize("sort", sorted(CLIENT_SORTS))
@pytest.mark.parametrize("descending", [False, True])
def test_every_sort_is_stable_across_pages(runtime: Runtime, sort: str, descending: bool) -> None:
    """Clients equal in the sorted column (and in name) come in id order; paging through, pages
    past the middle read from the other end, gives each client once, in the same order as one page."""
    ids = _add(runtime, *["Same Name Kft."] * 5, "Other Bt.", country="HU", segment="Legal", tier="key")
    ids += _add(runtime, *["Same Name Kft."] * 2, country="MY", tier="growth")
    filters = ClientFilters(sort=sort, descending=descending)
    with runtime.transaction() as session:
        whole = [row.id for row in list_clients(session, filters, per_page=100, by=SYSTEM).items]
        paged = [row.id for page in range(1, 5)
                 for row in list_clients(session, filters, page=page, per_page=2, by=SYSTEM).items]
    assert sorted(whole) == sorted(ids) and paged == whole
    same = [client_id for client_id in whole if client_id in ids[:5]]
    assert same == sorted(same, reverse=descending)  # equal names and columns: by id


@pytest.mark.parametrize("sort", sorted(CLIENT_SORTS))
@pytest.mark.parametrize("descending", [False, True])
def test_deep_pages_from_an_anchor_are_the_pages_an_offset_gives(runtime: Runtime, monkeypatch: pytest.MonkeyPatch,
                                                                 sort: str, descending: bool) -> None:
    """A deep page starts after a remembered row (``ANCHOR_EVERY``, made small here): every page,
    near either end, with ties in every sorted column, after a write, is the page the plain
    OFFSET gives, filtered or not."""
    monkeypatch.setattr(listing, "ANCHOR_EVERY", 4)
    _add(runtime, *[f"Name {n % 7}" for n in range(23)], tier="key", country="HU")
    _add(runtime, *[f"Name {n % 5}" for n in range(14)], tier="growth", segment="Legal")
    for tier in (None, "key"):
        filters = ClientFilters(sort=sort, descending=descending, tier=tier)
        for _round in range(2):
            with runtime.transaction() as session:
                whole = [row.id for row in list_clients(session, filters, per_page=100, by=SYSTEM).items]
                paged = [row.id for page in range(1, 14)
                         for row in list_clients(session, filters, page=page, per_page=3, by=SYSTEM).items]
            assert paged == whole
            _add(runtime, "Name 3", tier="key")  # a write: the anchors of the last version are not used


def test_a_page_past_the_last_is_the_last_on_pages_and_empty_in_the_api(runtime: Runtime) -> None:
    _add(runtime, "Alpha Kft.", "Beta Kft.", "Gamma Kft.")
    with runtime.transaction() as session:
        clamped = list_clients(session, ClientFilters(), page=99, per_page=2, clamp=True, by=SYSTEM)
        assert (clamped.page, [row.name for row in clamped.items]) == (2, ["Gamma Kft."])
        assert list_clients(session, ClientFilters(), page=99, per_page=2, by=SYSTEM).items == []


def test_totals_follow_every_write(runtime: Runtime) -> None:
    """Totals are kept per data version: a write (or a rolled back one) never leaves a stale count."""
    _add(runtime, "Alpha Kft.")
    with runtime.transaction() as session:
        assert list_clients(session, ClientFilters(q="kft"), by=SYSTEM).total == 1
    with pytest.raises(RuntimeError), runtime.transaction() as session:
        service.clients.create(session, {"name": "Rolled Back Kft."}, by=SYSTEM)
        assert list_clients(session, ClientFilters(q="kft"), by=SYSTEM).total == 2
        raise RuntimeError("roll back")
    _add(runtime, "Beta Bt.")
    with runtime.transaction() as session:
        assert list_clients(session, ClientFilters(q="kft"), by=SYSTEM).total == 1
        assert list_clients(session, ClientFilters(), by=SYSTEM).total == 2


def test_renaming_a_client_moves_it_in_the_order_and_the_search(runtime: Runtime) -> None:
    [client_id] = _add(runtime, "Zeta Kft.")
    _add(runtime, "Mid Bt.")
    with runtime.transaction() as session:
        service.clients.update(session, service.clients.get(session, client_id, by=SYSTEM),
                               {"name": "Alfa Kft."}, by=SYSTEM)
    assert _names(runtime) == ["Alfa Kft.", "Mid Bt."]
    assert _names(runtime, q="zeta") == [] and _names(runtime, q="alfa") == ["Alfa Kft."]


def test_imports_keep_the_keys_on_insert_and_update(runtime: Runtime, tmp_path: Path) -> None:
    first = write_csv(tmp_path / "first.csv", ["External ID", "Name", "City"],
                      [["X-1", "Ödön Kft.", "Pécs"], ["X-2", "Ábrahám Bt.", "Eger"]])
    assert run_import(runtime, "clients", first).imported == 2
    assert _names(runtime) == ["Ábrahám Bt.", "Ödön Kft."] and _names(runtime, q="pecs") == ["Ödön Kft."]
    renamed = write_csv(tmp_path / "renamed.csv", ["External ID", "Name", "City"],
                        [["X-1", "Zoltán Kft.", "Szeged"]])
    assert run_import(runtime, "clients", renamed).updated == 1
    assert _names(runtime) == ["Ábrahám Bt.", "Zoltán Kft."]
    assert _names(runtime, q="pecs") == [] and _names(runtime, q="szeged") == ["Zoltán Kft."]
    with runtime.transaction() as session:
        assert session.scalar(select(Client.id).where(Client.sort_key.is_(None))) is None


def test_the_audit_trail_leaves_the_derived_keys_out(runtime: Runtime) -> None:
    from servicescape.audit.models import AuditEvent

    _add(runtime, "Alpha Kft.")
    with runtime.transaction() as session:
        changes = session.scalar(select(AuditEvent.changes).where(AuditEvent.entity == "client"))
    assert changes is not None and changes["name"] == "Alpha Kft."
    assert not set(name_keys.DERIVED) & set(changes)


@pytest.fixture
def at_0004(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> Iterator[Engine]:
    """A new database migrated to 0004 (before the keys), in Hungarian."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        cluster: PostgresCluster = request.getfixturevalue("pg_cluster")
        cluster.drop_database("before_0005")
        url = cluster.create_database("before_0005")
    engine = make_engine(url, collation="hu")
    migrate.upgrade(engine, "0004")
    yield engine
    engine.dispose()
    if backend != "sqlite":
        request.getfixturevalue("pg_cluster").drop_database("before_0005")


def test_the_migration_fills_the_keys_of_existing_clients(at_0004: Engine) -> None:
    now = datetime.now(UTC)
    stored = table("client", *(column(name) for name in ("name", "kind", "tier", "status", "city", "custom_fields",
                                                          "created_at", "updated_at")))
    with at_0004.begin() as connection:
        connection.execute(insert(stored), [
            {"name": name, "kind": "organisation", "tier": "standard", "status": "active", "custom_fields": "{}",
             "city": "Győr" if name.startswith("Ö") else None, "created_at": now, "updated_at": now}
            for name in HUNGARIAN_NAMES])
    migrate.upgrade(at_0004)
    assert migrate.pending_differences(at_0004) == []
    with Session(at_0004) as session, session.begin():
        assert session.scalar(select(Client.id).where(Client.sort_key.is_(None))) is None
        ordered = [row.name for row in list_clients(session, ClientFilters(), per_page=50, by=SYSTEM).items]
        found = [row.name for row in list_clients(session, ClientFilters(q="gyor"), by=SYSTEM).items]
    assert ordered[:4] == ["Abel Kft.", "Ábel Kft.", "Borsod Kft.", "Czuczor Bt."]
    assert found == ["Öböl Kft."]


def test_a_search_matching_most_clients_pages_the_same_way(runtime: Runtime) -> None:
    """On SQLite a search matching most clients is tested along the name index instead of fetched
    from the trigram index; either way the pages and the total are the same."""
    names = [f"Társ {n:02d} Kft." for n in range(60)]
    _add(runtime, *reversed(names), "Other Bt.")
    with runtime.transaction() as session:
        page = list_clients(session, ClientFilters(q="kft"), page=2, per_page=25, by=SYSTEM)
        few = list_clients(session, ClientFilters(q="tars 0"), by=SYSTEM)
    assert page.total == 60 and [row.name for row in page.items] == names[25:50]
    assert [row.name for row in few.items] == names[:10]


def _search_index_is_whole(session: Session) -> None:
    """FTS5's own check of an external-content index against the client table, and no pause left."""
    session.execute(text("INSERT INTO client_search(client_search, rank) VALUES ('integrity-check', 1)"))
    assert session.scalar(text("SELECT count(*) FROM client_search_paused")) == 0


def test_an_import_indexes_its_new_clients_at_once_and_the_trigger_goes_on(runtime: Runtime, tmp_path: Path) -> None:
    """The importer pauses the insert trigger in its own transaction (``search_index.bulk_insert``):
    its clients are all found, the index matches the table, and a client added afterwards one by
    one is indexed by the trigger again."""
    if runtime.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's pg_trgm index is kept by PostgreSQL")
    rows = [[f"B-{n}", f"Bulk Client {n:04d}", "Debrecen" if n % 2 else "Győr"] for n in range(1200)]
    report = run_import(runtime, "clients", write_csv(tmp_path / "many.csv", ["External ID", "Name", "City"], rows),
                        batch_size=500)
    assert report.imported == 1200
    with runtime.transaction() as session:
        for city in ("debrecen", "gyor"):
            assert list_clients(session, ClientFilters(q=city), by=SYSTEM).total == 600
    _add(runtime, "Late Arrival Kft.", city="Sopron")
    assert _names(runtime, q="sopron") == ["Late Arrival Kft."]
    with runtime.transaction() as session:
        _search_index_is_whole(session)


def test_a_bulk_writer_that_meets_an_error_and_goes_on_leaves_no_client_unindexed(runtime: Runtime) -> None:
    if runtime.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's pg_trgm index is kept by PostgreSQL")
    with runtime.transaction() as session:
        connection = session.connection()
        with pytest.raises(RuntimeError), search_index.bulk_insert(connection):
            connection.execute(insert(Client.__table__).values(name="Kept Bt.", sort_key=name_keys.sort_key("Kept Bt."),
                                                               search_text="kept bt."))
            raise RuntimeError("a row the writer refuses after the insert")
    assert _names(runtime, q="kept") == ["Kept Bt."]
    with runtime.transaction() as session:
        _search_index_is_whole(session)


def test_a_change_of_the_firms_language_sorts_the_names_again(runtime: Runtime, settings: Settings) -> None:
    """The keys follow the firm's language: opening the database in another language makes them
    again (``name_keys.follow_collation``), and notes the language."""
    _add(runtime, *HUNGARIAN_NAMES)
    english = _names(runtime)
    assert english.index("Csaba Kft.") < english.index("Czuczor Bt.")  # the root order: cs before cz
    for language, first_c in (("hu", "Czuczor Bt."), ("en", "Csaba Kft.")):
        reopened = open_runtime(settings.model_copy(update={"default_language": language}))
        try:
            names = _names(reopened)
            assert names[names.index("Borsod Kft.") + 1] == first_c  # in Hungarian cs is a letter after c
            with reopened.transaction() as session:
                assert session.scalar(text("SELECT language FROM client_search_collation")) == language
                assert session.scalar(select(Client.id).where(Client.sort_key.is_(None))) is None
        finally:
            reopened.close()
