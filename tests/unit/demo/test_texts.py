"""Names, addresses and notes are written the way each country writes them."""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict

import pytest

from servicescape.demo import companies, countries, names, phrases
from servicescape.demo.roster import Row
from servicescape.demo.weighted import Weighted

CYRILLIC = re.compile(r"[\u0400-\u04ff]")
HAN = re.compile(r"[\u4e00-\u9fff]")
SIMPLIFIED_ONLY = set("与时场电会后务对经质这们为报")
TRADITIONAL_ONLY = set("與時場電會後務對經質這們為報")

PHONES = {  # landline or mobile, as written in the country
    "MY": r"\+60 \d{1,2}-\d{3,4} \d{3,4}",
    "BG": r"\+359 \d{1,2} \d{3} \d{3,4}",
    "HU": r"\+36 \d{1,2} \d{3} \d{3,4}",
    "CN": r"\+86 \d{2,3} \d{4} \d{4}",
    "TW": r"\+886 (\d \d{3,4} \d{4}|9\d\d \d{3} \d{3})",
    "HK": r"\+852 [2-9]\d{3} \d{4}",
    "SG": r"\+65 [689]\d{3} \d{4}",
    "DE": r"\+49 \d{2,3} \d{3,4} \d{4}",
    "RO": r"\+40 \d{2,3} \d{3} \d{3,4}",
    "GB": r"\+44 (20 7946 0\d{3}|1\d\d 496 0\d{3}|7700 900\d{3})",
}


def test_clients_come_from_the_firms_countries_in_their_own_scripts(book: dict[str, list[Row]]) -> None:
    by_country: defaultdict[str, list[Row]] = defaultdict(list)
    for client in book["client"]:
        by_country[client["country"]].append(client)
    assert {"MY", "BG", "CN", "TW", "HK", "HU"} <= set(by_country)
    assert len(set(by_country) - {"MY", "BG", "CN", "TW", "HK", "HU"}) >= 3
    organisations = {cc: [c["name"] for c in rows if c["kind"] == "organisation"]
                     for cc, rows in by_country.items()}
    assert any(n.endswith("Sdn. Bhd.") for n in organisations["MY"])
    assert any(n.startswith("Syarikat ") for n in organisations["MY"])
    assert all(CYRILLIC.search(n) and n.endswith(("ООД", "ЕООД", "АД")) for n in organisations["BG"])
    assert all(n.endswith("有限公司") and not set(n) & TRADITIONAL_ONLY for n in organisations["CN"])
    assert any(n.endswith("股份有限公司") for n in organisations["TW"])
    assert all(HAN.search(n) and not set(n) & SIMPLIFIED_ONLY for n in organisations["TW"] + organisations["HK"])
    assert all(n.endswith(("Kft.", "Zrt.", "Bt.", "Nyrt.")) for n in organisations["HU"])
    assert any("ő" in n or "Ő" in n for n in organisations["HU"])
    assert any("ű" in n for n in organisations["HU"])
    people = [c for c in book["client"] if c["kind"] == "person"]
    assert people and all(c["segment"] == "Private clients" and c["industry"] is None for c in people)
    assert any(CYRILLIC.search(c["name"]) for c in people) and any(HAN.search(c["name"]) for c in people)


def test_contact_details_follow_national_formats(book: dict[str, list[Row]]) -> None:
    for client in book["client"]:
        assert re.fullmatch(PHONES[client["country"]], client["phone"]), client["phone"]
        assert client["email"].isascii() and client["email"].endswith(".example")
        if client["kind"] == "organisation":
            assert client["website"].startswith("https://www.") and client["website"].endswith(".example")
            assert client["custom_fields"]["VAT number"] and client["custom_fields"]["Sites"] >= 1
        assert set(client["custom_fields"]) >= {"Referral source", "Client since"}
    external = [c["external_id"] for c in book["client"]] + [c["external_id"] for c in book["contact"]]
    assert len(set(external)) == len(external)
    for contact in book["contact"]:
        assert contact["email"].isascii() and re.fullmatch(r"[a-z]+\.[a-z]+@[a-z0-9.-]+\.example", contact["email"])
    hungarian = [c for c in book["client"] if c["country"] == "HU" and c["kind"] == "organisation"]
    assert all(re.fullmatch(r"1\d{7}-2-\d\d", c["custom_fields"]["VAT number"]) for c in hungarian)


