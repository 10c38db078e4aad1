from pathlib import Path

import pytest
from pydantic import ValidationError

from servicescape.config import DEMO_SECRET_KEY, Settings
from servicescape.errors import ConfigurationError


def test_production_refuses_the_built_in_secret_key() -> None:
    settings = Settings(mode="production")
    with pytest.raises(ConfigurationError, match="SERVICESCAPE_SECRET_KEY"):
        settings.require_secret_key()


def test_production_refuses_a_short_secret_key() -> None:
    with pytest.raises(ConfigurationError):
        Settings(mode="production", secret_key="short").require_secret_key()


@pytest.mark.parametrize("mode", ["demo", "dev"])
def test_demo_and_dev_accept_the_built_in_key(mode: str) -> None:
    Settings(mode=mode, secret_key=DEMO_SECRET_KEY).require_secret_key()


def test_production_accepts_a_real_key() -> None:
    Settings(mode="production", secret_key="x" * 40).require_secret_key()


def test_environment_variables_use_the_prefix(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SERVICESCAPE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SERVICESCAPE_TIMEZONE", "Europe/Sofia")
    monkeypatch.setenv("SERVICESCAPE_TIER_NAMES", '{"key": "Platinum", "growth": "Gold", "standard": "Silver"}')
    settings = Settings()
    assert settings.data_dir == tmp_path
    assert settings.effective_database_url == f"sqlite:///{tmp_path / 'servicescape.db'}"
    assert settings.zone.key == "Europe/Sofia"
    assert settings.tier_names["key"] == "Platinum"


@pytest.mark.parametrize(
    ("field", "value"),
    [("timezone", "Mars/Olympus"), ("default_language", "xx"), ("tier_names", {"gold": "Gold"}),
     ("session_idle_minutes", 0)],
)
def test_bad_settings_name_the_field(field: str, value: object) -> None:
    with pytest.raises(ValidationError) as info:
        Settings(**{field: value})
    assert info.value.errors()[0]["loc"] == (field,)


def test_trusted_proxies_are_addresses_or_networks(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().trusted_proxies == []  # none by default: X-Forwarded-For is never believed
    monkeypatch.setenv("SERVICESCAPE_TRUSTED_PROXIES", "10.0.0.5, 10.1.0.0/16 ::1")
    assert Settings().trusted_proxies == ["10.0.0.5/32", "10.1.0.0/16", "::1/128"]
    monkeypatch.setenv("SERVICESCAPE_TRUSTED_PROXIES", '["192.0.2.0/24"]')
    assert [str(net) for net in Settings().trusted_proxy_networks] == ["192.0.2.0/24"]
    monkeypatch.setenv("SERVICESCAPE_TRUSTED_PROXIES", "10.0.0.5, proxy.local")
    with pytest.raises(ValidationError, match=r"not an IP address or network: 'proxy\.local'"):
        Settings()
