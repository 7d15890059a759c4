"""The export-file layout, shared by the reader (``files``) and the writer (``export``): one place for names.

A workspace export is a ZIP of JSON files, each an array (``workspace_settings.json`` an object) of objects
with the field names of API v9; time entries are separate CSV files, one per year, in the exporting
person's time zone.
"""

from __future__ import annotations

CLIENTS = "clients.json"
PROJECTS = "projects.json"
TAGS = "tags.json"
WORKSPACE_USERS = "workspace_users.json"
USER_GROUPS = "user_groups.json"
WORKSPACE_SETTINGS = "workspace_settings.json"
#: Folders holding one ``<project id>.json`` each.
PROJECT_USERS_DIR = "projects_users/"
TASKS_DIR = "tasks/"

#: The columns of "Export time entries" (a detailed report's CSV may add ``Amount (<currency>)`` columns).
ENTRY_COLUMNS = ("User", "Email", "Client", "Project", "Task", "Description", "Billable", "Start date",
                 "Start time", "End date", "End time", "Duration", "Tags")
DATE_FORMAT = "%Y-%m-%d"
TIME_FORMAT = "%H:%M:%S"
BILLABLE = {"Yes": True, "No": False}
TAG_SEPARATOR = ", "
#: UTF-8 with a byte-order mark, as spreadsheet programs expect.
CSV_ENCODING = "utf-8-sig"


def entries_file_name(year: int) -> str:
    """The name a year's CSV gets when we write it (readers accept any name)."""
    return f"time_entries_{year}-01-01_to_{year}-12-31.csv"
