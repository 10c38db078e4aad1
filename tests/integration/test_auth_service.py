"""Accounts, passwords, sign-in, sessions and tokens (ASVS V2, V3) on both backends.

The sign-in limits are tested in test_sign_in_limits.py."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from servicescape.audit.models import AuditEvent
from servicescape.auth import passwords
from servicescape.auth import service as auth
from servicescape.auth.models import ApiToken, Role, Staff, WebSession
from servicescape.auth.permissions import SYSTEM
from servicescape.auth.sign_in import PasswordAttempt, authenticate
from servicescape.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from servicescape.runtime import Runtime
from tests.conftest import PASSWORD, PRODUCT_HASHER, make_staff


def test_passwords_are_argon2id_with_owasp_parameters(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "HASHER", PRODUCT_HASHER)     # the suite hashes at the lowest cost
    owner = make_staff(runtime, Role.owner)
    assert owner.password_hash is not None
    assert owner.password_hash.startswith("$argon2id$")
    assert "m=19456,t=2,p=1" in owner.password_hash
    assert PRODUCT_HASHER.verify(owner.password_hash, PASSWORD)
    assert passwords.verify_password(owner.password_hash, PASSWORD)


@pytest.mark.parametrize(("password", "reason"), [
    ("short7!", "at least 8"), ("password123", "too common"), ("Password1", "too common"), ("x" * 129, "at most"),
])
def test_weak_passwords_are_refused(runtime: Runtime, password: str, reason: str) -> None:
    with pytest.raises(ValidationFailed, match=reason), runtime.transaction() as session:
        auth.create_staff(session, name="Weak", email="weak@firm.test", password=password, by=SYSTEM)


def test_no_composition_rules(runtime: Runtime) -> None:
    with runtime.transaction() as session:
        auth.create_staff(session, name="Long", email="long@firm.test", password="correcthorsebatterystaple", by=SYSTEM)


def test_emails_are_unique_case_insensitively(runtime: Runtime, owner: Staff) -> None:
    with pytest.raises(Conflict), runtime.transaction() as session:
        auth.create_staff(session, name="Twin", email=owner.email.upper(), password=PASSWORD, by=SYSTEM)


def _authenticate(runtime: Runtime, email: str, password: str, address: str = "10.0.0.1") -> Staff | None:
    return authenticate(runtime, PasswordAttempt(email, password, address))


def test_sign_in_succeeds_and_failures_are_audited(runtime: Runtime, owner: Staff) -> None:
    assert _authenticate(runtime, owner.email, "wrong-password-x") is None
    assert _authenticate(runtime, "nobody@firm.test", PASSWORD) is None
    staff = _authenticate(runtime, owner.email.upper(), PASSWORD)
    assert staff is not None and staff.id == owner.id
    with runtime.transaction() as session:
        actions = [(e.action, e.actor) for e in session.scalars(select(AuditEvent).where(
            AuditEvent.action.in_(["sign_in", "sign_in_failed"])).order_by(AuditEvent.id))]
    assert actions == [("sign_in_failed", owner.email), ("sign_in_failed", "nobody@firm.test"),
                       ("sign_in", owner.email)]


def test_deactivated_staff_cannot_sign_in(runtime: Runtime, owner: Staff) -> None:
    staff = make_staff(runtime, Role.staff)
    with runtime.transaction() as session:
        auth.deactivate(session, session.merge(staff), by=SYSTEM)
    assert _authenticate(runtime, staff.email, PASSWORD) is None


def test_session_tokens_are_random_and_stored_hashed(runtime: Runtime, owner: Staff) -> None:
    with runtime.transaction() as session:
        first = auth.start_session(session, session.merge(owner), address=None)
        second = auth.start_session(session, session.merge(owner), address=None)
        stored = session.scalars(select(WebSession.token_hash)).all()
    assert first != second
    assert len(first) >= 43  # 32 random bytes, url-safe base64: 256 bits
    assert first not in stored and auth.token_hash(first) in stored


def test_sessions_expire_when_idle_and_absolutely(runtime: Runtime, owner: Staff) -> None:
    with runtime.transaction() as session:
        token = auth.start_session(session, session.merge(owner), address=None)
    with runtime.transaction() as session:
        assert auth.resolve_session(session, runtime.settings, token) is not None
        row = session.get(WebSession, auth.token_hash(token))
        assert row is not None
        row.last_seen_at -= timedelta(minutes=runtime.settings.session_idle_minutes + 1)
    with runtime.transaction() as session:
        assert auth.resolve_session(session, runtime.settings, token) is None
        assert session.get(WebSession, auth.token_hash(token)) is None
    with runtime.transaction() as session:
        token = auth.start_session(session, session.merge(owner), address=None)
        row = session.get(WebSession, auth.token_hash(token))
        assert row is not None
        row.created_at -= timedelta(hours=runtime.settings.session_absolute_hours, minutes=1)
    with runtime.transaction() as session:
        assert auth.resolve_session(session, runtime.settings, token) is None


def test_deactivation_ends_sessions_and_revokes_tokens(runtime: Runtime, owner: Staff) -> None:
    staff = make_staff(runtime, Role.manager)
    with runtime.transaction() as session:
        cookie = auth.start_session(session, session.merge(staff), address=None)
        token = auth.issue_token(session, session.merge(staff), by=SYSTEM).token
    with runtime.transaction() as session:
        assert auth.resolve_token(session, token) is not None
        auth.deactivate(session, session.merge(staff), by=SYSTEM)
    with runtime.transaction() as session:
        assert auth.resolve_session(session, runtime.settings, cookie) is None
        assert auth.resolve_token(session, token) is None


def test_tokens_are_stored_hashed_and_revocable(runtime: Runtime, owner: Staff) -> None:
    with runtime.transaction() as session:
        issued = auth.issue_token(session, session.merge(owner), name="zapier", by=SYSTEM)
    assert issued.token.startswith("ssk_") and issued.record.token_hash == auth.token_hash(issued.token)
    with runtime.transaction() as session:
        assert auth.revoke_tokens(session, session.merge(owner), prefix=issued.record.prefix, by=SYSTEM) == 1
    with runtime.transaction() as session:
        assert auth.resolve_token(session, issued.token) is None


def test_the_last_owner_cannot_be_demoted_or_deactivated(runtime: Runtime, owner: Staff) -> None:
    with pytest.raises(Conflict), runtime.transaction() as session:
        auth.set_role(session, session.merge(owner), Role.manager, by=SYSTEM)
    with pytest.raises(Conflict), runtime.transaction() as session:
        auth.deactivate(session, session.merge(owner), by=SYSTEM)
    second = make_staff(runtime, Role.owner, email="second-owner@firm.test")
    with runtime.transaction() as session:
        auth.set_role(session, session.merge(owner), Role.manager, by=SYSTEM)
    with runtime.transaction() as session:
        assert session.get(Staff, second.id).role == Role.owner  # type: ignore[union-attr]


def test_token_names_are_required_and_kept_trimmed(runtime: Runtime, owner: Staff) -> None:
    for name, problem in (("   ", "Give the token a name"), ("x" * 101, "at most 100"), ("tab\there", "control")):
        with pytest.raises(ValidationFailed, match=problem), runtime.transaction() as session:
            auth.issue_token(session, session.merge(owner), name=name, by=SYSTEM)
    with runtime.transaction() as session:
        issued = auth.issue_token(session, session.merge(owner), name="  Reporting  ", by=SYSTEM)
    assert issued.record.name == "Reporting"


def test_people_list_and_revoke_only_their_own_tokens(runtime: Runtime, owner: Staff) -> None:
    staff = make_staff(runtime, Role.staff)
    with runtime.transaction() as session:
        mine = auth.issue_token(session, session.merge(staff), name="first", by=SYSTEM).record.id
        newer = auth.issue_token(session, session.merge(staff), name="second", by=SYSTEM).record.id
        theirs = auth.issue_token(session, session.merge(owner), name="owner's", by=SYSTEM).record.id
    with runtime.transaction() as session:
        me = session.merge(staff)
        assert [t.id for t in auth.tokens_of(session, me, by=me)] == [newer, mine]
        with pytest.raises(NotFound):
            auth.revoke_token(session, me, theirs, by=me)  # another person's token: as if it did not exist
        with pytest.raises(PermissionDenied):
            auth.tokens_of(session, session.merge(owner), by=me)
        assert auth.revoke_token(session, me, mine, by=me).revoked_at is not None
    with runtime.transaction() as session:
        me = session.merge(staff)
        assert [t.id for t in auth.tokens_of(session, me, by=me)] == [newer, mine]  # in use first
        again = auth.revoke_token(session, me, mine, by=me)  # revoking twice changes nothing
        assert again.revoked_at is not None
        assert session.get(ApiToken, theirs).revoked_at is None  # type: ignore[union-attr]
