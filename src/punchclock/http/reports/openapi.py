"""OpenAPI declarations of the Reports v2 routes (50-reports): query parameters and 200 bodies.

The routes read ``request.query_params`` by hand (see ``params.py``), so FastAPI sees no parameters;
these declarations describe exactly what the code reads. Enumerations come from the report modules
so that the documentation cannot drift from the values the code accepts.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import Response

from punchclock.reports import detailed, project, summary, weekly

JSON = "application/json"
CSV = "text/csv"
PDF = "application/pdf"
Schema = dict[str, Any]


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _param(name: str, schema: Schema, description: str, *, required: bool = False) -> Schema:
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": description}


def _enum(values: Iterable[str], default: str | None = None) -> Schema:
    schema: Schema = {"type": "string", "enum": list(values)}
    return schema if default is None else {**schema, "default": default}


def _ids(name: str, what: str) -> Schema:
    # Comma-separated, repeated, or both (merged): ``explode: false`` is the comma form.
    return {**_param(name, {"type": "array", "items": {"type": "integer", "minimum": 0}}, what),
            "style": "form", "explode": False}


ON_OFF = ("on", "off")
TRUE_FALSE = ("true", "false")

#: Read by every report before anything else (§2).
CALLER = [
    _param("user_agent", {"type": "string", "minLength": 1},
           "Name of the calling application or a contact e-mail (the User-Agent header does not count).",
           required=True),
    _param("workspace_id", {"type": "integer", "minimum": 1}, "Workspace to report on; you must be a member.",
           required=True),
]

#: The common filters of §3 (weekly, details, summary and their exports).
FILTERS = [
    _param("since", {"type": "string", "format": "date"}, "First day, YYYY-MM-DD (default: today - 6 days)."),
    _param("until", {"type": "string", "format": "date"}, "Last day, inclusive, YYYY-MM-DD; at most one year "
           "after since."),
    _param("billable", _enum(("yes", "no", "both"), "both"), "Billable filter."),
    _ids("client_ids", "Client ids; 0 = entries without client."),
    _ids("project_ids", "Project ids; 0 = entries without project."),
    _ids("user_ids", "Owner ids."),
    _ids("members_of_group_ids", "Narrow the users to members of these groups."),
    _ids("or_members_of_group_ids", "Add the members of these groups to the users."),
    _ids("tag_ids", "Tag ids; 0 = entries without tags."),
    _ids("task_ids", "Task ids; 0 = entries without task."),
    _ids("time_entry_ids", "Only these time entries."),
    _param("description", {"type": "string"}, "Description contains this text (case-insensitive)."),
    _param("without_description", _enum(TRUE_FALSE, "false"), "Only entries without description."),
    _param("distinct_rates", _enum(ON_OFF, "off"), "Split summary items by hourly rate."),
    _param("rounding", _enum(ON_OFF, "off"), "Round each duration with the workspace's rounding rules."),
    _param("display_hours", _enum(("decimal", "minutes"), "minutes"), "Duration format in PDF and CSV."),
]


def order(fields: Iterable[str], default: str, descending: bool) -> list[Schema]:
    return [
        _param("order_field", _enum(fields, default), "Sort key."),
        _param("order_desc", _enum(ON_OFF, "on" if descending else "off"), "Sort descending."),
    ]


def page(description: str) -> Schema:
    return _param("page", {"type": "integer", "minimum": 0, "default": 1}, description)


DETAILS = [*CALLER, *FILTERS, *order(detailed.ORDER_FIELDS, "date", True)]
#: The exports ignore ``page`` (every matching entry, O-70); the JSON report pages by 50.
DETAILS_PAGED = [*DETAILS, page("Page of 50 rows (0 reads as 1).")]
SUMMARY = [
    *CALLER, *FILTERS, *order(summary.ORDER_FIELDS, "title", False),
    _param("grouping", _enum([d.value for d in summary.GROUPINGS], "projects"), "Group (row) dimension."),
    _param("subgrouping", _enum([d.value for d in summary.SUBGROUPINGS], "time_entries"),
           "Item dimension; allowed pairs in 50-reports §8.1."),
    _param("subgrouping_ids", _enum(TRUE_FALSE, "false"), "Add the ids of each item's objects (ids)."),
    _param("grouped_time_entry_ids", _enum(TRUE_FALSE, "false"), "Add each item's time entry ids."),
]
WEEKLY = [
    *CALLER, *FILTERS, *order(weekly.ORDER_FIELDS, "title", False),
    _param("grouping", _enum(weekly.GROUPINGS, "projects"), "Row dimension; the other one gives the details."),
    _param("calculate", _enum(weekly.CALCULATIONS, "time"), "Durations or earnings per currency."),
]
PROJECT = [
    *CALLER,
    _param("project_id", {"type": "integer", "minimum": 1}, "Project to show.", required=True),
    page("Page of tasks_page, from 1."),
    *order(project.ORDER_FIELDS, "name", False),
]


def json_report(parameters: list[Schema], component: str) -> dict[str, Any]:
    """Keyword arguments for a JSON report's route decorator: its parameters and its 200 body."""
    return {
        "openapi_extra": {"parameters": parameters},
        "responses": {200: {"description": "The report", "content": {JSON: {"schema": _ref(component)}}}},
    }


