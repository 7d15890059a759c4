"""Settings from PUNCHCLOCK_* environment variables. Nothing here connects to anything."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PUNCHCLOCK_", extra="ignore")

    #: SQLAlchemy URL. SQLite file by default; ``postgresql+psycopg://...`` for PostgreSQL.
    database_url: str = "sqlite:///./punchclock.db"
    #: Redis URL for rate-limit buckets shared by several workers (``redis://127.0.0.1:6379/0``).
    redis_url: str | None = None
    #: Size of the PostgreSQL connection pool per worker process.
    db_pool_size: int = 10
    #: Where a request's database work runs: ``thread`` (the whole unit of work in a worker thread, so a
    #: networked database never stalls the event loop), ``inline`` (on the event loop), or ``auto``:
    #: thread for PostgreSQL, inline for SQLite, whose local queries cost less than the hop (bench/api.py).
    db_work: Literal["auto", "thread", "inline"] = "auto"

    rate_limit: bool = True
    v8_rate_per_second: float = 10.0
    v8_burst: int = 100
    #: API v9 (and, later, the Webhooks API): a bucket family of its own (v9 contract 10- §8, V-11).
    v9_rate_per_second: float = 10.0
    v9_burst: int = 100
    reports_rate_per_second: float = 1.0
    reports_burst: int = 2
    #: Reports API v3: a family of its own (v9 contract 10- §8); the Webhooks API shares v9's.
    reports_v3_rate_per_second: float = 1.0
    reports_v3_burst: int = 10
    #: Failed logins answered 429 after a burst (http/loginthrottle.py); independent of ``rate_limit``.
    login_throttle: bool = True
    #: Failures per (account, client IP) and per client IP that fill the buckets; each drains over the window.
    login_failures: int = Field(default=10, ge=1)
    login_ip_failures: int = Field(default=100, ge=1)
    login_window_seconds: int = Field(default=900, ge=1)

    signup_enabled: bool = True
    cors_enabled: bool = False
    #: Base URL the server is reached at; used in links it hands out (avatars, invitations).
    public_url: str = "http://localhost:8080"
    #: ``__Host-`` cookies need HTTPS in browsers; set a plain name and secure=false on plain HTTP (O-10).
    session_cookie_name: str = "__Host-timer-session"
    session_cookie_secure: bool = True
    session_max_age: int = 86400
    #: Operator notice sent as ``Warning`` header on every response when set.
    warning: str | None = None
    #: One JSON line per request on the ``punchclock.access`` logger (path without query string).
    access_log: bool = True
    #: Largest accepted request body in bytes (00-conventions §13).
    max_body_bytes: int = 1024 * 1024
    #: Largest accepted import upload in bytes (``POST /settings/import``, ``POST /api/v9/workspaces/{id}/import``):
    #: a workspace's export files, spooled to disk as they arrive, so memory does not grow with them.
    max_upload_bytes: int = 256 * 1024 * 1024

    #: Days an invitation link stays valid (O-29).
    invite_days: int = Field(default=7, ge=1, le=3650)
    #: SMTP server for invitation mails; unset = mails are only logged (recipient and subject).
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = "punchclock@localhost"
    #: Upgrade the connection with STARTTLS before logging in (certificate verified).
    smtp_starttls: bool = True

    # -- webhooks (v9 contract 70- §11) --
    #: Run the delivery loop inside every ``punchclock serve`` worker.
    webhooks_dispatcher: bool = True
    #: Allow callback URLs that resolve to loopback, private or link-local addresses (tests, intranets).
    webhooks_allow_private: bool = False
    #: Seconds per delivery attempt and per probe (connecting: at most 5 of them).
    webhooks_timeout: float = Field(default=10.0, gt=0)
    #: The delivery loop looks for due deliveries at least this often.
    webhooks_poll_seconds: float = Field(default=2.0, gt=0)
    #: Subscriptions delivered to in parallel per process.
    webhooks_concurrency: int = Field(default=4, ge=1)
    #: Multiplies the retry back-off schedule (tests use a tiny value).
    webhooks_retry_scale: float = Field(default=1.0, ge=0)
    #: Live subscriptions per (creator, workspace).
    webhooks_max_per_user: int = Field(default=10, ge=1)
    #: Seconds a delivering process holds a subscription; a dead process's lease expires after it (extension).
    webhooks_lease_seconds: float = Field(default=60.0, gt=0)
    #: Days events and deliveries are kept (and pending ones retried).
    webhooks_retention_days: int = Field(default=7, ge=1)


@lru_cache
def get_settings() -> Settings:
    return Settings()
