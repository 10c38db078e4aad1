"""Sign-in limits (auth/limits.py) on both backends: atomic under concurrency, per account *and*
client, known devices never locked out by strangers, no hint whether an account exists."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from servicescape.auth import limits, sign_in
from servicescape.auth.limits import SignInRefused
from servicescape.auth.models import SignInLimit, Staff
from servicescape.auth.sign_in import PasswordAttempt, authenticate
from servicescape.db.types import utcnow
from servicescape.platform.jobs import runner
from servicescape.runtime import Runtime
from tests.conftest import PASSWORD

WRONG = "not-the-password"


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The real password checks made (each a call of argon2's verify), counted across threads."""
    made: list[str] = []
    lock = threading.Lock()
    real = sign_in.verify_password

    def counted(password_hash: str | None, password: str) -> bool:
        with lock:
            made.append(password)
        return real(password_hash, password)

    monkeypatch.setattr(sign_in, "verify_password", counted)
    yield made


def attempt(runtime: Runtime, email: str, password: str = WRONG, *, address: str = "10.0.0.1",
            device: str | None = None) -> Staff | None:
    return authenticate(runtime, PasswordAttempt(email, password, address, device))


def refusal(runtime: Runtime, email: str, password: str = WRONG, **where: str) -> SignInRefused:
    with pytest.raises(SignInRefused) as refused:
        attempt(runtime, email, password, **where)
    return refused.value


def _concurrently(runtime: Runtime, count: int, address_of: object) -> tuple[int, int]:
    """``count`` wrong passwords for one account at once; (answered wrong, refused)."""
    start = threading.Barrier(count)

    def one(number: int) -> str:
        start.wait()
        try:
            attempt(runtime, "owner@firm.test", address=address_of(number))  # type: ignore[operator]
        except SignInRefused:
            return "refused"
        return "wrong"

    with ThreadPoolExecutor(max_workers=count) as pool:
        outcomes = list(pool.map(one, range(count)))
    return outcomes.count("wrong"), outcomes.count("refused")


def test_forty_concurrent_wrong_passwords_get_only_the_limit_of_checks(
        runtime: Runtime, owner: Staff, checks: list[str]) -> None:
    limit = runtime.settings.login_max_failures_per_client
    assert _concurrently(runtime, 40, lambda _number: "10.0.0.1") == (limit, 40 - limit)
    assert len(checks) == limit
    with runtime.transaction() as session:
        counted = session.scalars(select(SignInLimit.failures)).all()
    assert sorted(counted) == [limit, limit, limit]  # the pair, the account, the address


def test_forty_concurrent_wrong_passwords_from_forty_addresses_stay_within_the_account_limit(
        runtime: Runtime, owner: Staff, checks: list[str]) -> None:
    runtime.settings.login_max_failures_per_account = 8
    assert _concurrently(runtime, 40, lambda number: f"10.1.0.{number}") == (8, 32)
    assert len(checks) == 8


def test_a_wrong_address_locks_only_itself_out(runtime: Runtime, owner: Staff) -> None:
    for _ in range(runtime.settings.login_max_failures_per_client):
        assert attempt(runtime, owner.email, address="203.0.113.9") is None
    refused = refusal(runtime, owner.email, PASSWORD, address="203.0.113.9")  # even the right password
    assert "from here" in refused.message and refused.status_code == 429
    assert 14 * 60 < refused.retry_after <= 15 * 60
    assert attempt(runtime, owner.email, PASSWORD, address="198.51.100.7") is not None  # the owner elsewhere


def test_the_owner_s_known_device_signs_in_while_strangers_have_used_up_the_account(
        runtime: Runtime, owner: Staff, checks: list[str]) -> None:
    settings = runtime.settings
    settings.login_max_failures_per_account = 6
    device = limits.new_device_cookie(settings, owner.email)
    for number in range(6):  # from six addresses, so no address reaches its own limit
        assert attempt(runtime, owner.email, address=f"192.0.2.{number}") is None
    refused = refusal(runtime, owner.email, PASSWORD, address="192.0.2.200")
    assert "devices that signed in to it before" in refused.message
    assert len(checks) == 6  # the refused attempt was not checked
    assert attempt(runtime, owner.email, PASSWORD, address="192.0.2.200", device=device) is not None
    # a cookie for another account, or a forged one, is an unknown device
    stranger = limits.new_device_cookie(settings, "someone@else.test")
    refusal(runtime, owner.email, PASSWORD, address="192.0.2.200", device=stranger)
    forged = device[:-1] + ("1" if device.endswith("0") else "0")  # one character changed, always
    refusal(runtime, owner.email, PASSWORD, address="192.0.2.200", device=forged)


