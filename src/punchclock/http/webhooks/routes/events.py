"""Webhooks API: ping (W6), validation link (W7) and event log (W11) (70- §3, §5.3, §7, §10)."""

from __future__ import annotations

from fastapi import Request, Response

from punchclock.db.session import request_session
from punchclock.domain.errors import Invalid
from punchclock.http import auth
from punchclock.http.ids import id_value
from punchclock.http.v8.docs.ops import op
from punchclock.http.v9 import params
from punchclock.http.v9.params import path_id
from punchclock.http.webhooks import common
from punchclock.http.webhooks.docs import (
    OK_STRING,
    Page,
    PerPage,
    SubscriptionId,
    ValidationCode,
    WebhookEventLog,
    WebhookStatus,
    WorkspaceId,
)
from punchclock.http.webhooks.render import event_log_out
from punchclock.http.wire import json_response
from punchclock.webhooks import deliveries, probe, subscriptions

router = common.make_router("webhooks events")

#: ``per_page`` of the event log by default and at most (70- §10).
PER_PAGE, MAX_PER_PAGE = 100, 500


@router.post("/ping/{workspace_id}/{subscription_id}", summary="Send a ping to the callback now",
             **op(WebhookStatus))
async def ping(workspace_id: WorkspaceId, subscription_id: SubscriptionId, request: Request) -> Response:
    wid, sid = path_id(workspace_id), path_id(subscription_id)
    actor, _, sub = await common.owner(request, wid, sid)
    code = sub.validation_code
    common.end_transaction(request)
    if await probe.ping(sub, common.settings_of(request), actor.id):
        subscriptions.mark_validated(common.reopen(request), sid, code)
    return json_response({"status": "OK"})


@router.get("/validate/{workspace_id}/{subscription_id}/{validation_code}",
            summary="Validate a subscription with the code its ping carried (no authentication)",
            **op(schema=OK_STRING))
async def validate(workspace_id: WorkspaceId, subscription_id: SubscriptionId, validation_code: ValidationCode,
                   request: Request) -> Response:
    # Anonymous: the code is the secret, the caller's IP pays into the v9 bucket family (10- §8).
    auth.charge_anonymous(request, request.app.state.v9_rate, "v9:")
    wid, sid = id_value(workspace_id), id_value(subscription_id)
    if wid is None or sid is None:
        raise Invalid("webhook_validation_failed")
    # A GET that writes: the write session, not the read one a GET gets by default.
    subscriptions.validate(request_session(request, read_only=False), wid, sid, validation_code)
    return json_response("OK")


@router.get("/subscriptions/{workspace_id}/{subscription_id}/events", summary="Event log of a subscription",
            **op(WebhookEventLog))
async def event_log(workspace_id: WorkspaceId, subscription_id: SubscriptionId, request: Request,
                    page: Page = None, per_page: PerPage = None) -> Response:
    wid, sid = path_id(workspace_id), path_id(subscription_id)
    _, db, sub = await common.owner(request, wid, sid)
    paging = params.page(request, default_per_page=PER_PAGE, maximum=MAX_PER_PAGE) or params.Page(1, PER_PAGE)
    total, items = deliveries.event_log(db, sub.id, retention_days=common.settings_of(request).webhooks_retention_days,
                                        offset=paging.offset, limit=paging.per_page)
    return json_response(event_log_out(total, items))
