"""The demo firm's voice of the client: reviews its clients wrote elsewhere, and every comment of the
demo (complaints, survey answers, notes, testimonials, reviews) collected for reading.

Reading needs the embedding model (~40 new comments a second on two cores): the demo leaves that to
the job ``voice.analyse``, which works the backlog off within the first minutes of ``serve`` (the
pages show how far it got); ``servicescape voice analyse`` does it at once.
"""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import func, select

from servicescape.demo.steps import DemoRun, next_ids, table
from servicescape.promises.demo import demo_now
from servicescape.voice import analysis
from servicescape.voice.demo_texts import REVIEWS

#: the screens' languages and the demo's other languages: a review goes to a client who speaks it
DAYS = 400


def load_feedback(run: DemoRun) -> None:
    now = demo_now(run.spec, run.runtime.settings)
    rng = random.Random(f"{run.spec.seed}-voice")
    with run.runtime.transaction() as session:
        connection = session.connection()
        clients = table("client")
        by_language: dict[str, list[int]] = {}
        for client_id, language in connection.execute(
                select(clients.c.id, clients.c.language).where(clients.c.status == "active").order_by(clients.c.id)):
            by_language.setdefault(str(language or "en"), []).append(int(client_id))
        everyone = [i for ids in by_language.values() for i in ids]
        first = next_ids(connection, ["voice_review"])["voice_review"]
        rows = []
        for number, (language, channel, stars, text) in enumerate(REVIEWS):
            pool = by_language.get(language) or everyone
            client_id = rng.choice(pool) if pool and rng.random() < 0.8 else None
            said = now - timedelta(days=rng.randint(1, DAYS), minutes=rng.randint(0, 600))
            rows.append({"id": first + number, "external_id": f"demo-review-{number + 1}", "client_id": client_id,
                         "channel": channel, "author": None, "rating": stars, "text": text, "said_at": said,
                         "created_at": said, "updated_at": said})
        run.insert(connection, "voice_review", rows)
        analysis.collect(session, now=now)
        run.counts["voice_comment"] += connection.scalar(select(func.count()).select_from(table("voice_comment"))) or 0
