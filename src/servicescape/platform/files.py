"""Files written whole or not at all: a hidden temporary file next to the target, renamed into place.

An interrupted writer (an error, Ctrl+C, a killed process) never leaves a half file under the
target's name; at worst a hidden ``.NAME.*.partial`` file stays behind after a hard kill.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def staged_file(target: Path, *, replace: bool = False) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; when the block succeeds, it becomes ``target``.

    The file is synced to disk before it takes the name. Without ``replace`` an existing target is
    never overwritten (FileExistsError), checked atomically where the file system has hard links.
    The temporary file is created with mode 0600 (owner only), which the target keeps.
    """
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
        _fsync(temp)
        _install(temp, target, replace=replace)
        _fsync(target.parent)
    finally:
        temp.unlink(missing_ok=True)


def write_whole(target: Path, content: bytes) -> None:
    """``content`` as ``target``, replacing it whole or not at all (a kill leaves the old file).

    A target that is no regular file (a pipe, a device such as ``/dev/stdout``, or a link to one)
    is written as it comes: it cannot be renamed into place."""
    if target.is_symlink() or (target.exists() and not target.is_file()):
        target.write_bytes(content)
        return
    with staged_file(target, replace=True) as temp:
        temp.write_bytes(content)


def _install(temp: Path, target: Path, *, replace: bool) -> None:
    if replace:
        os.replace(temp, target)
        return
    try:
        os.link(temp, target)  # atomic, and never overwrites
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links
        if target.exists():
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target)) from None
        os.replace(temp, target)


def _fsync(path: Path) -> None:
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
