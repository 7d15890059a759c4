"""What a PDF shows besides its report, read from the database: time chart, project breakdown, heading.

Aggregated in SQL over the report's own entries statement (``query.entries``), like every report;
the results are the plain values of ``pdf.model``, which the renderers draw without a session.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from punchclock.domain.actor import zone
from punchclock.domain.colors import hex_color
from punchclock.reports import money, titles
from punchclock.reports.days import OwnerZones
from punchclock.reports.filters import IdFilter, ReportFilters
from punchclock.reports.pdf.model import (
    NAMES_SHOWN,
    NO_COLOR,
    Bar,
    Chart,
    Meta,
    Share,
    bucket_label,
    bucket_starts,
)
from punchclock.reports.query import ReportContext


def make_meta(db: Session, ctx: ReportContext, filters: ReportFilters, title: str, display_hours: str,
              options: Sequence[tuple[str, str]] = ()) -> Meta:
    """The heading of a report: ``options`` (grouping…) come before the filters."""
    return Meta(title=title, workspace=ctx.workspace.name, since=filters.since, until=filters.until,
                filters=[*options, *filter_lines(db, ctx, filters)],
                generated=datetime.now(zone(ctx.actor.user.timezone)), display_hours=display_hours,
                show_money=ctx.show_money)



def time_chart(db: Session, zones: OwnerZones, filters: ReportFilters, entries: Select[Any]) -> Chart:
    """Seconds per bar over ``since`` … ``until``, summed in SQL by the owner-local start day."""
    unit, starts = bucket_starts(filters.since, filters.until)
    base = entries.subquery()
    keyed = select(zones.bucket_index(base.c.start, base.c.user_id, starts).label("bucket"),
                   base.c.seconds).subquery()
    sums = dict(db.execute(select(keyed.c.bucket, func.sum(keyed.c.seconds)).group_by(keyed.c.bucket)).all())
    return Chart(unit, [Bar(bucket_label(unit, d, len(starts)), int(sums.get(i) or 0)) for i, d in enumerate(starts)])


def project_shares(db: Session, entries: Select[Any]) -> list[Share]:
    """Time and billed amounts per project (the detailed report's breakdown), longest first."""
    base = entries.subquery()
    rows = db.execute(
        select(base.c.project_id, base.c.currency, func.sum(base.c.seconds),
               func.sum(base.c.amount_cents), func.max(case((base.c.billable.is_(True), 1), else_=0)))
        .group_by(base.c.project_id, base.c.currency)
    ).all()
    seconds: dict[int | None, int] = {}
    billed: dict[int | None, dict[str, int]] = {}
    for pid, currency, secs, amount, billable in rows:
        seconds[pid] = seconds.get(pid, 0) + int(secs or 0)
        if billable:
            per = billed.setdefault(pid, {})
            per[currency] = per.get(currency, 0) + int(amount or 0)
    projects = titles.projects(db, seconds)
    shares = []
    for pid, secs in seconds.items():
        project = projects.get(pid) if pid is not None else None
        name = project.name if project is not None else None
        shares.append(Share(name or "(no project)", project.client if project is not None else None, secs,
                            money.from_cents(billed.get(pid, {})),
                            NO_COLOR if project is None else hex_color(project.color)))
    return sorted(shares, key=lambda s: (-s.seconds, s.name.casefold()))


def _listed(ids: Iterable[int], names: dict[int, str], none: str | None = None) -> str:
    shown = [names.get(i, f"#{i}") for i in sorted(ids, key=lambda i: names.get(i, "").casefold())]
    if none is not None:
        shown.append(none)
    if len(shown) > NAMES_SHOWN:
        shown = [*shown[:NAMES_SHOWN - 1], f"and {len(shown) - NAMES_SHOWN + 1} more"]
    return ", ".join(shown)


def _id_lines(db: Session, scope: titles.Scope, filters: ReportFilters) -> list[tuple[str, str]]:
    """The id filters in words, with the names the caller may see (an id it may not see stays ``#id``)."""
    out: list[tuple[str, str]] = []

    def listed(label: str, f: IdFilter | None, names: Any, none: str) -> None:
        if f is not None:
            out.append((label, _listed(f.ids, names(f.ids), none if f.include_none else None)))

    def named(kind: titles.Kind) -> Any:
        return lambda ids: titles.names(db, kind, ids, scope)

    listed("Clients", filters.client_ids, named(titles.Kind.CLIENTS), "(no client)")
    listed("Projects", filters.project_ids,
           lambda ids: {pid: p.name for pid, p in titles.projects(db, ids, scope).items()}, "(no project)")
    listed("Tasks", filters.task_ids, named(titles.Kind.TASKS), "(no task)")
    listed("Tags", filters.tag_ids, named(titles.Kind.TAGS), "(no tags)")
    if filters.user_ids is not None:
        users = titles.names(db, titles.Kind.USERS, filters.user_ids, scope)
        out.append(("Users", _listed(filters.user_ids, users)))
    for label, groups in (("Members of groups", filters.members_of_group_ids),
                          ("Or members of groups", filters.or_members_of_group_ids)):
        if groups is not None:
            out.append((label, _listed(groups, titles.names(db, titles.Kind.GROUPS, groups, scope))))
    return out


def filter_lines(db: Session, ctx: ReportContext, filters: ReportFilters) -> list[tuple[str, str]]:
    """The filters in words, in a fixed order."""
    out: list[tuple[str, str]] = []
    if filters.billable is not None:
        out.append(("Billable", "yes" if filters.billable else "no"))
    out += _id_lines(db, titles.Scope(ctx.workspace_id, ctx.actor), filters)
    if filters.time_entry_ids is not None:
        count = len(filters.time_entry_ids)
        out.append(("Time entries", f"{count} selected" if count != 1 else "1 selected"))
    if filters.description:
        out.append(("Description contains", f"“{filters.description}”"))
    if filters.without_description:
        out.append(("Description", "none"))
    if filters.rounding:
        out.append(("Rounding", "durations rounded per workspace rules"))
    return out
