"""The Reports v3 summary (60- §6, V-33): groups of sub-groups, each with its billable seconds per rate.

It reads v2's grouped rows (``summary``: one SQL row per group, sub-group, currency and rate, the v2
``distinct_rates`` statement), so its seconds, rates and cents are v2's by construction, and v2's
grouping matrix (§8.1), titles and title order (§3.6) apply unchanged. Python only nests those rows:
a sub-group is the rows of one (group, sub-group) — with ``distinguish_rates`` of one (group,
sub-group, rate) — and ``rates`` are its rows with billable time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from punchclock.reports import summary
from punchclock.reports.filters import ReportFilters
from punchclock.reports.query import ReportContext
from punchclock.reports.results import Dimension, Title

GROUPINGS = summary.GROUPINGS
SUB_GROUPINGS = summary.SUBGROUPINGS


@dataclass(frozen=True, slots=True)
class Rate:
    """Billable time of a sub-group at one (hourly rate, currency)."""

    billable_seconds: int
    rate_cents: int
    currency: str
    #: What that time billed (per-entry amounts summed, 50-reports §4.3): for the exports.
    amount_cents: int


@dataclass(frozen=True, slots=True)
class SubGroup:
    """Task / project / client / user of a group, or a description (``time_entries``)."""

    #: The object's id; None for "none" and for time-entry sub-groups.
    id: int | None
    title: Title
    seconds: int
    #: Per (rate, currency) among the billable entries, by currency then rate; () when none billable.
    rates: tuple[Rate, ...]
    #: The entries' ids, ascending; None unless asked for.
    entry_ids: tuple[int, ...] | None
    #: With ``distinguish_rates``: the rate every entry of the sub-group has (billable or not).
    rate_cents: int | None
    #: Smallest entry id: the tie-breaker of time-entry sub-groups (v2 §3.6).
    first_entry_id: int


@dataclass(frozen=True, slots=True)
class Group:
    #: Project / client / user id; None for entries without project / client.
    id: int | None
    title: Title
    sub_groups: list[SubGroup]


@dataclass(frozen=True, slots=True)
class Summary:
    grouping: Dimension
    sub_grouping: Dimension
    groups: list[Group]


@dataclass(slots=True)
class _Acc:
    """One sub-group while its grouped rows (one per currency and rate) are added up."""

    id: Any
    seconds: int = 0
    first_entry_id: int = 0
    rates: list[Rate] = field(default_factory=list)
    entry_ids: list[int] = field(default_factory=list)


def _add(acc: _Acc, row: Sequence[Any], with_ids: bool) -> None:
    acc.seconds += int(row[summary._SECONDS] or 0)
    first = int(row[summary._FIRST_ID])
    acc.first_entry_id = first if not acc.first_entry_id else min(acc.first_entry_id, first)
    billable = int(row[summary._BILLABLE_SECONDS] or 0)
    if row[summary._ANY_BILLABLE]:
        rate = Rate(billable, int(row[summary._MIN_RATE]), row[summary._CURRENCY], int(row[summary._AMOUNT] or 0))
        acc.rates.append(rate)
    if with_ids:
        acc.entry_ids.extend(summary._split(row[summary._ENTRY_IDS]))


def _nest(rows: Iterable[Sequence[Any]], split: bool, with_ids: bool) -> dict[Any, dict[Any, _Acc]]:
    """group key -> sub-group key -> its sums; the sub-group key holds the rate when ``split``."""
    groups: dict[Any, dict[Any, _Acc]] = {}
    for row in rows:
        sub = row[summary._SUB]
        key = (sub, int(row[summary._MIN_RATE])) if split else (sub, None)
        subs = groups.setdefault(row[summary._GROUP], {})
        acc = subs.get(key)
        if acc is None:
            acc = subs[key] = _Acc(sub)
        _add(acc, row, with_ids)
    return groups


T = TypeVar("T")


def _by_title(items: Iterable[T], title: Callable[[T], Title], tie: Callable[[T], tuple[Any, ...]]) -> list[T]:
    """v2's title order (§3.6, O-84): case-insensitive title, null titles last, then ``tie`` ascending."""
    def key(item: T) -> tuple[Any, ...]:
        k = summary._title_key(title(item))
        return (k is None, k or (), tie(item))

    return sorted(items, key=key)


