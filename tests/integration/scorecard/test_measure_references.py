"""Reference values of the scorecard's measures, each on a small firm counted by hand, on both databases.

test_scorecard.py covers the promises' and complaints' measures and the plan's targets; this file
covers the others: SERVQUAL gap, NPS, survey response rate and coverage (quality), contact cadence
and continuity (relationships), referral rate (referrals), key accounts reviewed, needs recorded,
message adoption and front-line recoveries (plan), the spread of reliability (promises) and
realisation (capacity). Each test builds only what its measure reads, through the capabilities'
own service functions where they have one (promises, complaints and the SERVQUAL answers' E/P come
as the capability's forms would write them), and checks the figure, its sample n and its 0–100
score against the catalogue's thresholds. Then: a capability the firm does not use is "not in use"
(not zero), and one in use with nothing in the period is "no data".

The period is October 2026 on the firm's clock: the test settings' zone is Asia/Kuala_Lumpur (UTC+8),
so the period is [2026-09-30 16:00 UTC, 2026-10-31 16:00 UTC). Several records sit just inside and
just outside those edges.

Five of them pin figures that were once wrong against the catalogue's formula: contacts after the
period, the day after the period in continuity and key accounts, lost referrers, a 366-day year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from servicescape.auth import service as auth
from servicescape.auth.models import Role, Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.capacity import service as capacity
from servicescape.clients import service as clients
from servicescape.clients.models import Client
from servicescape.config import Settings
from servicescape.plan import knowledge, message_uses, messages
from servicescape.promises.models import Complaint, ComplaintStatus, Promise, PromiseStatus
from servicescape.quality import answers, campaigns, surveys
from servicescape.quality.instrument import STATEMENTS
from servicescape.quality.models import Campaign, Invitation, Survey, SurveyKind
from servicescape.referrals import service as referrals
from servicescape.runtime import Runtime
from servicescape.scorecard import catalogue, service
from servicescape.scorecard.service import MeasureResult
from tests.conftest import PASSWORD

PERIOD = "2026-10"
ZONE = ZoneInfo("Asia/Kuala_Lumpur")


def utc(month: int, day: int, hour: int = 10, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def local(month: int, day: int, hour: int = 10, year: int = 2026) -> datetime:
    """A moment on the firm's clock (Kuala Lumpur)."""
    return datetime(year, month, day, hour, tzinfo=ZONE)


#: just inside the period: 1 October 01:00 in Kuala Lumpur (still 30 September in UTC)
FIRST_HOUR = utc(9, 30, 17)
#: just before it: 30 September 23:00 in Kuala Lumpur
BEFORE = utc(9, 30, 15)
#: just after it: 1 November 01:00 in Kuala Lumpur (still 31 October in UTC)
AFTER = utc(10, 31, 17)


def scorecard(runtime: Runtime) -> dict[str, MeasureResult]:
    """Every measure's result for October 2026, by key."""
    with runtime.transaction() as session:
        found = service.scorecard(session, runtime.settings, period=PERIOD, now=datetime.now(UTC), by=SYSTEM)
    return {result.measure.key: result for result in found.measures}


def check(result: MeasureResult, value: float, n: int, score: float) -> None:
    """The figure is ``value`` (to 1e-6) on a sample of ``n``, scored ``score`` by its thresholds."""
    figure = result.figure
    assert figure.status == "ok", (result.measure.key, figure)
    assert (figure.value, figure.n) == (pytest.approx(value), n), (result.measure.key, figure)
    assert result.target is None and result.score == pytest.approx(score), (result.measure.key, result.score)


def threshold_score(key: str, value: float) -> float:
    """The score by the catalogue's thresholds, written out: 0 at ``poor``, 100 at ``good``, linear."""
    measure = catalogue.BY_KEY[key]
    return max(0.0, min(100.0, 100 * (value - measure.poor) / (measure.good - measure.poor)))


@pytest.fixture(autouse=True)
def _the_firms_clock(runtime: Runtime) -> None:
    # every edge case below is written for UTC+8 (tests/conftest.py's settings)
    assert runtime.settings.timezone == "Asia/Kuala_Lumpur"


def a_staff(session: Session, name: str, role: Role = Role.staff) -> Staff:
    email = name.lower().replace(" ", ".") + "@firm.test"
    return auth.create_staff(session, name=name, email=email, role=role, password=PASSWORD, by=SYSTEM)


def a_client(session: Session, name: str, **fields: object) -> Client:
    return clients.clients.create(session, {"name": name, **fields}, by=SYSTEM)


def an_engagement(session: Session, client_id: int, sold: int | None, delivered: int | None, start: date,
                  status: str = "active") -> None:
    clients.engagements.create(session, {"client_id": client_id, "description": "Maintenance", "sold_by_id": sold,
                                         "delivered_by_id": delivered, "start_date": start, "status": status},
                               by=SYSTEM)


def a_call(session: Session, client_id: int, moment: datetime, staff_id: int | None = None) -> int:
    return clients.interactions.create(session, {"client_id": client_id, "staff_id": staff_id, "channel": "call",
                                                 "occurred_at": moment, "summary": "Talked about the next visit."},
                                       by=SYSTEM).id


# --- quality: SERVQUAL gap, NPS, response rate, coverage ------------------------------------------------

@dataclass(frozen=True)
class SurveyFirm:
    clients: dict[str, int]


def _invitations(session: Session, settings: Settings, campaign: Campaign) -> dict[int, str]:
    """Client → the token of its link."""
    return {invitation.client_id: answers.token_of(settings, invitation.id, invitation.nonce)
            for invitation in session.scalars(select(Invitation).where(Invitation.campaign_id == campaign.id))}


