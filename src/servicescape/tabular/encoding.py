"""Guessing the text encoding of a CSV export from a sample of its first bytes.

Order: a byte-order mark; then strict UTF-8 (a character cut at the sample's end is
fine); then UTF-16 without a BOM (many NUL bytes); then charset_normalizer restricted to
the encodings our users' files come in, with two checks that short files need: among
single-byte candidates the one whose words read as one language's alphabet (so Hungarian
ő/ű beats cp1252 and Bulgarian beats Latin soup), and between GB18030 and Big5 the one
whose byte pairs fall in its common-character block. An explicit encoding always wins.
"""

import codecs
import re
from dataclasses import dataclass

import charset_normalizer

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
_CYRILLIC = frozenset(chr(c) for c in range(0x400, 0x460))
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
    if sample.isascii() or _is_utf8(sample, complete):
        return Detected("utf-8", "utf-8", 0)
    utf16 = _utf16_without_bom(sample)
    if utf16:
        return Detected(utf16, utf16, 0)
    if not complete and b"\n" in sample:
        sample, complete = sample[: sample.rindex(b"\n") + 1], True  # whole lines only
    name = _guess_legacy(sample[:_GUESSED_BYTES], complete)
    return Detected(name, name, 0)


def _explicit(encoding: str, sample: bytes) -> Detected:
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise TabularError(
            f"unknown encoding {encoding!r}; use a name such as utf-8, cp1250, cp1251, "
            "gb18030, big5 or cp1252"
        ) from None
    if codec in ("utf-8", "utf-8-sig"):
        skip = 3 if sample.startswith(codecs.BOM_UTF8) else 0
        return Detected(encoding, "utf-8", skip)
    if codec == "utf-16":
        if sample.startswith(codecs.BOM_UTF16_BE):
            return Detected(encoding, "utf-16-be", 2)
        skip = 2 if sample.startswith(codecs.BOM_UTF16_LE) else 0
        return Detected(encoding, "utf-16-le", skip)
    boms = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}
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
    try:
        head[: len(head) // 2 * 2].decode(codec)
    except UnicodeDecodeError:
        return None
    return codec


def _decodes(sample: bytes, codec: str, complete: bool) -> str | None:
    decoder = codecs.getincrementaldecoder(codec)("strict")
    try:
        return str(decoder.decode(sample, final=complete))
    except UnicodeDecodeError:
        return None


def _guess_legacy(sample: bytes, complete: bool) -> str:
    texts = {
        c: t for c in (*CANDIDATES, "latin_1") if (t := _decodes(sample, c, complete)) is not None
    }
    if "cp1252" in texts:
        del texts["latin_1"]  # cp1252 is latin-1 with letters where latin-1 has controls
    isolation = [c for c in texts if c != "latin_1"]
    if not isolation:
        return "latin_1"
    best = charset_normalizer.from_bytes(sample, cp_isolation=isolation).best()
    picked = best.encoding if best is not None else None
    if picked in CJK and all(c in texts for c in CJK):
        return _gb_or_big5(sample)
    if picked in CJK:
        return str(picked)
    single = {c: t for c, t in texts.items() if c in SINGLE_BYTE}
    if not single:
        return str(picked) if picked else "latin_1"
    scores = {c: _word_score(t) for c, t in single.items()}
    top = max(scores.values())
    tied = [c for c in single if scores[c] == top]
    return str(picked) if picked in tied else tied[0]


def _word_score(text: str) -> tuple[int, int]:
    """(words one alphabet explains, words any alphabet explains) among non-ASCII words.

    A word is Cyrillic only when all its letters are; Latin words may mix in ASCII letters.
    """
    per_alphabet = [0] * len(_ALPHABET_SETS)
    cyrillic = explained = 0
    for word in _WORD.findall(text[:_SCORED_CHARS]):
        if word.isascii():
            continue
        lower = word.lower()
        if set(lower) <= _CYRILLIC:
            cyrillic += 1
            explained += 1
            continue
        letters = {ch for ch in lower if not ch.isascii()}
        hits = [i for i, a in enumerate(_ALPHABET_SETS) if letters <= a]
        explained += bool(hits)
        for i in hits:
            per_alphabet[i] += 1
    return cyrillic + max(per_alphabet), explained


def _gb_or_big5(sample: bytes) -> str:
    """Count byte pairs in GB2312's and Big5's common-character blocks; ties go to GB18030."""
    gb = big5 = 0
    i, end = 0, min(len(sample), _SCORED_CHARS) - 1
    while i < end:
        lead = sample[i]
        if lead < 0x80:
            i += 1
            continue
        trail = sample[i + 1]
        if 0xB0 <= lead <= 0xD7 and 0xA1 <= trail <= 0xFE:
            gb += 1
        if 0xA4 <= lead <= 0xC6 and (0x40 <= trail <= 0x7E or 0xA1 <= trail <= 0xFE):
            big5 += 1
        i += 2
    return "big5" if big5 > gb else "gb18030"
