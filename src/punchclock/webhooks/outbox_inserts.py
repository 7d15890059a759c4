"""The outbox's inserts (70- §5.1): a commit's events, each with one ``pending`` delivery per taker.

Nearly every emitting commit stores one event (a single write). Its two inserts (one on PostgreSQL, a
data-modifying CTE, when one subscription takes it) are compiled once per dialect and run on the driver's
cursor: through Core, even ``exec_driver_sql``, each costs several times the insert itself (cache key,
execution context, result set-up), which made the outbox add 30% to a time-entry write (bench/webhooks.py).
Values are converted by the bound parameters' own types, JSON by orjson (as the wire writes it), so the rows
read back as a Core insert's would; deliveries take their due time from the event row. Driver errors are
wrapped as SQLAlchemy's (an ``IntegrityError`` stays one); while the engine echoes or has cursor listeners
(logging, tests counting statements) the inserts go through ``exec_driver_sql``, so that these see them.
Many events (bulk statements) take two executemanys through Core.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple
from weakref import WeakKeyDictionary

import orjson
from sqlalchemy import (
    JSON,
    BindParameter,
    ColumnElement,
    Connection,
    Dialect,
    Insert,
    Table,
    bindparam,
    insert,
    literal_column,
    select,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Select

from punchclock.db.base import table
from punchclock.models import WebhookDelivery, WebhookEvent

_EVENTS, _DELIVERIES = table(WebhookEvent), table(WebhookDelivery)
_EVENT_COLUMNS = ("workspace_id", "entity", "action", "entity_id", "creator_id", "metadata", "payload", "created_at")
_DELIVERY_COLUMNS = ("event_id", "subscription_id", "status", "attempts", "next_attempt_at", "redact_rates")
#: Many events: ids returned in parameter order.
_EVENTS_MANY = insert(_EVENTS).returning(_EVENTS.c.id, sort_by_parameter_order=True)
_DELIVERIES_MANY = insert(_DELIVERIES)


def _values(table_: Table, names: Sequence[str]) -> dict[str, BindParameter[Any]]:
    """``INSERT`` values bound by column name, typed as the column."""
    return {name: bindparam(name, type_=table_.c[name].type) for name in names}


def _to_json(value: Any) -> str:
    """JSON text as the wire writes it: several times faster than the JSON type's ``json.dumps``, and read
    back the same (payloads and metadata are rendered for the wire: they hold nothing but JSON's values)."""
    return orjson.dumps(value).decode()


def _processor(bind: BindParameter[Any], dialect: Dialect) -> Any:
    """How a bound value is converted for the driver (None: as it is)."""
    return _to_json if isinstance(bind.type, JSON) else bind.type.dialect_impl(dialect).bind_processor(dialect)


class _Compiled(NamedTuple):
    sql: str
    #: Bind names in placeholder order (positional drivers: SQLite), else None (named: psycopg).
    order: tuple[str, ...] | None
    #: The conversions of the binds whose type has one.
    processors: dict[str, Any]
    returning: bool

    def params(self, row: Mapping[str, Any]) -> Any:
        values = {**row}
        for name, process in self.processors.items():
            values[name] = process(values[name])
        return values if self.order is None else tuple([values[name] for name in self.order])


class _Prebuilt:
    """An ``INSERT`` compiled once per dialect (engines of one dialect share its compiled form)."""

    def __init__(self, statement: Insert) -> None:
        self._statement = statement
        self._by_dialect: WeakKeyDictionary[Dialect, _Compiled] = WeakKeyDictionary()

    def compiled(self, dialect: Dialect) -> _Compiled:
        found = self._by_dialect.get(dialect)
        if found is None:
            # ``for_executemany``: no implicit ``RETURNING`` of the new id, only what the statement asks.
            compiled = self._statement.compile(dialect=dialect, for_executemany=True)
            processors = {name: p for name, bind in compiled.binds.items() if (p := _processor(bind, dialect))}
            order = tuple(compiled.positiontup or ()) if compiled.positional else None
            found = self._by_dialect[dialect] = _Compiled(compiled.string, order, processors,
                                                          bool(compiled.effective_returning))
        return found


def _due_with(event_id: ColumnElement[Any], created_at: ColumnElement[Any]) -> Select[Any]:
    """The ``pending`` deliveries of the new event ``event_id``, due when it was created (70- §5.1)."""
    return select(event_id, bindparam("subscription_id", type_=_DELIVERIES.c.subscription_id.type),
                  literal_column("'pending'"), literal_column("0"), created_at,
                  bindparam("redact_rates", type_=_DELIVERIES.c.redact_rates.type))


#: SQLite: the event (its id is the cursor's ``lastrowid``), then its deliveries.
_EVENT = _Prebuilt(insert(_EVENTS).values(_values(_EVENTS, _EVENT_COLUMNS)))
#: PostgreSQL: the event, its id returned, then its deliveries.
_EVENT_RETURNING = _Prebuilt(insert(_EVENTS).values(_values(_EVENTS, _EVENT_COLUMNS)).returning(_EVENTS.c.id))
_DELIVERIES_OF_EVENT = _Prebuilt(insert(_DELIVERIES).from_select(
    list(_DELIVERY_COLUMNS),
    _due_with(_EVENTS.c.id, _EVENTS.c.created_at).where(_EVENTS.c.id == bindparam("event_id"))))
#: PostgreSQL: the event and its one delivery in one statement (a data-modifying CTE), saving a round trip.
_CTE = insert(_EVENTS).values(_values(_EVENTS, _EVENT_COLUMNS)).returning(_EVENTS.c.id, _EVENTS.c.created_at
                                                                         ).cte("new_event")
_EVENT_WITH_DELIVERY = _Prebuilt(insert(_DELIVERIES).from_select(list(_DELIVERY_COLUMNS),
                                                                 _due_with(_CTE.c.id, _CTE.c.created_at)))


class _Cursor:
    """The driver cursor of one commit's inserts (or ``exec_driver_sql`` when the engine is watched)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.dialect = conn.dialect
        self.rowid = conn.dialect.name == "sqlite"  # psycopg has no ``lastrowid``
        watched = conn.engine.echo or conn.dispatch.before_cursor_execute or conn.dispatch.after_cursor_execute
        self.cursor = None if watched else conn.connection.cursor()

    def run(self, statement: _Prebuilt, rows: Sequence[Mapping[str, Any]]) -> Any:
        """Insert ``rows``: the first value returned (``RETURNING``), else the cursor's ``lastrowid``."""
        compiled = statement.compiled(self.dialect)
        params = [compiled.params(row) for row in rows]
        many = len(params) > 1
        if self.cursor is None:
            result = self.conn.exec_driver_sql(compiled.sql, params if many else params[0])
            return result.scalar_one() if compiled.returning else result.lastrowid if self.rowid else None
        error = self.dialect.loaded_dbapi.Error
        try:
            if many:
                self.cursor.executemany(compiled.sql, params)
            else:
                self.cursor.execute(compiled.sql, params[0])
            if not compiled.returning:
                return self.cursor.lastrowid if self.rowid else None
            returned = self.cursor.fetchone()
            return None if returned is None else returned[0]
        except error as exc:
            raise DBAPIError.instance(compiled.sql, params, exc, error, hide_parameters=True, dialect=self.dialect,
                                      ismulti=many) from exc

    def close(self) -> None:
        if self.cursor is not None:
            self.cursor.close()


def store(conn: Connection, rows: list[dict[str, Any]], takers: list[list[tuple[int, bool]]], now: datetime
          ) -> None:
    """Insert ``rows`` (events, created ``now``) with, for each, a ``pending`` delivery per ``(subscription id,
    redact_rates)`` of its ``takers``, due at once."""
    if len(rows) > 1:
        ids = conn.execute(_EVENTS_MANY, rows).scalars().all()
        conn.execute(_DELIVERIES_MANY, [
            {"event_id": event_id, "subscription_id": sid, "status": "pending", "attempts": 0, "next_attempt_at": now,
             "redact_rates": redact} for event_id, allowed in zip(ids, takers, strict=True) for sid, redact in allowed])
        return
    row, allowed = rows[0], takers[0]
    cursor = _Cursor(conn)
    try:
        if conn.dialect.name == "postgresql" and len(allowed) == 1:
            cursor.run(_EVENT_WITH_DELIVERY, [{**row, "subscription_id": allowed[0][0], "redact_rates": allowed[0][1]}])
            return
        event_id = cursor.run(_EVENT_RETURNING if conn.dialect.name == "postgresql" else _EVENT, [row])
        cursor.run(_DELIVERIES_OF_EVENT, [{"event_id": event_id, "subscription_id": sid, "redact_rates": redact}
                                          for sid, redact in allowed])
    finally:
        cursor.close()