def _campaign(session: Session, settings: Settings, survey: Survey, name: str, segment: str, at: datetime, *,
              send: bool = True) -> Campaign:
    made = campaigns.create(session, settings, survey, name, campaigns.Audience(segments=(segment,)), by=SYSTEM,
                            now=at)
    if send:
        campaigns.open_and_send(session, settings, made, by=SYSTEM, now=at)
    return made


def _servqual_values(expected: int, perceived: dict[str, int], importance: tuple[int, int, int, int, int],
                     nps: int) -> dict[str, answers.RawValue]:
    """E ``expected`` on all 22 statements, P per dimension (``expected`` where not given), the
    importance points (tangibles, reliability, responsiveness, assurance, empathy) and the NPS."""
    values: dict[str, answers.RawValue] = {}
    for statement in STATEMENTS:
        values[f"{statement.code}_e"] = str(expected)
        values[f"{statement.code}_p"] = str(perceived.get(statement.dimension, expected))
    for dimension, points in zip(("tangibles", "reliability", "responsiveness", "assurance", "empathy"),
                                 importance, strict=True):
        values[f"importance_{dimension}"] = str(points)
    values["nps"] = str(nps)
    return values


@pytest.fixture
def survey_firm(runtime: Runtime) -> SurveyFirm:
    """Eight clients by segment (all with an e-mail address but Delta) and four campaigns:

    ========  ========  ================================  =========================================
    campaign  survey    created and opened                invited (segment)
    ========  ========  ================================  =========================================
    Old       NPS       2025-10-31 20:00 KL (12 m + 4 h   Theta (west)
                        before the period's end)
    Sept      NPS       2026-09-10                        Gamma, Epsilon (north)
    Oct       SERVQUAL  2026-10-05                        Alpha, Beta, Zeta (south; Delta: no address)
    Draft     NPS       2026-10-20, never opened          Eta (east)
    ========  ========  ================================  =========================================

    Epsilon is lost after it was invited. Answers submitted (Kuala Lumpur time):

    * Alpha, Oct link, 10 Oct: E 6 everywhere, P 5 on tangibles and 4 on reliability (gaps −1, −2),
      importance 10/50/20/10/10, NPS 10;
    * Beta, Oct link, 12 Oct: E 6, P 5 on reliability (gap −1), importance 30/30/20/10/10, NPS 6;
    * Zeta, Oct link: saved on 14 Oct (P 1 on every tangibles statement), never submitted;
    * Gamma, Sept link, 1 Oct 01:00: NPS 9 (an invitation of September answered in October);
    * typed in by staff: Delta NPS 7 (15 Oct), Zeta NPS 9 (20 Oct); Eta NPS 0 on 1 Nov 01:00 and
      Theta NPS 10 on 30 Sep 23:00 (both outside the period).
    """
    settings = runtime.settings
    with runtime.transaction() as session:
        ids = {}
        for name, segment, email in (("Alpha", "south", True), ("Beta", "south", True), ("Gamma", "north", True),
                                     ("Delta", "south", False), ("Epsilon", "north", True),
                                     ("Zeta", "south", True), ("Eta", "east", True), ("Theta", "west", True)):
            ids[name] = a_client(session, name, segment=segment,
                                 email=f"{name.lower()}@clients.test" if email else None).id
        servqual = surveys.create(session, name="SERVQUAL 2026", kind=SurveyKind.servqual, by=SYSTEM)
        nps = surveys.create(session, name="NPS 2026", kind=SurveyKind.nps, by=SYSTEM)
        surveys.activate(session, servqual, by=SYSTEM)
        surveys.activate(session, nps, by=SYSTEM)

        _campaign(session, settings, nps, "Old", "west", local(10, 31, 20, year=2025))
        september = _campaign(session, settings, nps, "Sept", "north", utc(9, 10))
        october = _campaign(session, settings, servqual, "Oct", "south", local(10, 5))
        _campaign(session, settings, nps, "Draft", "east", local(10, 20), send=False)

        links = _invitations(session, settings, october)
        assert set(links) == {ids["Alpha"], ids["Beta"], ids["Zeta"]}
        answers.answer_by_link(session, settings, links[ids["Alpha"]],
                               _servqual_values(6, {"tangibles": 5, "reliability": 4}, (10, 50, 20, 10, 10), 10),
                               submit=True, now=local(10, 10))
        answers.answer_by_link(session, settings, links[ids["Beta"]],
                               _servqual_values(6, {"reliability": 5}, (30, 30, 20, 10, 10), 6),
                               submit=True, now=local(10, 12))
        answers.answer_by_link(session, settings, links[ids["Zeta"]],
                               {f"{s.code}_{half}": str(7 if half == "e" else 1)
                                for s in STATEMENTS if s.dimension == "tangibles" for half in "ep"},
                               submit=False, now=local(10, 14))
        answers.answer_by_link(session, settings, _invitations(session, settings, september)[ids["Gamma"]],
                               {"nps": "9"}, submit=True, now=FIRST_HOUR)
        for name, score, at in (("Delta", 7, local(10, 15)), ("Zeta", 9, local(10, 20)), ("Eta", 0, AFTER),
                                ("Theta", 10, BEFORE)):
            answers.record_answers(session, settings, nps, ids[name], {"nps": str(score)}, by=SYSTEM,
                                   submitted_at=at, follow_up=False)
        clients.clients.update(session, session.get_one(Client, ids["Epsilon"]), {"status": "lost"}, by=SYSTEM)
    return SurveyFirm(ids)


