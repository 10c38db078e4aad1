"""The reliability figures kept per month, so that a year of figures at 2,000,000 promises is read,
not counted again.

A month's figures (``PromiseMonthFigure``: per staff member, tier and package, and status) are
made from its promises the first time they are asked for. Database triggers (migration 0007)
bump the month's ``version`` when one of its promises is added, changed in what the figures count,
or deleted — and every month's when a client's tier or an engagement's package changes — so a
month whose ``computed_version`` lags is counted again when next asked for. Only whole months
are kept: the month under way is counted live.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import String, and_, case, delete, func, insert, select, type_coerce, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from servicescape.clients.models import Client, Engagement
from servicescape.promises.models import Promise, PromiseMonth, PromiseMonthFigure, PromiseStatus

#: an open promise whose window ended counts as missed (the sweep will mark it so)
EFFECTIVE = case((Promise.status == PromiseStatus.open, PromiseStatus.missed.value), else_=Promise.status)
#: a broken promise the client was told about before its window ended (the at-risk notice)
ANNOUNCED = and_(Promise.status != PromiseStatus.kept, Promise.announced_at.is_not(None),
                 Promise.announced_at <= Promise.window_end)


@dataclass(frozen=True)
class Line:
    dimension: str              # staff | tier | package
    key: str                    # the staff member's or package's id, or the tier ("" for none)
    status: str                 # kept | late | missed
    promises: int
    lateness_total: int
    announced: int


def count(session: Session, start: datetime, end: datetime) -> list[Line]:
    """The figures of the promises whose window ended in [start, end), cancelled ones aside."""
    rows = session.execute(
        select(Promise.owner_id, type_coerce(Client.tier, String), Engagement.package_id, EFFECTIVE, func.count(),
               func.coalesce(func.sum(Promise.lateness_minutes), 0), func.sum(case((ANNOUNCED, 1), else_=0)))
        .join(Client, Client.id == Promise.client_id)
        .outerjoin(Engagement, Engagement.id == Promise.engagement_id)
        .where(Promise.window_end >= start, Promise.window_end < end, Promise.status != PromiseStatus.cancelled)
        .group_by(Promise.owner_id, Client.tier, Engagement.package_id, EFFECTIVE)
    ).all()
    totals: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for owner_id, tier, package_id, status, promises, lateness, told in rows:
        for key in (("staff", str(owner_id or ""), status), ("tier", str(tier), status),
                    ("package", str(package_id or ""), status)):
            total = totals[key]
            total[0] += promises
            total[1] += int(lateness or 0)
            total[2] += int(told or 0)
    return [Line(dimension, key, status, *total) for (dimension, key, status), total in totals.items()]


def month_after(start: datetime, zone: ZoneInfo) -> datetime:
    """The first moment of the firm's month after the one ``start`` is in."""
    day = start.astimezone(zone).date()
    return datetime.combine(date(day.year + day.month // 12, day.month % 12 + 1, 1), time(), tzinfo=zone)


def month_starts(since: datetime, until: datetime, zone: ZoneInfo) -> list[datetime]:
    """The first moments of the firm's months touching [since, until), the first one ≤ since."""
    local = since.astimezone(zone)
    moment = datetime.combine(date(local.year, local.month, 1), time(), tzinfo=zone)
    starts: list[datetime] = []
    while moment < until:
        starts.append(moment)
        moment = month_after(moment, zone)
    return starts


def whole_months(since: datetime, end: datetime, zone: ZoneInfo) -> list[tuple[str, datetime, datetime]]:
    """The firm's whole months from ``since``'s month to the last that ended by ``end``: (label, start, end)."""
    bounds = [(start.strftime("%Y-%m"), start, month_after(start, zone)) for start in month_starts(since, end, zone)]
    return [(label, start, stop) for label, start, stop in bounds if stop <= end]


def refresh(session: Session, *, zone: ZoneInfo, now: datetime, days: int = 400) -> int:
    """Count again the stale whole months of the last ``days`` (a job: the dashboard then reads
    kept figures even right after many changes) → how many months were counted."""
    return _refresh(session, whole_months(now - timedelta(days=days), now, zone))


def kept(session: Session, months: Sequence[tuple[str, datetime, datetime]]) -> dict[str, list[Line]]:
    """The figures of whole ``months`` ((label, start, end), the firm's clock), made again where stale."""
    if not months:
        return {}
    _refresh(session, months)
    labels = [label for label, _start, _end in months]
    found: dict[str, list[Line]] = {label: [] for label in labels}
    for row in session.execute(select(PromiseMonthFigure.month, PromiseMonthFigure.dimension, PromiseMonthFigure.key,
                                      PromiseMonthFigure.status, PromiseMonthFigure.promises,
                                      PromiseMonthFigure.lateness_total, PromiseMonthFigure.announced)
                               .where(PromiseMonthFigure.month.in_(labels))):
        found[row[0]].append(Line(*row[1:]))
    return found


def _refresh(session: Session, months: Sequence[tuple[str, datetime, datetime]]) -> int:
    """Count the stale ones of ``months`` again → how many."""
    if not months:
        return 0
    labels = [label for label, _start, _end in months]
    known = {row.month: row for row in session.scalars(select(PromiseMonth).where(PromiseMonth.month.in_(labels)))}
    missing = [(label, start, end) for label, start, end in months if label not in known]
    if missing:
        _open(session, missing)
    counted = 0
    for label, start, end in months:
        state = session.scalar(select(PromiseMonth).where(PromiseMonth.month == label)
                               .with_for_update().execution_options(populate_existing=True))
        assert state is not None
        moved = state.starts_at != start or state.ends_at != end  # the firm's timezone changed
        if state.computed_version == state.version and not moved:
            continue
        version = state.version + 1 if moved else state.version
        lines = count(session, start, end)
        session.execute(delete(PromiseMonthFigure).where(PromiseMonthFigure.month == label))
        if lines:
            session.execute(insert(PromiseMonthFigure), [{"month": label, **line.__dict__} for line in lines])
        session.execute(update(PromiseMonth).where(PromiseMonth.month == label).values(
            starts_at=start, ends_at=end, version=version, computed_version=version))
        counted += 1
    return counted


def _open(session: Session, months: Sequence[tuple[str, datetime, datetime]]) -> None:
    """Start keeping these months. On PostgreSQL their rows are committed (on a connection of their
    own) before their promises are counted, so that a promise written meanwhile bumps the version —
    a row not yet committed is one its trigger cannot see. SQLite has one writer at a time: the
    rows are written in this transaction, which then holds the database until it ends."""
    rows = [{"month": label, "starts_at": start, "ends_at": end, "version": 0} for label, start, end in months]
    if session.get_bind().dialect.name != "postgresql":
        session.execute(sqlite.insert(PromiseMonth).values(rows).on_conflict_do_nothing())
        return
    engine: Any = session.get_bind()
    with engine.begin() as connection:
        connection.execute(postgresql.insert(PromiseMonth).values(rows).on_conflict_do_nothing())
