"""The survey results, read from the answers: the SERVQUAL gaps per statement and per dimension with
their 95% intervals, the importance weights, the weighted score and what to fix first — overall or
split by tier, segment, owner, service package or quarter — the NPS and its trend, CSAT, and the
response rates of the campaigns.

The database does the adding up: each figure is one grouped query returning counts, sums and sums
of squares (a few hundred rows at most), and :mod:`servicescape.quality.stats` turns those into
estimates. No answer is loaded into Python, so the figures stay quick at millions of answers.
Portable SQL only (no dialect's own functions), so SQLite and PostgreSQL give the same numbers;
months and quarters are bucketed with CASE over boundaries computed here, in the time zone asked for.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any, Literal

from sqlalchemy import ColumnElement, Float, Select, case, cast, func, null, select
from sqlalchemy.orm import Session

from servicescape.auth.models import Staff
from servicescape.auth.permissions import Principal, require
from servicescape.clients.models import Client, Engagement, Tier
from servicescape.db.memo import unchanged_since
from servicescape.errors import ValidationFailed
from servicescape.i18n import _
from servicescape.offerings.models import ServicePackage
from servicescape.quality import stats
from servicescape.quality.capability import READ
from servicescape.quality.instrument import BY_CODE, DIMENSIONS
from servicescape.quality.models import Campaign, Invitation, ItemKind, SurveyAnswer, SurveyItem, SurveyResponse
from servicescape.quality.stats import NO_ESTIMATE, CsatEstimate, Estimate, NpsEstimate

#: what the results read (tables and the import kinds that write them in bulk): a write to any of them
#: computes the figures afresh; until then they are remembered (``db.memo``). The clients' and the
#: engagements' only for results filtered or split by them (a client's new phone number leaves the
#: survey results as they were).
READS = ("survey", "survey_item", "survey_campaign", "survey_response", "survey_answer", "survey_responses")
CLIENT_READS = ("client", "clients")
ENGAGEMENT_READS = ("engagement", "engagements", "service_package")


def _reads(where: ResultFilter, group: object = None, *_rest: object) -> tuple[str, ...]:
    """The tables a result of ``where`` (split by ``group``) reads besides the surveys'."""
    about_clients = where.tier is not None or where.segment is not None or where.owner_id is not None
    return ((CLIENT_READS if about_clients or group in ("tier", "segment", "owner") else ())
            + (ENGAGEMENT_READS if where.package_id is not None or group == "package" else ()))
GroupBy = Literal["tier", "segment", "owner", "package", "period"]
Step = Literal["month", "quarter"]
MOST_TREND_MONTHS = 120


@dataclass(frozen=True)
class ResultFilter:
    """Which submitted responses count: of one survey (``None``: every survey — for the SERVQUAL
    figures, every survey with SERVQUAL statements), one campaign, submitted in ``[since, until)``,
    from clients of one tier, segment or owner (the staff member who looks after them), or about an
    engagement of one service package."""

    survey_id: int | None = None
    campaign_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    tier: Tier | None = None
    segment: str | None = None
    owner_id: int | None = None
    package_id: int | None = None


def _scope(where: ResultFilter) -> list[ColumnElement[bool]]:
    """The conditions on ``SurveyResponse`` of a filter (the client's and engagement's through IN)."""
    conditions: list[ColumnElement[bool]] = [SurveyResponse.submitted_at.is_not(None)]
    if where.survey_id is not None:
        conditions.append(SurveyResponse.survey_id == where.survey_id)
    if where.campaign_id is not None:
        conditions.append(SurveyResponse.campaign_id == where.campaign_id)
    if where.since is not None:
        conditions.append(SurveyResponse.submitted_at >= where.since)
    if where.until is not None:
        conditions.append(SurveyResponse.submitted_at < where.until)
    client_conditions: list[ColumnElement[bool]] = []
    if where.tier is not None:
        client_conditions.append(Client.tier == where.tier)
    if where.segment is not None:
        client_conditions.append(Client.segment == where.segment)
    if where.owner_id is not None:
        client_conditions.append(Client.owner_id == where.owner_id)
    if client_conditions:
        conditions.append(SurveyResponse.client_id.in_(select(Client.id).where(*client_conditions)))
    if where.package_id is not None:
        conditions.append(SurveyResponse.engagement_id.in_(
            select(Engagement.id).where(Engagement.package_id == where.package_id)))
    return conditions


# --- SERVQUAL ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemGap:
    """One statement: the mean expectation and perception of the answers that gave both, and the
    gap (P − E) with its interval."""

    code: str
    number: int
    dimension: str
    expected: float | None
    perceived: float | None
    gap: Estimate

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "number": self.number, "dimension": self.dimension,
                "expected": _round(self.expected), "perceived": _round(self.perceived), **self.gap.as_dict("gap")}


