"""The demo firm's client portal: a contact of each of the first key accounts invited a month ago
(their one-time links are not kept: `servicescape portal invite CONTACT_ID --print-link` makes a
fresh one); one of them asks for another window, one for a service, one orders an add-on — each a
task for the client's owner, as the portal makes them. Written with SQLAlchemy Core like every demo
step (deterministic for the seed and today; the audit trail keeps only the load)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, select

from servicescape.demo.roster import midnight
from servicescape.demo.steps import DemoRun, next_ids, table

ACCOUNTS = 5
SERVICE_REQUESTS = {
    "en": "Could your engineer also look at the second cooling unit on the roof during the next visit?",
    "ms": "Boleh jurutera anda periksa juga unit penyejuk kedua di bumbung semasa lawatan seterusnya?",
    "hu": "A következő látogatáskor megnézné a szerelő a tetőn lévő második hűtőegységet is?",
    "bg": "Може ли техникът ви да провери и второто охладително тяло на покрива при следващото посещение?",
    "zh-Hans": "下次上门时，能否请工程师顺便检查屋顶的第二台冷却机组？",
    "zh-Hant": "下次上門時，能否請工程師順便檢查屋頂的第二台冷卻機組？",
}


def load_portal(run: DemoRun) -> None:
    now = midnight(run.spec.today) + timedelta(hours=9)
    with run.runtime.transaction() as session:
        connection = session.connection()
        if connection.scalar(select(table("portal_user").c.id).limit(1)) is not None:
            return
        ids = next_ids(connection, ("portal_user", "portal_request", "task"))
        users = _users(connection, ids, now)
        run.insert(connection, "portal_user", users)
        requests, tasks = _requests(connection, users, ids, now)
        run.insert(connection, "task", tasks)       # before the requests that name them
        run.insert(connection, "portal_request", requests)


def _users(connection: Connection, ids: dict[str, int], now: Any) -> list[dict[str, Any]]:
    contact, client = table("contact"), table("client")
    rows = connection.execute(
        select(contact.c.id, contact.c.client_id, contact.c.email, client.c.language, client.c.owner_id)
        .join(client, client.c.id == contact.c.client_id)
        .where(client.c.tier == "key", contact.c.email.is_not(None)).order_by(contact.c.client_id, contact.c.id))
    users: list[dict[str, Any]] = []
    seen: set[int] = set()
    emails: set[str] = set()
    for contact_id, client_id, email, language, owner_id in rows:
        address = email.strip().lower()
        if client_id in seen or address in emails:
            continue
        seen.add(client_id)
        emails.add(address)
        invited = now - timedelta(days=30)
        users.append({"id": ids["portal_user"], "contact_id": contact_id, "client_id": client_id, "email": address,
                      "password_hash": None, "active": True, "language": None, "promise_emails": True,
                      "invited_at": invited, "last_sign_in_at": now - timedelta(days=2), "created_at": invited,
                      "updated_at": invited, "_language": language, "_owner": owner_id})
        ids["portal_user"] += 1
        if len(users) == ACCOUNTS:
            break
    return users


def _requests(connection: Connection, users: list[dict[str, Any]], ids: dict[str, int],
              now: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    promise, addon = table("promise"), table("package_addon")
    requests: list[dict[str, Any]] = []
    tasks: list[dict[str, Any]] = []
    for index, user in enumerate(users[:3]):
        language, owner = user.pop("_language"), user.pop("_owner")
        asked = now - timedelta(hours=20 - index * 5)
        row: dict[str, Any] = {"id": ids["portal_request"], "client_id": user["client_id"], "user_id": user["id"],
                               "status": "open", "promise_id": None, "complaint_id": None, "level_id": None,
                               "addon_id": None, "preferred_start": None, "preferred_end": None, "message": None,
                               "answered_at": None, "answered_by_id": None, "answer": None,
                               "created_at": asked, "updated_at": asked}
        if index == 0:
            found = connection.execute(
                select(promise.c.id, promise.c.title, promise.c.window_start, promise.c.window_end, promise.c.owner_id)
                .where(promise.c.client_id == user["client_id"], promise.c.status == "open",
                       promise.c.window_start > now + timedelta(hours=6))
                .order_by(promise.c.window_start).limit(1)).first()
            if found is None:
                continue
            start = found.window_start + timedelta(days=2)
            row.update(kind="reschedule", promise_id=found.id, preferred_start=start,
                       preferred_end=start + (found.window_end - found.window_start))
            title, owner = f"The client asks for another window: {found.title or '—'}", found.owner_id or owner
        elif index == 1:
            row.update(kind="service", message=SERVICE_REQUESTS.get(language or "en", SERVICE_REQUESTS["en"]))
            title = f"Service request from the portal: {row['message'][:120]}"
        else:
            chosen = connection.execute(select(addon.c.id, addon.c.name).where(addon.c.active.is_(True))
                                        .order_by(addon.c.id).limit(1)).first()
            if chosen is None:
                continue
            row.update(kind="order", addon_id=chosen.id)
            title = f"Order from the portal: {chosen.name}"
        row["task_id"] = ids["task"]
        tasks.append({"id": ids["task"], "kind": "portal_request", "title": title[:300], "notes": row["message"],
                      "client_id": user["client_id"], "related_type": "portal_request", "related_id": row["id"],
                      "owner_id": owner, "due_at": asked + timedelta(days=1), "priority": "normal", "status": "open",
                      "outcome": None, "closed_at": None, "closed_by_id": None, "created_by_id": None,
                      "rule": "portal.request", "dedupe_key": f"portal_request:{row['id']}", "created_at": asked,
                      "updated_at": asked})
        requests.append(row)
        ids["portal_request"] += 1
        ids["task"] += 1
    for user in users:
        user.pop("_language", None)
        user.pop("_owner", None)
    return requests, tasks