def test_servqual_gap(runtime: Runtime, survey_firm: SurveyFirm) -> None:
    """Two respondents submitted SERVQUAL answers in October (Alpha, Beta; Zeta's were never
    submitted). Per dimension, the mean of the respondents' gaps (P − E):
    tangibles (−1 + 0)/2 = −0.5, reliability (−2 + −1)/2 = −1.5, the other three 0.
    Importance, the mean points: tangibles (10+30)/2 = 20, reliability (50+30)/2 = 40,
    responsiveness 20, assurance 10, empathy 10 → weights 0.2, 0.4, 0.2, 0.1, 0.1.
    Weighted gap = −0.5×0.2 + −1.5×0.4 = −0.7 (equal weights would give −0.4), n = 2 respondents.
    Score: (−0.7 − (−2)) / (0.5 − (−2)) = 1.3 / 2.5 = 52."""
    measures = scorecard(runtime)
    check(measures["servqual_gap"], -0.7, 2, 52.0)
    assert threshold_score("servqual_gap", -0.7) == pytest.approx(52.0)
    assert measures["servqual_gap"].previous.status == "no_data"      # no SERVQUAL answer in September


def test_nps(runtime: Runtime, survey_firm: SurveyFirm) -> None:
    """NPS answers submitted in October (Kuala Lumpur): Gamma 9 (1 Oct 01:00), Alpha 10, Beta 6,
    Delta 7, Zeta 9 — Eta's 0 (1 Nov 01:00) and Theta's 10 (30 Sep 23:00) fall outside.
    Promoters (9–10): 3, passives (7–8): 1, detractors (0–6): 1 of n = 5.
    NPS = 100 × (3 − 1)/5 = 40 (9 a passive would give 0; 7 a detractor 20; 6 a passive 60).
    Score: (40 − (−20)) / (50 − (−20)) = 60/70 = 85.71."""
    measures = scorecard(runtime)
    check(measures["nps"], 40.0, 5, 600 / 7)


def test_survey_response_rate(runtime: Runtime, survey_firm: SurveyFirm) -> None:
    """October's sent campaign invited 3 (Alpha, Beta, Zeta); 2 answered (Zeta only saved):
    2/3 = 66.67 %, n = 3; the draft campaign's invitation is not one sent. Score: (66.67 − 10)/(50 − 10)
    is above 1: 100. September's campaign invited 2 (Gamma, Epsilon) and 1 answered — on 1 October,
    which counts for September's campaign, not October's: 1/2 = 50 %, n = 2."""
    measures = scorecard(runtime)
    check(measures["survey_response_rate"], 200 / 3, 3, 100.0)
    previous = measures["survey_response_rate"].previous
    assert (previous.value, previous.n) == (pytest.approx(50.0), 2)


def test_survey_coverage(runtime: Runtime, survey_firm: SurveyFirm) -> None:
    """Active clients: Alpha, Beta, Gamma, Delta, Zeta, Eta, Theta = 7 (Epsilon was lost).
    Invited by a sent campaign in the twelve months to 1 Nov 2026 00:00 KL: Alpha, Beta, Zeta
    (October), Gamma (September) = 4. Not: Epsilon (lost), Eta (a draft campaign), Theta (invited
    on 31 Oct 2025 20:00 KL, 4 hours before the twelve months), Delta (no address).
    4/7 = 57.14 %, n = 7. Score: (57.14 − 20)/(80 − 20) = 61.90."""
    measures = scorecard(runtime)
    check(measures["survey_coverage"], 400 / 7, 7, threshold_score("survey_coverage", 400 / 7))
    assert measures["survey_coverage"].score == pytest.approx(61.904762)


# --- relationships: contact cadence, continuity ---------------------------------------------------------

def _cadence_firm(session: Session) -> dict[str, int]:
    """Six clients, all on the books since 1 July 2026, contacted (Kuala Lumpur time) as below.
    The period ends on 1 Nov 00:00 KL; the cadences are key 14, growth 30, standard 90 days, so
    the cut-offs are 18 Oct, 2 Oct and 3 Aug 00:00 KL."""
    ids = {}
    for name, tier, status, contacts in (
            ("Key kept", "key", "active", [local(10, 20)]),
            ("Key late", "key", "active", [local(10, 1), local(10, 17, 23)]),       # 14 days and an hour
            ("Growth kept", "growth", "active", [local(10, 5)]),
            ("Growth never", "growth", "active", []),                              # since 1 July
            ("Standard kept", "standard", "active", [local(8, 3, 9)]),             # 89 days and 15 hours
            ("Standard lost", "standard", "lost", [])):
        client = a_client(session, name, tier=tier, status=status)
        client.created_at = utc(7, 1)
        for moment in contacts:
            a_call(session, client.id, moment)
        ids[name] = client.id
    return ids


def test_cadence_adherence(runtime: Runtime) -> None:
    """Active: five (the lost one left out). Overdue at the period's end: "Key late" (last contact
    17 Oct 23:00, before the 18 Oct cut-off) and "Growth never" (on the books since 1 July, never
    contacted). Kept: 3 of 5 = 60 %, n = 5. Score: (60 − 50)/(95 − 50) = 22.22."""
    with runtime.transaction() as session:
        _cadence_firm(session)
    check(scorecard(runtime)["cadence_adherence"], 60.0, 5, 100 * 10 / 45)


def test_cadence_adherence_ignores_contacts_after_the_period(runtime: Runtime) -> None:
    """A key account last contacted on 20 September was overdue at the end of October; a call on
    10 November does not change that: 3 of 6 = 50 %, n = 6 (today's code counts it kept: 4 of 6)."""
    with runtime.transaction() as session:
        _cadence_firm(session)
        late = a_client(session, "Key called in November", tier="key")
        late.created_at = utc(7, 1)
        for moment in (local(9, 20), local(11, 10)):
            a_call(session, late.id, moment)
    result = scorecard(runtime)["cadence_adherence"]
    assert (result.figure.value, result.figure.n) == (pytest.approx(50.0), 6)


