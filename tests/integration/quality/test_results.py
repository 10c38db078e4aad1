"""The survey results on both databases, against figures worked out by hand.

Three SERVQUAL respondents (and a draft, a response without E/P on one statement, an NPS-only
response) whose dimension gaps are, per respondent (expected E, perceived P per statement):

    respondent  tier      owner  submitted (UTC)    tang  rel  resp  assur  emp   importance T/Rel/Resp/A/Emp
    R1          key       Aisha  2025-01-15 10:00    −1   −2    −1     0    −1    10/40/20/20/10   NPS 9  CSAT 5
    R2          standard  Ben    2025-03-31 20:00     0    0    −2     0    −1    20/30/30/10/10   NPS 6  CSAT 3
    R3          key       Aisha  2025-04-20 09:00     0   −2    −2    −1     0    10/50/20/10/10   NPS 10 CSAT 4

R3's reliability statements 5–9 have gaps 0, −1, −2, −3, −4 (their mean, −2, is R3's gap); R2 gave
no perception for statement 1. R2's moment is already 1 April in Kuala Lumpur (UTC+8).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.clients import service as clients
from servicescape.clients.models import Engagement, Tier
from servicescape.errors import PermissionDenied, ValidationFailed
from servicescape.offerings.models import ServicePackage
from servicescape.quality import results
from servicescape.quality.instrument import DIMENSIONS, STATEMENTS
from servicescape.quality.models import (
    Campaign,
    Invitation,
    ItemKind,
    Survey,
    SurveyAnswer,
    SurveyItem,
    SurveyKind,
    SurveyResponse,
    SurveyStatus,
)
from servicescape.quality.results import ResultFilter
from servicescape.runtime import Runtime
from tests.conftest import make_staff

T2, T1 = 4.302653, 12.706205   # t(0.975) at 2 and 1 degrees of freedom

R1_AT = datetime(2025, 1, 15, 10, tzinfo=UTC)
R2_AT = datetime(2025, 3, 31, 20, tzinfo=UTC)
R3_AT = datetime(2025, 4, 20, 9, tzinfo=UTC)
R5_AT = datetime(2025, 5, 3, 12, tzinfo=UTC)


def _answers(expected: int, perceived: dict[str, int], **by_number: tuple[int, int | None]) -> dict[int, tuple]:
    """E and P per statement number: ``expected`` everywhere, ``perceived`` per dimension, and
    the exceptions by number (``n5=(7, 7)``)."""
    found: dict[int, tuple] = {s.number: (expected, perceived[s.dimension]) for s in STATEMENTS}
    found.update({int(key[1:]): value for key, value in by_number.items()})
    return found


def _gaps(t: int, rel: int, resp: int, a: int, e: int) -> dict[str, int]:
    return dict(zip(DIMENSIONS, (t, rel, resp, a, e), strict=True))


class Firm:
    """What the tests read: the ids of the survey, clients, package and campaign."""

    def __init__(self, runtime: Runtime) -> None:
        aisha = make_staff(runtime, Role.staff, "aisha@firm.test", "Aisha")
        ben = make_staff(runtime, Role.staff, "ben@firm.test", "Ben")
        self.aisha, self.ben = aisha.id, ben.id
        with runtime.transaction() as session:
            def client(name: str, tier: Tier, owner: int) -> int:
                return clients.clients.create(session, {"name": name, "tier": tier, "owner_id": owner,
                                                        "segment": "retail" if tier == Tier.key else None},
                                              by=SYSTEM).id
            a, b, c = client("Alpha", Tier.key, aisha.id), client("Beta", Tier.standard, ben.id), \
                client("Gamma", Tier.key, aisha.id)
            package = ServicePackage(name="Annual audit")
            session.add(package)
            session.flush()
            self.package = package.id
            engagement = Engagement(client_id=a, package_id=package.id)
            survey = Survey(name="SERVQUAL 2025", kind=SurveyKind.servqual, status=SurveyStatus.active)
            nps_survey = Survey(name="Quick NPS", kind=SurveyKind.nps, status=SurveyStatus.active)
            session.add_all([engagement, survey, nps_survey])
            session.flush()
            self.survey = survey.id
            items = [SurveyItem(survey_id=survey.id, position=s.number, code=s.code, kind=ItemKind.servqual,
                                dimension=s.dimension) for s in STATEMENTS]
            importance = {d: SurveyItem(survey_id=survey.id, position=30 + i, code=f"importance_{d}",
                                        kind=ItemKind.importance, dimension=d) for i, d in enumerate(DIMENSIONS)}
            session.add_all([*items, *importance.values()])
            session.flush()
            by_number = {item.position: item.id for item in items}
            campaign = Campaign(survey_id=survey.id, name="Spring wave", expires_at=R3_AT + timedelta(days=60))
            session.add(campaign)
            session.flush()
            self.campaign = campaign.id

            def respond(client_id: int, at: datetime | None, answers: dict[int, tuple], points: tuple[int, ...],
                        nps: int | None, csat: int | None, **extra: object) -> None:
                response = SurveyResponse(survey_id=survey.id, client_id=client_id, language="en", submitted_at=at,
                                          nps=nps, csat=csat, **extra)
                session.add(response)
                session.flush()
                session.add_all([SurveyAnswer(response_id=response.id, item_id=by_number[number], expected=e,
                                              perceived=p) for number, (e, p) in answers.items()])
                session.add_all([SurveyAnswer(response_id=response.id, item_id=importance[d].id, number=n)
                                 for d, n in zip(DIMENSIONS, points, strict=True)])

            respond(a, R1_AT, _answers(7, {d: 7 + g for d, g in _gaps(-1, -2, -1, 0, -1).items()}),
                    (10, 40, 20, 20, 10), 9, 5, engagement_id=engagement.id, campaign_id=campaign.id)
            respond(b, R2_AT, _answers(6, {d: 6 + g for d, g in _gaps(0, 0, -2, 0, -1).items()}, n1=(6, None)),
                    (20, 30, 30, 10, 10), 6, 3)
            respond(c, R3_AT, _answers(7, {d: 7 + g for d, g in _gaps(0, -2, -2, -1, 0).items()},
                                       n5=(7, 7), n6=(7, 6), n7=(7, 5), n8=(7, 4), n9=(7, 3)),
                    (10, 50, 20, 10, 10), 10, 4)
            # not submitted: counts nowhere
            respond(b, None, _answers(1, dict.fromkeys(DIMENSIONS, 7)), (100, 0, 0, 0, 0), 0, 1)
            # another survey, NPS only: a passive in May
            session.add(SurveyResponse(survey_id=nps_survey.id, client_id=a, language="en", submitted_at=R5_AT,
                                       nps=8))
            for number, (mailed, opened, answered) in enumerate([(True, True, True), (True, False, False),
                                                                 (False, False, False)]):
                session.add(Invitation(campaign_id=campaign.id, client_id=(a, b, c)[number], greeting_name="Hi",
                                       language="en", nonce=f"n{number}", token_hash=f"{number:064d}",
                                       expires_at=R3_AT, first_mailed_at=R1_AT if mailed else None,
                                       opened_at=R1_AT if opened else None, answered_at=R1_AT if answered else None))


@pytest.fixture
def firm(runtime: Runtime) -> Firm:
    return Firm(runtime)


def test_servqual_gaps_per_statement_and_dimension(runtime: Runtime, firm: Firm) -> None:
    with runtime.transaction() as session:
        found = results.servqual(session, ResultFilter(), by=SYSTEM)
    assert found.respondents == 3   # the draft and the NPS-only response are not SERVQUAL respondents
    items = {item.number: item for item in found.items}
    assert sorted(items) == list(range(1, 23))
    # statement 1: R1 7→6 (−1), R3 7→7 (0); R2 gave no P. mean −0.5; s² = (1 − 1/2)/1 = 0.5; se 0.5;
    # t(1) · 0.5 = 6.353103
    one = items[1]
    assert (one.dimension, one.gap.n, one.expected, one.perceived) == ("tangibles", 2, 7, 6.5)
    assert one.gap.mean == pytest.approx(-0.5)
    assert (one.gap.ci_low, one.gap.ci_high) == (pytest.approx(-0.5 - T1 * 0.5), pytest.approx(-0.5 + T1 * 0.5))
    # statement 9: R1 −2, R2 0, R3 −4: mean −2; s² = (20 − 36/3)/2 = 4; se = 2/√3; ±4.968275
    nine = items[9]
    assert (nine.expected, nine.perceived) == (pytest.approx(20 / 3), pytest.approx(14 / 3))
    assert nine.gap.mean == pytest.approx(-2)
    assert nine.gap.ci_low == pytest.approx(-6.968275, abs=1e-6)
    assert nine.gap.ci_high == pytest.approx(2.968275, abs=1e-6)

    # the dimensions: each respondent's own mean gap, then the mean across the three
    # reliability: −2, 0, −2 → −4/3; s² = (8 − 16/3)/2 = 4/3; se = 2/3; ±2.868435
    reliability = found.dimensions["reliability"]
    assert (reliability.n, reliability.mean) == (3, pytest.approx(-4 / 3))
    assert reliability.ci_low == pytest.approx(-4.201769, abs=1e-6)
    assert reliability.ci_high == pytest.approx(1.535102, abs=1e-6)
    # responsiveness −1, −2, −2 → −5/3; s² = (9 − 25/3)/2 = 1/3; se = 1/3; ±1.434218: wholly below 0
    responsiveness = found.dimensions["responsiveness"]
    assert responsiveness.mean == pytest.approx(-5 / 3)
    assert responsiveness.ci_low == pytest.approx(-3.100884, abs=1e-6)
    assert responsiveness.ci_high == pytest.approx(-0.232449, abs=1e-6)
    assert {d: round(e.mean or 0, 6) for d, e in found.dimensions.items()} == {
        "tangibles": round(-1 / 3, 6), "reliability": round(-4 / 3, 6), "responsiveness": round(-5 / 3, 6),
        "assurance": round(-1 / 3, 6), "empathy": round(-2 / 3, 6)}


def test_importance_weighted_score_and_what_to_fix_first(runtime: Runtime, firm: Firm) -> None:
    with runtime.transaction() as session:
        found = results.servqual(session, ResultFilter(survey_id=firm.survey), by=SYSTEM)
    # mean points: T (10+20+10)/3, Rel (40+30+50)/3 = 40, Resp 70/3, A 40/3, Emp 10 — adding to 100
    assert found.importance == pytest.approx({"tangibles": 40 / 3, "reliability": 40, "responsiveness": 70 / 3,
                                              "assurance": 40 / 3, "empathy": 10})
    assert not found.equal_weights
    # weighted: T −1/3·2/15 = −4/90, Rel −4/3·2/5 = −48/90, Resp −5/3·7/30 = −35/90, A −4/90, Emp −2/3·1/10 = −6/90
    assert found.weighted == pytest.approx({"tangibles": -4 / 90, "reliability": -48 / 90,
                                            "responsiveness": -35 / 90, "assurance": -4 / 90, "empathy": -6 / 90})
    assert found.weighted_score == pytest.approx(-97 / 90)
    # tangibles and assurance tie: the published order
    assert found.fix_first == ("reliability", "responsiveness", "empathy", "tangibles", "assurance")
    shown = found.as_dict()
    assert shown["dimensions"]["reliability"] == {"gap": -1.3333, "ci_low": -4.2018, "ci_high": 1.5351, "n": 3,
                                                  "importance": 40.0, "weighted_gap": -0.5333}
    assert list(shown["dimensions"]) == list(DIMENSIONS)
    assert shown["weighted_score"] == -1.0778 and shown["respondents"] == 3


def test_servqual_filters(runtime: Runtime, firm: Firm) -> None:
    with runtime.transaction() as session:
        def respondents(**where: object) -> int:
            return results.servqual(session, ResultFilter(**where), by=SYSTEM).respondents  # type: ignore[arg-type]

        assert respondents(tier=Tier.key) == 2
        assert respondents(tier=Tier.growth) == 0
        assert respondents(owner_id=firm.ben) == 1
        assert respondents(segment="retail") == 2
        assert respondents(package_id=firm.package) == 1
        assert respondents(campaign_id=firm.campaign) == 1
        assert respondents(since=datetime(2025, 4, 1, tzinfo=UTC)) == 1
        assert respondents(until=datetime(2025, 4, 1, tzinfo=UTC)) == 2
        assert respondents(survey_id=firm.survey + 1) == 0   # the NPS survey has no statements
        empty = results.servqual(session, ResultFilter(tier=Tier.growth), by=SYSTEM)
        assert empty.items == () and empty.weighted_score is None and empty.fix_first == ()
        assert empty.equal_weights and empty.as_dict()["dimensions"]["empathy"]["gap"] is None
        # only R3 (importance 10/50/20/10/10): reliability −2 · 0.5 = −1, responsiveness −2 · 0.2 = −0.4,
        # assurance −1 · 0.1 = −0.1 → −1.5
        late = results.servqual(session, ResultFilter(since=datetime(2025, 4, 1, tzinfo=UTC)), by=SYSTEM)
        assert late.weighted_score == pytest.approx(-1.5)
        assert late.fix_first == ("reliability", "responsiveness", "assurance")
        assert late.dimensions["reliability"].ci_low is None   # one respondent: no interval


def test_servqual_by_tier_owner_package_and_quarter(runtime: Runtime, firm: Firm) -> None:
    with runtime.transaction() as session:
        tiers = results.servqual_by(session, ResultFilter(), "tier", by=SYSTEM)
        owners = results.servqual_by(session, ResultFilter(), "owner", by=SYSTEM)
        packages = results.servqual_by(session, ResultFilter(), "package", by=SYSTEM)
        segments = results.servqual_by(session, ResultFilter(), "segment", by=SYSTEM)
        quarters = results.servqual_by(session, ResultFilter(), "period", by=SYSTEM)
        local = results.servqual_by(session, ResultFilter(), "period", zone=ZoneInfo("Asia/Kuala_Lumpur"),
                                    by=SYSTEM)
        with pytest.raises(ValidationFailed):
            results.servqual_by(session, ResultFilter(), "colour", by=SYSTEM)  # type: ignore[arg-type]
    assert [(g.key, g.n) for g in tiers] == [("key", 2), ("standard", 1)]
    key = tiers[0].dimensions
    # key clients R1, R3: reliability −2, −2 → −2 with no spread; responsiveness −1, −2 → −1.5,
    # s² = 0.5, se 0.5, ±t(1)·0.5
    assert (key["reliability"].mean, key["reliability"].ci_low, key["reliability"].ci_high) == (-2, -2, -2)
    assert key["responsiveness"].mean == pytest.approx(-1.5)
    assert key["responsiveness"].ci_low == pytest.approx(-1.5 - T1 * 0.5)
    standard = tiers[1].dimensions
    assert (standard["responsiveness"].mean, standard["responsiveness"].ci_low) == (-2, None)
    assert [(g.key, g.label, g.n) for g in owners] == [(firm.aisha, "Aisha", 2), (firm.ben, "Ben", 1)]
    assert [(g.key, g.label, g.n) for g in packages] == [(firm.package, "Annual audit", 1),
                                                         (None, "No service package", 2)]
    assert [(g.key, g.label, g.n) for g in segments] == [("retail", "retail", 2), (None, "No segment", 1)]
    # in UTC R2 (31 March, 20:00) falls in the first quarter: Q1 R1, R2: reliability −2, 0 → −1,
    # s² = 2, se 1, ±12.706205
    assert [(g.key, g.n) for g in quarters] == [("2025-Q1", 2), ("2025-Q2", 1)]
    assert quarters[0].dimensions["reliability"].mean == pytest.approx(-1)
    assert quarters[0].dimensions["reliability"].ci_high == pytest.approx(-1 + T1)
    # in Kuala Lumpur it is already 1 April: Q1 R1 alone, Q2 R2 and R3
    assert [(g.key, g.n) for g in local] == [("2025-Q1", 1), ("2025-Q2", 2)]
    assert tiers[0].as_dict()["dimensions"]["reliability"] == {"gap": -2.0, "ci_low": -2.0, "ci_high": -2.0, "n": 2}


def test_nps_csat_and_their_trend(runtime: Runtime, firm: Firm) -> None:
    with runtime.transaction() as session:
        overall = results.nps(session, ResultFilter(), by=SYSTEM)
        servqual_only = results.nps(session, ResultFilter(survey_id=firm.survey), by=SYSTEM)
        monthly = results.nps_trend(session, ResultFilter(until=datetime(2025, 6, 1, tzinfo=UTC)), months=6,
                                    by=SYSTEM)
        quarterly = results.nps_trend(session, ResultFilter(), months=6, step="quarter",
                                      now=datetime(2025, 5, 20, tzinfo=UTC), by=SYSTEM)
        satisfaction = results.csat(session, ResultFilter(), by=SYSTEM)
        with pytest.raises(ValidationFailed):
            results.nps_trend(session, ResultFilter(), months=0, by=SYSTEM)
    # 9, 6, 10 and the NPS survey's 8 (the draft's 0 does not count): 2 promoters, 1 passive, 1 detractor
    # score 25; var = (0.75 − 0.25²)·100² = 6875; se = √(6875/4) = 41.457810; ±81.257307 → [−56.257307, 100]
    assert (overall.n, overall.promoters, overall.passives, overall.detractors) == (4, 2, 1, 1)
    assert overall.score == pytest.approx(25)
    assert overall.ci_low == pytest.approx(-56.257307, abs=1e-6)
    assert overall.ci_high == 100
    # the SERVQUAL survey alone: 9, 6, 10 → 100·(2 − 1)/3 = 33.33
    assert servqual_only.score == pytest.approx(100 / 3)
    # months December 2024 to May 2025 (UTC): Jan 9, Mar 6 (R2, 31 March), Apr 10, May 8
    assert [(start, point.n, point.score) for start, point in monthly] == [
        (date(2024, 12, 1), 0, None), (date(2025, 1, 1), 1, 100), (date(2025, 2, 1), 0, None),
        (date(2025, 3, 1), 1, -100), (date(2025, 4, 1), 1, 100), (date(2025, 5, 1), 1, 0)]
    # quarters Q4 2024 – Q2 2025; Q2: 10 and 8 → 50; var = (0.5 − 0.25)·100² = 2500; se = √1250; ±69.296465
    assert [(start, point.n, point.score) for start, point in quarterly] == [
        (date(2024, 10, 1), 0, None), (date(2025, 1, 1), 2, 0), (date(2025, 4, 1), 2, 50)]
    assert quarterly[2][1].ci_low == pytest.approx(-19.296465, abs=1e-6)
    # CSAT 5, 3, 4: mean 4; s² = (50 − 48)/2 = 1; se = 1/√3; ±t(2)/√3 = 2.484138; satisfied 2 of 3
    assert (satisfaction.n, satisfaction.mean) == (3, pytest.approx(4))
    assert satisfaction.ci_low == pytest.approx(1.515862, abs=1e-6)
    assert satisfaction.satisfied_share == pytest.approx(2 / 3)
    assert satisfaction.ci_high == pytest.approx(4 + T2 / 3 ** 0.5)


def test_response_rates(runtime: Runtime, firm: Firm) -> None:
    with runtime.transaction() as session:
        session.add(Campaign(survey_id=firm.survey, name="Not sent yet", expires_at=R5_AT))
        session.flush()
        rates = results.response_rates(session, by=SYSTEM)
        one = results.response_rates(session, firm.campaign, by=SYSTEM)
    assert [(r.name, r.invited, r.mailed, r.opened, r.answered) for r in rates] == [
        ("Spring wave", 3, 2, 1, 1), ("Not sent yet", 0, 0, 0, 0)]
    assert rates[0].rate == pytest.approx(1 / 3) and rates[1].rate is None
    assert rates[0].as_dict()["rate"] == 0.3333
    assert one == rates[:1]


def test_results_refuse_a_missing_principal(runtime: Runtime, firm: Firm) -> None:
    with runtime.transaction() as session:
        for read in (lambda: results.servqual(session, ResultFilter(), by=None),  # type: ignore[arg-type]
                     lambda: results.nps(session, ResultFilter(), by=None),  # type: ignore[arg-type]
                     lambda: results.response_rates(session, by=None)):  # type: ignore[arg-type]
            with pytest.raises(PermissionDenied):
                read()
