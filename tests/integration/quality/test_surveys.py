"""Building surveys and answering them outside a link, on both databases: the built-in
questionnaires, the firm's own questions in six languages, the checks of an answer, the follow-up
tasks of detractors and promoters."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from servicescape.auth.models import Role, Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.clients import service as clients
from servicescape.config import LANGUAGES
from servicescape.errors import Conflict, PermissionDenied, ValidationFailed
from servicescape.quality import answers, surveys
from servicescape.quality.models import ItemKind, SurveyKind, SurveyStatus
from servicescape.runtime import Runtime
from servicescape.tasks.models import Task
from tests.conftest import make_staff


def _client(runtime: Runtime, owner: Staff) -> int:
    with runtime.transaction() as session:
        return clients.clients.create(session, {"name": "Syarikat Bunga Raya Sdn. Bhd.", "language": "ms",
                                                "owner_id": owner.id}, by=SYSTEM).id


def _servqual_values(expected: int = 7, perceived: int = 5, nps: int = 8) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for number in range(1, 23):
        values[f"servqual_{number}_e"], values[f"servqual_{number}_p"] = str(expected), str(perceived)
    values.update({"importance_tangibles": "10", "importance_reliability": "30", "importance_responsiveness": "20",
                   "importance_assurance": "20", "importance_empathy": "20", "nps": str(nps)})
    return values


def test_servqual_has_the_published_items_in_every_language(runtime: Runtime, owner: Staff) -> None:
    with runtime.transaction() as session:
        survey = surveys.create(session, name="Kaji selidik 2026", kind=SurveyKind.servqual, by=owner)
        codes = [item.code for item in survey.items]
        assert codes[:22] == [f"servqual_{n}" for n in range(1, 23)]
        assert [item.dimension for item in survey.items[:22]] == (
            ["tangibles"] * 4 + ["reliability"] * 5 + ["responsiveness"] * 4 + ["assurance"] * 4 + ["empathy"] * 5)
        assert codes[22:] == ["importance_tangibles", "importance_reliability", "importance_responsiveness",
                              "importance_assurance", "importance_empathy", "nps", "nps_why", "comment"]
        english = surveys.item_text(survey.items[4], "en")
        assert english == "When we promise to do something by a certain time, we do so."
        assert surveys.expected_text(survey.items[4], "en").startswith("When excellent firms promise")
        assert surveys.missing_texts(survey) == []
        assert surveys.activate(session, survey, by=owner).status == SurveyStatus.active


def test_own_questions_need_all_six_languages(runtime: Runtime, owner: Staff) -> None:
    with runtime.transaction() as session:
        survey = surveys.create(session, name="Onboarding", kind=SurveyKind.custom, by=owner)
        with pytest.raises(ValidationFailed) as bad:
            surveys.add_item(session, survey, {"kind": "single", "texts": {"en": "Which office?"},
                                               "choices": [{"en": "Kuala Lumpur"}]}, by=owner)
        assert bad.value.field == "choices"
        item = surveys.add_item(session, survey, {"kind": "single", "texts": {"en": "Which office?"},
                                                  "choices": [{"en": "Kuala Lumpur"}, {"en": "Sofia"}]}, by=owner)
        assert item.code == "q1" and item.kind == ItemKind.single
        with pytest.raises(ValidationFailed) as incomplete:
            surveys.activate(session, survey, by=owner)
        assert incomplete.value.field == "texts" and {"item": "q1", "language": "hu"} in incomplete.value.details
        item.texts = {language: f"Which office? ({language})" for language in LANGUAGES}
        item.choices = [{language: name for language in LANGUAGES} for name in ("Kuala Lumpur", "Sofia")]
        surveys.activate(session, survey, by=owner)
        with pytest.raises(Conflict):
            surveys.add_item(session, survey, {"kind": "text", "texts": {"en": "More?"}}, by=owner)


def test_a_complete_answer_and_its_checks(runtime: Runtime, owner: Staff) -> None:
    client_id = _client(runtime, owner)
    settings = runtime.settings
    with runtime.transaction() as session:
        survey = surveys.create(session, name="SERVQUAL", kind=SurveyKind.servqual, by=owner)
        values = _servqual_values()
        del values["servqual_7_p"]
        with pytest.raises(ValidationFailed) as half:
            answers.record_answers(session, settings, survey, client_id, values, by=owner)
        assert half.value.field == "servqual_7_p"
        values = {**_servqual_values(), "servqual_3_e": "8"}
        with pytest.raises(ValidationFailed) as out_of_range:
            answers.record_answers(session, settings, survey, client_id, values, by=owner)
        assert out_of_range.value.field == "servqual_3_e"
        values = {**_servqual_values(), "importance_empathy": "25"}
        with pytest.raises(ValidationFailed) as points:
            answers.record_answers(session, settings, survey, client_id, values, by=owner)
        assert points.value.field == "importance_tangibles" and "105" in points.value.message
        response = answers.record_answers(session, settings, survey, client_id, {**_servqual_values(nps=3),
                                          "nps_why": "Juruteknik tidak datang."}, by=owner)
        assert (response.nps, response.csat, response.comment) == (3, None, "Juruteknik tidak datang.")
        assert len(response.answers) == 22 + 5 + 2
        gap = {a.item_id: (a.expected, a.perceived) for a in response.answers if a.expected is not None}
        assert set(gap.values()) == {(7, 5)}
        task = session.scalar(select(Task).where(Task.related_type == "survey_response",
                                                 Task.related_id == response.id))
        assert task is not None and task.kind == "recovery" and task.owner_id == owner.id
        promoter = answers.record_answers(session, settings, survey, client_id, _servqual_values(nps=10), by=owner)
        ask = session.scalar(select(Task).where(Task.related_id == promoter.id, Task.related_type == "survey_response"))
        assert ask is not None and ask.kind == "word_of_mouth"


def test_csat_and_the_roles(runtime: Runtime, owner: Staff) -> None:
    staff_member, viewer = make_staff(runtime, Role.staff), make_staff(runtime, Role.viewer)
    client_id = _client(runtime, owner)
    with runtime.transaction() as session:
        with pytest.raises(PermissionDenied):
            surveys.create(session, name="CSAT", kind=SurveyKind.csat, by=staff_member)
        survey = surveys.create(session, name="CSAT", kind=SurveyKind.csat, by=owner)
        with pytest.raises(ValidationFailed):
            answers.record_answers(session, runtime.settings, survey, client_id, {"csat": "0"}, by=staff_member)
        response = answers.record_answers(session, runtime.settings, survey, client_id, {"csat": "2"},
                                          by=staff_member)
        assert response.csat == 2
        with pytest.raises(PermissionDenied):
            answers.record_answers(session, runtime.settings, survey, client_id, {"csat": "5"}, by=viewer)
        with pytest.raises(Conflict):
            surveys.delete(session, survey, by=owner)


def test_editing_one_of_our_own_questions(runtime: Runtime, owner: Staff) -> None:
    staff_member, viewer = make_staff(runtime, Role.staff), make_staff(runtime, Role.viewer)
    five = {language: f"Which office? ({language})" for language in LANGUAGES if language != "hu"}
    with runtime.transaction() as session:
        survey = surveys.create(session, name="Onboarding", kind=SurveyKind.custom, by=owner)
        item = surveys.add_item(session, survey, {"kind": "single", "texts": five, "choices": [
            {language: f"Kuala Lumpur ({language})" for language in LANGUAGES},
            {language: f"Sofia ({language})" for language in LANGUAGES}]}, by=owner)
        scale = surveys.add_item(session, survey, {"kind": "scale", "texts": {
            language: f"How easy? ({language})" for language in LANGUAGES}, "scale_min": 1, "scale_max": 5}, by=owner)
        assert surveys.missing_texts(survey) == [("q1", "hu")]
        for someone in (staff_member, viewer):
            with pytest.raises(PermissionDenied):
                surveys.update_item(session, survey, item.id, {"texts": {**five, "hu": "Melyik iroda?"}}, by=someone)
        # bad input names its field and changes nothing
        for data, field in (({"texts": {"en": " ", "hu": ""}}, "texts"), ({"texts": {"fr": "Quel bureau ?"}}, "texts"),
                            ({"choices": [{"en": "Kuala Lumpur"}]}, "choices"), ({"kind": "text"}, "kind"),
                            ({"texts": {**five, "hu": "Melyik iroda?"}, "choices": [{"en": "A"}] * 21}, "choices")):
            with pytest.raises(ValidationFailed) as bad:
                surveys.update_item(session, survey, item.id, data, by=owner)
            assert bad.value.field == field, data
        assert item.texts == five and len(item.choices or []) == 2
        with pytest.raises(ValidationFailed) as bounds:
            surveys.update_item(session, survey, scale.id, {"scale_min": 6}, by=owner)   # above the kept 5
        assert bounds.value.field == "scale_max" and (scale.scale_min, scale.scale_max) == (1, 5)
        with pytest.raises(ValidationFailed) as no_choices:
            surveys.update_item(session, survey, scale.id, {"choices": [{"en": "A"}, {"en": "B"}]}, by=owner)
        assert no_choices.value.field == "choices"
        assert surveys.update_item(session, survey, scale.id, {"scale_max": 7, "required": False}, by=owner) is scale
        assert (scale.scale_min, scale.scale_max, scale.required) == (1, 7, False)
        # the missing Hungarian text filled in, the others as they were; a third choice added
        three = [*(item.choices or []), {language: f"Budapest ({language})" for language in LANGUAGES}]
        surveys.update_item(session, survey, item.id, {"texts": {**five, "hu": "Melyik iroda?"}, "choices": three},
                            by=owner)
        survey_id, item_id = survey.id, item.id
    with runtime.transaction() as session:
        survey = surveys.get(session, survey_id, by=owner)
        item = next(found for found in survey.items if found.id == item_id)
        assert item.texts == {**five, "hu": "Melyik iroda?"} and item.code == "q1" and item.kind == ItemKind.single
        assert surveys.choice_texts(item, "hu") == ["Kuala Lumpur (hu)", "Sofia (hu)", "Budapest (hu)"]
        # an empty language removes it: missing again
        surveys.update_item(session, survey, item.id, {"texts": {**five, "hu": "", "bg": ""}}, by=owner)
        assert surveys.missing_texts(survey) == [("q1", "bg"), ("q1", "hu")]
        surveys.update_item(session, survey, item.id, {"texts": {**five, "hu": "Melyik iroda?"}}, by=owner)
        assert surveys.missing_texts(survey) == []
        assert surveys.activate(session, survey, by=owner).status == SurveyStatus.active
        with pytest.raises(Conflict):     # an active survey's questions are fixed
            surveys.update_item(session, survey, item.id, {"required": False}, by=owner)
        assert item.required is True
        builtin = surveys.create(session, name="NPS", kind=SurveyKind.nps, by=owner)
        with pytest.raises(Conflict) as built_in:
            surveys.update_item(session, builtin, builtin.items[0].id, {"texts": {"en": "Would you?"}}, by=owner)
        assert built_in.value.field == "item" and builtin.items[0].texts is None
