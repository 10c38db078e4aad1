"""One timeline of typed events for a client (or for the clients a person looks after).

Capabilities contribute events through the timeline sources they register; this module asks each
source the viewer may see for its newest events before a cursor and merges them, newest first.
One query per source per page, whatever the number of events (the query-count tests pin it).

A provider is ``provider(session, query: TimelineQuery) -> list[TimelineEvent]``: the events of
``query.types`` (only its own types are asked for) in ``query.scope`` older than the cursor
(``query.older(...)`` / ``query.older_days(...)`` in its WHERE clause), newest first, at most
``query.limit``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlalchemy.orm import Session, aliased

from servicescape.auth.permissions import Principal, can
from servicescape.db.memo import unchanged_since
from servicescape.errors import ValidationFailed
from servicescape.i18n import _
from servicescape.platform.registry import registry, resolve

MAX_LIMIT = 200


@dataclass(frozen=True)
class TimelineScope:
    """Whose events: one client's, or those of the clients one staff member owns."""

    client_id: int | None = None
    owner_id: int | None = None

    def __post_init__(self) -> None:
        if (self.client_id is None) == (self.owner_id is None):
            raise ValueError("a timeline scope is one client or one owner")

    def clients(self, client_column: Any) -> ColumnElement[bool]:
        """The WHERE clause restricting a table's ``client_id`` column to this scope."""
        if self.client_id is not None:
            return client_column == self.client_id  # type: ignore[no-any-return]
        from servicescape.clients.models import Client

        # for one owner's many clients, reading the newest events by time (each table's time index)
        # and keeping those of the owner's clients is the fast way: a correlated EXISTS looks up each
        # event's client by its key (an IN over the owner's client ids built that list in every query)
        owner = aliased(Client)
        return (select(owner.id).where(owner.id == client_column, owner.owner_id == self.owner_id)
                .exists())  # type: ignore[no-any-return]


@dataclass(frozen=True)
class TimelineQuery:
    """What a provider is asked for. The cursor is the last event already shown, (at, type, id):
    a provider gives only events ordered strictly after it — :meth:`older` and :meth:`older_days`
    build that WHERE clause, ties on the same moment included, so that no event is skipped or
    shown twice between pages."""

    scope: TimelineScope
    types: frozenset[str]
    before: datetime | None
    limit: int
    zone: ZoneInfo
    before_type: str = ""
    before_id: int = 0

    def _tie(self, kind: str, id_column: Any) -> ColumnElement[bool]:
        if kind < self.before_type:
            return true()
        if kind == self.before_type:
            return id_column < self.before_id  # type: ignore[no-any-return]
        return false()

    def older(self, kind: str, at_column: Any, id_column: Any) -> ColumnElement[bool]:
        """Events of ``kind`` timed by ``at_column`` (a timestamp) that come after the cursor."""
        if self.before is None:
            return true()
        return or_(at_column < self.before, and_(at_column == self.before, self._tie(kind, id_column)))

    def older_days(self, kind: str, day_column: Any, id_column: Any) -> ColumnElement[bool]:
        """The same for events dated by ``day_column`` (shown at the start of that day, firm's clock)."""
        if self.before is None:
            return true()
        day = self.before.astimezone(self.zone).date()
        if day_start(day, self.zone) < self.before:
            return day_column <= day  # type: ignore[no-any-return]
        return or_(day_column < day, and_(day_column == day, self._tie(kind, id_column)))


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """When an event dated ``day`` sits on the timeline: the start of that day on the firm's clock."""
    return datetime.combine(day, time(), tzinfo=zone)