@dataclass(frozen=True)
class ServqualResult:
    """The gap analysis. A dimension's gap is the mean over respondents of each respondent's own
    gap in it (the mean of their statements' P − E), with a t interval across respondents."""

    respondents: int
    items: tuple[ItemGap, ...]
    dimensions: dict[str, Estimate]
    importance: dict[str, float | None]     # mean points out of 100
    equal_weights: bool                     # importance was not asked: 20 points each
    weighted: dict[str, float | None]
    weighted_score: float | None
    fix_first: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "respondents": self.respondents,
            "dimensions": {d: {**self.dimensions[d].as_dict("gap"), "importance": _round(self.importance[d]),
                               "weighted_gap": _round(self.weighted[d])} for d in DIMENSIONS},
            "weighted_score": _round(self.weighted_score), "equal_weights": self.equal_weights,
            "fix_first": list(self.fix_first), "items": [item.as_dict() for item in self.items],
        }


@dataclass(frozen=True)
class GroupGaps:
    """The dimension gaps of one group of respondents (a tier, an owner, a quarter...)."""

    key: str | int | None
    label: str
    n: int
    dimensions: dict[str, Estimate] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "n": self.n,
                "dimensions": {d: self.dimensions.get(d, NO_ESTIMATE).as_dict("gap") for d in DIMENSIONS}}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


_GAP = SurveyAnswer.perceived - SurveyAnswer.expected


def _gap_answers(columns: Sequence[Any], responses: Any, response_id: Any) -> Select[Any]:
    """``columns`` from the SERVQUAL answers with both E and P of the responses in ``responses``."""
    return (select(*columns).select_from(SurveyAnswer)
            .join(SurveyItem, SurveyItem.id == SurveyAnswer.item_id)
            .join(responses, response_id == SurveyAnswer.response_id)
            .where(SurveyItem.kind == ItemKind.servqual, SurveyItem.code.in_(BY_CODE),
                   SurveyItem.dimension.in_(DIMENSIONS),
                   SurveyAnswer.expected.is_not(None), SurveyAnswer.perceived.is_not(None)))


def _scoped(where: ResultFilter, key: Any = None, *joins: Any) -> Any:
    """A subquery of the responses in scope: ``id`` and the group ``key``."""
    query = select(SurveyResponse.id.label("id"), (key if key is not None else null()).label("key"))
    for target, on in joins:
        query = query.outerjoin(target, on)
    return query.where(*_scope(where)).subquery("scoped")


def _dimension_sums(session: Session, scoped: Any) -> tuple[dict[Any, dict[str, Estimate]], dict[Any, int]]:
    """Per group key: each dimension's gap across respondents, and the respondents."""
    per_respondent = (_gap_answers((scoped.c.id.label("response_id"), scoped.c.key.label("key"),
                                    SurveyItem.dimension.label("dimension"),
                                    func.avg(cast(_GAP, Float)).label("gap")), scoped, scoped.c.id)
                      .group_by(scoped.c.id, scoped.c.key, SurveyItem.dimension).subquery("per_respondent"))
    gap = per_respondent.c.gap
    sums: dict[Any, dict[str, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0, 0.0, 0.0]))
    for key, dimension, n, total, total_sq in session.execute(
            select(per_respondent.c.key, per_respondent.c.dimension, func.count(), func.sum(gap), func.sum(gap * gap))
            .group_by(per_respondent.c.key, per_respondent.c.dimension)):
        line = sums[key][dimension]
        line[0] += n
        line[1] += float(total)
        line[2] += float(total_sq)
    estimates = {key: {d: stats.mean_ci(int(n), total, total_sq) for d, (n, total, total_sq) in per.items()}
                 for key, per in sums.items()}
    respondents: dict[Any, int] = {key: int(n) for key, n in session.execute(
        select(per_respondent.c.key, func.count(func.distinct(per_respondent.c.response_id)))
        .group_by(per_respondent.c.key))}
    return estimates, respondents


def _importance(session: Session, where: ResultFilter) -> dict[str, float | None]:
    """The mean importance points each dimension got (``None``: not asked)."""
    rows = session.execute(
        select(SurveyItem.dimension, func.count(SurveyAnswer.number), func.sum(SurveyAnswer.number))
        .select_from(SurveyAnswer).join(SurveyItem, SurveyItem.id == SurveyAnswer.item_id)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .where(SurveyItem.kind == ItemKind.importance, SurveyItem.dimension.in_(DIMENSIONS),
               SurveyAnswer.number.is_not(None), *_scope(where))
        .group_by(SurveyItem.dimension)).all()
    found: dict[str, float | None] = dict.fromkeys(DIMENSIONS)
    for dimension, n, total in rows:
        if dimension is not None and n and total is not None:
            found[dimension] = total / n
    return found


