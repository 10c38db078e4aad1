"""Secret tokens kept out of the logs: the access log (uvicorn's) and the app's own messages name a
survey link, a calendar feed, a password or sign-in link as ``/s/[token]``, never with the token.

The token routes are found in the app itself — every route whose path has a ``{token}`` parameter —
so a capability that adds one is covered without being listed here.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

#: what a token is written as in the logs
HIDDEN = "[token]"
#: loggers whose messages may carry a request's path (a logger's filter sees only its own records)
LOGGERS = ("uvicorn.access", "uvicorn.error", "servicescape.web")


def token_pattern(paths: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern for every route path with ``{token}``: the part before it (group 1), the token."""
    parts = []
    for path in sorted(set(paths)):
        if "{token}" not in path:
            continue
        before = path.split("{token}", 1)[0]
        parts.append(re.sub(r"\\\{[^}]+\\\}", "[^/?#\\\\s]+", re.escape(before)))
    if not parts:
        return None
    return re.compile(rf"((?:{'|'.join(parts)}))[^/?#\s\"']+")


class RedactTokens(logging.Filter):
    """Rewrites a record's arguments and message so that no token of a token route is left."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        super().__init__()
        self.pattern = pattern

    def _clean(self, value: Any) -> Any:
        return self.pattern.sub(rf"\1{HIDDEN}", value) if isinstance(value, str) else value

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(self._clean(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: self._clean(value) for key, value in record.args.items()}
        record.msg = self._clean(record.msg)
        return True


def install(paths: Iterable[str]) -> RedactTokens | None:
    """Attach the filter (once per process) to the loggers that may name a request's path."""
    pattern = token_pattern(paths)
    if pattern is None:
        return None
    found = None
    for name in LOGGERS:
        logger = logging.getLogger(name)
        for existing in logger.filters:
            if isinstance(existing, RedactTokens):
                existing.pattern = pattern
                found = existing
                break
        else:
            found = RedactTokens(pattern)
            logger.addFilter(found)
    return found
