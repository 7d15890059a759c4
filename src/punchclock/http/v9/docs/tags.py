"""Published shapes of the v9 tag operations (40- §4)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from pydantic import Field, WithJsonSchema

from punchclock.http.v9.docs.types import Id, Utc, V9Body, V9Object

_INT = {"type": "integer", "minimum": 1}
_SINCE = {"type": "integer", "format": "int64", "description": "Unix seconds."}

Search = Annotated[str | None, Query(description="Only tags whose name contains this text (any case).")]
Page = Annotated[str | None, WithJsonSchema(_INT), Query(
    description="1-based page; without `page` and `per_page` every tag is listed.")]
PerPage = Annotated[str | None, WithJsonSchema(_INT), Query(description="Tags per page (default 50, at most 200).")]
Since = Annotated[str | None, WithJsonSchema(_SINCE), Query(
    description="Only tags changed after this instant, deleted ones included (with `deleted_at`).")]


class V9Tag(V9Object):
    """A tag (40- §4.1)."""

    id: Id
    workspace_id: Id
    name: str
    creator_id: Id | None = Field(description="Who created it; null for tags older than API v9.")
    at: Utc
    deleted_at: Utc | None = Field(description="Deletion time; only on tombstones listed by `since`.")
    permissions: None


class V9TagBody(V9Body):
    """A tag's name: unique in the workspace (any case)."""

    name: str = Field(description="The tag's name.")