def _continuity_firm(session: Session) -> tuple[int, int, int]:
    """Engagements of one client, sold and delivered by Ana and Ben, by start day."""
    ana, ben = a_staff(session, "Ana Sold"), a_staff(session, "Ben Delivered")
    client = a_client(session, "Continuity Kft.")
    for sold, delivered, start, status in (
            (ana, ana, date(2026, 10, 1), "active"),       # the first day: same person
            (ana, ben, date(2026, 10, 10), "active"),      # a hand-over
            (ben, ben, date(2026, 10, 31), "completed"),   # the last day: same person
            (ben, ben, date(2026, 10, 15), "cancelled"),   # cancelled: left out
            (ana, None, date(2026, 10, 12), "active"),     # nobody delivering recorded: left out
            (ana, ana, date(2026, 9, 30), "active")):      # September
        an_engagement(session, client.id, sold.id, delivered.id if delivered else None, start, status)
    return client.id, ana.id, ben.id


def test_continuity(runtime: Runtime) -> None:
    """Started in October with both people recorded, not cancelled: 1 Oct (Ana/Ana), 10 Oct
    (Ana/Ben), 31 Oct (Ben/Ben) → same person in 2 of 3 = 66.67 %, n = 3.
    Score: (66.67 − 40)/(90 − 40) = 53.33."""
    with runtime.transaction() as session:
        _continuity_firm(session)
    check(scorecard(runtime)["continuity"], 200 / 3, 3, 160 / 3)


def test_continuity_leaves_out_the_day_after_the_period(runtime: Runtime) -> None:
    """An engagement started on 1 November (sold by Ana, delivered by Ben) is not October's:
    still 2 of 3 (today: 2 of 4 = 50 %)."""
    with runtime.transaction() as session:
        client_id, ana, ben = _continuity_firm(session)
        an_engagement(session, client_id, ana, ben, date(2026, 11, 1))
    result = scorecard(runtime)["continuity"]
    assert (result.figure.value, result.figure.n) == (pytest.approx(200 / 3), 3)


# --- referrals ------------------------------------------------------------------------------------------

def _referral_firm(session: Session) -> dict[str, int]:
    """Five active clients (and one lost). Referrals made (by the day): Alpha on 1 Mar and 10 Oct
    2026 (one referrer, twice), Beta on 1 Nov 2025 (the first day of the twelve months to 31 Oct
    2026), Gamma on 30 Oct 2025 (before them), Delta on 1 Nov 2026 (after the period)."""
    ids = {name: a_client(session, name).id for name in ("Alpha", "Beta", "Gamma", "Delta", "Epsilon")}
    ids["Lost"] = a_client(session, "Lost", status="lost").id
    for referrer, day in (("Alpha", date(2026, 3, 1)), ("Alpha", date(2026, 10, 10)), ("Beta", date(2025, 11, 1)),
                          ("Gamma", date(2025, 10, 30)), ("Delta", date(2026, 11, 1))):
        _refer(session, ids[referrer], day)
    return ids


def _refer(session: Session, referrer: int, day: date) -> None:
    referrals.referrals.create(session, {"referrer_client_id": referrer, "prospect_name": f"Prospect {day}",
                                         "referred_on": day}, by=SYSTEM)


def test_referral_rate(runtime: Runtime) -> None:
    """Referrers in the twelve months to the period's end: Alpha, Beta = 2 of the 5 active
    clients = 40 %, n = 5. Score: (40 − 0)/(10 − 0) is above 1: 100."""
    with runtime.transaction() as session:
        _referral_firm(session)
    check(scorecard(runtime)["referral_rate"], 40.0, 5, 100.0)


def test_referral_rate_counts_active_referrers(runtime: Runtime) -> None:
    """The lost client referred someone on 5 October: still 2 of 5 active (today: 3 of 5 = 60 %)."""
    with runtime.transaction() as session:
        ids = _referral_firm(session)
        _refer(session, ids["Lost"], date(2026, 10, 5))
    result = scorecard(runtime)["referral_rate"]
    assert (result.figure.value, result.figure.n) == (pytest.approx(40.0), 5)


def test_referral_rate_reads_twelve_months(runtime: Runtime) -> None:
    """Epsilon referred someone on 31 October 2025, twelve months and a day before the period's
    end: still 2 of 5 = 40 % (today: 3 of 5)."""
    with runtime.transaction() as session:
        ids = _referral_firm(session)
        _refer(session, ids["Epsilon"], date(2025, 10, 31))
    result = scorecard(runtime)["referral_rate"]
    assert (result.figure.value, result.figure.n) == (pytest.approx(40.0), 5)


# --- the plan: key accounts, messages, front-line recoveries ---------------------------------------------

