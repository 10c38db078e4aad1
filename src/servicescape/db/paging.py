"""Paged, sorted, filtered lists with a constant number of queries (one count, one page)."""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from threading import Lock
from typing import Any, Generic, TypeVar, cast
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, Select, func, select
from sqlalchemy.orm import Session

from servicescape.errors import ValidationFailed
from servicescape.i18n import _

T = TypeVar("T")
V = TypeVar("V")
MAX_PER_PAGE = 500


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def paginate(
    session: Session, query: Select[Any], *, page: int, per_page: int, unique: bool = False,
    clamp: bool = False, total: int | None = None, reverse: Callable[[], Select[Any]] | None = None,
    seek: Callable[[int, int], Select[Any] | None] | None = None,
) -> Page[Any]:
    """One page of ``query`` and the total. ``clamp``: a page past the last one is the last one
    (pages, where "page 99" comes from an old link); the API answers it empty. ``total``: the
    count when the caller knows it. ``reverse``: the same query in the opposite order, to read
    pages past the middle from the end (an OFFSET skips rows one by one). ``seek(offset, limit)``:
    the page's query starting from a known row near it, when the caller has one (else None)."""
    if page < 1:
        raise ValidationFailed(_("page must be 1 or more"), field="page")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise ValidationFailed(_("per_page must be between 1 and %(max)s", max=MAX_PER_PAGE), field="per_page")
    if total is None:
        total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    if clamp:
        page = min(page, max(1, math.ceil(total / per_page)))
    offset = (page - 1) * per_page
    sought = seek(offset, per_page) if seek is not None and offset < total else None
    backwards = sought is None and reverse is not None and total // 2 < offset < total
    if sought is not None:
        page_query = sought
    elif backwards and reverse is not None:
        end = min(offset + per_page, total)
        page_query = reverse().limit(end - offset).offset(total - end)
    else:
        page_query = query.limit(per_page).offset(offset)
    result = session.scalars(page_query)
    items = list(result.unique() if unique else result)
    if backwards:
        items.reverse()
    return Page(items=items, total=total, page=page, per_page=per_page)


class VersionCache:
    """Values computed from the data (a list's total, a filter's choices), kept by database, key
    and data version: a count over a million rows is made once per change of the data
    (``audit.service.data_version``), not once per page view."""

    def __init__(self, size: int = 1_000) -> None:
        self.size = size
        self._values: WeakKeyDictionary[Engine, OrderedDict[Hashable, tuple[int, Any]]] = WeakKeyDictionary()
        self._lock = Lock()  # requests run in threads
        #: one computation of a key at a time: requests that arrive meanwhile wait for its value
        #: (twenty requests for a new page must not count a million rows twenty times at once)
        self._computing: WeakKeyDictionary[Engine, dict[Hashable, Lock]] = WeakKeyDictionary()

    def get(self, session: Session, key: Hashable, version: int, compute: Callable[[], V]) -> V:
        """The value for ``key`` at ``version``, computed by ``compute`` unless known. A session
        that wrote computes afresh: its version may yet be rolled back and given to other data."""
        if session.info.get("data_changed"):
            return compute()
        engine = session.get_bind().engine
        with self._lock:
            values = self._values.setdefault(engine, OrderedDict())
            computing = self._computing.setdefault(engine, {}).setdefault(key, Lock())
        with computing:
            with self._lock:
                known = values.get(key)
                if known is not None and known[0] == version:
                    values.move_to_end(key)
                    return cast(V, known[1])
            value = compute()
            with self._lock:
                values[key] = (version, value)
                values.move_to_end(key)
                while len(values) > self.size:
                    evicted, _value = values.popitem(last=False)
                    self._computing[engine].pop(evicted, None)
        return value