def _sub_group(key: tuple[Any, int | None], acc: _Acc, titles: dict[Any, Title], sub_grouping: Dimension,
               with_ids: bool) -> SubGroup:
    rates = tuple(sorted(acc.rates, key=lambda r: (r.currency, r.rate_cents)))
    entry_ids = tuple(sorted(acc.entry_ids)) if with_ids else None
    oid = None if sub_grouping is Dimension.TIME_ENTRIES else acc.id
    return SubGroup(oid, titles[acc.id], acc.seconds, rates, entry_ids, key[1], acc.first_entry_id)


#: Pairs whose v2 rows (one per currency) mostly carry one rate each: an entry's rate follows its project and
#: owner (the rate chain, 50-reports §4.1, kept current on every change).
_ONE_RATE_PAIRS = {(Dimension.PROJECTS, Dimension.USERS), (Dimension.USERS, Dimension.PROJECTS)}


def _rows(db: Session, ctx: ReportContext, filters: ReportFilters, grouping: Dimension, sub_grouping: Dimension,
          with_ids: bool) -> Sequence[Sequence[Any]]:
    """v2's grouped rows with ``distinct_rates`` on: one row per rate too, so that ``rates`` tell rates apart.

    For projects x users, v2's own rows (without ``distinct_rates``) are those very rows when each holds one
    rate (equal minimum and maximum), and SQLite sorts one key fewer; a row holding several rates sends the
    report to the rows with ``distinct_rates``.
    """
    if (grouping, sub_grouping) in _ONE_RATE_PAIRS:
        rows = summary._grouped_rows(db, ctx, filters, grouping, sub_grouping, False, with_ids)
        if all(r[summary._MIN_RATE] == r[summary._MAX_RATE] for r in rows):
            return rows
    return summary._grouped_rows(db, ctx, filters, grouping, sub_grouping, True, with_ids)


def report(db: Session, ctx: ReportContext, filters: ReportFilters, *, grouping: Dimension = Dimension.PROJECTS,
           sub_grouping: Dimension = Dimension.TIME_ENTRIES, distinguish_rates: bool = False,
           with_entry_ids: bool = False) -> Summary:
    """The summary of ``filters``; a pair outside v2's matrix is ``Malformed("grouping_pair")``.

    Hidden money (50-reports §4.4) ignores ``distinguish_rates``: split sub-groups would tell the caller
    where rates differ.
    """
    summary.check_pair(grouping, sub_grouping)
    split = distinguish_rates and ctx.show_money
    nested = _nest(_rows(db, ctx, filters, grouping, sub_grouping, with_entry_ids), split, with_entry_ids)
    group_titles = summary._titles(db, grouping, set(nested))
    sub_titles = summary._titles(db, sub_grouping, {acc.id for subs in nested.values() for acc in subs.values()})
    by_entry = sub_grouping is Dimension.TIME_ENTRIES

    def tie(s: SubGroup) -> tuple[Any, ...]:
        return (summary._id_tie(s.first_entry_id if by_entry else s.id), s.rate_cents or 0)

    groups = [
        Group(gid, group_titles[gid], _by_title(
            (_sub_group(key, acc, sub_titles, sub_grouping, with_entry_ids) for key, acc in subs.items()),
            lambda s: s.title, tie))
        for gid, subs in nested.items()
    ]
    return Summary(grouping, sub_grouping, _by_title(groups, lambda g: g.title, lambda g: summary._id_tie(g.id)))
