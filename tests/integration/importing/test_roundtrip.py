"""import(export(x)) == x: a property over awkward text and amounts, in CSV, XLSX and JSON.

x is a client book as an import leaves it: text stripped (imports strip cells) and free of
control characters other than line breaks and tabs inside it (a workbook cannot hold them).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from servicescape.auth.models import Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.clients.exporting import export_table
from servicescape.clients.importing import import_file
from servicescape.clients.models import (
    Channel,
    Client,
    ClientKind,
    ClientStatus,
    Contact,
    Engagement,
    EngagementStatus,
    Interaction,
    Invoice,
    Tier,
)
from servicescape.runtime import Runtime

AWKWARD = [
    "=1+2", "+36 1 234 5678", "-minus", "@at", "'=already guarded", "'apostrophe", "''=two", "a,b;c\td",
    'say "hi"', "two\nlines", "王伟", "臺北品牌", "Петров и сие", "Kővári Ödön", "😀 emoji 🎉", "-12.50", "0012",
    "=HYPERLINK(\"http://x\",\"y\")", "\\back\\slash", "trailing =", "1.234,50", "null", "TRUE",
    "+60 12-345 6789", "+1 (555) 010-2030", "-5", "+1-1", "+1 - 2", "'+60 12 345", "'-5", "+60-12-3456789",
]
_letters = st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Co", "Zl", "Zp"))
_free = st.text(st.one_of(_letters, st.sampled_from(["\n", "\t", "=", "+", "-", "@", "'", '"', ","])),
                min_size=1, max_size=12).map(str.strip).filter(bool)
TEXT = st.one_of(st.sampled_from(AWKWARD), _free)
OPTIONAL = st.one_of(st.none(), TEXT)
EMAIL = st.builds(lambda local, domain: f"{local}@{domain}.example",
                  st.text("abcXYZ019._+-='", min_size=1, max_size=8), st.text("abcdefgh", min_size=1, max_size=6))
AMOUNT = st.decimals(min_value=Decimal("0"), max_value=Decimal("1000000000"), places=4,
                     allow_nan=False, allow_infinity=False)
DAY = st.dates(min_value=date(1990, 1, 1), max_value=date(2035, 12, 31))
MOMENT = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2025, 1, 1),  # interactions: past
                      timezones=st.just(UTC)).map(lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000))
CUSTOM_KEYS = ["Annual fee", "Email", "Company", "custom: note", "备注", "Бележка", "VIP?", "Name", "Type",
               "=SUM", "+note", "-5", "@home", "'=quoted", "+60 12-345 6789", "custom: =x"]


@st.composite
def client_books(draw: Any) -> dict[str, list[dict[str, Any]]]:
    n = draw(st.integers(1, 3))
    clients = [{
        "external_id": f"C-{i}", "name": draw(TEXT), "kind": draw(st.sampled_from(list(ClientKind))),
        "email": draw(st.one_of(st.none(), EMAIL)), "phone": draw(OPTIONAL), "city": draw(OPTIONAL),
        "country": draw(st.sampled_from([None, "MY", "BG", "CN", "TW", "HU", "HK"])),
        "segment": draw(OPTIONAL), "tier": draw(st.sampled_from(list(Tier))),
        "status": draw(st.sampled_from(list(ClientStatus))), "owner": draw(st.booleans()),
        "created_at": draw(MOMENT),
        "custom_fields": draw(st.dictionaries(st.sampled_from(CUSTOM_KEYS), TEXT, max_size=3)),
    } for i in range(n)]
    client = st.integers(0, n - 1)
    invoices = [{"external_id": f"I-{i}", "client": draw(client), "issued_on": draw(DAY), "amount": draw(AMOUNT),
                 "currency": draw(st.sampled_from(["EUR", "MYR", "HUF"]))} for i in range(draw(st.integers(0, 3)))]
    engagements = [{"external_id": f"E-{i}", "client": draw(client), "description": draw(TEXT),
                    "value": draw(st.one_of(st.none(), AMOUNT)), "currency": draw(st.sampled_from([None, "EUR"])),
                    "start_date": draw(DAY), "status": draw(st.sampled_from(list(EngagementStatus)))}
                   for i in range(draw(st.integers(0, 2)))]
    interactions = [{"external_id": f"T-{i}", "client": draw(client), "occurred_at": draw(MOMENT),
                     "channel": draw(st.sampled_from(list(Channel))), "summary": draw(TEXT)}
                    for i in range(draw(st.integers(0, 2)))]
    contacts = [{"external_id": f"P-{i}", "client": draw(client), "name": draw(TEXT),
                 "email": draw(st.one_of(st.none(), EMAIL)), "job_title": draw(OPTIONAL)}
                for i in range(draw(st.integers(0, 2)))]
    return {"clients": clients, "invoices": invoices, "engagements": engagements, "interactions": interactions,
            "contacts": contacts}


def store(runtime: Runtime, book: dict[str, list[dict[str, Any]]], owner_id: int) -> None:
    with runtime.transaction() as session:
        ids = []
        for data in book["clients"]:
            fields = {k: v for k, v in data.items() if k != "owner"}
            client = Client(**fields, owner_id=owner_id if data["owner"] else None)
            session.add(client)
            session.flush()
            ids.append(client.id)
        for kind, model in (("invoices", Invoice), ("engagements", Engagement), ("interactions", Interaction),
                            ("contacts", Contact)):
            for data in book[kind]:
                session.add(model(**{k: v for k, v in data.items() if k != "client"}, client_id=ids[data["client"]]))


def snapshot(runtime: Runtime) -> dict[str, list[tuple[Any, ...]]]:
    """What the book holds, with clients named by their external ids instead of row ids."""
    with runtime.transaction() as session:
        ext = dict(session.execute(select(Client.id, Client.external_id)).all())
        result: dict[str, list[tuple[Any, ...]]] = {"clients": [
            (c.external_id, c.name, c.kind, c.email, c.phone, c.city, c.country, c.segment, c.tier, c.status,
             c.owner_id, c.created_at, c.custom_fields)
            for c in session.scalars(select(Client).order_by(Client.external_id))]}
        result["invoices"] = [(i.external_id, ext[i.client_id], i.issued_on, i.amount, i.currency)
                              for i in session.scalars(select(Invoice).order_by(Invoice.external_id))]
        result["engagements"] = [
            (e.external_id, ext[e.client_id], e.description, e.value, e.currency, e.start_date, e.status)
            for e in session.scalars(select(Engagement).order_by(Engagement.external_id))]
        result["interactions"] = [(i.external_id, ext[i.client_id], i.occurred_at, i.channel, i.summary)
                                  for i in session.scalars(select(Interaction).order_by(Interaction.external_id))]
        result["contacts"] = [(c.external_id, ext[c.client_id], c.name, c.email, c.job_title)
                              for c in session.scalars(select(Contact).order_by(Contact.external_id))]
        return result


def wipe(runtime: Runtime) -> None:
    with runtime.transaction() as session:
        session.execute(delete(Client))  # its records go with it (ON DELETE CASCADE)
        for model in (Invoice, Engagement, Interaction, Contact):
            session.execute(delete(model))


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(book=client_books())
def test_import_of_export_gives_back_the_book(runtime: Runtime, owner: Staff, tmp_path: Path, fmt: str,
                                             book: dict[str, list[dict[str, Any]]]) -> None:
    wipe(runtime)
    store(runtime, book, owner.id)
    before = snapshot(runtime)
    kinds = ["clients", "contacts", "engagements", "invoices", "interactions"]
    for kind in kinds:
        export_table(runtime, kind, fmt, tmp_path / f"{kind}.{fmt}", by=SYSTEM)
    wipe(runtime)
    for kind in kinds:
        report = import_file(runtime, kind, tmp_path / f"{kind}.{fmt}", by=SYSTEM)
        assert report.rejected == 0 and report.warnings == 0, (kind, report.rejects, report.warning_messages)
    assert snapshot(runtime) == before


def test_moments_keep_their_instant_across_time_zones(runtime: Runtime, tmp_path: Path) -> None:
    with runtime.transaction() as session:
        session.add(Client(name="Tan", created_at=datetime(2024, 3, 5, 23, 59, 59, 123000, tzinfo=UTC)))
    export_table(runtime, "clients", "csv", tmp_path / "c.csv", by=SYSTEM)
    text = (tmp_path / "c.csv").read_text(encoding="utf-8-sig")
    assert "2024-03-06T07:59:59.123000+08:00" in text  # the firm's zone, with its offset
    wipe(runtime)
    import_file(runtime, "clients", tmp_path / "c.csv", by=SYSTEM)
    assert snapshot(runtime)["clients"][0][11] == datetime(2024, 3, 5, 23, 59, 59, 123000, tzinfo=UTC)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_guarded_headers_and_phone_numbers_come_back_as_they_were(runtime: Runtime, tmp_path: Path, fmt: str) -> None:
    custom = {"=SUM": "=1+2", "+note": "+60 12-345 6789", "-5": "-5", "'=quoted": "'=x"}
    with runtime.transaction() as session:
        session.add(Client(name="Tan", phone="+60 12-345 6789", custom_fields=custom))
        session.add(Client(name="Lim", phone="+1 (555) 010-2030"))
    path = tmp_path / f"clients.{fmt}"
    export_table(runtime, "clients", fmt, path, by=SYSTEM)
    if fmt == "csv":
        header, tan, lim = path.read_text(encoding="utf-8-sig").splitlines()
        assert header.endswith(",''=quoted,'+note,-5,'=SUM")   # the export guards what could run...
        assert ",+60 12-345 6789," in tan and tan.endswith(",''=x,+60 12-345 6789,-5,'=1+2")
        assert ",+1 (555) 010-2030," in lim                         # ...and not phone numbers or numbers
    wipe(runtime)
    report = import_file(runtime, "clients", path, by=SYSTEM)
    assert report.custom_fields == ["'=quoted", "+note", "-5", "=SUM"]
    with runtime.transaction() as session:
        stored = {c.name: (c.phone, c.custom_fields) for c in session.scalars(select(Client))}
    assert stored == {"Tan": ("+60 12-345 6789", custom), "Lim": ("+1 (555) 010-2030", {})}
