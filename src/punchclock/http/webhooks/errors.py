"""Domain error codes -> Webhooks API status and message: one JSON string per error (10- §6, 70- §3).

Statuses as in API v9 (an inaccessible workspace is 403, an unknown subscription 404, validation 400);
``MESSAGES`` adds the webhook wording to v9's.
"""

from __future__ import annotations

from typing import Any

from punchclock.domain.errors import DomainError
from punchclock.http.v9 import errors as v9

MESSAGES: dict[str, str] = {
    **v9.MESSAGES,
    "object_expected": "The request body must be a JSON object",
    "webhook_not_found": "Subscription not found",
    "webhook_delivery_not_found": "Delivery {id} not found",
    # --- bodies of create and replace (70- §2, §3.1, §4) ---------------------------------------------
    "webhook_field_required": "{field} is required",
    "webhook_bad_url": "Callback {url} is not an absolute http or https URL without user-info "
                       "(at most 2048 characters)",
    "webhook_description_blank": "description can't be blank",
    "webhook_description_too_long": "description is too long (maximum {max} characters)",
    "webhook_secret": "secret must be 1 to {max} printable ASCII characters",
    "webhook_too_many_filters": "Too many event filters (maximum {max})",
    "webhook_unsupported_filter": "Unsupported event filter {entity}:{action}",
    "webhook_duplicate_filter": "Duplicate event filter {entity}:{action}",
    "webhook_limit": "Subscription limit ({max}) reached for this workspace",
    "webhook_description_taken": "Description already used in this workspace",
    "webhook_enabled_required": "enabled is required (true or false)",
    # --- the probe (70- §3.1, §9) and validation (§7) -------------------------------------------------
    "webhook_callback_status": "Callback {url} answered {status}, expected 2xx",
    "webhook_callback_unreachable": "Callback {url} unreachable: {reason}",
    "webhook_callback_private": "Callback {url} resolves to a non-public address",
    "webhook_validation_failed": "Unknown subscription or validation code",
}



def message(code: str, ctx: dict[str, Any]) -> str:
    return v9.message(code, ctx, MESSAGES)


def render(err: DomainError) -> tuple[int, str]:
    """Status as in API v9, message from ``MESSAGES`` (the first failed rule)."""
    return v9.render(err, MESSAGES)
