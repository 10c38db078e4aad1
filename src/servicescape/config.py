"""One typed settings object, read from the environment (prefix ``SERVICESCAPE_``)."""

from __future__ import annotations

import json
import os
from datetime import time
from email.utils import parseaddr
from functools import cached_property
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

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
    business_hours: str = Field("09:00-17:00", pattern=r"^\d{2}:\d{2}-\d{2}:\d{2}$",
                                description="the firm's working hours (its timezone) for response targets")
    business_days: Annotated[list[int], NoDecode] = Field(
        default_factory=lambda: [1, 2, 3, 4, 5], description="working days, 1 = Monday … 7 = Sunday")
    promise_at_risk_hours: int = Field(24, ge=1, le=720,
                                       description="an unconfirmed promise starting within this many hours is at risk")
    reporting_currency: str = Field("EUR", pattern=r"^[A-Z]{3}$",
                                    description="revenue across currencies is compared in this one (see `rates`)")
    session_idle_minutes: int = Field(60, ge=1, description="sign-out after this much inactivity")
    session_absolute_hours: int = Field(12, ge=1, description="sign-out this long after sign-in")
    # sign-in limits (servicescape.auth.limits): counted per window, never a lock-out of the owner's
    # known devices (browsers that signed in to the account before)
    login_failure_window_minutes: int = Field(15, ge=1, le=1440, description="how long wrong passwords count")
    login_max_failures_per_client: int = Field(
        5, ge=1, description="wrong passwords for one account from one known device, or else one address"
    )
    login_max_failures_per_account: int = Field(
        25, ge=1, description="wrong passwords for one account from all unknown devices together"
    )
    login_max_failures_per_address: int = Field(
        50, ge=1, description="wrong passwords from one address (unknown devices, any accounts)"
    )
    max_upload_mb: int = Field(50, ge=1, description="largest accepted upload / request body")
    https: bool = Field(False, description="served behind https: Secure cookies and HSTS")
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="addresses or networks of reverse proxies whose X-Forwarded-For is believed (comma-separated)",
    )
    run_jobs: bool = Field(True, description="run the scheduled background jobs in the web server")
    threads: int = Field(2, ge=1, le=64, description="requests each server process works on at once")
    spark_master: str = Field("local[2]", description="Spark master URL for analytics on Spark "
                              "(local[N], spark://host:7077, yarn, k8s://...)")
    # e-mail (servicescape.platform.mail): without smtp_host messages wait in the outbox
    smtp_host: str | None = Field(None, description="SMTP server; none: e-mail is not configured")
    smtp_port: int = Field(587, ge=1, le=65535, description="SMTP port (465 for tls)")
    smtp_security: Literal["none", "starttls", "tls"] = Field("starttls", description="connection security")
    smtp_username: str | None = Field(None, description="SMTP sign-in name; none: no sign-in")
    smtp_password: SecretStr | None = Field(None, description="SMTP password")
    smtp_timeout_seconds: int = Field(30, ge=1, le=600, description="per SMTP network operation")
    smtp_ca_file: Path | None = Field(None, description="CA certificates trusted for the SMTP server")
    mail_from: str = Field("servicescape@localhost", description="sender address of every e-mail")
    public_url: str = Field("http://127.0.0.1:8000", description="base URL of links in e-mails")
    mail_max_attempts: int = Field(10, ge=1, le=100, description="tries before a message is dead")
    mail_retry_seconds: int = Field(60, ge=1, description="first retry delay, doubled each try")
    invitation_valid_hours: int = Field(72, ge=1, description="lifetime of an invitation link")
    password_reset_valid_minutes: int = Field(60, ge=5, description="lifetime of a reset link")
    password_reset_max_per_email: int = Field(3, ge=1, description="reset e-mails per address per hour")
    password_reset_max_per_address: int = Field(10, ge=1, description="reset requests per client address per hour")
    # public pages (a survey's private link): per client address, per process (platform.ratelimit)
    public_get_per_minute: int = Field(30, ge=1, description="public page views per minute per client address")
    public_post_per_minute: int = Field(10, ge=1, description="public form posts per minute per client address")

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

    @field_validator("mail_from")
    @classmethod
    def _plain_address(cls, value: str) -> str:
        if parseaddr(value)[1] != value.strip() or "@" not in value:
            raise ValueError("mail_from must be a plain address such as office@firm.example")
        return value.strip()

    @field_validator("public_url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")) or "?" in value or "#" in value:
            raise ValueError("public_url must be an http(s) URL such as https://servicescape.firm.example")
        return value.rstrip("/")

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _proxy_networks(cls, value: object) -> object:
        """``10.0.0.5, 10.1.0.0/16`` or a JSON list; each an IP address or a network (CIDR)."""
        if isinstance(value, str):
            value = json.loads(value) if value.strip().startswith("[") else value.replace(",", " ").split()
        if not isinstance(value, list | tuple):
            return value
        networks = []
        for entry in value:
            try:
                networks.append(str(ip_network(str(entry).strip(), strict=False)))
            except ValueError as exc:
                raise ValueError(f"not an IP address or network: {entry!r}") from exc
        return networks

    @field_validator("business_hours")
    @classmethod
    def _working_hours(cls, value: str) -> str:
        start, end = value.split("-")
        try:
            opens, closes = time.fromisoformat(start), time.fromisoformat(end)
        except ValueError as exc:
            raise ValueError(f"business_hours must be HH:MM-HH:MM, not {value!r}") from exc
        if closes <= opens:
            raise ValueError("business_hours must end after they start (e.g. 09:00-17:00)")
        return value

    @field_validator("business_days", mode="before")
    @classmethod
    def _working_days(cls, value: object) -> object:
        """``1,2,3,4,5`` or a JSON list: ISO weekdays (1 = Monday)."""
        if isinstance(value, str):
            value = json.loads(value) if value.strip().startswith("[") else value.replace(",", " ").split()
        if isinstance(value, list | tuple):
            days = sorted({int(day) for day in value})
            if not days or not all(1 <= day <= 7 for day in days):
                raise ValueError("business_days must be weekdays 1 (Monday) to 7 (Sunday)")
            return days
        return value

    @property
    def working_hours(self) -> tuple[time, time]:
        start, end = self.business_hours.split("-")
        return time.fromisoformat(start), time.fromisoformat(end)

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
    def mail_configured(self) -> bool:
        return bool(self.smtp_host)

    @property
    def trusted_proxy_networks(self) -> tuple[IPv4Network | IPv6Network, ...]:
        return tuple(ip_network(entry, strict=False) for entry in self.trusted_proxies)

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024
