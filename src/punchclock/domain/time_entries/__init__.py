"""Time entries (40-time-entries): create, start, stop, read, update, bulk update, delete, range list.

- ``inputs``: ``TimeEntryChanges``, what a client asked for (typed; ``UNSET`` = not sent);
- ``queries``: reads on prebuilt Core statements, as ``EntryRow`` tuples, tags of many entries at once;
- ``tags``: tag name rules and resolving names to tags;
- ``writes``: prebuilt write statements, locks and per-request caches;
- ``service``: create/start, stop, delete; ``update``: update and bulk update.
"""

from __future__ import annotations

from punchclock.domain.time_entries.inputs import TimeEntryChanges
from punchclock.domain.time_entries.queries import (
    DEFAULT_WINDOW,
    LIST_LIMIT,
    EntryRow,
    EntryStamps,
    Listing,
    current,
    entry_row,
    get,
    list_range,
    stamps,
    tag_names,
)
from punchclock.domain.time_entries.service import MAX_CREATED_WITH, MAX_DESCRIPTION, Saved, create, delete, stop
from punchclock.domain.time_entries.tags import MAX_TAG_NAME, TAG_ACTIONS, clean_tag_names, combine_tags
from punchclock.domain.time_entries.update import update, update_many

__all__ = [
    "DEFAULT_WINDOW", "LIST_LIMIT", "MAX_CREATED_WITH", "MAX_DESCRIPTION", "MAX_TAG_NAME", "TAG_ACTIONS",
    "EntryRow", "EntryStamps", "Listing", "Saved", "TimeEntryChanges", "clean_tag_names", "combine_tags", "create",
    "current", "delete", "entry_row", "get", "list_range", "stamps", "stop", "tag_names", "update", "update_many",
]
