"""Application settings, read from the environment (prefix ``IKZ_``) and an optional ``.env``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET_KEY = "dev-secret-key-change-me"  # noqa: S105 - refused in production
DEFAULT_DEMO_PASSWORD = "demo-passwort"  # noqa: S105 - demo users are refused in production


def _default_database_url() -> str:
    var = Path.cwd() / "var"
    return f"sqlite:///{var / 'ikz.sqlite3'}"


class Settings(BaseSettings):
    """All knobs of the application. Names are part of the contract (DESIGN.md §5)."""

    model_config = SettingsConfigDict(env_prefix="IKZ_", env_file=".env", extra="ignore")

    database_url: str = ""
    secret_key: str = DEFAULT_SECRET_KEY
    env: Literal["development", "production"] = "development"
    demo_password: str = DEFAULT_DEMO_PASSWORD
    session_idle_minutes: int = 60
    session_max_hours: int = 12
    # Failed sign-ins within the window: per account and address, per address, per account.
    login_max_failures: int = 10
    login_max_failures_per_address: int = 100
    login_window_minutes: int = 15
    # Proxies whose X-Forwarded-For/-Proto headers are trusted (comma-separated addresses or
    # "*"); empty: none, the peer's own address counts.
    forwarded_allow_ips: str = ""
    # Requests of one process inside the application at once (the rest wait on the event loop
    # up to the queue timeout, then get a 503); kept well below the thread pool's 40 threads.
    max_concurrent_requests: int = 16
    # argon2id cost of password hashes (argon2-cffi's recommendation: 3 passes over 64 MiB).
    password_hash_time_cost: int = 3
    password_hash_memory_kib: int = 65536
    queue_timeout_seconds: float = 30.0
    # Spreadsheet exports one process builds at once (each takes a core while it runs); a
    # further one waits up to export_wait_seconds for its turn, then gets a 503 with Retry-After.
    max_concurrent_exports: int = 2
    export_wait_seconds: float = 10.0
    log_level: str = "INFO"
    # YAML file with the Impressum and the Datenschutzerklärung (empty: the sample shipped in
    # app/pages/texts/site.yaml, whose placeholders the operator replaces).
    site_texts: str = ""
    # E-mail (``ikz notify send``): ``smtp://user:password@host:587`` (STARTTLS),
    # ``smtps://user:password@host:465`` (TLS), ``smtp+plain://host:25`` (a relay on the same
    # machine or network, without TLS). Empty: no mail is sent.
    smtp_url: str = ""
    mail_from: str = "IKZ-Portfolio <ikz-portfolio@localhost>"
    # A CA bundle (PEM) that signed the mail server's certificate, when it is not one the
    # system trusts (an administration's own CA).
    smtp_ca_file: str = ""
    # The application's address as its users reach it; links in e-mails and calendar feeds.
    base_url: str = "http://127.0.0.1:8000"

    @property
    def effective_database_url(self) -> str:
        return self.database_url or _default_database_url()

    @property
    def is_production(self) -> bool:
        return self.env == "production"


class ConfigurationError(RuntimeError):
    """Raised when the settings are unsafe for the chosen environment."""


def check_production_settings(settings: Settings) -> None:
    """Refuse to run a production instance with the well-known development secret."""
    if settings.is_production and settings.secret_key == DEFAULT_SECRET_KEY:
        raise ConfigurationError(
            "IKZ_SECRET_KEY ist nicht gesetzt: im Produktivbetrieb ist der Standardschlüssel "
            "nicht erlaubt."
        )
    if settings.is_production and len(settings.secret_key) < 32:
        raise ConfigurationError(
            "IKZ_SECRET_KEY muss im Produktivbetrieb mindestens 32 Zeichen haben."
        )


@lru_cache
def get_settings() -> Settings:
    return Settings()
