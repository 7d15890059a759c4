"""Published shapes of the Reports v3 detailed, totals and project reports (60- §3, §4, §5, §8).

The routes read their bodies by hand (``body.Body``): these models only describe what the code accepts
and answers. Request bodies are inlined (``request_body``); answers are FastAPI response models, published
as components. Model names start with ``V3`` so they never clash with v8/v9 ones.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from punchclock.http.reports_v3.body import ROUNDING_MINUTES
from punchclock.reports import search, tracked

_ID = {"type": "string", "pattern": "^[0-9]+$", "description": "A positive id."}
WorkspaceId = Annotated[str, WithJsonSchema(_ID), Path(description="Id of the workspace; you must be a member.")]
ProjectId = Annotated[str, WithJsonSchema(_ID), Path(description="Id of the project.")]

Ids = Annotated[list[int | None] | None, Field(
    description="Ids; an element null (or 0) selects entries without one; [] = no filter.")]


class V3Filters(BaseModel):
    """The common report fields (60- §3); null = absent, unknown keys ignored."""

    model_config = ConfigDict(extra="allow")

    start_date: str | None = Field(None, description="First day, YYYY-MM-DD (default: today - 6 days).")
    end_date: str | None = Field(None, description="Last day, inclusive; at most one year after start_date.")
    billable: bool | None = Field(None, description="true: only billable; false: only non-billable.")
    project_ids: Ids = None
    client_ids: Ids = None
    task_ids: Ids = None
    tag_ids: Ids = Field(None, description="Entries with at least one of these tags; null = without tags.")
    user_ids: list[int] | None = Field(None, description="Owners.")
    group_ids: list[int] | None = Field(None, description="Owners in these groups (or in user_ids).")
    time_entry_ids: list[int] | None = None
    description: str | None = Field(None, description="Contains this text, any case; \"\" = no filter.")
    min_duration_seconds: int | None = Field(None, ge=0, description="Inclusive lower bound (rounded).")
    max_duration_seconds: int | None = Field(None, ge=0, description="Inclusive upper bound (rounded).")
    rounding: int | None = Field(None, description="Non-zero: round each entry with the workspace's direction.")
    rounding_minutes: Literal[tuple(sorted(ROUNDING_MINUTES))] | None = Field(  # type: ignore[valid-type]
        None, description="Rounding step instead of the workspace's.")


class V3SearchBody(V3Filters):
    """``search/time_entries`` (60- §4.1)."""

    grouped: bool = Field(False, description="Merge identical entries into one row.")
    hide_amounts: bool = Field(False, description="Rates and amounts read null.")
    order_by: Literal[(*search.ORDERS, "title")] = Field(  # type: ignore[valid-type]
        "date", description="title reads as description (toggl-api-wrapper sends it).")
    order_dir: Literal["ASC", "DESC"] | None = Field(None, description="DESC for date/last_update, else ASC.")
    page_size: int = Field(search.PAGE_SIZE, ge=1, description="Rows per page; above 1000 reads as 1000.")
    first_row_number: int | None = Field(None, ge=1, description="First row of the page (decides).")
    first_id: int | None = Field(None, ge=1, description="Start at the row whose first entry has this id.")
    first_timestamp: int | None = Field(None, description="Accepted with first_id.")
    enrich_response: bool = Field(False, description="Accepted; rows are always complete.")


class V3TotalsBody(V3Filters):
    """``search/time_entries/totals`` (60- §5)."""

    grouped: bool = Field(False, description="No effect on sums.")
    granularity: Literal[tracked.RESOLUTIONS] | None = None  # type: ignore[valid-type]
    resolution: Literal[tracked.RESOLUTIONS] | None = Field(  # type: ignore[valid-type]
        None, description="Graph buckets (granularity wins); default by span: day ≤ 31 days, week ≤ 183, month.")
    with_graph: bool = False
    withInlineRates: bool | None = Field(None, description="Ignored.")


class V3ProjectsBody(BaseModel):
    """The project reports' days (60- §8)."""

    model_config = ConfigDict(extra="allow")

    start_date: str | None = Field(None, description="First day, YYYY-MM-DD.")
    end_date: str | None = Field(None, description="Last day, inclusive.")


def request_body(model: type[BaseModel], *, required: bool = True) -> dict[str, Any]:
    """``openapi_extra`` describing ``model`` as the JSON body (the route reads it by hand)."""
    return {"requestBody": {"required": required,
                            "content": {"application/json": {"schema": model.model_json_schema()}}}}


class V3Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class V3SearchEntry(V3Answer):
    id: int
    seconds: int = Field(description="Duration after rounding.")
    start: str = Field(description="UTC, +00:00.")
    stop: str
    at: str = Field(description="Last change, UTC.")
    at_tz: str = Field(description="Last change in the owner's time zone, with its offset.")


class V3SearchRow(V3Answer):
    """One row of the detailed report (60- §4.2)."""

    row_number: int
    user_id: int
    username: str
    email: str | None = Field(description="Only for admins.")
    toggl_accounts_id: str
    project_id: int | None
    project_name: str | None
    project_color: str | None
    project_hex: str | None
    client_name: str | None
    task_id: int | None
    task_name: str | None
    description: str
    billable: bool
    tag_ids: list[int]
    tag_names: list[str]
    hourly_rate_in_cents: int | None
    currency: str = Field(description="\"\" when rates are hidden from the caller.")
    billable_amount_in_cents: int | None
    time_entries: list[V3SearchEntry]


class V3Rate(V3Answer):
    billable_seconds: int
    hourly_rate_in_cents: int
    currency: str


class V3GraphBucket(V3Answer):
    seconds: int
    billable_amount_in_cents: int | None
    labour_cost_in_cents: None
    by_rate: dict[str, int] = Field(description="Hourly rate in cents -> billable seconds at it.")


class V3Totals(V3Answer):
    """The totals (60- §5)."""

    seconds: int
    tracked_days: int
    billable_amount_in_cents: int | None
    labour_cost_in_cents: None
    resolution: Literal[tracked.RESOLUTIONS]  # type: ignore[valid-type]
    rates: list[V3Rate]
    graph: list[V3GraphBucket] | None


class V3ProjectLine(V3Answer):
    user_id: int
    project_id: int
    tracked_seconds: int
    billable_seconds: int


#: The paging headers of ``search/time_entries`` (60- §4.3), sent only when more rows follow.
NEXT_HEADERS = {
    "X-Next-ID": {"description": "Id of the next row's first time entry.", "schema": {"type": "integer"}},
    "X-Next-Row-Number": {"description": "row_number of the next row.", "schema": {"type": "integer"}},
    "X-Next-Timestamp": {"description": "Start of that entry, Unix seconds.", "schema": {"type": "integer"}},
}


def answer(model: Any, description: str, headers: dict[str, Any] | None = None) -> dict[int | str, dict[str, Any]]:
    return {200: {"model": model, "description": description, **({"headers": headers} if headers else {})}}