def servqual(session: Session, where: ResultFilter, *, by: Principal) -> ServqualResult:
    """The gap analysis of the responses in ``where``: each statement's and each dimension's gap
    with its interval, the importance weights, the weighted score and the dimensions to fix first."""
    require(by, READ)
    return _servqual(session, where)


@unchanged_since(*READS, depends=_reads)
def _servqual(session: Session, where: ResultFilter) -> ServqualResult:
    items: list[ItemGap] = []
    scoped = _scoped(where)
    for code, n, expected, perceived, total, total_sq in session.execute(
            _gap_answers((SurveyItem.code, func.count(), func.sum(SurveyAnswer.expected),
                          func.sum(SurveyAnswer.perceived), func.sum(_GAP), func.sum(_GAP * _GAP)),
                         scoped, scoped.c.id).group_by(SurveyItem.code)):
        statement, count = BY_CODE[code], int(n)
        items.append(ItemGap(code, statement.number, statement.dimension, float(expected) / count,
                             float(perceived) / count, stats.mean_ci(count, float(total), float(total_sq))))
    items.sort(key=lambda item: item.number)
    per_key, respondents = _dimension_sums(session, scoped)
    found = next(iter(per_key.values()), {})
    dimensions = {d: found.get(d, NO_ESTIMATE) for d in DIMENSIONS}
    importance = _importance(session, where)
    gaps = {d: dimensions[d].mean for d in DIMENSIONS}
    weighted = stats.weighted_gaps(gaps, importance)
    return ServqualResult(
        respondents=sum(respondents.values()), items=tuple(items), dimensions=dimensions, importance=importance,
        equal_weights=stats.importance_weights(importance) is None, weighted=weighted,
        weighted_score=stats.weighted_score(weighted), fix_first=tuple(stats.fix_first(weighted)))


def servqual_by(session: Session, where: ResultFilter, group: GroupBy, *, zone: tzinfo = UTC,
                by: Principal) -> list[GroupGaps]:
    """The dimension gaps split by the client's ``tier``, ``segment`` or ``owner``, the engagement's
    service ``package``, or the calendar quarter (``period``, in ``zone``) the response was submitted
    in; groups without respondents are left out."""
    require(by, READ)
    if group not in ("tier", "segment", "owner", "package", "period"):
        raise ValidationFailed(_("Results can be split by tier, segment, owner, package or period."), field="by")
    sums = _group_sums(session, where, group, zone)
    if group == "period":
        return [GroupGaps(k, k, sums.respondents[k], sums.estimates.get(k, {})) for k in sums.keys]
    if group == "tier":
        return [GroupGaps(str(t), str(t), sums.respondents[t], sums.estimates.get(t, {})) for t in sums.keys]
    if group == "segment":
        return [GroupGaps(s, s if s is not None else _("No segment"), sums.respondents[s], sums.estimates.get(s, {}))
                for s in sums.keys]
    unnamed = _("No owner") if group == "owner" else _("No service package")
    names = sums.names if group == "package" else dict(session.execute(  # staff's names read as they are now
        select(Staff.id, Staff.name).where(Staff.id.in_([k for k in sums.keys if k is not None]))).all())
    labelled = sorted(((names.get(k, unnamed) if k is not None else unnamed, k) for k in sums.keys),
                      key=lambda pair: (pair[1] is None, pair[0].casefold(), pair[1] or 0))
    return [GroupGaps(k, label, sums.respondents[k], sums.estimates.get(k, {})) for label, k in labelled]


@dataclass(frozen=True)
class _GroupSums:
    """The groups' gaps as counted; the packages' names (the caller names the owners, as they are now, and
    translates the labels of groups without a name)."""

    keys: list[Any]
    estimates: dict[Any, dict[str, Estimate]]
    respondents: dict[Any, int]
    names: dict[Any, str] = field(default_factory=dict)


