from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from punchclock.db.base import Base, Id
from punchclock.db.types import UTCDateTime
from punchclock.models._common import ChangeTracked, IdMixin


class User(IdMixin, ChangeTracked, Base):
    __tablename__ = "users"

    email: Mapped[str] = mapped_column(String(255))
    #: argon2id hash; None for a placeholder account created by an invitation.
    password_hash: Mapped[str | None] = mapped_column(String(255), default=None)
    api_token: Mapped[str] = mapped_column(String(32), unique=True)
    fullname: Mapped[str] = mapped_column(String(100), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Etc/UTC")
    timeofday_format: Mapped[str] = mapped_column(String(16), default="H:mm")
    date_format: Mapped[str] = mapped_column(String(16), default="YYYY-MM-DD")
    beginning_of_week: Mapped[int] = mapped_column(Integer, default=1)
    language: Mapped[str] = mapped_column(String(16), default="en_US")
    store_start_and_stop_time: Mapped[bool] = mapped_column(Boolean, default=True)
    sidebar_piechart: Mapped[bool] = mapped_column(Boolean, default=False)
    send_product_emails: Mapped[bool] = mapped_column(Boolean, default=True)
    send_weekly_report: Mapped[bool] = mapped_column(Boolean, default=True)
    send_timer_notifications: Mapped[bool] = mapped_column(Boolean, default=True)
    duration_format: Mapped[str] = mapped_column(String(16), default="improved")
    #: No foreign key: users and workspaces reference each other; membership is checked on write.
    default_workspace_id: Mapped[int | None] = mapped_column(Id, default=None)
    #: Set by ``punchclock user disable``: such a user cannot authenticate by any means.
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    #: Last e-mail + password authentication or session login (API-token calls do not count).
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    __table_args__ = (Index("uq_users_email_lower", func.lower(email), unique=True),)


class AuthSession(IdMixin, Base):
    """A login session; only the SHA-256 of the cookie value is stored."""

    __tablename__ = "auth_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(Id, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PasswordReset(IdMixin, Base):
    """A single-use, expiring link to set a new password; only the SHA-256 of its secret is stored."""

    __tablename__ = "password_resets"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(Id, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
