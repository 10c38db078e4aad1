"""Company names as each country writes them: a brand, the industry's word and a legal form.

Brands are built from parts (two Chinese characters, two Malay words, a stem and a modifier),
which gives each country hundreds to thousands of brand-and-industry combinations. The generator
walks them in a seeded shuffled order (:meth:`CompanyNamer.combination`), so no two
organisations of a country share a name or a web domain until every combination is used: a few
hundred clients never repeat, a million do (with flat memory: nothing is remembered).
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from servicescape.demo.names import INDUSTRIES, ascii_slug
from servicescape.demo.weighted import Weighted

Word = tuple[str, str]  # (as written, ASCII slug)


def shuffled_index(n: int, size: int, key: int) -> int:
    """A key-dependent bijection of ``range(size)``: a four-round Feistel network on the smallest
    even number of bits that holds ``size``, walked until the result falls inside the range."""
    bits = max(2, (size - 1).bit_length())
    half = (bits + 1) // 2
    mask = (1 << half) - 1
    x = n
    while True:
        left, right = x >> half, x & mask
        for round_key in (key, key >> 8, key >> 16, key >> 24):
            mixed = ((right ^ round_key) * 0x9E3779B1 + round_key) & 0xFFFFFFFF
            left, right = right, left ^ ((mixed >> 13) & mask)
        x = (left << half) | right
        if x < size:
            return x


def words(*pairs: str, german: bool = False) -> tuple[Word, ...]:
    """Words given as 'native|slug', or just 'native' when the slug is its ASCII form."""
    out = []
    for pair in pairs:
        native, _, slug = pair.partition("|")
        out.append((native, slug or ascii_slug(native, german=german)))
    return tuple(out)


def combine(first: Sequence[Word], second: Sequence[Word], joiner: str = "") -> tuple[Word, ...]:
    """Every first + second part (skipping a part repeated, as in 瑞瑞)."""
    return tuple((a + joiner + b, a_slug + b_slug) for a, a_slug in first for b, b_slug in second
                 if a != b)


class CompanyNamer:
    """Names for one country; see the module docstring."""

    def __init__(self, brands: tuple[Word, ...], industry_words: tuple[Word, ...],
                 formats: Sequence[tuple[str, int]], large_formats: Sequence[tuple[str, int]],
                 more_brands: tuple[Word, ...] = ()) -> None:
        assert len(industry_words) == len(INDUSTRIES)
        self.brands, self.industry_words = brands + more_brands, industry_words
        self.plain = len(brands) * len(industry_words)   # used first: the most natural names
        self.size = len(self.brands) * len(industry_words)
        self._formats = Weighted(formats)
        self._large = Weighted(large_formats)

    def combination(self, n: int, key: int) -> tuple[int, int]:
        """The n-th (brand, industry) of a shuffle of all of them: distinct for n < size; the
        plain brands come first, the ones with a modifier (``Balaton-Invest``) after them."""
        n %= self.size
        if n < self.plain:
            index = shuffled_index(n, self.plain, key)
        else:
            index = self.plain + shuffled_index(n - self.plain, self.size - self.plain, key)
        return divmod(index, len(self.industry_words))

    def name(self, rng: random.Random, brand: int, industry: int, *, large: bool,
             city: str) -> tuple[str, str]:
        """(name as written, ASCII slug for the web domain)."""
        brand_name, brand_slug = self.brands[brand]
        word, word_slug = self.industry_words[industry]
        fmt = (self._large if large else self._formats).draw(rng)
        return fmt.format(brand=brand_name, industry=word, city=city), f"{brand_slug}-{word_slug}"


_BG_STEMS = words("Балкан", "Витоша", "Тракия|trakia", "Родопи", "Пирин", "Дунав", "Странджа",
                  "Мусала", "Искър", "Марица", "Черноморие", "Орфей", "Рила", "Средец", "Янтра",
                  "Тунджа", "Струма", "Огоста", "Камчия", "Добруджа", "Лудогорие", "Сакар",
                  "Беласица", "Осогово", "Етър", "Арда", "Царевец", "Калиакра", "Емине", "Шипка")
_HU_STEMS = words("Dunakő", "Tiszavirág", "Balaton", "Mátra", "Bükk", "Kőrös", "Pannon", "Fertő",
                  "Őrség", "Tűzkő", "Hegyvidék", "Szőlőhegy", "Gyöngyös", "Zöldmező", "Bakony",
                  "Hűvösvölgy", "Kékes", "Somló", "Zemplén", "Hortobágy", "Badacsony", "Vértes",
                  "Pilis", "Bodrog", "Rába", "Tokaj", "Kőszeg", "Börzsöny", "Fűzfa")
_SG_STEMS = words("Kallang", "Straits", "Harbourfront", "Orchid", "Tanjong Pagar", "Jurong",
                  "Bukit Timah", "Changi", "Serangoon", "Pasir Panjang", "Lion Gate", "Marina Crest")
_GB_STEMS = words("Thameside", "Pennine", "Severn", "Cotswold", "Mersey", "Wessex", "Northgate",
                  "Harbourside", "Chiltern", "Tyne Valley")
_DE_STEMS = words("Spree", "Isar", "Rheinland", "Elbtal", "Havel", "Mainufer", "Schwarzwald",
                  "Alster", "Nordlicht", "Südstern", german=True)
_RO_STEMS = words("Carpați", "Dunărea", "Transilvania", "Bucovina", "Olt", "Mureș", "Prahova",
                  "Someș", "Argeș", "Bega")

COMPANIES: dict[str, CompanyNamer] = {
    "MY": CompanyNamer(
        combine(words("Cahaya", "Bintang", "Mutiara", "Sinar", "Permata", "Seri", "Intan",
                      "Tanjung", "Bayu", "Puncak", "Warisan", "Teguh", "Setia", "Delima",
                      "Kenanga", "Gemilang"),
                words("Jaya", "Timur", "Harapan", "Murni", "Emas", "Hijau", "Wawasan", "Damai",
                      "Makmur", "Baiduri", "Utama", "Sejahtera"), " "),
        words("Pengurusan Hartanah|hartanah", "Perindustrian|industri", "Logistik",
              "Perubatan|medik", "Hospitaliti", "Peruncitan|runcit", "Pusat Data|data",
              "Pendidikan|edu", "Makanan", "Farmaseutikal|farma"),
        [("{brand} {industry} Sdn. Bhd.", 6), ("Syarikat {brand} {industry} Sdn. Bhd.", 3)],
        [("{brand} {industry} Berhad", 2), ("{brand} {industry} Sdn. Bhd.", 3)],
    ),
    "SG": CompanyNamer(
        _SG_STEMS,
        words("Property Management|property", "Precision Engineering|precision", "Logistics",
              "Medical Centre|medical", "Hospitality", "Retail", "Data Centres|datacentres",
              "Learning", "Food Industries|foods", "Pharma"),
        [("{brand} {industry} Pte. Ltd.", 1)], [("{brand} {industry} Holdings Ltd", 1)],
        combine(_SG_STEMS, words(" Pacific|pacific", " Asia|asia", " Global|global")),
    ),
    "BG": CompanyNamer(
        _BG_STEMS,
        words("Имоти", "Индъстрис|industries", "Логистик", "Медикъл|medical", "Хотели",
              "Трейд|trade", "Дейта Сървисиз|data", "Академия|akademia", "Храни", "Фарма|pharma"),
        [("{brand} {industry} ООД", 5), ("{brand} {industry} ЕООД", 4)],
        [("{brand} {industry} АД", 3), ("{brand} {industry} ООД", 1)],
        combine(_BG_STEMS, words("-92|92", "-2000|2000", " БГ|bg", " Про|pro")),
    ),
    "CN": CompanyNamer(
        combine(words("恒|heng", "华|hua", "金|jin", "宏|hong", "嘉|jia", "瑞|rui", "德|de", "鼎|ding",
                      "永|yong", "汇|hui", "新|xin", "博|bo", "佳|jia", "泰|tai", "中|zhong", "启|qi"),
                words("信|xin", "瑞|rui", "鼎|ding", "达|da", "和|he", "丰|feng", "润|run",
                      "盛|sheng", "安|an", "通|tong", "源|yuan", "远|yuan", "联|lian", "明|ming",
                      "盈|ying", "辉|hui")),
        words("物业管理|wuye", "精密制造|jingmi", "物流|wuliu", "医疗管理|yiliao", "酒店管理|jiudian",
              "商贸|shangmao", "数据科技|shuju", "教育科技|jiaoyu", "食品|shipin", "医药|yiyao"),
        [("{city}{brand}{industry}有限公司", 1)],
        [("{city}{brand}{industry}股份有限公司", 2), ("{brand}{industry}集团有限公司", 1)],
    ),
    "TW": CompanyNamer(
        combine(words("晶|jing", "鼎|ting", "瑞|jui", "長|chang", "順|shun", "嘉|chia", "志|chih",
                      "永|yung", "冠|kuan", "宏|hung", "裕|yu", "德|te", "富|fu", "新|hsin"),
                words("宇|yu", "泰|tai", "昌|chang", "興|hsing", "益|yi", "聯|lien", "成|cheng",
                      "信|hsin", "遠|yuan", "誠|cheng", "群|chun", "恆|heng")),
        words("物業管理|property", "精密工業|precision", "物流|logistics", "醫療|medical",
              "大飯店|hotel", "百貨|retail", "資訊|infotech", "文教|edu", "食品|foods",
              "生技|biotech"),
        [("{brand}{industry}股份有限公司", 7), ("{brand}{industry}有限公司", 3)],
        [("{brand}{industry}股份有限公司", 1)],
    ),
    "HK": CompanyNamer(
        combine(words("嘉|ka", "恒|hang", "永|wing", "德|tak", "寶|po", "偉|wai", "東|tung",
                      "泰|tai", "聯|lun", "華|wah", "振|chun", "祥|cheung", "怡|yi", "港|kong"),
                words("信|shun", "昌|cheong", "利|lee", "興|hing", "華|wah", "業|yip", "昇|sing",
                      "豐|fung", "發|fat", "達|tat", "記|kee", "明|ming")),
        words("物業管理|property", "實業|industrial", "物流|logistics", "醫療|medical",
              "酒店|hotels", "零售|retail", "數據中心|datacentre", "教育|education",
              "食品|foods", "藥業|pharma"),
        [("{brand}{industry}有限公司", 3), ("{brand}{industry}（香港）有限公司", 1)],
        [("{brand}{industry}集團有限公司", 1)],
    ),
    "HU": CompanyNamer(
        _HU_STEMS,
        words("Ingatlankezelő|ingatlan", "Műszaki|muszaki", "Logisztikai|logisztika",
              "Egészségügyi|egeszseg", "Szállodaipari|szalloda", "Kereskedelmi",
              "Adatközpont|adatkozpont", "Oktatási|oktatas", "Élelmiszer-feldolgozó|elelmiszer",
              "Gyógyszergyártó|gyogyszer"),
        [("{brand} {industry} Kft.", 14), ("{brand} {industry} Bt.", 3),
         ("{brand} {industry} Zrt.", 3)],
        [("{brand} {industry} Zrt.", 3), ("{brand} {industry} Nyrt.", 1)],
        combine(_HU_STEMS, words("-Invest|invest", "-Team|team", " Hungária|hungaria", "-Pro|pro")),
    ),
    "GB": CompanyNamer(
        _GB_STEMS,
        words("Estates", "Engineering", "Logistics", "Healthcare", "Hotels", "Retail",
              "Data Centres|datacentres", "Education Trust|education", "Foods",
              "Pharmaceuticals|pharma"),
        [("{brand} {industry} Ltd", 1)], [("{brand} {industry} plc", 1)],
        combine(_GB_STEMS, words(" Group|group", " & Co|co")),
    ),
    "DE": CompanyNamer(
        _DE_STEMS,
        words("Immobilienverwaltung|immobilien", "Maschinenbau", "Logistik",
              "Klinikservice|klinik", "Hotelbetriebe|hotels", "Handel", "Rechenzentrum",
              "Bildungswerk|bildung", "Lebensmittel", "Pharma"),
        [("{brand} {industry} GmbH", 4), ("{brand} {industry} GmbH & Co. KG", 1)],
        [("{brand} {industry} AG", 1)],
        combine(_DE_STEMS, words(" Nord|nord", " West|west", " Ost|ost")),
    ),
    "RO": CompanyNamer(
        _RO_STEMS,
        words("Administrare Imobiliară|imobiliare", "Industrial", "Logistică", "Medical",
              "Turism", "Comerț", "Data Center|datacenter", "Educațional", "Alimentar", "Farma"),
        [("{brand} {industry} S.R.L.", 1)], [("{brand} {industry} S.A.", 1)],
        combine(_RO_STEMS, words(" Grup|grup", " Nord|nord", " Vest|vest")),
    ),
}