@unchanged_since(*READS, depends=_reads)
def _group_sums(session: Session, where: ResultFilter, group: GroupBy, zone: tzinfo) -> _GroupSums:
    client = (Client, Client.id == SurveyResponse.client_id)
    if group == "period":
        quarters = _quarter_starts(session, where, zone)
        if not quarters:
            return _GroupSums([], {}, {})
        estimates, respondents = _dimension_sums(session, _scoped(where, _bucket(quarters)))
        keys = [k for k in range(len(quarters)) if k in respondents]
        labels = {k: _quarter_label(quarters[k]) for k in keys}
        return _GroupSums([labels[k] for k in keys], {labels[k]: estimates.get(k, {}) for k in keys},
                          {labels[k]: respondents[k] for k in keys})
    if group == "tier":
        estimates, respondents = _dimension_sums(session, _scoped(where, Client.tier, client))
        return _GroupSums([t for t in Tier if t in respondents], estimates, respondents)
    if group == "segment":
        estimates, respondents = _dimension_sums(session, _scoped(where, Client.segment, client))
        return _GroupSums(sorted(respondents, key=lambda s: (s is None, s or "")), estimates, respondents)
    if group == "owner":
        estimates, respondents = _dimension_sums(session, _scoped(where, Client.owner_id, client))
        return _GroupSums(list(respondents), estimates, respondents)
    engagement = (Engagement, Engagement.id == SurveyResponse.engagement_id)
    estimates, respondents = _dimension_sums(session, _scoped(where, Engagement.package_id, engagement))
    names = dict(session.execute(select(ServicePackage.id, ServicePackage.name).where(
        ServicePackage.id.in_([k for k in respondents if k is not None]))).all())
    return _GroupSums(list(respondents), estimates, respondents, names)


# --- months and quarters ---------------------------------------------------------------------------


def _month_start(moment: datetime, zone: tzinfo) -> datetime:
    local = moment.astimezone(zone)
    return datetime(local.year, local.month, 1, tzinfo=zone)


def _add_months(start: datetime, months: int) -> datetime:
    index = start.year * 12 + start.month - 1 + months
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=start.tzinfo)


