"""Projects of a workspace."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from punchclock.domain import access
from punchclock.domain.actor import Actor
from punchclock.models import Project


def list_for_client(db: Session, actor: Actor, client_id: int, active: bool | None) -> Sequence[Project]:
    stmt = access.readable_projects(actor).where(Project.client_id == client_id)
    if active is not None:
        stmt = stmt.where(Project.active.is_(active))
    return db.scalars(stmt.order_by(Project.id)).all()
