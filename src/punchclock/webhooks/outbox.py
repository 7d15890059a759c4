"""The outbox (70- §5.1, V-38): events written in the transaction that made the changes.

At ``before_commit`` of a session's outer transaction the changes ``webhooks/changes.py`` collected are
coalesced (one event per entity, id and workspace), and the live, enabled, validated subscriptions of
their workspaces are read in one query; without any, nothing else happens (the common case). Otherwise
each change some subscription's filters take is rendered once, checked against each taker's creator
(§5.4), and stored as one ``webhook_events`` row with one ``pending`` delivery per permitted subscription
(``outbox_inserts``); an event nobody may receive is not stored. ``after_commit`` wakes this process's delivery loop. A
rollback emits nothing: ``changes`` forgets what the transaction (or a savepoint) recorded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any, NamedTuple

import orjson
from sqlalchemy import ColumnElement, Connection, Text, and_, bindparam, cast, event, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from punchclock.db.base import table
from punchclock.models import WebhookSubscription, Workspace, WorkspaceMember
from punchclock.models._common import utcnow
from punchclock.webhooks import changes, dispatcher, outbox_inserts, payloads
from punchclock.webhooks.audience import Audience
from punchclock.webhooks.changes import CREATED, DELETED, Change
from punchclock.webhooks.filters import matches

_QUEUED = "webhook_queued"
#: Ids per ``IN (...)`` (below SQLite's and PostgreSQL's parameter limits).
_CHUNK = 10_000
#: Entities whose metadata names their project (70- §5.2).
_WITH_PROJECT = frozenset({"task", "project_user", "time_entry"})
_S, _M, _W = table(WebhookSubscription).c, table(WorkspaceMember).c, table(Workspace).c


def _live(workspaces: ColumnElement[bool]) -> Select[Any]:
    """The live, enabled, validated subscriptions of ``workspaces``, with their creator's role (None: no active
    member) and whether the workspace hides rates from non-admins (§5.4)."""
    return (
        select(_S.id, _S.workspace_id, _S.user_id, cast(_S.event_filters, Text), _M.admin,
               _W.only_admins_see_billable_rates)
        .select_from(table(WebhookSubscription).join(table(Workspace), _W.id == _S.workspace_id).outerjoin(
            table(WorkspaceMember), and_(_M.workspace_id == _S.workspace_id, _M.user_id == _S.user_id,
                                         _M.active.is_(True))))
        .where(workspaces, _S.deleted_at.is_(None), _S.enabled.is_(True), _S.validated_at.is_not(None))
        .order_by(_S.id)
    )


#: Prebuilt: this runs at every commit that changed something; nearly always of one workspace, which needs no
#: expanding ``IN`` (rendered again at each execution).
_LIVE_SUBSCRIPTIONS = _live(_S.workspace_id.in_(bindparam("workspace_ids", expanding=True)))
_LIVE_SUBSCRIPTIONS_OF_ONE = _live(_S.workspace_id == bindparam("workspace_id"))


@lru_cache(maxsize=1024)
def _filters(text: str) -> tuple[Mapping[str, str], ...]:
    """A subscription's filters from their stored JSON text: read at every commit, parsed once per spelling."""
    return tuple(orjson.loads(text))


class _Subscription(NamedTuple):
    id: int
    workspace_id: int
    user_id: int
    event_filters: tuple[Mapping[str, str], ...]
    #: The creator's role in the workspace (None: no active member) and whether it hides rates from
    #: non-admins, read with the subscription: most commits need nothing more for §5.4.
    creator_admin: bool | None
    rates_hidden: bool


class Event(NamedTuple):
    """One coalesced change: ``state`` is what ``changes`` recorded of the row (a removed row's last state, or
    what a write of the whole object left), else None."""

    entity: str
    action: str
    entity_id: int
    workspace_id: int
    state: Any


def coalesce(found: Iterable[tuple[str, str, int, int, Any]]) -> list[Event]:
    """One event per (entity, id, workspace), in the order of first change (§5.1): created then updated is
    ``created``, updated then deleted is ``deleted``, created then deleted is nothing. A later change's
    state replaces an earlier one's (None included: the row must then be read at commit)."""
    out: dict[tuple[str, int, int], Event | None] = {}
    for entity, action, entity_id, wid, state in found:
        key = (entity, entity_id, wid)
        if key not in out:
            out[key] = Event(entity, action, entity_id, wid, state)
            continue
        before = out[key]
        if before is None or before.action == DELETED:
            continue  # a deleted row keeps its last state; created then deleted stays nothing
        if action == DELETED:
            out[key] = None if before.action == CREATED else Event(entity, DELETED, entity_id, wid, state)
        elif state is not before.state:
            out[key] = before._replace(state=state)  # created or updated: the action of the first change
    return [e for e in out.values() if e is not None]


