"""Published shapes of the import and export endpoints: punchclock extensions, not Toggl Track's API.

Toggl Track's own exports are asynchronous jobs with other paths; these answer at once, in the file
layout of Toggl Track's "Export workspace data" (a ZIP) and "Export time entries" (one CSV per year).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import Field, WithJsonSchema

from punchclock.http.v9.docs.types import Id, V9Object

Year = Annotated[str, WithJsonSchema({"type": "integer", "minimum": 1000, "maximum": 9998}), Path(
    description="The calendar year, in `timezone`.")]
Timezone = Annotated[str | None, WithJsonSchema({"type": "string", "examples": ["Europe/Berlin"]}), Query(
    description="The IANA zone of the dates and times in the file (default: the caller's zone).")]


class V9ImportCounts(V9Object):
    """What happened to the objects of one kind."""

    created: int = Field(description="New rows (a dry run: rows it would create).")
    matched: int = Field(description="Already here: by an earlier import, e-mail or name; left unchanged.")
    skipped: int = Field(description="Read but not written: a line repeating an earlier one of the import.")


class V9ImportRejection(V9Object):
    """A line or object that could not be imported."""

    file: str = Field(description="The uploaded file's name (for a ZIP member: the member's name).")
    line: int = Field(description="1-based line (the CSV header is line 1); 0 where there is none.")
    reason: str


class V9ImportCountsByKind(V9Object):
    """Counts per kind of object."""

    workspaces: V9ImportCounts
    users: V9ImportCounts
    members: V9ImportCounts
    groups: V9ImportCounts
    clients: V9ImportCounts
    projects: V9ImportCounts
    project_users: V9ImportCounts
    tasks: V9ImportCounts
    tags: V9ImportCounts
    time_entries: V9ImportCounts


class V9ImportOutcome(V9Object):
    """The result of an import (also the body of its 400 when lines were rejected and nothing was written)."""

    dry_run: bool
    workspace_id: Id | None
    counts: V9ImportCountsByKind
    rejected_total: int = Field(description="Every rejection; `rejections` lists the first 1,000.")
    rejections: list[V9ImportRejection]


_FILE = {"type": "string", "format": "binary"}
IMPORT_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object",
    "properties": {
        "workspace": {**_FILE, "description": "The ZIP of Toggl Track's Settings → Data export → "
                                              "\"Export workspace data\" (optional)."},
        "time_entries": {"type": "array", "items": _FILE,
                         "description": "CSV files of \"Export time entries\", one per year (any number)."},
        "timezone": {"type": "string", "description": "The zone of the CSV's times: the exporting person's "
                                                      "(default: the caller's zone)."},
        "dry_run": {"type": "string", "enum": ["true", "false"], "default": "false",
                    "description": "Read and match everything, write nothing."},
        "skip_rejected": {"type": "string", "enum": ["true", "false"], "default": "false",
                          "description": "Import the good lines even when some are rejected."},
    },
}}}}}
ZIP_ANSWER: dict[int | str, dict[str, Any]] = {200: {
    "description": "The workspace ZIP (`<name>_<id>.zip`, an attachment).",
    "content": {"application/zip": {"schema": _FILE}}}}
CSV_ANSWER: dict[int | str, dict[str, Any]] = {200: {
    "description": "The year's time entries as CSV (UTF-8 with a byte-order mark; an attachment).",
    "content": {"text/csv": {"schema": {"type": "string"}}}}}
