"""A throw-away PostgreSQL server for one test session.

``PostgresCluster().start()`` runs ``initdb`` into a temporary directory and starts
a server on a free loopback port with durability switched off (about a second);
``stop()`` kills it and deletes the directory. Running as root, the server runs as
the ``postgres`` OS user, as PostgreSQL refuses to run as root.

When ``SERVICESCAPE_TEST_POSTGRES_URL`` is set (a SQLAlchemy URL such as
``postgresql+psycopg://user:pw@host:5432/postgres``), that server is used instead
and nothing is started or stopped.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import re
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType

URL_ENV = "SERVICESCAPE_TEST_POSTGRES_URL"
BINDIR_ENV = "SERVICESCAPE_TEST_POSTGRES_BINDIR"
DEBIAN_BIN_GLOB = "/usr/lib/postgresql/*/bin"
SUPERUSER = "postgres"
_DB_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class PostgresNotAvailable(RuntimeError):
    """The PostgreSQL server binaries are missing or the server would not start."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def find_bindir(search_glob: str = DEBIAN_BIN_GLOB) -> Path:
    """The directory holding ``initdb`` and ``pg_ctl``, newest Debian version first.

    ``SERVICESCAPE_TEST_POSTGRES_BINDIR`` overrides the search.
    """
    override = os.environ.get(BINDIR_ENV)
    candidates = [Path(override)] if override else _debian_bindirs(search_glob)
    for bindir in candidates:
        if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            return bindir
    where = override or search_glob
    raise PostgresNotAvailable(
        f"PostgreSQL server binaries (initdb, pg_ctl) not found in {where}. "
        "Run ./scripts/test, which installs Debian's 'postgresql' package, or set "
        f"{URL_ENV} to a server the tests may use."
    )


def _debian_bindirs(search_glob: str) -> list[Path]:
    def version(path: Path) -> tuple[int, ...]:
        parts = re.findall(r"\d+", path.parent.name)
        return tuple(int(p) for p in parts)

    return sorted((Path(p) for p in glob.glob(search_glob)), key=version, reverse=True)


