"""Export: a workspace in the file layout of Toggl Track's data export (``transfer.files.layout``), so that
``files`` reads it back and other tools that read those exports read ours.

No permission checks here: the callers (CLI, web page, HTTP endpoint) check that the viewer is an admin.
"""

from __future__ import annotations

from punchclock.transfer.export.archive import archive_file_name, write_archive
from punchclock.transfer.export.entries import count_entries, default_timezone, entry_years, write_entries_csv
from punchclock.transfer.files.layout import entries_file_name

__all__ = ["archive_file_name", "count_entries", "default_timezone", "entries_file_name", "entry_years",
           "write_archive", "write_entries_csv"]