@dataclass(frozen=True)
class TimelineEvent:
    type: str                       # "interaction", "invoice", "task", ...
    id: int                         # the record's id (with the type, unique)
    at: datetime                    # aware; orders the timeline
    title: str                      # short, translated ("Call", "Invoice INV-2025-0001")
    icon: str                       # a symbol of static/icons.svg
    client_id: int
    client_name: str | None = None
    summary: str | None = None
    actor: str | None = None        # who (a staff member's name)
    money: tuple[Decimal, str] | None = None   # an amount and its currency, formatted where shown
    all_day: bool = False           # ``at`` is a date: show the day only
    url: str | None = None          # where the record is edited or shown
    url_permission: str | None = None   # what following ``url`` needs (no link for others)
    delete_url: str | None = None   # POST here deletes it (shown to those who may delete)
    delete_permission: str | None = None
    badges: tuple[tuple[str, str], ...] = ()   # (text, tone)

    @property
    def key(self) -> tuple[datetime, str, int]:
        return (self.at, self.type, self.id)


@dataclass(frozen=True)
class TimelinePage:
    events: list[TimelineEvent]
    types: list[tuple[str, str]]    # every type the viewer may filter by: (type, translated label)
    chosen: frozenset[str]          # the types asked for (empty: all)
    next_cursor: str | None         # ``before=`` of the next (older) page; None: no more


def cursor_of(event: TimelineEvent) -> str:
    return f"{event.at.isoformat()}~{event.type}~{event.id}"


def parse_cursor(text: str) -> tuple[datetime, str, int]:
    try:
        moment, kind, number = text.split("~")
        at = datetime.fromisoformat(moment)
        if at.tzinfo is None:
            raise ValueError(text)
        return at, kind, int(number)
    except ValueError:
        raise ValidationFailed(_("This is not a position in the timeline: %(value)s.", value=text[:80]),
                               field="before") from None


def event_types(viewer: Principal) -> list[tuple[str, str]]:
    return [(kind, _(label)) for source in registry().timeline_sources() if can(viewer, source.permission)
            for kind, label in source.types]


def timeline(session: Session, scope: TimelineScope, *, by: Principal, zone: ZoneInfo,
             types: Sequence[str] = (), before: str | None = None, limit: int = 30) -> TimelinePage:
    """The newest ``limit`` events of ``types`` (all the viewer may see when empty) older than the
    cursor ``before`` (from a previous page's ``next_cursor``)."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(_("limit must be between 1 and %(max)s", max=MAX_LIMIT), field="limit")
    available = event_types(by)
    known = {kind for kind, _label in available}
    unknown = [kind for kind in types if kind not in known]
    if unknown:
        raise ValidationFailed(_("Unknown kind of event: %(kind)s.", kind=", ".join(unknown)), field="type")
    chosen = frozenset(types) or frozenset(known)
    cursor = parse_cursor(before) if before else None
    permitted = tuple(source.provider for source in registry().timeline_sources() if can(by, source.permission))
    page, next_cursor = _page(session, scope, chosen, permitted, cursor, limit, zone)
    return TimelinePage(page, available, frozenset(types), next_cursor)


@unchanged_since()
def _page(session: Session, scope: TimelineScope, chosen: frozenset[str], permitted: tuple[str, ...],
          cursor: tuple[datetime, str, int] | None, limit: int,
          zone: ZoneInfo) -> tuple[list[TimelineEvent], str | None]:
    """The events of the sources ``permitted`` (the viewer's), remembered until the next write (the
    home page's recent activity asks every provider at each view)."""
    events: list[TimelineEvent] = []
    for source in registry().timeline_sources():
        wanted = chosen & {kind for kind, _label in source.types}
        if not wanted or source.provider not in permitted:
            continue
        query = TimelineQuery(scope, frozenset(wanted), cursor[0] if cursor else None, limit + 1, zone,
                              *(cursor[1:] if cursor else ()))
        found = resolve(source.provider)(session, query)
        events.extend(e for e in found if cursor is None or e.key < cursor)
    events.sort(key=lambda event: event.key, reverse=True)
    page, rest = events[:limit], events[limit:]
    return page, cursor_of(page[-1]) if rest and page else None