def export(parameters: list[Schema], media_type: str) -> dict[str, Any]:
    """As ``json_report`` for a CSV or PDF export (sent as an attachment, see 50-reports §10)."""
    schema: Schema = {"type": "string"} if media_type == CSV else {"type": "string", "format": "binary"}
    return {
        "openapi_extra": {"parameters": parameters},
        "response_class": Response,  # no JSON 200: the answer is the file
        "responses": {200: {"description": "The report as a file download",
                            "content": {media_type: {"schema": schema}}}},
    }


# -- 200 bodies (50-reports §5 to §9) -----------------------------------------------------------------

def _obj(properties: dict[str, Schema], *, required: bool = True) -> Schema:
    schema: Schema = {"type": "object", "properties": properties}
    return {**schema, "required": list(properties)} if required else schema


INT_OR_NULL: Schema = {"type": ["integer", "null"]}
STR_OR_NULL: Schema = {"type": ["string", "null"]}
NUM_OR_NULL: Schema = {"type": ["number", "null"]}
MS_OR_NULL: Schema = {**INT_OR_NULL, "description": "milliseconds"}
CURRENCIES: Schema = {"type": "array", "items": _ref("ReportsCurrencyAmount")}
TOTALS = {"total_grand": MS_OR_NULL, "total_billable": MS_OR_NULL, "total_currencies": CURRENCIES}
TITLE: Schema = {"type": "object", "description": "One key per dimension (project/client/user/task/time_entry), "
                 "plus color keys for projects", "additionalProperties": True}
#: ``totals`` of a weekly row: 7 days and the sum in ms, or one object (or null) per currency in earnings mode.
WEEK: Schema = {"type": "array", "items": {"anyOf": [INT_OR_NULL, _ref("ReportsWeeklyEarnings")]}}
_DETAILED_ROW = _obj({
    "id": {"type": "integer"}, "pid": INT_OR_NULL, "tid": INT_OR_NULL, "uid": {"type": "integer"},
    "description": {"type": "string"}, "start": {"type": "string", "format": "date-time"},
    "end": {"type": ["string", "null"], "format": "date-time"}, "updated": {"type": "string", "format": "date-time"},
    "dur": {"type": "integer", "description": "milliseconds"}, "user": {"type": "string"},
    "use_stop": {"type": "boolean"},
    "client": STR_OR_NULL, "project": STR_OR_NULL, "project_color": STR_OR_NULL, "project_hex_color": STR_OR_NULL,
    "task": STR_OR_NULL, "billable": NUM_OR_NULL, "is_billable": {"type": "boolean"}, "cur": STR_OR_NULL,
    "tags": {"type": "array", "items": {"type": "string"}},
})
_SUMMARY_ITEM = _obj({"title": TITLE, "time": MS_OR_NULL, "cur": STR_OR_NULL, "sum": NUM_OR_NULL, "rate": NUM_OR_NULL})
# Optional keys: only sent with the subgrouping_ids / grouped_time_entry_ids switches (§8.3).
_SUMMARY_ITEM["properties"].update(ids={"type": "string"}, time_entry_ids={"type": "string"})
_WEEKLY_DETAIL = _obj({"title": TITLE, "totals": WEEK}, required=False)
_WEEKLY_ROW = _obj({"title": TITLE, "pid": INT_OR_NULL, "uid": INT_OR_NULL, "totals": WEEK,
                    "details": {"type": "array", "items": _WEEKLY_DETAIL}}, required=False)
_USER_LINE = _obj({"name": STR_OR_NULL, "duration": MS_OR_NULL, "billable_duration": MS_OR_NULL,
                   "billable_amount": NUM_OR_NULL})
_TASK_LINE = {"name": STR_OR_NULL, "estimated_seconds": INT_OR_NULL, "duration": MS_OR_NULL,
              "billable_amount": NUM_OR_NULL}

COMPONENTS: dict[str, Schema] = {
    "ReportsCurrencyAmount": _obj({"currency": STR_OR_NULL, "amount": NUM_OR_NULL}),
    "ReportsWeeklyEarnings": {"type": ["object", "null"], "properties": {
        "currency": STR_OR_NULL, "amount": {"type": "array", "items": NUM_OR_NULL}}},
    "ReportsDetailed": _obj({**TOTALS, "total_count": {"type": "integer"}, "per_page": {"type": "integer"},
                             "data": {"type": "array", "items": _DETAILED_ROW}}),
    "ReportsSummary": _obj({**TOTALS, "data": {"type": "array", "items": _obj({
        "id": INT_OR_NULL, "title": TITLE, "time": MS_OR_NULL, "total_currencies": CURRENCIES,
        "items": {"type": "array", "items": _SUMMARY_ITEM}})}}),
    "ReportsWeekly": _obj({**TOTALS, "data": {"type": "array", "items": _WEEKLY_ROW}, "week_totals": WEEK}),
    "ReportsProjectDashboard": _obj({
        "name": {"type": "string"}, "duration": MS_OR_NULL, "duration_without_task": MS_OR_NULL,
        "billable_duration": MS_OR_NULL, "billable_amount": NUM_OR_NULL, "tasks_count": {"type": "integer"},
        "currency": STR_OR_NULL, "estimated_seconds": INT_OR_NULL, "task_estimated_seconds": INT_OR_NULL,
        "use_task_estimated_seconds": {"type": "boolean"}, "tasks_per_page": {"type": "integer"},
        "users": {"type": "array", "items": _USER_LINE},
        "top_tasks": {"type": "array", "items": _obj({**_TASK_LINE, "asignee": STR_OR_NULL})},
        "tasks_page": {"type": "array", "items": _obj({**_TASK_LINE, "assignee": STR_OR_NULL})},
    }),
}
