"""Webhooks API: event filters (W8), limits (W9) and status (W10) (70- §3, §4)."""

from __future__ import annotations

from fastapi import Request, Response

from punchclock.http.v8.docs.ops import op
from punchclock.http.v9.deps import caller, member
from punchclock.http.v9.params import path_id
from punchclock.http.webhooks import common
from punchclock.http.webhooks.docs import EVENT_FILTERS_SCHEMA, WebhookLimits, WebhookStatus, WorkspaceId
from punchclock.http.wire import json_response
from punchclock.webhooks import filters

router = common.make_router("webhooks info")


@router.get("/event_filters", summary="Every entity and the actions it emits", **op(schema=EVENT_FILTERS_SCHEMA))
async def event_filters(request: Request) -> Response:
    await caller(request)
    return json_response({entity: list(actions) for entity, actions in filters.EVENTS.items()})


@router.get("/limits/{workspace_id}", summary="Subscription limits", **op(WebhookLimits))
async def limits(workspace_id: WorkspaceId, request: Request) -> Response:
    await member(request, path_id(workspace_id))
    return json_response({"max_webhooks": common.settings_of(request).webhooks_max_per_user,
                          "max_events_per_webhook": filters.MAX_FILTERS})


@router.get("/status", summary="Service status (no authentication)", **op(WebhookStatus))
async def status() -> Response:
    return json_response({"status": "OK"})
