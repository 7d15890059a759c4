"""Property tests of the Reports API v2 (50-reports): random small worlds against a plain-Python oracle.

Every example builds a fresh workspace — users in five time zones around the 2023 DST changes
(Berlin 10-29, New York 11-05), clients, projects, tasks, project-user rates, tags, groups, entries
(some running or deleted, which never count), then rate/currency changes and a member leaving —
asks the API for a report and compares the whole body with what the oracle computes from the world
alone: owner's-zone days (§3.1), filters (§3.3, §3.4, §3.5), rounding (§3.7), the rate and currency
chains (§4.1, §4.2), per-entry half-up amounts summed (§4.3), hidden money (§4.4), totals (§5),
weekly (§6), details (§7), summary (§8, O-65, O-67, O-80) and the project dashboard (§9, O-69, O-82).
The internal sums (totals equal the sum of the rows) are asserted separately from the oracle, so a
failure says whether the report disagrees with the contract or with itself.

The arrangement goes through the factories on the ``db`` session; the ``db_url``/``client``/``db``
fixtures are function-scoped, so each example empties every table first.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from punchclock.db.base import Base
from punchclock.domain.actor import Actor
from punchclock.domain.members import remove as remove_member
from punchclock.models import Client, Project, ProjectMember, User, Workspace, WorkspaceMember
from tests.api.reports.conftest import SPEC_PALETTE
from tests.factories import (
    add_member,
    add_project_user,
    make_client,
    make_entry,
    make_group,
    make_project,
    make_tag,
    make_task,
    make_user,
    make_workspace,
    token_auth,
)

ZONES = ("Etc/UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Auckland")
CURRENCIES = ("EUR", "GBP", "USD")
#: Case variants make equal titles, ordered by id (§3.6).
USER_NAMES = ("Ada Quint", "ada quint", "Bea Ruiz", "Cem Aksoy")
CLIENT_NAMES = ("Acme", "beta Works", "Cyan Ltd")
PROJECT_NAMES = ("Apollo", "apollo", "Borealis", "Cosmos")
TASK_NAMES = ("Build", "design", "Test")
TAG_NAMES = ("billing", "Onsite", "urgent")
DESCRIPTIONS = ("Design", "design", "", "Review", "review notes")
DESCRIPTION_FILTERS = ("DES", "rev", "Notes", "e")
#: Entries start on local days FIRST_DAY … FIRST_DAY + SPAN - 1 of their owner's zone.
FIRST_DAY = date(2023, 10, 24)
SPAN = 15
#: Local times of day (seconds) worth hitting often: midnights, the DST folds at 01:xx/02:xx.
EDGE_TIMES = (0, 86399, 1, 3599, 3600, 5400, 7200, 9000)
EDGE_DURATIONS = (8645, 0, 1, 59, 60, 899, 900, 1799, 1800, 3600)
ROUNDING_MINUTES = (15, 0, 1, 5, 60)
#: Durations relative to the world's rounding step r (20-workspaces §1.1): k·r exactly, one second
#: either side, and the half step (and one second either side of it), k = 0 … 4.
STEP_OFFSETS = ("exact", "+1", "-1", "half", "half-1", "half+1")
#: Berlin and New York as one-zone workspaces: their ranges end on their DST day (§3.1, O-56).
ONE_ZONES = ("Europe/Berlin", "America/New_York")
#: Local days (offsets from FIRST_DAY) around the changes: Berlin's 10-29 and 10-30, New York's 11-05 and 11-06.
DST_DAYS = (5, 6, 12, 13)
#: Ranges whose last day is a DST change day: 25 hours long (Berlin 2023-10-29, New York 2023-11-05).
DST_RANGES = (
    (date(2023, 10, 23), date(2023, 10, 29)), (date(2023, 10, 29), date(2023, 10, 29)),
    (date(2023, 10, 30), date(2023, 11, 5)), (date(2023, 11, 5), date(2023, 11, 5)),
    (date(2023, 10, 24), date(2023, 11, 5)), (date(2023, 10, 30), date(2023, 10, 30)),
)
#: Weekly first days whose day 7 is a change day (10-23 -> 10-29, 10-30 -> 11-05) or day 1 the day after.
DST_WEEKS = (date(2023, 10, 23), date(2023, 10, 30), date(2023, 10, 24), date(2023, 10, 31))
CENT = Decimal("0.01")
MS = 1000
PER_PAGE = 50
TASKS_PER_PAGE = 10

SUMMARY_PAIRS = (
    ("projects", "time_entries"), ("projects", "tasks"), ("projects", "users"),
    ("clients", "time_entries"), ("clients", "tasks"), ("clients", "projects"), ("clients", "users"),
    ("users", "time_entries"), ("users", "tasks"), ("users", "projects"), ("users", "clients"),
)
DASHBOARD_ORDERS = ("name", "assignee", "duration", "billable_amount", "estimated_seconds")

PROPERTY = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large])


# -- the world: plain data, indices instead of ids ------------------------------------------------------

@dataclass(frozen=True)
class UserSpec:
    name: str
    zone: str
    admin: bool
    use_stop: bool


@dataclass(frozen=True)
class ClientSpec:
    name: str
    rate: Decimal | None
    currency: str | None


@dataclass(frozen=True)
class ProjectSpec:
    name: str
    client: int | None
    rate: Decimal | None
    currency: str | None
    billable: bool
    color: int
    private: bool
    estimated_hours: int | None
    auto_estimates: bool


@dataclass(frozen=True)
class TaskSpec:
    project: int
    name: str
    assignee: int | None
    estimated_seconds: int


@dataclass(frozen=True)
class LinkSpec:
    """A project user, with its optional rate (first link of the rate chain, §4.1)."""

    project: int
    user: int
    rate: Decimal | None
    #: Removed with its user's membership (20-workspaces §6.3: the user's project users go too).
    gone: bool = False


@dataclass(frozen=True)
class EntrySpec:
    user: int
    project: int | None
    task: int | None
    billable: bool
    description: str
    start: datetime
    #: None: running.
    seconds: int | None
    deleted: bool
    tags: tuple[int, ...]


@dataclass(frozen=True)
class Change:
    """Made after the entries exist: a rate, currency or client changed (reports use current rates, O-85),
    or a member removed from the workspace (``user_left``: entries stay, project users and groups go)."""

    kind: str
    index: int
    value: Any


@dataclass(frozen=True)
class World:
    users: tuple[UserSpec, ...]
    requester: int
    ws_rate: Decimal
    ws_currency: str
    rounding: int
    rounding_minutes: int
    hide_rates: bool
    clients: tuple[ClientSpec, ...]
    projects: tuple[ProjectSpec, ...]
    tasks: tuple[TaskSpec, ...]
    links: tuple[LinkSpec, ...]
    tags: tuple[str, ...]
    groups: tuple[frozenset[int], ...]
    entries: tuple[EntrySpec, ...]
    changes: tuple[Change, ...] = ()
    #: Users removed from the workspace after their entries were made.
    left: frozenset[int] = frozenset()

    def after_changes(self) -> World:
        w = self
        for c in self.changes:
            w = c_apply(w, c)
        return replace(w, changes=())

    @property
    def requester_admin(self) -> bool:
        return self.users[self.requester].admin

    @property
    def show_money(self) -> bool:
        return self.requester_admin or not self.hide_rates


def _set(items: tuple[Any, ...], index: int, **values: Any) -> tuple[Any, ...]:
    out = list(items)
    out[index] = replace(out[index], **values)
    return tuple(out)


def c_apply(w: World, c: Change) -> World:
    if c.kind == "ws_rate":
        return replace(w, ws_rate=c.value)
    if c.kind == "ws_currency":
        return replace(w, ws_currency=c.value)
    if c.kind == "user_left":
        # The membership, its groups and its project users go; the entries stay (and keep counting).
        return replace(w, links=tuple(replace(link, gone=True) if link.user == c.index else link for link in w.links),
                       groups=tuple(g - {c.index} for g in w.groups), left=w.left | {c.index})
    target, attr = c.kind.split("_", 1)
    if target == "project":
        return replace(w, projects=_set(w.projects, c.index, **{attr: c.value}))
    if target == "client":
        return replace(w, clients=_set(w.clients, c.index, **{attr: c.value}))
    return replace(w, links=_set(w.links, c.index, rate=c.value))


# -- strategies -----------------------------------------------------------------------------------------
#
# Hypothesis favours the smallest choice of every draw (0, the first element, an empty list), and 25
# examples are few: every draw below is arranged so that its simplest value is a *rich* world — several
# projects and entries, billable, rounded, no filter, a range covering the DST days — while the other
# values remain reachable.

MAX_CENTS = 20_000


def money(usual: str) -> st.SearchStrategy[Decimal]:
    """0 … 200.00 per hour, simplest ``usual``: each link of the chains has its own, so their order shows."""
    return rotated(MAX_CENTS + 1, int(Decimal(usual) * 100)).map(lambda c: (Decimal(c) / 100).quantize(CENT))


def opt_money(usual: str) -> st.SearchStrategy[Decimal | None]:
    return money(usual) | st.none()


def currency(usual: str) -> st.SearchStrategy[str]:
    return rotated(len(CURRENCIES), CURRENCIES.index(usual)).map(CURRENCIES.__getitem__)


def opt_currency(usual: str) -> st.SearchStrategy[str | None]:
    return currency(usual) | st.none()


#: The simplest rate and currency of each link of the chains (§4.1, §4.2), all different.
WS_RATE, CLIENT_RATE, PROJECT_RATE, LINK_RATE = "80.00", "65.50", "50.25", "120.75"
WS_CURRENCY, CLIENT_CURRENCY, PROJECT_CURRENCY = "EUR", "USD", "GBP"


def rich(low: int, high: int) -> st.SearchStrategy[int]:
    """0 … ``high``, mostly ``low`` or more."""
    return st.integers(low, high) | st.integers(0, high)


def rotated(n: int, first: int) -> st.SearchStrategy[int]:
    """0 … n-1 starting at ``first``: the simplest draw is ``first``."""
    return st.integers(0, n - 1).map(lambda i: (i + first) % n)


def _local_start(day: date, seconds_of_day: int, fold: int, zone: str) -> datetime:
    local = datetime.combine(day, time(seconds_of_day // 3600, seconds_of_day // 60 % 60, seconds_of_day % 60),
                             tzinfo=ZoneInfo(zone)).replace(fold=fold)
    return local.astimezone(UTC)


def _project_name_free(projects: Sequence[ProjectSpec], index: int | None, name: str, client: int | None) -> bool:
    return all((p.client, p.name.lower()) != (client, name.lower()) for i, p in enumerate(projects) if i != index)


@st.composite
def step_edges(draw: st.DrawFn, minutes: int) -> int:
    """A duration on an edge of the rounding step (15 min when rounding is off): k·r, k·r ± 1, k·r + r/2 (± 1)."""
    r = (minutes or 15) * 60
    k = draw(st.integers(0, 4))
    offset = {"exact": 0, "+1": 1, "-1": -1, "half": r // 2, "half-1": r // 2 - 1,
              "half+1": r // 2 + 1}[draw(st.sampled_from(STEP_OFFSETS))]
    return max(0, k * r + offset)


def durations(minutes: int) -> st.SearchStrategy[int]:
    """Fixed edge durations (simplest 8645 s), the step's edges (about half of the draws), or anything."""
    return st.one_of(st.sampled_from(EDGE_DURATIONS), step_edges(minutes), step_edges(minutes),
                     st.integers(0, 5 * 3600))


