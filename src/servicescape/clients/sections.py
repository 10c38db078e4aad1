"""The client book's sections of a client's page (declared in capability.py), and what its forms
pick from. Each loader answers the values of its template; the page adds ``client``, ``form``
(the add form's state), ``open`` (the add form failed and shows its errors) and ``message``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from servicescape import i18n
from servicescape.auth.models import Staff
from servicescape.clients import service
from servicescape.clients.models import Client
from servicescape.db.types import utcnow
from servicescape.offerings.models import ServicePackage
from servicescape.platform.charts import Chart, PeriodValue, bar_chart_by_period, month_label
from servicescape.platform.timeline import TimelineScope
from servicescape.platform.timeline import timeline as platform_timeline
from servicescape.web.deps import RequestContext
from servicescape.web.forms import FormState, display_value, local_input
from servicescape.web.templating import Formatter

TIMELINE_PAGE = 20


@dataclass(frozen=True)
class Pickers:
    """Choices of the forms: active staff and packages, plus whatever a record already names."""

    staff: list[Staff]
    packages: list[ServicePackage]

    @classmethod
    def load(cls, session: Session, context: RequestContext) -> Pickers:
        choices = service.record_choices(session, by=context.principal)
        return cls(choices.staff, choices.packages)

    def staff_options(self, selected: Any, empty: str) -> list[tuple[str, str]]:
        chosen = display_value(selected)
        return [("", empty)] + [
            (str(person.id), person.name if person.active
             else i18n._("%(name)s (inactive)", name=person.name))
            for person in self.staff if person.active or str(person.id) == chosen
        ]

    def package_options(self, selected: Any, empty: str) -> list[tuple[str, str]]:
        chosen = display_value(selected)
        return [("", empty)] + [
            (str(package.id), f"{package.name} · {package.level}" if package.level else package.name)
            for package in self.packages if package.active or str(package.id) == chosen
        ]


def _me(context: RequestContext) -> str:
    return str(context.user.id) if context.user else ""


def _today(context: RequestContext) -> str:
    return utcnow().astimezone(context.runtime.settings.zone).date().isoformat()


def revenue(context: RequestContext, session: Session, client: Client) -> dict[str, Any]:
    found = service.client_revenue(session, client.id, by=context.principal)
    return {"revenue": found, "chart": revenue_chart(context, found)}


def revenue_chart(context: RequestContext, found: service.Revenue) -> Chart | None:
    """Invoiced per month (every month from the first to the last invoice of the window, empty
    months included), one series per currency; None when there is nothing to draw."""
    if not found.months:
        return None
    fmt = Formatter(context.language, context.runtime.settings.zone)
    amounts = {(month, currency): amount for month, currency, amount in found.months}
    currencies = sorted({currency for _month, currency, _amount in found.months})
    months = _month_range(found.months[0][0], found.months[-1][0])
    points = [
        PeriodValue(month_label(month, fmt.locale), amounts.get((month, currency), Decimal(0)),
                    currency if len(currencies) > 1 else "",
                    fmt.money(amounts.get((month, currency), Decimal(0)), currency))
        for month in months for currency in currencies
    ]
    return bar_chart_by_period(
        points, title=i18n._("Invoiced by month"),
        description=i18n._("The amounts invoiced to this client in each month, by currency."),
        period_title=i18n._("Month"),
        value_title=i18n._("Invoiced (%(currency)s)", currency=currencies[0]) if len(currencies) == 1
        else i18n._("Invoiced"),
        series_title=i18n._("Currency") if len(currencies) > 1 else None, locale=fmt.locale,
    )


def _month_range(first: date, last: date) -> list[date]:
    months, index = [], first.year * 12 + first.month - 1
    while (month := date(index // 12, index % 12 + 1, 1)) <= last:
        months.append(month)
        index += 1
    return months


def timeline(context: RequestContext, session: Session, client: Client) -> dict[str, Any]:
    params = context.request.query_params
    page = platform_timeline(
        session, TimelineScope(client_id=client.id), by=context.principal, zone=context.runtime.settings.zone,
        types=[kind for kind in params.getlist("type") if kind], before=params.get("before") or None,
        limit=TIMELINE_PAGE,
    )
    return {"page": page, "pickers": Pickers.load(session, context),
            "form": FormState({"channel": "call", "occurred_at": local_input(utcnow(), context.runtime.settings.zone),
                               "staff_id": _me(context)})}


def contacts(context: RequestContext, session: Session, client: Client) -> dict[str, Any]:
    return {"contacts": service.client_contacts(session, client.id, by=context.principal), "form": FormState()}


def engagements(context: RequestContext, session: Session, client: Client) -> dict[str, Any]:
    me = _me(context)
    return {"engagements": service.client_engagements(session, client.id, by=context.principal),
            "pickers": Pickers.load(session, context),
            "form": FormState({"status": "active", "sold_by_id": me, "delivered_by_id": me,
                               "start_date": _today(context)})}


def invoices(context: RequestContext, session: Session, client: Client) -> dict[str, Any]:
    rows = service.client_invoices(session, client.id, by=context.principal)
    return {"invoices": rows, "engagements": service.client_engagements(session, client.id, by=context.principal),
            "form": FormState({"issued_on": _today(context), "currency": rows[0].currency if rows else ""})}
