"""Time entries (40-time-entries): create, start, stop, read, update, bulk update, delete, range list.

- ``inputs``: ``TimeEntryChanges``, what a client asked for (typed; ``UNSET`` = not sent);
- ``queries``: reads on prebuilt Core statements, as ``EntryRow`` tuples, tags of many entries at once;
- ``listing``: the caller's entries under v9's filters, newest first, tags with their ids;
- ``meta``: what v9's ``meta=true`` adds to entries (project, client, task, owner names);
- ``tags``: tag name rules and resolving names to tags;
- ``writes``: prebuilt write statements, locks and per-request caches;
- ``service``: create/start, stop, delete; ``update``: update and bulk update.
"""

from __future__ import annotations

from punchclock.domain.time_entries.inputs import TimeEntryChanges
from punchclock.domain.time_entries.listing import RECENT_DAYS, EntryFilter, History, list_filtered, recent
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
    tag_pairs,
)
from punchclock.domain.time_entries.service import MAX_CREATED_WITH, MAX_DESCRIPTION, Saved, create, delete, stop
from punchclock.domain.time_entries.tags import MAX_TAG_NAME, TAG_ACTIONS, clean_tag_names, combine_tags
from punchclock.domain.time_entries.update import update, update_each, update_many

__all__ = [
    "DEFAULT_WINDOW",
    "LIST_LIMIT",
    "MAX_CREATED_WITH",
    "MAX_DESCRIPTION",
    "MAX_TAG_NAME",
    "RECENT_DAYS",
    "TAG_ACTIONS",
    "EntryFilter",
    "EntryRow",
    "EntryStamps",
    "History",
    "Listing",
    "Saved",
    "TimeEntryChanges",
    "clean_tag_names",
    "combine_tags",
    "create",
    "current",
    "delete",
    "entry_row",
    "get",
    "list_filtered",
    "list_range",
    "recent",
    "stamps",
    "stop",
    "tag_names",
    "tag_pairs",
    "update",
    "update_each",
    "update_many",
]
