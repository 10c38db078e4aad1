"""Finding and running PostgreSQL's client programs: version choice, password only in the environment."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from servicescape.errors import BackupFailed, ConfigurationError
from servicescape.platform import pg_tools


def fake_program(path: Path, script: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)
    return path


@pytest.fixture
def debian(tmp_path: Path) -> str:
    """pg_dump of PostgreSQL 14, 15 and 16, laid out as Debian does."""
    for major in (14, 15, 16):
        fake_program(tmp_path / "postgresql" / str(major) / "bin" / "pg_dump",
                     f"echo 'pg_dump (PostgreSQL) {major}.3'\n")
    return str(tmp_path / "postgresql" / "*" / "bin")


@pytest.mark.parametrize(("number", "major"), [(150010, 15), (170002, 17), (100023, 10), (90624, 9)])
def test_server_major(number: int, major: int) -> None:
    assert pg_tools.server_major(number) == major


@pytest.mark.parametrize(("server", "chosen"), [(15, 15), (16, 16), (13, 14), (9, 14)])
def test_the_matching_major_first_then_the_nearest_newer(debian: str, server: int, chosen: int) -> None:
    found = pg_tools.find_tool("pg_dump", server, search_glob=debian, use_path=False)
    assert found.parent.parent.name == str(chosen)


def test_no_program_new_enough_is_a_clear_error(debian: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        pg_tools.find_tool("pg_dump", 17, search_glob=debian, use_path=False)
    assert caught.value.message == (
        f"pg_dump for PostgreSQL 17 was not found (looked in {debian.replace('*', '17')}); install the "
        "PostgreSQL 17 client programs (Debian: apt install postgresql-client-17).")


def test_a_program_on_path_counts_by_its_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    on_path = fake_program(tmp_path / "bin" / "pg_restore", "echo 'pg_restore (PostgreSQL) 16.1'\n")
    monkeypatch.setenv("PATH", str(on_path.parent))
    nowhere = str(tmp_path / "none" / "*" / "bin")
    assert pg_tools.find_tool("pg_restore", 16, search_glob=nowhere) == on_path
    with pytest.raises(ConfigurationError, match="and PATH"):
        pg_tools.find_tool("pg_restore", 17, search_glob=nowhere)


def test_the_password_goes_through_the_environment_never_the_command_line(tmp_path: Path) -> None:
    program = fake_program(tmp_path / "show", 'echo "args: $*"\necho "env: $PGUSER $PGPASSWORD $PGHOST $PGPORT '
                                              '$PGDATABASE $PGSSLMODE"\n')
    url = make_url("postgresql+psycopg://ana:s3cr%40t@db.example:6543/firm?sslmode=require")
    printed = pg_tools.run_tool(program, ["--format=custom"], url).splitlines()
    assert printed == ["args: --no-password --format=custom", "env: ana s3cr@t db.example 6543 firm require"]


def test_a_failure_reports_the_first_line_of_stderr(tmp_path: Path) -> None:
    url = make_url("postgresql://ana@localhost/firm")
    noisy = fake_program(tmp_path / "pg_restore", "echo >&2\necho 'pg_restore: error: bad input' >&2\n"
                                                  "echo 'more' >&2\nexit 1\n")
    with pytest.raises(BackupFailed) as caught:
        pg_tools.run_tool(noisy, [], url)
    assert caught.value.message == "pg_restore failed: pg_restore: error: bad input"
    silent = fake_program(tmp_path / "pg_dump", "exit 3\n")
    with pytest.raises(BackupFailed) as caught:
        pg_tools.run_tool(silent, [], url)
    assert caught.value.message == "pg_dump failed: exit status 3"