def _key_account_firm(session: Session) -> dict[str, int]:
    """Revenue (EUR) in the twelve months to 1 Nov 2026 00:00 KL: A 4,000, B 3,000, C 2,000,
    D 500, E 500 (D's 10,000 of 31 Oct 2025 is before them) — 10,000 in all. The key accounts
    make up 80 %: A (40 %), B (70 %), C (90 %: the one that crosses 80 %) → 3.
    Profiles: A needs + criteria, last review 3 Jul 2026 (120 days before 31 Oct); B needs
    without criteria, last review 2 Jul (121 days); C needs + criteria, never reviewed; D (not a
    key account) everything recorded, reviewed 1 Oct."""
    ids = {}
    for name, amount, day in (("A", 4000, date(2026, 3, 2)), ("B", 3000, date(2026, 6, 1)),
                              ("C", 2000, date(2026, 10, 31)), ("D", 500, date(2025, 11, 1)),
                              ("E", 500, date(2026, 9, 9))):
        ids[name] = a_client(session, f"Account {name}").id
        clients.invoices.create(session, {"client_id": ids[name], "issued_on": day, "amount": Decimal(amount),
                                          "currency": "EUR"}, by=SYSTEM)
    clients.invoices.create(session, {"client_id": ids["D"], "issued_on": date(2025, 10, 31),
                                      "amount": Decimal(10000), "currency": "EUR"}, by=SYSTEM)
    criteria = [{"name": "Price", "weight": 60}, {"name": "Speed", "weight": 40}]
    for name, changes in (
            ("A", {"needs": "Uptime", "criteria": criteria, "last_review_on": date(2026, 7, 3)}),
            ("B", {"needs": "Fewer invoices", "last_review_on": date(2026, 7, 2)}),
            ("C", {"needs": "One contact", "criteria": criteria}),
            ("D", {"needs": "Speed", "criteria": criteria, "last_review_on": date(2026, 10, 1)})):
        knowledge.save_profile(session, ids[name], changes, by=SYSTEM)
    return ids


def test_key_accounts_reviewed(runtime: Runtime) -> None:
    """Of the key accounts A, B, C only A's last review (3 Jul) is within 120 days of 31 Oct:
    1/3 = 33.33 %, n = 3. Score: (33.33 − 30)/(95 − 30) = 5.13."""
    with runtime.transaction() as session:
        _key_account_firm(session)
    result = scorecard(runtime)["key_accounts_reviewed"]
    check(result, 100 / 3, 3, threshold_score("key_accounts_reviewed", 100 / 3))
    assert result.score == pytest.approx(5.128205)


def test_needs_recorded(runtime: Runtime) -> None:
    """Needs and criteria both recorded: A and C (B has no criteria; D is not a key account):
    2/3 = 66.67 %, n = 3. Score: (66.67 − 20)/(90 − 20) = 66.67."""
    with runtime.transaction() as session:
        _key_account_firm(session)
    check(scorecard(runtime)["needs_recorded"], 200 / 3, 3, 200 / 3)


def test_key_accounts_leave_out_the_day_after_the_period(runtime: Runtime) -> None:
    """E's invoice of 20,000 issued on 1 November is not October's: the key accounts stay A, B, C
    and 1 of 3 is reviewed (today E and A are the key accounts: 1 of 2 = 50 %)."""
    with runtime.transaction() as session:
        ids = _key_account_firm(session)
        clients.invoices.create(session, {"client_id": ids["E"], "issued_on": date(2026, 11, 1),
                                          "amount": Decimal(20000), "currency": "EUR"}, by=SYSTEM)
    result = scorecard(runtime)["key_accounts_reviewed"]
    assert (result.figure.value, result.figure.n) == (pytest.approx(100 / 3), 3)


def test_message_adoption(runtime: Runtime) -> None:
    """Interactions on the firm's clock, and the approved messages they carried:
    1 Oct 01:00 (M), 2 Oct (M), 9 Oct (M and N: one interaction), 15 Oct (none), 20 Oct (none,
    nobody recorded), 31 Oct 22:00 (none); 30 Sep 23:00 (M) and 1 Nov 01:00 (M) are outside.
    In October: 3 of 6 carried a message = 50 %, n = 6. Score: (50 − 20)/(80 − 20) = 50."""
    with runtime.transaction() as session:
        ana = a_staff(session, "Ana Messenger")
        client = a_client(session, "Message Sdn Bhd")
        made = {}
        for name in ("M", "N"):
            message = messages.messages.create(session, {"name": name, "kind": "benefit"}, by=SYSTEM)
            version = messages.add_version(session, message.id, "en", f"Message {name}.", by=SYSTEM)
            messages.approve_version(session, version.id, by=SYSTEM)
            made[name] = message.id
        for moment, carried, staff in ((FIRST_HOUR, "M", ana.id), (local(10, 2), "M", ana.id),
                                       (local(10, 9), "MN", ana.id), (local(10, 15), "", ana.id),
                                       (local(10, 20), "", None), (local(10, 31, 22), "", ana.id),
                                       (BEFORE, "M", ana.id), (AFTER, "M", ana.id)):
            interaction = a_call(session, client.id, moment, staff)
            for name in carried:
                message_uses.record_use(session, message_id=made[name], interaction_id=interaction, by=SYSTEM)
    check(scorecard(runtime)["message_adoption"], 50.0, 6, 50.0)


def test_frontline_recoveries(runtime: Runtime) -> None:
    """Complaints resolved in October (on the firm's clock) and the role of their owner:
    1 Oct 01:00 staff, 5 Oct staff, 12 Oct manager, 20 Oct nobody — resolved 1 Nov 01:00 (staff)
    and still open (staff) are not October's. Front-line (role staff): 2 of 4 = 50 %, n = 4.
    Score: (50 − 10)/(60 − 10) = 80."""
    with runtime.transaction() as session:
        front = a_staff(session, "Farah Frontline")
        manager = a_staff(session, "Max Manager", Role.manager)
        client = a_client(session, "Complaining Ltd")
        for resolved, owner in ((FIRST_HOUR, front), (local(10, 5), front), (local(10, 12), manager),
                                (local(10, 20), None), (AFTER, front), (None, front)):
            received = utc(9, 25)
            session.add(Complaint(client_id=client.id, received_at=received, text="The visit was late",
                                  response_due_at=utc(9, 26), resolution_due_at=utc(10, 25),
                                  first_response_at=utc(9, 25, 12), resolved_at=resolved,
                                  owner_id=owner.id if owner else None,
                                  status=ComplaintStatus.resolved if resolved else ComplaintStatus.open))
    check(scorecard(runtime)["frontline_recoveries"], 50.0, 4, 80.0)