@st.composite
def worlds(draw: st.DrawFn, sizes: st.SearchStrategy[int] = rotated(26, 15)) -> World:
    """A workspace with ``sizes`` entries (0 … 25, simplest 15).

    Half of the worlds (not the simplest) put every user in one non-UTC zone, Berlin or New York, so the
    reports take their one-zone path on a DST week; entry days lean towards the change days and durations
    towards the edges of the world's rounding step."""
    n_users = draw(rotated(3, 1)) + 2  # simplest 3
    one_zone = draw(st.sampled_from((None, ONE_ZONES[0], None, ONE_ZONES[1])))
    users = tuple(
        UserSpec(draw(st.sampled_from(USER_NAMES)), one_zone or draw(st.sampled_from(ZONES)),
                 i == 0 or draw(st.booleans()), not draw(st.booleans()))
        for i in range(n_users)
    )
    rounding = draw(st.sampled_from((-1, 0, 1)))
    rounding_minutes = draw(st.sampled_from(ROUNDING_MINUTES))
    client_names = draw(st.permutations(CLIENT_NAMES))[:draw(rich(1, 3))]
    clients = tuple(ClientSpec(name, draw(opt_money(CLIENT_RATE)), draw(opt_currency(CLIENT_CURRENCY)))
                    for name in client_names)
    projects: list[ProjectSpec] = []
    for i in range(draw(rich(2, 4))):
        client = draw(st.integers(0, len(clients) - 1) | st.none()) if clients else None
        name = draw(st.sampled_from(PROJECT_NAMES))
        if not _project_name_free(projects, None, name, client):
            name = f"{name} {i}"
        projects.append(ProjectSpec(
            name=name, client=client, rate=draw(opt_money(PROJECT_RATE)), currency=draw(opt_currency(PROJECT_CURRENCY)),
            billable=draw(st.booleans()), color=draw(st.integers(0, 14)), private=draw(st.booleans()),
            estimated_hours=draw(st.none() | st.integers(1, 200)), auto_estimates=draw(st.booleans()),
        ))
    tasks = tuple(
        TaskSpec(p, name, draw(st.integers(0, n_users - 1) | st.none()), draw(st.sampled_from((3600, 0, 36000))))
        for p in range(len(projects))
        for name in draw(st.permutations(TASK_NAMES))[:draw(rich(1, 2))]
    )
    # Project users: simplest on every other (project, user) pair, so both ends of the rate chain show.
    pairs = [(p, u) for p in range(len(projects)) for u in range(n_users) if draw(st.booleans()) != ((p + u) % 2 == 0)]
    links = tuple(LinkSpec(p, u, draw(opt_money(LINK_RATE))) for p, u in pairs)
    tags = tuple(draw(st.permutations(TAG_NAMES))[:draw(rich(2, 3))])
    # Groups start at user 1, so that the user-id filter (simplest: user 0) and the groups differ.
    groups = tuple(draw(st.frozensets(rotated(n_users, 1), min_size=1)) for _ in range(draw(rich(1, 2))))

    entries: list[EntrySpec] = []
    running: set[int] = set()
    for _ in range(draw(sizes)):
        user = draw(st.integers(0, n_users - 1))
        project = draw(st.integers(0, len(projects) - 1) | st.none()) if projects else None
        own_tasks = [i for i, t in enumerate(tasks) if t.project == project]
        task = draw(st.none() | st.sampled_from(own_tasks)) if own_tasks else None
        # Local day 5 is 2023-10-29, Berlin's DST change; New York's follows a week later.
        start = _local_start(FIRST_DAY + timedelta(days=draw(rotated(SPAN, 5) | st.sampled_from(DST_DAYS))),
                             draw(st.sampled_from(EDGE_TIMES) | st.integers(0, 86399)),
                             draw(st.integers(0, 1)), users[user].zone)
        seconds: int | None = draw(durations(rounding_minutes))
        state = draw(st.sampled_from(("stopped", "stopped", "stopped", "running", "deleted")))
        if state == "running" and user not in running:  # one running entry per user
            running.add(user)
            seconds = None
        entry_tags = tuple(t for t in range(len(tags)) if draw(st.sampled_from((True, False))))
        entries.append(EntrySpec(user, project, task, not draw(st.booleans()), draw(st.sampled_from(DESCRIPTIONS)),
                                 start, seconds, state == "deleted", entry_tags))

    world = World(
        users=users, requester=draw(rotated(n_users, 1)), ws_rate=draw(money(WS_RATE)),
        ws_currency=draw(currency(WS_CURRENCY)), rounding=rounding,
        rounding_minutes=rounding_minutes, hide_rates=draw(st.booleans()),
        clients=clients, projects=tuple(projects), tasks=tasks, links=links, tags=tags, groups=groups,
        entries=tuple(entries),
    )
    return replace(world, changes=tuple(draw(changes(world))))


