"""What an import brought in: the source's ids, kept so that importing the same data again matches it."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from punchclock.db.base import Base, Id
from punchclock.models._common import IdMixin


class ImportLink(IdMixin, Base):
    """One imported object: (origin, kind, external id) -> our row of that kind, per target workspace.

    ``origin`` names the source's id space (``toggl`` for export files, the base URL for an API); ``kind``
    is ``workspace``, ``user``, ``group``, ``client``, ``project``, ``task``, ``tag`` or ``time_entry``.
    Time entries from CSV files have no id: their key is a digest of the line's content.
    """

    __tablename__ = "import_links"

    workspace_id: Mapped[int] = mapped_column(Id, ForeignKey("workspaces.id", ondelete="CASCADE"))
    origin: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(100))
    local_id: Mapped[int] = mapped_column(Id)

    __table_args__ = (
        Index("uq_import_links_external", "workspace_id", "origin", "kind", "external_id", unique=True),
    )
