from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from pydantic import Field

from punchclock.domain.tags import TagChanges, TagCreate, TagRow
from punchclock.http.v8.schemas import WireId, WireIn, inputs
from punchclock.http.wire import render_ts
from punchclock.models import Tag


class TagIn(WireIn):
    name: str | None = None
    workspace_id: WireId | None = Field(None, validation_alias="wid")

    def create(self) -> TagCreate:
        return inputs(self, TagCreate)

    def changes(self) -> TagChanges:
        """The workspace cannot change (O-17): ``wid`` is ignored."""
        return inputs(self, TagChanges)


def tag_out(tag: Tag | TagRow, tz: ZoneInfo, *, deleted: bool = False) -> dict[str, Any]:
    """A tag: a row of the list or a model. v8 omits null fields (``wire.compact``), done inline."""
    out: dict[str, Any] = {"id": tag.id, "wid": tag.workspace_id, "name": tag.name, "at": render_ts(tag.updated_at, tz)}
    if deleted and tag.deleted_at is not None:
        out["server_deleted_at"] = render_ts(tag.deleted_at, tz)
    return out
