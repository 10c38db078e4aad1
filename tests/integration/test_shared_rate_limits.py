"""The public routes' limits shared by every server on the database: counted atomically in two fixed
windows (the one before weighed by its overlap), a refused request costs nothing, a charge never goes
past the limit, IPv6 counts per /64, two servers and concurrent requests stay within the limit, expired
windows are pruned, and a survey link's page is limited across two servers."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from servicescape.auth.models import Staff
from servicescape.config import Settings
from servicescape.platform import ratelimit
from servicescape.platform.jobs import runner
from servicescape.platform.ratelimit import Limit, RateLimited, shared_hit
from servicescape.platform.ratelimit_models import RateWindow
from servicescape.runtime import Runtime, open_runtime
from servicescape.web.app import create_app

T0 = 1_700_000_040.0        # the start of a 60-second window (28,333,334 × 60), in 2023


def _stored(runtime: Runtime) -> int:
    with runtime.transaction() as session:
        return session.scalar(select(func.coalesce(func.sum(RateWindow.hits), 0))) or 0


def test_the_shared_window_limits_slides_and_refuses_for_free(runtime: Runtime) -> None:
    limit = Limit(3, 60)
    for second in (0, 10, 20):
        shared_hit(runtime, "survey", "192.0.2.1", limit, now=T0 + second)
    with pytest.raises(RateLimited) as refused:
        shared_hit(runtime, "survey", "192.0.2.1", limit, now=T0 + 30)
    assert refused.value.retry_after >= 1 and _stored(runtime) == 3          # refused: nothing counted
    shared_hit(runtime, "survey", "192.0.2.2", limit, now=T0 + 30)            # another address
    shared_hit(runtime, "other", "192.0.2.1", limit, now=T0 + 30)             # another route
    with pytest.raises(RateLimited):                 # the next window: the last one still weighs fully
        shared_hit(runtime, "survey", "192.0.2.1", limit, now=T0 + 60)
    shared_hit(runtime, "survey", "192.0.2.1", limit, now=T0 + 100)           # 3 × 20/60 = 1 + 1 ≤ 3
    shared_hit(runtime, "survey", "192.0.2.1", limit, now=T0 + 100)
    with pytest.raises(RateLimited):
        shared_hit(runtime, "survey", "192.0.2.1", limit, now=T0 + 100)


def test_a_charge_is_capped_and_ipv6_counts_per_network(runtime: Runtime) -> None:
    limit = Limit(4, 60)
    shared_hit(runtime, "r", "198.51.100.9", limit, cost=10, refuse=False, now=T0)
    with pytest.raises(RateLimited):
        shared_hit(runtime, "r", "198.51.100.9", limit, now=T0 + 1)
    assert _stored(runtime) == 4
    shared_hit(runtime, "r", "2001:db8:1:2::1", Limit(2, 60), now=T0)
    shared_hit(runtime, "r", "2001:db8:1:2:ffff::9", Limit(2, 60), now=T0)
    with pytest.raises(RateLimited):
        shared_hit(runtime, "r", "2001:db8:1:2::abcd", Limit(2, 60), now=T0)
    shared_hit(runtime, "r", "2001:db8:1:3::1", Limit(2, 60), now=T0)         # another /64


@pytest.fixture
def second(settings: Settings) -> Iterator[Runtime]:
    other = open_runtime(settings, upgrade=False)
    yield other
    other.close()


def test_two_servers_and_concurrent_requests_stay_within_the_limit(runtime: Runtime, second: Runtime) -> None:
    limit = Limit(25, 60)
    allowed: list[int] = []
    lock = threading.Lock()

    def hammer(server: Runtime) -> None:
        for _ in range(10):
            try:
                shared_hit(server, "survey", "203.0.113.5", limit, now=T0 + 5)
            except RateLimited:
                continue
            with lock:
                allowed.append(1)

    threads = [threading.Thread(target=hammer, args=(runtime if n % 2 else second,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert len(allowed) == 25 and _stored(runtime) == 25


def test_expired_windows_are_pruned_by_the_job(runtime: Runtime) -> None:
    shared_hit(runtime, "r", "192.0.2.1", Limit(5, 60), now=T0)
    assert ratelimit.prune(runtime, now=T0 + 60) == 0                       # still weighed by the next window
    done = runner.run_job(runtime, "system.prune_rate_limits")
    assert done.status.value == "succeeded" and done.counts == {"deleted": 1} and _stored(runtime) == 0


@pytest.fixture
def settings(db_url: str, tmp_path) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(mode="dev", database_url=db_url, data_dir=tmp_path, timezone="Asia/Kuala_Lumpur",
                    public_get_per_minute=3)


def test_a_survey_links_page_is_limited_across_two_servers(runtime: Runtime, second: Runtime, owner: Staff) -> None:
    from servicescape.quality.models import SurveyKind
    from tests.integration.quality.test_campaigns import active_survey, links, make_book, new_campaign, token_of

    make_book(runtime, owner)
    campaign = new_campaign(runtime, active_survey(runtime, owner, SurveyKind.nps), owner)
    link = token_of(links(runtime, campaign)[0]["link"])
    servers = [TestClient(create_app(runtime=r), base_url="http://127.0.0.1") for r in (runtime, second)]
    answers = [servers[n % 2].get(f"/s/{link}").status_code for n in range(4)]
    assert answers == [200, 200, 200, 429], answers
