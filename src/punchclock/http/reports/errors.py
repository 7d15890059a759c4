"""Domain error codes -> Reports status and the ``{"error": {"message", "tip", "code"}}`` body (00- §8)."""

from __future__ import annotations

from typing import Any

from punchclock.domain.errors import (
    DomainError,
    Forbidden,
    Invalid,
    Malformed,
    NotFound,
    PaymentRequired,
    RateLimited,
    Unauthenticated,
)

TIP = "Change your request and try again. See the punchclock API documentation."

MESSAGES: dict[str, tuple[str, str]] = {
    "bad_credentials": ("Authentication failed: the Reports API accepts only an API token",
                        "Send HTTP Basic auth with your API token as user name and api_token as password."),
    "user_agent_required": ("user_agent parameter is required: name your application or give a contact e-mail",
                            TIP),
    "param_required": ("{name} is required", TIP),
    "invalid_param": ("{name} has an invalid value", TIP),
    "since_after_until": ("since must not be later than until", TIP),
    "until_before_since": ("until must not be earlier than since", TIP),
    "span_too_long": ("the maximum date span is one year", "Split the period into ranges of at most one year."),
    "grouping_pair": ("subgrouping {subgrouping} is not allowed with grouping {grouping}", TIP),
    "not_workspace_member": ("You are not a member of workspace {workspace_id}",
                             "Use the id of a workspace you belong to."),
    "project_not_found": ("Project not found", "Use the id of a project of this workspace that you can see."),
    "reports_premium": ("This feature is not included in the workspace's plan",
                        "The project dashboard needs a premium workspace."),
    "rate_limited": ("Too many requests", "Wait for the number of seconds in the Retry-After header, then retry."),
    "invalid_json": ("Invalid request", TIP),
    "body_too_large": ("Request body too large", "Send a smaller request."),
}

STATUS: list[tuple[type[DomainError], int]] = [
    (Malformed, 400),
    (Invalid, 400),
    (Unauthenticated, 401),
    (PaymentRequired, 402),
    (Forbidden, 403),
    (NotFound, 404),
    (RateLimited, 429),
]


def error_body(status: int, message: str, tip: str = TIP) -> dict[str, Any]:
    return {"error": {"message": message, "tip": tip, "code": status}}


def render(err: DomainError) -> tuple[int, dict[str, Any]]:
    status = next((s for cls, s in STATUS if isinstance(err, cls)), 400)
    message, tip = MESSAGES.get(err.code, (err.code.replace("_", " ").capitalize(), TIP))
    try:
        message = message.format(**err.ctx)
    except (KeyError, IndexError):
        pass
    return status, error_body(status, message, tip)
