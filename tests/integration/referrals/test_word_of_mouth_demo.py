"""The demo firm's word of mouth: testimonials in the clients' languages (approved, waiting, drafts,
one rejected) and two years of referrals that follow the rules."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from servicescape.auth.permissions import SYSTEM
from servicescape.demo import firm
from servicescape.demo.generator import DemoSpec
from servicescape.demo.load import DemoLoad, load_demo
from servicescape.referrals import models, service
from servicescape.referrals.models import Referral, ReferralStatus
from servicescape.referrals.stats import referral_stats
from servicescape.runtime import Runtime

TODAY = date(2026, 11, 20)


@pytest.fixture
def loaded(runtime: Runtime) -> DemoLoad:
    return load_demo(runtime, DemoSpec(clients=300, seed=firm.DEMO_SEED, today=TODAY), batch_clients=128)


def test_testimonials_and_referrals_of_the_demo(runtime: Runtime, loaded: DemoLoad) -> None:
    assert loaded.counts["testimonial"] >= 8 and loaded.counts["referral"] >= 40
    with runtime.transaction() as session:
        said = list(session.scalars(select(models.Testimonial)))
        sent = list(session.scalars(select(Referral)))
        statuses = Counter(t.status for t in said)
        assert statuses[models.TestimonialStatus.rejected] == 1 and statuses[models.TestimonialStatus.draft] == 2
        assert statuses[models.TestimonialStatus.approved] > statuses[models.TestimonialStatus.pending] > 0
        assert {t.language for t in said} >= {"en", "ms", "zh-Hant", "bg", "hu"}
        for t in said:   # approved ones have their consent; drafts do not
            assert (service.missing_consent(t) is None) == (t.status != models.TestimonialStatus.draft)
        assert service.export(session, "website", by=SYSTEM)
        assert min(r.referred_on for r in sent) >= TODAY - timedelta(days=730)
        assert Counter(r.status for r in sent).keys() >= {ReferralStatus.won, ReferralStatus.lost,
                                                          ReferralStatus.new}
        for r in sent:
            assert (r.referred_client_id is None) != (r.prospect_name is None)
            assert r.referred_client_id != r.referrer_client_id
            assert (r.status == ReferralStatus.won) == (r.value_won is not None and r.value_won >= 0)
            assert r.won_on is None or r.referred_on <= r.won_on <= TODAY
        figures = referral_stats(session, reporting_currency=runtime.settings.reporting_currency, by=SYSTEM)
    assert figures.total == len(sent) and 0 < figures.conversion_rate < 1 and figures.value_won > 0  # type: ignore[operator]
    assert figures.top_by_count[0].referrals > figures.top_by_count[-1].referrals
