"""Name pools: people and companies as they are written in each country, plus ASCII forms.

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


# --- companies --------------------------------------------------------------------------------

Word = tuple[str, str]  # (as written, ASCII slug)


def _words(*pairs: str) -> tuple[Word, ...]:
    """Pairs given as 'native|slug' (or just 'native' when the slug is its ASCII form)."""
    out = []
    for pair in pairs:
        native, _, slug = pair.partition("|")
        out.append((native, slug or ascii_slug(native)))
    return tuple(out)


class CompanyNamer:
    """Company names: a stem, the industry's word in the local language and a legal suffix."""

    def __init__(self, stems: tuple[Word, ...], industry_words: tuple[Word, ...],
                 formats: Sequence[tuple[str, int]], large_formats: Sequence[tuple[str, int]]) -> None:
        assert len(industry_words) == len(INDUSTRIES)
        self.stems, self.industry_words = stems, industry_words
        self._formats = Weighted(formats)
        self._large = Weighted(large_formats)

    def draw(self, rng: random.Random, industry: int, *, large: bool, city: str) -> tuple[str, str]:
        stem, stem_slug = self.stems[int(rng.random() * len(self.stems))]
        word, word_slug = self.industry_words[industry]
        fmt = (self._large if large else self._formats).draw(rng)
        name = fmt.format(stem=stem, industry=word, city=city)
        return name, f"{stem_slug}-{word_slug}"


