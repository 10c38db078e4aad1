"""The referrals page: who sent us whom, filtered by status, year or client; adding a referral (of
a client of the book or of a prospect); moving one on (won with its value); and the figures of the
year — conversion, value won in the reporting currency, top referrers, value won by month."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from babel.numbers import format_percent
from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from servicescape import i18n
from servicescape.clients import service as clients
from servicescape.db.types import utcnow
from servicescape.errors import ValidationFailed
from servicescape.platform.charts import Chart, PeriodValue, bar_chart_by_period, month_label
from servicescape.referrals import service
from servicescape.referrals.capability import MANAGE, READ, WRITE
from servicescape.referrals.labels import referral_status_options
from servicescape.referrals.models import ReferralStatus
from servicescape.referrals.schemas import ReferralIn, ReferralStatusIn
from servicescape.referrals.stats import ReferralStats, referral_stats
from servicescape.web.deps import RequestContext, signed_in
from servicescape.web.forms import FormInvalid, FormState, RecordId, parse_form
from servicescape.web.pages.common import FORM_PROBLEMS, Posted, choice, id_filter, problem_status, see_other
from servicescape.web.templating import Formatter, render

router = APIRouter(include_in_schema=False)

Reader = Annotated[RequestContext, Depends(signed_in(READ))]
Writer = Annotated[RequestContext, Depends(signed_in(WRITE))]
Manager = Annotated[RequestContext, Depends(signed_in(MANAGE))]
PER_PAGE = 25
#: the years offered as chips (this one and the ones before), besides all time
YEARS = 3


def _year(text: str) -> int | None:
    if not text:
        return None
    if not text.isdigit() or not 1900 <= int(text) <= 9998:
        raise ValidationFailed(i18n._("Unknown value %(value)s for %(field)s.", value=text, field="year"),
                               field="year")
    return int(text)


def value_chart(found: ReferralStats, fmt: Formatter) -> Chart:
    """The value won by month (in the reporting currency) of the referrals made in the period."""
    currency = found.reporting_currency
    points = [PeriodValue(month_label(p.first_day, fmt.locale), round(p.value_won, 2), "",
                          fmt.money(Decimal(str(round(p.value_won, 2))), currency)) for p in found.by_month]
    return bar_chart_by_period(
        points if any(p.value_won for p in found.by_month) else [],
        title=i18n._("Value won by month (%(currency)s)", currency=currency),
        description=i18n._("What the referrals made in each month won, in the reporting currency."),
        period_title=i18n._("Month"), value_title=i18n._("Value won (%(currency)s)", currency=currency),
        locale=fmt.locale)


def referrals_page(context: RequestContext, *, status: str = "", year: str = "", client: str = "", page: int = 1,
                   form: FormState | None = None, status_code: int = 200) -> Response:
    wanted_year = _year(year)
    since, until = service.period_of(wanted_year, None, None)
    filters = service.ReferralFilters(status=choice(ReferralStatus, status, "status"),
                                      client_id=id_filter(client, "client"), since=since, until=until)
    settings = context.runtime.settings
    fmt = Formatter(context.language, settings.zone)
    with context.unit() as session:
        found = service.referral_page(session, filters, page=page, per_page=PER_PAGE, clamp=True,
                                      by=context.principal)
        figures = referral_stats(session, reporting_currency=settings.reporting_currency, since=since, until=until,
                                 top=5, by=context.principal)
        client_name = clients.clients.get(session, filters.client_id, by=context.principal).name \
            if filters.client_id else None
    today = utcnow().astimezone(settings.zone).date()
    query = {"status": status, "year": year, "client": client}

    def percent(share: float | None) -> str:
        return "—" if share is None else format_percent(share, format="#,##0.#%", locale=fmt.locale)

    def reporting(amount: float) -> str:
        return fmt.money(Decimal(str(round(amount, 2))), settings.reporting_currency)

    return render(context, "referrals/referrals.html", status_code=status_code, active_nav="referrals",
                  found=found, query=query, client_name=client_name, figures=figures, chart=value_chart(figures, fmt),
                  years=[today.year - n for n in range(YEARS)], percent=percent, reporting=reporting,
                  statuses=referral_status_options(), today=today.isoformat(),
                  form=form or FormState({"referred_kind": "prospect", "referred_on": today.isoformat()}))


@router.get("/referrals")
def referrals(
    context: Reader,
    status: Annotated[str, Query(max_length=20)] = "",
    year: Annotated[str, Query(max_length=4)] = "",
    client: Annotated[str, Query(max_length=20)] = "",
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    return referrals_page(context, status=status, year=year, client=client, page=page)


def _new_referral(context: RequestContext, values: dict[str, str]) -> dict[str, Any]:
    """The add form's values: the referrer and (by the choice) the referred client or a prospect."""
    fixed: dict[str, Any] = {}
    form = dict(values)
    with context.unit() as session:
        fixed["referrer_client_id"] = clients.find_client(session, values.get("referrer", ""), by=context.principal,
                                                          field="referrer").id
        if values.get("referred_kind") == "client":
            typed = values.get("referred", "").strip()
            if not typed:
                raise FormInvalid({"referred": i18n._("Say which client was referred.")})
            fixed["referred_client_id"] = clients.find_client(session, typed, by=context.principal,
                                                              field="referred").id
            for field in service.PROSPECT_FIELDS:
                form.pop(field, None)
    return parse_form(ReferralIn, form, zone=context.runtime.settings.zone, fixed=fixed)


@router.post("/referrals")
def add_referral(context: Writer, values: Posted) -> Response:
    try:
        data = _new_referral(context, values)
        with context.unit() as session:
            service.referrals.create(session, data, by=context.principal)
    except FORM_PROBLEMS as problem:
        return referrals_page(context, form=FormState.failed(values, problem), status_code=problem_status(problem))
    return see_other("/referrals", context, i18n._("The referral was recorded."))


@router.post("/referrals/{referral_id}/status")
def referral_status(referral_id: RecordId, context: Writer, values: Posted) -> Response:
    try:
        data = parse_form(ReferralStatusIn, values, zone=context.runtime.settings.zone, amounts=("value_won",))
        with context.unit() as session:
            found = service.referrals.get(session, referral_id, by=context.principal)
            service.set_status(session, found, data["status"], value_won=data.get("value_won"),
                               currency=data.get("currency"), won_on=data.get("won_on"), by=context.principal)
    except FORM_PROBLEMS as problem:
        return referrals_page(context, form=FormState.failed({}, problem), status_code=problem_status(problem))
    back = values.get("next", "")
    return see_other(back if back.startswith("/referrals") else "/referrals", context,
                     i18n._("The referral's status was changed."))


@router.post("/referrals/{referral_id}/delete")
def delete_referral(referral_id: RecordId, context: Manager) -> Response:
    with context.unit() as session:
        service.referrals.delete(session, service.referrals.get(session, referral_id, by=context.principal),
                                 by=context.principal)
    return see_other("/referrals", context, i18n._("The referral was deleted."))