def _placed(db: Session, found: Sequence[Change]) -> list[tuple[str, str, int, int, Any]]:
    """The changes with every workspace known (tag links and group memberships are recorded without)."""
    unknown: dict[str, set[int]] = defaultdict(set)
    for entity, _, entity_id, wid, _ in found:
        if wid is None:
            unknown[entity].add(entity_id)
    where: dict[tuple[str, int], int] = {}
    for entity, ids in unknown.items():
        model, wanted = changes.MODELS[entity], sorted(ids)
        for start in range(0, len(wanted), _CHUNK):
            where.update(((entity, i), w) for i, w in db.execute(
                select(model.id, model.workspace_id).where(model.id.in_(wanted[start:start + _CHUNK]))))
    out = []
    for entity, action, entity_id, wid, state in found:
        placed = wid if wid is not None else where.get((entity, entity_id))
        if placed is not None:
            out.append((entity, action, entity_id, placed, state))
    return out


def _subscriptions(conn: Connection, workspace_ids: set[int]) -> dict[int, list[_Subscription]]:
    """The live, enabled, validated subscriptions of the workspaces: one indexed query."""
    found: dict[int, list[_Subscription]] = defaultdict(list)
    rows = (conn.execute(_LIVE_SUBSCRIPTIONS_OF_ONE, {"workspace_id": next(iter(workspace_ids))})
            if len(workspace_ids) == 1 else conn.execute(_LIVE_SUBSCRIPTIONS, {"workspace_ids": sorted(workspace_ids)}))
    for sid, wid, user_id, filters, admin, rates_hidden in rows:
        found[wid].append(_Subscription(sid, wid, user_id, _filters(filters), admin, bool(rates_hidden)))
    return found


def metadata(db: Session, e: Event, payload: Mapping[str, Any]) -> dict[str, str]:
    """§5.2: every value a string; ``""`` for what is unknown outside HTTP."""
    actor = db.info.get("actor_id")
    path, method = db.info.get("origin") or ("", "")
    meta = {"action": e.action, "model": e.entity, "event_user_id": "" if actor is None else str(actor),
            "workspace_id": str(e.workspace_id), f"{e.entity}_id": str(e.entity_id)}
    if e.entity in _WITH_PROJECT and payload.get("project_id") is not None:
        meta["project_id"] = str(payload["project_id"])
    meta.update(path=path, request_type=method)
    return meta


def _fan_out(db: Session, conn: Connection, events: list[Event], subscriptions: Mapping[int, list[_Subscription]]
             ) -> bool:
    """Store each event some permitted subscription takes, with its deliveries; whether any was stored."""
    audience = Audience(db)
    for subs in subscriptions.values():
        for s in subs:
            audience.know(s.user_id, s.workspace_id, s.creator_admin, s.rates_hidden)
    now = utcnow()
    rows: list[dict[str, Any]] = []
    takers: list[list[tuple[int, bool]]] = []
    for e in events:
        wanted = [s for s in subscriptions.get(e.workspace_id, ()) if matches(s.event_filters, e.entity, e.action)]
        payload = payloads.render(db, e.entity, e.entity_id, e.workspace_id, e.state) if wanted else None
        if payload is None:
            continue
        allowed = [(s.id, audience.redact(s.user_id, e.workspace_id, e.entity)) for s in wanted
                   if audience.allows(s.user_id, e.workspace_id, e.entity, payload)]
        if allowed:
            rows.append({"workspace_id": e.workspace_id, "entity": e.entity, "action": e.action,
                         "entity_id": e.entity_id, "creator_id": db.info.get("actor_id"),
                         "metadata": metadata(db, e, payload), "payload": payload, "created_at": now})
            takers.append(allowed)
    if rows:
        outbox_inserts.store(conn, rows, takers, now)
    return bool(rows)


def _before_commit(db: Session) -> None:
    """Turn the outer transaction's changes into stored events and deliveries, inside that transaction."""
    if db.in_nested_transaction():
        return  # a savepoint's commit: the outer transaction's commit decides
    db.info.pop(_QUEUED, None)  # left by a commit that failed after this hook
    db.flush()  # the commit's own flush comes after this hook: its changes must be collected now
    found = db.info.get(changes.KEY)
    if not found:
        return
    changes.forget(db)
    placed = _placed(db, found)
    if not placed:
        return
    conn = db.connection()
    subscriptions = _subscriptions(conn, {wid for _, _, _, wid, _ in placed})
    if not subscriptions:
        return
    events = coalesce(placed) if len(placed) > 1 else [Event._make(placed[0])]  # one change: a single write
    if _fan_out(db, conn, events, subscriptions):
        db.info[_QUEUED] = True


def _after_commit(db: Session) -> None:
    if db.info.pop(_QUEUED, False):
        dispatcher.notify()


_installed = False


def install() -> None:
    """Register the session hooks once per process (idempotent): ``create_app`` and the CLI call it."""
    global _installed
    if _installed:
        return
    changes.install()
    event.listen(Session, "before_commit", _before_commit)
    event.listen(Session, "after_commit", _after_commit)
    _installed = True
