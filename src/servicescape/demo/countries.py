"""Where the demo firm's clients are: cities, languages, currencies, phone and tax-id formats.

Phone numbers follow each country's written format (GB numbers use Ofcom's drama ranges).
E-mail addresses and web sites end in ``.example`` (RFC 2606) so that nothing the product sends
from a demo database can reach a real mailbox.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from servicescape.demo.weighted import Weighted


class Pattern:
    """A format such as ``+60 3-2### ####``: each ``#`` becomes a random digit (one draw)."""

    def __init__(self, pattern: str) -> None:
        self.digits = pattern.count("#")
        self._template = pattern.replace("%", "%%").replace("#", "%s")
        self._bound = 10 ** self.digits

    def fill(self, rng: random.Random) -> str:
        digits = str(int(rng.random() * self._bound)).zfill(self.digits)
        return self._template % tuple(digits)


@dataclass(frozen=True)
class City:
    name: str
    region: str
    weight: int
    landline: Pattern


@dataclass
class Country:
    code: str
    weight: int
    languages: tuple[tuple[str, int], ...]
    currency: str
    utc_offset: int            # hours, for office-hours timestamps
    person_share: float        # private clients among this country's clients
    cities: tuple[City, ...]
    mobiles: tuple[Pattern, ...]
    tax_id: Pattern
    _cities: Weighted[City] = field(init=False, repr=False)
    _languages: Weighted[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._cities = Weighted((city, city.weight) for city in self.cities)
        self._languages = Weighted(self.languages)

    @property
    def domain(self) -> str:
        return f"{self.code.lower()}.example"

    def city(self, rng: random.Random) -> City:
        return self._cities.draw(rng)

    def language(self, rng: random.Random) -> str:
        return self._languages.draw(rng)

    def mobile(self, rng: random.Random) -> str:
        return self.mobiles[int(rng.random() * len(self.mobiles))].fill(rng)


def _cities(*rows: tuple[str, str, int, str]) -> tuple[City, ...]:
    return tuple(City(name, region, weight, Pattern(phone)) for name, region, weight, phone in rows)


def _patterns(*patterns: str) -> tuple[Pattern, ...]:
    return tuple(Pattern(p) for p in patterns)


COUNTRIES: tuple[Country, ...] = (
    Country("MY", 22, (("ms", 6), ("en", 3), ("zh-Hans", 1)), "MYR", 8, 0.15, _cities(
        ("Kuala Lumpur", "W.P. Kuala Lumpur", 30, "+60 3-2### ####"),
        ("Petaling Jaya", "Selangor", 15, "+60 3-7### ####"),
        ("Shah Alam", "Selangor", 10, "+60 3-5### ####"),
        ("George Town", "Pulau Pinang", 12, "+60 4-2## ####"),
        ("Johor Bahru", "Johor", 12, "+60 7-2## ####"),
        ("Ipoh", "Perak", 6, "+60 5-2## ####"),
        ("Melaka", "Melaka", 5, "+60 6-2## ####"),
        ("Kuching", "Sarawak", 5, "+60 82-2## ###"),
        ("Kota Kinabalu", "Sabah", 5, "+60 88-2## ###"),
        ("Kuantan", "Pahang", 4, "+60 9-5## ####"),
    ), _patterns("+60 12-### ####", "+60 13-### ####", "+60 16-### ####", "+60 17-### ####",
                 "+60 19-### ####", "+60 11-#### ####"), Pattern("W10-####-3200####")),
    Country("BG", 14, (("bg", 1),), "EUR", 2, 0.12, _cities(
        ("София", "София-град", 45, "+359 2 9## ####"),
        ("Пловдив", "Пловдив", 15, "+359 32 ### ###"),
        ("Варна", "Варна", 15, "+359 52 ### ###"),
        ("Бургас", "Бургас", 10, "+359 56 ### ###"),
        ("Русе", "Русе", 8, "+359 82 ### ###"),
        ("Стара Загора", "Стара Загора", 7, "+359 42 ### ###"),
    ), _patterns("+359 87 ### ####", "+359 88 ### ####", "+359 89 ### ####", "+359 98 ### ####"),
        Pattern("BG2########")),
    Country("HU", 14, (("hu", 1),), "EUR", 1, 0.12, _cities(
        ("Budapest", "Budapest", 50, "+36 1 ### ####"),
        ("Győr", "Győr-Moson-Sopron", 9, "+36 96 ### ###"),
        ("Debrecen", "Hajdú-Bihar", 9, "+36 52 ### ###"),
        ("Szeged", "Csongrád-Csanád", 8, "+36 62 ### ###"),
        ("Pécs", "Baranya", 7, "+36 72 ### ###"),
        ("Miskolc", "Borsod-Abaúj-Zemplén", 6, "+36 46 ### ###"),
        ("Székesfehérvár", "Fejér", 6, "+36 22 ### ###"),
        ("Kecskemét", "Bács-Kiskun", 5, "+36 76 ### ###"),
    ), _patterns("+36 20 ### ####", "+36 30 ### ####", "+36 70 ### ####"),
        Pattern("1#######-2-##")),
    Country("CN", 13, (("zh-Hans", 1),), "USD", 8, 0.05, _cities(
        ("上海", "上海市", 30, "+86 21 6### ####"),
        ("北京", "北京市", 20, "+86 10 6### ####"),
        ("深圳", "广东省", 15, "+86 755 8### ####"),
        ("广州", "广东省", 10, "+86 20 3### ####"),
        ("杭州", "浙江省", 8, "+86 571 8### ####"),
        ("苏州", "江苏省", 7, "+86 512 6### ####"),
        ("成都", "四川省", 5, "+86 28 8### ####"),
        ("南京", "江苏省", 5, "+86 25 8### ####"),
    ), _patterns("+86 138 #### ####", "+86 139 #### ####", "+86 186 #### ####",
                 "+86 135 #### ####", "+86 159 #### ####"), Pattern("91######MA########")),
    Country("TW", 10, (("zh-Hant", 1),), "USD", 8, 0.08, _cities(
        ("臺北市", "北部", 35, "+886 2 2### ####"),
        ("新北市", "北部", 15, "+886 2 2### ####"),
        ("桃園市", "北部", 10, "+886 3 3## ####"),
        ("新竹市", "北部", 12, "+886 3 5## ####"),
        ("臺中市", "中部", 12, "+886 4 2### ####"),
        ("臺南市", "南部", 7, "+886 6 2## ####"),
        ("高雄市", "南部", 9, "+886 7 3## ####"),
    ), _patterns("+886 9## ### ###"), Pattern("########")),
    Country("HK", 10, (("zh-Hant", 4), ("en", 1)), "USD", 8, 0.10, _cities(
        ("中環", "香港島", 25, "+852 2### ####"),
        ("灣仔", "香港島", 15, "+852 2### ####"),
        ("鰂魚涌", "香港島", 10, "+852 3### ####"),
        ("觀塘", "九龍", 18, "+852 3### ####"),
        ("尖沙咀", "九龍", 12, "+852 2### ####"),
        ("荃灣", "新界", 10, "+852 2### ####"),
        ("沙田", "新界", 10, "+852 2### ####"),
    ), _patterns("+852 9### ####", "+852 6### ####", "+852 5### ####"), Pattern("########")),
    Country("SG", 6, (("en", 1),), "USD", 8, 0.05, _cities(
        ("Singapore", "Central Region", 60, "+65 6### ####"),
        ("Singapore", "East Region", 15, "+65 6### ####"),
        ("Singapore", "West Region", 15, "+65 6### ####"),
        ("Singapore", "North Region", 10, "+65 6### ####"),
    ), _patterns("+65 8### ####", "+65 9### ####"), Pattern("20#######K")),
    Country("DE", 5, (("de", 1),), "EUR", 1, 0.03, _cities(
        ("Berlin", "Berlin", 25, "+49 30 2### ####"),
        ("München", "Bayern", 20, "+49 89 2### ####"),
        ("Hamburg", "Hamburg", 15, "+49 40 3### ####"),
        ("Frankfurt am Main", "Hessen", 15, "+49 69 2### ####"),
        ("Düsseldorf", "Nordrhein-Westfalen", 12, "+49 211 ### ####"),
        ("Stuttgart", "Baden-Württemberg", 13, "+49 711 ### ####"),
    ), _patterns("+49 151 #### ####", "+49 160 #### ####", "+49 172 #### ####",
                 "+49 176 #### ####"), Pattern("DE#########")),
    Country("RO", 4, (("ro", 1),), "EUR", 2, 0.05, _cities(
        ("București", "București", 40, "+40 21 3## ####"),
        ("Cluj-Napoca", "Cluj", 15, "+40 264 ### ###"),
        ("Timișoara", "Timiș", 12, "+40 256 ### ###"),
        ("Iași", "Iași", 11, "+40 232 ### ###"),
        ("Brașov", "Brașov", 11, "+40 268 ### ###"),
        ("Constanța", "Constanța", 11, "+40 241 ### ###"),
    ), _patterns("+40 7## ### ###"), Pattern("RO########")),
    Country("GB", 2, (("en", 1),), "EUR", 0, 0.03, _cities(
        ("London", "Greater London", 45, "+44 20 7946 0###"),
        ("Manchester", "Greater Manchester", 15, "+44 161 496 0###"),
        ("Birmingham", "West Midlands", 15, "+44 121 496 0###"),
        ("Leeds", "West Yorkshire", 12, "+44 113 496 0###"),
        ("Edinburgh", "City of Edinburgh", 13, "+44 131 496 0###"),
    ), _patterns("+44 7700 900###"), Pattern("GB ### #### ##")),
)

BY_CODE = {country.code: country for country in COUNTRIES}
WEIGHTED = Weighted((country, country.weight) for country in COUNTRIES)
