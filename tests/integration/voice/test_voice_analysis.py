"""Every comment the product stores is read by the job, on both databases: collected from each
capability's free text (complaints, interaction notes, survey comments, reviews), read with the cache,
read again when changed, dropped when gone; the heatmap, themes, similar comments and a client's
feedback follow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from servicescape.auth.permissions import SYSTEM
from servicescape.clients import service as clients
from servicescape.clients.models import Interaction
from servicescape.errors import ValidationFailed
from servicescape.platform.jobs.runner import run_job
from servicescape.promises.complaints import complaints
from servicescape.runtime import Runtime
from servicescape.voice import analysis, service
from servicescape.voice.models import Comment, Review, Vector
from servicescape.voice.service import FeedbackFilters

NOW = datetime.now(UTC)
SAID = [
    ("Three visits and the air-conditioner still drips. Nobody calls us back.", "en"),
    ("Juruteknik datang tepat pada masanya dan sangat sopan. Terima kasih!", "ms"),
    ("Фактурата беше с двайсет процента по-висока от офертата, без обяснение.", "bg"),
    ("约好下午两点上门，结果五点才来，连个电话都没有。", "zh-Hans"),
    ("顧問很有耐心，把合約每一條都解釋清楚。", "zh-Hant"),
    ("Gyorsan válaszoltak minden kérdésünkre, köszönjük.", "hu"),
]


def _client(runtime: Runtime, name: str = "Kedai Runcit Ah Seng", tier: str = "key") -> int:
    with runtime.transaction() as session:
        return clients.clients.create(session, {"name": name, "tier": tier}, by=SYSTEM).id


def _review(runtime: Runtime, text: str, client_id: int | None, days_ago: int = 1) -> int:
    with runtime.transaction() as session:
        return service.add_review(session, text=text, client_id=client_id, said_at=NOW - timedelta(days=days_ago),
                                  by=SYSTEM).id


def _comments(runtime: Runtime) -> list[Comment]:
    with runtime.transaction() as session:
        return list(session.scalars(select(Comment).order_by(Comment.id)))


def test_the_job_collects_every_source_and_reads_each_comment(runtime: Runtime) -> None:
    client_id = _client(runtime)
    with runtime.transaction() as session:
        complaints.create(session, {"client_id": client_id, "received_at": NOW - timedelta(days=2),
                                    "text": SAID[0][0]}, by=SYSTEM)
        clients.interactions.create(session, {"client_id": client_id, "channel": "call",
                                              "occurred_at": NOW - timedelta(days=3), "summary": SAID[2][0]},
                                    by=SYSTEM)
        session.add(Interaction(client_id=client_id, occurred_at=NOW, summary="  \n "))  # as an old import left it
    for text, _language in SAID[3:]:
        _review(runtime, text, client_id)
    _review(runtime, SAID[1][0], None)

    result = run_job(runtime, "voice.analyse")
    assert result.status.value == "succeeded", result.error
    assert result.counts["added"] == 6 and result.counts["read"] == 6 and result.counts["waiting"] == 0
    found = {c.text: c for c in _comments(runtime)}
    assert set(found) == {text for text, _language in SAID}     # the blank note is not a comment
    assert {c.source for c in found.values()} == {"complaint", "interaction", "review"}
    for text, language in SAID:
        comment = found[text]
        assert comment.language == language and comment.analysed_at is not None
        assert comment.sentiment in ("negative", "neutral", "positive") and comment.primary_dimension
        assert comment.dimensions[0] == comment.primary_dimension
    assert found[SAID[0][0]].sentiment == "negative"
    assert found[SAID[1][0]].client_id is None and found[SAID[0][0]].client_id == client_id

    again = run_job(runtime, "voice.analyse")       # idempotent: nothing new, nothing read
    assert again.counts["added"] == again.counts["read"] == again.counts["changed"] == 0


def test_a_changed_text_is_read_again_and_a_deleted_record_leaves(runtime: Runtime) -> None:
    client_id = _client(runtime)
    review_id = _review(runtime, "The quote was clear and fair.", client_id)
    analysis.work_off(runtime)
    with runtime.transaction() as session:
        session.execute(update(Review).where(Review.id == review_id).values(
            text="Nobody told us about the call-out charge on the invoice."))
        collected = analysis.collect(session)
    assert collected.changed == 1
    (comment,) = _comments(runtime)
    assert comment.analysed_at is None and comment.text.startswith("Nobody")
    analysis.work_off(runtime)
    (comment,) = _comments(runtime)
    assert comment.analysed_at is not None and comment.sentiment == "negative"
    with runtime.transaction() as session:
        service.delete_review(session, review_id, by=SYSTEM)
    assert _comments(runtime) == []


def test_vectors_are_cached_by_text_so_the_same_words_are_embedded_once(runtime: Runtime) -> None:
    client_id = _client(runtime)
    for _ in range(3):
        _review(runtime, "Great service, thank you!", client_id)
    totals = analysis.work_off(runtime)
    assert totals["read"] == 3 and totals["embedded"] == 1
    with runtime.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Vector)) == 1
        assert service.read_again(session, by=SYSTEM) == 3
    assert analysis.work_off(runtime)["embedded"] == 0


def test_a_client_deleted_takes_its_comments_along(runtime: Runtime) -> None:
    client_id = _client(runtime)
    _review(runtime, "Fine.", client_id)
    analysis.work_off(runtime)
    with runtime.transaction() as session:
        clients.clients.delete(session, clients.clients.get(session, client_id, by=SYSTEM), by=SYSTEM)
    assert _comments(runtime) == []


def test_filters_heatmap_themes_similar_and_a_clients_feedback(runtime: Runtime) -> None:
    key = _client(runtime, "Key Client", "key")
    other = _client(runtime, "Standard Client", "standard")
    texts = [
        ("We waited three weeks for a reply to our e-mail.", key, 5),
        ("Nobody answers the phone; we have called four times.", key, 6),
        ("Kami menunggu dua minggu untuk jawapan, tiada siapa menghubungi kami.", other, 7),
        ("The invoice was far higher than the quote.", other, 40),
        ("Hidden charges on every bill, very disappointing.", key, 41),
        ("A számla sokkal magasabb volt, mint az árajánlat.", other, 42),
        ("The engineer was polite and explained everything clearly.", key, 80),
        ("Very knowledgeable lawyer, we felt in safe hands.", other, 81),
    ]
    for text, client_id, days in texts:
        _review(runtime, text, client_id, days)
    analysis.work_off(runtime)
    with runtime.transaction() as session:
        everything = service.inbox(session, FeedbackFilters(), by=SYSTEM)
        assert everything.total == 8 and everything.items[0].client_name == "Key Client"
        assert [r.comment.said_at for r in everything.items] == sorted((r.comment.said_at for r in everything.items),
                                                                       reverse=True)
        assert service.inbox(session, FeedbackFilters(tier="standard"), by=SYSTEM).total == 4
        assert service.inbox(session, FeedbackFilters(language="hu"), by=SYSTEM).total == 1
        assert service.inbox(session, FeedbackFilters(client_id=key, sentiment="negative"), by=SYSTEM).total == 3
        recent = (NOW - timedelta(days=10)).date()
        assert service.inbox(session, FeedbackFilters(said_from=recent), by=SYSTEM).total == 3
        price = service.inbox(session, FeedbackFilters(dimension="price"), by=SYSTEM)
        assert {r.comment.text for r in price.items} >= {texts[3][0], texts[5][0]}
        with pytest.raises(ValidationFailed) as bad:
            service.inbox(session, FeedbackFilters(sentiment="angry"), by=SYSTEM)
        assert bad.value.field == "sentiment"

        heat = service.heatmap(session, FeedbackFilters(), by=SYSTEM)
        assert heat.total == 8 and heat.count("price", "negative") >= 2
        assert sum(heat.row_total(d) for d in ("reliability", "responsiveness", "assurance", "empathy", "tangibles",
                                                "price")) == 8

        found = service.themes(session, FeedbackFilters(), count=3, by=SYSTEM)
        assert found.comments == 8 and sum(t.size for t in found.themes) == 8
        assert all(t.examples and t.trend for t in found.themes)
        assert service.themes(session, FeedbackFilters(), count=3, by=SYSTEM).themes[0].size == found.themes[0].size

        waited = next(r.comment for r in everything.items if r.comment.text.startswith("We waited"))
        _comment, alike = service.similar(session, waited.id, limit=3, by=SYSTEM)
        assert len(alike) == 3 and alike[0].similarity >= alike[-1].similarity
        assert {a.row.text for a in alike[:2]} & {texts[1][0], texts[2][0]}     # the Malay one too

        mine = service.client_feedback(session, key, by=SYSTEM)
        assert mine.total == 4 and sum(mine.sentiments.values()) == 4
        assert service.progress(session, by=SYSTEM).waiting == 0


def test_a_comment_not_read_yet_has_no_similar_ones_yet(runtime: Runtime) -> None:
    _review(runtime, "Waiting to be read.", None)
    with runtime.transaction() as session:
        analysis.collect(session)
        (comment,) = session.scalars(select(Comment)).all()
        with pytest.raises(ValidationFailed):
            service.similar(session, comment.id, by=SYSTEM)
        assert service.progress(session, by=SYSTEM).waiting == 1
