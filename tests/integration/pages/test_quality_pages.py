"""Service quality's signed-in pages: the overview, the survey builder and its preview, the results
with their gaps, the responses (and typing one in), against figures worked out by hand.

Two SERVQUAL respondents answer every statement with E = P except the reliability statements
(5–9): the first expects 7 and perceives 5 (gap −2), the second expects 6 and perceives 5 (gap −1).
The reliability gap is their mean, −1.50, with a 95% interval of −1.5 ± t(0.975, 1) · s/√2 =
−1.5 ± 12.706205 · 0.5 = −7.85 to 4.85; every other dimension's gap is 0.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.promises.capability import RECOVERY
from servicescape.quality import answers, surveys
from servicescape.quality.instrument import STATEMENTS
from servicescape.quality.models import Campaign, Survey, SurveyKind, SurveyResponse, SurveyStatus
from servicescape.runtime import Runtime
from servicescape.tasks.models import Task, TaskStatus
from tests.integration.pages.conftest import (
    Browser,
    add_client,
    counting_queries,
    field_error,
    flash_after,
    load,
    plain,
)

HTMX = {"HX-Request": "true"}


def servqual_values(reliability: tuple[int, int], *, nps: int | None = None, other: int = 6) -> dict[str, str]:
    """Every statement answered: (E, P) for reliability, E = P = ``other`` elsewhere; importance
    split equally."""
    values: dict[str, str] = {}
    for statement in STATEMENTS:
        expected, perceived = reliability if statement.dimension == "reliability" else (other, other)
        values[f"{statement.code}_e"], values[f"{statement.code}_p"] = str(expected), str(perceived)
    for dimension in ("tangibles", "reliability", "responsiveness", "assurance", "empathy"):
        values[f"importance_{dimension}"] = "20"
    if nps is not None:
        values["nps"] = str(nps)
    return values


def make_survey(runtime: Runtime, name: str = "Client survey", kind: SurveyKind = SurveyKind.servqual,
                active: bool = True) -> int:
    with runtime.transaction() as session:
        survey = surveys.create(session, name=name, kind=kind, by=SYSTEM)
        if active:
            surveys.activate(session, survey, by=SYSTEM)
        return survey.id


def record(runtime: Runtime, survey_id: int, client_id: int, values: dict[str, Any]) -> int:
    with runtime.transaction() as session:
        survey = surveys.get(session, survey_id, by=SYSTEM)
        return answers.record_answers(session, runtime.settings, survey, client_id, values, by=SYSTEM).id


def two_respondents(runtime: Runtime) -> tuple[int, list[int]]:
    survey_id = make_survey(runtime)
    first = add_client(runtime, name="Kovács és Társa Kft.", tier="key", email="iroda@kovacs.test")
    second = add_client(runtime, name="Lim Brothers Sdn Bhd", tier="standard", email="hello@lim.test")
    made = [record(runtime, survey_id, first, servqual_values((7, 5), nps=3)),
            record(runtime, survey_id, second, servqual_values((6, 5), nps=10))]
    return survey_id, made


def dimension_row(html: str, dimension: str) -> str:
    row = re.search(rf'<tr data-dimension="{dimension}">(.*?)</tr>', html, re.S)
    assert row is not None, dimension
    return plain(row.group(1))


# --- results and overview ---------------------------------------------------------------------------

def test_results_show_the_gaps_worked_out_by_hand(owner_browser: Browser, runtime: Runtime) -> None:
    survey_id, _made = two_respondents(runtime)
    page = owner_browser.get(f"/quality/results?survey={survey_id}")
    assert page.status_code == 200
    html = page.text
    reliability = dimension_row(html, "reliability")
    assert "-1.50" in reliability and "-7.85 to 4.85" in reliability
    assert "0.00" in dimension_row(html, "tangibles")
    # the chart's table: the dimension with its gap and interval
    assert re.search(r'<th scope="row">Reliability</th><td class="num">-1.50</td><td class="num">-7.85 to 4.85</td>',
                     html)
    # equal importance (20 each): the weighted score is −1.5 × 0.2 = −0.30; reliability to fix first
    assert "-0.30" in plain(html.split('id="result-stats"')[1].split("</section>")[0])
    assert re.search(r'<ol id="fix-first"><li>Reliability', html)
    # the statements: item 5 expected 6.5, perceived 5.0, gap −1.5
    item = re.search(r'<tr data-item="servqual_5">(.*?)</tr>', html, re.S)
    assert item is not None and plain(item.group(1)).split()[-6:] == ["6.50", "5.00", "-1.50", "-7.85", "to", "4.85"]
    # NPS: one detractor (3), one promoter (10): 0
    assert "%(n)s" not in html and "NPS" in html
    # split by tier: key −2, standard −1 on reliability
    by_tier = plain(owner_browser.get(f"/quality/results?survey={survey_id}&by=tier").text.split('id="group-gaps"')[1]
                    .split("</table>")[0])
    assert "Key 1 0.00 -2.00" in by_tier and "Standard 1 0.00 -1.00" in by_tier
    for group in ("segment", "owner", "package", "period"):
        assert owner_browser.get(f"/quality/results?survey={survey_id}&by={group}").status_code == 200
    # a filter that leaves nobody out of the tier: only the standard client's gap
    standard = owner_browser.get(f"/quality/results?survey={survey_id}&tier=standard").text
    assert "-1.00" in dimension_row(standard, "reliability")
    assert owner_browser.get("/quality/results?since=2025-13-01").status_code == 422
    assert owner_browser.get("/quality/results?tier=gold").status_code == 422


def test_overview_lists_surveys_and_the_latest_wave(owner_browser: Browser, runtime: Runtime) -> None:
    empty = owner_browser.get("/quality")
    assert empty.status_code == 200 and "No surveys yet" in plain(empty.text)
    survey_id, _made = two_respondents(runtime)
    make_survey(runtime, "Draft NPS", SurveyKind.nps, active=False)
    html = owner_browser.get("/quality").text
    listed = plain(html.split('id="survey-list"')[1].split("</table>")[0])
    assert "Client survey SERVQUAL Active 2" in listed and "Draft NPS NPS Draft 0" in listed
    assert f'href="/quality/results?survey={survey_id}"' in html
    assert re.search(r'<th scope="row">Reliability</th><td class="num">-1.50</td>', html)
    # NPS of the last year: a promoter and a detractor
    assert "NPS, last 12 months 0.0" in plain(html)


# --- the builder ---------------------------------------------------------------------------------------

def test_build_a_survey_of_our_own_questions(owner_browser: Browser, runtime: Runtime) -> None:
    assert owner_browser.get("/quality/surveys/new").status_code == 200
    refused = owner_browser.post("/quality/surveys", {"name": " ", "kind": "custom"})
    assert refused.status_code == 422 and field_error(refused.text, "f-name") == "Give the survey a name."
    assert owner_browser.post("/quality/surveys", {"name": "X", "kind": "gold"}).status_code == 422
    made = owner_browser.post("/quality/surveys", {"name": "Onboarding", "kind": "custom"})
    assert made.status_code == 303
    survey_id = int(made.headers["location"].rsplit("/", 1)[1])
    base = f"/quality/surveys/{survey_id}"
    # a scale from 3 to 2: the scale's field says so, nothing is added
    bad = owner_browser.post(f"{base}/items", {"kind": "scale", "text_en": "How easy?", "scale_min": "3",
                                               "scale_max": "2"})
    assert bad.status_code == 422 and "A scale runs from 0 or 1" in (field_error(bad.text, "f-scale_max") or "")
    words = owner_browser.post(f"{base}/items", {"kind": "scale", "scale_min": "x"})
    assert words.status_code == 422 and field_error(words.text, "f-scale_min") == "Give a whole number."
    assert "Write the question in at least one language." in plain(
        owner_browser.post(f"{base}/items", {"kind": "text"}).text)
    added = owner_browser.post(f"{base}/items", {"kind": "single", "required": "1", "text_en": "Which office?",
                                                 "text_hu": "Melyik iroda?", "choices_en": "Kuala Lumpur\nBudapest",
                                                 "choices_hu": "Kuala Lumpur\nBudapest"})
    assert "Question q1 was added." in flash_after(added, owner_browser)
    page = owner_browser.get(base).text
    row = plain(re.search(r'<tr id="item-q1">(.*?)</tr>', page, re.S).group(1))  # type: ignore[union-attr]
    assert "Which office?" in row and "Kuala Lumpur · Budapest" in row
    assert "Missing: Bahasa Melayu" in row and "Missing: Magyar" not in row
    # activating with texts missing is refused and says why; nothing changes
    refused = owner_browser.post(f"{base}/activate")
    assert refused.status_code == 422 and "missing: q1 (bg)" in plain(refused.text)
    assert load(runtime, Survey, survey_id).status == SurveyStatus.draft
    # all six languages: it activates
    with runtime.transaction() as session:
        survey = surveys.get(session, survey_id, by=SYSTEM)
        item_id = survey.items[0].id
    assert flash_after(owner_browser.post(f"{base}/items/{item_id}/delete"), owner_browser) == \
        "The question was removed."
    six = {f"text_{code}": f"Which office? ({code})" for code in ("en", "ms", "bg", "zh-Hans", "zh-Hant", "hu")}
    six.update({f"choices_{code}": "A\nB" for code in ("en", "ms", "bg", "zh-Hans", "zh-Hant", "hu")})
    owner_browser.post(f"{base}/items", {"kind": "single", **six})
    assert "active" in flash_after(owner_browser.post(f"{base}/activate"), owner_browser)
    page = owner_browser.get(base).text
    assert "All six" in plain(page) and f'href="/quality/campaigns/new?survey={survey_id}"' in page
    # the preview in Hungarian: the firm's own Hungarian wording
    preview = owner_browser.get(f"{base}/preview?language=hu")
    assert preview.status_code == 200 and "Which office? (hu)" in plain(preview.text)
    assert 'lang="hu" aria-current="true"' in preview.text
    assert "Which office? (hu)" not in owner_browser.get(f"{base}/preview?language=bg").text
    assert flash_after(owner_browser.post(f"{base}/close"), owner_browser).startswith("The survey is closed")
    assert flash_after(owner_browser.post(f"{base}/delete"), owner_browser) == "The survey was deleted."
    assert owner_browser.get(base).status_code == 404


def test_builtin_items_are_read_only_and_an_answered_survey_stays(owner_browser: Browser, runtime: Runtime) -> None:
    survey_id, _made = two_respondents(runtime)
    page = owner_browser.get(f"/quality/surveys/{survey_id}").text
    row = plain(re.search(r'<tr id="item-servqual_5">(.*?)</tr>', page, re.S).group(1))  # type: ignore[union-attr]
    assert "When we promise to do something by a certain time, we do so." in row and "Reliability" in row
    assert "/items/" not in page  # no remove buttons once active
    refused = owner_browser.post(f"/quality/surveys/{survey_id}/delete")
    assert refused.status_code == 409 and "close it instead" in plain(refused.text)


# --- campaigns -------------------------------------------------------------------------------------------

def test_campaign_audience_send_links_close_delete(owner_browser: Browser, runtime: Runtime) -> None:
    survey_id = make_survey(runtime)
    add_client(runtime, name="Kovács és Társa Kft.", tier="key", email="iroda@kovacs.test", language="hu")
    add_client(runtime, name="Lim Brothers Sdn Bhd", tier="standard", email="hello@lim.test")
    add_client(runtime, name="No Mail Ltd", tier="key")
    form = owner_browser.get(f"/quality/campaigns/new?survey={survey_id}")
    assert form.status_code == 200 and "2 clients" in plain(form.text)
    counted = owner_browser.get("/quality/campaigns/audience?tiers=key", headers=HTMX)
    assert counted.status_code == 200 and "1 client" in plain(counted.text) and "Kovács" in counted.text
    wrong = owner_browser.get("/quality/campaigns/audience?completed_from=2026-02-01&completed_to=2026-01-01",
                              headers=HTMX)
    assert wrong.status_code == 422 and "The period ends before it starts." in wrong.text
    again = owner_browser.get(f"/quality/campaigns/new?survey={survey_id}&tiers=standard&name=Wave")
    assert "1 client" in plain(again.text) and 'value="standard" checked' in again.text
    refused = owner_browser.post("/quality/campaigns", {"survey": str(survey_id), "name": "", "tiers": "key"})
    assert refused.status_code == 422 and field_error(refused.text, "f-name") == "Give the campaign a name."
    days = owner_browser.post("/quality/campaigns", {"survey": str(survey_id), "name": "W", "expires_in_days": "0"})
    assert days.status_code == 422 and "from 1 to 365" in (field_error(days.text, "f-expires_in_days") or "")
    made = owner_browser.post("/quality/campaigns", {"survey": str(survey_id), "name": "Spring wave",
                                                     "tiers": "key"})
    assert made.status_code == 303
    campaign_id = int(made.headers["location"].rsplit("/", 1)[1])
    page = plain(owner_browser.get(f"/quality/campaigns/{campaign_id}").text)
    assert "Not sent yet" in page and "Invited 1" in page and "Response rate 0%" in page
    sent = owner_browser.post(f"/quality/campaigns/{campaign_id}/send")
    assert "1 invitations are in the outbox" in flash_after(sent, owner_browser)
    page = plain(owner_browser.get(f"/quality/campaigns/{campaign_id}").text)
    assert "E-mailed 1" in page and "Open" in page
    links = owner_browser.get(f"/quality/campaigns/{campaign_id}/links.csv")
    assert links.status_code == 200 and links.headers["content-type"].startswith("text/csv")
    lines = links.text.strip().splitlines()
    assert lines[0].startswith("client_external_id,client_name") and "Kovács és Társa Kft." in lines[1]
    assert "/s/" in lines[1] and len(lines) == 2
    assert "still work" in plain(owner_browser.post(f"/quality/campaigns/{campaign_id}/delete").text)
    assert "closed" in flash_after(owner_browser.post(f"/quality/campaigns/{campaign_id}/close"), owner_browser)
    assert load(runtime, Campaign, campaign_id).status.value == "closed"
    assert "deleted" in flash_after(owner_browser.post(f"/quality/campaigns/{campaign_id}/delete"), owner_browser)


@pytest.mark.parametrize("survey", ["", "abc", "²", "４２", str(2**31)])
def test_a_campaign_without_a_survey_is_a_422_that_names_the_field(owner_browser: Browser, survey: str) -> None:
    page = owner_browser.post("/quality/campaigns", {"survey": survey, "name": "Spring wave"})
    assert page.status_code == 422 and "survey: Choose the survey." in plain(page.text)
    called = owner_browser.post("/quality/campaigns", {"survey": survey}, headers={"Accept": "application/json"})
    assert called.status_code == 422
    assert called.json()["error"] | {"details": None} == {"code": "validation_failed", "field": "survey",
                                                         "message": "survey: Choose the survey.", "details": None}


def _input(html: str, name: str) -> str | None:
    """The value of the input named ``name``, or None when there is no such input."""
    tag = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', html)
    if tag is None:
        return None
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return value.group(1) if value else ""


def test_campaign_after_a_service_recovery_round_trips(owner_browser: Browser, runtime: Runtime) -> None:
    survey_id = make_survey(runtime, "CSAT", SurveyKind.csat)
    recovered = add_client(runtime, name="Kovács és Társa Kft.", email="iroda@kovacs.test")
    add_client(runtime, name="Lim Brothers Sdn Bhd", email="hello@lim.test")
    with runtime.transaction() as session:
        session.add(Task(kind=RECOVERY, title="Put it right", client_id=recovered, status=TaskStatus.done,
                         closed_at=datetime(2026, 3, 12, 3, tzinfo=UTC), outcome="Refunded"))
    form = owner_browser.get(f"/quality/campaigns/new?survey={survey_id}")
    assert _input(form.text, "recovered_from") == "" and _input(form.text, "recovered_to") == ""
    assert "Service recovery closed from" in form.text and "2 clients" in plain(form.text)
    march = "recovered_from=2026-03-01&recovered_to=2026-03-31"
    counted = owner_browser.get(f"/quality/campaigns/audience?{march}", headers=HTMX)
    assert counted.status_code == 200 and "1 client" in plain(counted.text) and "Kovács" in counted.text
    again = owner_browser.get(f"/quality/campaigns/new?survey={survey_id}&{march}")
    assert (_input(again.text, "recovered_from"), _input(again.text, "recovered_to")) == ("2026-03-01", "2026-03-31")
    assert "1 client" in plain(again.text)
    backwards = owner_browser.post("/quality/campaigns", {"survey": str(survey_id), "name": "After recovery",
                                                          "recovered_from": "2026-03-31",
                                                          "recovered_to": "2026-03-01"})
    assert backwards.status_code == 422
    assert field_error(backwards.text, "f-recovered_to") == "The period ends before it starts."
    assert _input(backwards.text, "recovered_from") == "2026-03-31"
    made = owner_browser.post("/quality/campaigns", {"survey": str(survey_id), "name": "After recovery",
                                                     "recovered_from": "2026-03-01", "recovered_to": "2026-03-31"})
    assert made.status_code == 303, made.text
    campaign_id = int(made.headers["location"].rsplit("/", 1)[1])
    audience = load(runtime, Campaign, campaign_id).audience
    assert (audience["recovered_from"], audience["recovered_to"]) == ("2026-03-01", "2026-03-31")
    page = plain(owner_browser.get(f"/quality/campaigns/{campaign_id}").text)
    assert "Invited 1" in page and "Engagement completed from" not in page
    assert "Service recovery closed from Mar 1, 2026 Service recovery closed until Mar 31, 2026" in page


# --- responses ----------------------------------------------------------------------------------------

def test_responses_list_and_one_response_with_its_task(owner_browser: Browser, runtime: Runtime) -> None:
    survey_id, (detractor, promoter) = two_respondents(runtime)
    listed = plain(owner_browser.get("/quality/responses").text)
    assert "Kovács és Társa Kft." in listed and "Lim Brothers Sdn Bhd" in listed
    only = plain(owner_browser.get(f"/quality/responses?nps=detractors&survey={survey_id}").text)
    assert "Kovács és Társa Kft." in only and "Lim Brothers" not in only
    assert "No answers here" in plain(owner_browser.get("/quality/responses?since=2000-01-01&until=2000-01-31").text)
    assert owner_browser.get("/quality/responses?nps=angry").status_code == 422
    page = owner_browser.get(f"/quality/responses/{detractor}")
    assert page.status_code == 200
    answer = plain(re.search(r'<tr id="answer-servqual_5">(.*?)</tr>', page.text, re.S).group(1))  # type: ignore[union-attr]
    assert "When we promise to do something by a certain time" in answer
    assert "Expected 7 · perceived 5" in answer and "Gap -2" in answer
    with runtime.transaction() as session:
        task = session.query(Task).filter(Task.related_id == detractor, Task.related_type == "survey_response").one()
    follow_up = plain(page.text.split('id="follow-up"')[1].split("</section>")[0])
    assert f'href="/tasks/{task.id}"' in page.text and "would not recommend us" in follow_up
    promoter_page = plain(owner_browser.get(f"/quality/responses/{promoter}").text)
    assert "Ask Lim Brothers Sdn Bhd for a testimonial" in promoter_page
    assert owner_browser.get("/quality/responses/999999").status_code == 404


def test_staff_type_in_an_answer(owner_browser: Browser, runtime: Runtime) -> None:
    survey_id = make_survey(runtime, "Quick NPS", SurveyKind.nps)
    client_id = add_client(runtime, name="Szellő Kft.")
    form = owner_browser.get(f"/quality/responses/new?survey={survey_id}&client={client_id}")
    assert form.status_code == 200 and 'value="Szellő Kft."' in form.text
    missing = owner_browser.post("/quality/responses", {"survey": str(survey_id), "client": "Szellő Kft."})
    assert missing.status_code == 422 and field_error(missing.text, "f-nps") == "Please answer this question."
    unknown = owner_browser.post("/quality/responses", {"survey": str(survey_id), "client": "Nobody", "nps": "9"})
    assert unknown.status_code == 422 and "No client is called" in (field_error(unknown.text, "f-client") or "")
    out = owner_browser.post("/quality/responses", {"survey": str(survey_id), "client": "Szellő Kft.", "nps": "11"})
    assert out.status_code == 422 and "from 0 to 10" in (field_error(out.text, "f-nps") or "")
    made = owner_browser.post("/quality/responses", {"survey": str(survey_id), "client": "Szellő Kft.", "nps": "9",
                                                     "nps_why": "Mindig időben.", "language": "hu",
                                                     "submitted_at": "2026-03-02T10:30"})
    assert flash_after(made, owner_browser) == "The answers were recorded."
    response_id = int(made.headers["location"].rsplit("/", 1)[1])
    with runtime.transaction() as session:
        saved = session.get(SurveyResponse, response_id)
        assert saved is not None
        assert (saved.nps, saved.language, saved.source.value, saved.comment) == (9, "hu", "staff", "Mindig időben.")
        assert saved.submitted_at is not None and saved.submitted_at.isoformat().startswith("2026-03-02T02:30")
    assert "Mindig időben." in plain(owner_browser.get(f"/quality/responses/{response_id}").text)


# --- permissions and query counts ------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/quality/surveys/new", "/quality/campaigns/new?survey=1",
                                 "/quality/responses/new?survey=1"])
def test_a_viewer_cannot_reach_the_write_pages(browser_as: Any, url: str) -> None:
    viewer = browser_as(Role.viewer)
    assert viewer.get(url).status_code == 403


def test_a_viewer_reads_but_cannot_change(browser_as: Any, runtime: Runtime) -> None:
    survey_id, (response_id, _promoter) = two_respondents(runtime)
    viewer = browser_as(Role.viewer)
    for url in ("/quality", f"/quality/results?survey={survey_id}", f"/quality/surveys/{survey_id}",
                "/quality/responses", f"/quality/responses/{response_id}"):
        assert viewer.get(url).status_code == 200, url
    page = viewer.get(f"/quality/surveys/{survey_id}").text
    assert "/activate" not in page and "/delete" not in page and "/quality/campaigns/new" not in page
    for url, data in ((f"/quality/surveys/{survey_id}/close", {}), ("/quality/surveys", {"name": "X", "kind": "nps"}),
                      ("/quality/responses", {"survey": str(survey_id), "client": "x"}),
                      ("/quality/campaigns", {"survey": str(survey_id), "name": "x"})):
        assert viewer.post(url, data).status_code == 403, url
    staff = browser_as(Role.staff)
    assert staff.post(f"/quality/surveys/{survey_id}/close").status_code == 403


def test_the_response_list_makes_the_same_queries_for_more_rows(owner_browser: Browser, runtime: Runtime) -> None:
    survey_id = make_survey(runtime, "Quick NPS", SurveyKind.nps)

    def add(count: int) -> None:
        for n in range(count):
            client_id = add_client(runtime, name=f"Client {n} {count}")
            record(runtime, survey_id, client_id, {"nps": str(n % 11)})

    def queries() -> int:
        with counting_queries(runtime) as statements:
            assert owner_browser.get("/quality/responses").status_code == 200
        return len(statements)

    add(2)
    few = queries()
    add(12)
    assert queries() == few


# --- editing one of our own questions --------------------------------------------------------------

LANGUAGE_CODES = ("en", "ms", "bg", "zh-Hans", "zh-Hant", "hu")


def test_edit_a_question_to_fill_its_missing_text(owner_browser: Browser, browser_as: Any, runtime: Runtime) -> None:
    survey_id = make_survey(runtime, "Onboarding", SurveyKind.custom, active=False)
    five = {code: f"Which office? ({code})" for code in LANGUAGE_CODES if code != "hu"}
    with runtime.transaction() as session:
        survey = surveys.get(session, survey_id, by=SYSTEM)
        choices = [{code: f"{city} ({code})" for code in LANGUAGE_CODES} for city in ("Kuala Lumpur", "Sofia")]
        item_id = surveys.add_item(session, survey, {"kind": "single", "texts": five, "choices": choices},
                                   by=SYSTEM).id
    nps_id = make_survey(runtime, "NPS", SurveyKind.nps, active=False)
    with runtime.transaction() as session:
        builtin_id = surveys.get(session, nps_id, by=SYSTEM).items[0].id
    base = f"/quality/surveys/{survey_id}"
    edit = f"{base}/items/{item_id}/edit"
    page = owner_browser.get(base).text
    # the question's Edit control and the list of missing texts both lead to its form
    row = re.search(r'<tr id="item-q1">(.*?)</tr>', page, re.S)
    assert row is not None and f'href="{edit}#edit-question"' in row.group(1)
    missing = page.split('id="missing-texts"')[1].split("</div></div>")[0]
    assert f'href="{edit}#edit-question"' in missing and "Write q1 in: Magyar" in plain(missing)
    form = owner_browser.get(edit)
    assert form.status_code == 200 and 'id="edit-question"' in form.text and 'id="add-question"' not in form.text
    shown = {code: re.search(rf'<input[^>]*name="text_{code}"[^>]*value="([^"]*)"', form.text)
             for code in LANGUAGE_CODES}
    assert {code: found.group(1) for code, found in shown.items() if found} == {**five, "hu": ""}
    choices_bg = re.search(r'<textarea name="choices_bg"[^>]*>(.*?)</textarea>', form.text, re.S)
    assert choices_bg is not None and choices_bg.group(1) == "Kuala Lumpur (bg)\nSofia (bg)"
    # what the form sends replaces the texts: an empty one is refused field by field, nothing saved
    posted = {f"text_{code}": five.get(code, "") for code in LANGUAGE_CODES}
    posted.update({f"choices_{code}": f"Kuala Lumpur ({code})\nSofia ({code})" for code in LANGUAGE_CODES})
    no_text = {f"text_{code}": "" for code in LANGUAGE_CODES}
    blank = owner_browser.post(f"{base}/items/{item_id}", {**posted, **no_text})
    assert blank.status_code == 422
    assert field_error(blank.text, "f-texts") == "Write the question in at least one language."
    assert 'id="edit-question"' in blank.text and 'href="#f-texts"' in blank.text
    one = owner_browser.post(f"{base}/items/{item_id}",
                             {**posted, **{f"choices_{code}": "Only" for code in LANGUAGE_CODES}})
    assert one.status_code == 422 and "Give between 2 and 20 choices." in (field_error(one.text, "f-choices") or "")
    with runtime.transaction() as session:
        assert surveys.missing_texts(surveys.get(session, survey_id, by=SYSTEM)) == [("q1", "hu")]
    for role in (Role.viewer, Role.staff):
        other = browser_as(role)
        assert other.get(edit).status_code == 403
        assert other.post(f"{base}/items/{item_id}", {**posted, "text_hu": "Melyik iroda?"}).status_code == 403
    # the Hungarian text filled in (and a third choice): the survey activates
    done = owner_browser.post(f"{base}/items/{item_id}", {**posted, "text_hu": "Melyik iroda?", "required": "1",
                                                         **{f"choices_{code}": f"A ({code})\nB ({code})\nC ({code})"
                                                            for code in LANGUAGE_CODES}})
    assert flash_after(done, owner_browser) == "Question q1 was changed."
    assert done.headers["location"] == f"{base}#item-q1"
    with runtime.transaction() as session:
        item = next(found for found in surveys.get(session, survey_id, by=SYSTEM).items if found.id == item_id)
        assert item.texts == {**five, "hu": "Melyik iroda?"} and surveys.choice_texts(item, "hu") == [
            "A (hu)", "B (hu)", "C (hu)"] and item.required
    assert 'id="missing-texts"' not in owner_browser.get(base).text
    assert "active" in flash_after(owner_browser.post(f"{base}/activate"), owner_browser)
    # an active survey's questions and a built-in question stay
    fixed = owner_browser.post(f"{base}/items/{item_id}", {**posted, "text_hu": "Más?"})
    assert fixed.status_code == 409 and "Only a draft survey's questions can change" in plain(fixed.text)
    assert f"{base}/items/{item_id}/edit" not in owner_browser.get(base).text
    assert owner_browser.get(f"/quality/surveys/{nps_id}/items/{builtin_id}/edit").status_code == 404
    kept = owner_browser.post(f"/quality/surveys/{nps_id}/items/{builtin_id}", {"text_en": "Would you?"})
    assert kept.status_code == 409 and "The questions of the published questionnaire stay" in plain(kept.text)


# --- typing in an answer from the client's page ------------------------------------------------------

def test_type_in_an_answer_from_the_client_page(owner_browser: Browser, browser_as: Any, runtime: Runtime) -> None:
    client_id = add_client(runtime, name="Szellő Kft.")
    link = f'href="/quality/responses/new?client={client_id}"'
    assert link in owner_browser.get(f"/clients/{client_id}").text
    viewer = browser_as(Role.viewer)
    page = viewer.get(f"/clients/{client_id}")
    assert page.status_code == 200 and 'id="surveys"' in page.text and link not in page.text
    assert link in browser_as(Role.staff).get(f"/clients/{client_id}").text
    # no survey takes answers yet: the page says so
    make_survey(runtime, "Draft", SurveyKind.csat, active=False)
    empty = owner_browser.get(f"/quality/responses/new?client={client_id}")
    assert empty.status_code == 200 and "No survey takes answers yet" in plain(empty.text)
    closed = make_survey(runtime, "Old NPS", SurveyKind.nps)
    with runtime.transaction() as session:
        surveys.close(session, surveys.get(session, closed, by=SYSTEM), by=SYSTEM)
    survey_id = make_survey(runtime, "Quick NPS", SurveyKind.nps)
    chooser = owner_browser.get(f"/quality/responses/new?client={client_id}")
    assert chooser.status_code == 200 and "Szellő Kft." in plain(chooser.text)
    options = re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', chooser.text)
    assert options == [(str(survey_id), "Quick NPS"), (str(closed), "Old NPS")]   # active first, no draft
    assert f'<input type="hidden" name="client" value="{client_id}">' in chooser.text
    assert viewer.get(f"/quality/responses/new?client={client_id}").status_code == 403
    # the chooser's choice: the form with the client filled in
    form = owner_browser.get("/quality/responses/new", params={"client": str(client_id), "survey": str(survey_id)})
    assert form.status_code == 200 and 'value="Szellő Kft."' in form.text
    # a number out of range is told beside the question without its code
    out = owner_browser.post("/quality/responses", {"survey": str(survey_id), "client": "Szellő Kft.", "nps": "11"})
    assert out.status_code == 422 and field_error(out.text, "f-nps") == "Give a whole number from 0 to 10."
    made = owner_browser.post("/quality/responses", {"survey": str(survey_id), "client": "Szellő Kft.", "nps": "9"})
    assert flash_after(made, owner_browser) == "The answers were recorded."
    section = owner_browser.get(f"/clients/{client_id}").text.split('id="surveys"')[1]
    assert "Quick NPS" in plain(section.split("</section>")[0])
