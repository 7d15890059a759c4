"""The project dashboard (50-reports §9): one project's figures over its whole life.

Counted entries are those of §3.0 on the project, any date, durations as stored (O-83): no common
filter and no rounding apply. SQL does every sum — one query grouped by user, one grouped by task
(reused as a subquery for the task page); Python only walks the grouped rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, Subquery, and_, case, func, literal, select
from sqlalchemy.orm import Session

from punchclock.domain import access
from punchclock.domain.errors import NotFound, PaymentRequired
from punchclock.models import Client, Project, Task, User
from punchclock.reports import query
from punchclock.reports.money import ZERO, cents
from punchclock.reports.query import ReportContext

TASKS_PER_PAGE = 10
ORDER_FIELDS = ("name", "assignee", "duration", "billable_amount", "estimated_seconds")
#: A task is a top task when its time exceeds this share (in percent) of the time tracked on tasks (O-69).
TOP_TASK_PERCENT = 10
SECONDS_PER_HOUR = 3600


@dataclass(frozen=True, slots=True)
class UserLine:
    user_id: int
    name: str
    seconds: int
    billable_seconds: int
    #: Billable amount; 0 when the user has nothing billable (O-82).
    amount: Decimal
    #: Whether any of the user's counted entries is billable.
    has_billable: bool


@dataclass(frozen=True, slots=True)
class TaskLine:
    #: None for the closing "sum of the other tasks" item of ``top_tasks`` (O-69).
    task_id: int | None
    name: str | None
    assignee: str | None
    estimated_seconds: int | None
    seconds: int
    #: None when none of the counted entries is billable.
    amount: Decimal | None


@dataclass(frozen=True, slots=True)
class ProjectDashboard:
    name: str
    #: Currency of the project's amounts (§4.2).
    currency: str
    seconds: int
    seconds_without_task: int
    billable_seconds: int
    #: None when nothing is billable.
    amount: Decimal | None
    tasks_count: int
    #: The project's manual estimate in seconds, None when not set.
    estimated_seconds: int | None
    #: Sum of the tasks' estimates, None when the project has no tasks.
    task_estimated_seconds: int | None
    #: The project's ``auto_estimates``: the task sum is the estimate.
    use_task_estimates: bool
    tasks_per_page: int
    users: list[UserLine]
    top_tasks: list[TaskLine]
    tasks_page: list[TaskLine]


def _load_project(db: Session, ctx: ReportContext, project_id: int) -> tuple[Project, str | None]:
    """The live project if the caller may see it in this workspace (404 otherwise), with its client's currency."""
    row = db.execute(
        access.readable_projects(ctx.actor)
        .add_columns(Client.currency)
        .outerjoin(Client, Client.id == Project.client_id)
        .where(Project.id == project_id, Project.workspace_id == ctx.workspace_id)
    ).first()
    if row is None:
        raise NotFound("project_not_found", project_id=project_id)
    return row[0], row[1]


def _entries(ctx: ReportContext, project_id: int) -> Subquery:
    """The project's counted entries (``query.project_entries``) with their billable parts."""
    base = query.project_entries(ctx, project_id).subquery("entries")
    billable = base.c.billable.is_(True)
    return select(
        base.c.user_id,
        base.c.task_id,
        base.c.seconds,
        case((billable, base.c.seconds), else_=literal(0)).label("billable_seconds"),
        base.c.amount_cents,
        case((billable, literal(1)), else_=literal(0)).label("billable"),
    ).subquery("counted")


def _users(db: Session, base: Subquery) -> list[UserLine]:
    seconds = func.sum(base.c.seconds)
    rows = db.execute(
        select(base.c.user_id, User.fullname, seconds, func.sum(base.c.billable_seconds),
               func.sum(base.c.amount_cents), func.max(base.c.billable))
        .join(User, User.id == base.c.user_id)
        .group_by(base.c.user_id, User.fullname)
        .order_by(seconds.desc(), base.c.user_id.asc())
    ).all()
    return [UserLine(r[0], r[1], int(r[2]), int(r[3]), cents(int(r[4])), bool(r[5])) for r in rows]


def _per_task(base: Subquery) -> Subquery:
    """One row per task id (and one for "no task"): seconds, amount in cents, whether any is billable."""
    return select(
        base.c.task_id,
        func.sum(base.c.seconds).label("seconds"),
        func.sum(base.c.amount_cents).label("amount_cents"),
        func.max(base.c.billable).label("billable"),
    ).group_by(base.c.task_id).subquery("per_task")


def _live_task_of(project_id: int) -> ColumnElement[bool]:
    return and_(Task.project_id == project_id, Task.deleted_at.is_(None))


def _amount(amount_cents: Any, billable: Any) -> Decimal | None:
    return cents(int(amount_cents)) if billable else None


