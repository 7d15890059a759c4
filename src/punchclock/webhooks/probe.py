"""The callback checks of create, replace, enable and ping (70- §3.1, §5.3, §7.1, §9, V-40).

Network only: the caller holds no database transaction while these await (``http/routing.py``).
A failure is the 400 the contract words: ``answered <code>``, ``unreachable: <reason>`` or
``resolves to a non-public address``.
"""

from __future__ import annotations

import hmac

import anyio
import orjson

from punchclock.config import Settings
from punchclock.domain.errors import Invalid
from punchclock.models import WebhookSubscription
from punchclock.models._common import utcnow
from punchclock.webhooks import addresses, envelope, sender
from punchclock.webhooks.subscriptions import Plan

NON_PUBLIC = "non-public address"


def target(subscription_id: int, workspace_id: int, plan: Plan) -> WebhookSubscription:
    """What a replace would make of the subscription, to ping before anything is written (never added)."""
    return WebhookSubscription(id=subscription_id, workspace_id=workspace_id, url_callback=plan.url_callback,
                               secret=plan.secret, validation_code=plan.validation_code,
                               validated_at=plan.validated_at)


def _failure(url: str, outcome: sender.Outcome) -> Invalid:
    if outcome.status is not None:
        return Invalid("webhook_callback_status", url=url, status=outcome.status)
    reason = outcome.error or "no answer"
    if reason.startswith(NON_PUBLIC):
        return Invalid("webhook_callback_private", url=url)
    return Invalid("webhook_callback_unreachable", url=url, reason=reason)


def _echoes(answer: bytes | None, code: str) -> bool:
    """The answer is a JSON object whose ``validation_code`` is the code sent (§7.1)."""
    if not answer:
        return False
    try:
        data = orjson.loads(answer)
    except orjson.JSONDecodeError:
        return False
    echoed = data.get("validation_code") if isinstance(data, dict) else None
    return isinstance(echoed, str) and hmac.compare_digest(echoed.encode(), code.encode())


async def ping(sub: WebhookSubscription, settings: Settings, actor_id: int | None) -> bool:
    """Send the ping now; 2xx or the 400 of §3.1. True when the answer echoes the validation code."""
    body = envelope.ping_body(sub, settings.public_url, utcnow(), actor_id)
    unvalidated = sub.validated_at is None
    outcome = await sender.post(sub.url_callback, body, envelope.headers(sub.secret, body, 0, 1), settings=settings,
                                read_answer=unvalidated)
    if not outcome.ok:
        raise _failure(sub.url_callback, outcome)
    return unvalidated and _echoes(outcome.answer, sub.validation_code)


async def check_address(url: str, settings: Settings) -> None:
    """§9 at create/replace when no ping goes out: every address the host resolves to must be public."""
    try:
        with anyio.fail_after(settings.webhooks_timeout):
            await addresses.resolve(addresses.check_url(url), allow_private=settings.webhooks_allow_private)
    except TimeoutError:
        raise Invalid("webhook_callback_unreachable", url=url, reason="timeout") from None
    except addresses.Refused as refused:
        if refused.non_public:
            raise Invalid("webhook_callback_private", url=url) from None
        raise Invalid("webhook_callback_unreachable", url=url, reason=refused.reason) from None


async def run(sub: WebhookSubscription, plan: Plan, settings: Settings, actor_id: int) -> bool:
    """The check a create or replace needs: the ping when ``plan.probe``, else the address rule alone."""
    if plan.probe:
        return await ping(sub, settings, actor_id)
    await check_address(sub.url_callback, settings)
    return False
