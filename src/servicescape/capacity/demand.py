"""The demand of the weeks ahead against the capacity promised: confirmed work, the weighted
pipeline and the seasonal baseline (with its backtest beside a naive last-year one); tasks where
over-booking puts a promised window at risk; for valleys, what to sell: dormant clients to contact
again and off-peak packages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from servicescape.auth.permissions import Principal, require
from servicescape.capacity import outlook, service
from servicescape.capacity.capability import MANAGE, READ
from servicescape.capacity.outlook import Backtest, Outlook
from servicescape.clients.models import Client, ClientStatus, Invoice
from servicescape.i18n import _
from servicescape.offerings import service as offerings
from servicescape.offerings.models import ServicePackage
from servicescape.promises.models import Promise, PromiseStatus
from servicescape.tasks import service as tasks
from servicescape.tasks.models import Task

HISTORY_YEARS = 3
DORMANT_AFTER_DAYS = 365
SUGGESTIONS = 10


@dataclass(frozen=True)
class Demand:
    outlook: Outlook
    seasonal: Backtest
    naive: Backtest
    heatmap: service.Heatmap


def demand(session: Session, *, today: date, weeks: int, zone: Any, reporting_currency: str,
           by: Principal) -> Demand:
    require(by, READ)
    ahead = service.heatmap(session, today, weeks, today=today, zone=zone, reporting_currency=reporting_currency,
                            by=by)
    origin = ahead.weeks[0]
    history = service.worked_history(session, origin - timedelta(weeks=52 * HISTORY_YEARS), origin - timedelta(days=1))
    baseline = outlook.seasonal_baseline(history, ahead.weeks) if history else np.full(len(ahead.weeks), np.nan)
    found = outlook.demand_outlook(
        ahead.weeks, confirmed=ahead.scheduled.sum(axis=0),
        pipeline=outlook.pipeline_hours(service.proposals(session, ahead.weeks), ahead.weeks),
        baseline=baseline, capacity=ahead.available.sum(axis=0))
    empty = Backtest(float("nan"), float("nan"), 0, 0, 0)
    seasonal = outlook.backtest(history, outlook.seasonal_baseline) if history else empty
    naive = outlook.backtest(history, outlook.naive_last_year) if history else empty
    return Demand(found, seasonal, naive, ahead)


def _number(value: float) -> float | None:
    return None if not np.isfinite(value) else round(float(value), 2)


def demand_payload(found: Demand) -> dict[str, Any]:
    o = found.outlook
    return {
        "weeks": [{"week": week.isoformat(), "confirmed": _number(o.confirmed[n]), "pipeline": _number(o.pipeline[n]),
                   "baseline": _number(o.baseline[n]), "unbooked": _number(o.unbooked[n]),
                   "expected": _number(o.expected[n]), "capacity": _number(o.capacity[n]),
                   "load": _number(o.load[n]), "peak": bool(o.peaks[n]), "valley": bool(o.valleys[n])}
                  for n, week in enumerate(o.weeks)],
        "backtest": {name: {"mae": _number(b.mae), "wape": _number(b.wape), "compared": b.compared,
                            "origins": b.origins_used}
                     for name, b in (("seasonal", found.seasonal), ("naive_last_year", found.naive))},
        "overbooked": overbooked(found.heatmap),
    }


def overbooked(found: service.Heatmap) -> list[dict[str, Any]]:
    """Staff and weeks ahead where more is scheduled than is available."""
    return [{"staff_id": row.staff_id, "name": row.name, "week": week.isoformat(),
             "scheduled": _number(found.scheduled[n, w]), "available": _number(found.available[n, w])}
            for n, row in enumerate(found.staff) for w, week in enumerate(found.weeks)
            if not found.past[w] and found.scheduled[n, w] > found.available[n, w] + 1e-9]


def warn_overbooked(session: Session, *, today: date, weeks: int, zone: Any, reporting_currency: str,
                    by: Principal) -> int:
    """A task for the person over-booked in a week where they hold promised windows (once per person
    and week): the promises are at risk unless work is moved. Returns the tasks made."""
    require(by, MANAGE)
    ahead = service.heatmap(session, today, weeks, today=today, zone=zone, reporting_currency=reporting_currency,
                            by=by)
    made = 0
    for item in overbooked(ahead):
        week = date.fromisoformat(item["week"])
        start = datetime.combine(week, datetime.min.time(), zone)
        held = session.scalar(select(func.count()).select_from(Promise).where(
            Promise.owner_id == item["staff_id"], Promise.status == PromiseStatus.open,
            Promise.kind.in_(service.HOLDING_KINDS),
            Promise.window_start >= start, Promise.window_start < start + timedelta(days=7)))
        if not held:
            continue
        key = f"capacity.overbooked:{item['staff_id']}:{week.isoformat()}"
        title = _("Over-booked in the week of %(week)s: %(scheduled)s h scheduled, %(available)s h available — "
                  "%(n)s promised windows at risk", week=week.isoformat(), scheduled=item["scheduled"],
                  available=item["available"], n=held)
        before = session.scalar(select(func.count()).select_from(Task).where(Task.dedupe_key == key))
        tasks.ensure_task(session, dedupe_key=key, rule="capacity.overbooked", by=by, data={
            "kind": "capacity", "title": title[:300], "owner_id": item["staff_id"],
            "due_at": start, "priority": "high"})
        made += 0 if before else 1
    return made


def valley_suggestions(session: Session, *, today: date, reporting_currency: str, by: Principal) -> dict[str, Any]:
    """Dormant clients (bought before, nothing invoiced for a year; the most valuable first) and off-peak packages."""
    require(by, READ)
    known = offerings.rates(session, reporting_currency)
    amount = offerings.in_reporting_currency(Invoice.amount, Invoice.currency, known)
    last = func.max(Invoice.issued_on)
    rows = session.execute(
        select(Client.id, Client.name, Client.owner_id, last.label("last"), func.sum(amount).label("revenue"))
        .join(Invoice, Invoice.client_id == Client.id).where(Client.status == ClientStatus.active)
        .group_by(Client.id, Client.name, Client.owner_id)
        .having(last < today - timedelta(days=DORMANT_AFTER_DAYS))
        .order_by(func.sum(amount).desc().nulls_last(), Client.id).limit(SUGGESTIONS)).all()
    packages = session.scalars(select(ServicePackage).where(ServicePackage.active, ServicePackage.off_peak)
                               .order_by(ServicePackage.name)).all()
    return {"dormant_clients": [{"client_id": r.id, "name": r.name, "owner_id": r.owner_id,
                                 "last_invoice": r.last.isoformat(), "revenue": _number(float(r.revenue or 0))}
                                for r in rows],
            "off_peak_packages": [{"package_id": p.id, "name": p.name} for p in packages]}