def _tracked(db: Session, per_task: Subquery, project_id: int) -> tuple[int, list[TaskLine]]:
    """Seconds without task, and the project's tasks with counted entries by seconds desc, id asc."""
    assignee = User.__table__.alias("assignee")
    rows = db.execute(
        select(per_task.c.task_id, per_task.c.seconds, per_task.c.amount_cents, per_task.c.billable,
               Task.id, Task.name, Task.estimated_seconds, assignee.c.fullname)
        .select_from(per_task)
        .outerjoin(Task, and_(Task.id == per_task.c.task_id, _live_task_of(project_id)))
        .outerjoin(assignee, assignee.c.id == Task.user_id)
        .order_by(per_task.c.seconds.desc(), per_task.c.task_id.asc())
    ).all()
    without_task = 0
    tasks: list[TaskLine] = []
    for r in rows:
        if r[0] is None:
            without_task = int(r[1])
        elif r[4] is not None:
            tasks.append(TaskLine(r[4], r[5], r[7], r[6], int(r[1]), _amount(r[2], r[3])))
    return without_task, tasks


def _top_tasks(tracked: list[TaskLine]) -> list[TaskLine]:
    """Tasks above 10 % of the time on tasks, then one item summing the other tasks with time (O-69)."""
    on_tasks = sum(t.seconds for t in tracked)
    top = [t for t in tracked if t.seconds * 100 > on_tasks * TOP_TASK_PERCENT]
    rest = [t for t in tracked[len(top):] if t.seconds > 0]  # ``tracked`` runs by seconds desc
    if rest:
        amounts = [t.amount for t in rest if t.amount is not None]
        top.append(TaskLine(None, None, None, None, sum(t.seconds for t in rest),
                            sum(amounts, ZERO) if amounts else None))
    return top


def _tasks_page(db: Session, per_task: Subquery, project_id: int, *, order: str, descending: bool,
                page: int, show_money: bool) -> list[TaskLine]:
    """One page of every live task; null assignees and amounts sort last in both directions, ties by id."""
    assignee = User.__table__.alias("assignee")
    seconds = func.coalesce(per_task.c.seconds, 0)
    keys: dict[str, SQLColumnExpression[Any] | None] = {
        "name": func.lower(Task.name),
        "assignee": func.lower(assignee.c.fullname),
        "duration": seconds,
        # Hidden money sorts as absent everywhere (§4.4): the order falls back to task ids.
        "billable_amount": case((per_task.c.billable == 1, per_task.c.amount_cents)) if show_money else None,
        "estimated_seconds": Task.estimated_seconds,
    }
    key = keys[order]
    ordering: list[ColumnElement[Any]] = []
    if key is not None:
        ordering += [case((key.is_(None), 1), else_=0), key.desc() if descending else key.asc()]
    rows = db.execute(
        select(Task.id, Task.name, assignee.c.fullname, Task.estimated_seconds, seconds,
               per_task.c.amount_cents, per_task.c.billable)
        .select_from(Task)
        .outerjoin(per_task, per_task.c.task_id == Task.id)
        .outerjoin(assignee, assignee.c.id == Task.user_id)
        .where(_live_task_of(project_id))
        .order_by(*ordering, Task.id.asc())
        .limit(TASKS_PER_PAGE).offset((page - 1) * TASKS_PER_PAGE)
    ).all()
    return [TaskLine(r[0], r[1], r[2], r[3], int(r[4]), _amount(r[5], r[6])) for r in rows]


def dashboard(db: Session, ctx: ReportContext, project_id: int, *, order: str = "name",
              descending: bool = False, page: int = 1) -> ProjectDashboard:
    """Paid workspaces only (402, before the project is looked up); 404 for a project the caller can't see."""
    if not ctx.workspace.premium:
        raise PaymentRequired("reports_premium")
    project, client_currency = _load_project(db, ctx, project_id)
    base = _entries(ctx, project.id)
    users = _users(db, base)
    per_task = _per_task(base)
    without_task, tracked = _tracked(db, per_task, project.id)
    tasks_count, task_estimates = db.execute(
        select(func.count(Task.id), func.sum(Task.estimated_seconds)).where(_live_task_of(project.id))
    ).one()
    page_rows: list[TaskLine] = []
    # An offset past the last task is never sent to the database (a huge page number could overflow it).
    if (page - 1) * TASKS_PER_PAGE < tasks_count:
        page_rows = _tasks_page(db, per_task, project.id, order=order, descending=descending, page=page,
                                show_money=ctx.show_money)
    # Every user line sums a disjoint part of the counted entries, so the project totals are their sums.
    any_billable = any(u.has_billable for u in users)
    return ProjectDashboard(
        name=project.name,
        currency=project.currency or client_currency or ctx.workspace.default_currency,
        seconds=sum(u.seconds for u in users),
        seconds_without_task=without_task,
        billable_seconds=sum(u.billable_seconds for u in users),
        amount=sum((u.amount for u in users), ZERO) if any_billable else None,
        tasks_count=int(tasks_count),
        estimated_seconds=None if project.estimated_hours is None else project.estimated_hours * SECONDS_PER_HOUR,
        task_estimated_seconds=None if not tasks_count else int(task_estimates),
        use_task_estimates=project.auto_estimates,
        tasks_per_page=TASKS_PER_PAGE,
        users=users,
        top_tasks=_top_tasks(tracked),
        tasks_page=page_rows,
    )
