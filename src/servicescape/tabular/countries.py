"""Country names and codes in the languages our clients write them → ISO 3166-1 alpha-2."""

import re
import unicodedata
from functools import cache

from babel import Locale
from babel.core import get_global

from servicescape.i18n import _
from servicescape.tabular.errors import TabularError
from servicescape.tabular.records import Cell

NAME_LANGUAGES = ("en", "ms", "bg", "zh_Hans", "zh_Hant", "hu")
# CLDR regions with two-letter codes that are not ISO 3166-1 countries.
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB", "AC", "CP", "DG", "EA", "IC", "TA", "CQ"}
ALIASES = {
    "USA": "US", "U.S.": "US", "U.S.A.": "US", "America": "US",
    "United States of America": "US", "САЩ": "US",
    "UK": "GB", "U.K.": "GB", "Great Britain": "GB", "Britain": "GB", "England": "GB",
    "Scotland": "GB", "Wales": "GB", "Northern Ireland": "GB", "Nagy-Britannia": "GB",
    "Hong Kong": "HK", "Hong Kong SAR": "HK", "Hongkong": "HK", "香港": "HK",
    "Macau": "MO", "Macao": "MO", "澳门": "MO", "澳門": "MO",
    "Taiwan ROC": "TW", "Republic of China": "TW", "台灣": "TW", "臺灣": "TW", "台湾": "TW",
    "中華民國": "TW",
    "Mainland China": "CN", "PRC": "CN", "People's Republic of China": "CN",
    "中国大陆": "CN", "中國大陸": "CN", "中华人民共和国": "CN", "中華人民共和國": "CN",
    "South Korea": "KR", "Korea": "KR", "Republic of Korea": "KR", "North Korea": "KP",
    "Russia": "RU", "Vietnam": "VN", "Viet Nam": "VN", "Czech Republic": "CZ",
    "Slovak Republic": "SK", "Turkey": "TR", "Holland": "NL", "Ivory Coast": "CI",
    "Burma": "MM", "UAE": "AE", "Emirates": "AE", "Laos": "LA", "Iran": "IR", "Syria": "SY",
    "Macedonia": "MK", "Swaziland": "SZ", "Cape Verde": "CV", "East Timor": "TL",
    "Vatican": "VA", "Palestine": "PS", "Brunei": "BN",
}  # fmt: skip
_PARENTHESES = re.compile(r"\s*\((.*?)\)\s*")


def normalise_country(value: Cell) -> str | None:
    """ISO alpha-2 code of a code (``my``, ``MYS``) or a name in English, Malay, Bulgarian,
    Chinese or Hungarian; case, spacing, punctuation and accents do not matter.
    Empty → None; anything unrecognised is a ``TabularError``.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise TabularError(_("unknown country: %(value)s", value=repr(value)))
    text = value.strip()
    if not text:
        return None
    codes, names = _lookup()
    if len(text) == 2 and text.upper() in codes:
        return text.upper()
    found = names.get(country_key(text))
    if found is None:
        raise TabularError(_(
            "unknown country: %(value)s; use an ISO code such as MY, BG, CN, TW, HK or HU, or the country's name",
            value=repr(text),
        ))
    return found


def country_key(text: str) -> str:
    """Lower-case letters and digits only, accents removed (``Magyarország`` → magyarorszag)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    key = "".join(ch for ch in decomposed if ch.isalnum())
    return key.removeprefix("the") if key.startswith("the") and len(key) > 6 else key


@cache
def _lookup() -> tuple[frozenset[str], dict[str, str]]:
    """(alpha-2 codes, name key → code), built once from CLDR data via babel."""
    candidates: dict[str, set[str]] = {}
    codes: set[str] = set()
    for language in NAME_LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES:
                codes.add(code)
                for variant in _variants(name):
                    candidates.setdefault(country_key(variant), set()).add(code)
    # A shortened name two countries share (Bulgarian 'Конго') is left out, not guessed.
    names = {key: found.pop() for key, found in candidates.items() if len(found) == 1}
    for alias, code in ALIASES.items():
        names[country_key(alias)] = code
    for alpha3, replacements in get_global("territory_aliases").items():
        if len(alpha3) == 3 and alpha3.isalpha() and replacements[0] in codes:
            names.setdefault(country_key(alpha3), replacements[0])
    for code in codes:
        names[country_key(code)] = code
    return frozenset(codes), names


def _variants(name: str) -> list[str]:
    """CLDR's display name plus forms people type: '&' as 'and', without '(…)', 'Saint'."""
    variants = [name, name.replace("&", "and"), name.replace("St.", "Saint")]
    if inner := _PARENTHESES.search(name):
        variants += [_PARENTHESES.sub(" ", name), inner.group(1)]
    for suffix in (" SAR China", "特别行政区", "特別行政區"):
        if suffix in name:
            variants.append(name.replace(suffix, "").removeprefix("中国").removeprefix("中國"))
    return variants
