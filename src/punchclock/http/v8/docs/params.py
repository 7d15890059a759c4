"""Path and query parameter annotations of the v8 routes: documentation only.

The handlers keep receiving plain strings and parse them themselves (``http/v8/params.py``: 400 on a
bad id or flag), so every alias here is ``str`` at run time; ``WithJsonSchema`` publishes the type
clients should send.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from pydantic import WithJsonSchema

from punchclock.http.ids import MAX_ID, MAX_IDS

_ID_SCHEMA = {"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID}
_IDS_SCHEMA = {"type": "string", "pattern": "^[0-9]{1,19}(,[0-9]{1,19})*$", "examples": ["12", "12,13,14"]}


def _id(what: str) -> object:
    return Path(description=f"Id of the {what}.")


def _ids(what: str) -> object:
    return Path(description=(
        f"Id of the {what}, or up to {MAX_IDS} comma-separated ids (no spaces) to act on several at once: "
        "then `data` is a list, and nothing changes unless every id may be changed."
    ))


Id = Annotated[str, WithJsonSchema(_ID_SCHEMA)]
IdList = Annotated[str, WithJsonSchema(_IDS_SCHEMA)]

ClientId = Annotated[Id, _id("client")]
ProjectId = Annotated[Id, _id("project")]
ProjectIds = Annotated[IdList, _ids("project")]
TagId = Annotated[Id, _id("tag")]
TaskId = Annotated[Id, _id("task")]
TaskIds = Annotated[IdList, _ids("task")]
TimeEntryId = Annotated[Id, _id("time entry")]
TimeEntryIds = Annotated[IdList, _ids("time entry")]
ProjectUserIds = Annotated[IdList, _ids("project user")]
WorkspaceId = Annotated[Id, _id("workspace")]
WorkspaceUserId = Annotated[Id, _id("workspace user (membership)")]
GroupId = Annotated[Id, _id("group")]

_FLAG = {"type": "boolean"}
_ACTIVE = {"type": "string", "enum": ["true", "false", "both"], "default": "true"}
_SINCE = {"type": "integer", "format": "int64", "description": "Unix seconds."}
_DATE_TIME = {"type": "string", "examples": ["2026-11-26T11:35:26+00:00", "2026-11-26"]}

Active = Annotated[str | None, WithJsonSchema(_ACTIVE), Query(
    description="`true` (default): active only; `false`: archived (done) only; `both`: all.")]
ActualHours = Annotated[str | None, WithJsonSchema(_FLAG), Query(
    description="Add `actual_hours` (whole hours tracked) to each project.")]
OnlyTemplates = Annotated[str | None, WithJsonSchema(_FLAG), Query(
    description="Only projects marked as templates.")]
TaskFields = Annotated[str | None, WithJsonSchema({"type": "string", "examples": ["done_seconds,uname"]}), Query(
    description="Comma-separated extra fields: `done_seconds`, `uname` (assignee's full name).")]
ProjectUserFields = Annotated[str | None, WithJsonSchema({"type": "string", "examples": ["fullname"]}), Query(
    description="Comma-separated extra fields: `fullname`.")]
WithRelatedData = Annotated[str | None, WithJsonSchema(_FLAG), Query(
    description="Add the caller's workspaces, clients, projects, tasks, tags and time entries.")]
Since = Annotated[str | None, WithJsonSchema(_SINCE), Query(
    description="With `with_related_data`: only what changed since then (deleted items included, with "
                "`server_deleted_at`). Pass the `since` of the previous answer.")]
StartDate = Annotated[str | None, WithJsonSchema(_DATE_TIME), Query(
    description="Entries starting at or after this RFC 3339 date-time (a date alone: midnight in the user's "
                "zone; send `+` as `%2B`). Default: `end_date` minus 9 days.")]
EndDate = Annotated[str | None, WithJsonSchema(_DATE_TIME), Query(
    description="Entries starting before this date-time. Default: now.")]
ChangedAt = Annotated[str | None, WithJsonSchema(_DATE_TIME), Query(
    description="Compatibility (old TogglPy): only entries changed after this date-time; the date window "
                "then applies only when `start_date` or `end_date` is given.")]
