"""Writing one batch of parsed rows: find what already exists with a few IN-queries on indexed
columns, then insert the new rows and update the matched ones with executemany (Core, no
per-row ORM objects, no per-row queries).

Matching (documented in ``importing.py``):

* clients: external id, then e-mail (case-insensitive), then name + country (name alone when
  the file has no country column);
* contacts: external id, then (client, e-mail), then (client, name);
* engagements: external id, then (client, package, description, start date);
* invoices: external id, then (client, issue date, amount, currency);
* interactions: external id, then (client, time, channel, summary).

A row whose external id is not found may match by the other keys only a record that has no
external id (it never re-keys a record another system identifies differently). Earlier rows of
the same batch take part like stored ones, so a key repeated in a file updates the row the
first occurrence made.

A batch of clients that is all new or all known by external id is written at once, column by
column (``import_at_once``); every other batch row by row, here. Both end the same (a property
test compares them). A dry run writes the same way into a private copy of the table
(``import_dry_run``): every look-up of the kind's own table goes through ``BatchWriter._stored``,
which has the copy fetch what the stored table holds first.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Connection, Select, Table, bindparam, func, select

from servicescape.clients import name_keys, search_index
from servicescape.clients.import_at_once import plan_at_once
from servicescape.clients.import_columns import ParsedRow, RowBatch
from servicescape.clients.import_statements import BulkStatements
from servicescape.clients.import_targets import (
    Ambiguous,
    BatchOutcome,
    ColumnWrites,
    Index,
    Stored,
    Target,
    add,
    eligible,
)
from servicescape.clients.models import Client, Contact, Engagement, Interaction, Invoice
from servicescape.clients.rules import RULES, RuleBroken
from servicescape.i18n import _

if TYPE_CHECKING:
    from servicescape.clients.import_dry_run import DryRunTable

IN_CHUNK = 2000
DEFAULTS: dict[str, dict[str, Any]] = {
    "clients": {"kind": "organisation", "tier": "standard", "status": "active"},
    "engagements": {"status": "active"},
    "interactions": {"channel": "other"},
}
MODELS: dict[str, Any] = {
    "clients": Client, "contacts": Contact, "engagements": Engagement, "invoices": Invoice,
    "interactions": Interaction,
}


def _chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    items = list(values)
    for start in range(0, len(items), IN_CHUNK):
        yield items[start:start + IN_CHUNK]


def in_lookup(query: Select[Any], column: ColumnElement[Any], dialect: str) -> Select[Any]:
    """``query`` for the rows whose ``column`` is one of the values bound as ``in_values``, looked up
    in its index. SQLite gets the values as one JSON array (``IN (SELECT value FROM json_each(?))``):
    binding thousands of separate parameters cost more than the look-ups themselves. Built once
    and executed batch after batch (a statement built per batch left garbage for the collector)."""
    if dialect == "sqlite":
        keys = func.json_each(bindparam("in_values")).table_valued("value")
        return query.where(column.in_(select(keys.c.value)))
    return query.where(column.in_(bindparam("in_values", expanding=True)))


def in_values(conn: Connection, values: Iterable[Any]) -> Iterator[dict[str, Any]]:
    """The parameters to execute a statement from ``in_lookup`` with, once each, for ``values``."""
    items = list(values)
    if not items:
        return
    if conn.dialect.name == "sqlite":
        yield {"in_values": json.dumps(items, ensure_ascii=False)}
        return
    for chunk in _chunks(items):
        yield {"in_values": chunk}


def _select_in(conn: Connection, statement: Select[Any], values: Iterable[Any]) -> list[Any]:
    """The rows ``statement`` (from ``in_lookup``) finds for ``values``."""
    return [row for params in in_values(conn, values) for row in conn.execute(statement, params).all()]


class BatchWriter:
    """Matches and writes the batches of one import; ``write`` runs inside the caller's transaction."""

    def __init__(self, kind: str, *, match_country: bool, custom_fields: bool = False,
                 describe: Callable[[RuleBroken], str] = RuleBroken.describe) -> None:
        """``custom_fields``: the file has custom-field columns (clients; stored ones are merged);
        ``describe`` words a broken rule as a reject reason (the reader's: it names the file's columns)."""
        self.kind = kind
        self.custom_fields = custom_fields and kind == "clients"
        self.describe = describe
        self.create_rules = RULES[kind].on_create
        self.table: Table = MODELS[kind].__table__
        self.match_country = match_country
        self.insert_columns = [c.name for c in self.table.columns if c.name != "id"]
        #: clients: lower-cased e-mail → the other spellings stored (``Office@Tan.example``), so
        #: that matching is case-insensitive and still looks addresses up in the e-mail index
        self.spellings: dict[str, set[str]] | None = None
        self.statements: BulkStatements | None = None
        self.lookups: dict[str, Select[Any]] = {}
        #: a dry run's private copy of the table (``import_dry_run``); None in a real import
        self.dry_run: DryRunTable | None = None

    # -- the batch ------------------------------------------------------------------------------

    def write(self, conn: Connection, batch: RowBatch, now: datetime) -> BatchOutcome:
        """Write the batch: at once when every row is new or every row updates a client it names by
        external id (``import_at_once``), else row by row. Clients written get their sort and
        search keys (``name_keys``): new ones as they are inserted, changed ones before the batch's
        transaction ends."""
        outcome = self._write(conn, batch, now)
        if self.kind == "clients":
            name_keys.refresh(conn)
        return outcome

    def _write(self, conn: Connection, batch: RowBatch, now: datetime) -> BatchOutcome:
        found = None
        if self.kind == "clients" and not self.custom_fields and len(batch):
            planned = plan_at_once(self, conn, batch, now)
            if isinstance(planned, Stored):
                found = planned
            else:
                self._insert(conn, planned.inserts, now)
                self._update(conn, planned.updates, now)
                for email in planned.emails:
                    if email and email != email.lower():
                        self.remember_spelling(email)
                return planned.outcome
        return self.write_rows(conn, batch.rows(), now, found)

    def write_rows(self, conn: Connection, rows: list[ParsedRow], now: datetime,
                   found: Stored | None = None) -> BatchOutcome:
        """The general path: match and merge row by row (``found``: the stored records the rows may
        match, when already looked up)."""
        outcome = BatchOutcome()
        if self.kind != "clients":
            rows = self._resolve_clients(conn, rows, outcome)
        by_ext, natural = self._existing(conn, rows) if found is None else self._indexes(found)
        new: list[Target] = []
        changed: dict[int, Target] = {}
        for row in rows:
            ext = row.values.get("external_id")
            keys = self._keys(row.values)
            target = by_ext.get(ext) if ext else None
            if target is None:
                try:
                    target = self._natural_match(row, ext, natural, keys)
                except Ambiguous as exc:
                    outcome.rejected.append((row, str(exc)))
                    continue
            if target is None:
                problem = self._cannot_create(row)
                if problem:
                    outcome.rejected.append((row, problem))
                    continue
                target = Target(None, ext)
                target.adopt(row)
                new.append(target)
                outcome.imported += 1
            else:
                target.merge(row)
                outcome.updated += 1
                if target.id is not None:
                    changed[target.id] = target
            if target.ext:
                by_ext[target.ext] = target
            for index, key in zip(natural, keys, strict=True):
                if key is not None:
                    add(index, key, target)
        self._insert(conn, new, now)
        self._update(conn, list(changed.values()), now)
        if self.spellings is not None:
            for target in (*new, *changed.values()):
                self.remember_spelling(target.values.get("email"))
        return outcome

    def remember_spelling(self, email: str | None) -> None:
        if email and self.spellings is not None and email != email.lower():
            self.spellings.setdefault(email.lower(), set()).add(email)

    def _load_spellings(self, conn: Connection) -> dict[str, set[str]]:
        """The stored e-mail addresses that are not all lower case (usually few; one scan)."""
        if self.spellings is None:
            self.spellings = {}
            for (stored,) in self._scan(conn, lambda t: select(t.c.email).where(t.c.email != func.lower(t.c.email))
                                        .distinct()):
                self.remember_spelling(stored)
        return self.spellings

    def defaults(self, now: datetime) -> dict[str, Any]:
        """What a new record gets for a field its row leaves empty."""
        return {**DEFAULTS.get(self.kind, {}), "created_at": now}

    def may_create(self, record: Mapping[str, Any]) -> bool:
        try:
            for each in self.create_rules:
                each(record)
        except RuleBroken:
            return False
        return True

    def _cannot_create(self, row: ParsedRow) -> str | None:
        """Why the row cannot make a new record: a rule that holds on creation (``clients.rules``;
        the reader has applied the others)."""
        try:
            for each in self.create_rules:
                each(row.values)
        except RuleBroken as broken:
            return self.describe(broken)
        return None

    # -- clients of the related kinds ----------------------------------------------------------

    def _resolve_clients(self, conn: Connection, rows: list[ParsedRow], outcome: BatchOutcome) -> list[ParsedRow]:
        return resolve_clients(conn, rows, outcome, self._lookup)

    # -- matching --------------------------------------------------------------------------------

    def _keys(self, values: dict[str, Any]) -> list[Hashable | None]:
        """The row's natural keys, in the order they are tried (None: the row has no such key)."""
        kind, get = self.kind, values.get
        if kind == "clients":
            email = get("email")
            return [email.lower() if email else None, get("name")]
        client = get("client_id")
        if kind == "contacts":
            email = get("email")
            return [(client, email.lower()) if email else None, (client, get("name"))]
        if kind == "engagements":
            return [(client, get("package_id"), get("description"), get("start_date"))]
        if kind == "invoices":
            return [(client, get("issued_on"), get("amount"), get("currency"))]
        return [(client, get("occurred_at"), _plain(get("channel") or "other"), get("summary"))]

    def _natural_match(self, row: ParsedRow, ext: str | None, natural: list[Index],
                       keys: list[Hashable | None]) -> Target | None:
        for position, (index, key) in enumerate(zip(natural, keys, strict=True)):
            if key is None:
                continue
            candidates = index.get(key)
            if self.kind == "clients" and position == 1 and self.match_country and candidates is not None:
                country = row.values.get("country")
                listed = candidates if isinstance(candidates, list) else [candidates]
                candidates = [t for t in listed if t.country == country]
            found = eligible(candidates, ext)
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise Ambiguous(_("%(n)s stored records match this row by %(key)s; give an external id to "
                                  "say which.", n=len(found), key=self._key_name(position)))
        return None

    def _key_name(self, position: int) -> str:
        if self.kind in ("clients", "contacts"):
            return ("e-mail", "name")[position]
        return {"engagements": "client, package, description and start date",
                "invoices": "client, date, amount and currency",
                "interactions": "client, time, channel and summary"}[self.kind]

    def _existing(self, conn: Connection, rows: list[ParsedRow]) -> tuple[dict[str, Target], list[Index]]:
        """Stored records the batch's rows may match: by external id, and by natural keys."""
        exts: set[str] = {ext for row in rows if (ext := row.values.get("external_id")) is not None}
        by_ext = self.stored_by_ext(conn, exts)
        found = {data.external_id for data in by_ext}
        rest = [row for row in rows if row.values.get("external_id") not in found]
        return self._indexes(Stored(by_ext, list(self._candidates(conn, rest)) if rest else []))

    def stored_by_ext(self, conn: Connection, exts: Collection[str]) -> list[Any]:
        """The stored records with these external ids (id, external_id and what matching reads)."""
        t = self.table
        return self._stored(conn, "by ext", select(t.c.id, t.c.external_id, *self._extra()), t.c.external_id, exts)

    def _extra(self) -> list[Any]:
        t = self.table
        if self.kind != "clients":
            return []
        return [t.c.country, t.c.custom_fields] if self.custom_fields else [t.c.country]

    def _indexes(self, found: Stored) -> tuple[dict[str, Target], list[Index]]:
        """Targets for the stored records, by external id and by each natural key."""
        is_clients = self.kind == "clients"
        custom = self.custom_fields
        known: dict[int, Target] = {}

        def target(data: Any) -> Target:
            stored = known.get(data.id)
            if stored is None:
                stored = known[data.id] = Target(data.id, data.external_id, data.custom_fields if custom else None,
                                                 data.country if is_clients else None)
            return stored

        by_ext = {data.external_id: target(data) for data in found.by_ext}
        natural: list[Index] = [{} for _key in self._keys({})]
        for data in found.candidates:
            stored = target(data)
            for index, key in zip(natural, self._stored_keys(data), strict=True):
                if key is not None:
                    add(index, key, stored)
        return by_ext, natural

    def client_candidates(self, conn: Connection, exts: list[str | None], emails: list[str | None],
                          names: list[str]) -> list[Any]:
        """Stored clients that rows (not found by their external ids) may match by e-mail (in any
        case) or name. A row with an external id may match only a client that has none, so when no
        stored client lacks one, only the rows without an external id are looked up."""
        t = self.table
        if any(ext is not None for ext in exts) and self.all_keyed(conn):
            unkeyed = [position for position, ext in enumerate(exts) if ext is None]
            emails, names = [emails[i] for i in unkeyed], [names[i] for i in unkeyed]
        spellings = self._load_spellings(conn)
        lookup: set[str] = set()
        for email in emails:
            if email:
                lower = email.lower()
                lookup.update((email, lower), spellings.get(lower, ()))
        query = select(t.c.id, t.c.external_id, t.c.email, t.c.name, *self._extra())
        return [*self._stored(conn, "by email", query, t.c.email, lookup),
                *self._stored(conn, "by name", query, t.c.name, set(names))]

    def _stored(self, conn: Connection, purpose: str, query: Select[Any], column: ColumnElement[Any],
                values: Collection[Any], also: tuple[str, Collection[Any]] | None = None) -> list[Any]:
        """The rows of the kind's table that ``query`` finds by ``column`` among ``values`` (and, for
        ``also`` = (column, values), among those). A dry run first copies into its table what the
        stored table holds (``import_dry_run``)."""
        if self.dry_run is not None:
            self.dry_run.copy(conn, column.name, values, also)
        if also is not None:
            return _select_in(conn, in_lookup(query.where(self.table.c[also[0]].in_(also[1])), column,
                                              conn.dialect.name), values)
        return _select_in(conn, self._lookup(conn, purpose, query, column), values)

    def _scan(self, conn: Connection, query: Callable[[Table], Select[Any]]) -> list[Any]:
        """What ``query`` of the kind's table finds: in a dry run, in its copy and the stored table."""
        found = list(conn.execute(query(self.table)))
        if self.dry_run is not None:
            found += conn.execute(query(self.dry_run.stored)).all()
        return found

    def _lookup(self, conn: Connection, purpose: str, query: Select[Any], column: ColumnElement[Any]) -> Select[Any]:
        found = self.lookups.get(purpose)
        if found is None:
            found = self.lookups[purpose] = in_lookup(query, column, conn.dialect.name)
        return found

    def all_keyed(self, conn: Connection) -> bool:
        """Whether every stored record has an external id. (A dry run may say no where a real run
        says yes, when a record had none before the file gave it one: rows are then looked up by
        their natural keys that need not be, and match the same.)"""
        return not self._scan(conn, lambda t: select(t.c.id).where(t.c.external_id.is_(None)).limit(1))

    def _candidates(self, conn: Connection, rows: list[ParsedRow]) -> Iterator[Any]:
        t, kind = self.table, self.kind
        if kind == "clients":
            yield from self.client_candidates(conn, [row.values.get("external_id") for row in rows],
                                              [row.values.get("email") for row in rows],
                                              [row.values["name"] for row in rows])
            return
        columns = {"contacts": ("email", "name"),
                   "engagements": ("package_id", "description", "start_date"),
                   "invoices": ("issued_on", "amount", "currency"),
                   "interactions": ("occurred_at", "channel", "summary")}[kind]
        query = select(t.c.id, t.c.external_id, t.c.client_id, *(t.c[name] for name in columns))
        on = {"invoices": "issued_on", "interactions": "occurred_at"}.get(kind)
        also = None
        if on is not None:
            values = {row.values.get(on) for row in rows} - {None}
            if not values:
                return
            also = (on, values) if len(values) <= IN_CHUNK else None
        yield from self._stored(conn, "by client", query, t.c.client_id, {row.values["client_id"] for row in rows},
                                also)

    def _stored_keys(self, data: Any) -> list[Hashable | None]:
        values = dict(data._mapping)
        if "channel" in values:
            values["channel"] = _plain(values["channel"])
        return self._keys(values)

    # -- writing -------------------------------------------------------------------------------

    def statements_for(self, conn: Connection) -> BulkStatements:
        if self.statements is None:
            self.statements = BulkStatements(self.table, conn.dialect)
        return self.statements

    def _insert(self, conn: Connection, targets: list[Target] | ColumnWrites, now: datetime) -> None:
        if self.kind == "clients" and self.dry_run is None and len(targets):
            with search_index.bulk_insert(conn):  # the new clients join the search index at once
                self._insert_records(conn, targets, now)
        else:
            self._insert_records(conn, targets, now)

    def _insert_records(self, conn: Connection, targets: list[Target] | ColumnWrites, now: datetime) -> None:
        if isinstance(targets, ColumnWrites):
            count = len(targets.columns[0]) if targets.columns else 0
            keys = self._new_keys(conn, [dict(zip(targets.names, row, strict=True))
                                         for row in zip(*targets.columns, strict=True)])
            self.statements_for(conn).insert_columns(conn, [*targets.names, "updated_at", *keys],
                                                      [*targets.columns, [now] * count, *keys.values()])
            return
        if not targets:
            return
        defaults = self.defaults(now)
        present = set(defaults)
        for target in targets:
            present.update(target.values)
        columns = [name for name in self.insert_columns if name in present and name != "updated_at"]
        get = defaults.get
        if self.kind == "clients":
            keys = self._new_keys(conn, [target.values for target in targets])
            rows = [(*[get(name) if (value := target.values.get(name)) is None else value for name in columns],
                     now, target.custom, *derived) for target, *derived in zip(targets, *keys.values(), strict=True)]
            columns += ["updated_at", "custom_fields", *keys]
        else:
            rows = [(*[get(name) if (value := target.values.get(name)) is None else value for name in columns],
                     now) for target in targets]
            columns.append("updated_at")
        self.statements_for(conn).insert(conn, columns, rows)

    def _update(self, conn: Connection, targets: list[Target] | ColumnWrites, now: datetime) -> None:
        if isinstance(targets, ColumnWrites):
            count = len(targets.columns[0]) if targets.columns else 0
            stale = self._stale_keys(targets.names)
            self.statements_for(conn).update_columns(
                conn, [*targets.names, "updated_at", *stale],
                [*targets.columns, [now] * count, *([None] * count for _name in stale)])
            return
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for target in targets:
            params = dict(target.values)
            if target.custom_changed:
                params["custom_fields"] = target.custom
            params["updated_at"] = now
            params.update(dict.fromkeys(self._stale_keys(params)))
            params["_id"] = target.id
            groups.setdefault(tuple(params), []).append(params)
        for group in groups.values():
            self.statements_for(conn).update(conn, group)

    def _new_keys(self, conn: Connection, records: list[Mapping[str, Any]]) -> dict[str, list[Any]]:
        """New clients' sort and search keys (``name_keys``), column by column; none for other kinds."""
        if self.kind != "clients":
            return {}
        language = name_keys.collation(conn)
        keys = [name_keys.keys_for(record, language) for record in records]
        return {name: [each[name] for each in keys] for name in name_keys.DERIVED}

    def _stale_keys(self, names: Iterable[str]) -> list[str]:
        """``["sort_key"]`` when an update of clients changes what the keys are made of: NULL marks
        the rows for ``name_keys.refresh``."""
        if self.kind == "clients" and not set(names).isdisjoint(name_keys.SEARCHED):
            return ["sort_key"]
        return []


