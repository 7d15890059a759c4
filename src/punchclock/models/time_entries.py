from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from punchclock.db.base import Base, Id
from punchclock.db.types import Money, UTCDateTime
from punchclock.models._common import ChangeTracked, IdMixin

RUNNING = text("stop IS NULL AND deleted_at IS NULL")


class TimeEntry(IdMixin, ChangeTracked, Base):
    __tablename__ = "time_entries"

    guid: Mapped[str] = mapped_column(String(64))
    workspace_id: Mapped[int] = mapped_column(Id, ForeignKey("workspaces.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(Id, ForeignKey("users.id", ondelete="CASCADE"))
    project_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("projects.id", ondelete="SET NULL"), default=None, index=True
    )
    task_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("tasks.id", ondelete="SET NULL"), default=None, index=True
    )
    billable: Mapped[bool] = mapped_column(Boolean, default=False)
    start: Mapped[datetime] = mapped_column(UTCDateTime)
    #: None while the entry runs.
    stop: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    #: Whole seconds, stored when the entry stops (0 while running) so that reports only sum it.
    duration: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(Text, default="")
    duronly: Mapped[bool] = mapped_column(Boolean, default=False)
    created_with: Mapped[str] = mapped_column(String(200), default="")
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    #: The hourly rate and currency the rate chain resolves to (50-reports §4.1, §4.2), kept current by
    #: ``domain.rates`` whenever a rate changes, so that reports sum amounts without joins.
    rate: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"), server_default="0")
    currency: Mapped[str] = mapped_column(String(3), default="USD", server_default="USD")

    __table_args__ = (
        # At most one running entry per user, enforced by the database itself.
        Index("uq_time_entries_running", "user_id", unique=True, sqlite_where=RUNNING,
              postgresql_where=RUNNING),
        Index("ix_time_entries_user_start", "user_id", "start"),
        # Reports: a covering index, so that a workspace's date range is read from the index alone
        # (a year of 1M entries: 3x faster than index + row lookups on SQLite). Description stays out:
        # up to 3000 characters would break PostgreSQL's b-tree row size limit.
        Index("ix_time_entries_report", "workspace_id", "start", "user_id", "project_id", "task_id", "billable",
              "duration", "rate", "currency", "stop", "deleted_at"),
        Index("ix_time_entries_user_guid", "user_id", "guid"),
        Index("ix_time_entries_user_updated", "user_id", "updated_at"),
        # Reports filtered by user, and the loose index scan that finds a workspace's owners.
        Index("ix_time_entries_workspace_user_start", "workspace_id", "user_id", "start"),
        # The v8 dashboard's activity list (latest changes of a workspace).
        Index("ix_time_entries_workspace_updated", "workspace_id", "updated_at"),
    )


class TimeEntryTag(Base):
    __tablename__ = "time_entry_tags"

    time_entry_id: Mapped[int] = mapped_column(
        Id, ForeignKey("time_entries.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(Id, ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True,
                                        index=True)
