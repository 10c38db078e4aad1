"""Encoding detection on realistic client-name files, and decoding errors with their line."""

from pathlib import Path

import pytest

from servicescape.tabular import TabularError, open_table
from servicescape.tabular.csv_source import BLOCK_BYTES
from servicescape.tabular.encoding import detect_encoding

# Names and cities built from words of the seed texts (tests/data cannot reach /work/shared).
MALAY = [
    ("Perkhidmatan Profesional Keyakinan Sdn Bhd", "Kuala Lumpur"),
    ("Pelanggan Setia Enterprise", "Johor Bahru"),
    ("Kualiti Pelaksanaan Berhad", "Ipoh"),
]
BULGARIAN = [
    ("Маркетингът на услугите ООД", "София"),
    ("Адвокатите Петров и сие", "Пловдив"),
    ("Консултантите по управление ЕООД", "Варна"),
    ("Доставчиците на застраховки АД", "Бургас"),
    ("Изграждане на доверие", "Стара Загора"),
]
HUNGARIAN = [
    ("Ügyfél Értékének Létrehozása Kft.", "Győr"),
    ("Kockázatvállalkozások Bt.", "Pécs"),
    ("Egyszerűsíthető Összetevő Zrt.", "Hódmezővásárhely"),
    ("Hótisztító Szolgáltatás", "Kőszeg"),
    ("Mobiltelefon Előnyei Kft.", "Székesfehérvár"),
]
SIMPLIFIED = [
    ("帷幄咨询", "北京"),
    ("互联网品牌营销", "上海"),
    ("服务营销要素模型", "广州"),
    ("专业服务机构", "深圳"),
    ("数字营销案例", "杭州"),
]
TRADITIONAL = [
    ("營銷的關鍵", "臺北"),
    ("品牌的延伸", "高雄"),
    ("客戶服務策略", "臺中"),
    ("優質的服務", "新竹"),
    ("程家龍老師", "桃園"),
]
WESTERN = [
    ("Müller & Söhne GmbH", "München"),
    ("Café de la Gare", "Genève"),
    ("José Peña y Asociados", "Málaga"),
    ("Conceição Advogados", "São Paulo"),
    ("Brasserie Lefèvre", "Besançon"),
]
CASES = [
    ("bulgarian", BULGARIAN, "cp1251"),
    ("hungarian", HUNGARIAN, "cp1250"),
    ("simplified", SIMPLIFIED, "gb18030"),
    ("traditional", TRADITIONAL, "big5"),
    ("western", WESTERN, "cp1252"),
]


def client_file(rows: list[tuple[str, str]], count: int) -> str:
    lines = ["ID;Name;City"] + [f"{n};{rows[n % len(rows)][0]};{rows[n % len(rows)][1]}" for n in range(count)]
    return "\r\n".join(lines) + "\r\n"


@pytest.mark.parametrize("count", [1, 3, 30])
@pytest.mark.parametrize(("language", "rows", "encoding"), CASES, ids=[c[0] for c in CASES])
def test_client_name_files_are_detected(
    tmp_path: Path, language: str, rows: list[tuple[str, str]], encoding: str, count: int
) -> None:
    text = client_file(rows, count)
    path = tmp_path / f"{language}.csv"
    path.write_bytes(text.encode(encoding))
    with open_table(path) as table:
        assert table.encoding == encoding
        cells = [r.cells for r in table.records]
    assert cells == [[str(n), rows[n % len(rows)][0], rows[n % len(rows)][1]] for n in range(count)]


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Név\r\nŐri Gábor\r\n", "cp1250"),
        ("Név\r\nSZŰCS ÉS TÁRSA\r\n", "cp1250"),
        ("Name\r\nЮли\r\n", "cp1251"),
        ("Име\r\nПЕТРОВ И СИЕ ООД\r\n", "cp1251"),
        ("Name\r\n张伟\r\n", "gb18030"),
        ("Name\r\n陳怡君\r\n", "big5"),
        ("Name\r\nSÃO PAULO\r\n", "cp1252"),
        ("Name\r\nRenée\r\n", "cp1252"),
    ],
)
def test_very_short_files_are_detected(text: str, encoding: str) -> None:
    assert detect_encoding(text.encode(encoding), complete=True).codec == encoding


def test_malay_text_is_ascii_and_reads_as_utf8(tmp_path: Path) -> None:
    path = tmp_path / "malay.csv"
    path.write_bytes(client_file(MALAY, 3).encode("ascii"))
    with open_table(path) as table:
        assert table.encoding == "utf-8"


