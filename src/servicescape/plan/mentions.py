"""Finding competitors' names in what clients say: every registered text source (complaints, survey
answers, interaction notes, reviews, …) is read, and each text that names a competitor becomes a
``CompetitorMention`` (once per competitor, source and record), with an excerpt around the name.

A name matches whatever its case. In scripts that separate words (Latin, Cyrillic, …) it must
stand as whole words ("Apex" is not found in "Apexia"); in scripts written without spaces (Chinese,
Japanese, Thai, and Korean, whose particles join the word) it is found anywhere in the text.

A scan is incremental: the texts said since ``since`` for every competitor, plus every text for the
competitors added or renamed since then; a full scan (``since=None``) reads everything and also
drops the mentions whose text no longer names the competitor.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from servicescape.auth.permissions import Principal, require
from servicescape.plan.capability import MANAGE
from servicescape.plan.models import Competitor, CompetitorMention
from servicescape.platform.registry import TextSource, registry, resolve

#: characters of scripts written without spaces between words: a name in them matches anywhere
UNSPACED_CHARS = ("\u0e00-\u0e7f\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3100-\u312f"
                  "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff")
UNSPACED = re.compile(f"[{UNSPACED_CHARS}]")
#: a letter or digit of a script that separates words: what may not touch a name written in one
#: ("CoolTech的報價" names CoolTech; "CoolTechnic" does not)
SPACED_WORD = f"(?:(?![{UNSPACED_CHARS}])\\w)"
EXCERPT = 400
BEFORE = 120
KEY_LENGTH = 80
READ_CHUNK = 2_000
WRITE_CHUNK = 1_000
#: texts read between two calls of a scan's ``progress``
PROGRESS_EVERY = 20_000


def name_pattern(name: str) -> str:
    """The regular expression of a competitor's name (spaces between its words: any whitespace)."""
    words = name.split()
    body = r"\s+".join(re.escape(word) for word in words)
    if UNSPACED.search(name):
        return body
    return f"(?<!{SPACED_WORD}){body}(?!{SPACED_WORD})"


class Matcher:
    """Finds the competitors a text names: one alternation, the longest names first (a text naming
    "Apex Partners" names Apex Partners, not also a competitor called "Apex" at the same place)."""

    def __init__(self, names: Iterable[tuple[int, str]]) -> None:
        named = sorted(((i, n) for i, n in names if n.split()), key=lambda item: (-len(item[1]), item[0]))
        self.ids = [competitor_id for competitor_id, _name in named]
        self.regex = re.compile("|".join(f"(?P<c{n}>{name_pattern(name)})" for n, (_i, name) in enumerate(named)),
                                re.IGNORECASE) if named else None

    def find(self, text: str) -> dict[int, tuple[int, int]]:
        """Competitor id → (start, end) of its first mention in ``text``."""
        found: dict[int, tuple[int, int]] = {}
        if self.regex is None or not text:
            return found
        for match in self.regex.finditer(text):
            assert match.lastgroup is not None
            competitor_id = self.ids[int(match.lastgroup[1:])]
            found.setdefault(competitor_id, match.span())
        return found


def excerpt(text: str, start: int, end: int, length: int = EXCERPT) -> str:
    """The words around a mention, at most ``length`` characters, "…" where the text goes on."""
    first = max(0, start - BEFORE)
    if first > 0:       # from the start of a word
        space = text.find(" ", first, start)
        first = space + 1 if space != -1 else first
    last = min(len(text), first + length - 2)
    if last < len(text):
        space = text.rfind(" ", end, last)
        last = space if space != -1 else last
    part = " ".join(text[first:last].split())
    return (("…" if first > 0 else "") + part + ("…" if last < len(text) else ""))[:length]


@dataclass(frozen=True)
class Scanned:
    texts: int = 0
    added: int = 0
    removed: int = 0
    full: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"texts": self.texts, "added": self.added, "removed": self.removed, "full": self.full}


def _rows(session: Session, source: TextSource, since: datetime | None) -> Iterator[tuple[Any, ...]]:
    rows = resolve(source.rows)().subquery()
    query = select(rows.c.key, rows.c.client_id, rows.c.text, rows.c.said_at).where(rows.c.text.is_not(None))
    if since is not None:
        query = query.where(rows.c.said_at >= since)
    result = session.execute(query.execution_options(yield_per=READ_CHUNK))
    yield from result


def _found(session: Session, sources: Sequence[TextSource], matcher: Matcher, since: datetime | None,
           found: dict[tuple[int, str, str], dict[str, Any]], progress: Callable[[], None] | None) -> int:
    """Read the texts of ``sources`` (said since ``since``) into ``found``; → how many were read.
    ``progress`` is called every ``PROGRESS_EVERY`` texts (a job keeps its lease)."""
    texts = 0
    for source in sources:
        for key, client_id, text, said_at in _rows(session, source, since):
            texts += 1
            if progress is not None and texts % PROGRESS_EVERY == 0:
                progress()
            key = str(key)
            if len(key) > KEY_LENGTH:
                continue
            for competitor_id, (start, end) in matcher.find(text).items():
                found.setdefault((competitor_id, source.type, key), {
                    "competitor_id": competitor_id, "source": source.type, "key": key, "client_id": client_id,
                    "said_at": said_at, "excerpt": excerpt(text, start, end)})
    return texts


def scan(session: Session, *, since: datetime | None = None, changed_since: datetime | None = None,
         sources: Sequence[TextSource] | None = None, progress: Callable[[], None] | None = None,
         by: Principal) -> Scanned:
    """Store the mentions found (see the module's docstring): of the texts said since ``since`` (None:
    all of them), and of all texts for the competitors added or changed since ``changed_since``
    (default: ``since``). Running it again changes nothing. ``progress`` is called now and then
    while the texts are read (before anything is written)."""
    require(by, MANAGE)
    sources = list(registry().text_sources() if sources is None else sources)
    everyone = list(session.execute(select(Competitor.id, Competitor.name, Competitor.updated_at)))
    if not everyone:
        return Scanned(full=since is None)
    found: dict[tuple[int, str, str], dict[str, Any]] = {}
    if since is None:
        rescanned = {competitor_id for competitor_id, _name, _at in everyone}
        texts = _found(session, sources, Matcher((i, n) for i, n, _at in everyone), None, found, progress)
    else:
        changed = changed_since or since
        rescanned = {competitor_id for competitor_id, _name, at in everyone if at is not None and at >= changed}
        texts = _found(session, sources, Matcher((i, n) for i, n, _at in everyone), since, found, progress)
        if rescanned:
            texts += _found(session, sources, Matcher((i, n) for i, n, _at in everyone if i in rescanned), None,
                            found, progress)
    known = {(m.competitor_id, m.source, m.key): m.id for m in session.execute(
        select(CompetitorMention.id, CompetitorMention.competitor_id, CompetitorMention.source,
               CompetitorMention.key)).all()}
    fresh = [row for key, row in found.items() if key not in known]
    for start in range(0, len(fresh), WRITE_CHUNK):
        session.execute(insert(CompetitorMention), fresh[start:start + WRITE_CHUNK])
    kept_sources = {s.type for s in sources}
    stale = [mention_id for (competitor_id, source, key), mention_id in known.items()
             if competitor_id in rescanned and source in kept_sources and (competitor_id, source, key) not in found]
    for start in range(0, len(stale), WRITE_CHUNK):
        session.execute(delete(CompetitorMention).where(CompetitorMention.id.in_(stale[start:start + WRITE_CHUNK])))
    return Scanned(texts, len(fresh), len(stale), since is None)

