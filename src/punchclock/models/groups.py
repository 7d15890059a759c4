"""Groups of workspace members (20-workspaces §8) and their membership (extension ``group_ids``, O-31)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from punchclock.db.base import Base, Id
from punchclock.models._common import ChangeTracked, IdMixin


class Group(IdMixin, ChangeTracked, Base):
    """A named set of members; deleting one removes it (no tombstone: nothing syncs groups)."""

    __tablename__ = "groups"

    workspace_id: Mapped[int] = mapped_column(Id, ForeignKey("workspaces.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(140))
    #: ``name.casefold()``: case-insensitive uniqueness with a plain constraint, identical on both databases.
    name_key: Mapped[str] = mapped_column(String(420))

    __table_args__ = (UniqueConstraint("workspace_id", "name_key"),)


class GroupMember(Base):
    __tablename__ = "group_members"

    group_id: Mapped[int] = mapped_column(Id, ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True)
    workspace_member_id: Mapped[int] = mapped_column(
        Id, ForeignKey("workspace_members.id", ondelete="CASCADE"), primary_key=True, index=True
    )
