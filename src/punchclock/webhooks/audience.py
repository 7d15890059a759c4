"""Who may receive what (70- §5.4, V-39): checked at fan-out for each subscription's creator.

The creator must still be an active member of the workspace. Time entries: admins, or the entry's owner;
projects: visible to them (``access.project_visibility``); tasks and project users: their project visible;
clients, tags, the workspace and workspace users: any member. Answers are cached for one commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import false, select, true
from sqlalchemy.orm import Session

from punchclock.domain import access
from punchclock.models import Project, Workspace, WorkspaceMember

#: Entities whose events go to a creator only if the project (its own id or ``project_id``) is visible.
_BY_PROJECT = {"project": "id", "task": "project_id", "project_user": "project_id"}


class Audience:
    """The §5.4 checks of one commit, each query asked at most once."""

    def __init__(self, db: Session) -> None:
        self.db = db
        self._roles: dict[tuple[int, int], bool | None] = {}
        self._projects: dict[tuple[int, int, int], bool] = {}
        self._rates_hidden: dict[int, bool] = {}

    def know(self, user_id: int, workspace_id: int, admin: bool | None, rates_hidden: bool) -> None:
        """What the subscription query already read: the creator's role and the workspace's rate flag."""
        self._roles[user_id, workspace_id] = admin
        self._rates_hidden[workspace_id] = rates_hidden

    def role(self, user_id: int, workspace_id: int) -> bool | None:
        """None: no active member; else whether an admin."""
        key = (user_id, workspace_id)
        if key not in self._roles:
            self._roles[key] = self.db.scalar(select(WorkspaceMember.admin).where(
                WorkspaceMember.workspace_id == workspace_id, WorkspaceMember.user_id == user_id,
                WorkspaceMember.active.is_(True)))
        return self._roles[key]

    def _sees_project(self, user_id: int, workspace_id: int, project_id: int, admin: bool) -> bool:
        key = (user_id, workspace_id, project_id)
        if key not in self._projects:
            visible = access.project_visibility(Project.workspace_id == workspace_id, true() if admin else false(),
                                                user_id)
            self._projects[key] = self.db.scalar(
                select(Project.id).where(Project.id == project_id, visible)) is not None
        return self._projects[key]

    def allows(self, user_id: int, workspace_id: int, entity: str, payload: Mapping[str, Any]) -> bool:
        """Whether the creator ``user_id`` may receive this event (its payload as rendered)."""
        admin = self.role(user_id, workspace_id)
        if admin is None:
            return False
        if entity == "time_entry":
            return admin or payload.get("user_id") == user_id
        key = _BY_PROJECT.get(entity)
        if key is None:
            return True
        project_id = payload.get(key)
        return isinstance(project_id, int) and self._sees_project(user_id, workspace_id, project_id, admin)

    def redact(self, user_id: int, workspace_id: int, entity: str) -> bool:
        """``redact_rates``: a non-admin creator, and the workspace hides rates from non-admins or the object
        shows what only admins read (workspace users' e-mails; the workspace's own admin flag)."""
        if self.role(user_id, workspace_id):
            return False
        return entity in ("workspace_user", "workspace") or self.rates_hidden(workspace_id)

    def rates_hidden(self, workspace_id: int) -> bool:
        if workspace_id not in self._rates_hidden:
            self._rates_hidden[workspace_id] = bool(self.db.scalar(
                select(Workspace.only_admins_see_billable_rates).where(Workspace.id == workspace_id)))
        return self._rates_hidden[workspace_id]
