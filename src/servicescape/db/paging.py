"""Paged, sorted, filtered lists with a constant number of queries (one count, one page)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from servicescape.errors import ValidationFailed
from servicescape.i18n import _

T = TypeVar("T")
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
    clamp: bool = False,
) -> Page[Any]:
    """One page of ``query`` and the total. ``clamp``: a page past the last one is the last one
    (pages, where "page 99" comes from an old link); the API answers it empty."""
    if page < 1:
        raise ValidationFailed(_("page must be 1 or more"), field="page")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise ValidationFailed(_("per_page must be between 1 and %(max)s", max=MAX_PER_PAGE), field="per_page")
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    if clamp:
        page = min(page, max(1, math.ceil(total / per_page)))
    result = session.scalars(query.limit(per_page).offset((page - 1) * per_page))
    items = list(result.unique() if unique else result)
    return Page(items=items, total=total, page=page, per_page=per_page)
