"""OpenAPI models of v9 project users (40-catalog §5)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import Path, Query
from pydantic import Field, WithJsonSchema

from punchclock.http.v9.docs.types import Amount, Id, Utc, V9Body, V9Object


class V9ProjectUser(V9Object):
    """A user's role and rate on a project (40- §5.1); every key always present."""

    id: Id
    project_id: Id
    user_id: Id
    workspace_id: Id
    manager: bool
    rate: Amount | None = Field(description="`null` when unset or hidden from the caller.")
    rate_last_updated: None
    labor_cost: None
    labor_cost_last_updated: None
    group_id: None
    gid: None
    at: Utc


class V9ProjectUserBody(V9Body):
    """Create (``project_id`` and ``user_id`` required) or update (``manager``, ``rate``) a project user."""

    project_id: int | None = Field(None, description="Create only.")
    user_id: int | None = Field(None, description="Create only; a member of the workspace.")
    manager: bool | None = Field(None, description="Default `false`.")
    rate: Decimal | None = Field(None, description="Premium workspaces only; `null` clears.")


_ID = {"type": "integer", "format": "int64", "minimum": 1}
ProjectUserId = Annotated[str, WithJsonSchema(_ID), Path(description="Id of the project user.")]
ProjectUserIds = Annotated[str, WithJsonSchema({"type": "string", "pattern": "^[0-9]+(,[0-9]+)*$"}),
                           Path(description="Up to 100 comma-separated project user ids.")]
ProjectIds = Annotated[list[str] | None, WithJsonSchema({"type": "array", "items": _ID}),
                       Query(description="Project ids, repeated or comma-separated (at most 200).")]
UserId = Annotated[str | None, WithJsonSchema(_ID), Query(description="Only this user's rows.")]
WithGroupMembers = Annotated[str | None, WithJsonSchema({"type": "boolean"}), Query(description="Ignored.")]
