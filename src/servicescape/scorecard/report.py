"""The printable reports, in any of the six languages: the owner's and manager's report of a period (the
scorecard with trends, the five gaps, the ten elements, promise reliability by office, quality gaps by
dimension, what clients said, key accounts and their health, the capacity outlook, recommendations, and
a methods appendix) and a client's account pack for a key-account review meeting (source 003).

One rendering serves the page, the PDF, the API and the command line: :func:`firm_html` and
:func:`client_html` give the page alone (``for_pdf``: without stylesheet links), :func:`pdf` lays it
out with WeasyPrint. Charts are the platform's Vega-Lite charts rendered to SVG on the server.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from servicescape import i18n
from servicescape.auth.models import Staff
from servicescape.auth.permissions import SYSTEM, Principal, require
from servicescape.clients.models import Client, ClientStatus, Interaction, Invoice, Tier
from servicescape.config import LANGUAGES, Settings
from servicescape.errors import NotFound, ValidationFailed
from servicescape.i18n import N_, _
from servicescape.platform import charts
from servicescape.platform.pdf import html_to_pdf
from servicescape.scorecard import catalogue, figures, gaps, health, recommendations, service
from servicescape.scorecard.capability import HEALTH_READ, READ
from servicescape.voice import labels as voice_labels
from servicescape.web.templating import ENVIRONMENT, Formatter

FIRM_TEMPLATE = "scorecard/report_firm.html"
CLIENT_TEMPLATE = "scorecard/report_client.html"
PAGE_TEMPLATE = "scorecard/report_page.html"
HISTORY_QUARTERS = 4
OUTLOOK_WEEKS = 12
KEY_ACCOUNTS_SHOWN = 15
#: shorter names of the elements where a chart's axis has no room for the whole one
CHART_LABELS = {"relationships": N_("Relationships")}


def language_of(language: str | None, settings: Settings) -> str:
    """The report's language: one of the UI's six (default: the firm's)."""
    chosen = language or settings.default_language
    if chosen not in LANGUAGES:
        raise ValidationFailed(_("Choose one of the languages: %(languages)s.", languages=", ".join(LANGUAGES)),
                               field="lang")
    return chosen


@dataclass(frozen=True)
class Office:
    office: str
    promises: int
    kept: int
    clients: int
    contacted: int

    @property
    def kept_share(self) -> float | None:
        return 100.0 * self.kept / self.promises if self.promises else None

    @property
    def contacted_share(self) -> float | None:
        return 100.0 * self.contacted / self.clients if self.clients else None


def _offices(session: Session, window: figures.Window, now: datetime) -> list[Office]:
    """Promises kept on time and contact cadence kept per office (each promise and client counted in
    its owner's office: ``staff_capacity.country``); empty when the firm records no offices."""
    from servicescape.relationships import service as relationships

    office_of = figures.offices_of_staff(session)
    if len(set(office_of.values())) < 2:
        return []
    kept: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for office, promises, kept_now in figures.promises_by_office(session, window, office_of):
        kept[office] = [promises, kept_now]
    clients: Counter[str] = Counter()
    overdue: Counter[str] = Counter()
    owners = dict(session.execute(select(Client.owner_id, func.count()).where(Client.status == ClientStatus.active,
                                                                             Client.owner_id.is_not(None))
                                  .group_by(Client.owner_id)).all())
    for owner_id, count in owners.items():
        if owner_id not in office_of:
            continue
        clients[office_of[owner_id]] += count
        overdue[office_of[owner_id]] += relationships.overdue_contacts(
            session, now=min(now, window.until), reporting_currency=window.reporting_currency, owner_id=owner_id,
            per_page=1, by=SYSTEM).total
    names = sorted(set(office_of.values()))
    return [Office(name, kept[name][0], kept[name][1], clients[name], clients[name] - overdue[name]) for name in names]


def element_chart(card: service.Scorecard, locale: str) -> charts.Chart:
    """The seven elements' scores (the scorecard page and the report)."""
    points = [charts.CategoryValue(_(CHART_LABELS.get(group.key, group.label)), round(group.now.score, 1))
              for group in card.elements if group.now.score is not None]
    return charts.bar_chart_by_category(points, title=_("The seven elements"),
                                        description=_("Each element's score, 0 to 100"),
                                        category_title=_("Element"), value_title=_("Score"), locale=locale)


def _history_chart(history: list[dict[str, Any]], locale: str) -> charts.Chart:
    points = [charts.PeriodValue(row["period"]["key"], row["overall"], _("Overall"))
              for row in history if row["overall"] is not None]
    for key, label in catalogue.ELEMENTS.items():
        points += [charts.PeriodValue(row["period"]["key"], row["elements"][key], _(CHART_LABELS.get(key, label)))
                   for row in history if row["elements"][key] is not None]
    return charts.line_chart_by_period(points, title=_("Scores by quarter"),
                                       description=_("The overall score and each element's, quarter by quarter"),
                                       period_title=_("Quarter"), value_title=_("Score"), series_title=_("Element"),
                                       locale=locale)


def dimension_chart(dimensions: dict[str, float], locale: str) -> charts.Chart:
    """Gap 5 by SERVQUAL dimension (the scorecard page and the report)."""
    from servicescape.quality.instrument import DIMENSION_LABELS

    points = [charts.CategoryValue(_(DIMENSION_LABELS[key]), round(value, 2)) for key, value in dimensions.items()]
    return charts.bar_chart_by_category(points, title=_("Quality gaps by dimension"),
                                        description=_("Perceived minus expected service in each SERVQUAL dimension"),
                                        category_title=_("Dimension"), value_title=_("Gap"), locale=locale)


def _outlook(session: Session, settings: Settings, today: date, language: str,
             locale: str) -> tuple[charts.Chart | None, int, int]:
    from servicescape.capacity import service as capacity
    from servicescape.capacity.models import StaffCapacity

    if session.scalar(select(StaffCapacity.staff_id).limit(1)) is None:
        return None, 0, 0
    first = today - timedelta(days=today.weekday())
    found = capacity.heatmap(session, first, OUTLOOK_WEEKS, today=today, zone=settings.zone,
                             reporting_currency=settings.reporting_currency, by=SYSTEM)
    fmt = Formatter(language, settings.zone)
    points = []
    for column, week in enumerate(found.weeks):
        label = fmt.date(week)
        points.append(charts.PeriodValue(label, round(float(found.available[:, column].sum())), _("Available")))
        points.append(charts.PeriodValue(label, round(float(found.scheduled[:, column].sum())), _("Scheduled")))
    over = int(((found.scheduled > found.available + 1e-9) & (found.available > 0)).sum())
    staffed = int((found.available > 0).sum())
    chart = charts.bar_chart_by_period(points, title=_("Capacity outlook"),
                                       description=_("Hours available and scheduled in each of the next twelve weeks"),
                                       period_title=_("Week"), value_title=_("Hours"), series_title=_("Hours"),
                                       locale=locale)
    return chart, over, staffed


def _voice(session: Session, card: service.Scorecard) -> dict[str, Any]:
    from servicescape.voice import service as voice

    filters = voice.FeedbackFilters(said_from=card.period.first_day, said_to=card.period.last_day)
    found = voice.heatmap(session, filters, by=SYSTEM)
    themes = voice.themes(session, filters, by=SYSTEM)
    return {"heatmap": found, "themes": themes.themes[:5], "comments": themes.comments}


def _left_out(session: Session, card: service.Scorecard) -> int:
    """Survey responses started in the period and never submitted (left out of every figure)."""
    from servicescape.quality.models import SurveyResponse

    return session.scalar(select(func.count()).select_from(SurveyResponse).where(
        SurveyResponse.started_at >= card.period.since, SurveyResponse.started_at < card.period.until,
        SurveyResponse.submitted_at.is_(None))) or 0


def _key_accounts(session: Session) -> tuple[list[health.Line], dict[str, int], datetime | None]:
    found = health.listing(session, per_page=KEY_ACCOUNTS_SHOWN, by=SYSTEM)
    return [line for line in found.items if line.tier == Tier.key], found.risk_counts, found.computed_at


def firm_values(session: Session, settings: Settings, *, period: str | None, language: str, now: datetime,
                by: Principal) -> dict[str, Any]:
    """Everything the firm's report shows, with its texts in ``language``."""
    require(by, READ)
    locale = str(Formatter(language, settings.zone).locale)
    with i18n.speaking(language):
        card = service.scorecard(session, settings, period=period, now=now, by=by)
        window = figures.Window(card.period.since, card.period.until, settings.zone, settings.reporting_currency)
        history = service.history(session, settings, quarters=HISTORY_QUARTERS, now=now, by=by)
        gap_results = gaps.gaps(session, card, by=by)
        dimensions = next((g.dimensions for g in gap_results if g.gap.key == "client"), {})
        outlook, over, staffed = _outlook(session, settings, now.astimezone(settings.zone).date(), language, locale)
        key_accounts, risk_counts, health_at = _key_accounts(session)
        return {
            "card": card, "gaps": gap_results, "ticks": gaps.checklist(card, by=by),
            "advice": recommendations.recommendations(session, settings, now=now, by=by),
            "offices": _offices(session, window, now), "voice": _voice(session, card),
            "key_accounts": key_accounts, "risk_counts": risk_counts, "health_at": health_at,
            "outlook": outlook, "over_capacity": over, "staff_weeks": staffed, "left_out": _left_out(session, card),
            "element_chart": element_chart(card, locale), "history": history,
            "history_chart": _history_chart(history, locale),
            "dimension_chart": dimension_chart(dimensions, locale) if dimensions else None,
            "weights": {m.measure.key: m.weight for m in card.measures},
        }


def client_values(session: Session, settings: Settings, client_id: int, *, language: str, now: datetime,
                  by: Principal) -> dict[str, Any]:
    """Everything a client's account pack shows, with its texts in ``language``."""
    from servicescape.offerings.service import rates
    from servicescape.plan import knowledge
    from servicescape.promises.models import Complaint, Promise
    from servicescape.quality.models import SurveyResponse
    from servicescape.voice import service as voice

    require(by, HEALTH_READ)
    client = session.get(Client, client_id)
    if client is None:
        raise NotFound(_("No client %(id)s.", id=client_id), field="client_id")
    with i18n.speaking(language):
        fmt = Formatter(language, settings.zone)
        today = now.astimezone(settings.zone).date()
        known = rates(session, settings.reporting_currency)
        months: dict[date, float] = {}
        first_month = (today.replace(day=1) - timedelta(days=335)).replace(day=1)
        for day, currency, amount in session.execute(
                select(Invoice.issued_on, Invoice.currency, Invoice.amount)
                .where(Invoice.client_id == client_id, Invoice.issued_on >= first_month)):
            if currency in known:
                month = day.replace(day=1)
                months[month] = months.get(month, 0.0) + float(amount) * known[currency]
        points, month = [], first_month
        while month <= today:
            label = charts.month_label(month, str(fmt.locale))
            points.append(charts.PeriodValue(label, round(months.get(month, 0.0), 2)))
            month = (month + timedelta(days=32)).replace(day=1)
        revenue_chart = charts.bar_chart_by_period(
            points, title=_("Invoiced by month"), description=_("Invoiced in each of the last twelve months"),
            period_title=_("Month"), value_title=settings.reporting_currency, locale=str(fmt.locale))
        found_health = health.of_client(session, settings, client_id, now=now, by=by) \
            if client.status == ClientStatus.active else None
        owner = session.get(Staff, client.owner_id) if client.owner_id else None
        promises = session.scalars(select(Promise).where(Promise.client_id == client_id,
                                                         Promise.window_end >= now - timedelta(days=180))
                                   .order_by(Promise.window_end.desc()).limit(20)).all()
        complaints = session.scalars(select(Complaint).where(Complaint.client_id == client_id,
                                                             Complaint.received_at >= now - timedelta(days=365))
                                     .order_by(Complaint.received_at.desc()).limit(20)).all()
        answers = session.scalars(select(SurveyResponse).where(SurveyResponse.client_id == client_id,
                                                               SurveyResponse.submitted_at.is_not(None))
                                  .order_by(SurveyResponse.submitted_at.desc()).limit(5)).all()
        contacts = session.scalars(select(Interaction).where(Interaction.client_id == client_id,
                                                             Interaction.occurred_at <= now)
                                   .order_by(Interaction.occurred_at.desc()).limit(5)).all()
        return {"client": client, "owner": owner, "health": found_health, "today": today,
                "profile": knowledge.profile_of(session, client_id, by=SYSTEM),
                "revenue_chart": revenue_chart, "revenue_total": sum(months.values()),
                "promises": promises, "complaints": complaints, "answers": answers, "contacts": contacts,
                "feedback": voice.client_feedback(session, client_id, limit=5, by=SYSTEM)}


def _render(template: str, values: dict[str, Any], settings: Settings, language: str, *, title: str,
            for_pdf: bool, links: list[tuple[str, str]] | None) -> str:
    fmt = Formatter(language, settings.zone)
    with i18n.speaking(language):
        document = ENVIRONMENT.get_template(template).render(
            fmt=fmt, firm_name=settings.firm_name, current_language=language, csrf_token="",
            catalogue=catalogue, risks=health.RISKS, voice_labels=voice_labels, **values)
        return ENVIRONMENT.get_template(PAGE_TEMPLATE).render(
            document_html=Markup(document),  # noqa: S704 - autoescaped template output
            for_pdf=for_pdf, title=title, links=links or [], firm_name=settings.firm_name,
            current_language=language, csrf_token="")


def firm_html(session: Session, settings: Settings, *, period: str | None, language: str | None, now: datetime,
              by: Principal, for_pdf: bool = False, links: list[tuple[str, str]] | None = None) -> str:
    """The firm's report as a page alone (``links``: (label, url) shown above it on screen, not printed)."""
    chosen = language_of(language, settings)
    values = firm_values(session, settings, period=period, language=chosen, now=now, by=by)
    with i18n.speaking(chosen):
        title = _("Service marketing report")
    return _render(FIRM_TEMPLATE, values, settings, chosen, title=title, for_pdf=for_pdf, links=links)


def client_html(session: Session, settings: Settings, client_id: int, *, language: str | None, now: datetime,
                by: Principal, for_pdf: bool = False, links: list[tuple[str, str]] | None = None) -> str:
    """A client's account pack as a page alone (``links`` as for :func:`firm_html`)."""
    chosen = language_of(language, settings)
    values = client_values(session, settings, client_id, language=chosen, now=now, by=by)
    with i18n.speaking(chosen):
        title = _("Account pack: %(client)s", client=values["client"].name)
    return _render(CLIENT_TEMPLATE, values, settings, chosen, title=title, for_pdf=for_pdf, links=links)


def pdf(html: str) -> bytes:
    return html_to_pdf(html)


def firm_filename(period_key: str, language: str) -> str:
    return f"servicescape-report-{period_key}-{language}.pdf"


def client_filename(client_id: int, language: str) -> str:
    return f"account-pack-{client_id}-{language}.pdf"

