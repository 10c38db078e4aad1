"""The client list: filters, search and sorts that an index answers, at a million clients.

- Every sort reads an index in order and ends in the id (a stable order): names by their
  collation key (``name_keys``), other columns then names.
- Search of three characters or more is a substring search of the folded fields through a trigram
  index (FTS5 on SQLite, pg_trgm on PostgreSQL); a search that matches many clients is rather
  tested client by client along the sort index until a page is full. One or two characters find
  the names that begin with them (accents and case aside), a range of the name index.
- A page is found as ids first (an index-only scan; pages past the middle are read from the other
  end), then the clients of those ids are loaded. Totals are counted once per change of the data
  (``data_version``) and filter.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Row, Select, and_, asc, desc, func, literal_column, select, text, tuple_
from sqlalchemy.orm import Session

from servicescape.audit.service import data_version
from servicescape.auth.models import Staff
from servicescape.auth.permissions import Principal, require
from servicescape.clients import name_keys
from servicescape.clients.capability import READ
from servicescape.clients.models import Client, ClientStatus, Tier
from servicescape.db.paging import Page, VersionCache, paginate
from servicescape.errors import ValidationFailed
from servicescape.i18n import _

#: sort name → the columns it orders by (the id follows every one of them)
CLIENT_SORTS: dict[str, tuple[Any, ...]] = {
    "name": (Client.sort_key,), "created": (Client.created_at,),
    "country": (Client.country, Client.sort_key), "tier": (Client.tier, Client.sort_key),
    "segment": (Client.segment, Client.sort_key), "status": (Client.status, Client.sort_key),
}
#: a search needs this many characters for the trigram index; shorter ones match names' beginnings
TRIGRAM = 3
#: a deep page starts from the row before the nearest multiple of this many (its values kept per
#: data version, ``_Listing.seek``): an OFFSET then skips at most this many rows, not half the book
ANCHOR_EVERY = 1_000
#: the sorts whose columns are never NULL (a row-value comparison finds the rows after an anchor)
ANCHORED_SORTS = frozenset({"name", "created", "tier", "status"})
#: on SQLite, a search matching m of n clients either fetches the m matches from the trigram index
#: and sorts them, or walks the sort index testing each client until a page is full (about
#: PAGE_ROWS * n / m clients): the cheaper one is taken (``m * m > PAGE_ROWS * n``: walk)
PAGE_ROWS = 50

_cached = VersionCache()


@dataclass(frozen=True)
class ClientFilters:
    q: str | None = None
    tier: Tier | None = None
    segment: str | None = None
    owner_id: int | None = None
    country: str | None = None
    status: ClientStatus | None = None
    sort: str = "name"
    descending: bool = False


def _like_escaped(text_: str) -> str:
    """The search text as a literal LIKE pattern part: % and _ typed by the user are no wildcards."""
    return text_.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _name_prefix(q: str, language: str) -> ColumnElement[bool]:
    """Names that begin with ``q`` at the collation's first level (no accents, no case): a range
    of collation keys, since a name's key begins with the first-level weights of its letters."""
    start = name_keys.primary_prefix(q, language)
    if not start:
        return Client.sort_key.is_not(None)
    end = _successor(start)
    return and_(Client.sort_key >= start, Client.sort_key < end) if end else Client.sort_key >= start


def _successor(prefix: bytes) -> bytes | None:
    """The smallest bytes greater than every bytes that begins with ``prefix`` (None: no bound)."""
    trimmed = prefix.rstrip(b"\xff")
    return trimmed[:-1] + bytes([trimmed[-1] + 1]) if trimmed else None


