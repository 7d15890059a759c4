"""Organizations (v9 contract 30- §1.0, V-1): a named owner of one or more workspaces.

Membership is not stored: a user belongs to an organization through an active membership in one of its
workspaces, so no second membership table can drift from ``workspace_members``.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from punchclock.db.base import Base, Id
from punchclock.models._common import ChangeTracked, IdMixin


class Organization(IdMixin, ChangeTracked, Base):
    __tablename__ = "organizations"

    name: Mapped[str] = mapped_column(String(140))
    owner_user_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("users.id", ondelete="SET NULL"), default=None)
