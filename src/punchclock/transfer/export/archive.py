"""The workspace ZIP: one JSON member per file of ``layout``, written with fixed timestamps so that two
exports of the same data are byte-identical."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from typing import BinaryIO

from sqlalchemy.orm import Session

from punchclock.models import Workspace
from punchclock.transfer.export import catalog
from punchclock.transfer.export.json_bytes import JsonValue, encode
from punchclock.transfer.files import layout

#: ZIP's earliest representable time: no clock in the bytes.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def archive_file_name(workspace: Workspace) -> str:
    """``<slug of the name>_<id>.zip``: readable, and unique per workspace on one server."""
    ascii_name = unicodedata.normalize("NFKD", workspace.name).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-") or "workspace"
    return f"{slug}_{workspace.id}.zip"


def members(db: Session, workspace: Workspace) -> list[tuple[str, JsonValue]]:
    """(member name, JSON value) in the order they are written."""
    wid = workspace.id
    found: list[tuple[str, JsonValue]] = [
        (layout.CLIENTS, catalog.clients(db, wid)),
        (layout.PROJECTS, catalog.projects(db, wid)),
        (layout.TAGS, catalog.tags(db, wid)),
        (layout.WORKSPACE_USERS, catalog.workspace_users(db, wid)),
        (layout.USER_GROUPS, catalog.user_groups(db, wid)),
        (layout.WORKSPACE_SETTINGS, catalog.workspace_settings(workspace)),
    ]
    found += [(f"{layout.PROJECT_USERS_DIR}{pid}.json", rows) for pid, rows in catalog.project_users(db, wid).items()]
    found += [(f"{layout.TASKS_DIR}{pid}.json", rows) for pid, rows in catalog.tasks(db, wid).items()]
    return found


def write_archive(db: Session, workspace_id: int, out: BinaryIO) -> None:
    """The workspace ZIP of ``workspace_id`` into ``out``. Raises LookupError for an unknown workspace."""
    workspace = db.get(Workspace, workspace_id)
    if workspace is None:
        raise LookupError(f"No workspace with id {workspace_id}.")
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, value in members(db, workspace):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, encode(value))
