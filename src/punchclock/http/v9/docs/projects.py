"""OpenAPI models of v9 projects (40-catalog §2): the object, the bodies, the bulk answer, the parameters."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import Path, Query
from pydantic import Field, RootModel, WithJsonSchema

from punchclock.http.v9.docs.types import Amount, Day, Id, Utc, V9Body, V9Object

Hex = Annotated[str, Field(pattern=r"^#[0-9a-f]{6}$", description="`#rrggbb`, lower case (V-17).")]
Status = Literal["deleted", "archived", "upcoming", "ended", "active"]


class V9Project(V9Object):
    """A project (40- §2.1); every key always present."""

    id: Id
    name: str
    workspace_id: Id
    wid: Id
    client_id: Id | None
    cid: Id | None
    client_name: str | None
    active: bool = Field(description="`false` = archived.")
    is_private: bool
    template: bool
    template_id: Id | None
    billable: bool
    auto_estimates: bool
    estimated_hours: int | None
    estimated_seconds: int | None
    actual_seconds: int = Field(description="Stopped, non-deleted entries of all users.")
    actual_hours: int = Field(description="`actual_seconds / 3600`, half-up.")
    rate: Amount | None = Field(description="`null` when unset or hidden from the caller.")
    currency: str | None
    color: Hex
    start_date: Day
    end_date: Day | None
    status: Status = Field(description='Derived in the caller\'s zone: "deleted", "archived", "upcoming", '
                                       '"ended" or "active".')
    can_track_time: bool
    at: Utc
    created_at: Utc
    server_deleted_at: Utc | None
    recurring: bool
    pinned: bool
    recurring_parameters: None
    fixed_fee: None
    rate_last_updated: None
    current_period: None
    permissions: None


class V9ProjectBody(V9Body):
    """Create (``name`` required) or partial update of a project (40- §2.6)."""

    name: str | None = None
    active: bool | None = None
    is_private: bool | None = Field(None, description="Default: the workspace's `projects_private_by_default`.")
    client_id: int | None = Field(None, description="Alias `cid`; `null` clears.")
    client_name: str | None = Field(None, description="Used when no `client_id` is sent: found or created.")
    color: str | int | None = Field(None, description="`#rrggbb` or a v8 palette id 0-14.")
    billable: bool | None = Field(None, description="Premium workspaces only.")
    auto_estimates: bool | None = None
    estimated_hours: int | None = Field(None, description="Premium workspaces only.")
    rate: Decimal | None = Field(None, description="Premium workspaces only.")
    currency: str | None = Field(None, description="Premium workspaces only.")
    template: bool | None = None
    template_id: int | None = Field(None, description="Create only.")
    start_date: date | None = Field(None, description="Default: today in the caller's zone.")
    end_date: date | None = Field(None, description="Not before `start_date`; `null` clears.")
    recurring: bool | None = Field(None, description="`true` is refused (400).")


class V9PatchOperation(V9Body):
    """One operation of a bulk ``PATCH`` (RFC 6902 subset, V-20)."""

    op: Literal["add", "replace", "remove"]
    path: str = Field(examples=["/active"])
    value: Any = None


class V9BulkFailure(V9Object):
    id: Id
    message: str


class V9BulkResult(V9Object):
    """Per-id outcome of a bulk ``PATCH`` (V-20)."""

    success: list[Id]
    failure: list[V9BulkFailure]


_ID = {"type": "integer", "format": "int64", "minimum": 1}
_IDS = {"type": "string", "pattern": "^[0-9]+(,[0-9]+)*$", "examples": ["12", "12,13"]}

WorkspaceId = Annotated[str, WithJsonSchema(_ID), Path(description="Id of the workspace.")]
ProjectId = Annotated[str, WithJsonSchema(_ID), Path(description="Id of the project.")]
ProjectIds = Annotated[str, WithJsonSchema(_IDS), Path(description="Up to 100 comma-separated project ids.")]


Q = str | None
QA = list[str] | None
_ARRAY = WithJsonSchema({"type": "array", "items": {"type": "integer", "minimum": 0}})


def _s(schema: dict[str, Any]) -> WithJsonSchema:
    """Documents the type clients send; the handlers read the raw query (``http/v9/params.py``)."""
    return WithJsonSchema(schema)


_BOOL = _s({"type": "boolean"})
_INT = _s({"type": "integer", "minimum": 0})
_POSITIVE = _s({"type": "integer", "minimum": 1})
_TEXT = _s({"type": "string"})
Active = Annotated[Q, _s({"type": "string", "enum": ["true", "false", "both"]}),
                   Query(description="`true`, `false` or `both`; absent = both (V-16).")]
Since = Annotated[Q, _INT, Query(description="Unix seconds: changed later, deleted ones included.")]
Billable = Annotated[Q, _BOOL, Query(description="Only (non-)billable projects.")]
ClientIds = Annotated[QA, _ARRAY, Query(description="Client ids, repeated or comma-separated; 0 = without client.")]
ProjectIdList = Annotated[QA, _ARRAY, Query(description="Project ids, repeated or comma-separated.")]
UserIds = Annotated[QA, _ARRAY, Query(description="Projects where one of these users is a project user.")]
GroupIds = Annotated[QA, _ARRAY, Query(description="Accepted and ignored.")]
Statuses = Annotated[QA, _s({"type": "array", "items": {"type": "string", "enum": [
    "deleted", "archived", "upcoming", "ended", "active"]}}), Query(description="Derived statuses to list.")]
Name = Annotated[Q, _TEXT, Query(description="Name contains (case-insensitive).")]
Search = Annotated[Q, _TEXT, Query(description="Same as `name`.")]
OnlyTemplates = Annotated[Q, _BOOL, Query(description="Templates only.")]
OnlyMe = Annotated[Q, _BOOL, Query(description="Projects the caller is a project user of.")]
OnlyEditable = Annotated[Q, _BOOL, Query(description="Projects the caller may manage.")]
SortField = Annotated[Q, _s({"type": "string", "enum": ["name", "created_at", "at", "client_name"]}),
                      Query(description="Default `name`.")]
SortOrder = Annotated[Q, _s({"type": "string", "enum": ["ASC", "DESC"]}),
                      Query(description="Default `ASC`; ties by id.")]
SortPinned = Annotated[Q, _BOOL, Query(description="Accepted and ignored.")]
Page = Annotated[Q, _POSITIVE, Query(description="1-based; paging applies only when `page` or `per_page` is given.")]
PerPage = Annotated[Q, _POSITIVE, Query(description="Default 151 when paging, at most 200.")]
IncludeArchived = Annotated[Q, _BOOL, Query(description="Archived projects too (default false).")]
StartProjectId = Annotated[Q, _INT, Query(description="Projects with an id at least this (default 0).")]
PerPageMe = Annotated[Q, _POSITIVE, Query(description="Default 201, at most 1000.")]
TeDeletionMode = Annotated[Q, _s({"type": "string", "enum": ["unassign", "delete"]}), Query(
    description="`unassign` (default): entries lose the project; `delete`: they are deleted too.")]


class V9PatchDocument(RootModel[list[V9PatchOperation]]):
    """A bulk ``PATCH`` body: operations applied to every id of the path (V-20)."""


#: ``DELETE`` of a project or project user answers the id as a bare JSON number (10- §3).
DELETED_ID: dict[str, Any] = {"schema": {"type": "integer", "format": "int64", "minimum": 1},
                              "description": "The deleted id."}
