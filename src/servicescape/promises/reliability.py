"""Reliability figures: of the promises whose window has ended (cancelled ones aside), the shares
kept on time, late and missed, and the mean lateness of the late ones — overall and by staff
member, tier, service package, month and client — plus how many broken promises the client was
told about beforehand, and the clients with two or more broken promises in 90 days.

One grouped query over the period (an index on the window's end), folded in Python from a few
thousand groups: the figures at 2,000,000 promises cost one pass over the period's rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from servicescape.auth.models import Staff
from servicescape.auth.permissions import Principal, require
from servicescape.clients.models import Client
from servicescape.errors import ValidationFailed
from servicescape.i18n import _
from servicescape.offerings.models import ServicePackage
from servicescape.promises import months
from servicescape.promises.capability import READ
from servicescape.promises.models import Promise, PromiseStatus
from servicescape.promises.months import ANNOUNCED, EFFECTIVE, month_after, month_starts

FLAG_DAYS = 90
FLAG_BROKEN = 2
MOST_MONTHS = 36


@dataclass
class Figures:
    """Counts of one group; the shares follow from them."""

    kept_on_time: int = 0
    late: int = 0
    missed: int = 0
    lateness_total: int = 0
    announced: int = 0          # broken, and the client was told before the window ended

    @property
    def ended(self) -> int:
        return self.kept_on_time + self.late + self.missed

    @property
    def broken(self) -> int:
        return self.late + self.missed

    def add(self, other: Figures) -> None:
        self.kept_on_time += other.kept_on_time
        self.late += other.late
        self.missed += other.missed
        self.lateness_total += other.lateness_total
        self.announced += other.announced

    def as_dict(self) -> dict[str, Any]:
        ended = self.ended

        def share(count: int) -> float | None:
            return round(count / ended, 4) if ended else None

        return {
            "promises": ended, "kept_on_time": self.kept_on_time, "late": self.late, "missed": self.missed,
            "kept_on_time_share": share(self.kept_on_time), "late_share": share(self.late),
            "missed_share": share(self.missed),
            "mean_lateness_minutes": round(self.lateness_total / self.late, 1) if self.late else None,
            "broken": self.broken, "announced": self.announced, "discovered_by_client": self.broken - self.announced,
        }


@dataclass
class Reliability:
    since: datetime
    until: datetime
    overall: Figures = field(default_factory=Figures)
    by_staff: dict[str, Figures] = field(default_factory=lambda: defaultdict(Figures))    # e-mail
    staff_names: dict[str, str] = field(default_factory=dict)
    by_tier: dict[str, Figures] = field(default_factory=lambda: defaultdict(Figures))
    by_package: dict[str, Figures] = field(default_factory=lambda: defaultdict(Figures))  # package name
    by_month: dict[str, Figures] = field(default_factory=dict)                          # "2026-03"
    by_client: list[tuple[int, str, Figures]] = field(default_factory=list)             # the most broken
    flagged_clients: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat(), "until": self.until.isoformat(), **self.overall.as_dict(),
            "by_staff": {email: {"name": self.staff_names.get(email), **f.as_dict()}
                         for email, f in sorted(self.by_staff.items())},
            "by_tier": {tier: f.as_dict() for tier, f in self.by_tier.items()},
            "by_package": {name: f.as_dict() for name, f in sorted(self.by_package.items())},
            "by_month": {month: f.as_dict() for month, f in self.by_month.items()},
            "by_client": [{"client_id": cid, "name": name, **f.as_dict()} for cid, name, f in self.by_client],
            "flagged_clients": self.flagged_clients,
        }


def reliability(session: Session, *, since: datetime, until: datetime, zone: ZoneInfo, now: datetime,
                top_clients: int = 20, by: Principal) -> Reliability:
    """The figures of the promises whose window ended from the start of ``since``'s month (the
    firm's clock) to ``min(until, now)``. Whole months come from the figures kept per month
    (``months.kept``, made again when their promises changed); the month under way is counted live."""
    require(by, READ)
    if until <= since:
        raise ValidationFailed(_("The period must end after it starts."), field="until")
    end = min(until, now)
    starts = month_starts(since, end, zone) if end > since else []
    if len(starts) > MOST_MONTHS:
        raise ValidationFailed(_("Ask for at most %(n)s months at a time.", n=MOST_MONTHS), field="since")
    if not starts:
        return Reliability(since, end)
    found = Reliability(starts[0], end)
    bounds = [(start.strftime("%Y-%m"), start, month_after(start, zone)) for start in starts]
    whole = [(label, start, stop) for label, start, stop in bounds if stop <= end]
    lines = months.kept(session, whole)
    if bounds[-1][2] > end:
        label, start, _stop = bounds[-1]
        lines[label] = months.count(session, start, end)
    staff = dict(session.execute(select(Staff.id, Staff.email)).all())
    found.staff_names = {email: name for email, name in session.execute(select(Staff.email, Staff.name))}
    packages = dict(session.execute(select(ServicePackage.id, ServicePackage.name)).all())
    for label, _start, _stop in bounds:
        month = found.by_month[label] = Figures()
        for line in lines.get(label, ()):
            figures = _figures(line.status, line.promises, line.lateness_total, line.announced)
            if line.dimension == "tier":  # every promise once: the month's and the whole period's figures
                month.add(figures)
                found.overall.add(figures)
                found.by_tier[line.key].add(figures)
            elif line.dimension == "staff":
                found.by_staff[staff.get(int(line.key), "") if line.key else ""].add(figures)
            else:
                found.by_package[packages.get(int(line.key), "") if line.key else ""].add(figures)
    found.by_client = _worst_clients(session, starts[0], end, top_clients)
    found.flagged_clients = flagged_clients(session, now=now, by=by)
    return found


def _figures(status: str, count: int, lateness: int, told: int) -> Figures:
    figures = Figures(announced=int(told or 0))
    if status == PromiseStatus.kept:
        figures.kept_on_time = count
    elif status == PromiseStatus.late:
        figures.late, figures.lateness_total = count, int(lateness)
    else:
        figures.missed = count
    return figures


def _worst_clients(session: Session, since: datetime, end: datetime, most: int) -> list[tuple[int, str, Figures]]:
    """The clients with the most broken promises in the period, with all their figures."""
    in_period = (Promise.window_end >= since, Promise.window_end < end)
    # an open promise whose window ended is missed, only not swept yet
    broken = (Promise.status.in_((PromiseStatus.late, PromiseStatus.missed, PromiseStatus.open)),)
    worst = (select(Promise.client_id).where(*in_period, *broken).group_by(Promise.client_id)
             .order_by(func.count().desc(), Promise.client_id).limit(most))
    ids = list(session.scalars(worst))
    if not ids:
        return []
    rows = session.execute(
        select(Promise.client_id, EFFECTIVE, func.count(), func.coalesce(func.sum(Promise.lateness_minutes), 0),
               func.sum(case((ANNOUNCED, 1), else_=0)))
        .where(Promise.client_id.in_(ids), *in_period, Promise.status != PromiseStatus.cancelled)
        .group_by(Promise.client_id, EFFECTIVE)
    ).all()
    names = dict(session.execute(select(Client.id, Client.name).where(Client.id.in_(ids))).all())
    per_client: dict[int, Figures] = {client_id: Figures() for client_id in ids}
    for client_id, status, count, lateness, told in rows:
        per_client[client_id].add(_figures(status, count, lateness, told))
    return [(client_id, names.get(client_id, ""), per_client[client_id]) for client_id in ids]


def flagged_clients(session: Session, *, now: datetime, by: Principal) -> list[dict[str, Any]]:
    """Clients with two or more broken promises (late or missed) whose window ended in the last 90 days."""
    require(by, READ)
    broken = (select(Promise.client_id, func.count().label("broken"), func.max(Promise.window_end).label("last"))
              .where(Promise.window_end >= now - timedelta(days=FLAG_DAYS), Promise.window_end < now,
                     # an open one whose window ended is missed, only not swept yet
                     Promise.status.in_((PromiseStatus.late, PromiseStatus.missed, PromiseStatus.open)))
              .group_by(Promise.client_id).having(func.count() >= FLAG_BROKEN).subquery())
    rows = session.execute(select(Client.id, Client.name, Client.tier, broken.c.broken, broken.c.last)
                           .join(broken, broken.c.client_id == Client.id)
                           .order_by(broken.c.broken.desc(), broken.c.last.desc(), Client.id)).all()
    return [{"client_id": client_id, "name": name, "tier": str(tier), "broken": count, "last": last.isoformat()}
            for client_id, name, tier, count, last in rows]
