"""v9 project users on the wire (40-catalog §5)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, StrictBool

from punchclock.domain.access import View
from punchclock.domain.project_users import ProjectUserChanges, ProjectUserCreate, ProjectUserRow
from punchclock.http.v8.schemas import WireId, WireRate, inputs
from punchclock.http.v9 import render
from punchclock.http.v9.deps import parse
from punchclock.http.v9.schemas.projects import patch_document
from punchclock.models import ProjectMember


class ProjectUserIn(BaseModel):
    """``labor_cost*``, ``rate_change_mode``, ``group_id`` and unknown keys are ignored."""

    model_config = ConfigDict(extra="ignore")

    project_id: WireId | None = None
    user_id: WireId | None = None
    manager: StrictBool | None = None
    rate: WireRate | None = None

    def create(self) -> ProjectUserCreate:
        """One user per request in v9 (no comma lists)."""
        users = () if self.user_id is None else (self.user_id,)
        return inputs(self, ProjectUserCreate, user_ids=users)

    def changes(self) -> ProjectUserChanges:
        return inputs(self, ProjectUserChanges)


def project_user_out(pm: ProjectMember | ProjectUserRow, view: View) -> dict[str, Any]:
    """The object of 40- §5.1; ``rate`` null when unset or hidden, groups are not linked (``null``)."""
    return {
        "id": pm.id, "project_id": pm.project_id, "user_id": pm.user_id, "workspace_id": pm.workspace_id,
        "manager": pm.manager, "rate": render.money(pm.rate) if view.show_rates else None,
        "rate_last_updated": None, "labor_cost": None, "labor_cost_last_updated": None,
        "group_id": None, "gid": None, "at": render.utc(pm.updated_at),
    }


PATCH_PATHS = ("manager", "rate")


def patch_changes(ops: list[Any]) -> ProjectUserChanges:
    return parse(patch_document(ops, PATCH_PATHS, frozenset({"rate"})), ProjectUserIn).changes()
