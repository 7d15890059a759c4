"""The outbox (70- §5.1, V-38): events written in the transaction that made the changes.

At ``before_commit`` of a session's outer transaction the changes ``webhooks/changes.py`` collected are
coalesced (one event per entity, id and workspace), and the live, enabled, validated subscriptions of
their workspaces are read in one query; without any, nothing else happens (the common case). Otherwise
each change some subscription's filters take is rendered once, checked against each taker's creator
(§5.4), and stored as one ``webhook_events`` row with one ``pending`` delivery per permitted subscription;
an event nobody may receive is not stored. ``after_commit`` wakes this process's delivery loop. A
rollback emits nothing: ``changes`` forgets what the transaction (or a savepoint) recorded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple
from weakref import WeakKeyDictionary

from sqlalchemy import (
    BindParameter,
    Connection,
    CursorResult,
    Dialect,
    Insert,
    Table,
    and_,
    bindparam,
    event,
    insert,
    literal,
    select,
)
from sqlalchemy.orm import Session

from punchclock.db.base import table
from punchclock.models import WebhookDelivery, WebhookEvent, WebhookSubscription, Workspace, WorkspaceMember
from punchclock.models._common import utcnow
from punchclock.webhooks import changes, dispatcher, payloads
from punchclock.webhooks.audience import Audience
from punchclock.webhooks.changes import CREATED, DELETED, Change
from punchclock.webhooks.filters import matches

_QUEUED = "webhook_queued"
#: Ids per ``IN (...)`` (below SQLite's and PostgreSQL's parameter limits).
_CHUNK = 10_000
#: Entities whose metadata names their project (70- §5.2).
_WITH_PROJECT = frozenset({"task", "project_user", "time_entry"})
_S, _M, _W = table(WebhookSubscription).c, table(WorkspaceMember).c, table(Workspace).c
#: Prebuilt: this runs at every commit that changed something.
_LIVE_SUBSCRIPTIONS = (
    select(_S.id, _S.workspace_id, _S.user_id, _S.event_filters, _M.admin, _W.only_admins_see_billable_rates)
    .select_from(table(WebhookSubscription).join(table(Workspace), _W.id == _S.workspace_id).outerjoin(
        table(WorkspaceMember), and_(_M.workspace_id == _S.workspace_id, _M.user_id == _S.user_id,
                                     _M.active.is_(True))))
    .where(_S.workspace_id.in_(bindparam("workspace_ids", expanding=True)), _S.deleted_at.is_(None),
           _S.enabled.is_(True), _S.validated_at.is_not(None))
    .order_by(_S.id)
)
_EVENTS, _DELIVERIES = table(WebhookEvent), table(WebhookDelivery)
#: Many events (bulk statements): one executemany each, ids in parameter order.
_INSERT_EVENTS = insert(_EVENTS).returning(_EVENTS.c.id, sort_by_parameter_order=True)
_INSERT_DELIVERIES = insert(_DELIVERIES)
_EVENT_COLUMNS = ("workspace_id", "entity", "action", "entity_id", "creator_id", "metadata", "payload", "created_at")
_DELIVERY_COLUMNS = ("event_id", "subscription_id", "status", "attempts", "next_attempt_at", "redact_rates")


def _values(table_: Table, names: Sequence[str]) -> dict[str, BindParameter[Any]]:
    """``INSERT`` values bound by column name, typed as the column."""
    return {name: bindparam(name, type_=table_.c[name].type) for name in names}


class _Compiled(NamedTuple):
    sql: str
    #: Bind names in placeholder order (positional drivers: SQLite), else None (named: psycopg).
    order: tuple[str, ...] | None
    #: Every bind's value when not given (literals'), and the conversions of the binds whose type has one.
    defaults: dict[str, Any]
    processors: dict[str, Any]


class _DriverInsert:
    """A prebuilt ``INSERT`` of one event's rows, run as driver SQL (``exec_driver_sql``): compiled once per
    dialect, its values converted by the bound parameters' own types, so what is stored is what a Core execute
    stores. A write that emits one event pays for two or three inserts; through Core each costs several times
    the insert itself (cache key, execution context, parameter processing). Engine events still see them."""

    def __init__(self, statement: Insert) -> None:
        self._statement = statement
        self._by_dialect: WeakKeyDictionary[Dialect, _Compiled] = WeakKeyDictionary()

    def _compiled(self, dialect: Dialect) -> _Compiled:
        found = self._by_dialect.get(dialect)
        if found is None:
            compiled = self._statement.compile(dialect=dialect)
            processors = {name: p for name, bind in compiled.binds.items()
                          if (p := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None}
            order = tuple(compiled.positiontup or ()) if compiled.positional else None
            defaults = {name: bind.effective_value for name, bind in compiled.binds.items() if not bind.required}
            found = self._by_dialect[dialect] = _Compiled(compiled.string, order, defaults, processors)
        return found

    def run(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> CursorResult[Any]:
        sql, order, defaults, processors = self._compiled(conn.dialect)
        params: list[Any] = []
        for row in rows:
            values = {**defaults, **row}
            for name, process in processors.items():
                values[name] = process(values[name])
            params.append(values if order is None else tuple(values[name] for name in order))
        return conn.exec_driver_sql(sql, params[0] if len(params) == 1 else params)


#: SQLite: the event (its id is the cursor's ``lastrowid``), then its deliveries.
_ONE_EVENT = _DriverInsert(insert(_EVENTS).values(_values(_EVENTS, _EVENT_COLUMNS)))
#: PostgreSQL: the event's id returned, then its deliveries.
_ONE_EVENT_RETURNING = _DriverInsert(insert(_EVENTS).values(_values(_EVENTS, _EVENT_COLUMNS)).returning(_EVENTS.c.id))
_DELIVERY = _DriverInsert(insert(_DELIVERIES).values(_values(_DELIVERIES, _DELIVERY_COLUMNS)))
#: PostgreSQL: the event and its one delivery in one statement (a data-modifying CTE), saving a round trip.
_NEW_EVENT = insert(_EVENTS).values(_values(_EVENTS, _EVENT_COLUMNS)).returning(
    _EVENTS.c.id, _EVENTS.c.created_at).cte("new_event")
_EVENT_WITH_DELIVERY = _DriverInsert(insert(_DELIVERIES).from_select(
    ["event_id", "subscription_id", "status", "attempts", "next_attempt_at", "redact_rates"],
    select(_NEW_EVENT.c.id, bindparam("subscription_id", type_=_DELIVERIES.c.subscription_id.type),
           literal("pending"), literal(0), _NEW_EVENT.c.created_at,
           bindparam("redact_rates", type_=_DELIVERIES.c.redact_rates.type)),
))


class _Subscription(NamedTuple):
    id: int
    workspace_id: int
    user_id: int
    event_filters: list[dict[str, str]]
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


def _subscriptions(db: Session, workspace_ids: set[int]) -> dict[int, list[_Subscription]]:
    """The live, enabled, validated subscriptions of the workspaces: one indexed query."""
    found: dict[int, list[_Subscription]] = defaultdict(list)
    for row in db.connection().execute(_LIVE_SUBSCRIPTIONS, {"workspace_ids": sorted(workspace_ids)}):
        found[row.workspace_id].append(_Subscription._make((*row[:5], bool(row[5]))))
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


def _fan_out(db: Session, events: list[Event], subscriptions: Mapping[int, list[_Subscription]]) -> bool:
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
        _store(db.connection(), rows, takers, now)
    return bool(rows)


def _store(conn: Connection, rows: list[dict[str, Any]], takers: list[list[tuple[int, bool]]], now: datetime
           ) -> None:
    """Insert the events and their deliveries. One event (a single write): driver SQL, on PostgreSQL one
    statement when it has one delivery; many (bulk statements): one executemany for the events, their ids
    returned in order, and one for the deliveries."""
    if len(rows) == 1:
        _store_one(conn, rows[0], takers[0], now)
        return
    ids = conn.execute(_INSERT_EVENTS, rows).scalars().all()
    deliveries = [{"event_id": event_id, "subscription_id": sid, "status": "pending", "attempts": 0,
                   "next_attempt_at": now, "redact_rates": redact}
                  for event_id, allowed in zip(ids, takers, strict=True) for sid, redact in allowed]
    conn.execute(_INSERT_DELIVERIES, deliveries)


def _store_one(conn: Connection, row: dict[str, Any], takers: list[tuple[int, bool]], now: datetime) -> None:
    if conn.dialect.name == "postgresql":
        if len(takers) == 1:
            sid, redact = takers[0]
            _EVENT_WITH_DELIVERY.run(conn, [{**row, "subscription_id": sid, "redact_rates": redact}])
            return
        event_id = _ONE_EVENT_RETURNING.run(conn, [row]).scalar_one()
    else:
        event_id = _ONE_EVENT.run(conn, [row]).lastrowid
    _DELIVERY.run(conn, [{"event_id": event_id, "subscription_id": sid, "status": "pending", "attempts": 0,
                          "next_attempt_at": now, "redact_rates": redact} for sid, redact in takers])


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
    subscriptions = _subscriptions(db, {wid for _, _, _, wid, _ in placed}) if placed else {}
    if subscriptions and _fan_out(db, coalesce(placed), subscriptions):
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