Lookup = Callable[[Connection, str, Select[Any], ColumnElement[Any]], Select[Any]]


def _built(conn: Connection, purpose: str, query: Select[Any], column: ColumnElement[Any]) -> Select[Any]:
    return in_lookup(query, column, conn.dialect.name)


def resolve_clients(conn: Connection, rows: list[ParsedRow], outcome: BatchOutcome,
                    lookup: Lookup = _built) -> list[ParsedRow]:
    """The rows whose client reference (``ParsedRow.client_ref``: external id, else name) names one
    stored client, each with its ``client_id`` set; the others go to ``outcome.rejected`` with the
    reason. Every kind that belongs to a client resolves it so (``lookup`` builds, and may keep, the
    IN-look-ups)."""
    clients = Client.__table__
    exts = {row.client_ref[0] for row in rows if row.client_ref[0]}
    by_ext = dict(
        (ext, client_id) for client_id, ext in
        _select_in(conn, lookup(conn, "client by ext", select(clients.c.id, clients.c.external_id),
                                clients.c.external_id), exts)
    )
    names = {row.client_ref[1] for row in rows if row.client_ref[1] and row.client_ref[0] not in by_ext}
    by_name: dict[str, list[int]] = {}
    for client_id, name in _select_in(conn, lookup(conn, "client by name", select(clients.c.id, clients.c.name),
                                                   clients.c.name), names):
        by_name.setdefault(name, []).append(client_id)
    kept: list[ParsedRow] = []
    for row in rows:
        ext, name = row.client_ref
        client_id = by_ext.get(ext) if ext else None
        if client_id is None and name:
            found = by_name.get(name, [])
            if len(found) > 1:
                outcome.rejected.append((row, _("%(n)s clients are named %(name)s; give the client's external "
                                                "id to say which.", n=len(found), name=name)))
                continue
            client_id = found[0] if found else None
        if client_id is None:
            reason = (_("No client has the external id %(ref)s.", ref=ext) if ext and not name else
                      _("No client has the name %(name)s.", name=name) if not ext else
                      _("No client has the external id %(ref)s or the name %(name)s.", ref=ext, name=name))
            outcome.rejected.append((row, reason))
            continue
        row.values["client_id"] = client_id
        kept.append(row)
    return kept


def _plain(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value

