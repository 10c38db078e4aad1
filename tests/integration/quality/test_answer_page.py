"""The public answer page of a survey link, on both databases: the greeting and nothing else about
the client, the language and its switch, saved partial answers, the checks of a submission (422
naming the question, nothing saved), one submission per link (409), unknown (404) and expired
(410) links, the rate limit (429), the origin check and unsubscribing."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from servicescape import i18n
from servicescape.auth.models import Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.clients import service as clients
from servicescape.config import LANGUAGES
from servicescape.db.types import utcnow
from servicescape.quality import campaigns, surveys
from servicescape.quality.answers import hash_token
from servicescape.quality.models import Invitation, SurveyAnswer, SurveyKind, SurveyOptOut, SurveyResponse
from servicescape.runtime import Runtime
from tests.integration.mail.conftest import configure
from tests.integration.pages.conftest import field_error, plain
from tests.integration.quality.test_campaigns import active_survey, links, make_book, new_campaign, token_of


def in_malay(text: str) -> str:
    """``text`` as the page in Malay shows it (its catalog's translation, or the English), escaped."""
    with i18n.speaking("ms"):
        return escape(i18n._(text))


def full_answers(**changes: str) -> dict[str, str]:
    values = {f"servqual_{n}_{half}": "6" if half == "e" else "5" for n in range(1, 23) for half in "ep"}
    values.update({"importance_tangibles": "10", "importance_reliability": "30", "importance_responsiveness": "20",
                   "importance_assurance": "20", "importance_empathy": "20", "nps": "8"})
    values.update(changes)
    return values


@pytest.fixture
def link(runtime: Runtime, owner: Staff) -> str:
    """The path of Aminah's link (Bunga Raya Sdn. Bhd.'s contact, Malay) to a SERVQUAL survey."""
    make_book(runtime, owner)
    campaign_id = new_campaign(runtime, active_survey(runtime, owner, SurveyKind.servqual), owner)
    row = next(row for row in links(runtime, campaign_id) if row["greeting_name"] == "Aminah Yusof")
    return f"/s/{token_of(row['link'])}"


@pytest.fixture
def respondent(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield client


@dataclass(frozen=True)
class Saved:
    """A link's response as stored: what the page tests look at."""

    language: str
    nps: int | None
    submitted_at: datetime | None
    answered_at: datetime | None        # the invitation's
    answers: list[tuple[int | None, list[int] | None, str | None, int | None, int | None]]


def response_of(runtime: Runtime, path: str) -> Saved | None:
    with runtime.transaction() as session:
        invitation = session.scalar(select(Invitation).where(
            Invitation.token_hash == hash_token(path.rsplit("/", 1)[1])))
        assert invitation is not None
        found = session.scalar(select(SurveyResponse).where(SurveyResponse.invitation_id == invitation.id))
        if found is None:
            return None
        given = session.scalars(select(SurveyAnswer).where(SurveyAnswer.response_id == found.id))
        return Saved(found.language, found.nps, found.submitted_at, invitation.answered_at,
                     [(a.number, a.choices, a.text, a.expected, a.perceived) for a in given])


def in_language(language: str, message: str) -> str:
    """A message of the product's catalogs in ``language`` (checked to be a translation)."""
    with i18n.speaking(language):
        translated = i18n._(message)
    assert translated != message
    return translated


def checked(html: str, name: str) -> list[str]:
    """The values of the checked radio buttons or boxes named ``name``."""
    return re.findall(rf'name="{re.escape(name)}" value="(\d+)" checked', html)


def test_the_page_greets_the_recipient_and_shows_nothing_else_about_the_client(
        link: str, respondent: TestClient, runtime: Runtime) -> None:
    page = respondent.get(link)
    assert page.status_code == 200
    assert '<html lang="ms">' in page.text
    text = plain(page.text)
    assert "Aminah Yusof" in text
    for private in ("Bunga Raya", "aminah@", "bungaraya", "Owner Person", "Kovács", "Petrov"):
        assert private not in text and private not in page.text, private
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["x-robots-tag"].startswith("noindex")
    with runtime.transaction() as session:
        survey = surveys.get(session, active_survey_id(runtime), by=SYSTEM)
        statement = surveys.item_text(survey.items[4], "ms")
        expected = surveys.expected_text(survey.items[4], "ms")
    assert statement in text and expected in text        # the statement's two forms, in the recipient's language
    assert in_language("ms", "Skip to main content") in text
    # two groups of seven per statement, each a fieldset with its legend, each button labelled
    assert page.text.count('<fieldset class="survey-scale"') == 22 * 2 + 1        # and NPS
    assert len(re.findall(r'<label class="scale-option"><input type="radio"', page.text)) == 22 * 2 * 7 + 11
    assert page.text.count("<legend") == page.text.count("<fieldset")
    for code in ("importance_tangibles", "importance_empathy", "comment"):
        assert f'<label class="field-label" for="f-{code}">' in page.text or f'for="f-{code}"' in page.text
    assert 'data-sum="importance"' in page.text and 'data-sum-total="importance"' in page.text


def active_survey_id(runtime: Runtime) -> int:
    from servicescape.quality.models import Survey

    with runtime.transaction() as session:
        found = session.scalar(select(Survey.id).where(Survey.kind == SurveyKind.servqual))
        assert found is not None
        return found


def test_the_language_switch_keeps_the_link_and_needs_no_javascript(link: str, respondent: TestClient,
                                                                    runtime: Runtime) -> None:
    page = respondent.get(link)
    for code in LANGUAGES:
        assert f'href="?lang={code}"' in page.text
    hungarian = respondent.get(f"{link}?lang=hu")
    assert hungarian.status_code == 200 and '<html lang="hu">' in hungarian.text
    assert '<input type="hidden" name="lang" value="hu">' in hungarian.text
    with runtime.transaction() as session:
        survey = surveys.get(session, active_survey_id(runtime), by=SYSTEM)
        assert escape(surveys.item_text(survey.items[0], "hu"), quote=False) in hungarian.text
    assert in_language("hu", "Skip to main content") in plain(hungarian.text)
    assert '<html lang="ms">' in respondent.get(f"{link}?lang=xx").text    # not a language: the invitation's
    saved = respondent.post(link, data={"action": "save", "lang": "hu", "nps": "7"}, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == f"{link}?saved=1&lang=hu"
    found = response_of(runtime, link)
    assert found is not None and found.language == "hu"


def test_partial_answers_are_saved_and_shown_again(link: str, respondent: TestClient, runtime: Runtime,
                                                   owner: Staff) -> None:
    saved = respondent.post(link, data={"action": "save", "lang": "ms", "servqual_1_e": "6", "servqual_1_p": "4",
                                        "nps": "8", "comment": "Sangat baik"}, follow_redirects=False)
    assert saved.status_code == 303
    again = respondent.get(saved.headers["location"])
    assert again.status_code == 200 and 'role="status"' in again.text
    assert checked(again.text, "servqual_1_e") == ["6"] and checked(again.text, "servqual_1_p") == ["4"]
    assert checked(again.text, "nps") == ["8"] and checked(again.text, "servqual_2_e") == []
    assert ">Sangat baik</textarea>" in again.text
    fresh = respondent.get(link)                      # the link opened again later
    assert checked(fresh.text, "servqual_1_p") == ["4"] and 'role="status"' not in fresh.text
    found = response_of(runtime, link)
    assert found is not None and found.submitted_at is None and found.nps == 8
    assert len(found.answers) == 3 and found.answered_at is None
    with runtime.transaction() as session:
        campaign = session.scalar(select(campaigns.Campaign))
        assert campaign is not None
        progress = campaigns.status(session, campaign, by=owner)
    assert (progress.started, progress.answered, progress.opened) == (1, 0, 1)


def test_a_missing_required_answer_is_named_and_nothing_is_submitted(link: str, respondent: TestClient,
                                                                     runtime: Runtime) -> None:
    respondent.post(link, data={"action": "save", "lang": "ms", "nps": "4"})
    values = full_answers()
    del values["servqual_5_p"]
    refused = respondent.post(link, data={"action": "submit", "lang": "ms", **values})
    assert refused.status_code == 422
    summary = re.search(r'<div class="error-summary".*?</div>', refused.text, re.S)
    assert summary is not None and 'href="#f-servqual_5_p"' in summary.group(0)
    assert summary.group(0).count("<li>") == 1
    assert 'id="f-servqual_5_p" aria-describedby="f-servqual_5_p-error"' in refused.text
    assert field_error(refused.text, "f-servqual_5_p")
    assert checked(refused.text, "servqual_5_e") == ["6"] and checked(refused.text, "nps") == ["8"]   # kept
    assert refused.headers["cache-control"] == "no-store"
    found = response_of(runtime, link)
    assert found is not None and found.submitted_at is None and found.nps == 4     # the saved draft, unchanged
    assert found.answered_at is None


def test_out_of_range_answers_are_refused_and_nothing_is_saved(link: str, respondent: TestClient,
                                                               runtime: Runtime) -> None:
    for action in ("submit", "save"):
        refused = respondent.post(link, data={"action": action, "lang": "ms", **full_answers(nps="11",
                                                                                            servqual_2_e="8")})
        assert refused.status_code == 422, action
        assert 'href="#f-servqual_2_e"' in refused.text and 'href="#f-nps"' in refused.text
        # beside the question, in the page's language, without the question's code (an API's or an
        # import's message names it: "nps needs a whole number from 0 to 10.")
        with i18n.speaking("ms"):
            nps, servqual = (i18n._("Give a whole number from %(low)s to %(high)s.", low=low, high=high)
                             for low, high in ((0, 10), (1, 7)))
        assert field_error(refused.text, "f-nps") == nps and field_error(refused.text, "f-servqual_2_e") == servqual
        summary = re.search(r'<div class="error-summary".*?</div>', refused.text, re.S)
        assert summary is not None and nps in plain(summary.group(0)) and "nps needs" not in refused.text
    english = respondent.post(link, data={"action": "submit", "lang": "en", **full_answers(nps="11")})
    assert english.status_code == 422 and field_error(english.text, "f-nps") == "Give a whole number from 0 to 10."
    assert response_of(runtime, link) is None
    points = respondent.post(link, data={"action": "submit", "lang": "ms",
                                         **full_answers(importance_empathy="10")})
    assert points.status_code == 422 and "90" in field_error(points.text, "f-importance_tangibles")  # type: ignore[operator]
    assert response_of(runtime, link) is None


def test_one_submission_per_link(link: str, respondent: TestClient, runtime: Runtime) -> None:
    done = respondent.post(link, data={"action": "submit", "lang": "ms", **full_answers(nps="10")})
    assert done.status_code == 200 and in_malay("Thank you!") in done.text
    assert done.headers["referrer-policy"] == "no-referrer"
    # used: the browser is sent on to a page without the token
    assert [step.status_code for step in done.history] == [303] and str(done.url).endswith("/s/thanks?lang=ms")
    assert done.history[0].headers["referrer-policy"] == "no-referrer"
    replay = respondent.post(link, data={"action": "submit", "lang": "ms", **full_answers(nps="0")})
    assert replay.status_code == 409 and in_malay("This survey was already answered") in replay.text
    assert respondent.post(link, data={"action": "save", "lang": "ms", "nps": "1"}).status_code == 409
    visit = respondent.get(link)
    assert visit.status_code == 200 and in_malay("This survey was already answered") in visit.text
    assert "<form" not in visit.text and str(visit.url).endswith("/s/answered?lang=ms")
    found = response_of(runtime, link)
    assert found is not None and found.nps == 10 and found.submitted_at is not None


def test_unknown_and_expired_links(link: str, respondent: TestClient, runtime: Runtime, owner: Staff) -> None:
    real = link.rsplit("/", 1)[1]
    for token in (secrets.token_urlsafe(32), "short", real[:-1] + ("B" if real.endswith("A") else "A")):
        unknown = respondent.get(f"/s/{token}")
        assert unknown.status_code == 404, token
        assert "This survey link does not work" in unknown.text and "Aminah" not in unknown.text
        assert respondent.post(f"/s/{token}", data={"action": "submit", "nps": "9"}).status_code == 404
        assert respondent.get(f"/s/{token}/unsubscribe").status_code == 404
    with runtime.transaction() as session:
        clients.clients.create(session, {"name": "Late Ltd", "email": "late@client.test", "tier": "standard"},
                               by=SYSTEM)
    old = new_campaign(runtime, active_survey(runtime, owner), owner, now=utcnow() - timedelta(days=3),
                       audience=campaigns.Audience(tiers=("standard",)), expires_in_days=2)
    [row] = links(runtime, old)
    expired = respondent.get(f"/s/{token_of(row['link'])}")
    assert expired.status_code == 410 and "expired" in expired.text
    assert respondent.post(f"/s/{token_of(row['link'])}", data={"action": "save", "nps": "9"}).status_code == 410


def test_public_routes_are_rate_limited_and_misses_count_double(link: str, respondent: TestClient,
                                                                 runtime: Runtime) -> None:
    configure(runtime, public_get_per_minute=4, public_post_per_minute=2)
    for _ in range(4):
        assert respondent.get(link).status_code == 200
    limited = respondent.get(link)
    assert limited.status_code == 429 and 0 < int(limited.headers["retry-after"]) <= 60
    assert "Too many requests" in limited.text and limited.headers["cache-control"] == "no-store"
    assert respondent.get(f"{link}/unsubscribe").status_code == 429          # the same count
    assert respondent.post(link, data={"action": "save", "nps": "5"}, follow_redirects=False).status_code == 303
    assert respondent.post(link, data={"action": "save", "nps": "6"}, follow_redirects=False).status_code == 303
    assert respondent.post(link, data={"action": "save", "nps": "7"}).status_code == 429
    found = response_of(runtime, link)
    assert found is not None and found.nps == 6                              # the refused one saved nothing

    with TestClient(respondent.app, base_url="http://127.0.0.1", client=("203.0.113.9", 50000)) as guesser:
        assert guesser.get(f"/s/{secrets.token_urlsafe(32)}").status_code == 404   # counts 2
        assert guesser.get(f"/s/{secrets.token_urlsafe(32)}").status_code == 404   # counts 2: 4 of 4
        assert guesser.get(link).status_code == 429


def test_posts_from_another_site_are_refused(link: str, respondent: TestClient, runtime: Runtime) -> None:
    foreign = respondent.post(link, data={"action": "submit", **full_answers()}, headers={"Origin": "https://evil.test"})
    assert foreign.status_code == 403 and response_of(runtime, link) is None
    cross = respondent.post(link, data={"action": "save", "nps": "3"}, headers={"Sec-Fetch-Site": "cross-site"})
    assert cross.status_code == 403 and response_of(runtime, link) is None
    # the page asks for no referrer, so browsers send "Origin: null" with its own posts
    own = respondent.post(link, data={"action": "save", "nps": "3"}, headers={"Origin": "null"},
                          follow_redirects=False)
    assert own.status_code == 303
    same = respondent.post(link, data={"action": "save", "nps": "4"}, headers={"Origin": "http://127.0.0.1"},
                           follow_redirects=False)
    assert same.status_code == 303
    found = response_of(runtime, link)
    assert found is not None and found.nps == 4


def test_unsubscribing_from_the_link(link: str, respondent: TestClient, runtime: Runtime) -> None:
    path = f"{link}/unsubscribe"
    form = respondent.get(path)
    assert form.status_code == 200 and '<html lang="ms">' in form.text
    assert "aminah" not in form.text.lower() and "Bunga Raya" not in form.text
    assert f'action="{path}"' in form.text and form.headers["referrer-policy"] == "no-referrer"
    refused = respondent.post(path, data={"lang": "ms"}, headers={"Origin": "https://evil.test"})
    assert refused.status_code == 403
    with runtime.transaction() as session:
        assert session.get(SurveyOptOut, "aminah@bungaraya.test") is None
    done = respondent.post(path, data={"lang": "ms"})
    assert done.status_code == 200 and in_malay("You will receive no more surveys") in done.text
    assert [step.status_code for step in done.history] == [303] and str(done.url).endswith("/s/unsubscribed?lang=ms")
    assert respondent.post(path, data={"lang": "ms"}).status_code == 200     # twice: the same
    with runtime.transaction() as session:
        assert session.get(SurveyOptOut, "aminah@bungaraya.test") is not None
    assert respondent.get(link).status_code == 200        # the survey itself can still be answered


def test_the_firms_own_questions_single_multiple_scale_and_text(runtime: Runtime, owner: Staff,
                                                                respondent: TestClient) -> None:
    def everywhere(text: str) -> dict[str, str]:
        return {language: f"{text} [{language}]" for language in LANGUAGES}

    with runtime.transaction() as session:
        clients.clients.create(session, {"name": "Own Questions Sdn. Bhd.", "email": "q@own.test", "language": "bg"},
                               by=SYSTEM)
        survey = surveys.create(session, name="Own", kind=SurveyKind.custom, by=owner)
        for data in ({"kind": "single", "texts": everywhere("Which office?"),
                      "choices": [everywhere("Kuala Lumpur"), everywhere("Sofia"), everywhere("Budapest")]},
                     {"kind": "multiple", "texts": everywhere("What did we do for you?"), "required": False,
                      "choices": [everywhere("Tax"), everywhere("Audit"), everywhere("Payroll")]},
                     {"kind": "scale", "texts": everywhere("How easy was it?"), "scale_min": 1, "scale_max": 10},
                     {"kind": "text", "texts": everywhere("Tell us more"), "required": False}):
            surveys.add_item(session, survey, data, by=owner)
        surveys.activate(session, survey, by=owner)
        survey_id = survey.id
    [row] = links(runtime, new_campaign(runtime, survey_id, owner))
    path = f"/s/{token_of(row['link'])}"
    page = respondent.get(path)
    assert page.status_code == 200 and '<html lang="bg">' in page.text and "Which office? [bg]" in page.text
    assert 'type="checkbox" name="q2" value="2"' in page.text and 'type="radio" name="q1" value="1"' in page.text
    assert len(re.findall(r'name="q3" value="\d+"', page.text)) == 10
    missing = respondent.post(path, data={"action": "submit", "lang": "bg", "q2": ["0", "2"]})
    assert missing.status_code == 422 and 'href="#f-q1"' in missing.text and 'href="#f-q3"' in missing.text
    assert checked(missing.text, "q2") == ["0", "2"]                        # kept as given
    done = respondent.post(path, data={"action": "submit", "lang": "bg", "q1": "1", "q2": ["0", "2"], "q3": "9",
                                       "q4": "Всичко беше наред."})
    assert done.status_code == 200
    found = response_of(runtime, path)
    assert found is not None and found.language == "bg"
    assert sorted(found.answers, key=str) == sorted(
        [(1, None, None, None, None), (None, [0, 2], None, None, None), (9, None, None, None, None),
         (None, None, "Всичко беше наред.", None, None)], key=str)
