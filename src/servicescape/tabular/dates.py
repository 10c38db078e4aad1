"""Dates and times as spreadsheets and CRMs write them."""

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from servicescape.i18n import _
from servicescape.tabular.errors import TabularError
from servicescape.tabular.records import Cell

EXCEL_EPOCH = datetime(1899, 12, 30)
EXCEL_MAX_SERIAL = 2958465  # 9999-12-31
TWO_DIGIT_PIVOT = 70  # 05 → 2005, 70 → 1970

_SERIAL = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_NUMERIC = re.compile(r"([0-9]{1,4})\s*([./-])\s*([0-9]{1,2})\s*\2\s*([0-9]{1,4})\.?")
_HANZI = re.compile(r"([0-9]{4})\s*年\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*日")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAY_MONTH = re.compile(r"([0-9]{1,2})[\s-]+([A-Za-z]{3,9})\.?[\s,-]+([0-9]{2,4})")
_MONTH_DAY = re.compile(r"([A-Za-z]{3,9})\.?\s+([0-9]{1,2})(?:st|nd|rd|th)?,?\s+([0-9]{4})")
_TIME = re.compile(
    r"[T\s]*(?P<h>[0-9]{1,2}):(?P<m>[0-9]{2})(?::(?P<s>[0-9]{2})(?:[.,](?P<f>[0-9]{1,6}))?)?"
    r"\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?\s*(?P<zone>Z|UTC|GMT|[+-][0-9]{2}(?::?[0-9]{2})?)?"
)


def parse_date(value: Cell, *, dayfirst: bool = False) -> date:
    """A calendar date from a date, an Excel serial number or text.

    Text: ISO ``2024-03-05`` (time allowed), ``05.03.2024`` / ``5.3.24`` (always day
    first), ``2024.03.05`` and Hungarian ``2024. 03. 05.``, ``2024/03/05``,
    ``03/05/2024`` (month first unless ``dayfirst``; a part over 12 decides), ``2024年3月5日``,
    ``5 Mar 2024`` and ``Mar 5, 2024``. Two-digit years pivot at 70.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return _parse(value, dayfirst)[0]


def parse_datetime(value: Cell, *, dayfirst: bool, tz: ZoneInfo) -> datetime:
    """An aware UTC datetime; naive input is read in ``tz``, a date as midnight in ``tz``.

    Text with an offset or ``Z`` keeps it; Excel serials keep their time of day, to the second.
    """
    text = value.strip() if isinstance(value, str) else None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    elif text is None or (_SERIAL.fullmatch(text) and len(text.partition(".")[0]) != 8):
        serial = _serial(value if text is None else float(text), value)
        moment = EXCEL_EPOCH + timedelta(seconds=round(serial * 86400))
    elif _looks_iso(text):
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            moment = _text_datetime(text, dayfirst)
    else:
        moment = _text_datetime(text, dayfirst)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(UTC)


def infer_dayfirst(samples: Iterable[str]) -> bool | None:
    """Whether a column's slash (or dash) dates put the day first: True if one starts with
    a number over 12, False if one has its second number over 12, None if none (or both) do.
    """
    day_first = month_first = False
    for sample in samples:
        match = _NUMERIC.match(sample.strip()) if isinstance(sample, str) else None
        if match is None or match.group(2) == "." or len(match.group(1)) > 2:
            continue
        day_first |= int(match.group(1)) > 12
        month_first |= int(match.group(3)) > 12
    if day_first == month_first:
        return None
    return day_first


def _serial(value: Cell, shown: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise TabularError(_("not a date: %(value)s", value=repr(shown)))
    if not 1 <= value <= EXCEL_MAX_SERIAL:
        raise TabularError(_("not a date: %(value)s (Excel day numbers run 1 to 2958465)", value=repr(shown)))
    return float(value)


def _looks_iso(text: str) -> bool:
    return len(text) >= 10 and text[4] == "-" and text[7] == "-" and text[:4].isdigit()


def _parse(value: Cell, dayfirst: bool) -> tuple[date, str]:
    """The date and the text after it (a time, perhaps)."""
    if not isinstance(value, str):
        serial = _serial(value, value)
        return (EXCEL_EPOCH + timedelta(days=int(serial))).date(), ""
    text = value.strip()
    if _SERIAL.fullmatch(text):
        if len(text.partition(".")[0]) == 8:  # compact 20240305
            return _make(text, int(text[:4]), int(text[4:6]), int(text[6:8])), ""
        return _parse(_serial(float(text), text), dayfirst)
    if _looks_iso(text):
        try:
            parsed = date.fromisoformat(text[:10])
        except ValueError:
            raise TabularError(_("not a valid date: %(value)s", value=repr(text))) from None
        return parsed, _rest(text, 10)
    if match := _NUMERIC.match(text):
        first, separator, middle, last = match.groups()
        if len(first) == 4 and len(last) <= 2:
            year, month, day = int(first), int(middle), int(last)
        elif len(first) <= 2 and len(last) in (2, 4):
            year = _year(last)
            a, b = int(first), int(middle)
            day_first = separator == "." or a > 12 or (b <= 12 and dayfirst)
            day, month = (a, b) if day_first else (b, a)
        else:
            raise TabularError(_("not a date: %(value)s", value=repr(text)))
        return _make(text, year, month, day), _rest(text, match.end())
    if match := _HANZI.match(text):
        year, month, day = (int(g) for g in match.groups())
        return _make(text, year, month, day), _rest(text, match.end())
    return _named_month(text)


def _named_month(text: str) -> tuple[date, str]:
    if match := _DAY_MONTH.match(text):
        day, name, year = match.groups()
    elif match := _MONTH_DAY.match(text):
        name, day, year = match.groups()
    else:
        raise TabularError(_("not a date: %(value)s", value=repr(text)))
    month = name[:3].lower()
    if month not in _MONTHS:
        raise TabularError(_("not a date: %(value)s", value=repr(text)))
    made = _make(text, _year(year), _MONTHS.index(month) + 1, int(day))
    return made, _rest(text, match.end())


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < TWO_DIGIT_PIVOT else 1900
    return year


def _make(text: str, year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise TabularError(_("not a valid date: %(value)s", value=repr(text))) from None


def _rest(text: str, end: int) -> str:
    rest = text[end:].strip()
    if rest and not _TIME.fullmatch(rest):
        raise TabularError(_("not a date: %(value)s", value=repr(text)))
    return rest


def _text_datetime(value: str, dayfirst: bool) -> datetime:
    day, rest = _parse(value, dayfirst)
    match = _TIME.fullmatch(rest) if rest else None
    if match is None:
        return datetime.combine(day, time())
    hour, minute = int(match["h"]), int(match["m"])
    ampm = (match["ampm"] or "").lower()[:1]
    if ampm and not 1 <= hour <= 12:
        raise TabularError(_("not a valid time: %(value)s", value=repr(value.strip())))
    if ampm:
        hour = hour % 12 + (12 if ampm == "p" else 0)
    micro = int((match["f"] or "0").ljust(6, "0"))
    try:
        clock = time(hour, minute, int(match["s"] or 0), micro, tzinfo=_zone(match["zone"]))
    except ValueError:
        raise TabularError(_("not a valid time: %(value)s", value=repr(value.strip()))) from None
    return datetime.combine(day, clock)


def _zone(text: str | None) -> timezone | None:
    if not text:
        return None
    if text in ("Z", "UTC", "GMT"):
        return UTC
    digits = text[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
    return timezone(-offset if text[0] == "-" else offset)
