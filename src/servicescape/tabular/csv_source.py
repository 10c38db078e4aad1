"""Streaming CSV reading: chunked decoding with exact line numbers and delimiter sniffing.

The file is read in 1 MiB blocks cut at a line end, each block decoded strictly (so a bad
byte is reported with its line) and split into lines that feed ``csv.reader``; nothing
holds more than a block or a record at a time.
"""

import csv
import io
import itertools
import re
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any, BinaryIO, cast

from servicescape.i18n import _
from servicescape.tabular.encoding import detect_encoding
from servicescape.tabular.errors import TabularError
from servicescape.tabular.records import Cell, Record
from servicescape.tabular.shape import clean_headers, fit_row

DELIMITERS = (",", ";", "\t", "|")
BLOCK_BYTES = 1 << 20
SNIFF_CHARS = 65536
SNIFF_RECORDS = 50
_EXCEL_SEP = re.compile(r"sep=(.)\r?\n?", re.IGNORECASE)


class CsvSource:
    """An open CSV file: its headers, encoding, delimiter and a lazy record iterator."""

    def __init__(self, path: Path, encoding: str | None, preferred: str | None) -> None:
        self.name = path.name
        self._raw: BinaryIO = path.open("rb")
        try:
            head = self._raw.read(BLOCK_BYTES)
            if not head.strip():
                raise TabularError(_("%(file)s is empty", file=self.name))
            self.detected = detect_encoding(head, len(head) < BLOCK_BYTES, encoding)
            decoded = itertools.chain.from_iterable(self._line_blocks(head))
            self.delimiter, self._offset, lines = _sniff(decoded, preferred)
            self._reader = csv.reader(lines, delimiter=self.delimiter, strict=True)
            self.headers = self._read_headers()
        except BaseException:
            self._raw.close()
            raise

    def close(self) -> None:
        self._raw.close()

    def records(self) -> Generator[Record, None, None]:
        """Yield the data records, short ones padded with None; blank lines are skipped
        (so are lines whose cells are all empty or spaces)."""
        reader, width, offset = self._reader, len(self.headers), self._offset
        rows = cast(Iterator[list[Any]], reader)  # lists of str; Any lets them pass as list[Cell]
        fit = self._fit
        previous = reader.line_num  # lines read so far; a record starts on the next one
        try:
            for row in rows:
                number = previous + 1 + offset
                previous = reader.line_num
                first = row[0] if row else ""
                # a blank record: no cell, or only empty ones or spaces (only then every cell is looked at)
                if (not first or first.isspace()) and (not any(row) or (first.isspace() and _is_blank(row))):
                    continue
                if len(row) != width:
                    row = fit(row, number)
                yield Record(number, row)
        except csv.Error as error:
            raise self._csv_error(error, previous + 1 + offset, reader.line_num + offset) from None
        finally:
            self._raw.close()

    def _fit(self, row: list[Cell], number: int) -> list[Cell]:
        shown = _("tab") if self.delimiter == "\t" else repr(self.delimiter)
        hint = _("; quote fields that contain the delimiter %(delimiter)s", delimiter=shown)
        return fit_row(row, len(self.headers), _("%(file)s line %(line)s", file=self.name, line=number), hint)

    def _read_headers(self) -> list[str]:
        reader, offset, previous = self._reader, self._offset, 0
        try:
            for row in reader:
                line, previous = previous + 1 + offset, reader.line_num
                if any(row):
                    return clean_headers(row, _("%(file)s line %(line)s", file=self.name, line=line))
        except csv.Error as error:
            raise self._csv_error(error, previous + 1 + offset, reader.line_num + offset) from None
        raise TabularError(_("%(file)s has no header row", file=self.name))

    def _csv_error(self, error: csv.Error, start: int, line: int) -> TabularError:
        text = str(error)
        if "unexpected end of data" in text:
            return TabularError(_(
                "%(file)s line %(line)s: a quoted field that starts on this line never "
                "ends; look for a stray double quote", file=self.name, line=start,
            ))
        if "expected after" in text:
            return TabularError(_(
                "%(file)s line %(line)s: text follows a closing double quote; inside a "
                'quoted field write a double quote twice ("")', file=self.name, line=line,
            ))
        if "field larger than field limit" in text:
            return TabularError(_(
                "%(file)s line %(line)s: a field is longer than %(n)s "
                "characters; a stray double quote may have opened a quoted field",
                file=self.name, line=start, n=f"{csv.field_size_limit():,}",
            ))
        return TabularError(_("%(file)s line %(line)s: %(problem)s", file=self.name, line=line, problem=text))

    def _line_blocks(self, head: bytes) -> Iterator[list[str]]:
        """Decode the file block by block, each cut at a line end; yield each block's lines."""
        codec = self.detected.codec
        newline = "\n".encode(codec)
        buffer, lines_before = head[self.detected.skip :], 0
        at_eof = len(head) < BLOCK_BYTES
        while True:
            cut = len(buffer) if at_eof else _line_end(buffer, newline)
            if cut:
                block, buffer = buffer[:cut], buffer[cut:]
                try:
                    text = block.decode(codec)
                except UnicodeDecodeError as error:
                    raise self._decode_error(error, block, lines_before) from None
                lines = io.StringIO(text, newline="").readlines()
                lines_before += len(lines)
                yield lines
            if at_eof:
                return
            chunk = self._raw.read(BLOCK_BYTES)
            at_eof = not chunk
            buffer += chunk

    def _decode_error(self, error: UnicodeDecodeError, block: bytes, before: int) -> TabularError:
        good = block[: error.start].decode(self.detected.codec, errors="replace")
        line = before + len(io.StringIO(good, newline="").readlines())
        if not good or good.endswith(("\n", "\r")):
            line += 1
        bad = block[error.start : error.end].hex(" ")
        return TabularError(_(
            "%(file)s line %(line)s: bytes %(bytes)s are not valid %(encoding)s text; "
            "if the file uses another encoding, name it with --encoding "
            "(for example cp1250, cp1251, gb18030, big5 or cp1252)",
            file=self.name, line=line, bytes=bad, encoding=self.detected.name,
        ))


