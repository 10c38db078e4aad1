"""The promise ledger's pages: the ledger's views and filters, quick keep and miss with htmx,
recording a promise, a promise's page with its story, keeping, missing, cancelling, confirming,
re-promising, the at-risk notice, and the client page's section and timeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.promises import service
from servicescape.promises.models import Promise, PromiseStatus
from servicescape.promises.sweep import sweep
from servicescape.runtime import Runtime
from servicescape.tasks.models import Task
from tests.integration.pages.conftest import Browser, add_client, field_error, flash_after, load, plain

HTMX = {"HX-Request": "true"}


def _promise(runtime: Runtime, client_id: int, owner_id: int, hours: float, **extra: object) -> int:
    start = datetime.now(UTC) + timedelta(hours=hours)
    with runtime.transaction() as session:
        return service.promises.create(session, {"client_id": client_id, "owner_id": owner_id, "title": "Klíma javítás",
                                                 "window_start": start, "window_end": start + timedelta(hours=3),
                                                 **extra}, by=SYSTEM).id


def _local(runtime: Runtime, hours: float) -> str:
    """A ``datetime-local`` value ``hours`` from now on the firm's clock."""
    return (datetime.now(UTC) + timedelta(hours=hours)).astimezone(runtime.settings.zone).strftime("%Y-%m-%dT%H:%M")


def test_ledger_views_and_quick_keep_and_miss(owner_browser: Browser, runtime: Runtime) -> None:
    client_id = add_client(runtime, name="Szellő Kft.", tier="key")
    me = owner_browser.staff.id
    past = _promise(runtime, client_id, me, -5)
    future = _promise(runtime, client_id, me, 30, title="Karbantartás")
    upcoming = plain(owner_browser.get("/promises").text)
    assert "Klíma javítás" in upcoming and "Karbantartás" in upcoming
    kept = owner_browser.post(f"/promises/{future}/keep", headers=HTMX)
    assert kept.status_code == 200 and f'id="promise-{future}"' in kept.text and "Kept" in plain(kept.text)
    missed = owner_browser.post(f"/promises/{past}/miss", headers=HTMX)
    assert missed.status_code == 200 and "Missed" in plain(missed.text)
    again = owner_browser.post(f"/promises/{past}/miss", headers=HTMX)
    assert again.status_code == 409 and "missed already" in plain(again.text)
    assert load(runtime, Promise, past).status == PromiseStatus.missed
    broken = plain(owner_browser.get("/promises?view=broken").text)
    assert "Klíma javítás" in broken and "Karbantartás" not in broken
    assert "Klíma javítás" in plain(owner_browser.get(f"/promises?view=all&client={client_id}&kind=appointment").text)
    assert owner_browser.get("/promises?owner=x").status_code == 422
    assert "No promises here" in plain(owner_browser.get("/promises?view=at_risk").text)
    with runtime.transaction() as session:
        tasks = [t.kind for t in session.query(Task).all()]
    assert tasks == ["recovery"]


def test_record_a_promise_and_the_rules_in_the_form(owner_browser: Browser, runtime: Runtime) -> None:
    client_id = add_client(runtime, name="Ябълка ООД")
    form = owner_browser.get(f"/promises/new?client={client_id}")
    assert form.status_code == 200 and "Ябълка ООД" in form.text
    backwards = owner_browser.post("/promises", {"client": "Ябълка ООД", "kind": "site_visit", "owner_id": "",
                                                 "window_start": _local(runtime, 5), "window_end": _local(runtime, 4)})
    assert backwards.status_code == 422 and field_error(backwards.text, "f-promise-end")
    unknown = owner_browser.post("/promises", {"client": "Nobody Ltd", "kind": "site_visit",
                                               "window_start": _local(runtime, 4), "window_end": _local(runtime, 5)})
    assert unknown.status_code == 422
    # the client's name in any case, in any script (SQLite's lower() folds only ASCII)
    made = owner_browser.post("/promises", {"client": "ябълка оод", "kind": "site_visit", "title": "Ремонт",
                                            "window_start": _local(runtime, 4), "window_end": _local(runtime, 7),
                                            "place": "София"})
    assert made.status_code == 303
    assert "The promise was recorded." in flash_after(made, owner_browser)


