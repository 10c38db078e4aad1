import pytest

from servicescape import i18n


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("zh-TW,zh;q=0.9", "zh-Hant"),
        ("zh-HK", "zh-Hant"),
        ("zh-CN,en;q=0.5", "zh-Hans"),
        ("hu-HU,hu;q=0.9,en;q=0.8", "hu"),
        ("fr-FR,bg;q=0.8", "bg"),
        ("ms", "ms"),
        ("fr-FR", None),
        ("", None),
        ("en;q=0.1,bg;q=0.9", "bg"),
        ("en;q=abc,hu", "hu"),
    ],
)
def test_accept_language_negotiation(header: str, expected: str | None) -> None:
    assert i18n.negotiate(header) == expected


def test_placeholders_are_filled_after_translation() -> None:
    i18n.activate("en")
    assert i18n._("%(entity)s %(id)s does not exist.", entity="Client", id=7) == "Client 7 does not exist."


def test_every_extracted_message_is_translated_in_every_language() -> None:
    gaps = i18n.missing()
    assert gaps == {}, {lang: msgs[:5] for lang, msgs in gaps.items()}


def test_compiled_catalogs_match_their_sources(tmp_path, monkeypatch) -> None:
    """The .mo files shipped in the wheel are exactly what the .po files compile to."""
    from io import BytesIO

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for locale in i18n.LOCALES.values():
        po = i18n.LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        buffer = BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        compiled = po.with_suffix(".mo").read_bytes()
        assert compiled == buffer.getvalue(), f"{locale}: run `python -m servicescape.i18n compile`"


@pytest.mark.parametrize("language", ["ms", "bg", "zh-Hans", "zh-Hant", "hu"])
def test_a_known_message_is_translated(language: str) -> None:
    i18n.activate(language)
    try:
        assert i18n._("Client book") != "Client book"
    finally:
        i18n.activate("en")
