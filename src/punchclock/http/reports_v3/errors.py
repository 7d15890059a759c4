"""Domain error codes -> Reports v3 status and message: one JSON string per error (10- §6, 60- §2)."""

from __future__ import annotations

from typing import Any

from punchclock.domain.errors import DomainError
from punchclock.http.v9 import errors as v9

MESSAGES: dict[str, str] = {
    **v9.MESSAGES,
    "body_empty": "The request body is empty",
    "object_expected": "The request body must be a JSON object",
    "invalid_json": "Invalid JSON body",
    "invalid_field": "Invalid {field}",
    "not_workspace_member": "Workspace not found/accessible",
    "since_after_until": "start_date must not be later than end_date",
    "span_too_long": "The maximum date span is one year",
    "min_above_max": "min_duration_seconds must not be greater than max_duration_seconds",
    "grouping_pair": "sub_grouping {subgrouping} is not allowed with grouping {grouping}",
    "weekly_span": "The weekly report covers at most 7 days",
    "reports_premium": "This report needs a premium workspace",
    "project_not_found": "Project not found",
    "unsupported_export": "Unsupported export format",
}



def message(code: str, ctx: dict[str, Any]) -> str:
    return v9.message(code, ctx, MESSAGES)


def render(err: DomainError) -> tuple[int, str]:
    """Status as in API v9 (membership failures are 403 ``Workspace not found/accessible``, 60- §2)."""
    return v9.render(err, MESSAGES)
