"""Formula-injection defence for CSV/XLSX exports that round-trips exactly.

A spreadsheet reads a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return, which some strip first) as a formula, and a formula can fetch a web address, open a
link or run a command (OWASP, "CSV Injection"). Such a cell gets one leading apostrophe on export
(``'=1+2``), which spreadsheets take as "the rest is text"; ``restore`` takes exactly that one
apostrophe off on import.

Which of these cells are left alone, because a spreadsheet reads them as a value and not as a
formula (``is_inert``), decided as OWASP and the careful exporters do (a number is data; a phone
number such as ``+998 90 123 45 67`` is data), made precise so that no formula slips through:

* a plain number: a sign, digits, a point, an exponent (``-12.50``, ``+5``, ``1e3``);
* a phone number written with a space: ``+`` or ``-``, then groups of digits (a group may be in
  parentheses), each group after the first preceded by at most one space, hyphen, point or slash,
  and at least once a space between two groups (``+60 12-345 6789``, ``+1 (555) 010-2030``,
  ``+44 (0)20 7946 0958``). Read as a formula, two operands with only a space between them are
  no formula (a space is Excel's intersection of two references, and these are numbers), so a
  spreadsheet keeps the text as typed; and with no letter, quote, ``!``, ``|`` or ``:`` in it
  there is no function, reference or DDE call that even a lenient reading could run.

Everything else that starts with one of those characters is guarded: text (``-minus``,
``@home``), a phone number with no space (``+60-12-3456789`` is a subtraction, shown as a
number), arithmetic (``+1-1``, ``+1 - 2``: spaces around an operator are allowed in formulas),
and any cell with an apostrophe before them (``'=x`` → ``''=x``, so that ``restore`` tells a
guard from an apostrophe of the text's own).
"""

import re

_RISKY = re.compile(r"'*[=+\-@\t\r]")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_GROUP = r"(?:[0-9]+|\([0-9]+\))"
_PHONE = re.compile(rf"[+-]{_GROUP}(?:[ ./-]?{_GROUP})*")
_OPERAND_SPACE_OPERAND = re.compile(r"[0-9)] [0-9(]")


def is_plain_number(text: str) -> bool:
    """Whether ``text`` is only a number (sign, digits, point, exponent)."""
    return _PLAIN_NUMBER.fullmatch(text) is not None


def is_inert(text: str) -> bool:
    """Whether a spreadsheet reads ``text`` as a value although it starts with ``+`` or ``-``: a
    plain number or a phone number written with a space (see the module's documentation)."""
    return is_plain_number(text) or (
        _PHONE.fullmatch(text) is not None and _OPERAND_SPACE_OPERAND.search(text) is not None)


def needs_guard(text: str) -> bool:
    """Whether a spreadsheet could run ``text`` as a formula (so the export guards it)."""
    return _RISKY.match(text) is not None and not is_inert(text)


def neutralise(text: str) -> str:
    """``text`` with a leading apostrophe if a spreadsheet could run it as a formula."""
    return "'" + text if needs_guard(text) else text


def restore(text: str) -> str:
    """Undo ``neutralise``: ``restore(neutralise(s)) == s`` for every string.

    One apostrophe comes off where the rest starts (after any more apostrophes) with one of the
    characters above and is not a plain number: every guard ``neutralise`` adds, and also one
    before a phone number (``'+60 12-345 6789``), which files exported before phone numbers were
    left alone carry. Both are exact: a text that starts with apostrophes and then one of those
    characters is always guarded, so ``neutralise`` never writes a text that ``restore`` shortens.
    ``'-5`` keeps its apostrophe: no export ever wrote one before a plain number."""
    rest = text[1:]
    if text[:1] == "'" and _RISKY.match(rest) and not is_plain_number(rest):
        return rest
    return text