def test_a_known_device_has_its_own_limit(runtime: Runtime, owner: Staff) -> None:
    device = limits.new_device_cookie(runtime.settings, owner.email)
    for _ in range(runtime.settings.login_max_failures_per_client):
        assert attempt(runtime, owner.email, device=device) is None
    assert "from here" in refusal(runtime, owner.email, PASSWORD, device=device).message
    assert attempt(runtime, owner.email, PASSWORD, address="10.0.0.1") is not None  # the same address, no cookie


def test_spraying_from_one_address_stops_unknown_devices_there_but_not_known_ones(
        runtime: Runtime, owner: Staff) -> None:
    runtime.settings.login_max_failures_per_address = 3
    for number in range(3):
        assert attempt(runtime, f"guess{number}@firm.test", address="10.6.6.6") is None
    assert "from this network" in refusal(runtime, owner.email, PASSWORD, address="10.6.6.6").message
    device = limits.new_device_cookie(runtime.settings, owner.email)
    assert attempt(runtime, owner.email, PASSWORD, address="10.6.6.6", device=device) is not None
    assert attempt(runtime, owner.email, PASSWORD, address="10.7.7.7") is not None


def test_an_ipv6_network_counts_as_one_address(runtime: Runtime, owner: Staff) -> None:
    for host in range(runtime.settings.login_max_failures_per_client):
        assert attempt(runtime, owner.email, address=f"2001:db8:1:2::{host + 1}") is None
    refusal(runtime, owner.email, PASSWORD, address="2001:db8:1:2:ffff::9")  # the same /64
    assert attempt(runtime, owner.email, PASSWORD, address="2001:db8:1:3::1") is not None


def test_unknown_and_real_accounts_get_the_same_answers(runtime: Runtime, owner: Staff) -> None:
    answers = []
    for email in (owner.email, "nobody@firm.test"):
        limit = runtime.settings.login_max_failures_per_client
        wrong = [attempt(runtime, email, address="10.8.8.8") for _ in range(limit)]
        refused = refusal(runtime, email, address="10.8.8.8")
        answers.append((wrong, refused.message, refused.status_code, refused.to_dict()["error"]["code"]))
    assert answers[0] == answers[1]


def test_the_right_password_gives_back_the_reservation_and_clears_the_client(
        runtime: Runtime, owner: Staff, checks: list[str]) -> None:
    limit = runtime.settings.login_max_failures_per_client
    for _ in range(limit - 1):
        attempt(runtime, owner.email)
    assert attempt(runtime, owner.email, PASSWORD) is not None
    with runtime.transaction() as session:
        kept = sorted(session.scalars(select(SignInLimit.failures)).all())
    assert kept == [limit - 1, limit - 1]  # account and address keep the failures; the pair is cleared
    for _ in range(limit):  # the client may fail `limit` times again
        assert attempt(runtime, owner.email) is None
    refusal(runtime, owner.email)


def test_failures_are_forgotten_when_the_window_has_passed(runtime: Runtime, owner: Staff) -> None:
    window = timedelta(minutes=runtime.settings.login_failure_window_minutes)
    then = utcnow() - window - timedelta(seconds=5)
    for _ in range(runtime.settings.login_max_failures_per_client):
        authenticate(runtime, PasswordAttempt(owner.email, WRONG, "10.0.0.1"), now=then)
    with pytest.raises(SignInRefused):
        authenticate(runtime, PasswordAttempt(owner.email, PASSWORD, "10.0.0.1"), now=then + timedelta(minutes=1))
    with runtime.transaction() as session:
        assert limits.prune(session, runtime.settings, now=then + window) == 0  # still counting
    result = runner.run_job(runtime, "staff.sign_in_limits")
    assert result.counts == {"deleted": 3}
    with runtime.transaction() as session:
        assert session.scalar(select(func.count()).select_from(SignInLimit)) == 0
    assert attempt(runtime, owner.email, PASSWORD) is not None


def test_addresses_are_grouped_by_ipv6_network() -> None:
    assert limits.address_group("192.0.2.7") == "192.0.2.7"
    assert limits.address_group("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert limits.address_group("::ffff:192.0.2.7") == "192.0.2.7"
    assert limits.address_group("testclient") == "testclient"
