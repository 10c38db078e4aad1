"""Voice of the client's pages: the feedback inbox (filters, the reading of each comment, where it
was said, adding a review), the heatmap (cells that open the inbox), themes with their trend, a
comment with the comments like it, a review's page and deleting it, the progress while comments
wait — and what each role may do."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.promises.complaints import complaints
from servicescape.runtime import Runtime
from servicescape.voice import analysis, service
from servicescape.voice.models import Review
from tests.integration.pages.conftest import Browser, add_client, plain

SAID = ["We waited three weeks for a reply to our e-mail.", "Nobody answers the phone; we called four times.",
        "Kami menunggu dua minggu, tiada siapa menghubungi kami.", "The invoice was far higher than the quote.",
        "Hidden charges on every bill.", "A számla sokkal magasabb volt, mint az árajánlat.",
        "The engineer was polite and explained everything.", "师傅很专业，修好后还教我们怎么保养。"]


def _feedback(runtime: Runtime) -> int:
    client_id = add_client(runtime, name="Kedai Runcit Ah Seng", tier="key", segment="Retail")
    with runtime.transaction() as session:
        for number, text in enumerate(SAID):
            service.add_review(session, text=text, client_id=client_id if number % 2 == 0 else None,
                               said_at=datetime.now(UTC) - timedelta(days=number * 20), by=SYSTEM)
        complaints.create(session, {"client_id": client_id, "received_at": datetime.now(UTC) - timedelta(days=1),
                                    "text": "The report had our company name wrong, again."}, by=SYSTEM)
    analysis.work_off(runtime)
    return client_id


def test_the_inbox_shows_each_comment_with_its_reading_and_filters(owner_browser: Browser, runtime: Runtime) -> None:
    client_id = _feedback(runtime)
    page = owner_browser.get("/voice")
    assert page.status_code == 200
    text = plain(page.text)
    assert "Feedback inbox" in text and "9 results" in text and "Kedai Runcit Ah Seng" in text
    assert "The report had our company name wrong" in text and "Complaints" in text and "Reviews" in text
    assert 'lang="zh-Hans"' in page.text and "Negative" in text and "Open it" in text
    assert re.search(r'href="/complaints/\d+"', page.text)       # where it was said
    only = plain(owner_browser.get("/voice?language=hu").text)
    assert "A számla" in only and "We waited" not in only
    mine = plain(owner_browser.get(f"/voice?client={client_id}").text)
    assert "What Kedai Runcit Ah Seng said" in mine and "5 results" in mine
    assert "1 result" in plain(owner_browser.get("/voice?source=complaint").text)
    by_segment = owner_browser.get("/voice?segment=Retail")
    assert by_segment.status_code == 200 and 'id="f-voice-segment"' in by_segment.text
    assert "5 results" in plain(by_segment.text)            # the client's five comments
    assert owner_browser.get("/voice?sentiment=angry").status_code == 422
    assert owner_browser.get("/voice?from=yesterday").status_code == 422
    empty = plain(owner_browser.get("/voice?language=ar").text)
    assert "No comments here" in empty


def test_the_heatmap_counts_each_comment_once_and_opens_the_inbox(owner_browser: Browser, runtime: Runtime) -> None:
    _feedback(runtime)
    page = owner_browser.get("/voice/heatmap")
    assert page.status_code == 200
    assert "9 comments by primary dimension and sentiment" in plain(page.text)
    counts = [int(n) for n in re.findall(r'<td class="num heat [^"]*"[^>]*><a href="/voice\?[^"]*"[^>]*>(\d+)</a>',
                                         page.text)]
    assert len(counts) == 18 and sum(counts) == 9
    assert "dimension=price&amp;sentiment=negative" in page.text or "sentiment=negative" in page.text
    assert "No comments read here" in plain(owner_browser.get("/voice/heatmap?language=ja").text)


def test_themes_and_a_comment_with_the_ones_like_it(owner_browser: Browser, runtime: Runtime) -> None:
    _feedback(runtime)
    page = owner_browser.get("/voice/themes?count=3")
    assert page.status_code == 200
    text = plain(page.text)
    assert "Theme 1" in text and "9 comments grouped into" in text and "Trend by quarter" in text
    assert owner_browser.get("/voice/themes?count=3&quarter=true").status_code == 200
    assert owner_browser.get("/voice/themes?count=99").status_code == 422
    comment_id = int(re.search(r'href="/voice/comments/(\d+)"', page.text).group(1))  # type: ignore[union-attr]
    one = owner_browser.get(f"/voice/comments/{comment_id}")
    assert one.status_code == 200 and "Similar comments" in plain(one.text)
    assert len(re.findall(r'href="/voice/comments/\d+"', one.text)) == 8      # every other comment, nearest first
    assert owner_browser.get("/voice/comments/99999").status_code == 404


def test_adding_and_deleting_a_review(owner_browser: Browser, runtime: Runtime) -> None:
    add_client(runtime, name="Hegyvidék Kft.")
    refused = owner_browser.post("/voice/reviews", {"text": "  ", "rating": "9"})
    assert refused.status_code == 422 and "What the client wrote" in plain(refused.text)
    unknown = owner_browser.post("/voice/reviews", {"text": "Good.", "client": "Nobody Ltd"})
    assert unknown.status_code == 422
    added = owner_browser.post("/voice/reviews", {"text": "Gyors és pontos munka.", "client": "Hegyvidék Kft.",
                                                  "channel": "Google", "rating": "5"})
    assert added.status_code == 303
    review_url = added.headers["location"]
    page = plain(owner_browser.get(review_url).text)
    assert "Gyors és pontos munka." in page and "Not read yet" in page and "Hegyvidék Kft." in page
    analysis.work_off(runtime)
    page = plain(owner_browser.get(review_url).text)
    assert "Not read yet" not in page and "Hungarian" in page
    assert owner_browser.post(f"{review_url}/delete").status_code == 303
    with runtime.transaction() as session:
        assert session.query(Review).count() == 0


def test_the_progress_while_comments_wait(owner_browser: Browser, runtime: Runtime) -> None:
    with runtime.transaction() as session:
        service.add_review(session, text="Waiting to be read.", by=SYSTEM)
        analysis.collect(session)
    text = plain(owner_browser.get("/voice").text)
    assert "1 comments wait to be read (0% done)" in text and "Not read yet" in text


def test_roles(browser_as, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    _feedback(runtime)
    viewer: Browser = browser_as(Role.viewer)
    page = viewer.get("/voice")
    assert page.status_code == 200 and "Add a review" not in plain(page.text)
    assert viewer.post("/voice/reviews", {"text": "x"}).status_code == 403
    staff: Browser = browser_as(Role.staff)
    assert "Add a review" in plain(staff.get("/voice").text)
    with runtime.transaction() as session:
        review_id = session.query(Review).first().id  # type: ignore[union-attr]
    assert "Delete the review" not in plain(staff.get(f"/voice/reviews/{review_id}").text)
    assert staff.post(f"/voice/reviews/{review_id}/delete").status_code == 403


def test_the_client_page_shows_the_clients_feedback(owner_browser: Browser, runtime: Runtime) -> None:
    client_id = _feedback(runtime)
    page = plain(owner_browser.get(f"/clients/{client_id}").text)
    assert "What this client says, wherever they said it" in page and "Every comment (5)" in page
    html = owner_browser.get(f"/clients/{client_id}").text    # the timeline: the client's reviews, as read
    assert len(re.findall(r'href="/voice/reviews/\d+"', html)) >= 4
