from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column

from punchclock.db.base import Base, Id
from punchclock.db.types import Money, UTCDateTime
from punchclock.models._common import ChangeTracked, IdMixin


class Workspace(IdMixin, ChangeTracked, Base):
    __tablename__ = "workspaces"

    organization_id: Mapped[int] = mapped_column(Id, ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(140))
    premium: Mapped[bool] = mapped_column(Boolean, default=True)
    default_hourly_rate: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    default_currency: Mapped[str] = mapped_column(String(3), default="USD")
    only_admins_may_create_projects: Mapped[bool] = mapped_column(Boolean, default=False)
    only_admins_see_billable_rates: Mapped[bool] = mapped_column(Boolean, default=False)
    only_admins_see_team_dashboard: Mapped[bool] = mapped_column(Boolean, default=False)
    projects_billable_by_default: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Tag creation needs an admin, in v8 and v9 alike (v9 30- §3.2).
    only_admins_may_create_tags: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: ``is_private`` of a project created without one, in v8 and v9 alike.
    projects_private_by_default: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    rounding: Mapped[int] = mapped_column(Integer, default=1)
    rounding_minutes: Mapped[int] = mapped_column(Integer, default=0)
    logo_url: Mapped[str | None] = mapped_column(String(500), default=None)
    #: Shape-compatibility value shown to admins; never accepted for authentication (O-32).
    api_token: Mapped[str] = mapped_column(String(32))


class WorkspaceMember(IdMixin, ChangeTracked, Base):
    """Membership of a user in a workspace (the wire's "workspace user")."""

    __tablename__ = "workspace_members"

    workspace_id: Mapped[int] = mapped_column(Id, ForeignKey("workspaces.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(Id, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    admin: Mapped[bool] = mapped_column(Boolean, default=False)
    #: False while an invitation is pending.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    invite_code: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    __table_args__ = (UniqueConstraint("workspace_id", "user_id"),)
