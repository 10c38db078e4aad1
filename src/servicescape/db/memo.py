"""Figures read from many rows (survey results over millions of answers, the scorecard's gaps, a client's
key-account needs), remembered until one of the tables they read is written.

``@unchanged_since("survey_response", "survey_answer", ...)`` on a function ``f(session, *args)`` keeps
its value per database, arguments and language, tagged with
:func:`servicescape.audit.service.entities_version` of those tables (one indexed read of a few counter
rows): any audited write to one of them — an ORM flush, an import of that kind, an erasure or a
retention run, which count what they change — makes the next call compute afresh. ``@unchanged_since()``
(no tables), for what reads too many tables to name, is tagged with the data version: any audited write
computes it afresh. A session that has written computes afresh too (``VersionCache``).

Only the computation is remembered: the callers check permissions before calling it, every time.
Arguments must be hashable (frozen dataclasses, datetimes, numbers, strings); values are shared
between requests and must not be changed by callers."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Concatenate, Generic, ParamSpec, TypeVar, cast

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from servicescape.audit.service import data_version, entities_version
from servicescape.db.paging import VersionCache
from servicescape.db.types import utcnow
from servicescape.i18n import active

P = ParamSpec("P")
V = TypeVar("V")

#: every remembered function shares one LRU of this many values per database
SIZE = 512
_kept = VersionCache(size=SIZE)


def unchanged_since(*tables: str, depends: Callable[..., Iterable[str]] | None = None) -> Callable[
        [Callable[Concatenate[Session, P], V]], Callable[Concatenate[Session, P], V]]:
    """Remember ``f(session, ...)`` until one of ``tables`` (table names, or import kinds; none: any
    table) is written; ``depends(...)``, given ``f``'s arguments, names more tables that this call reads
    (survey results split by the clients' tier read the clients, the others do not)."""
    names = tuple(sorted(set(tables)))

    def decorate(compute: Callable[Concatenate[Session, P], V]) -> Callable[Concatenate[Session, P], V]:
        @functools.wraps(compute)
        def remembered(session: Session, *args: P.args, **kwargs: P.kwargs) -> V:
            key = (compute.__module__, compute.__qualname__, args, tuple(sorted(kwargs.items())), active())
            read = names if depends is None else tuple(sorted(set(names) | set(depends(*args, **kwargs))))
            version = entities_version(session, read) if read else data_version(session)
            return _kept.get(session, key, version, lambda: compute(session, *args, **kwargs))

        return remembered
    return decorate


class Unkeyed(Generic[V]):
    """An argument of a remembered function that is not part of its key: the exact moment of a figure
    remembered for an hour (``f(session, hour, Unkeyed(now))``: the first call of the hour computes with
    its own ``now``, the others of that hour take its value; the scorecard)."""

    __slots__ = ("value",)

    def __init__(self, value: V) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unkeyed)

    def __hash__(self) -> int:
        return 0


def this_minute() -> datetime:
    """Now, to the minute: for pages whose figures move with the clock (who is overdue for contact),
    a ``now`` that stays the same key for a minute."""
    return utcnow().replace(second=0, microsecond=0)


def once_per_unit(compute: Callable[Concatenate[Session, P], V]) -> Callable[Concatenate[Session, P], V]:
    """``f(session, ...)`` computed once per transaction for the same arguments: for what several parts
    of one page read alike (a client's page: the staff and packages its forms pick from, the client's
    engagements). A session with changes, flushed or not, computes afresh."""
    @functools.wraps(compute)
    def kept(session: Session, *args: P.args, **kwargs: P.kwargs) -> V:
        if session.info.get("data_changed") or session.new or session.dirty or session.deleted:
            return compute(session, *args, **kwargs)
        known = session.info.setdefault("once_per_unit", {})
        key = (compute.__module__, compute.__qualname__, args, tuple(sorted(kwargs.items())))
        if key not in known:
            known[key] = compute(session, *args, **kwargs)
        return cast(V, known[key])

    return kept


@event.listens_for(Session, "after_transaction_end")
def _forget_unit(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction: the next one reads afresh
        session.info.pop("once_per_unit", None)
