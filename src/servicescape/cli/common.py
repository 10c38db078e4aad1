"""What every command shares: --db, --json, opening the runtime, one-line errors."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from sqlalchemy.exc import OperationalError

from servicescape.config import Settings
from servicescape.errors import ServicescapeError
from servicescape.runtime import Runtime, open_runtime
from servicescape.tabular.errors import TabularError

DbOption = Annotated[
    str | None,
    typer.Option("--db", envvar="SERVICESCAPE_DATABASE_URL", show_envvar=True,
                 help="Database URL (default: SQLite file in the data directory)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[bold red]error:[/] {escape(message)}", markup=True, soft_wrap=True)  # the message is text, not markup
    raise typer.Exit(code)


def load_settings(db: str | None = None, **overrides: Any) -> Settings:
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        fail(f"setting {'.'.join(str(p) for p in first['loc'])}: {first['msg']}")
    if db:
        settings.database_url = db
    return settings


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the product's errors into one clear line and a non-zero exit (no traceback)."""
    try:
        yield
    except (ServicescapeError, TabularError) as exc:
        message = getattr(exc, "message", str(exc))
        field = getattr(exc, "field", None)
        fail(f"{field}: {message}" if field and field not in message else message)
    except OperationalError as exc:
        fail(f"the database could not be used: {str(exc.orig).strip().splitlines()[0]}")
    except OSError as exc:
        fail(f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc))


@contextmanager
def opened(db: str | None, *, upgrade: bool = True, **overrides: Any) -> Iterator[Runtime]:
    with user_errors():
        runtime = open_runtime(load_settings(db, **overrides), upgrade=upgrade)
        try:
            yield runtime
        finally:
            runtime.close()


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"cannot serialise {type(value).__name__}")


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=_plain) + "\n")


def interactive() -> bool:
    return sys.stdin.isatty()
