"""Projects, tasks, project users and workspace users under concurrent writers (two workers).

A change applies to the rows as they are when it runs, not as they were when the request began: two
updates of one row never blend into a state neither asked for, a uniqueness check sees a name that a
concurrent request just took, and the last admin of a workspace stays one.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, func, insert, select, text, update
from sqlalchemy.orm import Session

from punchclock.models import Client, Project, ProjectMember, Tag, Task, Workspace, WorkspaceMember
from tests.api.v8.concurrency import at_once, direct, two_workers
from tests.factories import add_member, add_project_user, make_task, make_team, make_user, token_auth
from tests.live_server import LiveServer, fresh

ROUNDS = 10
LAST_ADMIN = ["Workspace needs at least one admin"]
NAME_TAKEN = ["Name has already been taken"]


# -- two updates of the same rows never blend ----------------------------------------------------------

@dataclass
class Case:
    """Rows of one kind, the PUT that changes them, two bodies and how to read and reset the result."""

    path: str
    wrapper: str
    bodies: tuple[dict[str, Any], dict[str, Any]]
    #: The columns the bodies set, as stored (one tuple per row id).
    read: Callable[[Engine, list[int]], set[tuple[Any, ...]]]
    reset: Callable[[Engine, list[int]], None]
    stored: tuple[tuple[Any, ...], tuple[Any, ...]]


def _rows(model: Any, *columns: Any) -> Callable[[Engine, list[int]], set[tuple[Any, ...]]]:
    def read(engine: Engine, ids: list[int]) -> set[tuple[Any, ...]]:
        with engine.connect() as conn:
            return {tuple(r) for r in conn.execute(select(*columns).where(model.id.in_(ids)))}
    return read


def _reset(model: Any, **values: Any) -> Callable[[Engine, list[int]], None]:
    def reset(engine: Engine, ids: list[int]) -> None:
        with engine.begin() as conn:
            conn.execute(update(model).where(model.id.in_(ids)).values(**values))
    return reset


def _tasks(db: Session) -> tuple[Any, list[int]]:
    team = make_team(db)
    return team.admin, [make_task(db, project=team.project, name=f"T{i}").id for i in range(2)]


def _projects(db: Session) -> tuple[Any, list[int]]:
    team = make_team(db)
    return team.admin, [team.project.id]


def _project_users(db: Session) -> tuple[Any, list[int]]:
    team = make_team(db)
    return team.admin, [team.manager_link.id, add_project_user(db, team.project, team.member).id]


CASES = {
    "tasks": (_tasks, Case(
        "/api/v8/tasks/{ids}", "task",
        ({"active": True, "estimated_seconds": 100}, {"active": False, "estimated_seconds": 200}),
        _rows(Task, Task.active, Task.estimated_seconds), _reset(Task, active=True, estimated_seconds=0),
        ((True, 100), (False, 200)))),
    "projects": (_projects, Case(
        "/api/v8/projects/{ids}", "project",
        ({"active": True, "color": 5}, {"active": False, "color": 9}),
        _rows(Project, Project.active, Project.color), _reset(Project, active=True, color=0),
        ((True, 5), (False, 9)))),
    "project_users": (_project_users, Case(
        "/api/v8/project_users/{ids}", "project_user",
        ({"manager": False, "rate": 10}, {"manager": True, "rate": 20}),
        _rows(ProjectMember, ProjectMember.manager, ProjectMember.rate),
        _reset(ProjectMember, manager=False, rate=None),
        ((False, 10), (True, 20)))),
}


class TestNoBlendedUpdates:
    def test_two_parallel_updates_leave_one_of_the_two_states(
        self, db_url: str, db: Session, tmp_path: Path
    ) -> None:
        """Each request sets both columns: the result is one request's pair, never a mix of both.

        A request that read the row before the other committed, and sets a column back to the value it
        read, would otherwise not write that column at all (an ORM flush writes changed columns only).
        Tasks and project users are changed as lists (mass update), the project alone.
        """
        arranged = {kind: (arrange(db), case) for kind, (arrange, case) in CASES.items()}
        outcomes: Counter[tuple[str, str]] = Counter()
        with two_workers(db_url, tmp_path) as server, direct(db_url) as engine:
            for kind, ((admin, ids), case) in arranged.items():
                path = case.path.format(ids=",".join(map(str, ids)))
                for _round in range(ROUNDS):
                    case.reset(engine, ids)
                    answers = at_once(2, lambda i, c=case, p=path, a=admin: fresh(
                        "PUT", server.url(p), headers=token_auth(a), json={c.wrapper: c.bodies[i]}))
                    assert [r.status_code for r in answers] == [200, 200], [r.text for r in answers]
                    final = case.read(engine, ids)
                    whole = final in ({case.stored[0]}, {case.stored[1]})
                    outcomes[(kind, "whole" if whole else "blended")] += 1
        assert outcomes == {(kind, "whole"): ROUNDS for kind in CASES}


# -- uniqueness checks see concurrent writers -----------------------------------------------------------

RENAMES = 6


class TestParallelTaskRenames:
    def test_renaming_tasks_of_one_project_to_one_name_lets_one_win_and_names_the_rule(
        self, db_url: str, db: Session, tmp_path: Path
    ) -> None:
        team = make_team(db)
        ids = [make_task(db, project=team.project, name=f"T{i}").id for i in range(RENAMES)]
        headers = token_auth(team.admin)
        with two_workers(db_url, tmp_path) as server:
            answers = at_once(RENAMES, lambda i: fresh("PUT", server.url(f"/api/v8/tasks/{ids[i]}"),
                                                       headers=headers, json={"task": {"name": "Same"}}))
        with direct(db_url) as engine, engine.connect() as conn:
            named = conn.scalar(select(func.count()).where(Task.project_id == team.project.id, Task.name == "Same"))
        refusals = Counter((r.status_code, tuple(r.json())) for r in answers if r.status_code != 200)
        assert (sum(r.status_code == 200 for r in answers), refusals, named) == (
            1, {(404, tuple(NAME_TAKEN)): RENAMES - 1}, 1)


# -- the last admin (20-workspaces §6.2) ----------------------------------------------------------------

def _demote(server: LiveServer, user: Any, member_id: int) -> httpx.Response:
    return fresh("PUT", server.url(f"/api/v8/workspace_users/{member_id}"), headers=token_auth(user),
                 json={"workspace_user": {"admin": False}})


class TestParallelDemotions:
    def test_two_admins_demoting_themselves_at_once_leave_one_admin(
        self, db_url: str, db: Session, tmp_path: Path
    ) -> None:
        first, second = make_user(db), make_user(db)
        wid = first.default_workspace_id
        assert wid is not None
        own = db.scalar(select(WorkspaceMember.id).where(WorkspaceMember.user_id == first.id,
                                                         WorkspaceMember.workspace_id == wid))
        assert own is not None
        members = [own, add_member(db, wid, second, admin=True).id]
        users = [first, second]
        outcomes: Counter[tuple[tuple[int, ...], int]] = Counter()
        with two_workers(db_url, tmp_path) as server, direct(db_url) as engine:
            for _round in range(ROUNDS):
                with engine.begin() as conn:
                    conn.execute(update(WorkspaceMember).where(WorkspaceMember.id.in_(members)).values(admin=True))
                answers = at_once(2, lambda i: _demote(server, users[i], members[i]))
                with engine.connect() as conn:
                    admins = conn.scalar(select(func.count()).where(
                        WorkspaceMember.workspace_id == wid, WorkspaceMember.admin.is_(True)))
                refused = [r.json() for r in answers if r.status_code != 200]
                assert refused in ([], [LAST_ADMIN]), refused
                outcomes[(tuple(sorted(r.status_code for r in answers)), admins or 0)] += 1
        assert outcomes == {((200, 404), 1): ROUNDS}


# -- creating one name at once ----------------------------------------------------------------------------

CREATES = 6


class TestParallelCreationsOfOneName:
    @pytest.mark.parametrize("resource", ["tag", "client", "project"])
    def test_one_wins_and_the_others_are_told_the_name_is_taken(
        self, db_url: str, db: Session, tmp_path: Path, resource: str
    ) -> None:
        team = make_team(db)
        headers, wid = token_auth(team.admin), team.ws.id
        body = {resource: {"name": "Same name", "wid": wid}}
        with two_workers(db_url, tmp_path) as server:
            answers = at_once(CREATES, lambda _i: fresh("POST", server.url(f"/api/v8/{resource}s"),
                                                          headers=headers, json=body))
            listed = fresh("GET", server.url(f"/api/v8/workspaces/{wid}/{resource}s"), headers=headers).json()
        refusals = Counter((r.status_code, tuple(r.json())) for r in answers if r.status_code != 200)
        named = [x for x in listed if x["name"] == "Same name"]
        assert (sum(r.status_code == 200 for r in answers), refusals, len(named)) == (
            1, {(404, tuple(NAME_TAKEN)): CREATES - 1}, 1)


#: Sessions of this database waiting for a lock (a row lock or a unique-index entry).
_LOCK_WAITERS = text(
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize(("resource", "model"), [("tag", Tag), ("client", Client), ("project", Project)])
def test_a_name_being_created_elsewhere_is_answered_as_taken_not_as_a_conflict(
    db_url: str, db: Session, tmp_path: Path, resource: str, model: Any
) -> None:
    """Deterministic twin of the race above: another transaction creates the name, as a request would
    (workspace row locked, row inserted) and holds it; our request must wait and then name the rule."""
    team = make_team(db)
    wid = team.ws.id
    now = datetime.now(UTC)
    with direct(db_url) as engine, two_workers(db_url, tmp_path) as server, engine.connect() as other:
        other.execute(select(Workspace.id).where(Workspace.id == wid).with_for_update(key_share=True))
        other.execute(insert(model).values(workspace_id=wid, name="Same name", created_at=now, updated_at=now))
        with ThreadPoolExecutor(1) as pool:
            pending = pool.submit(fresh, "POST", server.url(f"/api/v8/{resource}s"), headers=token_auth(team.admin),
                                  json={resource: {"name": "same NAME", "wid": wid}})
            deadline = time.monotonic() + 20
            with engine.connect() as probe:
                while not probe.scalar(_LOCK_WAITERS) and time.monotonic() < deadline:
                    time.sleep(0.02)
                waited = bool(probe.scalar(_LOCK_WAITERS))
            other.commit()
            answer = pending.result(timeout=30)
    assert waited
    assert (answer.status_code, answer.json()) == (404, NAME_TAKEN)
