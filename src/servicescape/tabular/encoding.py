"""Guessing the text encoding of a CSV export from a sample of its first bytes.

Order: an explicit encoding always wins; then a byte-order mark; UTF-16 without a BOM
(many NUL bytes); strict UTF-8 (a character cut at the sample's end is fine); then the
legacy code pages our users' files come in (cp1250, cp1251, cp1252/latin-1, GB18030, Big5),
judged with charset_normalizer plus two checks short files need: among single-byte pages
the one whose words read as one language's alphabet (so Hungarian ő/ű beats cp1252 and
Bulgarian beats Latin soup), and between GB18030 and Big5 the one whose byte pairs fall
in its common-character block.
"""

import codecs
import re
from dataclasses import dataclass

import charset_normalizer

from servicescape.i18n import _
from servicescape.tabular.errors import TabularError

SINGLE_BYTE = ("cp1250", "cp1251", "cp1252", "latin_1")
CJK = ("gb18030", "big5")
CANDIDATES = ("cp1252", "cp1250", "cp1251", "gb18030", "big5")

# Non-ASCII lower-case letters of the Latin alphabets that cp1250/cp1252 carry.
_ALPHABETS = (
    "áéíóöőúüű",  # Hungarian
    "áčďéěíňóřšťúůýž",  # Czech
    "áäčďéíĺľňóôŕšťúýž",  # Slovak
    "ąćęłńóśźż",  # Polish
    "ăâîșşțţ",  # Romanian
    "čćđšž",  # Croatian, Slovene, Bosnian
    "äöüß",  # German
    "àâæçéèêëîïôœùûüÿ",  # French
    "áéíñóúü",  # Spanish
    "áâãàçéêíóôõú",  # Portuguese
    "àèéìíòóùú",  # Italian
    "àçèéíïòóúü",  # Catalan
    "áéëèïóöü",  # Dutch
    "åæøé",  # Danish, Norwegian
    "åäöé",  # Swedish, Finnish
    "áðéíóúýþæö",  # Icelandic
    "äõöüšž",  # Estonian
)
_ALPHABET_SETS = tuple(frozenset(a) for a in _ALPHABETS)
_CYRILLIC = frozenset("абвгдежзийклмнопрстуфхцчшщъыьэюяё")
# How common each letter where cp1250 and cp1252 differ is in the languages that use it.
_LETTER_WEIGHTS = {
    **dict.fromkeys("őèà", 3),
    **dict.fromkeys("űčřěęăñãêøå", 2),
    **dict.fromkeys("ćńůňđţæõûìòù", 1),
}
_WORD = re.compile(r"[^\W\d_]+")
_SCORED_CHARS = 65536
_GUESSED_BYTES = 262144


@dataclass(frozen=True, slots=True)
class Detected:
    """``name`` is reported to people; ``codec`` decodes the bytes after ``skip`` BOM bytes."""

    name: str
    codec: str
    skip: int


def detect_encoding(sample: bytes, complete: bool, explicit: str | None = None) -> Detected:
    """Pick the encoding of a file whose first bytes are ``sample`` (``complete``: all of it)."""
    if explicit is not None:
        return _explicit(explicit, sample)
    if sample.startswith(codecs.BOM_UTF8):
        return Detected("utf-8-sig", "utf-8", 3)
    if sample.startswith(codecs.BOM_UTF16_LE):
        return Detected("utf-16", "utf-16-le", 2)
    if sample.startswith(codecs.BOM_UTF16_BE):
        return Detected("utf-16", "utf-16-be", 2)
    utf16 = _utf16_without_bom(sample)
    if utf16:
        return Detected(utf16, utf16, 0)
    if sample.isascii() or _is_utf8(sample, complete):
        return Detected("utf-8", "utf-8", 0)
    if not complete and b"\n" in sample:
        sample, complete = sample[: sample.rindex(b"\n") + 1], True  # whole lines only
    name = _guess_legacy(sample[:_GUESSED_BYTES], complete)
    return Detected(name, name, 0)


def _explicit(encoding: str, sample: bytes) -> Detected:
    try:
        codec = codecs.lookup(encoding).name
        "\n".encode(codec)  # refuses bytes-to-bytes codecs such as base64
    except LookupError:
        raise TabularError(_(
            "unknown encoding %(encoding)s; use a name such as utf-8, cp1250, cp1251, gb18030, big5 or cp1252",
            encoding=repr(encoding),
        )) from None
    if codec in ("utf-8", "utf-8-sig"):
        skip = 3 if sample.startswith(codecs.BOM_UTF8) else 0
        return Detected(encoding, "utf-8", skip)
    if codec in ("utf-16", "utf-32"):  # these names mean "endianness from the BOM"
        big = codecs.BOM_UTF16_BE if codec == "utf-16" else codecs.BOM_UTF32_BE
        codec += "-be" if sample.startswith(big) else "-le"
    boms = {
        "utf-16-le": codecs.BOM_UTF16_LE,
        "utf-16-be": codecs.BOM_UTF16_BE,
        "utf-32-le": codecs.BOM_UTF32_LE,
        "utf-32-be": codecs.BOM_UTF32_BE,
    }
    bom = boms.get(codec)
    skip = len(bom) if bom and sample.startswith(bom) else 0
    return Detected(encoding, codec, skip)