def test_notes_are_in_the_clients_language(book: dict[str, list[Row]]) -> None:
    language = {c["id"]: c["language"] for c in book["client"]}
    seen: Counter[str] = Counter()
    for note in book["interaction"]:
        lang, summary = language[note["client_id"]], note["summary"]
        seen[lang] += 1
        assert summary in phrases.SUMMARIES[(lang, note["channel"], "positive")] + \
            phrases.SUMMARIES[(lang, note["channel"], "neutral")] + \
            phrases.SUMMARIES[(lang, note["channel"], "negative")]
        if lang == "bg":
            assert CYRILLIC.search(summary)
        if lang == "zh-Hans":
            assert HAN.search(summary) and not set(summary) & TRADITIONAL_ONLY
        if lang == "zh-Hant":
            assert HAN.search(summary) and not set(summary) & SIMPLIFIED_ONLY
    assert {"ms", "bg", "zh-Hans", "zh-Hant", "hu", "en"} <= set(seen)
    themes = " ".join(note["summary"] for note in book["interaction"])
    assert "2–5 pm" in themes or "2–5 petang" in themes or "2:00-5:00" in themes


@pytest.mark.parametrize("language", sorted(phrases.TEXTS))
def test_every_language_has_the_same_set_of_notes(language: str) -> None:
    english, texts = phrases.TEXTS["en"], phrases.TEXTS[language]
    assert set(texts.openers) == set(phrases.CHANNELS)
    for part in ("positive", "neutral", "negative", "job_titles", "sites"):
        assert len(getattr(texts, part)) == len(getattr(english, part)), part
    if language.startswith("zh"):
        other = TRADITIONAL_ONLY if language == "zh-Hans" else SIMPLIFIED_ONLY
        text = "".join(texts.positive + texts.neutral + texts.negative + texts.job_titles)
        assert not set(text) & other and "," not in text


def test_ascii_slugs_for_addresses() -> None:
    assert names.ascii_slug("Витоша Строй") == "vitoshastroy"
    assert names.ascii_slug("Щастие Юг") == "shtastieyug"
    assert names.ascii_slug("Szőlőhegy Tűzkő") == "szolohegytuzko"
    assert names.ascii_slug("Mureș Țară") == "murestara"
    assert names.ascii_slug("Müller Groß", german=True) == "muellergross"


def test_phone_patterns_fill_every_digit() -> None:
    rng = random.Random(3)
    pattern = countries.Pattern("+60 3-2### ####")
    numbers = {pattern.fill(rng) for _ in range(200)}
    assert all(re.fullmatch(r"\+60 3-2\d{3} \d{4}", n) for n in numbers) and len(numbers) > 190
    for country in countries.COUNTRIES:
        for city in country.cities:
            assert re.fullmatch(PHONES[country.code], city.landline.fill(rng)), city.name
        assert re.fullmatch(PHONES[country.code], country.mobile(rng)), country.code


def test_weighted_draws_follow_their_weights() -> None:
    rng = random.Random(5)
    weighted = Weighted([("a", 30), ("b", 60), ("c", 0), ("d", 10)])
    counts = Counter(weighted.draw(rng) for _ in range(20_000))
    assert set(counts) == {"a", "b", "d"} and len(weighted) == 10
    assert abs(counts["b"] / 20_000 - 0.6) < 0.02 and abs(counts["d"] / 20_000 - 0.1) < 0.01
    with pytest.raises(ValueError):
        Weighted([("x", 0)])


def test_organisation_names_and_domains_do_not_repeat_in_a_demo_of_this_size(book: dict[str, list[Row]]) -> None:
    organisations = [c for c in book["client"] if c["kind"] == "organisation"]
    assert len({c["name"] for c in organisations}) == len(organisations)
    assert len({c["website"] for c in organisations}) == len(organisations)
    plain = [c for c in organisations if c["country"] == "HU"]
    assert not any("-Invest" in c["name"] or "Hungária" in c["name"] for c in plain)


@pytest.mark.parametrize("size", [1, 2, 3, 10, 199, 1670])
def test_company_combinations_are_a_shuffle_without_repeats(size: int) -> None:
    for key in (0, 7, 2**32 - 1):
        shuffled = [companies.shuffled_index(n, size, key) for n in range(size)]
        assert sorted(shuffled) == list(range(size))
    namer = companies.COMPANIES["BG"]
    firsts = {namer.combination(n, 42) for n in range(namer.plain)}
    assert len(firsts) == namer.plain and all(brand < 30 for brand, _ in firsts)
    assert namer.combination(namer.size, 42) == namer.combination(0, 42)
