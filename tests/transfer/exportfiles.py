"""Export files of our own making for tests: a workspace ZIP and time-entry CSVs in Toggl Track's layout.

``sample_export()`` is a small complete workspace (every file of the layout); ``write_zip`` writes any dict
of file name -> JSON value (or raw text/bytes, to test malformed files); ``write_csv`` writes entry rows
(dicts keyed by column; missing columns are empty) with or without a byte-order mark.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from punchclock.transfer.files import layout

COLUMNS = layout.ENTRY_COLUMNS


def write_zip(path: Path, files: Mapping[str, Any]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, value in files.items():
            if isinstance(value, bytes):
                zf.writestr(name, value)
            elif isinstance(value, str):
                zf.writestr(name, value.encode())
            else:
                zf.writestr(name, json.dumps(value, indent=2).encode())
    return path


def csv_bytes(rows: Sequence[Mapping[str, str]], *, columns: Sequence[str] = COLUMNS, bom: bool = True) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(columns)
    for r in rows:
        writer.writerow([r.get(c, "") for c in columns])
    return (b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode()


def write_csv(path: Path, rows: Sequence[Mapping[str, str]], *, columns: Sequence[str] = COLUMNS,
              bom: bool = True) -> Path:
    path.write_bytes(csv_bytes(rows, columns=columns, bom=bom))
    return path


def entry(email: str, start: str, end: str, **fields: str) -> dict[str, str]:
    """A CSV row; ``start``/``end`` as ``YYYY-MM-DD HH:MM[:SS]``; other columns by keyword (``Tags="a, b"``,
    keywords with spaces through ``**{"Start date": ...}``)."""
    sd, st = start.split(" ")
    ed, et = end.split(" ")
    row = {"Email": email, "Start date": sd, "Start time": st, "End date": ed, "End time": et,
           "Billable": "No", "Duration": "18:25 min"}
    row.update({k.replace("_", " "): v for k, v in fields.items()})
    return row


WORKSPACE_ID = 9001


def sample_export() -> dict[str, Any]:
    """A small workspace: 2 clients (one archived), 3 projects (one inactive, one without client), 2 tags,
    3 members (an admin), 2 project users, tasks for one project (another's file empty), a group."""
    return {
        layout.WORKSPACE_SETTINGS: {
            "name": "Acme Studio", "default_hourly_rate": 40, "default_currency": "EUR", "rounding": 1,
            "rounding_minutes": 15, "only_admins_may_create_projects": True, "only_admins_may_create_tags": False,
            "only_admins_see_billable_rates": True, "projects_billable_by_default": False,
            "projects_private_by_default": False,
        },
        layout.CLIENTS: [
            {"id": 11, "wid": WORKSPACE_ID, "name": "Globex", "archived": False, "notes": "Main client",
             "rate": 120.5, "currency": "USD"},
            {"id": 12, "wid": WORKSPACE_ID, "name": "Initech", "archived": True, "notes": None},
        ],
        layout.PROJECTS: [
            {"id": 21, "workspace_id": WORKSPACE_ID, "name": "Website", "client_id": 11, "active": True,
             "is_private": False, "billable": True, "color": "#06aaf5", "rate": 95.25, "currency": "USD",
             "estimated_hours": 120, "template": False, "auto_estimates": False},
            {"id": 22, "workspace_id": WORKSPACE_ID, "name": "Legacy", "client_id": 12, "active": False,
             "is_private": True, "billable": False, "color": "#c9806b", "rate": None, "currency": None,
             "estimated_hours": None, "template": False, "auto_estimates": False},
            {"id": 23, "workspace_id": WORKSPACE_ID, "name": "Internal", "client_id": None, "active": True,
             "is_private": True, "billable": False, "color": "#9e5bd9", "template": True, "auto_estimates": True},
        ],
        layout.TAGS: [{"id": 31, "workspace_id": WORKSPACE_ID, "name": "urgent"},
                      {"id": 32, "workspace_id": WORKSPACE_ID, "name": "review"}],
        layout.WORKSPACE_USERS: [
            {"id": 41, "user_id": 51, "email": "ada@example.com", "name": "Ada Lovelace", "admin": True,
             "active": True, "rate": 70, "timezone": "Europe/London"},
            {"id": 42, "user_id": 52, "email": "Bob@Example.com", "name": "Bob Builder", "admin": False,
             "active": True, "rate": None},
            {"id": 43, "uid": 53, "email": "cy@example.com", "fullname": "Cy Twombly", "admin": False,
             "active": True},
        ],
        f"{layout.PROJECT_USERS_DIR}21.json": [
            {"project_id": 21, "user_id": 51, "manager": True, "rate": 150},
            {"project_id": 21, "user_id": 52, "manager": False, "rate": None},
        ],
        f"{layout.TASKS_DIR}21.json": [
            {"id": 61, "name": "Design", "project_id": 21, "active": True, "estimated_seconds": 36000,
             "user_id": 52},
            {"id": 62, "name": "Build", "project_id": 21, "active": False, "estimated_seconds": 0, "user_id": None},
        ],
        f"{layout.TASKS_DIR}22.json": "",
        f"{layout.TASKS_DIR}23.json": [],
        layout.USER_GROUPS: [{"group_id": 71, "name": "Designers", "users": [{"user_id": 51}, {"user_id": 52}]}],
        "alerts.json": [{"id": 1}],
    }