def _quarter_of(start: datetime) -> datetime:
    return start.replace(month=(start.month - 1) // 3 * 3 + 1)


def _quarter_label(start: datetime) -> str:
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"


def _starts(first: datetime, last: datetime, step_months: int) -> list[datetime]:
    starts = [first]
    while starts[-1] < last:
        starts.append(_add_months(starts[-1], step_months))
    return starts


def _bucket(starts: Sequence[datetime]) -> ColumnElement[int]:
    """The index of the bucket (month, quarter) of ``submitted_at``: ``starts`` in order; before the
    first: −1. A CASE over the boundaries, the latest first."""
    whens = [(SurveyResponse.submitted_at >= start, index) for index, start in reversed(list(enumerate(starts)))]
    return case(*whens, else_=-1)


def _quarter_starts(session: Session, where: ResultFilter, zone: tzinfo) -> list[datetime]:
    """The quarters from the first to the last response in scope (or the filter's period)."""
    first, last = where.since, where.until
    if first is None or last is None:
        low, high = session.execute(select(func.min(SurveyResponse.submitted_at), func.max(SurveyResponse.submitted_at))
                                    .where(*_scope(where))).one()
        if low is None or high is None:
            return []
        first, last = first or low, last or high + timedelta(microseconds=1)
    if last <= first:
        return []
    return _starts(_quarter_of(_month_start(first, zone)),
                   _quarter_of(_month_start(last - timedelta(microseconds=1), zone)), 3)


# --- NPS and CSAT ---------------------------------------------------------------------------------


def _nps_counts(nps: Any) -> tuple[ColumnElement[Any], ColumnElement[Any], ColumnElement[Any]]:
    return (func.sum(case((nps >= stats.NPS_PROMOTER, 1), else_=0)),
            func.sum(case(((nps >= stats.NPS_PASSIVE) & (nps < stats.NPS_PROMOTER), 1), else_=0)),
            func.sum(case((nps < stats.NPS_PASSIVE, 1), else_=0)))


def _nps_answered() -> tuple[ColumnElement[bool], ...]:
    return SurveyResponse.nps.is_not(None), SurveyResponse.nps >= 0, SurveyResponse.nps <= 10


def nps(session: Session, where: ResultFilter, *, by: Principal) -> NpsEstimate:
    """The Net Promoter Score of the responses in ``where`` that answered it (every kind of survey:
    the score is kept on the response), with its 95% interval."""
    require(by, READ)
    return _nps(session, where)


@unchanged_since(*READS, depends=_reads)
def _nps(session: Session, where: ResultFilter) -> NpsEstimate:
    promoters, passives, detractors = session.execute(
        select(*_nps_counts(SurveyResponse.nps)).where(*_nps_answered(), *_scope(where))).one()
    return stats.nps(int(promoters or 0), int(passives or 0), int(detractors or 0))


def nps_trend(session: Session, where: ResultFilter, *, months: int = 24, step: Step = "month",
              now: datetime | None = None, zone: tzinfo = UTC, by: Principal) -> list[tuple[date, NpsEstimate]]:
    """The NPS per calendar month (``step="quarter"``: per quarter) in ``zone``, over the ``months``
    months that end with the month of ``where.until`` (or of ``now``): each bucket's first day and
    its estimate, oldest first; a bucket without answers has ``n`` 0 and no score."""
    require(by, READ)
    if not 1 <= months <= MOST_TREND_MONTHS:
        raise ValidationFailed(_("Ask for 1 to %(n)s months.", n=MOST_TREND_MONTHS), field="months")
    if step not in ("month", "quarter"):
        raise ValidationFailed(_("The trend goes by month or by quarter."), field="step")
    return _nps_trend(session, where, months, step, where.until or now or datetime.now(UTC), zone)


@unchanged_since(*READS, depends=lambda where, *_rest: _reads(where))
def _nps_trend(session: Session, where: ResultFilter, months: int, step: Step, end: datetime,
               zone: tzinfo) -> list[tuple[date, NpsEstimate]]:
    last = _month_start(end - timedelta(microseconds=1), zone)
    first = _add_months(last, 1 - months)
    step_months = 1 if step == "month" else 3
    if step == "quarter":
        first, last = _quarter_of(first), _quarter_of(last)
    starts = _starts(first, last, step_months)
    bucketed = (select(SurveyResponse.nps.label("nps"), _bucket(starts).label("bucket"))
                .where(*_nps_answered(), *_scope(where), SurveyResponse.submitted_at >= starts[0],
                       SurveyResponse.submitted_at < end)
                .subquery("bucketed"))
    counts = {int(bucket): (int(p or 0), int(s or 0), int(d or 0)) for bucket, p, s, d in session.execute(
        select(bucketed.c.bucket, *_nps_counts(bucketed.c.nps)).group_by(bucketed.c.bucket))}
    return [(start.date(), stats.nps(*counts.get(index, (0, 0, 0)))) for index, start in enumerate(starts)]


def csat(session: Session, where: ResultFilter, *, by: Principal) -> CsatEstimate:
    """CSAT (1–5) of the responses in ``where`` that answered it: the mean with its interval and the
    share satisfied (4–5)."""
    require(by, READ)
    return _csat(session, where)


@unchanged_since(*READS, depends=_reads)
def _csat(session: Session, where: ResultFilter) -> CsatEstimate:
    low, high = stats.CSAT_SCALE
    counts = session.execute(
        select(SurveyResponse.csat, func.count())
        .where(SurveyResponse.csat.is_not(None), SurveyResponse.csat >= low, SurveyResponse.csat <= high,
               *_scope(where))
        .group_by(SurveyResponse.csat)).all()
    return stats.csat({int(score): int(n) for score, n in counts if score is not None})


# --- response rates -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResponseRate:
    """A campaign's invitations: how many were made, e-mailed, opened and answered."""

    campaign_id: int
    name: str
    survey_id: int
    invited: int
    mailed: int
    opened: int
    answered: int

    @property
    def rate(self) -> float | None:
        """Answered of invited (``None`` before anyone was invited)."""
        return self.answered / self.invited if self.invited else None

    def as_dict(self) -> dict[str, Any]:
        return {"campaign_id": self.campaign_id, "name": self.name, "survey_id": self.survey_id,
                "invited": self.invited, "mailed": self.mailed, "opened": self.opened, "answered": self.answered,
                "rate": _round(self.rate)}


def response_rates(session: Session, campaign_id: int | None = None, *, by: Principal) -> list[ResponseRate]:
    """Every campaign's response rate (or one campaign's), in the order they were made."""
    require(by, READ)
    return _response_rates(session, campaign_id)


@unchanged_since("survey_campaign", "survey_invitation")
def _response_rates(session: Session, campaign_id: int | None) -> list[ResponseRate]:
    query = (select(Campaign.id, Campaign.name, Campaign.survey_id, func.count(Invitation.id),
                    func.count(Invitation.first_mailed_at), func.count(Invitation.opened_at),
                    func.count(Invitation.answered_at))
             .select_from(Campaign).outerjoin(Invitation, Invitation.campaign_id == Campaign.id)
             .group_by(Campaign.id, Campaign.name, Campaign.survey_id).order_by(Campaign.id))
    if campaign_id is not None:
        query = query.where(Campaign.id == campaign_id)
    return [ResponseRate(cid, name, survey_id, int(invited), int(mailed), int(opened), int(answered))
            for cid, name, survey_id, invited, mailed, opened, answered in session.execute(query)]
