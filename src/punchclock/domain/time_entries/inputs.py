"""What a client asked of a time entry, in domain names and types (convention: ``domain/inputs.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from punchclock.domain.inputs import UNSET, Unset

V = TypeVar("V")


def value(field: V | Unset) -> V | None:
    """A field's value with "not sent" read as None (most rules treat both alike, O-16)."""
    return None if field is UNSET else field


@dataclass(frozen=True, slots=True)
class TimeEntryChanges:
    """Fields of a create, start or update. ``UNSET`` = not sent; an explicit None clears the nullable
    ones (project, task, description, tags) and is ignored for the others (O-16).

    ``start``/``stop`` are aware UTC datetimes; ``duration`` whole seconds (negative = running).
    """

    guid: str | Unset | None = UNSET
    workspace_id: int | Unset | None = UNSET
    project_id: int | Unset | None = UNSET
    task_id: int | Unset | None = UNSET
    #: An admin files time for another member (create, start), or gives an entry to another member
    #: (update; v8 never sends it there, O-17).
    user_id: int | Unset | None = UNSET
    billable: bool | Unset | None = UNSET
    start: datetime | Unset | None = UNSET
    stop: datetime | Unset | None = UNSET
    duration: int | Unset | None = UNSET
    description: str | Unset | None = UNSET
    #: Any JSON value: the service's check makes every wrong one read "created_with needs to be provided".
    created_with: object = UNSET
    #: Raw elements: the service's check makes a non-string read "Invalid tags", after the checks before it.
    tags: Sequence[object] | Unset | None = UNSET
    #: Ids of live tags of the entry's workspace, combined with ``tags`` as one set (v9).
    tag_ids: Sequence[int] | Unset | None = UNSET
    tag_action: str | Unset | None = UNSET
    duronly: bool | Unset | None = UNSET
    #: Update only: a new date for the start (or stop) that keeps the entry's time of day in the
    #: caller's zone (v9 bulk edits, 50- §5.1). ``start_day`` moves the whole entry.
    start_day: date | Unset = UNSET
    stop_day: date | Unset = UNSET

    def starts_timer(self) -> bool:
        """Whether these changes can turn a stopped entry into a running one (``timekeeping.on_update``)."""
        duration = value(self.duration)
        return value(self.stop) is None and duration is not None and duration < 0
