"""Sort and search keys of client names (servicescape.clients.name_keys), without a database."""

from hypothesis import given
from hypothesis import strategies as st

from servicescape.clients import name_keys
from servicescape.clients.listing import _successor

#: Latin, Greek and Cyrillic names with CJK ones (scripts that reorder letters, such as Thai's vowels
#: written first, can make a one- or two-letter beginning miss: the short search accepts that)
NAMES = st.text(st.one_of(st.characters(whitelist_categories=("Lu", "Ll", "Nd", "Zs", "Po"), max_codepoint=0x4FF),
                          st.sampled_from("台北設計股份有限公司永昌百貨")), min_size=1, max_size=30)


def test_folding_drops_case_and_accents_in_every_script() -> None:
    assert name_keys.fold("Árvíztűrő TÜKÖRFÚRÓGÉP") == "arvizturo tukorfurogep"
    assert name_keys.fold("Σταύρος") == "σταυροσ"  # case-folded: final sigma as sigma
    assert name_keys.fold("Straße") == "strasse"
    assert name_keys.fold("台北設計") == "台北設計"


def test_search_text_holds_each_searched_field_on_its_own_line() -> None:
    text = name_keys.search_text({"name": "Kovács Kft.", "email": "Iroda@Kovacs.example", "city": None,
                                  "external_id": "HU-1", "phone": "+36 1"})
    assert text.split("\n") == ["kovacs kft.", "iroda@kovacs.example", "hu-1"]


def test_sort_keys_follow_the_language() -> None:
    names = ["Czuczor", "Csaba", "Ábel", "Abel", "Öböl", "Ozora"]
    assert sorted(names, key=lambda n: name_keys.sort_key(n, "hu")) == ["Abel", "Ábel", "Czuczor", "Csaba",
                                                                        "Ozora", "Öböl"]
    assert sorted(names, key=name_keys.sort_key) == ["Abel", "Ábel", "Csaba", "Czuczor", "Öböl", "Ozora"]
    assert sorted(["张三", "阿明", "李四"], key=lambda n: name_keys.sort_key(n, "zh-Hans")) == ["阿明", "李四", "张三"]


@given(name=NAMES, cut=st.integers(min_value=1, max_value=30))
def test_a_names_key_begins_with_the_first_level_key_of_its_beginning(name: str, cut: int) -> None:
    """What the list's one- and two-letter search relies on (a range of the name index)."""
    beginning = name[:cut]
    prefix = name_keys.primary_prefix(beginning)
    key = name_keys.sort_key(name)
    end = _successor(prefix)
    assert prefix <= key and (end is None or key < end)


def test_the_successor_of_a_prefix_bounds_everything_that_begins_with_it() -> None:
    assert _successor(b"\x2b\x2d") == b"\x2b\x2e"
    assert _successor(b"\x2b\xff") == b"\x2c"
    assert _successor(b"\xff\xff") is None
