"""Uploaded files waiting while a person matches their columns, checks and imports them.

Each upload is kept under the data directory in a folder named by a random token (what the pages'
URLs carry), with a note of who uploaded it, for which kind, how to read it and when. Only the
person who uploaded it can use it, for ``KEPT_SECONDS``; a real import deletes it, and the
``data.purge_uploads`` job deletes what is left behind. Nobody keeps more than ``PER_PERSON``.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from servicescape.errors import NotFound
from servicescape.i18n import _
from servicescape.runtime import Runtime

KEPT_SECONDS = 2 * 3600
PER_PERSON = 5
NOTE = ".note.json"  # stored names never begin with a dot
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
_UNSAFE = re.compile(r"[^\w .()+,-]")


@dataclass(frozen=True)
class StagedUpload:
    token: str
    owner: int | None          # the staff member's id (None: the system)
    kind: str
    file: str                  # the name it was uploaded with
    suffix: str                # the data file's extension, which tells the reader its format
    encoding: str | None
    sheet: str | None
    created: float             # time.time() of the upload
    options: dict[str, str] = field(default_factory=dict)   # what the kind needs besides the file

    def path(self, runtime: Runtime) -> Path:
        return uploads_dir(runtime) / self.token / stored_name(self.file, self.suffix)


def stored_name(filename: str, suffix: str) -> str:
    """The name an upload is kept under, in a folder of its own: its own name (the reader's messages
    name the file), made safe, with ``suffix`` as its extension; ``file.csv`` if nothing is left."""
    stem = _UNSAFE.sub("_", Path(Path(filename).name).stem).strip(" .")[:80] or "file"
    return f"{stem}{suffix}"


def uploads_dir(runtime: Runtime) -> Path:
    return runtime.settings.data_dir / "import-uploads"


def new_folder(runtime: Runtime) -> str:
    """A fresh token, whose folder is made (readable by this process's user only)."""
    root = uploads_dir(runtime)
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    (root / token).mkdir(mode=0o700)
    return token


def keep(runtime: Runtime, upload: StagedUpload, *, now: float | None = None) -> None:
    """Write the note that makes the folder's upload findable; older uploads of the same person
    past ``PER_PERSON`` go."""
    (uploads_dir(runtime) / upload.token / NOTE).write_text(json.dumps(asdict(upload)), encoding="utf-8")
    mine = sorted((found for found in _all(runtime) if found.owner == upload.owner), key=lambda found: found.created)
    for old in mine[:-PER_PERSON]:
        discard(runtime, old.token)
    purge(runtime, now=now)


def find(runtime: Runtime, token: str, *, owner: int | None, now: float | None = None) -> StagedUpload:
    """The upload ``token`` names, if ``owner`` uploaded it and it has not expired."""
    found = _read(uploads_dir(runtime) / token) if _TOKEN.fullmatch(token) else None
    current = time.time() if now is None else now
    if found is None or found.owner != owner or current - found.created > KEPT_SECONDS:
        raise NotFound(_("This uploaded file is no longer here: uploads are kept for two hours, for the "
                         "person who uploaded them. Upload the file again."), field="token")
    return found


def discard(runtime: Runtime, token: str) -> None:
    if _TOKEN.fullmatch(token):
        shutil.rmtree(uploads_dir(runtime) / token, ignore_errors=True)


def purge(runtime: Runtime, *, now: float | None = None) -> int:
    """Delete the uploads older than ``KEPT_SECONDS`` (and folders without a note as old); how many."""
    root = uploads_dir(runtime)
    if not root.is_dir():
        return 0
    cutoff = (time.time() if now is None else now) - KEPT_SECONDS
    deleted = 0
    for folder in root.iterdir():
        found = _read(folder)
        try:
            created = found.created if found is not None else folder.stat().st_mtime
        except FileNotFoundError:  # another process swept it first
            continue
        if created < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
            deleted += 1
    return deleted


def _all(runtime: Runtime) -> list[StagedUpload]:
    root = uploads_dir(runtime)
    return [found for folder in root.iterdir() if (found := _read(folder)) is not None] if root.is_dir() else []


def _read(folder: Path) -> StagedUpload | None:
    try:
        note: dict[str, Any] = json.loads((folder / NOTE).read_text(encoding="utf-8"))
        return StagedUpload(**note)
    except (OSError, ValueError, TypeError):
        return None
