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
    "created_with_blank": "created_with is required",
    "start_blank": "start can't be blank",
    "duration_blank": "duration or stop is required",
    "workspace_id_mismatch": "workspace_id does not match the path",
    "tag_id_not_found": "Tag {id} not found",
    "invalid_tag_action": 'tag_action must be "add", "delete" or "remove"',
    "time_entry_already_stopped": "Time entry already stopped",
    "time_entry_running": "Time entry is running",
    "invalid_patch": "Invalid patch operation at index {index}",
    # --- me and users (20-) -------------------------------------------------------------------------
    # --- clients and tags (40- §1, §4) --------------------------------------------------------------
    "client_workspace_mismatch": "Workspace id does not match the path",
    "client_id_not_found": "Client {id} not found",
    "project_not_of_client": "Project {id} does not belong to the client",
    "tag_name_taken": "Tag name already taken",
    # --- projects and project users (40- §2, §5) -----------------------------------------------------
    "invalid_color": "Invalid project color",
    "end_before_start": "end_date is before start_date",
    "recurring_unsupported": "Recurring projects are not supported",
    "client_name_mismatch": "client_id and client_name name different clients",
    "invalid_patch_op": "Invalid operation {op}",
    "invalid_patch_path": "Invalid path {path}",
    "project_user_exists": "User is already a project user",
    # --- tasks (40- §3) ------------------------------------------------------------------------------
    "task_patch_op": "Invalid patch operation: op must be add, replace or remove",
    "task_patch_path": "Invalid patch path {path}",
    "task_patch_empty": "The patch document changes nothing",
    # --- organizations (30- §1, §2.2) ----------------------------------------------------------------
    "org_admin_only": "Only organization admins can do this",
    "org_name_blank": "Organization name can't be blank",
    "workspace_name_blank": "Workspace name can't be blank",
    "org_leave_last_admin": "Cannot remove the last admin of workspace {workspace}",
    "org_workspace_unknown": "Workspace {id} does not belong to this organization",
    "org_invite_workspaces_blank": "At least one workspace is required",
    "org_invite_group": "Group {id} does not belong to the invited workspaces",
    "org_invite_role": "Role must be admin or user",
    "group_name_blank": "Group name can't be blank",
    "group_name_taken": "Group name already exists",
    "group_one_workspace": "A group belongs to exactly one workspace",
    "group_patch_unsupported": "Unsupported operation: op must be add or remove, path /users",
    "group_patch_value": "Value must be a list of 1 to {max} user ids",
    "group_patch_too_many": "Too many operations (maximum {max})",
    # --- workspaces, members, groups (30- §2.1, §3, §4) ----------------------------------------------
    "user_not_workspace_member": "User {id} is not a member of this workspace",
    "user_not_organization_member": "User {id} is not a member of this organization",
    "unsupported_role": "Unsupported role",
    "deactivation_unsupported": "Deactivating members is not supported",
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


def message(code: str, ctx: dict[str, Any], messages: dict[str, str] = MESSAGES) -> str:
    return v8.message(code, ctx, messages)


def render(err: DomainError, messages: dict[str, str] = MESSAGES) -> tuple[int, str]:
    """Status and the one message of the first failed rule (10- §6); ``messages``: the wording of a
    dialect that shares v9's error form (Reports v3, Webhooks)."""
    if err.code in FORBIDDEN_CODES:
        return 403, message(err.code, err.ctx, messages)
    status = next((s for cls, s in STATUS if isinstance(err, cls)), 400)
    code, ctx = err.codes[0] if isinstance(err, Invalid) else (err.code, err.ctx)
    return status, message(code, ctx, messages)
