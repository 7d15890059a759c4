"""Domain error codes -> v8 status and English message (a JSON array of strings)."""

from __future__ import annotations

from collections.abc import Mapping
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

MESSAGES: dict[str, str] = {
    # authentication and permissions
    "bad_credentials": "Incorrect username and/or password",
    "signup_disabled": "Sign-up is disabled",
    "admin_only": "Only workspace admins can do this",
    "manager_only": "Only workspace admins and project managers can do this",
    "admins_create_projects": "Only workspace admins can create projects in this workspace",
    "cannot_add_time": "You cannot add time to this project",
    "rate_limited": "Too many requests, slow down",
    "tasks_premium": "Tasks are available for paid workspaces only",
    # malformed requests (400)
    "invalid_json": "Invalid JSON",
    "body_too_large": "Request body too large",
    "invalid_param": "Invalid {name}",
    "invalid_id": "Invalid id",
    "too_many_ids": "Too many ids (maximum 1000)",
    "ids_not_allowed": "Id lists are not allowed here",
    "method_not_allowed": "Method not allowed",
    "not_found_route": "Not found",
    # missing things
    "workspace_not_found": "Workspace not found",
    "client_not_found": "Client not found",
    "project_not_found": "Project not found",
    "template_not_found": "Template not found",
    "task_not_found": "Task not found",
    "tag_not_found": "Tag not found",
    "time_entry_not_found": "Time entry not found",
    "project_user_not_found": "Project user not found",
    "user_not_found": "User not found",
    # validation (404)
    "wrapper_blank": "{key} can't be blank",
    "invalid_field": "Invalid {field}",
    "name_blank": "Name can't be blank",
    "name_too_long": "Name is too long (maximum {max} characters)",
    "name_taken": "Name has already been taken",
    "workspace_blank": "Workspace can't be blank",
    "project_blank": "Project can't be blank",
    "user_blank": "User can't be blank",
    "invalid_color": "Invalid color",
    "estimated_hours_negative": "Estimated hours can't be negative",
    "estimated_seconds_negative": "Estimated seconds can't be negative",
    "rate_negative": "Rate can't be negative",
    "rate_too_large": "Rate is too large",
    "conflict": "The change conflicts with a concurrent one, please retry",
    "default_rate_negative": "Default hourly rate can't be negative",
    "invalid_currency": "Invalid currency",
    "invalid_rounding": "Rounding must be -1, 0 or 1",
    "invalid_rounding_minutes": "Rounding minutes must be one of 0, 1, 5, 6, 10, 12, 15, 30, 60, 240",
    "not_workspace_member": "User is not a member of this workspace",
    "project_user_exists": "User has already been added to this project",
    "workspace_mismatch": "Workspace does not match project",
    "start_blank": "Start can't be blank",
    "duration_blank": "Duration can't be blank",
    "stop_before_start": "Stop time must be after start time",
    "start_year": "Start time year must be between 1970 and 2100",
    "created_with_blank": "created_with needs to be provided a valid string",
    "description_too_long": "Description is too long (maximum 3000 characters)",
    "task_not_in_project": "Task does not belong to the project",
    "project_not_in_workspace": "Project does not belong to the workspace",
    "invalid_tag_action": 'tag_action must be "add" or "remove"',
    "invalid_start": "Invalid start",
    "invalid_stop": "Invalid stop",
    "fullname_blank": "Fullname can't be blank",
    "invalid_email": "Invalid e-mail",
    "email_taken": "User with this email already exists",
    "invalid_beginning_of_week": "Beginning of week must be between 0 and 6",
    "invalid_timezone": "Invalid timezone",
    "invalid_timeofday_format": "Invalid time of day format",
    "invalid_date_format": "Invalid date format",
    "invalid_default_workspace": "Invalid default workspace",
    "current_password_invalid": "Current password is not valid",
    "current_password_required": "Current password is required",
    "password_too_short": "Password should be at least 6 characters",
    "email_blank": "Email can't be blank",
    "password_blank": "Password can't be blank",
    # users and workspaces (helper: users/auth/workspaces)
    "fullname_too_long": "Fullname is too long (maximum {max} characters)",
    "language_blank": "Language can't be blank",
    "invalid_language": "Invalid language",
    "invalid_duration_format": "Invalid duration format",
    "default_rate_too_large": "Default hourly rate is too large",
    # projects and tags (helper: projects/tags/task lists)
    "project_id_not_found": "Project {id} not found",
    "manager_only_id": "Only workspace admins and project managers can change project {id}",
    # time entries (helper: time entries)
    "time_entry_id_not_found": "Time entry {id} not found",
    "duration_too_long": "Duration is too long (maximum 2147483647 seconds)",
    "tag_name_too_long": "Tag name is too long (maximum {max} characters)",
    # project users, tasks, dashboard (helper: teams)
    "project_user_id_not_found": "Project user {id} not found",
    "task_id_not_found": "Task {id} not found",
    "not_workspace_member_id": "User {id} is not a member of this workspace",
    "project_user_exists_id": "User {id} has already been added to this project",
    "project_user_manager_only_id": "Only workspace admins and project managers can change project user {id}",
    "task_manager_only_id": "Only workspace admins and project managers can change task {id}",
    # workspace users, invitations, groups (helper: members/groups)
    "workspace_user_not_found": "Workspace user not found",
    "group_not_found": "Group not found",
    "last_admin": "Workspace needs at least one admin",
    "emails_blank": "Emails can't be blank",
    "too_many_emails": "Too many e-mail addresses (maximum {max})",
    "invite_invalid_email": "{email} is not a valid e-mail address",
    "invite_already_member": "{email} is already a member of this workspace",
    "invite_already_invited": "{email} has already been invited to this workspace",
    "invitation_not_found": "Invitation not found, already used or expired",
    "invitation_other_account": "This invitation is for another account",
    "invalid_form": "Invalid form data",
    # clients and tags (helper: v9 clients/tags)
    "admins_create_tags": "Only workspace admins may create tags here",
    "tag_name_taken": "Name has already been taken",
    # groups (helper: v9 organizations/groups)
    "group_name_blank": "Name can't be blank",
    "group_name_taken": "Name has already been taken",
}

STATUS: list[tuple[type[DomainError], int]] = [
    (Malformed, 400),
    (Unauthenticated, 403),
    (Forbidden, 403),
    (PaymentRequired, 402),
    (RateLimited, 429),
    (NotFound, 404),
    (Invalid, 404),
]


def message(code: str, ctx: dict[str, Any], table: Mapping[str, str] = MESSAGES) -> str:
    """The English text of ``code`` in ``table`` (v9 passes its own), filled in with ``ctx``."""
    template = table.get(code)
    if template is None:
        return code.replace("_", " ").capitalize()
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return template


def render(err: DomainError) -> tuple[int, list[str]]:
    status = next((s for cls, s in STATUS if isinstance(err, cls)), 400)
    if isinstance(err, Invalid):
        return status, [message(code, ctx) for code, ctx in err.codes]
    return status, [message(err.code, err.ctx)]
