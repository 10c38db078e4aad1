"""The pure rules of what the firm knows and plans: finding a competitor's name in a text (whole
words in scripts with spaces, anywhere in scripts without), the excerpt around it, an importance
split made whole, decision criteria's weights, and targets as people read them."""

from __future__ import annotations

import pytest

from servicescape.analytics.labels import Numbers
from servicescape.errors import ValidationFailed
from servicescape.plan import measures
from servicescape.plan.knowledge import check_criteria, whole_points
from servicescape.plan.mentions import Matcher, excerpt
from servicescape.plan.plan_pages import target_text

MATCHER = Matcher([(1, "CoolTech Services"), (2, "冷氣專家"), (3, "Apex"), (4, "Apex Partners"),
                   (5, "Budget Aircon Co."), (6, "Стоянов"), (7, "   ")])


@pytest.mark.parametrize(("text", "found"), [
    ("We met cooltech  services today.", {1: (7, 25)}),                  # any case, any spaces between words
    ("客户说CoolTech Services的报价低15%", {1: (3, 20)}),                    # a Latin name inside Chinese
    ("CoolTech Servicesx and CoolTechServices", {}),                     # not a part of a longer word
    ("Apexia is another firm.", {}),
    ("apex partners quoted, and so did Apex.", {4: (0, 13), 3: (33, 37)}),  # the longest name at a place
    ("我們找了冷氣專家報價", {2: (4, 8)}),                                    # Chinese: anywhere in the text
    ("Budget Aircon Co. is cheaper; Budget Aircon Co.uk is not a name.", {5: (0, 17)}),
    ("Говорихме със Стоянов ЕООД.", {6: (14, 21)}),
    ("", {}),
])
def test_names_are_found_as_words_or_anywhere_in_unspaced_scripts(text: str, found: dict[int, tuple[int, int]]) -> None:
    assert MATCHER.find(text) == found


def test_a_matcher_without_names_finds_nothing() -> None:
    assert Matcher([]).find("CoolTech Services") == {}


def test_the_excerpt_is_whole_words_around_the_name_and_at_most_400_characters() -> None:
    text = "word " * 100 + "CoolTech" + " more" * 200
    found = excerpt(text, 500, 508)
    assert found.startswith("…word") and found.endswith("…") and len(found) <= 400
    assert "CoolTech" in found and " wo " not in found
    assert excerpt("Short note on  CoolTech.", 15, 23) == "Short note on CoolTech."
    assert len(excerpt("客" * 500 + "冷氣專家" + "户" * 500, 500, 504)) == 400


def test_an_importance_split_is_made_whole_numbers_adding_up_to_100() -> None:
    assert whole_points({"tangibles": 10, "reliability": 35, "responsiveness": 25, "assurance": 20,
                         "empathy": 10}) == {"tangibles": 10, "reliability": 35, "responsiveness": 25,
                                             "assurance": 20, "empathy": 10}
    # an imported split of 3 points each: 20 each
    assert set(whole_points(dict.fromkeys(("tangibles", "reliability", "responsiveness", "assurance", "empathy"),
                                          3)).values()) == {20}
    odd = whole_points({"tangibles": 1, "reliability": 1, "responsiveness": 1, "assurance": 0, "empathy": 0})
    assert sum(odd.values()) == 100 and odd["assurance"] == 0 and sorted(odd.values())[-3:] == [33, 33, 34]
    assert whole_points({}) == {}


@pytest.mark.parametrize(("criteria", "problem"), [
    ([{"name": "Price", "weight": 60}, {"name": "Speed", "weight": 30}], "add up to 90"),
    ([{"name": "Price", "weight": 101}], "whole number from 0 to 100"),
    ([{"name": "Price", "weight": -1}, {"name": "Speed", "weight": 101}], "whole number from 0 to 100"),
    ([{"name": "Price", "weight": 50}, {"name": "price", "weight": 50}], "named twice"),
    ([{"name": " ", "weight": 100}], "needs a name"),
    ([{"name": "Price", "weight": True}], "whole number"),
])
def test_criteria_weights_must_add_up_to_100(criteria: list[dict[str, object]], problem: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_criteria(criteria)
    assert refused.value.field == "criteria" and problem in refused.value.message


def test_criteria_that_add_up_are_kept_in_order() -> None:
    found = check_criteria([{"name": "Price", "weight": 70}, {"name": " Speed ", "weight": 30}])
    assert [(c.name, c.weight, c.position) for c in found] == [("Price", 70, 0), ("Speed", 30, 1)]
    assert check_criteria([]) == []


def test_the_measures_catalogue() -> None:
    keys = {m.key for m in measures.MEASURES}
    assert {"promises_kept_on_time", "nps", "cadence_adherence", "complaint_response_on_time",
            "survey_response_rate", "key_accounts_reviewed", "needs_recorded", "message_adoption", "realisation",
            "frontline_recoveries", "servqual_gap"} <= keys
    nps = measures.BY_KEY["nps"]
    assert nps.within(-100) and nps.within(40) and not nps.within(101)
    assert measures.met(">=", 95, 96) is True and measures.met(">=", 95, 94.9) is False
    assert measures.met("<=", 5, 4) is True and measures.met(">=", 95, None) is None


def test_targets_read_as_people_write_them() -> None:
    figures = Numbers("en")
    assert target_text(">=", 95, measures.BY_KEY["promises_kept_on_time"], figures) == "≥ 95%"
    assert target_text(">=", 40, measures.BY_KEY["nps"], figures) == "≥ 40"
    assert target_text("<=", -0.5, measures.BY_KEY["servqual_gap"], figures) == "≤ -0.5"
    assert target_text(">=", 92.5, measures.BY_KEY["realisation"], Numbers("hu")).startswith("≥ 92,5")