# --- promises: the spread of reliability ----------------------------------------------------------------

def test_reliability_spread(runtime: Runtime) -> None:
    """Promises whose window ended in October, per owner:
    Ana 5, all kept → 100 %; Ben 6 (5 kept, 1 late; a cancelled one and one missed on 30 Sep
    23:00 KL left out) → 83.33 %; Cyd 4, all missed (fewer than five: left out); nobody's 5, all
    missed (no owner: left out). Spread 100 − 83.33 = 16.67 points between n = 2 people.
    Score (lower is better): (16.67 − 40)/(5 − 40) = 66.67."""
    with runtime.transaction() as session:
        ana, ben, cyd = (a_staff(session, name) for name in ("Ana Reliable", "Ben Mostly", "Cyd Never"))
        client = a_client(session, "Promised Kft.")

        def promise(owner: Staff | None, end: datetime, status: PromiseStatus) -> None:
            kept = {PromiseStatus.kept: end.replace(hour=end.hour - 1),
                    PromiseStatus.late: end.replace(hour=end.hour + 2)}
            session.add(Promise(client_id=client.id, title="Visit", window_start=end.replace(hour=end.hour - 2),
                                window_end=end, status=status, kept_at=kept.get(status),
                                owner_id=owner.id if owner else None,
                                cancelled_at=utc(9, 20) if status == PromiseStatus.cancelled else None))

        for day in range(3, 8):
            promise(ana, utc(10, day), PromiseStatus.kept)
            promise(ben, utc(10, day), PromiseStatus.kept)
            promise(None, utc(10, day), PromiseStatus.missed)
        promise(ben, utc(10, 20), PromiseStatus.late)
        promise(ben, utc(10, 21), PromiseStatus.cancelled)
        promise(ben, BEFORE, PromiseStatus.missed)
        for day in range(10, 14):
            promise(cyd, utc(10, day), PromiseStatus.missed)
    check(scorecard(runtime)["reliability_spread"], 100 - 500 / 6, 2, 200 / 3)


# --- capacity: realisation ------------------------------------------------------------------------------

def test_realisation(runtime: Runtime) -> None:
    """Ana's work recorded (a capacity of 40 h a week), by day: 1 Oct 8 h billable, 6 billed;
    15 Oct 6 h billable, 6 billed; 31 Oct 2 h billable, none billed; 20 Oct 5 h not billable;
    22 Oct 6 h only scheduled; 30 Sep and 1 Nov 8 h billable, 8 billed (outside).
    Billed 12 of 16 billable hours = 75 %, n = 16 (the billable hours). Score: (75 − 70)/(95 − 70) = 20."""
    with runtime.transaction() as session:
        ana = a_staff(session, "Ana Billable")
        capacity.staff_capacity.create(session, {"staff_id": ana.id, "hours_per_week": 40.0}, by=SYSTEM)
        for day, hours, billable, status, billed in (
                (date(2026, 10, 1), 8.0, True, "worked", 6.0), (date(2026, 10, 15), 6.0, True, "worked", 6.0),
                (date(2026, 10, 31), 2.0, True, "worked", None), (date(2026, 10, 20), 5.0, False, "worked", None),
                (date(2026, 10, 22), 6.0, True, "scheduled", None), (date(2026, 9, 30), 8.0, True, "worked", 8.0),
                (date(2026, 11, 1), 8.0, True, "worked", 8.0)):
            capacity.bookings.create(session, {"staff_id": ana.id, "day": day, "hours": hours, "billable": billable,
                                               "status": status, "billed_hours": billed}, by=SYSTEM)
    check(scorecard(runtime)["realisation"], 75.0, 16, 20.0)


# --- not in use, no data --------------------------------------------------------------------------------

NOT_IN_USE = ("servqual_gap", "nps", "survey_response_rate", "survey_coverage", "continuity", "referral_rate",
              "message_adoption", "frontline_recoveries", "reliability_spread", "realisation")


def test_a_capability_not_in_use_is_left_out_not_zero(runtime: Runtime) -> None:
    """A firm with clients and a call, but no campaign ever sent (one drafted), no engagement with
    both people recorded (one with its seller only), no referral, no approved message (a draft one
    with no use), no complaint, no promise and no hours recorded (a capacity set): those measures
    are not in use, with no score, and the elements they alone make up have no score either."""
    with runtime.transaction() as session:
        ana = a_staff(session, "Ana Alone")
        client = a_client(session, "Only Client", email="only@client.test")
        a_call(session, client.id, local(10, 5))
        an_engagement(session, client.id, ana.id, None, date(2026, 10, 5))
        survey = surveys.create(session, name="Never sent", kind=SurveyKind.nps, by=SYSTEM)
        surveys.activate(session, survey, by=SYSTEM)
        campaigns.create(session, runtime.settings, survey, "Draft", campaigns.Audience(), by=SYSTEM,
                         now=local(10, 6))
        capacity.staff_capacity.create(session, {"staff_id": ana.id, "hours_per_week": 40.0}, by=SYSTEM)
    with runtime.transaction() as session:
        found = service.scorecard(session, runtime.settings, period=PERIOD, now=datetime.now(UTC), by=SYSTEM)
    measures = {result.measure.key: result for result in found.measures}
    for key in NOT_IN_USE:
        result = measures[key]
        assert (result.figure.status, result.figure.value, result.figure.n) == ("not_in_use", None, 0), key
        assert result.score is None and result.previous.status == "not_in_use", key
    # no key account (no revenue): no data; the one client was called on 5 October: kept, 1 of 1
    for key in ("key_accounts_reviewed", "needs_recorded"):
        assert (measures[key].figure.status, measures[key].score) == ("no_data", None), key
    assert (measures["cadence_adherence"].figure.value, measures["cadence_adherence"].figure.n) == (100.0, 1)
    pricing = next(e for e in found.elements if e.key == "pricing")       # realisation alone
    assert (pricing.now.score, pricing.now.coverage, pricing.now.scored) == (None, 0.0, 0)


