"""Docs that run: the README's set-up commands, configuration table and CLI session are checked."""

import os
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from servicescape.cli.main import app
from servicescape.config import Settings

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def test_the_two_set_up_commands_exist_and_ci_runs_the_test_command() -> None:
    blocks = re.findall(r"```bash\n(\./scripts/\w+)\n```", README)
    assert blocks == ["./scripts/demo", "./scripts/test"]
    for command in blocks:
        assert os.access(ROOT / command, os.X_OK), command
    assert "./scripts/test" in (ROOT / ".ci" / "run").read_text()


def test_configuration_table_lists_every_setting_with_its_env_var() -> None:
    rows = re.findall(r"^\| (\w+) \| `(SERVICESCAPE_\w+)` \|", README, flags=re.M)
    assert [name for name, _env in rows] == list(Settings.model_fields)
    for name, env in rows:
        assert env == f"SERVICESCAPE_{name.upper()}"


def test_configuration_defaults_match_the_code() -> None:
    defaults = dict(re.findall(r"^\| (\w+) \| `SERVICESCAPE_\w+` \| ([^|]+) \|", README, flags=re.M))
    for name, field in Settings.model_fields.items():
        if field.default_factory is None and field.default is not None and not isinstance(field.default, str | bool):
            assert defaults[name].strip() == f"`{field.default}`", name
    assert defaults["mode"].strip() == "`production`" and defaults["https"].strip() == "`false`"


@pytest.mark.slow
def test_the_console_session_runs_on_the_demo_database(db_url: str, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SERVICESCAPE_DATABASE_URL", db_url)
    runner = CliRunner(env={"SERVICESCAPE_MODE": "dev"})
    assert runner.invoke(app, ["demo", "--clients", "60", "--seed", "1"]).exit_code == 0
    session = re.search(r"```console\n(.*?)```", README, flags=re.S)
    assert session is not None
    for line in session.group(1).splitlines():
        args = shlex.split(line.removeprefix("$ "))
        assert args[0] == "servicescape"
        result = runner.invoke(app, args[1:], catch_exceptions=False)
        assert result.exit_code == 0, (line, result.output)