@st.composite
def changes(draw: st.DrawFn, world: World) -> list[Change]:
    kinds = ["ws_rate", "ws_currency"]
    if world.projects:
        kinds[:0] = ["project_rate", "project_currency", "project_client"]
    if world.clients:
        kinds += ["client_rate", "client_currency"]
    if world.links:
        kinds.append("link_rate")
    out: list[Change] = []
    current = world
    # Usually the last user leaves at the end, so reports see entries of a former member (O-58, §3.1).
    leaves = ["user_left"] if not draw(st.booleans()) else []
    for kind in draw(st.lists(st.sampled_from(kinds), max_size=3)) + leaves:
        if kind == "user_left":
            # Anyone but the first admin and the requester, who must stay members.
            candidates = [u for u in range(1, len(world.users)) if u != world.requester and u not in current.left]
            if not candidates:
                continue
            c = Change(kind, draw(st.sampled_from(candidates[::-1])), None)
        elif kind == "link_rate":
            live = [i for i, link in enumerate(current.links) if not link.gone]
            if not live:
                continue
            c = Change(kind, draw(st.sampled_from(live)), draw(opt_money("99.99")))
        elif kind == "ws_rate":
            c = Change(kind, 0, draw(money("12.34")))
        elif kind == "ws_currency":
            c = Change(kind, 0, draw(currency("GBP")))
        elif kind.startswith("project_"):
            i = draw(st.integers(0, len(world.projects) - 1))
            if kind == "project_client":
                client = draw(st.none() | st.integers(0, len(world.clients) - 1)) if world.clients else None
                if not _project_name_free(current.projects, i, current.projects[i].name, client):
                    continue  # the name would clash under that client
                c = Change(kind, i, client)
            else:
                c = Change(kind, i, draw(opt_money("33.33") if kind == "project_rate" else opt_currency("EUR")))
        elif kind.startswith("client_"):
            c = Change(kind, draw(st.integers(0, len(world.clients) - 1)),
                       draw(opt_money("44.44") if kind == "client_rate" else opt_currency("GBP")))
        out.append(c)
        current = c_apply(current, c)
    return out


@dataclass(frozen=True)
class Filters:
    """The common filters of §3 in world indices; ``None`` inside an id set is the wire's ``0``."""

    billable: bool | None = None
    projects: frozenset[int | None] | None = None
    clients: frozenset[int | None] | None = None
    tasks: frozenset[int | None] | None = None
    tags: frozenset[int | None] | None = None
    users: frozenset[int] | None = None
    members_of: frozenset[int] | None = None
    or_members_of: frozenset[int] | None = None
    description: str | None = None
    without_description: bool = False
    rounding: bool = False


FILTERS = ("tags", "or_members_of", "clients", "description", "projects", "tasks", "users", "members_of", "billable",
           "without_description")


def _with_none(n: int, *, none_first: bool) -> st.SearchStrategy[frozenset[int | None]]:
    options: list[int | None] = [None, *range(n)] if none_first else [*range(n), None]
    return st.frozensets(st.sampled_from(options), min_size=1)


def filter_value(draw: st.DrawFn, world: World, name: str) -> Any:
    """A value for one of ``FILTERS`` (None: no group to filter by)."""
    if name == "billable":
        return draw(st.booleans())
    if name in ("projects", "clients", "tasks", "tags"):
        # Simplest: "without project / client / task" (the wire's 0), but tag 0 for tags.
        return draw(_with_none(len(getattr(world, name)), none_first=name != "tags"))
    if name == "users":
        return draw(st.frozensets(st.integers(0, len(world.users) - 1), min_size=1))
    if name in ("members_of", "or_members_of"):
        return draw(st.frozensets(st.integers(0, len(world.groups) - 1), min_size=1)) if world.groups else None
    if name == "description":
        return draw(st.sampled_from(DESCRIPTION_FILTERS))
    return True


@st.composite
def filters(draw: st.DrawFn, world: World, *, only: str | None = None, at_least: int = 0) -> Filters:
    """``only`` that filter, or up to two filters at a time (most reports keep rows); ``rounding=on`` half of
    the time."""
    names = [only] if only else draw(st.lists(st.sampled_from(FILTERS), unique=True, min_size=at_least, max_size=2))
    values = {name: filter_value(draw, world, name) for name in names}
    return Filters(**{k: v for k, v in values.items() if v is not None}, rounding=not draw(st.booleans()))


@st.composite
def owner_filters(draw: st.DrawFn, world: World) -> Filters:
    """§3.4 in full: user ids narrowed by groups and widened by or-groups, each usually present."""
    names = [n for n in ("users", "members_of", "or_members_of") if draw(st.sampled_from((True, False)))]
    return Filters(**{name: filter_value(draw, world, name) for name in names})


@st.composite
def date_ranges(draw: st.DrawFn) -> tuple[date, date]:
    """Mostly the whole window (10-23 … 11-07), a slice of it, or (a third of the draws) a range whose last
    day is a DST change day."""
    if draw(st.integers(0, 2)) == 2:
        return draw(st.sampled_from(DST_RANGES))
    since = FIRST_DAY + timedelta(days=draw(st.integers(-1, SPAN - 1)))
    return since, since + timedelta(days=SPAN - draw(st.integers(0, SPAN)))


@st.composite
def weeks(draw: st.DrawFn) -> date:
    """The first day of a weekly report: by default 10-26, whose week holds Berlin's DST change; a third of
    the draws a week ending on a change day (or starting the day after one)."""
    if draw(st.integers(0, 2)) == 2:
        return draw(st.sampled_from(DST_WEEKS))
    return FIRST_DAY + timedelta(days=draw(rotated(SPAN - 2, 3)) - 1)


# -- arrange --------------------------------------------------------------------------------------------

@dataclass
class Ids:
    ws: int
    users: list[int]
    headers: dict[str, str]
    clients: list[int] = field(default_factory=list)
    projects: list[int] = field(default_factory=list)
    tasks: list[int] = field(default_factory=list)
    links: list[int] = field(default_factory=list)
    tags: list[int] = field(default_factory=list)
    groups: list[int] = field(default_factory=list)
    entries: list[int] = field(default_factory=list)