def test_in_use_with_nothing_in_the_period_is_no_data(runtime: Runtime) -> None:
    """The same capabilities in use, but only in September: October has no data (n 0), not zero,
    and September (the previous period) has its figures."""
    with runtime.transaction() as session:
        ana = a_staff(session, "Ana September")
        client = a_client(session, "September Client")
        capacity.staff_capacity.create(session, {"staff_id": ana.id, "hours_per_week": 40.0}, by=SYSTEM)
        capacity.bookings.create(session, {"staff_id": ana.id, "day": date(2026, 9, 15), "hours": 4.0,
                                           "status": "worked", "billed_hours": 3.0}, by=SYSTEM)
        message = messages.messages.create(session, {"name": "September message", "kind": "benefit"}, by=SYSTEM)
        version = messages.add_version(session, message.id, "en", "Said in September.", by=SYSTEM)
        messages.approve_version(session, version.id, by=SYSTEM)
        call = a_call(session, client.id, local(9, 15), ana.id)
        message_uses.record_use(session, message_id=message.id, interaction_id=call, by=SYSTEM)
        an_engagement(session, client.id, ana.id, ana.id, date(2026, 9, 15))
        session.add(Complaint(client_id=client.id, received_at=local(9, 1), text="Slow", response_due_at=local(9, 2),
                              resolution_due_at=local(9, 10), first_response_at=local(9, 1, 12),
                              resolved_at=local(9, 5), owner_id=ana.id, status=ComplaintStatus.resolved))
    measures = scorecard(runtime)
    for key, before in (("realisation", (75.0, 4)), ("message_adoption", (100.0, 1)), ("continuity", (100.0, 1)),
                        ("frontline_recoveries", (100.0, 1))):
        result = measures[key]
        assert (result.figure.status, result.figure.value, result.figure.n, result.score) == \
            ("no_data", None, 0, None), key
        assert (result.previous.status, result.previous.value, result.previous.n) == ("ok", before[0], before[1]), key


# --- the measures added with the gaps: offices, value cases, price research, capacity, testimonials ---

def _promises(session: Session, client_id: int, owner: Staff, kept: int, total: int) -> None:
    for n in range(total):
        end = local(10, 5 + n, 12)
        session.add(Promise(client_id=client_id, title=f"Visit {owner.name} {n}", owner_id=owner.id,
                            window_start=end.replace(hour=9), window_end=end,
                            status=PromiseStatus.kept if n < kept else PromiseStatus.missed,
                            kept_at=end.replace(hour=11) if n < kept else None))


def test_office_spread(runtime: Runtime) -> None:
    """Each promise counts in its owner's office (their capacity's country): Kuala Lumpur 5 + 3 kept of
    10 = 80 %, Budapest 3 of 5 = 60 %, Sofia 4 promises only (left out): 20 points on 2 offices.
    Score (lower is better): (30 − 20) / (30 − 5) = 40."""
    from servicescape.capacity.models import StaffCapacity

    with runtime.transaction() as session:
        client = a_client(session, "Kovács és Társa Kft.")
        for name, office, kept, total in (("Aisyah Rahman", "MY", 5, 5), ("Nurul Izzah", "MY", 3, 5),
                                          ("Kovács Eszter", "HU", 3, 5), ("Maria Stoyanova", "BG", 4, 4)):
            member = a_staff(session, name)
            session.add(StaffCapacity(staff_id=member.id, hours_per_week=40, country=office))
            _promises(session, client.id, member, kept, total)
    check(scorecard(runtime)["office_spread"], 20.0, 2, 40.0)


def test_office_spread_needs_two_offices(runtime: Runtime) -> None:
    from servicescape.capacity.models import StaffCapacity

    with runtime.transaction() as session:
        client = a_client(session, "Tan Logistics")
        member = a_staff(session, "Tan Siew Ling")
        session.add(StaffCapacity(staff_id=member.id, hours_per_week=40, country="MY"))
        _promises(session, client.id, member, 5, 5)
    assert scorecard(runtime)["office_spread"].figure.status == "not_in_use"


def test_value_cases_backed(runtime: Runtime) -> None:
    """Written by 31 October: A (three outcomes on completed engagements: backed), B (three outcomes,
    one on an engagement still active), C (none); D written on 2 November is left out. 1/3 = 33.33 %,
    n = 3. Score: (33.33 − 10) / (60 − 10) = 46.67."""
    from servicescape.clients.models import Engagement, EngagementStatus
    from servicescape.offerings.value_models import ValueCase, ValueOutcome

    with runtime.transaction() as session:
        client = a_client(session, "Permata Timur Hospitaliti")
        done = [Engagement(client_id=client.id, description=f"Job {n}", status=EngagementStatus.completed)
                for n in range(3)]
        running = Engagement(client_id=client.id, description="Job 4", status=EngagementStatus.active)
        session.add_all([*done, running])
        session.flush()
        cases = {}
        for name, written in (("A", utc(9, 1)), ("B", utc(9, 2)), ("C", utc(10, 3)), ("D", utc(11, 2))):
            cases[name] = ValueCase(client_id=client.id, title=f"Case {name}", currency="EUR", price=Decimal(1000),
                                    created_at=written, updated_at=written)
            session.add(cases[name])
        session.flush()
        for name, engagements in (("A", done), ("B", [done[0], done[1], running]), ("D", done)):
            for engagement in engagements:
                session.add(ValueOutcome(case_id=cases[name].id, engagement_id=engagement.id,
                                         recorded_on=date(2026, 10, 20), description="Fewer breakdowns"))
    check(scorecard(runtime)["value_cases_backed"], 100 / 3, 3, threshold_score("value_cases_backed", 100 / 3))