class _Listing:
    """One listing's inputs: the session, the filters, the collation and the data version."""

    def __init__(self, session: Session, filters: ClientFilters) -> None:
        _order(filters)  # an unknown sort is refused before anything is counted
        self.session = session
        self.filters = filters
        self.language = name_keys.collation(session.connection())
        self.version = data_version(session)
        self.sqlite = session.get_bind().dialect.name == "sqlite"
        filters_only = self._filters()
        #: what selects the page's clients, and what counts them (on SQLite a search may be tested
        #: client by client along the sort index, but is counted from the trigram index)
        self.conditions, self.counted = list(filters_only), list(filters_only)
        #: on SQLite, how many clients the search matches (the trigram index counts them)
        self.matched: int | None = None
        if filters.q and filters.q.strip():
            fetch, count = self._search(filters.q.strip())
            self.conditions.append(fetch)
            self.counted.append(count)

    def _filters(self) -> list[ColumnElement[bool]]:
        filters = self.filters
        conditions: list[ColumnElement[bool]] = []
        for column, value in ((Client.tier, filters.tier), (Client.segment, filters.segment),
                              (Client.owner_id, filters.owner_id), (Client.status, filters.status)):
            if value is not None:
                conditions.append(column == value)
        if filters.country:
            conditions.append(Client.country == filters.country.upper())
        return conditions

    def _search(self, q: str) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
        folded = name_keys.fold(q)
        if len(folded) < TRIGRAM:
            prefix = _name_prefix(q, self.language)
            return prefix, prefix
        contains = Client.search_text.like(f"%{_like_escaped(folded)}%", escape="\\")
        if not self.sqlite:  # PostgreSQL's planner chooses between the pg_trgm index and the sort index
            return contains, contains
        phrase = '"' + folded.replace('"', '""') + '"'
        matches: Select[Any] = select(literal_column("rowid")).select_from(text("client_search")).where(
            text("client_search MATCH :phrase").bindparams(phrase=phrase))
        indexed = Client.id.in_(matches)
        found = self.matched = self._count(("search", folded),
                                           lambda: select(func.count()).select_from(matches.subquery()))
        everyone = self._count("everyone", lambda: select(func.count()).select_from(Client))
        return (contains if found * found > PAGE_ROWS * everyone else indexed), indexed

    def _count(self, key: Hashable, query: Callable[[], Select[Any]]) -> int:
        """The count ``query()`` makes, once per data version (the query made only then too)."""
        return _cached.get(self.session, key, self.version, lambda: self.session.scalar(query()) or 0)

    def ids(self, *, reverse: bool = False) -> Select[Any]:
        """The ids of the clients selected, in the list's order (or the reverse)."""
        return select(Client.id).where(*self.conditions).order_by(*_order(self.filters, reverse=reverse))

    def seek(self, offset: int, limit: int) -> Select[Any] | None:
        """The ids of a page at ``offset`` as the rows after an anchor (the row just before the
        multiple of ``ANCHOR_EVERY`` at or before ``offset``), skipping fewer than ``ANCHOR_EVERY``
        rows; None for a page near the start, or a sort on a column that may be NULL."""
        f = self.filters
        if offset < ANCHOR_EVERY or f.sort not in ANCHORED_SORTS:
            return None
        start = offset // ANCHOR_EVERY * ANCHOR_EVERY
        columns = (*CLIENT_SORTS[f.sort], Client.id)
        key = ("anchor", self._key(), f.sort, f.descending, start)
        anchor = _cached.get(self.session, key, self.version, lambda: self._row_at(start - 1, columns))
        if anchor is None:
            return None
        after = tuple_(*columns) < tuple_(*anchor) if f.descending else tuple_(*columns) > tuple_(*anchor)
        return (select(Client.id).where(*self.conditions, after).order_by(*_order(f))
                .offset(offset - start).limit(limit))

    def _row_at(self, position: int, columns: tuple[Any, ...]) -> tuple[Any, ...] | None:
        """The sort values of the row at ``position`` (from 0) in the list's order, read from the
        nearer end."""
        total = self.total()
        if position >= total:
            return None
        if position > total // 2:
            order, position = _order(self.filters, reverse=True), total - 1 - position
        else:
            order = _order(self.filters)
        row = self.session.execute(select(*columns).where(*self.conditions).order_by(*order)
                                   .offset(position).limit(1)).first()
        return tuple(row) if row is not None else None

    def _key(self) -> tuple[Any, ...]:
        f = self.filters
        return (name_keys.fold(f.q.strip()) if f.q else "", f.tier, f.segment, f.owner_id, (f.country or "").upper(),
                f.status)

    def total(self) -> int:
        if self.matched is not None and len(self.counted) == 1:  # a search alone: the index counted it
            return self.matched
        return self._count(self._key(), lambda: select(func.count()).select_from(Client).where(*self.counted))


def _order(filters: ClientFilters, *, reverse: bool = False) -> list[Any]:
    if filters.sort not in CLIENT_SORTS:
        raise ValidationFailed(_("Cannot sort by %(sort)s; use one of %(choices)s.", sort=filters.sort,
                                 choices=", ".join(CLIENT_SORTS)),
                               field="sort")
    direction = desc if filters.descending != reverse else asc
    return [direction(column) for column in (*CLIENT_SORTS[filters.sort], Client.id)]


#: what a listed client carries: its columns (not the derived keys) and its owner's name
LISTED = (*(column for column in Client.__table__.c if not column.info.get("derived")),
          Staff.name.label("owner_name"))


def list_clients(session: Session, filters: ClientFilters, *, page: int = 1, per_page: int = 50,
                 clamp: bool = False, columns: Sequence[str] | None = None, by: Principal) -> Page[Row[Any]]:
    """One page of the clients ``filters`` select, as rows of their columns and ``owner_name``
    (or only the ``columns`` named, with ``id``: what a page shows, not the custom fields);
    ``clamp``: a page past the last one is the last one (pages), else it is empty (the API)."""
    require(by, READ)
    listing = _Listing(session, filters)
    ids = paginate(session, listing.ids(), page=page, per_page=per_page, clamp=clamp, total=listing.total(),
                   reverse=lambda: listing.ids(reverse=True), seek=listing.seek)
    chosen = LISTED if columns is None else [each for each in LISTED if each.name == "id" or each.name in columns]
    # through the connection: plain rows, without the ORM's per-statement work
    rows = {row.id: row for row in session.connection().execute(
        select(*chosen).outerjoin(Staff, Staff.id == Client.owner_id).where(Client.id.in_(ids.items)))}
    return Page(items=[rows[client_id] for client_id in ids.items], total=ids.total, page=ids.page,
                per_page=per_page)


class Owner(NamedTuple):
    id: int
    name: str


@dataclass(frozen=True)
class ClientListChoices:
    """What the client list's filters offer: the values present in the data."""

    segments: list[str]
    countries: list[str]
    owners: list[Owner]


def client_list_choices(session: Session, *, by: Principal) -> ClientListChoices:
    """One query each, made again only when the data changed (a DISTINCT over a million clients)."""
    require(by, READ)

    def choices() -> ClientListChoices:
        segments = session.scalars(select(Client.segment).where(Client.segment.is_not(None))
                                   .distinct().order_by(Client.segment))
        countries = session.scalars(select(Client.country).where(Client.country.is_not(None))
                                    .distinct().order_by(Client.country))
        owners = session.execute(select(Staff.id, Staff.name).where(Staff.id.in_(select(Client.owner_id)))
                                 .order_by(Staff.name, Staff.id))
        return ClientListChoices([s for s in segments if s], [c for c in countries if c],
                                 [Owner(*row) for row in owners])

    return _cached.get(session, "choices", data_version(session), choices)
