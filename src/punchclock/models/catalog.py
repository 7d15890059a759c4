"""Clients, projects, project members, tags and tasks of a workspace."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false, func, text
from sqlalchemy.orm import Mapped, mapped_column

from punchclock.db.base import Base, Id
from punchclock.db.types import Money, UTCDateTime
from punchclock.models._common import ChangeTracked, IdMixin, utcnow

LIVE = text("deleted_at IS NULL")


class SoftDeleted:
    """Deleted rows stay as tombstones so that incremental sync (``/me?since=``) can report them."""

    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class Client(IdMixin, ChangeTracked, SoftDeleted, Base):
    __tablename__ = "clients"

    workspace_id: Mapped[int] = mapped_column(Id, ForeignKey("workspaces.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(255))
    notes: Mapped[str | None] = mapped_column(Text, default=None)
    hourly_rate: Mapped[Decimal | None] = mapped_column(Money, default=None)
    currency: Mapped[str | None] = mapped_column(String(3), default=None)
    #: v9 only (V-18); v8 neither shows nor changes it.
    archived: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: Who created it (v9); null for rows older than API v9. No foreign key: a plain record.
    creator_id: Mapped[int | None] = mapped_column(Id, default=None)

    __table_args__ = (
        Index("uq_clients_name", "workspace_id", func.lower(name), unique=True, sqlite_where=LIVE,
              postgresql_where=LIVE),
    )


class Project(IdMixin, ChangeTracked, SoftDeleted, Base):
    __tablename__ = "projects"

    workspace_id: Mapped[int] = mapped_column(Id, ForeignKey("workspaces.id", ondelete="CASCADE"))
    client_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("clients.id", ondelete="SET NULL"), default=None, index=True
    )
    name: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_private: Mapped[bool] = mapped_column(Boolean, default=True)
    template: Mapped[bool] = mapped_column(Boolean, default=False)
    template_id: Mapped[int | None] = mapped_column(Id, default=None)
    billable: Mapped[bool] = mapped_column(Boolean, default=False)
    auto_estimates: Mapped[bool] = mapped_column(Boolean, default=False)
    estimated_hours: Mapped[int | None] = mapped_column(Integer, default=None)
    rate: Mapped[Decimal | None] = mapped_column(Money, default=None)
    currency: Mapped[str | None] = mapped_column(String(3), default=None)
    color: Mapped[int] = mapped_column(Integer, default=0)
    #: The exact ``#rrggbb`` a v9 client chose; ``color`` then holds the nearest v8 palette id (V-17).
    color_hex: Mapped[str | None] = mapped_column(String(7), default=None)
    #: Informational dates of v9 (V-19); ``start_date`` defaults to the creation day.
    start_date: Mapped[date] = mapped_column(Date, default=lambda: utcnow().date(), server_default=func.current_date())
    end_date: Mapped[date | None] = mapped_column(Date, default=None)

    __table_args__ = (
        # Unique per (workspace, client-or-none), case-insensitive, archived included (O-42).
        Index("uq_projects_name", "workspace_id", func.coalesce(client_id, 0), func.lower(name),
              unique=True, sqlite_where=LIVE, postgresql_where=LIVE),
        Index("ix_projects_workspace", "workspace_id"),
    )


class ProjectMember(IdMixin, ChangeTracked, Base):
    """A user's role and rate on a project (the wire's "project user")."""

    __tablename__ = "project_members"

    project_id: Mapped[int] = mapped_column(Id, ForeignKey("projects.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(Id, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    workspace_id: Mapped[int] = mapped_column(Id, ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    manager: Mapped[bool] = mapped_column(Boolean, default=False)
    rate: Mapped[Decimal | None] = mapped_column(Money, default=None)

    __table_args__ = (UniqueConstraint("project_id", "user_id"),)


class Tag(IdMixin, ChangeTracked, SoftDeleted, Base):
    __tablename__ = "tags"

    workspace_id: Mapped[int] = mapped_column(Id, ForeignKey("workspaces.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(255))
    creator_id: Mapped[int | None] = mapped_column(Id, default=None)

    __table_args__ = (
        Index("uq_tags_name", "workspace_id", func.lower(name), unique=True, sqlite_where=LIVE,
              postgresql_where=LIVE),
    )


class Task(IdMixin, ChangeTracked, SoftDeleted, Base):
    __tablename__ = "tasks"

    project_id: Mapped[int] = mapped_column(Id, ForeignKey("projects.id", ondelete="CASCADE"))
    workspace_id: Mapped[int] = mapped_column(Id, ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(Id, ForeignKey("users.id", ondelete="SET NULL"), default=None)
    name: Mapped[str] = mapped_column(String(255))
    estimated_seconds: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (
        Index("uq_tasks_name", "project_id", func.lower(name), unique=True, sqlite_where=LIVE,
              postgresql_where=LIVE),
        UniqueConstraint("id", "project_id"),
    )
