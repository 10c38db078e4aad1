"""How clients are sorted by name and found by search: two stored columns kept with every write.

- ``sort_key``: the ICU collation key of the name in the firm's language (``default_language``),
  so that an index orders names as that language does (``Ábel`` with the A's; in Hungarian ``Cs``
  after ``C``), the same on SQLite and PostgreSQL (both compare the bytes).
- ``search_text``: the name, e-mail, external id and city, case-folded and without accents,
  indexed for substring search: an FTS5 trigram table on SQLite (``client_search``, kept by
  triggers), a ``pg_trgm`` GIN index on PostgreSQL (both made by migration 0005).

The ORM fills both on every insert and update of a client (the listeners below); bulk writers
that use Core either fill them (the demo: ``keys_for``) or leave ``sort_key`` NULL on the rows
they write and call ``refresh`` before their transaction ends (the importer). The firm's language
travels with the engine as the execution option ``collation`` (``db.engine.make_engine``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from functools import cache
from typing import Any

import icu
from sqlalchemy import Connection, Table, bindparam, select, text, update

#: the engine execution option naming the language whose collation orders names
COLLATION_OPTION = "collation"
DEFAULT_COLLATION = "en"
#: the columns ``search_text`` is made of (what the client list's search looks in)
SEARCHED = ("name", "email", "external_id", "city")
#: the derived columns: kept by this module, never typed, not recorded in the audit trail
DERIVED = ("sort_key", "search_text")
REFRESH_BATCH = 5_000


@cache
def _collator(language: str) -> Any:
    # "zh-Hans" → pinyin order, "zh-Hant" → stroke order, "hu" → Hungarian (cs, gy, ö …)
    locale = icu.Locale.forLanguageTag(language)
    return icu.Collator.createInstance(locale)


def sort_key(name: str, language: str = DEFAULT_COLLATION) -> bytes:
    """The bytes that order ``name`` among others as ``language`` sorts names."""
    return bytes(_collator(language).getSortKey(name))


@cache
def _first_level(language: str) -> Any:
    collator = icu.Collator.createInstance(icu.Locale.forLanguageTag(language))
    collator.setStrength(icu.Collator.PRIMARY)
    return collator


def primary_prefix(text: str, language: str = DEFAULT_COLLATION) -> bytes:
    """The first-level (letters only: no accents, no case) weights of ``text``: every name that
    begins with ``text`` so compared has a ``sort_key`` that begins with these bytes."""
    return bytes(_first_level(language).getSortKey(text)).rstrip(b"\x00")


@cache
def _combining_marks() -> dict[int, None]:
    """Every character that combines with the one before (all lie below U+20000), for str.translate."""
    return dict.fromkeys(code for code in range(0x20000) if unicodedata.combining(chr(code)))


def fold(text: str) -> str:
    """Case-folded, without accents or other combining marks: what search compares."""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKD", text.casefold()).translate(_combining_marks())


def search_text(values: Mapping[Any, Any]) -> str:
    """The searched fields of a client, folded, one per line (a search never spans two)."""
    return "\n".join(fold(str(value)) for name in SEARCHED if (value := values.get(name)))


def keys_for(values: Mapping[Any, Any], language: str) -> dict[str, Any]:
    """The derived columns of a client with these ``values``."""
    return {"sort_key": sort_key(values.get("name") or "", language), "search_text": search_text(values)}


def collation(connection: Connection) -> str:
    """The language whose collation this connection's engine orders names by."""
    language = connection.get_execution_options().get(COLLATION_OPTION)
    return language if isinstance(language, str) else DEFAULT_COLLATION


def refresh(connection: Connection) -> int:
    """Fill the derived columns of the clients whose ``sort_key`` is NULL (written by a Core
    statement that left them out); how many were filled. Uses the (sort_key, id) index to find them."""
    from servicescape.clients.models import Client

    table = Client.__table__
    assert isinstance(table, Table)
    language = collation(connection)
    columns = [table.c.id, *(table.c[name] for name in SEARCHED)]
    statement = (update(table).where(table.c.id == bindparam("_id"))
                 .values(sort_key=bindparam("_sort_key"), search_text=bindparam("_search_text")))
    done = 0
    while True:
        rows = connection.execute(select(*columns).where(table.c.sort_key.is_(None))
                                  .order_by(table.c.id).limit(REFRESH_BATCH)).all()
        if not rows:
            return done
        changes = []
        for row in rows:
            values = row._mapping
            keys = keys_for(values, language)
            changes.append({"_id": values["id"], "_sort_key": keys["sort_key"],
                            "_search_text": keys["search_text"]})
        connection.execute(statement, changes)
        done += len(changes)


def follow_collation(connection: Connection) -> int:
    """When the firm's language (the engine's ``collation``) differs from the one the stored sort
    keys were made in (``client_search_collation``, migration 0006), make every client's key again,
    in batches, and note the language; how many clients were keyed again. Run when the database is
    opened (``Capability.on_open``): before a server's workers start, so the list never mixes two
    orders."""
    from servicescape.clients.models import Client

    language = collation(connection)
    stored = connection.execute(text("SELECT language FROM client_search_collation WHERE id = 1")).scalar()
    if stored == language:
        return 0
    table = Client.__table__
    assert isinstance(table, Table)
    statement = update(table).where(table.c.id == bindparam("_id")).values(sort_key=bindparam("_sort_key"))
    done = last = 0
    while rows := connection.execute(select(table.c.id, table.c.name).where(table.c.id > last)
                                     .order_by(table.c.id).limit(REFRESH_BATCH)).all():
        connection.execute(statement, [{"_id": row.id, "_sort_key": sort_key(row.name or "", language)}
                                       for row in rows])
        done += len(rows)
        last = rows[-1].id
    connection.execute(text("DELETE FROM client_search_collation"))
    connection.execute(text("INSERT INTO client_search_collation (id, language) VALUES (1, :language)"),
                       {"language": language})
    return done


def refresh_erased(session: Any, _keys: list[tuple[Any, ...]]) -> None:
    """After a data-protection erase renamed clients (their sort_key left NULL): their keys again."""
    refresh(session.connection())