def _with_database(url: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(database=name).render_as_string(hide_password=False)


def _libpq_url(url: str) -> str:
    """psycopg's connection string for a SQLAlchemy URL."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class PostgresCluster:
    """One PostgreSQL server for a test session; see the module docstring.

    Usage (e.g. in a session-scoped fixture)::

        cluster = PostgresCluster().start()
        try:
            url = cluster.create_database("servicescape_test")
            ...
        finally:
            cluster.stop()
    """

    #: what makes the tests' server fast, at the price of losing confirmed transactions in a crash
    FAST = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"

    def __init__(self, startup_timeout: int = 60, *, durable: bool = False) -> None:
        """``durable``: PostgreSQL's defaults, as a firm runs it (a crash test needs them), not ``FAST``."""
        self.startup_timeout = startup_timeout
        self.durable = durable
        self._external_url = os.environ.get(URL_ENV) or None
        self._root: Path | None = None
        self._bindir: Path | None = None
        self._port: int | None = None
        self._url: str | None = None

    # -- life cycle -------------------------------------------------------------

    @property
    def external(self) -> bool:
        """True when the server comes from ``SERVICESCAPE_TEST_POSTGRES_URL``."""
        return self._external_url is not None

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the ``postgres`` maintenance database."""
        if self._url is None:
            raise RuntimeError("PostgresCluster is not started")
        return self._url

    @property
    def data_dir(self) -> Path | None:
        return self._root / "data" if self._root else None

    def start(self) -> PostgresCluster:
        if self._url is not None:
            return self
        if self._external_url is not None:
            self._url = self._external_url
            return self
        self._bindir = find_bindir()
        self._root = Path(tempfile.mkdtemp(prefix="servicescape-pg-"))
        atexit.register(self.stop)
        try:
            if _running_as_root():
                shutil.chown(self._root, user=SUPERUSER, group=SUPERUSER)
            settings = f"-A trust -U {SUPERUSER} --no-sync -E UTF8 --locale=C.UTF-8"
            self._run("initdb", "-D", str(self.data_dir), *settings.split())
            self._start_server()
        except BaseException:
            self.stop()
            raise
        return self

    def _start_server(self, attempts: int = 3) -> None:
        for attempt in range(1, attempts + 1):
            port = free_port()
            speed = "" if self.durable else f"{self.FAST} "
            options = f"-p {port} -c listen_addresses=127.0.0.1 {speed}-k '{self._root}'"
            try:
                wait = ["-w", "-t", str(self.startup_timeout)]
                log = ["-l", str(self._log_file)]
                self._run("pg_ctl", "-D", str(self.data_dir), *log, *wait, "-o", options, "start")
            except PostgresNotAvailable:
                # Another process may have taken the port since free_port() saw it.
                if attempt == attempts:
                    raise
                continue
            self._port = port
            self._url = f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{port}/postgres"
            return

    def stop(self) -> None:
        """Stop the server (immediately, no checkpoint) and delete its files."""
        atexit.unregister(self.stop)
        if self._root is not None:
            data_dir = self._root / "data"
            if (data_dir / "postmaster.pid").exists():
                with contextlib.suppress(PostgresNotAvailable):  # already gone is fine
                    self._run("pg_ctl", "-D", str(data_dir), "-m", "immediate", "stop")
            shutil.rmtree(self._root, ignore_errors=True)
        self._root = None
        self._port = None
        self._url = None

    def __enter__(self) -> PostgresCluster:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- databases --------------------------------------------------------------

    def create_database(self, name: str, template: str = "template0") -> str:
        """Create (or re-create) database ``name``; return its SQLAlchemy URL.

        It starts empty, or as a copy of ``template``: migrate one database once,
        then clone it per test (fast; nothing may be connected to the template).
        """
        ident = self._check_name(name)
        source = self._check_name(template)
        self.drop_database(name)
        self.execute(f"CREATE DATABASE {ident} TEMPLATE {source} ENCODING 'UTF8'")
        return _with_database(self.url, name)

    def drop_database(self, name: str) -> None:
        ident = self._check_name(name)
        self.execute(f"DROP DATABASE IF EXISTS {ident} WITH (FORCE)")

    def execute(self, statement: str) -> None:
        """Run one statement in the maintenance database with autocommit."""
        import psycopg

        with psycopg.connect(_libpq_url(self.url), autocommit=True) as conn:
            conn.execute(statement.encode())  # bytes: any statement, not only literals

    @staticmethod
    def _check_name(name: str) -> str:
        if not _DB_NAME.match(name):
            raise ValueError(
                f"database name {name!r} must be lower-case letters, digits and "
                "underscores, starting with a letter or underscore"
            )
        return f'"{name}"'

    # -- helpers ----------------------------------------------------------------

    @property
    def _log_file(self) -> Path:
        assert self._root is not None
        return self._root / "server.log"

    def _run(self, program: str, *args: str) -> None:
        assert self._bindir is not None and self._root is not None
        command = [str(self._bindir / program), *args]
        if _running_as_root():
            command = _as_postgres_user(command)
        result = subprocess.run(
            command,
            cwd=self._root,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            log = ""
            if self._log_file.exists():
                log = self._log_file.read_text(errors="replace")[-2000:]
            raise PostgresNotAvailable(
                f"{program} failed with exit status {result.returncode}:\n{result.stdout}{result.stderr}{log}"
            )


def _running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _as_postgres_user(command: list[str]) -> list[str]:
    runuser = shutil.which("runuser") or "/usr/sbin/runuser"
    if Path(runuser).exists():
        return [runuser, "-u", SUPERUSER, "--", *command]
    import shlex

    return ["su", SUPERUSER, "-s", "/bin/sh", "-c", shlex.join(command)]
