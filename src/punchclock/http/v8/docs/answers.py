"""Envelopes of the v8 answers: ``{"data": …}`` and the few other shapes."""

from __future__ import annotations

from pydantic import Field

from punchclock.http.v8.docs.objects import (
    V8Client,
    V8Group,
    V8Me,
    V8Project,
    V8ProjectUser,
    V8Tag,
    V8Task,
    V8TimeEntry,
    V8Workspace,
    V8WorkspaceUser,
    Wire,
)

MASS = "One object when the path named one id; a list (in path order) when it held a comma."


class V8ClientData(Wire):
    data: V8Client


class V8ProjectData(Wire):
    data: V8Project


class V8TagData(Wire):
    data: V8Tag


class V8TaskData(Wire):
    data: V8Task


class V8TasksData(Wire):
    data: V8Task | list[V8Task] = Field(description=MASS)


class V8ProjectUsersData(Wire):
    data: V8ProjectUser | list[V8ProjectUser] = Field(
        description="One object, or a list when `uid` (create) or the path (update) named several ids.")


class V8TimeEntryData(Wire):
    data: V8TimeEntry


class V8TimeEntriesData(Wire):
    data: V8TimeEntry | list[V8TimeEntry] = Field(description=MASS)


class V8CurrentTimeEntry(Wire):
    data: V8TimeEntry | None = Field(description="null when no entry is running.")


class V8WorkspaceData(Wire):
    data: V8Workspace


class V8WorkspaceUserData(Wire):
    data: V8WorkspaceUser


class V8GroupData(Wire):
    data: V8Group


class V8MeData(Wire):
    data: V8Me


class V8MeSync(Wire):
    """``GET /me`` and ``POST /sessions``."""

    since: int = Field(description="Server time (Unix seconds) to pass as `since` next time.")
    data: V8Me


class V8Invitations(Wire):
    data: list[V8WorkspaceUser] = Field(description="The memberships created (already members are skipped).")
    notifications: list[str]

