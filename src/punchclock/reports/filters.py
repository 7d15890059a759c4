"""What a report asks for, in domain terms (the HTTP edge parses the wire parameters into these)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class IdFilter:
    """A whitelist of ids; ``include_none`` also selects entries without such an object (the wire's ``0``)."""

    ids: frozenset[int] = frozenset()
    include_none: bool = False


@dataclass(frozen=True, slots=True)
class ReportFilters:
    """The common filters of every report (50-reports §3); ``None`` means "no filter"."""

    workspace_id: int
    since: date
    until: date
    billable: bool | None = None
    client_ids: IdFilter | None = None
    project_ids: IdFilter | None = None
    tag_ids: IdFilter | None = None
    task_ids: IdFilter | None = None
    user_ids: frozenset[int] | None = None
    members_of_group_ids: frozenset[int] | None = None
    or_members_of_group_ids: frozenset[int] | None = None
    time_entry_ids: frozenset[int] | None = None
    description: str | None = None
    without_description: bool = False
    #: Round each entry's duration with the workspace's rounding rule before anything is summed.
    rounding: bool = False
