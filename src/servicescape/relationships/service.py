"""Contact cadence: how often each tier should hear from the firm (the interaction log says when it
last did), and the clients overdue for contact — by tier, then revenue, then days overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from servicescape.auth.models import Staff
from servicescape.auth.permissions import Principal, require
from servicescape.clients.models import Client, ClientStatus, Interaction, Invoice, Tier
from servicescape.db.memo import unchanged_since
from servicescape.errors import ValidationFailed
from servicescape.i18n import _
from servicescape.offerings import service as offerings
from servicescape.offerings import targets
from servicescape.relationships.capability import MANAGE, READ
from servicescape.relationships.models import CadencePolicy

DEFAULT_CADENCE: dict[Tier, int] = {Tier.key: 14, Tier.growth: 30, Tier.standard: 90}
TIER_ORDER = {Tier.key: 0, Tier.growth: 1, Tier.standard: 2}
REVENUE_DAYS = 365


def cadence(session: Session) -> dict[Tier, int]:
    found = dict(session.execute(select(CadencePolicy.tier, CadencePolicy.every_days)).all())
    return {tier: found.get(tier, days) for tier, days in DEFAULT_CADENCE.items()}


def cadence_of(session: Session, *, by: Principal) -> dict[Tier, int]:
    require(by, READ)
    return cadence(session)


def set_cadence(session: Session, tier: Tier, every_days: int, *, by: Principal) -> dict[Tier, int]:
    require(by, MANAGE)
    if isinstance(every_days, bool) or not isinstance(every_days, int) or not 1 <= every_days <= 3650:
        def naming(label: str) -> str:
            return _("%(field)s must be a whole number from %(low)s to %(high)s.", field=label, low=1, high=3650)

        raise ValidationFailed(naming("every_days"), field="every_days", naming=naming)
    found = session.get(CadencePolicy, tier)
    if found is None:
        session.add(CadencePolicy(tier=tier, every_days=every_days))
    else:
        found.every_days = every_days
    session.flush()
    return cadence(session)


def calendar_url(public_url: str, token: str) -> str:
    """The private calendar link of a token (``calendar.new_link``) as calendar applications take it."""
    return f"{public_url}/calendar/{token}.ics"


def exchange_rates(session: Session, reporting_currency: str, *, by: Principal) -> dict[str, float]:
    """The rates the figures convert revenue with: currency → one unit's worth in the reporting
    currency (which is worth 1); invoices in a currency without one are left out and counted."""
    require(by, READ)
    return offerings.rates(session, reporting_currency)


@dataclass(frozen=True)
class OverdueContact:
    client_id: int
    name: str
    tier: Tier
    owner_id: int | None
    owner_name: str | None
    last_contact_at: datetime | None
    due_at: datetime            # when the next contact was due
    days_overdue: int
    revenue: float              # last 12 months, reporting currency


@dataclass(frozen=True)
class OverduePage:
    items: list[OverdueContact]
    total: int
    page: int
    per_page: int
    currency: str

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def overdue_contacts(session: Session, *, now: datetime, reporting_currency: str, owner_id: int | None = None,
                     tier: Tier | None = None, page: int = 1, per_page: int = 50, clamp: bool = False,
                     by: Principal) -> OverduePage:
    """Active clients not contacted within their tier's cadence, or their package level's where it
    promises contact more often (never contacted: counted from when they were added): key accounts
    first, then by revenue, then the longest overdue."""
    require(by, READ)
    if not 1 <= per_page <= 500 or page < 1:
        raise ValidationFailed(_("per_page must be between 1 and %(max)s", max=500), field="per_page")
    return _overdue_contacts(session, now, reporting_currency, owner_id, tier, page, per_page, clamp)


@unchanged_since()
def _overdue_contacts(session: Session, now: datetime, reporting_currency: str, owner_id: int | None,
                      tier: Tier | None, page: int, per_page: int, clamp: bool) -> OverduePage:
    """Remembered until the next write (pages ask with ``now`` to the minute: once a minute per owner)."""
    every = cadence(session)
    last = (select(func.max(Interaction.occurred_at)).where(Interaction.client_id == Client.id,
                                                            Interaction.occurred_at <= now)
            .correlate(Client).scalar_subquery())
    tier_cutoff = case({t: now - timedelta(days=days) for t, days in every.items()}, value=Client.tier)
    where = [Client.status == ClientStatus.active]
    if owner_id is not None:
        where.append(Client.owner_id == owner_id)
    if tier is not None:
        where.append(Client.tier == tier)
    # each client's last contact found once (an index seek), the overdue kept; then their revenue,
    # the order and the page — with the total alongside, in one statement
    contacted = (select(Client.id, Client.name, Client.tier, Client.owner_id, Client.created_at,
                        last.label("last_contact"), tier_cutoff.label("tier_cutoff"),
                        targets.cadence_days_column(session).label("level_days"))
                 .where(*where).subquery())
    since = func.coalesce(contacted.c.last_contact, contacted.c.created_at)
    cutoff = targets.contact_cutoff(session, contacted.c.tier_cutoff, contacted.c.level_days, now)
    overdue = select(contacted).where(since < cutoff).subquery()
    revenue = (select(func.coalesce(func.sum(offerings.in_reporting_currency(
        Invoice.amount, Invoice.currency, offerings.rates(session, reporting_currency))), 0.0))
        .where(Invoice.client_id == overdue.c.id, Invoice.issued_on >= (now - timedelta(days=REVENUE_DAYS)).date())
        .scalar_subquery().label("revenue"))
    tier_rank = case({t: rank for t, rank in TIER_ORDER.items()}, value=overdue.c.tier)
    ordered = (select(overdue.c.id, overdue.c.name, overdue.c.tier, overdue.c.owner_id, overdue.c.created_at,
                      overdue.c.last_contact, overdue.c.level_days, revenue, func.count().over().label("total"))
               .order_by(tier_rank, revenue.desc(), func.coalesce(overdue.c.last_contact, overdue.c.created_at),
                         overdue.c.id))
    rows = session.execute(ordered.limit(per_page).offset((page - 1) * per_page)).all()
    if rows:
        total = rows[0].total
    else:  # past the last page (or nothing overdue): count them
        total = session.scalar(select(func.count()).select_from(overdue)) or 0
        if clamp and total:
            page = max(1, -(-total // per_page))
            rows = session.execute(ordered.limit(per_page).offset((page - 1) * per_page)).all()
    owners = _names(session, {row.owner_id for row in rows if row.owner_id})
    items = []
    for row in rows:
        days = every[row.tier] if row.level_days is None else min(row.level_days, every[row.tier])
        due = (row.last_contact or row.created_at) + timedelta(days=days)
        items.append(OverdueContact(row.id, row.name, row.tier, row.owner_id, owners.get(row.owner_id),
                                    row.last_contact, due, max(0, (now - due).days), float(row.revenue or 0)))
    return OverduePage(items, total, page, per_page, reporting_currency)


def _names(session: Session, staff_ids: set[int]) -> dict[int, str]:
    if not staff_ids:
        return {}
    return dict(session.execute(select(Staff.id, Staff.name).where(Staff.id.in_(staff_ids))).all())