COMPANIES: dict[str, CompanyNamer] = {
    "MY": CompanyNamer(
        _words("Cahaya", "Bintang Timur", "Mutiara", "Teguh Jaya", "Sinar Harapan", "Permata",
               "Setia Murni", "Makmur", "Gemilang", "Seri Kenanga", "Delima", "Intan Baiduri",
               "Tanjung Emas", "Bayu Hijau", "Puncak Wawasan", "Sri Damai", "Warisan Jaya"),
        _words("Pengurusan Hartanah|hartanah", "Perindustrian|industri", "Logistik",
               "Perubatan|medik", "Hospitaliti", "Peruncitan|runcit", "Pusat Data|data",
               "Pendidikan|edu", "Makanan", "Farmaseutikal|farma"),
        [("{stem} {industry} Sdn. Bhd.", 6), ("Syarikat {stem} {industry} Sdn. Bhd.", 3)],
        [("{stem} {industry} Berhad", 2), ("{stem} {industry} Sdn. Bhd.", 3)],
    ),
    "SG": CompanyNamer(
        _words("Kallang", "Straits", "Harbourfront", "Orchid", "Tanjong Pagar", "Jurong",
               "Bukit Timah", "Changi", "Serangoon", "Pasir Panjang", "Lion Gate", "Marina Crest"),
        _words("Property Management|property", "Precision Engineering|precision", "Logistics",
               "Medical Centre|medical", "Hospitality", "Retail", "Data Centres|datacentres",
               "Learning", "Food Industries|foods", "Pharma"),
        [("{stem} {industry} Pte. Ltd.", 1)], [("{stem} {industry} Holdings Ltd", 1)],
    ),
    "BG": CompanyNamer(
        _words("Балкан", "Витоша", "Тракия|trakia", "Родопи", "Пирин", "Дунав", "Странджа",
               "Мусала", "Искър", "Марица", "Черноморие", "Орфей", "Рила", "Средец", "Янтра",
               "Тунджа"),
        _words("Имоти", "Индъстрис|industries", "Логистик", "Медикъл|medical", "Хотели",
               "Трейд|trade", "Дейта Сървисиз|data", "Академия|akademia", "Храни", "Фарма|pharma"),
        [("{stem} {industry} ООД", 5), ("{stem} {industry} ЕООД", 4)],
        [("{stem} {industry} АД", 3), ("{stem} {industry} ООД", 1)],
    ),
    "CN": CompanyNamer(
        _words("恒信|hengxin", "华瑞|huarui", "金鼎|jinding", "宏达|hongda", "嘉和|jiahe",
               "瑞丰|ruifeng", "德润|derun", "鼎盛|dingsheng", "永安|yongan", "汇通|huitong",
               "新源|xinyuan", "博远|boyuan", "佳联|jialian", "泰和|taihe", "中盈|zhongying",
               "启明|qiming"),
        _words("物业管理|wuye", "精密制造|jingmi", "物流|wuliu", "医疗管理|yiliao",
               "酒店管理|jiudian", "商贸|shangmao", "数据科技|shuju", "教育科技|jiaoyu",
               "食品|shipin", "医药|yiyao"),
        [("{city}{stem}{industry}有限公司", 1)],
        [("{city}{stem}{industry}股份有限公司", 2), ("{stem}{industry}集团有限公司", 1)],
    ),
    "TW": CompanyNamer(
        _words("晶宇|jingyu", "鼎泰|dingtai", "瑞昌|ruichang", "長興|changhsing", "順益|shunyi",
               "嘉聯|chialien", "志成|chihcheng", "永信|yunghsin", "冠宇|kuanyu",
               "宏遠|hungyuan", "裕誠|yucheng", "德昌|techang", "富群|fuchun", "新恆|hsinheng"),
        _words("物業管理|property", "精密工業|precision", "物流|logistics", "醫療|medical",
               "大飯店|hotel", "百貨|retail", "資訊|infotech", "文教|edu", "食品|foods",
               "生技|biotech"),
        [("{stem}{industry}股份有限公司", 7), ("{stem}{industry}有限公司", 3)],
        [("{stem}{industry}股份有限公司", 1)],
    ),
    "HK": CompanyNamer(
        _words("嘉信|kashun", "恒昌|hangcheong", "永利|wingli", "德興|takhing", "寶華|powah",
               "偉業|waiyip", "東昇|tungsing", "泰豐|taifung", "聯發|lunfat", "華達|wahtat",
               "振興|chunhing", "祥記|cheungkee", "怡豐|yifung", "港明|kongming"),
        _words("物業管理|property", "實業|industrial", "物流|logistics", "醫療|medical",
               "酒店|hotels", "零售|retail", "數據中心|datacentre", "教育|education",
               "食品|foods", "藥業|pharma"),
        [("{stem}{industry}有限公司", 3), ("{stem}{industry}（香港）有限公司", 1)],
        [("{stem}{industry}集團有限公司", 1)],
    ),
    "HU": CompanyNamer(
        _words("Dunakő", "Tiszavirág", "Balaton", "Mátra", "Bükk", "Kőrös", "Pannon", "Fertő",
               "Őrség", "Tűzkő", "Hegyvidék", "Szőlőhegy", "Gyöngyös", "Zöldmező", "Bakony",
               "Hűvösvölgy"),
        _words("Ingatlankezelő|ingatlan", "Gépgyártó|gepgyarto", "Logisztikai|logisztika",
               "Egészségügyi|egeszseg", "Szállodaipari|szalloda", "Kereskedelmi",
               "Adatközpont|adatkozpont", "Oktatási|oktatas", "Élelmiszer-feldolgozó|elelmiszer",
               "Gyógyszergyártó|gyogyszer"),
        [("{stem} {industry} Kft.", 14), ("{stem} {industry} Bt.", 3), ("{stem} {industry} Zrt.", 3)],
        [("{stem} {industry} Zrt.", 3), ("{stem} {industry} Nyrt.", 1)],
    ),
    "GB": CompanyNamer(
        _words("Thameside", "Pennine", "Severn", "Cotswold", "Mersey", "Wessex", "Northgate",
               "Harbourside", "Chiltern", "Tyne Valley"),
        _words("Estates", "Engineering", "Logistics", "Healthcare", "Hotels", "Retail",
               "Data Centres|datacentres", "Education Trust|education", "Foods",
               "Pharmaceuticals|pharma"),
        [("{stem} {industry} Ltd", 1)], [("{stem} {industry} plc", 1)],
    ),
    "DE": CompanyNamer(
        _words("Spree", "Isar", "Rheinland", "Elbtal", "Havel", "Mainufer", "Schwarzwald",
               "Alster", "Nordlicht", "Südstern|suedstern"),
        _words("Immobilienverwaltung|immobilien", "Maschinenbau", "Logistik", "Klinikservice|klinik",
               "Hotelbetriebe|hotels", "Handel", "Rechenzentrum", "Bildungswerk|bildung",
               "Lebensmittel", "Pharma"),
        [("{stem} {industry} GmbH", 4), ("{stem} {industry} GmbH & Co. KG", 1)],
        [("{stem} {industry} AG", 1)],
    ),
    "RO": CompanyNamer(
        _words("Carpați", "Dunărea", "Transilvania", "Bucovina", "Olt", "Mureș", "Prahova", "Someș",
               "Argeș", "Bega"),
        _words("Administrare Imobiliară|imobiliare", "Industrial", "Logistică", "Medical", "Turism",
               "Comerț", "Data Center|datacenter", "Educațional", "Alimentar", "Farma"),
        [("{stem} {industry} S.R.L.", 1)], [("{stem} {industry} S.A.", 1)],
    ),
}
