"""Report statements built once per shape of request, run with each request's dates as parameters.

Building a report's statement costs about a millisecond of SQLAlchemy in Python (and its cache key
as much again), far more than running it on a week of entries. Everything a statement holds is a
function of ``shape`` (who asks, the workspace's rounding rule, the owners' zones, the filters but
their dates) plus the local-day instants, which are named bind parameters (``days.OwnerZones``). So
a statement is built for the first request of a shape and kept (the most recent ``SIZE`` shapes);
later requests of that shape pass their own instants (``OwnerZones.range_values``,
``OwnerZones.bucket_values``) as the execution's parameters.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date
from typing import Any, TypeVar

from punchclock.reports.filters import ReportFilters
from punchclock.reports.query import ReportContext, Resolved

#: Shapes kept per process: a few per active workspace and user.
SIZE = 512
_NO_DAY = date.min

T = TypeVar("T")
_lock = threading.Lock()
_kept: OrderedDict[Hashable, Any] = OrderedDict()


def shape(ctx: ReportContext, filters: ReportFilters, resolved: Resolved) -> Hashable:
    """Everything ``query.entries`` reads but the dates of ``filters``."""
    ws = ctx.workspace
    return (
        ctx.workspace_id, ws.rounding, ws.rounding_minutes,
        ctx.actor.id, tuple(sorted(ctx.actor.workspaces.items())),
        tuple(sorted((z, tuple(sorted(ids))) for z, ids in ctx.zones.zones.items())),
        dataclasses.replace(filters, since=_NO_DAY, until=_NO_DAY), resolved,
    )


def statement(key: Hashable, build: Callable[[], T]) -> T:
    """The statement kept for ``key``, built by ``build()`` the first time (and after eviction)."""
    with _lock:
        found = _kept.get(key)
        if found is not None:
            _kept.move_to_end(key)
            return found  # type: ignore[no-any-return]
    built = build()
    with _lock:
        _kept[key] = built
        while len(_kept) > SIZE:
            _kept.popitem(last=False)
    return built
