"""The promise ledger's rules on both databases: keeping, missing, re-promising, the sweep, the
reliability figures, complaints against their targets and service recovery."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from servicescape.auth.models import Role, Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.clients import service as clients
from servicescape.clients.models import Tier
from servicescape.db.types import utcnow
from servicescape.errors import Conflict, ValidationFailed
from servicescape.promises import complaints, notices, recovery, reliability, service
from servicescape.promises.models import ComplaintStatus, Promise, PromiseStatus
from servicescape.promises.sweep import sweep
from servicescape.runtime import Runtime
from servicescape.tasks.models import Task, TaskStatus
from tests.conftest import make_staff


def _client(runtime: Runtime, name: str = "Sejuk Aircond Sdn Bhd", tier: Tier = Tier.standard,
            email: str | None = "office@sejuk.example") -> int:
    with runtime.transaction() as session:
        return clients.clients.create(session, {"name": name, "tier": tier, "email": email, "language": "ms"},
                                      by=SYSTEM).id


def _promise(runtime: Runtime, client_id: int, owner: Staff, start: datetime, hours: float = 3,
             **extra: object) -> int:
    with runtime.transaction() as session:
        return service.promises.create(session, {"client_id": client_id, "owner_id": owner.id, "kind": "appointment",
                                                 "window_start": start, "window_end": start + timedelta(hours=hours),
                                                 **extra}, by=SYSTEM).id


def _tasks(runtime: Runtime, kind: str) -> list[Task]:
    with runtime.transaction() as session:
        return list(session.scalars(select(Task).where(Task.kind == kind).order_by(Task.id)))


def test_the_air_conditioner_story_is_three_broken_promises(runtime: Runtime) -> None:
    """Source 002: a repair promised for 2–5 pm, missed, re-promised, missed again, the installer
    sent instead of the repairer: three promises, none edited, two recoveries and a flag."""
    repairer = make_staff(runtime, Role.staff, "repairer@firm.example", "Ahmad the repairer")
    installer = make_staff(runtime, Role.staff, "installer@firm.example", "Wei the installer")
    client_id = _client(runtime)
    first_start = utcnow() - timedelta(days=3)
    first = _promise(runtime, client_id, repairer, first_start)
    with runtime.transaction() as session:
        report = sweep(session, runtime.settings, now=utcnow(), by=SYSTEM)
        assert report.missed == 1 and report.recovery_tasks == 1
        second = service.repromise(session, session.get(Promise, first), {
            "window_start": first_start + timedelta(days=1), "window_end": first_start + timedelta(days=1, hours=3)},
            by=SYSTEM).id
    with runtime.transaction() as session:
        assert sweep(session, runtime.settings, now=utcnow(), by=SYSTEM).missed == 1
        third = service.repromise(session, session.get(Promise, second), {
            "window_start": first_start + timedelta(days=2), "window_end": first_start + timedelta(days=2, hours=3)},
            by=SYSTEM)
        kept = service.keep(session, third, kept_at=third.window_end + timedelta(hours=2),
                            delivered_by_id=installer.id, client_words="Sent the wrong person, again.", by=SYSTEM)
        assert (kept.status, kept.lateness_minutes, kept.other_person_came) == (PromiseStatus.late, 120, True)
    with runtime.transaction() as session:
        story = service.chain(session, session.get(Promise, second), by=SYSTEM)
        assert [p.id for p in story] == [first, second, third.id]
        assert [p.status for p in story] == [PromiseStatus.missed, PromiseStatus.missed, PromiseStatus.late]
        assert story[0].window_start == first_start  # history is never edited
        # a second sweep changes nothing (idempotent)
        assert sweep(session, runtime.settings, now=utcnow(), by=SYSTEM).as_dict() == {
            key: 0 for key in sweep(session, runtime.settings, now=utcnow(), by=SYSTEM).as_dict()}
    recoveries = _tasks(runtime, "recovery")
    assert len(recoveries) == 3  # two missed, one late beyond the standard tier's hour
    assert {t.related_id for t in recoveries} == {first, second, third.id}
    with runtime.transaction() as session:
        flagged = reliability.flagged_clients(session, now=utcnow(), by=SYSTEM)
        assert [(f["client_id"], f["broken"]) for f in flagged] == [(client_id, 3)]


def test_rules_refuse_what_makes_no_sense(runtime: Runtime) -> None:
    owner = make_staff(runtime, Role.staff, "a@firm.example")
    client_id = _client(runtime)
    start = utcnow() + timedelta(days=1)
    with runtime.transaction() as session:
        with pytest.raises(ValidationFailed) as backwards:
            service.promises.create(session, {"client_id": client_id, "window_start": start,
                                              "window_end": start - timedelta(hours=1)}, by=SYSTEM)
        assert backwards.value.field == "window_end"
        with pytest.raises(ValidationFailed) as unknown:
            service.promises.create(session, {"client_id": 999_999, "window_start": start,
                                              "window_end": start + timedelta(hours=1)}, by=SYSTEM)
        assert unknown.value.field == "client_id"
        with pytest.raises(ValidationFailed):
            service.promises.create(session, {"client_id": client_id, "window_start": start.replace(tzinfo=None),
                                              "window_end": start + timedelta(hours=1)}, by=SYSTEM)
    promise_id = _promise(runtime, client_id, owner, start)
    with runtime.transaction() as session:
        promise = session.get(Promise, promise_id)
        service.cancel(session, promise, reason="Client away", by=SYSTEM)
        with pytest.raises(Conflict, match="cancelled promise cannot be kept"):
            service.keep(session, promise, by=SYSTEM)
        with pytest.raises(Conflict):
            service.repromise(session, promise, {"window_start": start, "window_end": start + timedelta(hours=1)},
                              by=SYSTEM)
        with pytest.raises(ValidationFailed):
            service.promises.update(session, promise, {"status": "kept"}, by=SYSTEM)


def test_reliability_figures_by_staff_tier_and_month(runtime: Runtime) -> None:
    a = make_staff(runtime, Role.staff, "a@firm.example", "Ana")
    b = make_staff(runtime, Role.staff, "b@firm.example", "Bo")
    key_client = _client(runtime, "Key Kft.", Tier.key)
    now = utcnow()
    ids = [_promise(runtime, key_client, person, now - timedelta(days=days)) for person, days in
           ((a, 10), (a, 9), (a, 8), (b, 7), (b, 6))]
    cancelled = _promise(runtime, key_client, b, now - timedelta(days=5))
    future = _promise(runtime, key_client, b, now + timedelta(days=5))
    with runtime.transaction() as session:
        get = session.get
        service.keep(session, get(Promise, ids[0]), kept_at=get(Promise, ids[0]).window_start, by=SYSTEM)
        service.keep(session, get(Promise, ids[1]), kept_at=get(Promise, ids[1]).window_end + timedelta(minutes=30),
                     by=SYSTEM)
        service.keep(session, get(Promise, ids[2]), kept_at=get(Promise, ids[2]).window_end + timedelta(minutes=90),
                     by=SYSTEM)
        service.keep(session, get(Promise, ids[3]), kept_at=get(Promise, ids[3]).window_end, by=SYSTEM)
        service.cancel(session, get(Promise, cancelled), by=SYSTEM)
        # ids[4] is left open: its window ended, so it counts as missed before any sweep
        figures = reliability.reliability(session, since=now - timedelta(days=60), until=now,
                                          zone=runtime.settings.zone, now=now, by=SYSTEM).as_dict()
    assert future and figures["promises"] == 5
    assert (figures["kept_on_time"], figures["late"], figures["missed"]) == (2, 2, 1)
    assert figures["kept_on_time_share"] == 0.4 and figures["missed_share"] == 0.2
    assert figures["mean_lateness_minutes"] == 60.0
    assert figures["by_staff"]["a@firm.example"]["late_share"] == round(2 / 3, 4)
    assert figures["by_staff"]["b@firm.example"]["missed"] == 1
    assert figures["by_tier"]["key"]["promises"] == 5
    assert sum(m["promises"] for m in figures["by_month"].values()) == 5
    assert figures["discovered_by_client"] == 3 and figures["announced"] == 0


def test_an_unconfirmed_promise_soon_due_is_at_risk_and_the_notice_goes_out(runtime: Runtime) -> None:
    owner = make_staff(runtime, Role.staff, "o@firm.example", "Siti")
    client_id = _client(runtime)
    soon = utcnow() + timedelta(hours=3)
    promise_id = _promise(runtime, client_id, owner, soon)
    overlapping = _promise(runtime, client_id, owner, soon + timedelta(hours=1), confirmed_at=None)
    far = _promise(runtime, client_id, owner, utcnow() + timedelta(days=5))
    with runtime.transaction() as session:
        report = sweep(session, runtime.settings, now=utcnow(), by=SYSTEM)
        assert report.at_risk == 2 and report.risk_tasks == 2
        promise = session.get(Promise, promise_id)
        assert promise.at_risk == "unconfirmed,double_booked"
        assert session.get(Promise, far).at_risk is None
        notice = notices.compose(session, runtime.settings, promise, by=SYSTEM)
        assert notice.language == "ms" and notice.to == "office@sejuk.example"
        notices.send(session, runtime.settings, promise, by=SYSTEM)
        assert promise.announced_at is not None
        service.cancel(session, session.get(Promise, overlapping), by=SYSTEM)
        service.confirm(session, promise, by=SYSTEM)
    with runtime.transaction() as session:
        again = sweep(session, runtime.settings, now=utcnow(), by=SYSTEM)
        assert again.no_longer_at_risk == 1 and session.get(Promise, promise_id).at_risk is None
    assert len(_tasks(runtime, "at_risk")) == 2


def test_a_promise_in_its_owners_leave_is_at_risk(runtime: Runtime) -> None:
    from servicescape.promises import policies

    owner = make_staff(runtime, Role.staff, "away@firm.example", "Dóra")
    client_id = _client(runtime)
    in_ten_days = utcnow() + timedelta(days=10)
    promise_id = _promise(runtime, client_id, owner, in_ten_days, kind="deliverable", confirmed_at=utcnow())
    with runtime.transaction() as session:
        assert sweep(session, runtime.settings, now=utcnow(), by=SYSTEM).at_risk == 0
        day = in_ten_days.astimezone(runtime.settings.zone).date()
        policies.leave.create(session, {"staff_id": owner.id, "starts_on": day - timedelta(days=1),
                                        "ends_on": day + timedelta(days=2), "note": "Szabadság"}, by=SYSTEM)
        with pytest.raises(ValidationFailed) as backwards:
            policies.leave.create(session, {"staff_id": owner.id, "starts_on": day, "ends_on": day - timedelta(days=1)},
                                  by=SYSTEM)
        assert backwards.value.field == "ends_on"
        report = sweep(session, runtime.settings, now=utcnow(), by=SYSTEM)
        assert (report.at_risk, report.risk_tasks) == (1, 1)
        assert session.get(Promise, promise_id).at_risk == "on_leave"


def test_complaints_against_business_hours_and_recovery(runtime: Runtime) -> None:
    client_id = _client(runtime, "Ключов клиент ЕООД", Tier.key)
    long_ago = utcnow() - timedelta(days=20)
    with runtime.transaction() as session:
        late = complaints.complaints.create(session, {"client_id": client_id, "text": "Никой не дойде.",
                                                              "received_at": long_ago, "severity": "high"}, by=SYSTEM)
        assert late.response_due_at > long_ago
        fresh = complaints.complaints.create(session, {"client_id": client_id, "text": "Още чакам."},
                                   by=SYSTEM)
        report = sweep(session, runtime.settings, now=utcnow(), by=SYSTEM)
        assert (report.response_breaches, report.resolution_breaches) == (1, 1)
        with pytest.raises(ValidationFailed):
            complaints.resolve(session, late, outcome="  ", by=SYSTEM)
        complaints.resolve(session, late, outcome="Visited, apologised, refunded the call-out.", by=SYSTEM)
        assert late.status == ComplaintStatus.resolved and late.first_response_at is not None
        with pytest.raises(Conflict):
            complaints.resolve(session, late, outcome="again", by=SYSTEM)
        complaints.respond(session, fresh, by=SYSTEM)
    [task] = _tasks(runtime, "recovery")
    assert task.related_type == "complaint"
    with runtime.transaction() as session:
        with pytest.raises(ValidationFailed) as no_outcome:
            recovery.close(session, task.id, outcome=" ", by=SYSTEM)
        assert no_outcome.value.field == "outcome"
        recovery.close(session, task.id, outcome="Called the manager; a credit note was sent.", by=SYSTEM)
        assert session.get(Task, task.id).status == TaskStatus.done
        assert session.scalar(select(func.count()).select_from(Task)) == 1


def test_business_clock_skips_nights_weekends_and_holidays() -> None:
    from datetime import date, time
    from zoneinfo import ZoneInfo

    from servicescape.promises.rules import business_clock

    zone = ZoneInfo("Asia/Kuala_Lumpur")
    clock = business_clock(zone, time(9), time(17), [1, 2, 3, 4, 5], [date(2026, 12, 25)])
    friday_afternoon = datetime(2026, 12, 4, 15, 0, tzinfo=zone)
    assert clock.add_hours(friday_afternoon, 4) == datetime(2026, 12, 7, 11, 0, tzinfo=zone)
    thursday_night = datetime(2026, 12, 24, 20, 0, tzinfo=zone)
    assert clock.add_hours(thursday_night, 4) == datetime(2026, 12, 28, 13, 0, tzinfo=zone)
    assert clock.add_days(datetime(2026, 12, 23, 10, tzinfo=zone), 3) == datetime(2026, 12, 29, 17, tzinfo=zone)
    assert clock.add_hours(datetime(2026, 12, 2, 1, tzinfo=UTC), 1) == datetime(2026, 12, 2, 10, tzinfo=zone)


def test_kept_month_figures_follow_every_change(runtime: Runtime) -> None:
    """Whole months' figures are kept; a change to a promise of a kept month, a client's new tier or
    a deleted promise makes them stale (the triggers), and the next reading counts the month again."""
    from servicescape.promises import months
    from servicescape.promises.models import PromiseMonth

    owner = make_staff(runtime, Role.staff, "m@firm.example", "Mei")
    client_id = _client(runtime, "Bulan Sdn Bhd", Tier.growth)
    now = utcnow()
    old = [_promise(runtime, client_id, owner, now - timedelta(days=days)) for days in (70, 75, 80)]
    zone = runtime.settings.zone

    def figures() -> dict[str, object]:
        with runtime.transaction() as session:
            return reliability.reliability(session, since=now - timedelta(days=120), until=now, zone=zone, now=now,
                                           by=SYSTEM).as_dict()

    def live() -> dict[str, object]:
        """The same figures with nothing kept: every month counted from its promises."""
        with runtime.transaction() as session:
            session.execute(months.delete(months.PromiseMonthFigure))
            session.execute(months.delete(PromiseMonth))
        return figures()

    first = figures()
    assert first["missed"] == 3 and first["by_tier"]["growth"]["promises"] == 3
    with runtime.transaction() as session:
        kept = session.scalars(select(PromiseMonth).where(PromiseMonth.computed_version.is_not(None))).all()
        assert kept and all(m.computed_version == m.version for m in kept)
        service.keep(session, session.get(Promise, old[0]), kept_at=session.get(Promise, old[0]).window_start,
                     by=SYSTEM)
    second = figures()
    assert (second["kept_on_time"], second["missed"]) == (1, 2)
    with runtime.transaction() as session:
        clients.clients.update(session, clients.clients.get(session, client_id, by=SYSTEM), {"tier": Tier.key},
                               by=SYSTEM)
    third = figures()
    assert third["by_tier"]["key"]["promises"] == 3 and "growth" not in third["by_tier"]
    with runtime.transaction() as session:
        service.promises.delete(session, session.get(Promise, old[1]), by=SYSTEM)
    with runtime.transaction() as session:  # the job counts the stale months again; then nothing is stale
        service.keep(session, session.get(Promise, old[2]), kept_at=session.get(Promise, old[2]).window_end,
                     by=SYSTEM)
        assert months.refresh(session, zone=zone, now=now) >= 1  # the stale month (and those never read)
        assert months.refresh(session, zone=zone, now=now) == 0
    fourth = figures()
    assert (fourth["promises"], fourth["kept_on_time"]) == (2, 2)
    assert fourth == live()


def test_recovery_effectiveness_counts_clients_still_active_six_months_later(runtime: Runtime) -> None:
    from servicescape.tasks import service as tasks

    now = utcnow()
    kept_in_touch, went_quiet, lost, recent = (_client(runtime, name) for name in (
        "Tetap Setia Sdn Bhd", "Senyap Sdn Bhd", "Hilang Sdn Bhd", "Baru Sdn Bhd"))
    with runtime.transaction() as session:
        for client_id, days_ago in ((kept_in_touch, 220), (went_quiet, 220), (lost, 220), (recent, 30)):
            task = tasks.tasks.create(session, {"title": "Recover", "kind": "recovery", "client_id": client_id},
                                      by=SYSTEM)
            tasks.close(session, task, outcome="Apologised and refunded.", by=SYSTEM)
            task.closed_at = now - timedelta(days=days_ago)
        clients.interactions.create(session, {"client_id": kept_in_touch, "channel": "call",
                                              "occurred_at": now - timedelta(days=10), "summary": "Renewal talk"},
                                    by=SYSTEM)
        clients.interactions.create(session, {"client_id": went_quiet, "channel": "call",
                                              "occurred_at": now - timedelta(days=200), "summary": "Apology call"},
                                    by=SYSTEM)
        clients.clients.update(session, clients.clients.get(session, lost, by=SYSTEM), {"status": "lost"}, by=SYSTEM)
        clients.invoices.create(session, {"client_id": lost, "issued_on": (now - timedelta(days=5)).date(),
                                          "amount": Decimal("100"), "currency": "MYR"}, by=SYSTEM)
        found = recovery.effectiveness(session, now=now, by=SYSTEM)
    assert (found.recovered_clients, found.still_active, found.share) == (3, 1, 1 / 3)