def reset(db: Session) -> None:
    """Empty every table (children first): each example starts from a blank database."""
    db.rollback()
    for table in reversed(Base.metadata.sorted_tables):
        db.execute(table.delete())
    db.commit()
    db.expunge_all()


def updated_at(e: EntrySpec) -> datetime:
    """A known ``at`` per entry, so the oracle can render the detailed ``updated`` (rate refreshes keep it)."""
    return e.start + timedelta(seconds=(e.seconds or 0) + 7)


def arrange(db: Session, w: World) -> Ids:
    """``w`` as it was before its changes, then the changes, so the rates on the entries must follow."""
    reset(db)
    users = [make_user(db, fullname=u.name, timezone=u.zone, store_start_and_stop_time=u.use_stop) for u in w.users]
    ws = make_workspace(db, admin=users[0], default_currency=w.ws_currency, default_hourly_rate=w.ws_rate,
                        rounding=w.rounding, rounding_minutes=w.rounding_minutes,
                        only_admins_see_billable_rates=w.hide_rates, premium=True)
    for user, spec in zip(users[1:], w.users[1:], strict=True):
        add_member(db, ws, user, admin=spec.admin)
    ids = Ids(ws=ws.id, users=[u.id for u in users], headers=token_auth(users[w.requester]))
    members = {m.user_id: m for m in db.scalars(select(WorkspaceMember).where(WorkspaceMember.workspace_id == ws.id))}
    ids.clients = [make_client(db, workspace_id=ws.id, name=c.name, hourly_rate=c.rate, currency=c.currency).id
                   for c in w.clients]
    projects = [
        make_project(db, workspace_id=ws.id, name=p.name, client_id=None if p.client is None else ids.clients[p.client],
                     rate=p.rate, currency=p.currency, billable=p.billable, color=p.color, is_private=p.private,
                     estimated_hours=p.estimated_hours, auto_estimates=p.auto_estimates)
        for p in w.projects
    ]
    ids.projects = [p.id for p in projects]
    ids.tasks = [make_task(db, project=projects[t.project], name=t.name, estimated_seconds=t.estimated_seconds,
                           user_id=None if t.assignee is None else ids.users[t.assignee]).id for t in w.tasks]
    ids.links = [add_project_user(db, projects[link.project], users[link.user], rate=link.rate).id for link in w.links]
    tags = [make_tag(db, workspace_id=ws.id, name=name) for name in w.tags]
    ids.tags = [t.id for t in tags]
    ids.groups = [make_group(db, workspace_id=ws.id, name=f"Group {i}",
                             members=[members[ids.users[u]] for u in sorted(g)]).id
                  for i, g in enumerate(w.groups)]
    ids.entries = [
        make_entry(db, user=users[e.user], workspace_id=ws.id, start=e.start, seconds=e.seconds,
                   project_id=None if e.project is None else ids.projects[e.project],
                   task_id=None if e.task is None else ids.tasks[e.task], billable=e.billable,
                   description=e.description, tags=[tags[t] for t in e.tags], updated_at=updated_at(e),
                   deleted_at=datetime(2023, 11, 8, tzinfo=UTC) if e.deleted else None).id
        for e in w.entries
    ]
    for c in w.changes:
        change(db, ids, c)
    db.commit()  # ends the read transaction the id lookups opened
    return ids


def change(db: Session, ids: Ids, c: Change) -> None:
    """One change as the v8 API would make it: through the ORM (the rates listener must follow) or, for a
    member leaving, through ``DELETE /workspace_users``' domain function (a bulk refresh)."""
    if c.kind in ("ws_rate", "ws_currency"):
        ws = db.get_one(Workspace, ids.ws)
        setattr(ws, "default_hourly_rate" if c.kind == "ws_rate" else "default_currency", c.value)
    elif c.kind == "project_client":
        db.get_one(Project, ids.projects[c.index]).client_id = None if c.value is None else ids.clients[c.value]
    elif c.kind.startswith("project_"):
        setattr(db.get_one(Project, ids.projects[c.index]), c.kind.removeprefix("project_"), c.value)
    elif c.kind.startswith("client_"):
        attr = "hourly_rate" if c.kind == "client_rate" else "currency"
        setattr(db.get_one(Client, ids.clients[c.index]), attr, c.value)
    elif c.kind == "link_rate":
        db.get_one(ProjectMember, ids.links[c.index]).rate = c.value
    else:
        admin = Actor(db.get_one(User, ids.users[0]), {ids.ws: True})
        member = db.scalars(select(WorkspaceMember).where(WorkspaceMember.workspace_id == ids.ws,
                                                          WorkspaceMember.user_id == ids.users[c.index])).one()
        remove_member(db, admin, member.id)
    db.commit()


# -- the oracle: which entries count, with what seconds and money -------------------------------------

@dataclass(frozen=True)
class Fact:
    """One counted entry as the contract sees it (§3.0), resolved against the world after its changes."""

    index: int
    id: int
    user: int
    project: int | None
    task: int | None
    client: int | None
    billable: bool
    description: str
    start: datetime
    stop: datetime
    stored: int
    rate: Decimal
    currency: str
    tags: tuple[int, ...]
    #: The start's calendar date in the owner's zone (§3.1, O-56).
    day: date
    #: After rounding when asked (§3.7); the stored duration otherwise.
    seconds: int = 0
    #: §4.3: billable entries only, half-up per entry.
    amount: Decimal = Decimal("0.00")


def amount(seconds: int, rate: Decimal) -> Decimal:
    return (Decimal(seconds) * rate / 3600).quantize(CENT, rounding=ROUND_HALF_UP)


