"""One typed settings object, read from the environment (prefix ``SERVICESCAPE_``)."""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from servicescape.errors import ConfigurationError

DEMO_SECRET_KEY = "demo-secret-key-not-for-production"  # noqa: S105 - refused outside demo/dev
LANGUAGES: dict[str, str] = {
    "en": "English",
    "ms": "Bahasa Melayu",
    "bg": "Български",
    "zh-Hans": "简体中文",
    "zh-Hant": "繁體中文",
    "hu": "Magyar",
}


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "servicescape"


class Settings(BaseSettings):
    """Every setting the product reads; the README's configuration table mirrors this class."""

    model_config = SettingsConfigDict(env_prefix="SERVICESCAPE_", extra="ignore")

    mode: Literal["demo", "dev", "production"] = Field(
        "production", description="demo and dev allow the built-in secret key"
    )
    data_dir: Path = Field(default_factory=_default_data_dir, description="where the SQLite file lives")
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; default: SQLite file servicescape.db in data_dir"
    )
    secret_key: str = Field(DEMO_SECRET_KEY, description="signs CSRF tokens; required in production")
    firm_name: str = Field("Servicescape", description="shown in the page header")
    timezone: str = Field("UTC", description="the firm's timezone (IANA name) for display")
    default_language: str = Field("en", description="UI language when the user chose none")
    tier_names: dict[str, str] = Field(
        # the default names are translated where shown (marked for extraction in servicescape.i18n)
        default_factory=lambda: {"key": "Key", "growth": "Growth", "standard": "Standard"},
        description="display names of the three client tiers (JSON)",
    )
    session_idle_minutes: int = Field(60, ge=1, description="sign-out after this much inactivity")
    session_absolute_hours: int = Field(12, ge=1, description="sign-out this long after sign-in")
    login_max_failures_per_account: int = Field(5, ge=1, description="per 15 minutes")
    login_max_failures_per_address: int = Field(20, ge=1, description="per 15 minutes")
    max_upload_mb: int = Field(50, ge=1, description="largest accepted upload / request body")
    https: bool = Field(False, description="served behind https: Secure cookies and HSTS")
    run_jobs: bool = Field(True, description="run the scheduled background jobs in the web server")

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r}") from exc
        return value

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(f"unknown language {value!r}; one of {', '.join(LANGUAGES)}")
        return value

    @field_validator("tier_names")
    @classmethod
    def _three_tiers(cls, value: dict[str, str]) -> dict[str, str]:
        if set(value) != {"key", "growth", "standard"}:
            raise ValueError("tier_names needs exactly the keys key, growth, standard")
        return value

    def require_secret_key(self) -> None:
        """The web app refuses to start in production mode with the built-in or a short key."""
        if self.mode == "production" and (
            self.secret_key == DEMO_SECRET_KEY or len(self.secret_key) < 32
        ):
            raise ConfigurationError(
                "SERVICESCAPE_SECRET_KEY must be set to a random string of at least 32 characters "
                "outside demo/dev mode (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)"
            )

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'servicescape.db'}"

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024
