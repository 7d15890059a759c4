"""Published shapes of the Reports v3 summary and weekly reports (60- §3, §6, §7): bodies and answers.

The routes read their bodies by hand (``body.Body``); these models only document them, attached the way
``docs_search`` attaches its own (``request_body``, ``answer``). Enumerations come from the report modules,
so the documentation cannot drift from what the code accepts. The common filters are
``docs_search.V3Filters``; every answer key is always sent (10- §3.1).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field
from pydantic.config import JsonDict

from punchclock.http.reports_v3.docs_search import V3Answer, V3Filters
from punchclock.http.v9.docs.types import Id
from punchclock.reports import sub_groups

GROUPINGS: JsonDict = {"enum": [d.value for d in sub_groups.GROUPINGS]}
SUB_GROUPINGS: JsonDict = {"enum": [d.value for d in sub_groups.SUB_GROUPINGS]}
Cents = Annotated[int, Field(description="Cents of the currency.")]
Week = Annotated[list[int], Field(min_length=7, max_length=7, description="Day 1 … day 7 of the week.")]


class V3SummaryBody(V3Filters):
    """Summary report body (60- §6): the filters, the grouping pair and two switches."""

    grouping: str = Field("projects", description="Group dimension.", json_schema_extra=GROUPINGS)
    sub_grouping: str = Field("time_entries", description="Sub-group dimension; the pairs of Reports v2 "
                              "(50-reports §8.1), anything else is 400.", json_schema_extra=SUB_GROUPINGS)
    include_time_entry_ids: bool = Field(False, description="Fill `ids` of every sub-group.")
    distinguish_rates: bool = Field(False, description="One sub-group per hourly rate.")
    audit: dict[str, Any] | None = Field(None, description="Accepted, ignored.")


class V3WeeklyBody(V3Filters):
    """Weekly report body (60- §7): the 7 days from `start_date` (default: the caller's current week);
    `end_date` must lie within them, later days count 0."""


class V3SummaryRate(V3Answer):
    billable_seconds: int
    hourly_rate_in_cents: Cents
    currency: str


class V3SummarySubGroup(V3Answer):
    id: Id | None = Field(description="Task / project / client / user; null for none and for time entries.")
    title: str | None = Field(description="`time_entries`: the description (`\"\"` when empty); else null.")
    seconds: int
    rates: list[V3SummaryRate] | None = Field(
        description="Per (rate, currency) among the billable entries, by currency then rate; null when the "
                    "workspace hides rates from you.")
    ids: list[Id] | None = Field(description="Time entry ids, with `include_time_entry_ids`; else null.")


class V3SummaryGroup(V3Answer):
    id: Id | None = Field(description="Project / client / user; null for entries without one.")
    sub_groups: list[V3SummarySubGroup]


class V3Summary(V3Answer):
    """Groups and sub-groups ordered by title (any case), null last, then id."""

    groups: list[V3SummaryGroup]


class V3WeeklyRow(V3Answer):
    """One (owner, project, hourly rate, currency); rows by user name, project name (none last), rate."""

    user_id: Id
    user_name: str
    project_id: Id | None
    project_name: str | None
    client_name: str | None
    project_color: str | None = Field(description="The project's hex colour.")
    project_hex_color: str | None
    planned_task_id: None
    seconds: Week
    billable_seconds: Week
    billable_amounts_in_cents: Week | None = Field(description="Null when the workspace hides rates from you.")
    hourly_rate_in_cents: Cents | None = Field(description="Null when the workspace hides rates from you.")
    currency: str = Field(description="`\"\"` when the workspace hides rates from you.")
