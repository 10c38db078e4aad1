"""Name pools: people as they are written in each country, plus ASCII forms for addresses.

Every pool is built once at import; drawing a name costs a few ``random`` calls and one format.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Sequence

from servicescape.demo.weighted import Weighted

INDUSTRIES = (
    "Property management", "Manufacturing", "Logistics", "Healthcare", "Hospitality", "Retail",
    "Data centres", "Education", "Food processing", "Pharmaceuticals",
)
SEGMENTS = {
    "Property management": "Commercial property", "Retail": "Commercial property",
    "Manufacturing": "Industrial", "Logistics": "Industrial", "Food processing": "Industrial",
    "Pharmaceuticals": "Industrial", "Healthcare": "Critical facilities",
    "Data centres": "Critical facilities", "Hospitality": "Hospitality & education",
    "Education": "Hospitality & education",
}
PRIVATE_SEGMENT = "Private clients"

_BG_LATIN = dict(zip(
    "абвгдежзийклмнопрстуфхцчшщъьюя",
    ["a", "b", "v", "g", "d", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s",
     "t", "u", "f", "h", "ts", "ch", "sh", "sht", "a", "y", "yu", "ya"], strict=True,
))
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def ascii_slug(text: str, *, german: bool = False) -> str:
    """Lower-case ASCII letters and digits only: Bulgarian is transliterated, accents dropped
    (German umlauts become ae/oe/ue when ``german``)."""
    text = text.lower().translate(_GERMAN) if german else text.lower()
    text = "".join(_BG_LATIN.get(c, c) for c in text)
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if c.isascii() and c.isalnum())


# --- people -----------------------------------------------------------------------------------

Person = tuple[str, str]  # (name as written, ASCII e-mail local part)


def _western(given: Sequence[str], family: Sequence[str], *, family_first: bool = False,
             german: bool = False) -> list[Person]:
    people = []
    for g in given:
        for f in family:
            name = f"{f} {g}" if family_first else f"{g} {f}"
            people.append((name, f"{ascii_slug(g, german=german)}.{ascii_slug(f, german=german)}"))
    return people


def _bulgarian() -> list[Person]:
    male = ("Георги", "Иван", "Димитър", "Николай", "Петър", "Стоян", "Христо", "Васил", "Тодор",
            "Александър", "Калоян", "Мартин")
    female = ("Мария", "Елена", "Десислава", "Гергана", "Йорданка", "Ивана", "Радостина",
              "Теодора", "Виолета", "Милена", "Цветелина", "Невена")
    family = ("Иванов", "Петров", "Димитров", "Георгиев", "Николов", "Стоянов", "Христов",
              "Тодоров", "Василев", "Колев", "Ангелов", "Атанасов", "Илиев", "Маринов")
    return _western(male, family) + _western(female, [f + "а" for f in family])


def _han(family: Sequence[tuple[str, str]], given: Sequence[tuple[str, str]]) -> list[Person]:
    return [(f + g, f"{g_latin}.{f_latin}") for f, f_latin in family for g, g_latin in given]


def _malay() -> list[Person]:
    male = ("Ahmad Faizal", "Muhammad Amir", "Mohd Azlan", "Syafiq", "Hakim", "Zulkifli",
            "Khairul Anuar", "Faris", "Ikhwan", "Rizal", "Hafiz", "Iskandar")
    female = ("Nurul Aina", "Siti Aminah", "Nur Syafiqah", "Farah", "Aida", "Noraini", "Zarina",
              "Hidayah", "Aisyah", "Liyana", "Salmah", "Nadia")
    fathers = ("Yusof", "Hassan", "Ismail", "Abdullah", "Rahman", "Osman", "Ibrahim", "Ahmad",
               "Zakaria", "Hamzah", "Salleh", "Kassim")
    people = [(f"{g} bin {f}", f"{ascii_slug(g)}.{ascii_slug(f)}") for g in male for f in fathers]
    return people + [(f"{g} binti {f}", f"{ascii_slug(g)}.{ascii_slug(f)}")
                     for g in female for f in fathers]


def _malaysian_chinese() -> list[Person]:
    family = ("Tan", "Lim", "Lee", "Wong", "Ng", "Ong", "Chong", "Teh", "Goh", "Chan", "Yap", "Khoo")
    given = ("Wei Ming", "Siew Ling", "Kah Wai", "Mei Ling", "Chee Keong", "Hui Min", "Jun Hao",
             "Pei Shan", "Boon Huat", "Li Ying", "Kok Leong", "Xin Yi")
    return [(f"{f} {g}", f"{ascii_slug(g)}.{ascii_slug(f)}") for f in family for g in given]


def _malaysian_indian() -> list[Person]:
    male = ("Suresh", "Ganesh", "Rajesh", "Kumar", "Arjun", "Vikram", "Prakash", "Dinesh")
    female = ("Kavitha", "Priya", "Deepa", "Shanti", "Anitha", "Meena", "Revathi", "Lakshmi")
    fathers = ("Ramasamy", "Muthu", "Subramaniam", "Krishnan", "Raju", "Govindasamy", "Nair")
    people = [(f"{g} a/l {f}", f"{ascii_slug(g)}.{ascii_slug(f)}") for g in male for f in fathers]
    return people + [(f"{g} a/p {f}", f"{ascii_slug(g)}.{ascii_slug(f)}")
                     for g in female for f in fathers]


_CN_FAMILY = (("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"),
              ("杨", "yang"), ("赵", "zhao"), ("黄", "huang"), ("周", "zhou"), ("吴", "wu"),
              ("徐", "xu"), ("孙", "sun"), ("胡", "hu"), ("郭", "guo"))
_CN_GIVEN = (("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"),
             ("磊", "lei"), ("洋", "yang"), ("艳", "yan"), ("勇", "yong"), ("杰", "jie"),
             ("婷", "ting"), ("浩然", "haoran"), ("子涵", "zihan"), ("晓东", "xiaodong"),
             ("建华", "jianhua"), ("丽华", "lihua"), ("志强", "zhiqiang"), ("雨桐", "yutong"))
_TW_FAMILY = (("陳", "chen"), ("林", "lin"), ("黃", "huang"), ("張", "chang"), ("李", "lee"),
              ("王", "wang"), ("吳", "wu"), ("劉", "liu"), ("蔡", "tsai"), ("楊", "yang"),
              ("許", "hsu"), ("鄭", "cheng"))
_TW_GIVEN = (("怡君", "yichun"), ("志明", "chihming"), ("雅婷", "yating"), ("俊傑", "chunchieh"),
             ("淑芬", "shufen"), ("建宏", "chienhung"), ("美玲", "meiling"), ("家豪", "chiahao"),
             ("宗翰", "tsunghan"), ("佩珊", "peishan"), ("冠廷", "kuanting"), ("欣怡", "hsinyi"))
_HK_FAMILY = (("陳", "chan"), ("李", "lee"), ("張", "cheung"), ("黃", "wong"), ("梁", "leung"),
              ("何", "ho"), ("林", "lam"), ("吳", "ng"), ("劉", "lau"), ("鄭", "cheng"),
              ("周", "chow"), ("楊", "yeung"))
_HK_GIVEN = (("嘉欣", "kayan"), ("志明", "chiming"), ("家豪", "kaho"), ("詠詩", "wingsze"),
             ("偉強", "waikeung"), ("美儀", "meiyi"), ("俊傑", "chunkit"), ("凱琳", "hoilam"),
             ("子軒", "tszhin"), ("穎欣", "wingyan"), ("振華", "chunwah"), ("慧敏", "waiman"))

_HU_FAMILY = ("Nagy", "Kovács", "Tóth", "Szabó", "Horváth", "Varga", "Kiss", "Molnár", "Németh",
              "Farkas", "Balogh", "Papp", "Takács", "Juhász", "Mészáros", "Szűcs", "Bíró",
              "Fekete", "Pintér", "Győri")
_HU_GIVEN = ("Bence", "Gergő", "Zoltán", "László", "Péter", "Dániel", "Balázs", "Levente", "Ödön",
             "Gábor", "Tamás", "Csaba", "Eszter", "Zsófia", "Réka", "Anna", "Ildikó", "Katalin",
             "Orsolya", "Dóra", "Tünde", "Erzsébet", "Boglárka", "Nóra", "Kinga", "Győző")
_GB = _western(("Oliver", "James", "Charlotte", "Amelia", "Harry", "Emily", "George", "Sophie",
                "Thomas", "Grace", "William", "Hannah"),
               ("Hughes", "Walker", "Patel", "Wright", "Thompson", "Evans", "Roberts", "Clarke",
                "Khan", "Wood", "Turner", "Hall"))
_DE = _western(("Jonas", "Lukas", "Felix", "Maximilian", "Anna", "Lena", "Sophie", "Katharina",
                "Jürgen", "Jörg", "Sabine", "Birgit"),
               ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
                "Schäfer", "Koch", "Krüger", "Groß"), german=True)
_RO = _western(("Andrei", "Mihai", "Ștefan", "Alexandru", "Ionuț", "Cristian", "Ioana", "Elena",
                "Maria", "Andreea", "Cristina", "Raluca"),
               ("Popescu", "Ionescu", "Dumitrescu", "Stan", "Constantinescu", "Georgescu", "Popa",
                "Munteanu", "Stoica", "Rusu", "Matei", "Ciobanu"))


class PeoplePool:
    """Draws people from weighted groups (e.g. Malay, Chinese and Indian names in Malaysia)."""

    def __init__(self, groups: Sequence[tuple[list[Person], int]]) -> None:
        self._groups = Weighted((tuple(people), weight) for people, weight in groups)

    def draw(self, rng: random.Random) -> Person:
        group = self._groups.draw(rng)
        return group[int(rng.random() * len(group))]


_MALAY, _MY_CHINESE, _MY_INDIAN = _malay(), _malaysian_chinese(), _malaysian_indian()
PEOPLE: dict[str, PeoplePool] = {
    "MY": PeoplePool([(_MALAY, 55), (_MY_CHINESE, 30), (_MY_INDIAN, 15)]),
    "SG": PeoplePool([(_MY_CHINESE, 70), (_MALAY, 15), (_MY_INDIAN, 15)]),
    "BG": PeoplePool([(_bulgarian(), 1)]),
    "CN": PeoplePool([(_han(_CN_FAMILY, _CN_GIVEN), 1)]),
    "TW": PeoplePool([(_han(_TW_FAMILY, _TW_GIVEN), 1)]),
    "HK": PeoplePool([(_han(_HK_FAMILY, _HK_GIVEN), 1)]),
    "HU": PeoplePool([(_western(_HU_GIVEN, _HU_FAMILY, family_first=True), 1)]),
    "GB": PeoplePool([(_GB, 1)]),
    "DE": PeoplePool([(_DE, 1)]),
    "RO": PeoplePool([(_RO, 1)]),
}
