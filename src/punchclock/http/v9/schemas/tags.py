"""v9 tag object and inputs (40- §4): every key present; ``deleted_at`` only on tombstones."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from punchclock.config import Settings
from punchclock.domain import tags
from punchclock.domain.actor import Actor
from punchclock.domain.tags import TagChanges, TagCreate, TagRow
from punchclock.http.v8.schemas import inputs
from punchclock.http.v9.render import utc
from punchclock.models import Tag


class TagIn(BaseModel):
    """``POST``/``PUT`` body: only ``name`` counts (the workspace is the path's)."""

    model_config = ConfigDict(extra="ignore")

    name: str | None = None

    def create(self, workspace_id: int) -> TagCreate:
        return inputs(self, TagCreate, workspace_id=workspace_id)

    def changes(self) -> TagChanges:
        return inputs(self, TagChanges)


def tag_out(t: Tag | TagRow) -> dict[str, Any]:
    return {
        "id": t.id,
        "workspace_id": t.workspace_id,
        "name": t.name,
        "creator_id": t.creator_id,
        "at": utc(t.updated_at),
        "deleted_at": utc(t.deleted_at),
        "permissions": None,
    }


def related(db: Session, actor: Actor, settings: Settings) -> list[dict[str, Any]]:
    """``GET /me/tags`` with default parameters (for ``/me?with_related_data``)."""
    return [tag_out(t) for t in tags.list_visible(db, actor)]
