"""Formula-injection defence for CSV/XLSX exports that round-trips exactly.

A cell that a spreadsheet would run as a formula (it starts with ``= + - @``, tab or
carriage return, after any apostrophes) gets one more leading apostrophe on export;
``restore`` removes exactly that one on import. Plain numbers such as ``-12.50`` are left
alone (OWASP's guidance); a phone number such as ``+36 1 234 5678`` is not a plain number,
so it is neutralised.
"""

import re

_RISKY = re.compile(r"'*[=+\-@\t\r]")
_NEUTRALISED = re.compile(r"'+[=+\-@\t\r]")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def is_plain_number(text: str) -> bool:
    """Whether ``text`` is only a number (sign, digits, point, exponent)."""
    return _PLAIN_NUMBER.fullmatch(text) is not None


def neutralise(text: str) -> str:
    """``text`` with a leading apostrophe if a spreadsheet could run it as a formula."""
    if _RISKY.match(text) and not is_plain_number(text):
        return "'" + text
    return text


def restore(text: str) -> str:
    """Undo ``neutralise``: ``restore(neutralise(s)) == s`` for every string."""
    if _NEUTRALISED.match(text) and not is_plain_number(text[1:]):
        return text[1:]
    return text