def test_a_promise_page_keeps_misses_and_repromises(owner_browser: Browser, runtime: Runtime,
                                                    browser_as) -> None:  # type: ignore[no-untyped-def]
    installer = browser_as(Role.staff, name="Wei the installer")
    client_id = add_client(runtime, name="Sejuk Sdn Bhd", email="office@sejuk.example", language="ms")
    me = owner_browser.staff.id
    first = _promise(runtime, client_id, me, -30)
    page = plain(owner_browser.get(f"/promises/{first}").text)
    assert "Record as kept" in page and "Re-promise" in page
    renewed = owner_browser.post(f"/promises/{first}/repromise", {"window_start": _local(runtime, 2),
                                                                  "window_end": _local(runtime, 5),
                                                                  "owner_id": str(me)})
    assert renewed.status_code == 303
    second = int(renewed.headers["location"].rsplit("/", 1)[1])
    assert load(runtime, Promise, first).status == PromiseStatus.missed
    story = plain(owner_browser.get(f"/promises/{second}").text)
    assert "The story of this promise" in story
    with runtime.transaction() as session:
        sweep(session, runtime.settings, now=datetime.now(UTC), by=SYSTEM)  # unconfirmed and soon: at risk
    assert "Its recovery task" in plain(owner_browser.get(f"/promises/{first}").text)
    at_risk = plain(owner_browser.get(f"/promises/{second}").text)
    assert "At risk" in at_risk and "Send the notice" in at_risk and "Sejuk Sdn Bhd" in at_risk
    sent = owner_browser.post(f"/promises/{second}/notice", {"new_start": _local(runtime, 26),
                                                             "new_end": _local(runtime, 29)})
    assert sent.status_code == 303 and "office@sejuk.example" in flash_after(sent, owner_browser)
    assert load(runtime, Promise, second).announced_at is not None
    assert owner_browser.post(f"/promises/{second}/confirm").status_code == 303
    bad = owner_browser.post(f"/promises/{second}/keep", {"kept_at": "yesterday-ish"})
    assert bad.status_code == 422 and field_error(bad.text, "f-keep-at")
    kept = owner_browser.post(f"/promises/{second}/keep", {
        "kept_at": _local(runtime, -0.1), "delivered_by_id": str(installer.staff.id),
        "client_words": "Orang lain datang."})
    assert kept.status_code == 303
    done = load(runtime, Promise, second)
    assert done.status == PromiseStatus.kept and done.delivered_by_id == installer.staff.id
    assert "Someone other than the promised person came" in plain(owner_browser.get(f"/promises/{second}").text)
    third = _promise(runtime, client_id, me, 50)
    assert owner_browser.post(f"/promises/{third}", {"title": "Servis", "kind": "appointment", "owner_id": str(me),
                                                     "window_start": _local(runtime,
                                                                            51), "window_end": _local(runtime, 53)}
                              ).status_code == 303
    assert owner_browser.post(f"/promises/{third}/cancel", {"reason": "Pelanggan bercuti"}).status_code == 303
    refused = owner_browser.post(f"/promises/{third}/keep", {})
    assert refused.status_code == 409 and "cancelled promise cannot be kept" in plain(refused.text)
    assert owner_browser.post(f"/promises/{third}/miss", {}).status_code == 409
    client_page = plain(owner_browser.get(f"/clients/{client_id}").text)
    assert "Promises" in client_page and "Re-promised for promise" in client_page
    assert owner_browser.post(f"/promises/{third}/delete").status_code == 303


def test_viewers_read_but_do_not_write(runtime: Runtime, browser_as) -> None:  # type: ignore[no-untyped-def]
    viewer = browser_as(Role.viewer)
    client_id = add_client(runtime, name="Olvasó Bt.")
    promise = _promise(runtime, client_id, viewer.staff.id, 5)
    assert viewer.get("/promises").status_code == 200 and viewer.get(f"/promises/{promise}").status_code == 200
    assert viewer.get("/promises/new").status_code == 403
    assert viewer.post(f"/promises/{promise}/keep").status_code == 403
    assert viewer.post(f"/promises/{promise}/delete").status_code == 403
