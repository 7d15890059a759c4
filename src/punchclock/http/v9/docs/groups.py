"""Published shapes of the v9 group operations (30- §2)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Query
from pydantic import Field, RootModel, WithJsonSchema

from punchclock.http.v9.docs.types import Id, Utc, V9Body, V9Object

NameContains = Annotated[str | None, WithJsonSchema({"type": "string"}), Query(
    description="Only groups whose name contains this text (any case).")]
WorkspaceFilter = Annotated[str | None, WithJsonSchema({"type": "integer", "minimum": 1}), Query(
    description="Only the groups of this workspace.")]


class V9Group(V9Object):
    """A workspace group (30- §2.1)."""

    id: Id
    workspace_id: Id
    name: str
    has_users: bool = Field(description="Somebody is in the group.")
    at: Utc
    permissions: None


class V9GroupBody(V9Body):
    """Name a group (admins)."""

    name: str = Field(description="1-140 characters, unique in the workspace (any case).")


class V9OrgGroupUser(V9Object):
    user_id: Id
    name: str
    avatar_url: str
    inactive: Literal[False]
    joined: bool = Field(description="The membership is active.")


class V9OrgGroup(V9Object):
    """An organization group: a group of one of its workspaces (30- §2.2, V-47)."""

    group_id: Id
    name: str
    at: Utc
    workspaces: list[Id] = Field(description="Always the one workspace of the group.", min_length=1, max_length=1)
    users: list[V9OrgGroupUser]
    permissions: None


class V9OrgGroupBody(V9Body):
    """Create (``name`` required) or change an organization group."""

    name: str | None = Field(None, description="1-140 characters, unique in the workspace (any case).")
    workspaces: list[int] | None = Field(
        None, description="Exactly one workspace of the organization; may be omitted when it has one (create), "
                          "must name the group's own workspace (update).")
    users: list[int] | None = Field(None, description="User ids of members of that workspace; on update the "
                                                      "complete set.")


class V9GroupPatch(V9Body):
    """One operation: add users to or remove users from the group."""

    op: Literal["add", "remove"]
    path: Literal["/users"]
    value: list[int] = Field(description="1 to 100 user ids, members of the group's workspace.")


class V9GroupPatches(RootModel[list[V9GroupPatch]]):
    """At most 100 operations, each applied on its own."""


class V9GroupPatchFailure(V9Object):
    patch: Any = Field(description="The operation as sent.")
    message: str


class V9GroupPatchResult(V9Object):
    success: list[Any] = Field(description="The operations applied, as sent.")
    failure: list[V9GroupPatchFailure]
