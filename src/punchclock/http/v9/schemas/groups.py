"""v9 group objects and inputs (30- §2): workspace groups and organization groups (V-47)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictStr

from punchclock.domain.errors import Malformed
from punchclock.domain.groups import GroupChanges, GroupPatch, GroupView, OrgGroup, OrgGroupInput
from punchclock.http.ids import MAX_ID
from punchclock.http.v8.schemas import WireId, inputs
from punchclock.http.v9.render import image_url, utc

#: Operations per ``PATCH`` document (the swagger's limit).
MAX_PATCHES = 100


class GroupIn(BaseModel):
    """A workspace group's ``name``; null is ignored on update (10- §2)."""

    model_config = ConfigDict(extra="ignore")

    name: StrictStr | None = None

    def changes(self) -> GroupChanges:
        return inputs(self, GroupChanges)


class OrgGroupIn(BaseModel):
    """An organization group: ``name``, ``workspaces`` (ids), ``users`` (user ids)."""

    model_config = ConfigDict(extra="ignore")

    name: StrictStr | None = None
    workspace_ids: list[WireId] | None = Field(None, alias="workspaces", max_length=1000)
    user_ids: list[WireId] | None = Field(None, alias="users", max_length=1000)

    def data(self) -> OrgGroupInput:
        return inputs(self, OrgGroupInput)


def patches(document: list[Any]) -> list[GroupPatch]:
    """Each operation as far as it reads; what does not read fails on its own later (an unsupported op)."""
    if len(document) > MAX_PATCHES:
        raise Malformed("group_patch_too_many", max=MAX_PATCHES)
    return [_patch(item) for item in document]


def _patch(item: Any) -> GroupPatch:
    if not isinstance(item, dict):
        return GroupPatch("", "", None)
    op, path, value = item.get("op"), item.get("path"), item.get("value")
    return GroupPatch(op if isinstance(op, str) else "", path if isinstance(path, str) else "", _ids(value))


def _ids(value: Any) -> tuple[int, ...] | None:
    """User ids as JSON numbers or numeric strings; None when anything else was sent."""
    if not isinstance(value, list):
        return None
    ids = []
    for item in value:
        if isinstance(item, str) and item.isascii() and item.isdigit():
            item = int(item)
        if isinstance(item, bool) or not isinstance(item, int) or not 0 < item <= MAX_ID:
            return None
        ids.append(item)
    return tuple(ids)


def group_out(g: GroupView) -> dict[str, Any]:
    """A workspace group (30- §2.1)."""
    return {"id": g.id, "workspace_id": g.workspace_id, "name": g.name, "has_users": g.has_users,
            "at": utc(g.updated_at), "permissions": None}


def org_group_out(g: OrgGroup, public_url: str) -> dict[str, Any]:
    """An organization group (30- §2.2): its one workspace, its users by name."""
    return {
        "group_id": g.id,
        "name": g.name,
        "at": utc(g.updated_at),
        "workspaces": [g.workspace_id],
        "users": [{"user_id": u.user_id, "name": u.fullname,
                   "avatar_url": image_url(public_url, u.fullname, u.email, u.user_id),
                   "inactive": False, "joined": u.active} for u in g.users],
        "permissions": None,
    }
