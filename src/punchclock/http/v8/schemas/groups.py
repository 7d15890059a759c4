"""Groups (20-workspaces §8)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from pydantic import Field, StrictStr

from punchclock.domain.groups import GroupChanges, GroupCreate, GroupRow
from punchclock.http.v8.schemas import WireId, WireIn, inputs
from punchclock.http.wire import render_ts
from punchclock.models import Group


class GroupIn(WireIn):
    """``wid`` counts on create only; an update ignores it (O-17)."""

    name: StrictStr | None = None
    workspace_id: WireId | None = Field(None, validation_alias="wid")

    def create(self) -> GroupCreate:
        return inputs(self, GroupCreate)

    def changes(self) -> GroupChanges:
        return inputs(self, GroupChanges)


def group_out(g: Group | GroupRow, tz: ZoneInfo) -> dict[str, Any]:
    """A group: a row of the list or a model; no field is ever null."""
    return {"id": g.id, "wid": g.workspace_id, "name": g.name, "at": render_ts(g.updated_at, tz)}