def rounded(seconds: int, w: World) -> int:
    """20-workspaces §1.1: down, nearest (half up) or up to the step; a step of 0 keeps the duration."""
    step = w.rounding_minutes * 60
    if step == 0:
        return seconds
    if w.rounding < 0:
        return seconds // step * step
    if w.rounding > 0:
        return -(-seconds // step) * step
    return (seconds + step // 2) // step * step


def linked(w: World, project: int, user: int) -> LinkSpec | None:
    return next((link for link in w.links if (link.project, link.user) == (project, user) and not link.gone), None)


def project_visible(w: World, project: int) -> bool:
    """§2, O-58: admins see everything; members every public project and the private ones they are in."""
    return w.requester_admin or not w.projects[project].private or linked(w, project, w.requester) is not None


def rate_of(w: World, project: int | None, user: int) -> Decimal:
    """§4.1: project user, project, client, workspace default."""
    if project is None:
        return w.ws_rate
    p = w.projects[project]
    link = linked(w, project, user)
    chain = [link.rate if link else None, p.rate, None if p.client is None else w.clients[p.client].rate]
    return next((r for r in chain if r is not None), w.ws_rate)


def currency_of(w: World, project: int | None) -> str:
    """§4.2: project, client, workspace default."""
    if project is None:
        return w.ws_currency
    p = w.projects[project]
    chain = [p.currency, None if p.client is None else w.clients[p.client].currency]
    return next((c for c in chain if c is not None), w.ws_currency)


def facts(w: World, ids: Ids) -> list[Fact]:
    """Stopped, non-deleted entries the requester may see (§3.0, O-59), any date, durations as stored."""
    out = []
    for i, e in enumerate(w.entries):
        if e.seconds is None or e.deleted or (e.project is not None and not project_visible(w, e.project)):
            continue
        out.append(Fact(
            index=i, id=ids.entries[i], user=e.user, project=e.project, task=e.task,
            client=None if e.project is None else w.projects[e.project].client, billable=e.billable,
            description=e.description, start=e.start, stop=e.start + timedelta(seconds=e.seconds),
            stored=e.seconds, rate=rate_of(w, e.project, e.user), currency=currency_of(w, e.project),
            tags=e.tags, day=e.start.astimezone(ZoneInfo(w.users[e.user].zone)).date(),
            seconds=e.seconds, amount=amount(e.seconds, rate_of(w, e.project, e.user)) if e.billable else Decimal(0),
        ))
    return out


def owners(w: World, f: Filters) -> set[int] | None:
    """§3.4 with O-60: user ids, narrowed by groups, widened by or-groups (alone: the or-groups' members)."""
    def members(groups: frozenset[int]) -> set[int]:
        return set().union(*(w.groups[g] for g in groups))

    accepted = set(f.users) if f.users is not None else None
    if f.members_of is not None:
        accepted = members(f.members_of) if accepted is None else accepted & members(f.members_of)
    if f.or_members_of is not None:
        accepted = members(f.or_members_of) if accepted is None else accepted | members(f.or_members_of)
    return accepted


def matching(w: World, all_facts: Iterable[Fact], f: Filters, since: date, until: date) -> list[Fact]:
    """§3.1 owner's-zone dates, §3.2-§3.5 filters, then §3.7 rounding and §4.3 amounts on the result."""
    accepted = owners(w, f)
    out = []
    for x in all_facts:
        if not since <= x.day <= until:
            continue
        if f.billable is not None and x.billable != f.billable:
            continue
        if f.projects is not None and x.project not in f.projects:
            continue
        if f.clients is not None and x.client not in f.clients:
            continue
        if f.tasks is not None and x.task not in f.tasks:
            continue
        if f.tags is not None and not ((None in f.tags and not x.tags) or set(x.tags) & f.tags):
            continue
        if accepted is not None and x.user not in accepted:
            continue
        if f.description is not None and f.description.lower() not in x.description.lower():
            continue
        if f.without_description and x.description:
            continue
        seconds = rounded(x.stored, w) if f.rounding else x.stored
        out.append(replace(x, seconds=seconds, amount=amount(seconds, x.rate) if x.billable else Decimal(0)))
    return out


def filter_params(f: Filters, ids: Ids) -> dict[str, str]:
    def id_list(chosen: Iterable[int | None], objects: list[int]) -> str:
        return ",".join(sorted("0" if i is None else str(objects[i]) for i in chosen))

    out: dict[str, str] = {}
    if f.billable is not None:
        out["billable"] = "yes" if f.billable else "no"
    for name, chosen, objects in (("project_ids", f.projects, ids.projects), ("client_ids", f.clients, ids.clients),
                                  ("task_ids", f.tasks, ids.tasks), ("tag_ids", f.tags, ids.tags),
                                  ("user_ids", f.users, ids.users), ("members_of_group_ids", f.members_of, ids.groups),
                                  ("or_members_of_group_ids", f.or_members_of, ids.groups)):
        if chosen is not None:
            out[name] = id_list(chosen, objects)
    if f.description is not None:
        out["description"] = f.description
    if f.without_description:
        out["without_description"] = "true"
    if f.rounding:
        out["rounding"] = "on"
    return out


# -- the oracle: shapes shared by the reports ------------------------------------------------------------

def ms(seconds: int) -> int:
    return seconds * MS


def hidden_money(items: list[dict[str, Any]], show_money: bool) -> list[dict[str, Any]]:
    """§4.4: every ``{"currency", "amount"}`` element keeps its place but reads ``""``/null."""
    return items if show_money else [{"currency": "", "amount": None} for _ in items]


def per_currency(lines: Iterable[Fact], *, billable_only: bool) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = {}
    for x in lines:
        if x.billable or not billable_only:
            sums[x.currency] = sums.get(x.currency, Decimal(0)) + x.amount
    return sums


def expected_totals(lines: list[Fact], show_money: bool) -> dict[str, Any]:
    """§5: all-page totals; the placeholder when nothing is billable."""
    billed = per_currency(lines, billable_only=True)
    currencies = [{"currency": c, "amount": billed[c]} for c in sorted(billed)] or [{"currency": None, "amount": None}]
    return {
        "total_grand": ms(sum(x.seconds for x in lines)) if lines else None,
        "total_billable": ms(sum(x.seconds for x in lines if x.billable)) or None,
        "total_currencies": hidden_money(currencies, show_money),
    }


K = TypeVar("K", bound=Hashable)


def by_title(keys: Iterable[K], title: Callable[[K], tuple[Any, ...] | None],
             tie: Callable[[K], tuple[Any, ...]]) -> list[K]:
    """§3.6 ascending title order: case-insensitive, ties by id; null titles last."""
    keys = list(keys)
    named = sorted((k for k in keys if title(k) is not None), key=lambda k: (title(k), tie(k)))
    return named + sorted((k for k in keys if title(k) is None), key=tie)


def project_sort(w: World, p: int | None) -> tuple[Any, ...] | None:
    """A project title compares its name, then its client (no client after any client name)."""
    if p is None:
        return None
    spec = w.projects[p]
    client = None if spec.client is None else w.clients[spec.client].name
    return (spec.name.casefold(), client is None, (client or "").casefold())


def id_tie(value: int | None) -> tuple[bool, int]:
    return (value is None, value or 0)


def client_name(w: World, client: int | None) -> str | None:
    return None if client is None else w.clients[client].name


def project_title(w: World, p: int | None, *, summary: bool = False) -> dict[str, Any]:
    """§6.2 / §8.2: colour keys only when there is a project; the summary sends ``color_hex`` too (O-45)."""
    if p is None:
        return {"project": None, "client": None}
    spec = w.projects[p]
    out = {"project": spec.name, "client": client_name(w, spec.client), "color": str(spec.color),
           "hex_color": SPEC_PALETTE[spec.color]}
    if summary:
        out["color_hex"] = SPEC_PALETTE[spec.color]
    return out


def get_json(client: TestClient, path: str, ids: Ids, **params: Any) -> dict[str, Any]:
    query = {"user_agent": "properties@example.org", "workspace_id": ids.ws, **params}
    r = client.get(f"/reports/api/v2/{path}", params=query, headers=ids.headers)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = json.loads(r.text, parse_float=Decimal)
    return body


# -- details (§7) ------------------------------------------------------------------------------------------

def expected_detail_row(w: World, ids: Ids, x: Fact) -> dict[str, Any]:
    owner = w.users[x.user]
    zone = ZoneInfo(owner.zone)
    spec = w.entries[x.index]
    p = None if x.project is None else w.projects[x.project]
    show = w.show_money
    return {
        "id": x.id, "pid": None if x.project is None else ids.projects[x.project],
        "tid": None if x.task is None else ids.tasks[x.task], "uid": ids.users[x.user],
        "description": x.description,
        "start": x.start.astimezone(zone).isoformat(), "end": x.stop.astimezone(zone).isoformat(),
        "updated": updated_at(spec).astimezone(zone).isoformat(),
        "dur": ms(x.seconds), "user": owner.name, "use_stop": owner.use_stop,
        "client": client_name(w, x.client), "project": None if p is None else p.name,
        "project_color": None if p is None else str(p.color),
        "project_hex_color": None if p is None else SPEC_PALETTE[p.color],
        "task": None if x.task is None else w.tasks[x.task].name,
        "billable": x.amount if x.billable and show else None, "is_billable": x.billable,
        "cur": ("" if not show else x.currency if x.billable else None),
        "tags": sorted((w.tags[t] for t in x.tags), key=lambda n: (n.lower(), n)),
    }


def check_details_sums(first: dict[str, Any], rows: list[dict[str, Any]], show_money: bool) -> None:
    """Totals over all pages equal the sums of the rows of all pages."""
    assert first["total_count"] == len(rows)
    assert first["total_grand"] == (sum(r["dur"] for r in rows) if rows else None)
    assert first["total_billable"] == (sum(r["dur"] for r in rows if r["is_billable"]) or None)
    if not show_money:
        assert all(c == {"currency": "", "amount": None} for c in first["total_currencies"])
        return
    billed: dict[str, Decimal] = {}
    for r in rows:
        if r["is_billable"]:
            billed[r["cur"]] = billed.get(r["cur"], Decimal(0)) + r["billable"]
    assert {c["currency"]: c["amount"] for c in first["total_currencies"] if c["currency"] is not None} == billed


# -- weekly (§6) ---------------------------------------------------------------------------------------------

def week_values(lines: list[Fact], days: list[date], earnings: bool, show_money: bool) -> list[Any]:
    """§6.3: 8 ms values (null for a day on which no entry started), or one object per billed currency."""
    index = {d: i for i, d in enumerate(days)}
    if not earnings:
        values: list[int | None] = [None] * 7
        for x in lines:
            values[index[x.day]] = (values[index[x.day]] or 0) + ms(x.seconds)
        return [*values, sum(v or 0 for v in values)]
    billed: dict[str, list[Decimal | None]] = {}
    for x in lines:
        if x.billable:
            day = billed.setdefault(x.currency, [None] * 7)
            day[index[x.day]] = (day[index[x.day]] or Decimal(0)) + x.amount
    if not show_money:
        return [None for _ in billed]
    return [{"currency": c, "amount": [*billed[c], sum((v or Decimal(0) for v in billed[c]), Decimal(0))]}
            for c in sorted(billed)]


def expected_weekly(w: World, ids: Ids, lines: list[Fact], since: date, grouping: str, earnings: bool
                    ) -> dict[str, Any]:
    days = [since + timedelta(days=i) for i in range(7)]
    show = w.show_money
    by_project = grouping == "projects"

    def row_key(x: Fact) -> int | None:
        return x.project if by_project else x.user

    def detail_key(x: Fact) -> int | None:
        return x.user if by_project else x.project

    def subject(key: int | None, is_project: bool) -> dict[str, Any]:
        if is_project:
            return {"title": project_title(w, key), "pid": None if key is None else ids.projects[key]}
        assert key is not None
        return {"title": {"user": w.users[key].name}, "uid": ids.users[key]}

    def title(key: int | None, is_project: bool) -> tuple[Any, ...] | None:
        if is_project:
            return project_sort(w, key)
        assert key is not None
        return (w.users[key].name.casefold(),)

    def tie(key: int | None, is_project: bool) -> tuple[bool, int]:
        return id_tie(None if key is None else (ids.projects if is_project else ids.users)[key])

    def included(ls: list[Fact]) -> bool:
        return not earnings or any(x.billable for x in ls)  # earnings: rows without billable entries go

    rows = []
    row_keys = {row_key(x) for x in lines}
    for key in by_title(row_keys, lambda k: title(k, by_project), lambda k: tie(k, by_project)):
        mine = [x for x in lines if row_key(x) == key]
        if not included(mine):
            continue
        details = []
        for d in by_title({detail_key(x) for x in mine}, lambda k: title(k, not by_project),
                          lambda k: tie(k, not by_project)):
            theirs = [x for x in mine if detail_key(x) == d]
            if included(theirs):
                details.append({**subject(d, not by_project), "totals": week_values(theirs, days, earnings, show)})
        rows.append({**subject(key, by_project), "totals": week_values(mine, days, earnings, show),
                     "details": details})
    week_totals = week_values(lines, days, earnings, show)
    if not earnings and not lines:
        week_totals[7] = None
    return {**expected_totals(lines, show), "data": rows, "week_totals": week_totals}


def _add(a: Any, b: Any) -> Any:
    return a if b is None else b if a is None else a + b


def _column_sums(lists: list[list[Any]]) -> list[Any]:
    out: list[Any] = [None] * 8
    for values in lists:
        out = [_add(a, b) for a, b in zip(out, values, strict=True)]
    return out


def _money_columns(lines: list[list[dict[str, Any]]]) -> dict[str, list[Any]]:
    """Per currency, the column sums of several earnings ``totals``."""
    out: dict[str, list[Any]] = {}
    for objects in lines:
        for o in objects:
            out[o["currency"]] = [_add(a, b) for a, b in zip(out.get(o["currency"], [None] * 8), o["amount"],
                                                              strict=True)]
    return out


def check_weekly_sums(body: dict[str, Any], earnings: bool, show_money: bool) -> None:
    """Each line's 8th value is the sum of its days; rows sum their details; week_totals sum the rows."""
    rows = body["data"]
    if not earnings:
        for line in [r["totals"] for r in rows] + [d["totals"] for r in rows for d in r["details"]]:
            assert line[7] == sum(v or 0 for v in line[:7])
        for r in rows:
            assert r["totals"] == _column_sums([d["totals"] for d in r["details"]])
        assert body["week_totals"] == _column_sums([r["totals"] for r in rows])
        assert body["total_grand"] == body["week_totals"][7]
        return
    if not show_money:
        assert all(v is None for r in rows for v in r["totals"])
        assert all(v is None for v in body["week_totals"])
        return
    for objects in [r["totals"] for r in rows] + [d["totals"] for r in rows for d in r["details"]]:
        assert objects, "earnings rows and details without billable entries are left out"
        for o in objects:
            assert o["amount"][7] == sum(v or 0 for v in o["amount"][:7])
    for r in rows:
        assert {o["currency"]: o["amount"] for o in r["totals"]} == _money_columns([d["totals"] for d in r["details"]])
    week = {o["currency"]: o["amount"] for o in body["week_totals"]}
    assert week == _money_columns([r["totals"] for r in rows])
    totals = {c["currency"]: c["amount"] for c in body["total_currencies"] if c["currency"] is not None}
    assert totals == {c: values[7] for c, values in week.items()}


# -- summary (§8) ---------------------------------------------------------------------------------------------

def dimension_key(dimension: str, x: Fact) -> Any:
    return {"projects": x.project, "clients": x.client, "users": x.user, "tasks": x.task,
            "time_entries": x.description}[dimension]


def dimension_id(ids: Ids, dimension: str, key: Any) -> int | None:
    if key is None or dimension == "time_entries":
        return None
    objects = {"projects": ids.projects, "clients": ids.clients, "users": ids.users, "tasks": ids.tasks}[dimension]
    return objects[key]


def dimension_title(w: World, dimension: str, key: Any) -> dict[str, Any]:
    if dimension == "projects":
        return project_title(w, key, summary=True)
    if dimension == "clients":
        return {"client": client_name(w, key)}
    if dimension == "users":
        return {"user": w.users[key].name}
    if dimension == "tasks":
        return {"task": None if key is None else w.tasks[key].name}
    return {"time_entry": key}


def dimension_sort(w: World, dimension: str, key: Any) -> tuple[Any, ...] | None:
    if dimension == "projects":
        return project_sort(w, key)
    name = {"clients": lambda: client_name(w, key), "users": lambda: w.users[key].name,
            "tasks": lambda: None if key is None else w.tasks[key].name, "time_entries": lambda: key}[dimension]()
    return None if name is None else (name.casefold(),)


def expected_summary(w: World, ids: Ids, lines: list[Fact], grouping: str, subgrouping: str, distinct_rates: bool,
                     with_ids: bool, with_entry_ids: bool) -> dict[str, Any]:
    show = w.show_money
    buckets: dict[Any, dict[tuple[Any, ...], list[Fact]]] = {}
    for x in lines:
        item_key = (dimension_key(subgrouping, x), x.currency, *([x.rate] if distinct_rates else []))
        buckets.setdefault(dimension_key(grouping, x), {}).setdefault(item_key, []).append(x)

    def item(key: tuple[Any, ...], members: list[Fact]) -> dict[str, Any]:
        rates = {x.rate for x in members}
        out: dict[str, Any] = {
            "title": dimension_title(w, subgrouping, key[0]),
            "time": ms(sum(x.seconds for x in members)),
            "cur": key[1] if show else "",
            "sum": sum((x.amount for x in members), Decimal(0)) if show else None,
            # §3.8, O-65: the rate all the item's entries share, billable or not.
            "rate": (rates.pop() if len(rates) == 1 else None) if show else None,
        }
        entry_ids = ",".join(str(i) for i in sorted(x.id for x in members))
        if with_ids:
            object_id = dimension_id(ids, subgrouping, key[0])
            out["ids"] = entry_ids if subgrouping == "time_entries" else "" if object_id is None else str(object_id)
        if with_entry_ids:
            out["time_entry_ids"] = entry_ids
        return out

    def item_tie(key: tuple[Any, ...], members: list[Fact]) -> tuple[Any, ...]:
        # Ties by id (a time-entry item: its smallest entry id), §3.6; then currency and rate, which the
        # contract leaves open (the implementation's choice).
        first = min(x.id for x in members) if subgrouping == "time_entries" else dimension_id(ids, subgrouping, key[0])
        rate = key[2] if distinct_rates else None
        return (id_tie(first), key[1], rate is None, rate or 0)

    groups = []
    for g in by_title(buckets, lambda g: dimension_sort(w, grouping, g),
                      lambda g: id_tie(dimension_id(ids, grouping, g))):
        items = buckets[g]
        ties = {k: item_tie(k, v) for k, v in items.items()}
        ordered = by_title(items, lambda k: dimension_sort(w, subgrouping, k[0]), ties.__getitem__)
        members = [x for item_members in items.values() for x in item_members]
        group_id = dimension_id(ids, grouping, g)
        sums = per_currency(members, billable_only=False)  # O-80: every currency of the group, billable or not
        groups.append({
            "id": group_id,
            "title": dimension_title(w, grouping, g),
            "time": ms(sum(x.seconds for x in members)),
            "total_currencies": [] if group_id is None else hidden_money(
                [{"currency": c, "amount": sums[c]} for c in sorted(sums)], show),
            "items": [item(k, items[k]) for k in ordered],
        })
    return {**expected_totals(lines, show), "data": groups}


def check_summary_sums(body: dict[str, Any], show_money: bool) -> None:
    """total_grand sums the groups, groups sum their items, amounts per currency sum the items' sums."""
    groups = body["data"]
    assert body["total_grand"] == (sum(g["time"] for g in groups) if groups else None)
    for g in groups:
        assert g["time"] == sum(i["time"] for i in g["items"])
    if not show_money:
        return
    overall: dict[str, Decimal] = {}
    for g in groups:
        sums: dict[str, Decimal] = {}
        for i in g["items"]:
            sums[i["cur"]] = sums.get(i["cur"], Decimal(0)) + i["sum"]
        if g["id"] is not None:
            assert {c["currency"]: c["amount"] for c in g["total_currencies"]} == sums
        for c, a in sums.items():
            overall[c] = overall.get(c, Decimal(0)) + a
    totals = {c["currency"]: c["amount"] for c in body["total_currencies"] if c["currency"] is not None}
    # Currencies without billable entries are absent from the report totals; their item sums are 0.
    assert {c: a for c, a in overall.items() if c in totals or a} == totals


# -- project dashboard (§9) --------------------------------------------------------------------------------

@dataclass(frozen=True)
class TaskFigures:
    index: int
    seconds: int
    #: None when the task has no billable time.
    amount: Decimal | None


def expected_dashboard(w: World, ids: Ids, all_facts: list[Fact], project: int, order: str, desc: bool
                       ) -> dict[str, Any]:
    show = w.show_money
    spec = w.projects[project]
    mine = [x for x in all_facts if x.project == project]  # any date, stored durations (O-83)

    def billed(ls: list[Fact]) -> Decimal | None:
        return sum((x.amount for x in ls), Decimal(0)) if any(x.billable for x in ls) else None

    users = []
    for u in sorted({x.user for x in mine},
                    key=lambda u: (-sum(x.stored for x in mine if x.user == u), ids.users[u])):
        theirs = [x for x in mine if x.user == u]
        users.append({
            "name": w.users[u].name, "duration": ms(sum(x.stored for x in theirs)),
            "billable_duration": ms(sum(x.stored for x in theirs if x.billable)) if show else None,
            "billable_amount": (billed(theirs) or Decimal(0)) if show else None,  # O-82: 0, not null
        })

    tasks = [i for i, t in enumerate(w.tasks) if t.project == project]
    figures = {i: TaskFigures(i, sum(x.stored for x in mine if x.task == i), billed([x for x in mine if x.task == i]))
               for i in tasks}
    tracked = sorted((figures[i] for i in tasks if any(x.task == i for x in mine)),
                     key=lambda f: (-f.seconds, ids.tasks[f.index]))
    on_tasks = sum(f.seconds for f in tracked)
    top = [f for f in tracked if f.seconds * 100 > on_tasks * 10]  # O-69: above 10 % of the time on tasks
    rest = [f for f in tracked if f not in top and f.seconds > 0]

    def assignee(i: int) -> str | None:
        a = w.tasks[i].assignee
        return None if a is None else w.users[a].name

    top_tasks = [{"duration": ms(f.seconds), "billable_amount": f.amount if show else None,
                  "name": w.tasks[f.index].name, "estimated_seconds": w.tasks[f.index].estimated_seconds,
                  "asignee": assignee(f.index)} for f in top]
    if rest:
        amounts = [f.amount for f in rest if f.amount is not None]
        top_tasks.append({"duration": ms(sum(f.seconds for f in rest)),
                          "billable_amount": sum(amounts, Decimal(0)) if amounts and show else None,
                          "name": None, "estimated_seconds": None, "asignee": None})

    def page_key(i: int) -> Any:
        name = assignee(i)
        return {"name": w.tasks[i].name.lower(), "assignee": None if name is None else name.lower(),
                "duration": figures[i].seconds, "billable_amount": figures[i].amount,
                "estimated_seconds": w.tasks[i].estimated_seconds}[order]

    page = sorted(tasks, key=lambda i: ids.tasks[i])
    if order != "billable_amount" or show:  # hidden money sorts as absent: ids only (§4.4)
        keyed = sorted((i for i in page if page_key(i) is not None), key=page_key, reverse=desc)  # stable: ids
        page = keyed + [i for i in page if page_key(i) is None]  # nulls last in both directions
    tasks_page = [{"name": w.tasks[i].name, "assignee": assignee(i), "estimated_seconds": w.tasks[i].estimated_seconds,
                   "duration": ms(figures[i].seconds), "billable_amount": figures[i].amount if show else None}
                  for i in page[:TASKS_PER_PAGE]]

    total = billed(mine)
    return {
        "name": spec.name,
        "duration": ms(sum(x.stored for x in mine)),
        "duration_without_task": ms(sum(x.stored for x in mine if x.task is None)),
        "billable_duration": ms(sum(x.stored for x in mine if x.billable)) if show else None,
        "billable_amount": total if show else None,
        "tasks_count": len(tasks),
        "currency": currency_of(w, project) if show else "",
        "estimated_seconds": None if spec.estimated_hours is None else spec.estimated_hours * 3600,
        "task_estimated_seconds": sum(w.tasks[i].estimated_seconds for i in tasks) if tasks else None,
        "use_task_estimated_seconds": spec.auto_estimates,
        "tasks_per_page": TASKS_PER_PAGE,
        "users": users,
        "top_tasks": top_tasks,
        "tasks_page": tasks_page,
    }


def check_dashboard_sums(body: dict[str, Any], show_money: bool) -> None:
    """The project figures are the sums of the user lines; task time plus time without task is the total."""
    users = body["users"]
    assert body["duration"] == sum(u["duration"] for u in users)
    assert body["duration"] == body["duration_without_task"] + sum(t["duration"] for t in body["tasks_page"])
    assert sum(t["duration"] for t in body["top_tasks"]) == sum(t["duration"] for t in body["tasks_page"])
    if show_money:
        assert body["billable_duration"] == sum(u["billable_duration"] for u in users)
        assert (body["billable_amount"] or 0) == sum(u["billable_amount"] for u in users)


# -- the properties ---------------------------------------------------------------------------------------

class TestReportsAgainstOracle:
    @settings(PROPERTY, max_examples=30)
    @given(world=worlds(sizes=rotated(16, 10)), data=st.data())
    def test_filters_select_the_contract_entries(self, client: TestClient, db: Session, world: World,
                                                 data: st.DataObject) -> None:
        """§3.2-§3.5: every filter alone, then two together, on the cheapest report that shows every entry."""
        ids = arrange(db, world)
        w = world.after_changes()
        all_facts = facts(w, ids)
        since, until = data.draw(date_ranges(), label="range")
        chosen = [data.draw(filters(w, only=name), label=name) for name in FILTERS]
        chosen.append(data.draw(filters(w, at_least=2), label="two filters"))
        chosen.append(data.draw(owner_filters(w), label="owner filters"))
        for f in chosen:
            lines = matching(w, all_facts, f, since, until)
            body = get_json(client, "details", ids, **filter_params(f, ids), since=since.isoformat(),
                            until=until.isoformat())
            ordered = sorted(lines, key=lambda x: (-x.start.timestamp(), x.id))
            assert body == {**expected_totals(lines, w.show_money), "total_count": len(lines), "per_page": PER_PAGE,
                            "data": [expected_detail_row(w, ids, x) for x in ordered]}, f
            check_details_sums(body, body["data"], w.show_money)

    @PROPERTY
    @given(world=worlds(sizes=rotated(71, 60)), data=st.data())  # mostly more than one page
    def test_details_every_page(self, client: TestClient, db: Session, world: World, data: st.DataObject) -> None:
        """§7: every page (and one past the end) equals the oracle; totals cover the rows of all pages."""
        ids = arrange(db, world)
        w = world.after_changes()
        f = data.draw(filters(w), label="filters")
        since, until = data.draw(date_ranges(), label="range")
        lines = matching(w, facts(w, ids), f, since, until)
        params = {**filter_params(f, ids), "since": since.isoformat(), "until": until.isoformat()}

        pages = [get_json(client, "details", ids, **params, page=n) for n in range(1, len(lines) // PER_PAGE + 3)]
        rows = [r for p in pages for r in p["data"]]

        ordered = sorted(lines, key=lambda x: (-x.start.timestamp(), x.id))  # newest first, ties by id (O-64)
        expected_rows = [expected_detail_row(w, ids, x) for x in ordered]
        head = {**expected_totals(lines, w.show_money), "total_count": len(lines), "per_page": PER_PAGE}
        for n, page in enumerate(pages):
            assert page == {**head, "data": expected_rows[n * PER_PAGE:(n + 1) * PER_PAGE]}
        assert pages[-1]["data"] == []  # a page past the end: no rows, totals still filled in
        check_details_sums(pages[0], rows, w.show_money)

    @PROPERTY
    @given(world=worlds(), data=st.data())
    def test_weekly_both_groupings_and_modes(self, client: TestClient, db: Session, world: World,
                                             data: st.DataObject) -> None:
        """§6: projects and users, time and earnings; lines sum their days, rows their details."""
        ids = arrange(db, world)
        w = world.after_changes()
        f = data.draw(filters(w), label="filters")
        since = data.draw(weeks(), label="since")
        lines = matching(w, facts(w, ids), f, since, since + timedelta(days=6))
        for grouping in ("projects", "users"):
            for calculate in ("time", "earnings"):
                body = get_json(client, "weekly", ids, **filter_params(f, ids), since=since.isoformat(),
                                grouping=grouping, calculate=calculate)
                earnings = calculate == "earnings"
                assert body == expected_weekly(w, ids, lines, since, grouping, earnings), (grouping, calculate)
                check_weekly_sums(body, earnings, w.show_money)

    @PROPERTY
    @given(world=worlds(), data=st.data())
    def test_summary_every_pair_and_rate_mode(self, client: TestClient, db: Session, world: World,
                                              data: st.DataObject) -> None:
        """§8: the 11 allowed grouping pairs, each with distinct_rates off and on; totals sum the items."""
        ids = arrange(db, world)
        w = world.after_changes()
        f = data.draw(filters(w), label="filters")
        since, until = data.draw(date_ranges(), label="range")
        with_ids, with_entry_ids = data.draw(st.booleans(), label="ids"), data.draw(st.booleans(), label="entry ids")
        lines = matching(w, facts(w, ids), f, since, until)
        params = {**filter_params(f, ids), "since": since.isoformat(), "until": until.isoformat(),
                  "subgrouping_ids": str(with_ids).lower(), "grouped_time_entry_ids": str(with_entry_ids).lower()}
        for grouping, subgrouping in SUMMARY_PAIRS:
            for distinct in (False, True):
                body = get_json(client, "summary", ids, **params, grouping=grouping, subgrouping=subgrouping,
                                distinct_rates="on" if distinct else "off")
                expected = expected_summary(w, ids, lines, grouping, subgrouping, distinct, with_ids, with_entry_ids)
                assert body == expected, (grouping, subgrouping, distinct)
                check_summary_sums(body, w.show_money)

    @PROPERTY
    @given(world=worlds(), data=st.data())
    def test_project_dashboard(self, client: TestClient, db: Session, world: World, data: st.DataObject) -> None:
        """§9: every project the requester may see, any date, stored durations; figures sum the users."""
        ids = arrange(db, world)
        w = world.after_changes()
        order = data.draw(st.sampled_from(DASHBOARD_ORDERS), label="order")
        desc = data.draw(st.booleans(), label="desc")
        everything = facts(w, ids)
        for p in range(len(w.projects)):
            if not project_visible(w, p):
                continue
            body = get_json(client, "project", ids, project_id=ids.projects[p], order_field=order,
                            order_desc="on" if desc else "off")
            assert body == expected_dashboard(w, ids, everything, p, order, desc), p
            check_dashboard_sums(body, w.show_money)
