"""Webhooks API: subscriptions W1-W5 (70- §3, §3.1).

Create, replace and enable may ping the callback (V-40). No transaction stays open across that ping:
the handler checks and authorises, ends its transaction (a create commits its row first), awaits the
probe, then writes on a new session; a create whose probe failed deletes its row again.
"""

from __future__ import annotations

from fastapi import Request, Response
from sqlalchemy.orm import Session

from punchclock.domain.actor import Actor
from punchclock.domain.errors import Invalid
from punchclock.http.v8.docs.ops import op
from punchclock.http.v9.deps import body_object, member
from punchclock.http.v9.params import path_id
from punchclock.http.webhooks import common
from punchclock.http.webhooks.docs import (
    SubscriptionId,
    WebhookEnabledBody,
    WebhookSubscription,
    WebhookSubscriptionBody,
    WorkspaceId,
)
from punchclock.http.webhooks.render import subscription_out
from punchclock.http.wire import json_response
from punchclock.webhooks import dispatcher, probe, subscriptions

router = common.make_router("webhooks subscriptions")
ONE = "/subscriptions/{workspace_id}/{subscription_id}"


def _answer(db: Session, actor: Actor, workspace_id: int, subscription_id: int) -> Response:
    sub = subscriptions.owned(db, actor, workspace_id, subscription_id)
    pending = subscriptions.pending_exists(db, sub.id)
    return json_response(subscription_out(sub, actor, has_pending=pending))


@router.get("/subscriptions/{workspace_id}", summary="Subscriptions of a workspace (admins: all; others: their own)",
            **op(list[WebhookSubscription]))
async def list_subscriptions(workspace_id: WorkspaceId, request: Request) -> Response:
    wid = path_id(workspace_id)
    actor, db = await member(request, wid)
    rows = subscriptions.visible(db, actor, wid)
    return json_response([subscription_out(sub, actor, has_pending=pending) for sub, pending in rows])


@router.post("/subscriptions/{workspace_id}", summary="Create a subscription (pings the callback when enabled)",
             **op(WebhookSubscription, WebhookSubscriptionBody))
async def create_subscription(workspace_id: WorkspaceId, request: Request) -> Response:
    wid = path_id(workspace_id)
    actor, db = await member(request, wid)
    body = common.subscription_body(await body_object(request))
    settings = common.settings_of(request)
    plan = subscriptions.plan_create(db, actor, wid, body, settings)
    sub = subscriptions.insert(db, actor, wid, plan)
    common.end_transaction(request)
    try:
        echoed = await probe.run(sub, plan, settings, actor.id)
    except BaseException:
        # "a create leaves no row" (§3.1): the row was committed so that no transaction waits on the network.
        subscriptions.remove_unprobed(common.reopen(request), sub.id)
        common.end_transaction(request)
        raise
    db = common.reopen(request)
    if echoed:
        subscriptions.mark_validated(db, sub.id, plan.validation_code)
    return _answer(db, actor, wid, sub.id)


@router.put(ONE, summary="Replace a subscription (a new URL is validated again)",
            **op(WebhookSubscription, WebhookSubscriptionBody))
async def replace_subscription(workspace_id: WorkspaceId, subscription_id: SubscriptionId,
                               request: Request) -> Response:
    wid, sid = path_id(workspace_id), path_id(subscription_id)
    actor, db, sub = await common.owner(request, wid, sid)
    plan = subscriptions.plan_replace(db, sub, common.subscription_body(await body_object(request)))
    candidate = probe.target(sid, wid, plan)
    common.end_transaction(request)
    echoed = await probe.run(candidate, plan, common.settings_of(request), actor.id)
    db = common.reopen(request)
    subscriptions.apply(db, subscriptions.owned(db, actor, wid, sid), plan, validated=echoed)
    return _answer(db, actor, wid, sid)


async def _enabled(request: Request) -> bool:
    value = (await body_object(request)).get("enabled")
    if not isinstance(value, bool):
        raise Invalid("webhook_enabled_required")
    return value


@router.patch(ONE, summary="Enable or disable a subscription", **op(WebhookSubscription, WebhookEnabledBody))
async def patch_subscription(workspace_id: WorkspaceId, subscription_id: SubscriptionId,
                             request: Request) -> Response:
    wid, sid = path_id(workspace_id), path_id(subscription_id)
    actor, db, sub = await common.owner(request, wid, sid)
    enabled = await _enabled(request)
    if enabled and not sub.enabled:
        code = sub.validation_code
        common.end_transaction(request)
        echoed = await probe.ping(sub, common.settings_of(request), actor.id)
        db = common.reopen(request)
        sub = subscriptions.owned(db, actor, wid, sid)
        if echoed:
            subscriptions.mark_validated(db, sid, code)
    subscriptions.set_enabled(db, sub, enabled)
    response = _answer(db, actor, wid, sid)
    if enabled:
        common.end_transaction(request)
        dispatcher.notify()  # deliveries held back while it was disabled are due now (§8.4)
    return response


@router.delete(ONE, summary="Delete a subscription (its pending deliveries are discarded)",
               **op(WebhookSubscription))
async def delete_subscription(workspace_id: WorkspaceId, subscription_id: SubscriptionId,
                              request: Request) -> Response:
    wid, sid = path_id(workspace_id), path_id(subscription_id)
    actor, db, sub = await common.owner(request, wid, sid)
    subscriptions.delete(db, sub)
    return json_response(subscription_out(sub, actor, has_pending=False))
