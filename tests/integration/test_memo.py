"""Figures remembered until a table they read is written (``db.memo``), on both backends: a write
through the ORM, a bulk statement, an erasure's or an import's; never a stale value, never a value
in another language; the bookkeeping of reading (sign-in sessions) is no write."""

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from servicescape import i18n
from servicescape.audit.service import data_version, entities_version, record
from servicescape.auth.models import WebSession
from servicescape.auth.permissions import SYSTEM
from servicescape.clients import service
from servicescape.clients.models import Client, Interaction
from servicescape.db.memo import once_per_unit, unchanged_since
from servicescape.db.types import utcnow
from servicescape.i18n import _
from servicescape.runtime import Runtime

calls: list[str] = []


@unchanged_since("client")
def client_names(session: Session) -> list[str]:
    calls.append("client_names")
    return sorted(session.scalars(select(Client.name)))


@unchanged_since()
def anything(session: Session, label: str) -> tuple[int, str]:
    calls.append(label)
    return session.scalar(select(func.count()).select_from(Interaction)) or 0, _("Client")


def _add(runtime: Runtime, name: str) -> int:
    with runtime.transaction() as session:
        return service.clients.create(session, {"name": name}, by=SYSTEM).id


def test_computed_once_until_its_table_is_written(runtime: Runtime) -> None:
    calls.clear()
    _add(runtime, "Kovács és Társa Kft.")
    with runtime.transaction() as session:
        assert client_names(session) == ["Kovács és Társa Kft."]
    with runtime.transaction() as session:
        assert client_names(session) == ["Kovács és Társa Kft."]
    assert calls == ["client_names"]
    _add(runtime, "Яворов и партньори ООД")          # an ORM flush
    with runtime.transaction() as session:
        assert client_names(session) == ["Kovács és Társa Kft.", "Яворов и партньори ООД"]
    with runtime.transaction() as session:           # a bulk statement, which no flush sees
        session.execute(update(Client).where(Client.name.startswith("Kov")).values(name="Kiss Bt."))
    with runtime.transaction() as session:
        assert client_names(session) == ["Kiss Bt.", "Яворов и партньори ООД"]
    assert calls == ["client_names"] * 3


def test_a_write_elsewhere_keeps_a_table_bound_value_and_drops_an_unbound_one(runtime: Runtime) -> None:
    client_id = _add(runtime, "Syarikat Maju Jaya Sdn. Bhd.")
    calls.clear()
    with runtime.transaction() as session:
        client_names(session), anything(session, "any")
    with runtime.transaction() as session:
        service.interactions.create(session, {"client_id": client_id, "channel": "call", "occurred_at": utcnow(),
                                              "summary": "Telefonon egyeztettünk."}, by=SYSTEM)
    with runtime.transaction() as session:
        assert client_names(session) == ["Syarikat Maju Jaya Sdn. Bhd."]
        assert anything(session, "any")[0] == 1
    assert calls == ["client_names", "any", "any"]


def test_a_session_that_wrote_computes_afresh(runtime: Runtime) -> None:
    _add(runtime, "北京明德咨询有限公司")
    with runtime.transaction() as session:
        client_names(session)
        session.add(Client(name="台北誠信顧問股份有限公司"))
        session.flush()
        assert len(client_names(session)) == 2       # its own write, not yet anyone else's


def test_each_language_has_its_own_value(runtime: Runtime) -> None:
    with runtime.transaction() as session:
        i18n.activate("hu")
        hungarian = anything(session, "hu")[1]
        i18n.activate("en")
        english = anything(session, "en")[1]
    assert (hungarian, english) == ("Ügyfél", "Client")


def test_reading_is_no_write(runtime: Runtime, owner: object) -> None:
    """A sign-in session's last visit is written while people read: it changes no version."""
    with runtime.transaction() as session:
        session.add(WebSession(token_hash="x" * 64, staff_id=owner.id))  # type: ignore[attr-defined]
    with runtime.transaction() as session:
        before = data_version(session), entities_version(session, ["web_session"])
    with runtime.transaction() as session:
        session.execute(update(WebSession).values(last_seen_at=utcnow()))
    with runtime.transaction() as session:
        assert (data_version(session), entities_version(session, ["web_session"])) == before


def test_an_event_that_changed_nothing_keeps_the_counters(runtime: Runtime, owner: object) -> None:
    """A sign-in is audited but writes no data: what was remembered stays (survey results are not
    counted again because someone signed in); an import's event counts its kind."""
    with runtime.transaction() as session:
        before = data_version(session), entities_version(session, ["staff"])
    with runtime.transaction() as session:
        record(session, "sign_in", entity="staff", entity_id=owner.id, wrote=False)  # type: ignore[attr-defined]
    with runtime.transaction() as session:
        assert (data_version(session), entities_version(session, ["staff"])) == before
        record(session, "import", entity="clients", changes={"rows": 3})
    with runtime.transaction() as session:
        assert entities_version(session, ["clients"]) == 1 and data_version(session) == before[0] + 1


@once_per_unit
def names_in_unit(session: Session, prefix: str) -> list[str]:
    calls.append(f"unit {prefix}")
    return sorted(session.scalars(select(Client.name).where(Client.name.startswith(prefix))))


def test_once_per_unit_is_read_once_per_transaction_and_afresh_after_a_change(runtime: Runtime) -> None:
    _add(runtime, "Kovács és Társa Kft.")
    calls.clear()
    with runtime.transaction() as session:
        assert names_in_unit(session, "K") == names_in_unit(session, "K") == ["Kovács és Társa Kft."]
        assert names_in_unit(session, "Я") == []
        assert calls == ["unit K", "unit Я"]                   # once per arguments
        session.add(Client(name="Kiss Bt."))          # pending, not yet flushed
        assert names_in_unit(session, "K") == ["Kiss Bt.", "Kovács és Társa Kft."]
        assert names_in_unit(session, "K") == ["Kiss Bt.", "Kovács és Társa Kft."]   # flushed: written
    with runtime.transaction() as session:                      # a new transaction reads again
        assert names_in_unit(session, "K") == ["Kiss Bt.", "Kovács és Társa Kft."]
        assert names_in_unit(session, "K") == ["Kiss Bt.", "Kovács és Társa Kft."]
    assert calls == ["unit K", "unit Я", "unit K", "unit K", "unit K"]
