"""Local calendar days of the entries' owners, as UTC instants and SQL expressions (50-reports §3.1, O-56).

An entry belongs to the day its start falls on in its **owner's** time zone. Owners of one workspace
may live in different zones, so every bound is computed per zone with ``zoneinfo`` (DST included) and
the SQL picks the zone by owner id. With one zone (the common case) the expressions are plain
constant comparisons, the same SQL one would write by hand.

Every instant is a named bind parameter (``rb_…``) carrying its value: a statement built once for
one shape of request (``reports/prepared.py``) runs for any dates with ``range_values`` and
``bucket_values`` as its parameters, which compute the same names from the same rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import BindParameter, ColumnElement, SQLColumnExpression, and_, bindparam, case, literal, or_

#: The widest offsets in use (UTC-12 … UTC+14): a coarse UTC range around any local days.
_SLACK_BEFORE = timedelta(hours=14)
_SLACK_AFTER = timedelta(hours=12)


@lru_cache(maxsize=512)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def midnight(day: date, zone: str) -> datetime:
    """The UTC instant at which ``day`` begins in ``zone``.

    Where a DST change skips local midnight (e.g. America/Santiago), the day begins at the first
    instant that exists: zoneinfo's ``fold=0`` maps the gap forward, which is that instant.
    """
    local = datetime.combine(day, time(0), tzinfo=_zone(zone))
    return local.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class OwnerZones:
    """Time zone name -> ids of the owners living in it, for one workspace's entries."""

    zones: Mapping[str, Sequence[int]]

    @property
    def names(self) -> list[str]:
        return sorted(self.zones) or ["Etc/UTC"]

    def _by_zone(self, user_id: ColumnElement[int], branch: Any) -> Any:
        """``branch(zone)`` for the zone of ``user_id``: a CASE over owner ids when zones differ."""
        names = self.names
        if len(names) == 1:
            return branch(names[0])
        whens = [(user_id.in_(list(self.zones[z])), branch(z)) for z in names[:-1]]
        return case(*whens, else_=branch(names[-1]))

    def range_values(self, since: date, until: date) -> dict[str, datetime]:
        """The bounds of local days ``since`` … ``until`` (inclusive): per zone (``rb_lo_i``,
        ``rb_hi_i``, zones in ``names`` order) and, with several zones, the coarse UTC range."""
        after = until + timedelta(days=1)
        values = {}
        for i, z in enumerate(self.names):
            values[f"rb_lo_{i}"], values[f"rb_hi_{i}"] = midnight(since, z), midnight(after, z)
        if len(self.names) > 1:
            values["rb_lo"] = midnight(since, "Etc/UTC") - _SLACK_BEFORE
            values["rb_hi"] = midnight(after, "Etc/UTC") + _SLACK_AFTER
        return values

    def in_days(self, start: SQLColumnExpression[datetime], user_id: SQLColumnExpression[int], since: date,
                until: date) -> ColumnElement[bool]:
        """``start`` lies on a local day ``since`` … ``until`` (inclusive) of its owner's zone."""
        values = self.range_values(since, until)

        def at(name: str) -> BindParameter[datetime]:
            return bindparam(name, values[name])  # typed by the column it is compared with

        names = self.names
        if len(names) == 1:
            return and_(start >= at("rb_lo_0"), start < at("rb_hi_0"))
        exact = or_(*(
            and_(user_id.in_(list(self.zones[z])), start >= at(f"rb_lo_{i}"), start < at(f"rb_hi_{i}"))
            for i, z in enumerate(names)
        ))
        # The coarse range lets the (workspace, start) index do the work before the per-zone test.
        return and_(start >= at("rb_lo"), start < at("rb_hi"), exact)

    def bucket_values(self, starts: Sequence[date]) -> dict[str, datetime]:
        """The inner bucket edges of ``bucket_index``: ``rb_b{zone}_{k}``, the start of bucket k+1."""
        return {f"rb_b{i}_{k}": midnight(d, z) for i, z in enumerate(self.names) for k, d in enumerate(starts[1:])}

    def bucket_index(self, start: ColumnElement[datetime], user_id: ColumnElement[int],
                     starts: Sequence[date]) -> ColumnElement[int]:
        """0 … len(``starts``)-1: the bucket of local days beginning on ``starts`` that holds the entry's
        start (for rows already in range)."""
        values = self.bucket_values(starts)
        index = {z: i for i, z in enumerate(self.names)}

        def buckets(zone: str) -> Any:
            if len(starts) == 1:
                return literal(0)
            names = [f"rb_b{index[zone]}_{k}" for k in range(len(starts) - 1)]
            edges: list[BindParameter[datetime]] = [bindparam(name, values[name]) for name in names]
            return case(*((start < b, literal(k)) for k, b in enumerate(edges)), else_=literal(len(starts) - 1))

        return self._by_zone(user_id, buckets)  # type: ignore[no-any-return]

    def day_starts(self, first: date, days: int) -> list[date]:
        return [first + timedelta(days=i) for i in range(days)]

    def day_index(self, start: ColumnElement[datetime], user_id: ColumnElement[int], first: date,
                  days: int) -> ColumnElement[int]:
        """0 … ``days``-1: which local day from ``first`` the entry starts on (for rows already in range)."""
        return self.bucket_index(start, user_id, self.day_starts(first, days))


def local_today(zone: str, now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(_zone(zone)).date()
