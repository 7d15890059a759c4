"""Domain error codes -> v9 status and message: one JSON **string** per error (V-3), 400 on validation (V-5).

Wording is shared with v8 (``http/v8/errors.MESSAGES``); ``MESSAGES`` here holds only what v9 words
differently or what only v9 says.
"""

from __future__ import annotations

from typing import Any

from punchclock.domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    Malformed,
    NotFound,
    PaymentRequired,
    RateLimited,
    Unauthenticated,
)
from punchclock.http.v8 import errors as v8

MESSAGES: dict[str, str] = {
    **v8.MESSAGES,
    # 10- §5, §8: workspace and organization paths the caller cannot reach are 403 (V-6).
    "workspace_not_found": "Workspace not found/accessible",
    "organization_not_found": "Organization not found/accessible",
    "rate_limited": "Too Many Requests",
    "too_many_ids": "Too many ids (maximum 100)",
    "not_found_route": "Not found",
    # --- time entries (50-) -------------------------------------------------------------------------
    # --- me and users (20-) -------------------------------------------------------------------------
    # --- clients and tags (40- §1, §4) --------------------------------------------------------------
    # --- projects and project users (40- §2, §5) -----------------------------------------------------
    # --- tasks (40- §3) ------------------------------------------------------------------------------
    # --- organizations (30- §1, §2.2) ----------------------------------------------------------------
    # --- workspaces, members, groups (30- §2.1, §3, §4) ----------------------------------------------
}

#: ``workspace_not_found`` is a NotFound in the domain (v8 answers 404); v9 answers 403 for it (10- §5).
FORBIDDEN_CODES = frozenset({"workspace_not_found", "organization_not_found"})

STATUS: list[tuple[type[DomainError], int]] = [
    (Malformed, 400),
    (Invalid, 400),
    (Unauthenticated, 403),
    (Forbidden, 403),
    (PaymentRequired, 402),
    (Conflict, 409),
    (RateLimited, 429),
    (NotFound, 404),
]


def message(code: str, ctx: dict[str, Any]) -> str:
    template = MESSAGES.get(code)
    if template is None:
        return code.replace("_", " ").capitalize()
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return template


def render(err: DomainError) -> tuple[int, str]:
    """Status and the one message of the first failed rule (10- §6)."""
    if err.code in FORBIDDEN_CODES:
        return 403, message(err.code, err.ctx)
    status = next((s for cls, s in STATUS if isinstance(err, cls)), 400)
    code, ctx = err.codes[0] if isinstance(err, Invalid) else (err.code, err.ctx)
    return status, message(code, ctx)
