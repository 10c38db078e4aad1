"""The demo firm's tasks: follow-ups on key and growth clients, some overdue, some done.

Titles are in the language of the staff member who owns the task (the firm's people write their
own to-do lists). Deterministic for the demo's seed and today.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from servicescape.demo import firm
from servicescape.demo.steps import DemoRun, next_ids, table

#: (kind, priority, title) per staff language
TITLES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "en": (("follow_up", "normal", "Follow up on the maintenance proposal"),
           ("call_back", "high", "Call back about the missed visit window"),
           ("meeting", "normal", "Quarterly review meeting with the facilities manager"),
           ("follow_up", "urgent", "Send the corrected invoice and apologise")),
    "ms": (("follow_up", "normal", "Susulan cadangan penyelenggaraan"),
           ("call_back", "high", "Hubungi semula tentang lawatan yang terlepas"),
           ("meeting", "normal", "Mesyuarat kajian suku tahunan dengan pengurus fasiliti"),
           ("follow_up", "urgent", "Hantar invois yang diperbetulkan dan mohon maaf")),
    "bg": (("follow_up", "normal", "Проследяване на офертата за поддръжка"),
           ("call_back", "high", "Обратно обаждане за пропуснатото посещение"),
           ("meeting", "normal", "Тримесечна среща с управителя на сградата"),
           ("follow_up", "urgent", "Изпращане на коригираната фактура с извинение")),
    "hu": (("follow_up", "normal", "A karbantartási ajánlat nyomon követése"),
           ("call_back", "high", "Visszahívás az elmaradt kiszállás miatt"),
           ("meeting", "normal", "Negyedéves egyeztetés az üzemeltetési vezetővel"),
           ("follow_up", "urgent", "A javított számla elküldése bocsánatkéréssel")),
    "zh-Hans": (("follow_up", "normal", "跟进维护保养方案"),
                ("call_back", "high", "就错过的上门时段回电客户"),
                ("meeting", "normal", "与设施经理的季度回顾会议"),
                ("follow_up", "urgent", "寄出更正后的发票并致歉")),
    "zh-Hant": (("follow_up", "normal", "跟進維護保養方案"),
                ("call_back", "high", "就錯過的上門時段回電客戶"),
                ("meeting", "normal", "與設施經理的季度檢討會議"),
                ("follow_up", "urgent", "寄出更正後的發票並致歉")),
}
OUTCOMES = {"en": "Done; the client confirmed by e-mail.", "ms": "Selesai; pelanggan mengesahkan melalui e-mel.",
            "bg": "Готово; клиентът потвърди по имейл.", "hu": "Kész; az ügyfél e-mailben visszaigazolta.",
            "zh-Hans": "已完成；客户已通过电子邮件确认。", "zh-Hant": "已完成；客戶已透過電子郵件確認。"}
SHARE = {"key": 0.6, "growth": 0.2, "standard": 0.03}
CHUNK = 5000


def load_tasks(run: DemoRun) -> None:
    rng = random.Random(run.spec.seed * 7919 + 17)
    languages = {run.ids["staff"][m.key]: m.language for m in firm.ROSTER}
    active = {run.ids["staff"][m.key] for m in firm.ROSTER if m.active}
    now = datetime.combine(run.spec.today, datetime.min.time(), tzinfo=UTC) + timedelta(hours=9)
    clients = table("client")
    with run.runtime.transaction() as session:
        connection = session.connection()
        next_id = next_ids(connection, ("task",))["task"]
        rows = []
        query = (select(clients.c.id, clients.c.owner_id, clients.c.tier).where(clients.c.status == "active")
                 .order_by(clients.c.id))
        for client_id, owner_id, tier in connection.execute(query):
            if owner_id not in active or rng.random() >= SHARE[tier]:
                continue
            language = languages.get(owner_id, "en")
            kind, priority, title = rng.choice(TITLES[language])
            created = now - timedelta(days=rng.randint(1, 40), minutes=rng.randint(0, 600))
            due = created + timedelta(days=rng.randint(2, 50), hours=rng.randint(0, 8))
            done = due < now and rng.random() < 0.55
            closed = created + (due - created) * rng.random()
            rows.append({
                "id": next_id, "kind": kind, "title": title, "notes": None, "client_id": client_id,
                "related_type": None, "related_id": None, "owner_id": owner_id, "due_at": due,
                "priority": priority, "status": "done" if done else "open",
                "outcome": OUTCOMES[language] if done else None,
                "closed_at": closed if done else None,
                "closed_by_id": owner_id if done else None, "created_by_id": owner_id, "rule": None,
                "dedupe_key": None, "created_at": created, "updated_at": created,
            })
            next_id += 1
            if len(rows) >= CHUNK:
                run.insert(connection, "task", rows)
                rows = []
        run.insert(connection, "task", rows)