def _is_utf8(sample: bytes, complete: bool) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        decoder.decode(sample, final=complete)
    except UnicodeDecodeError:
        return False
    return True


def _utf16_without_bom(sample: bytes) -> str | None:
    head = sample[:4096]
    if len(head) < 4 or head.count(0) < len(head) // 4:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    codec = "utf-16-le" if odd > 3 * even else "utf-16-be" if even > 3 * odd else None
    if codec is None:
        return None
    return codec if _decodes(head, codec, complete=False) is not None else None


def _decodes(sample: bytes, codec: str, complete: bool) -> str | None:
    decoder = codecs.getincrementaldecoder(codec)("strict")
    try:
        return str(decoder.decode(sample, final=complete))
    except UnicodeDecodeError:
        return None


def _guess_legacy(sample: bytes, complete: bool) -> str:
    """Pick among the legacy code pages that decode ``sample`` strictly.

    The single-byte page whose words read best wins (``_word_score``; a full tie goes to the
    first in ``CANDIDATES``), unless a CJK page fits: most byte pairs fall in a common-character
    block and either charset_normalizer prefers CJK or the single-byte reading is poor.
    """
    texts = {c: t for c in (*CANDIDATES, "latin_1") if (t := _decodes(sample, c, complete)) is not None}
    if "cp1252" in texts:
        del texts["latin_1"]  # cp1252 is latin-1 with letters where latin-1 has controls
    isolation = [c for c in texts if c != "latin_1"]
    if not isolation:
        return "latin_1"
    best = charset_normalizer.from_bytes(sample, cp_isolation=isolation).best()
    picked = best.encoding if best is not None else None
    cjk = [c for c in CJK if c in texts]
    common, pairs, high, cjk_pick = _cjk_evidence(sample)
    single = {c: _word_score(t) for c, t in texts.items() if c in SINGLE_BYTE}
    top = max(single.values())
    tied = [c for c in single if single[c] == top]
    single_pick = tied[0]  # cp1252 first: a tie means cp1250 would read the same Hungarian áéíóöúü
    _, _, explained, letters = top
    if cjk and pairs and common >= pairs / 2 and (high or explained < letters):
        weak_single = explained < letters * 9 / 10 and common >= pairs * 9 / 10
        if picked in CJK or weak_single:
            return cjk_pick if cjk_pick in cjk else cjk[0]
    return single_pick


def _word_score(text: str) -> tuple[int, int, int, int]:
    """Score a single-byte decoding by how well its non-ASCII words read, in letters.

    Returns (letters of words one alphabet explains, letter-frequency weight, letters of
    words any alphabet explains, letters of non-ASCII words). A Cyrillic word must be all
    basic Cyrillic; a Latin word is at most two-thirds accented letters (``íà`` is a
    Cyrillic word read in the wrong code page). The weight breaks ties between cp1250 and
    cp1252 by how common the letters where they differ are (ő beats õ, è beats č).
    """
    per_alphabet = [0] * len(_ALPHABET_SETS)
    cyrillic = explained = total = weight = 0
    for word in _WORD.findall(text[:_SCORED_CHARS]):
        if word.isascii():
            continue
        size = len(word)
        total += size
        lower = word.lower()
        weight += sum(_LETTER_WEIGHTS.get(ch, 0) for ch in lower)
        if set(lower) <= _CYRILLIC:
            cyrillic += size
            explained += size
            continue
        accented = [ch for ch in lower if not ch.isascii()]
        if size > 1 and len(accented) * 3 > size * 2:
            continue
        letters = set(accented)
        hits = [i for i, a in enumerate(_ALPHABET_SETS) if letters <= a]
        explained += size if hits else 0
        for i in hits:
            per_alphabet[i] += size
    return cyrillic + max(per_alphabet), weight, explained, total


def _cjk_evidence(sample: bytes) -> tuple[int, int, int, str]:
    """Byte pairs in a common-character block, all pairs, pairs of two high bytes, and the
    likelier CJK codec. GB2312's common block is B0A1-D7FE, Big5's A440-C67E; ties go to
    GB18030. (``SÃO`` in cp1252 is one Big5 pair with an ASCII second byte: weak evidence.)
    """
    gb = big5 = pairs = high = 0
    i, end = 0, min(len(sample), _SCORED_CHARS) - 1
    while i < end:
        lead = sample[i]
        if lead < 0x80:
            i += 1
            continue
        trail = sample[i + 1]
        pairs += 1
        high += trail >= 0x80
        if 0xB0 <= lead <= 0xD7 and 0xA1 <= trail <= 0xFE:
            gb += 1
        if 0xA4 <= lead <= 0xC6 and (0x40 <= trail <= 0x7E or 0xA1 <= trail <= 0xFE):
            big5 += 1
        i += 2
    return max(gb, big5), pairs, high, "big5" if big5 > gb else "gb18030"