def _is_blank(row: list[Cell]) -> bool:
    return all(not isinstance(cell, str) or not cell.strip() for cell in row)


def _line_end(buffer: bytes, newline: bytes) -> int:
    """Offset just after the last line break in ``buffer`` (0 if none is safe to cut at)."""
    unit = len(newline)
    at = buffer.rfind(newline)
    while at >= 0 and at % unit:
        at = buffer.rfind(newline, 0, at + unit - 1)
    if at < 0 and unit == 1:
        at = buffer.rfind(b"\r", 0, len(buffer) - 1)  # old Mac line ends; not a split CRLF
    return at + unit if at >= 0 else 0


def _sniff(lines: Iterator[str], preferred: str | None) -> tuple[str, int, Iterator[str]]:
    """Pick the delimiter from the first records, honouring quotes.

    Returns the delimiter, the number of lines consumed (Excel's ``sep=`` line) and the
    lines to parse. The delimiter whose field count is most consistent with the header's
    wins, then the one giving the header most fields; with no delimiter in the header the
    file has one column.
    """
    peeked: list[str] = []
    size = 0
    for line in lines:
        peeked.append(line)
        size += len(line)
        if size >= SNIFF_CHARS or len(peeked) >= SNIFF_RECORDS * 4:
            break
    complete = size < SNIFF_CHARS and len(peeked) < SNIFF_RECORDS * 4
    rest = itertools.chain(peeked, lines)
    if peeked and (excel := _EXCEL_SEP.fullmatch(peeked[0])):
        next(rest)
        return excel.group(1), 1, rest
    order = sorted(DELIMITERS, key=lambda d: d != preferred)
    best, best_score = preferred or ",", (0.0, 1)
    for delimiter in order:
        counts = _field_counts(peeked, delimiter, complete)
        if not counts or counts[0] < 2:
            continue
        header, body = counts[0], counts[1:]
        consistency = sum(n == header for n in body) / len(body) if body else 1.0
        if (consistency, header) > best_score:
            best, best_score = delimiter, (consistency, header)
    return best, 0, rest


def _field_counts(lines: list[str], delimiter: str, complete: bool) -> list[int]:
    counts: list[int] = []
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        for row in reader:
            if any(row):
                counts.append(len(row))
            if len(counts) > SNIFF_RECORDS:
                break
    except csv.Error:
        pass  # a quoted field cut at the sample's end
    if not complete and len(counts) > 1:
        counts.pop()  # the last record may be cut short
    return counts