def test_bytes_cp1252_lacks_fall_back_to_latin1() -> None:
    detected = detect_encoding(b"Name\r\nCaf\xe9 \x90\x98\r\n", complete=True)
    assert detected.codec == "latin_1"


@pytest.mark.parametrize(
    ("prefix", "codec", "name"),
    [
        (b"\xef\xbb\xbf", "utf-8", "utf-8-sig"),
        (b"\xff\xfe", "utf-16-le", "utf-16"),
        (b"\xfe\xff", "utf-16-be", "utf-16"),
    ],
)
def test_a_byte_order_mark_decides(tmp_path: Path, prefix: bytes, codec: str, name: str) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(prefix + "Name\tCity\r\nКовачева\t臺北\r\n".encode(codec))
    with open_table(path) as table:
        assert (table.encoding, table.delimiter, table.headers) == (name, "\t", ["Name", "City"])
        assert [(r.number, r.cells) for r in table.records] == [(2, ["Ковачева", "臺北"])]


def test_utf16_without_a_bom_is_recognised_by_its_zero_bytes(tmp_path: Path) -> None:
    path = tmp_path / "u16.txt"
    path.write_bytes("Name\tCity\r\nSiti\tIpoh\r\n".encode("utf-16-le"))
    with open_table(path) as table:
        assert table.encoding == "utf-16-le"
        assert [r.cells for r in table.records] == [["Siti", "Ipoh"]]


def test_a_utf8_character_cut_by_the_sample_is_still_utf8(tmp_path: Path) -> None:
    filler = BLOCK_BYTES - 1 - len("Name\n")
    head = "Name\n" + ("a" * 99 + "\n") * (filler // 100) + "a" * (filler % 100 - 1) + "\n"
    assert len(head.encode()) == BLOCK_BYTES - 1  # "ő" (2 bytes) straddles the sample's end
    path = tmp_path / "cut.csv"
    path.write_bytes((head + "őrség\n").encode("utf-8"))
    with open_table(path) as table:
        assert table.encoding == "utf-8"
        assert [r.cells[0] for r in table.records][-1] == "őrség"


def test_a_bad_byte_after_the_sample_names_its_line(tmp_path: Path) -> None:
    lines = ["Name,City"] + [f"Client {n},Ipoh" for n in range(80_000)]
    data = ("\n".join(lines) + "\n").encode("ascii") + "Kővári,Győr\n".encode("cp1250")
    assert len(data) > BLOCK_BYTES
    path = tmp_path / "mixed.csv"
    path.write_bytes(data)
    with open_table(path) as table, pytest.raises(TabularError) as caught:
        for _ in table.records:
            pass
    assert str(caught.value) == (
        "mixed.csv line 80002: bytes f5 are not valid utf-8 text; if the file uses another encoding, "
        "name it with --encoding (for example cp1250, cp1251, gb18030, big5 or cp1252)"
    )


def test_an_explicit_encoding_wins(tmp_path: Path) -> None:
    path = tmp_path / "hu.csv"
    path.write_bytes("Név\r\nGyőr\r\n".encode("cp1250"))
    with open_table(path, encoding="cp1252") as table:
        assert (table.encoding, table.headers, [r.cells for r in table.records]) == ("cp1252", ["Név"], [["Gyõr"]])


def test_an_explicit_utf8_skips_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfName\r\nSiti\r\n")
    with open_table(path, encoding="utf-8") as table:
        assert table.headers == ["Name"]


@pytest.mark.parametrize("name", ["klingon", "base64"])
def test_an_unknown_encoding_is_named(name: str) -> None:
    with pytest.raises(TabularError, match=rf"unknown encoding '{name}'"):
        detect_encoding(b"a", complete=True, explicit=name)


@pytest.mark.parametrize(("name", "codec"), [("utf-16", "utf-16-le"), ("utf-32", "utf-32-le"), ("UTF-32", "utf-32-be")])
def test_explicit_unicode_encodings_take_endianness_from_the_bom(tmp_path: Path, name: str, codec: str) -> None:
    path = tmp_path / "wide.txt"
    path.write_bytes(("\ufeffName\tCity\r\nМария\t臺北\r\n").encode(codec))
    with open_table(path, encoding=name) as table:
        assert (table.encoding, table.headers) == (name, ["Name", "City"])
        assert [(r.number, r.cells) for r in table.records] == [(2, ["Мария", "臺北"])]
