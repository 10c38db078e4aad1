"""Relationships through the API on both databases: the clients overdue for contact and their order,
key accounts (the fewest clients bringing 80% of revenue), continuity, new faces, a person's agenda,
the contact cadence, the exchange rates, the private calendar feed — and who may do what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar

from servicescape.auth.models import Role, Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.promises import service as promises
from servicescape.promises.models import Promise
from servicescape.runtime import Runtime
from tests.conftest import api_as, token_for
from tests.integration.relationships.firm import NOW, Firm, agenda_firm, local, tomorrow


def _overdue_firm(runtime: Runtime) -> tuple[Firm, dict[str, int]]:
    """Key accounts overdue after 14 days, growth after 30, standard after 90 (the defaults)."""
    firm = Firm(runtime)
    ana, ben = firm.person("ana"), firm.person("ben")
    ids = {
        "k_small": firm.client("Key small", tier="key", owner=ana),
        "k_big_recent": firm.client("Key big, recent", tier="key", owner=ben),
        "k_big_old": firm.client("Key big, long ago", tier="key", owner=ana),
        "k_fine": firm.client("Key in touch", tier="key", owner=ana),
        "g_rich": firm.client("Growth rich", tier="growth", owner=ben),
        "s_never": firm.client("Standard never contacted", tier="standard", added_days_ago=100),
        "s_new": firm.client("Standard just added", tier="standard", added_days_ago=20),
        "s_fine": firm.client("Standard in touch", tier="standard"),
        "k_gone": firm.client("Key but lost", tier="key", status="lost"),
    }
    for key, days in (("k_small", 20), ("k_big_recent", 40), ("k_big_old", 60), ("k_fine", 5), ("g_rich", 31),
                      ("s_fine", 10), ("k_gone", 100)):
        firm.contact(ids[key], days)
    firm.contact(ids["k_big_old"], 400)  # an older contact does not count: the last one does
    firm.invoice(ids["k_small"], "1000.00")
    firm.invoice(ids["k_big_recent"], "5000.00")
    firm.invoice(ids["k_big_old"], "3000.00")
    firm.invoice(ids["k_big_old"], "2000.00", days_ago=200)
    firm.invoice(ids["k_big_old"], "90000.00", days_ago=500)  # older than a year: not counted
    firm.invoice(ids["g_rich"], "100000.00", currency="MYR")  # 20,000 EUR once MYR has a rate
    return firm, ids


def test_overdue_contacts_by_tier_then_revenue_then_days_overdue(api: TestClient, runtime: Runtime) -> None:
    firm, ids = _overdue_firm(runtime)
    assert api.put("/api/v1/rates/MYR", json={"rate": 0.2}).status_code == 200
    found = api.get("/api/v1/relationships/overdue")
    assert found.status_code == 200, found.text
    body = found.json()
    names = [item["name"] for item in body["items"]]
    assert names == ["Key big, long ago", "Key big, recent", "Key small", "Growth rich", "Standard never contacted"]
    assert (body["total"], body["pages"], body["currency"]) == (5, 1, "EUR")
    first, small, rich, never = body["items"][0], body["items"][2], body["items"][3], body["items"][4]
    assert first["revenue"] == 5000.0 and first["days_overdue"] == 60 - 14
    assert small["days_overdue"] == 20 - 14 and small["owner_name"] == "Ana"
    assert rich["revenue"] == pytest.approx(20000.0) and rich["tier"] == "growth"
    assert never["last_contact_at"] is None and never["days_overdue"] == 100 - 90
    mine = api.get("/api/v1/relationships/overdue", params={"owner_id": firm.people["ana"].id}).json()
    assert [item["name"] for item in mine["items"]] == ["Key big, long ago", "Key small"]
    growth = api.get("/api/v1/relationships/overdue", params={"tier": "growth"}).json()
    assert [item["client_id"] for item in growth["items"]] == [ids["g_rich"]]
    second = api.get("/api/v1/relationships/overdue", params={"per_page": 2, "page": 2}).json()
    assert [item["name"] for item in second["items"]] == ["Key small", "Growth rich"] and second["pages"] == 3
    assert api.get("/api/v1/relationships/overdue", params={"tier": "platinum"}).status_code == 422
    assert api.get("/api/v1/relationships/overdue", params={"per_page": 0}).status_code == 422


def test_the_cadence_decides_who_is_overdue(app, api: TestClient, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    _firm, ids = _overdue_firm(runtime)
    assert api.get("/api/v1/relationships/cadence").json() == [
        {"tier": "key", "every_days": 14}, {"tier": "growth", "every_days": 30}, {"tier": "standard", "every_days": 90}]
    changed = api.patch("/api/v1/relationships/cadence", json={"tier": "key", "every_days": 50})
    assert changed.status_code == 200, changed.text
    assert changed.json()[0] == {"tier": "key", "every_days": 50}
    overdue = api.get("/api/v1/relationships/overdue").json()["items"]
    assert [item["client_id"] for item in overdue if item["tier"] == "key"] == [ids["k_big_old"]]
    assert overdue[0]["days_overdue"] == 60 - 50
    again = api.patch("/api/v1/relationships/cadence", json={"tier": "key", "every_days": 10})
    assert again.json()[0]["every_days"] == 10
    assert api.get("/api/v1/relationships/cadence").json()[0]["every_days"] == 10
    for body, field in (({"tier": "key", "every_days": 0}, "every_days"),
                        ({"tier": "key", "every_days": 3651}, "every_days"),
                        ({"tier": "key", "every_days": "7"}, "every_days"), ({"tier": "gold", "every_days": 7}, "tier"),
                        ({"tier": "key"}, "every_days")):
        refused = api.patch("/api/v1/relationships/cadence", json=body)
        assert refused.status_code == 422 and refused.json()["error"]["field"] == field, (body, refused.text)
    viewer, staff, manager = (api_as(app, runtime, role) for role in (Role.viewer, Role.staff, Role.manager))
    assert viewer.get("/api/v1/relationships/cadence").status_code == 200
    for client in (viewer, staff):
        denied = client.patch("/api/v1/relationships/cadence", json={"tier": "growth", "every_days": 7})
        assert denied.status_code == 403 and denied.json()["error"]["code"] == "permission_denied"
    assert manager.patch("/api/v1/relationships/cadence", json={"tier": "growth", "every_days": 7}).status_code == 200
    assert api.get("/api/v1/relationships/cadence").json()[1] == {"tier": "growth", "every_days": 7}


def test_key_accounts_are_the_fewest_clients_that_bring_80_percent(api: TestClient, runtime: Runtime) -> None:
    firm = Firm(runtime)
    ana = firm.person("ana", name="Ana Lim")
    ids = {name: firm.client(name, tier="key" if name == "Alpha" else "growth", owner=ana)
           for name in ("Alpha", "Beta", "Gamma", "Delta", "Yen only")}
    firm.invoice(ids["Alpha"], "3000.00")
    firm.invoice(ids["Alpha"], "2000.00", days_ago=300)
    firm.invoice(ids["Beta"], "2500.00")
    firm.invoice(ids["Gamma"], "1500.00")
    firm.invoice(ids["Delta"], "1000.00")
    firm.invoice(ids["Delta"], "50000.00", days_ago=400)  # older than a year
    firm.invoice(ids["Yen only"], "900000", currency="JPY")  # no rate: left out, counted apart
    firm.contact(ids["Alpha"], 3, ana)
    firm.promise(ids["Alpha"], ana, NOW + timedelta(days=2))
    firm.promise(ids["Alpha"], ana, NOW + timedelta(days=9))
    firm.complaint(ids["Alpha"])
    review = local(tomorrow() + timedelta(days=5), 10)
    firm.task(ids["Alpha"], ana, kind="review", title="Account review", due=review)
    firm.task(ids["Alpha"], ana, kind="review", title="A later review", due=review + timedelta(days=40))
    firm.task(ids["Beta"], ana, kind="recovery", title="Recover", due=NOW + timedelta(days=1))

    found = api.get("/api/v1/relationships/key-accounts")
    assert found.status_code == 200, found.text
    body = found.json()
    # 5,000 + 2,500 = 75% of 10,000: short of 80%; with Gamma's 1,500 it is 90%
    assert [a["name"] for a in body["accounts"]] == ["Alpha", "Beta", "Gamma"]
    assert body["revenue_share"] == 0.9 and body["clients"] == 3 and body["clients_with_revenue"] == 4
    assert (body["total_revenue"], body["currency"]) == (10000.0, "EUR")
    assert body["unconverted_invoices"] == {"JPY": 1}
    alpha, beta = body["accounts"][0], body["accounts"][1]
    assert (alpha["revenue"], alpha["revenue_share"], alpha["cumulative_share"]) == (5000.0, 0.5, 0.5)
    assert (beta["revenue_share"], beta["cumulative_share"]) == (0.25, 0.75)
    assert (alpha["open_promises"], alpha["open_complaints"], alpha["open_recoveries"]) == (2, 1, 0)
    assert beta["open_recoveries"] == 1 and alpha["owner"] == "Ana Lim"
    assert alpha["last_contact_at"] is not None and beta["last_contact_at"] is None
    assert alpha["next_review_at"].startswith(review.astimezone(NOW.tzinfo).isoformat()[:16])

    paged = api.get("/api/v1/relationships/key-accounts", params={"per_page": 2, "page": 2}).json()
    assert [a["name"] for a in paged["accounts"]] == ["Gamma"] and paged["accounts"][0]["cumulative_share"] == 0.9
    assert (paged["clients"], paged["pages"], paged["revenue_share"]) == (3, 2, 0.9)
    assert api.get("/api/v1/relationships/key-accounts", params={"per_page": 0}).status_code == 422
    assert api.put("/api/v1/rates/jpy", json={"rate": 0.01}).json() == {"currency": "JPY", "rate": 0.01}
    converted = api.get("/api/v1/relationships/key-accounts").json()
    assert converted["unconverted_invoices"] == {} and converted["accounts"][0]["name"] == "Yen only"
    assert converted["total_revenue"] == 19000.0


def test_no_revenue_no_key_accounts(api: TestClient) -> None:
    body = api.get("/api/v1/relationships/key-accounts").json()
    assert (body["accounts"], body["revenue_share"], body["total_revenue"]) == ([], 0.0, 0.0)


def test_continuity_and_new_faces(api: TestClient, runtime: Runtime) -> None:
    firm = Firm(runtime)
    ana, ben, cy = firm.person("ana", name="Ana Lim"), firm.person("ben", name="Ben Tan"), firm.person("cy")
    alpha = firm.client("Alpha", tier="key", owner=ana)
    beta = firm.client("Beta", tier="growth", owner=ana)
    firm.engagement(alpha, sold_by=ana, delivered_by=ana, days_ago=100)
    firm.engagement(alpha, sold_by=ana, delivered_by=ben, days_ago=50)
    firm.engagement(beta, sold_by=ben, delivered_by=ben, days_ago=30)
    firm.engagement(beta, sold_by=ana, delivered_by=cy, days_ago=30, status="cancelled")  # not delivered
    firm.engagement(beta, sold_by=ana, delivered_by=cy, days_ago=500)  # before the period
    body = api.get("/api/v1/relationships/continuity").json()
    assert (body["engagements"], body["same_person"], body["same_person_share"]) == (3, 2, 0.6667)
    assert (body["clients"], body["mean_delivery_staff"], body["distribution"]) == (2, 1.5, {"1": 1, "2": 1, "3+": 0})
    short = api.get("/api/v1/relationships/continuity", params={"days": 40}).json()
    assert (short["engagements"], short["same_person"], short["clients"]) == (1, 1, 1)
    assert api.get("/api/v1/relationships/continuity", params={"days": 0}).status_code == 422

    # Alpha (key) knows Ana and Ben; Cy is new to it; Beta is not a key account
    new = firm.promise(alpha, cy, NOW + timedelta(days=3), title="Site visit")
    firm.promise(alpha, ben, NOW + timedelta(days=4))
    firm.promise(alpha, cy, NOW + timedelta(days=8))  # the same new face: listed once
    firm.promise(beta, cy, NOW + timedelta(days=2))
    firm.promise(alpha, cy, NOW + timedelta(days=60))  # too far ahead
    faces = api.get("/api/v1/relationships/new-faces")
    assert faces.status_code == 200, faces.text
    assert faces.json()["days"] == 30
    assert [(f["client_id"], f["staff_name"], f["promise_id"]) for f in faces.json()["items"]] == [(alpha, "Cy", new)]
    assert len(api.get("/api/v1/relationships/new-faces", params={"days": 90}).json()["items"]) == 1


def test_the_agenda_of_the_day(app, api: TestClient, runtime: Runtime, owner: Staff) -> None:  # type: ignore[no-untyped-def]
    firm, ids = agenda_firm(runtime)
    ana = firm.people["ana"]
    found = api.get("/api/v1/relationships/agenda", params={"staff_id": ana.id, "date": tomorrow().isoformat()})
    assert found.status_code == 200, found.text
    body = found.json()
    assert (body["staff_id"], body["day"]) == (ana.id, tomorrow().isoformat())
    assert [(p["id"], p["client_name"]) for p in body["promises"]] == [(ids["visit"], "Tan Holdings")]
    assert [p["id"] for p in body["at_risk"]] == [ids["report"]] and body["at_risk"][0]["at_risk"] == "unconfirmed"
    assert [t["id"] for t in body["recoveries"]] == [ids["recovery"]]
    assert [t["id"] for t in body["reviews"]] == [ids["review"]]
    assert [c["name"] for c in body["overdue"]["items"]] == ["Tan Holdings"] and body["overdue"]["total"] == 1
    later = api.get("/api/v1/relationships/agenda",
                    params={"staff_id": ana.id, "date": (tomorrow() + timedelta(days=2)).isoformat()}).json()
    assert [p["id"] for p in later["promises"]] == [ids["report"]] and later["at_risk"] == []

    # her own agenda, as herself; a colleague's only for managers
    as_ana = TestClient(app, base_url="http://127.0.0.1")
    as_ana.headers["Authorization"] = f"Bearer {token_for(runtime, ana)}"
    own = as_ana.get("/api/v1/relationships/agenda", params={"date": tomorrow().isoformat()}).json()
    assert own["staff_id"] == ana.id and [p["id"] for p in own["promises"]] == [ids["visit"]]
    assert as_ana.get("/api/v1/relationships/agenda", params={"staff_id": ana.id}).status_code == 200
    denied = as_ana.get("/api/v1/relationships/agenda", params={"staff_id": firm.people["ben"].id})
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "permission_denied"
    manager = api_as(app, runtime, Role.manager)
    assert manager.get("/api/v1/relationships/agenda", params={"staff_id": ana.id}).status_code == 200
    assert api.get("/api/v1/relationships/agenda", params={"staff_id": 999_999}).status_code == 404
    assert api.get("/api/v1/relationships/agenda", params={"date": "tomorrow"}).status_code == 422
    for edge in ("9999-12-31", "0001-01-01"):  # the calendar's ends: no whole day, or none in UTC
        refused = api.get("/api/v1/relationships/agenda", params={"date": edge})
        assert refused.status_code == 422 and refused.json()["error"]["field"] == "date"
    assert api.get("/api/v1/relationships/agenda", params={"date": "0001-01-02"}).status_code == 200
    assert api.get("/api/v1/relationships/agenda").json()["promises"] == []  # the owner's own: empty


def test_exchange_rates(app, api: TestClient, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    assert api.get("/api/v1/rates").json() == {"reporting_currency": "EUR", "rates": [{"currency": "EUR", "rate": 1.0}]}
    assert api.put("/api/v1/rates/MYR", json={"rate": 0.2}).status_code == 200
    changed = api.put("/api/v1/rates/myr", json={"rate": 0.21})
    assert changed.status_code == 200 and changed.json() == {"currency": "MYR", "rate": 0.21}
    assert api.put("/api/v1/rates/HUF", json={"rate": 0.0025}).status_code == 200
    assert api.get("/api/v1/rates").json()["rates"] == [
        {"currency": "EUR", "rate": 1.0}, {"currency": "HUF", "rate": 0.0025}, {"currency": "MYR", "rate": 0.21}]
    for currency, body, field in (("EUR", {"rate": 2}, "currency"), ("ZZZ", {"rate": 2}, "currency"),
                                  ("MYR", {"rate": 0}, "rate"), ("MYR", {"rate": -1}, "rate"), ("MYR", {}, "rate")):
        refused = api.put(f"/api/v1/rates/{currency}", json=body)
        assert refused.status_code == 422 and refused.json()["error"]["field"] == field, (currency, refused.text)
    assert api.put("/api/v1/rates/EURO", json={"rate": 1}).status_code == 422
    viewer, manager = api_as(app, runtime, Role.viewer), api_as(app, runtime, Role.manager)
    assert viewer.get("/api/v1/rates").status_code == 200
    assert viewer.put("/api/v1/rates/MYR", json={"rate": 0.3}).status_code == 403
    assert manager.put("/api/v1/rates/MYR", json={"rate": 0.3}).status_code == 200


def test_the_calendar_feed(app, api: TestClient, runtime: Runtime, owner: Staff) -> None:  # type: ignore[no-untyped-def]
    firm, ids = agenda_firm(runtime)
    ana = firm.people["ana"]
    with runtime.transaction() as session:  # a cancelled promise stays in the feed, marked so
        cancelled = promises.promises.get(session, ids["report"], by=SYSTEM)
        promises.cancel(session, cancelled, reason="Client asked", by=SYSTEM)
    as_ana = TestClient(app, base_url="http://127.0.0.1")
    as_ana.headers["Authorization"] = f"Bearer {token_for(runtime, ana)}"
    made = as_ana.post("/api/v1/relationships/calendar-link")
    assert made.status_code == 201, made.text
    url = made.json()["url"]
    assert url.startswith("http://127.0.0.1:8000/calendar/") and url.endswith(".ics")
    path = url.removeprefix("http://127.0.0.1:8000")
    with TestClient(app, base_url="http://127.0.0.1") as anonymous:  # calendar applications do not sign in
        feed = anonymous.get(path)
        assert feed.status_code == 200, feed.text
        assert feed.headers["content-type"].startswith("text/calendar")
        calendar = Calendar.from_ical(feed.content)
        events = {str(event["uid"]): event for event in calendar.walk("VEVENT")}
        assert set(events) == {f"promise-{ids['visit']}@servicescape", f"promise-{ids['report']}@servicescape",
                               f"task-{ids['recovery']}@servicescape", f"task-{ids['review']}@servicescape",
                               f"task-{ids['later_review']}@servicescape"}  # not Ben's promise
        visit = events[f"promise-{ids['visit']}@servicescape"]
        assert str(visit["summary"]) == "Boiler service visit – Tan Holdings"
        assert str(visit["location"]) == "Jalan Ampang 5" and str(visit["status"]) == "TENTATIVE"
        assert visit.decoded("dtstart") == local(tomorrow(), 10)
        assert str(events[f"promise-{ids['report']}@servicescape"]["status"]) == "CANCELLED"
        review = events[f"task-{ids['review']}@servicescape"]
        assert str(review["summary"]) == "Account review with Tan Holdings"
        assert review.decoded("dtend") - review.decoded("dtstart") == timedelta(minutes=30)
        assert "Ana" in str(calendar["x-wr-calname"])

        wrong = anonymous.get("/calendar/" + "x" * 43 + ".ics")
        assert wrong.status_code == 404 and "text/calendar" not in wrong.headers["content-type"]
        # a new link ends the old one
        newer = as_ana.post("/api/v1/relationships/calendar-link").json()["url"]
        assert anonymous.get(path).status_code == 404
        assert anonymous.get(newer.removeprefix("http://127.0.0.1:8000")).status_code == 200
    with runtime.transaction() as session:
        assert session.get(Promise, ids["visit"]) is not None


def test_every_role_reads_the_figures(app, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    viewer = api_as(app, runtime, Role.viewer)
    for path in ("/api/v1/relationships/agenda", "/api/v1/relationships/overdue", "/api/v1/relationships/key-accounts",
                 "/api/v1/relationships/continuity", "/api/v1/relationships/new-faces",
                 "/api/v1/relationships/cadence", "/api/v1/rates"):
        assert viewer.get(path).status_code == 200, path
    assert viewer.post("/api/v1/relationships/calendar-link").status_code == 201
    with TestClient(app, base_url="http://127.0.0.1") as anonymous:
        assert anonymous.get("/api/v1/relationships/overdue").status_code == 401
        assert anonymous.post("/api/v1/relationships/calendar-link").status_code == 401


def test_a_contact_today_takes_a_client_off_the_list(api: TestClient, runtime: Runtime) -> None:
    firm = Firm(runtime)
    client_id = firm.client("Quiet client", tier="key")
    firm.contact(client_id, 30)
    assert api.get("/api/v1/relationships/overdue").json()["total"] == 1
    firm.contact(client_id, 0)
    assert api.get("/api/v1/relationships/overdue").json()["total"] == 0
