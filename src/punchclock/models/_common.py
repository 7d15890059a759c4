"""Shared column helpers."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Mapped, mapped_column

from punchclock.db.base import Id
from punchclock.db.types import UTCDateTime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class IdMixin:
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)


class ChangeTracked:
    """``created_at`` once, ``updated_at`` (the wire's ``at``) on every change."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