def test_price_research_recency(runtime: Runtime) -> None:
    """Competitor prices noted on 3 June and 1 May, and one on 5 November (after the period, left
    out): the latest by 31 October is 150 days old, n = 2. Score (lower is better):
    (365 − 150) / (365 − 90) = 78.18."""
    from servicescape.offerings.models import CompetitorPrice

    with runtime.transaction() as session:
        for noted in (date(2026, 6, 3), date(2026, 5, 1), date(2026, 11, 5)):
            session.add(CompetitorPrice(competitor="Rival Sdn Bhd", offer="Basic care", price=Decimal(900),
                                        currency="EUR", noted_on=noted))
    check(scorecard(runtime)["price_research_recency"], 150.0, 2, 100 * (365 - 150) / (365 - 90))


def test_capacity_outlook_covered(runtime: Runtime) -> None:
    """Two people at 40 hours a week for the twelve weeks from Monday 26 October: 24 staff-weeks, of
    which one (Hafiz's week of 2 November, 45 hours scheduled) is over: 23/24 = 95.83 %. Score:
    (95.83 − 70) / (98 − 70) = 92.26."""
    from servicescape.capacity.models import Booking, StaffCapacity

    with runtime.transaction() as session:
        for name in ("Muhammad Hafiz", "Szabó Gergő"):
            member = a_staff(session, name)
            session.add(StaffCapacity(staff_id=member.id, hours_per_week=40))
            if name == "Muhammad Hafiz":
                session.add_all([Booking(staff_id=member.id, day=date(2026, 11, 2 + d), hours=9) for d in range(5)])
            else:
                session.add(Booking(staff_id=member.id, day=date(2026, 11, 3), hours=8))
    check(scorecard(runtime)["capacity_outlook_covered"], 100 * 23 / 24, 24,
          threshold_score("capacity_outlook_covered", 100 * 23 / 24))


def test_testimonials_in_use(runtime: Runtime) -> None:
    """Approved with consent and a use by 31 October: two (one for the website, one for proposals);
    approved but with no use, only pending, and approved on 3 November are left out. 2 → score 20."""
    from servicescape.referrals.models import Testimonial, TestimonialStatus

    with runtime.transaction() as session:
        client = a_client(session, "Syarikat Bunga Raya Sdn Bhd")
        for status, approved, uses in ((TestimonialStatus.approved, utc(10, 5), {"use_website": True}),
                                       (TestimonialStatus.approved, utc(9, 1), {"use_proposals": True}),
                                       (TestimonialStatus.approved, utc(9, 2), {}),
                                       (TestimonialStatus.pending, None, {"use_website": True}),
                                       (TestimonialStatus.approved, utc(11, 3), {"use_case_studies": True})):
            session.add(Testimonial(client_id=client.id, author_name="Aminah Yusof", text="Always on time.",
                                    language="en", consent_by="Aminah Yusof", consent_at=utc(8, 1), status=status,
                                    approved_at=approved, **uses))
    check(scorecard(runtime)["testimonials_in_use"], 2.0, 2, 20.0)


def test_gap_1_compares_the_managers_estimate_with_the_clients_importance(runtime: Runtime,
                                                                          survey_firm: SurveyFirm) -> None:
    """The clients gave tangibles 20, reliability 40, responsiveness 20, assurance 10, empathy 10 points
    (test_servqual_gap); the managers believe 20, 30, 20, 15, 15: the differences add up to 0 + 10 + 0
    + 5 + 5 = 20, so the two splits share 100 − 20/2 = 90 points, on 2 respondents. Score: (90 − 60) /
    (95 − 60) = 85.71. Without an estimate the figure is not in use; a split not adding up to 100 is
    refused, naming it."""
    from servicescape.errors import ValidationFailed
    from servicescape.scorecard import expectations, gaps

    def gap_1() -> gaps.GapResult:
        with runtime.transaction() as session:
            card = service.scorecard(session, runtime.settings, period=PERIOD, now=datetime.now(UTC), by=SYSTEM)
            return gaps.gaps(session, card, by=SYSTEM)[0]

    assert gap_1().evidence[0].figure.status == "not_in_use"
    with runtime.transaction() as session:
        with pytest.raises(ValidationFailed) as refused:
            expectations.set_estimate(session, {"tangibles": 20, "reliability": 30, "responsiveness": 20,
                                                "assurance": 15, "empathy": 5}, by=SYSTEM)
        assert refused.value.field == "points" and "90" in refused.value.message
        expectations.set_estimate(session, {"tangibles": 20, "reliability": 30, "responsiveness": 20,
                                            "assurance": 15, "empathy": 15}, by=SYSTEM)
    found = gap_1()
    match = found.evidence[0]
    assert match.key == "expectations_match" and (match.figure.value, match.figure.n) == (pytest.approx(90.0), 2)
    assert match.score == pytest.approx(100 * 30 / 35)
    assert found.comparison is not None and found.comparison.clients["reliability"] == pytest.approx(40.0)
