"""PostgreSQL's client programs (pg_dump, pg_restore): find the one that fits the server, run it.

Debian installs each major version's programs under ``/usr/lib/postgresql/<major>/bin/``; the
one whose major version matches the server's is preferred, then the nearest newer one (a newer
pg_dump reads older servers; an older one refuses a newer server), then whatever ``PATH`` has
if its ``--version`` qualifies. The connection goes to the program through libpq's environment
variables (``PGHOST``, ``PGPASSWORD``, ...), so the password never appears on a command line.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import URL

from servicescape.errors import BackupFailed, ConfigurationError
from servicescape.i18n import _

DEBIAN_BIN_GLOB = "/usr/lib/postgresql/*/bin"
#: URL query parameters passed on as libpq environment variables
_LIBPQ_QUERY = {
    "host": "PGHOST", "port": "PGPORT", "sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY", "sslcrl": "PGSSLCRL",
    "connect_timeout": "PGCONNECT_TIMEOUT", "application_name": "PGAPPNAME",
    "options": "PGOPTIONS", "passfile": "PGPASSFILE", "service": "PGSERVICE",
    "gssencmode": "PGGSSENCMODE", "channel_binding": "PGCHANNELBINDING",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}
_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)")


def server_major(version_num: int) -> int:
    """The major version from ``server_version_num`` (150010 → 15, 170002 → 17)."""
    return version_num // 10000


def _program_major(program: Path) -> int | None:
    try:
        result = subprocess.run([str(program), "--version"], capture_output=True, text=True,  # noqa: S603 - our own argv
                                stdin=subprocess.DEVNULL, timeout=30, check=False)
    except OSError:
        return None
    match = _VERSION.search(result.stdout)
    return int(match.group(1)) if match and result.returncode == 0 else None


def _debian_candidates(tool: str, search_glob: str) -> list[tuple[int, Path]]:
    found = []
    for bindir in glob.glob(search_glob):
        program = Path(bindir) / tool
        digits = re.findall(r"\d+", Path(bindir).parent.name)
        if digits and os.access(program, os.X_OK):
            found.append((int(digits[0]), program))
    return found


def find_tool(tool: str, major: int, *, search_glob: str | None = None,
              use_path: bool = True) -> Path:
    """The ``tool`` program for a server of version ``major``; ConfigurationError when none fits."""
    search_glob = search_glob or DEBIAN_BIN_GLOB
    candidates = _debian_candidates(tool, search_glob)
    on_path = shutil.which(tool) if use_path else None
    if on_path:
        path_major = _program_major(Path(on_path))
        if path_major is not None:
            candidates.append((path_major, Path(on_path)))
    usable = sorted((m, p) for m, p in candidates if m >= major)
    exact = [p for m, p in usable if m == major]
    if exact:
        return exact[0]
    if usable:
        return usable[0][1]
    where = search_glob.replace("*", str(major)) + (" " + _("and PATH") if use_path else "")
    raise ConfigurationError(_(
        "%(tool)s for PostgreSQL %(major)s was not found (looked in %(where)s); install the "
        "PostgreSQL %(major)s client programs (Debian: apt install postgresql-client-%(major)s).",
        tool=tool, major=major, where=where))


def libpq_environment(url: URL) -> dict[str, str]:
    """The process environment for a libpq program connecting to ``url`` (password included)."""
    env = dict(os.environ)
    for key, value in url.query.items():
        name = _LIBPQ_QUERY.get(key)
        if name is not None:
            env[name] = value if isinstance(value, str) else value[-1]
    pairs = {"PGHOST": url.host, "PGPORT": url.port, "PGUSER": url.username,
             "PGPASSWORD": url.password, "PGDATABASE": url.database}
    env.update({name: str(value) for name, value in pairs.items() if value is not None})
    return env


def run_tool(program: Path, arguments: Sequence[str], url: URL) -> str:
    """Run ``program`` against the database at ``url``; its standard output, or BackupFailed."""
    command = [str(program), "--no-password", *arguments]
    try:
        result = subprocess.run(command, env=libpq_environment(url), capture_output=True,  # noqa: S603 - argv built here
                                stdin=subprocess.DEVNULL, check=False)
    except OSError as exc:
        raise BackupFailed(_("%(tool)s could not be started: %(reason)s",
                             tool=program.name, reason=exc.strerror or str(exc))) from exc
    if result.returncode != 0:
        lines = [line.strip() for line in result.stderr.decode(errors="replace").splitlines()]
        first = next((line for line in lines if line), _("exit status %(status)s",
                                                          status=result.returncode))
        raise BackupFailed(_("%(tool)s failed: %(reason)s", tool=program.name, reason=first))
    return result.stdout.decode(errors="replace")
