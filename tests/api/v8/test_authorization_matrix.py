"""Authorization matrix of API v8 (issue 3 "Teams"): every endpoint as outsider, member, manager, admin.

One team workspace (premium, rates hidden from non-admins) holds distinctive "SECRET-…-7f3a" objects;
the outsider owns a workspace of their own with "OUTSIDER-…-9c1e" objects. A fifth role, a pending
invitee of the team, must fare exactly like the outsider. Each cell of the matrix is a test of its own
(``test_matrix[<backend>-<METHOD> <path>-<role>]``) and checks:

* the status and, for refusals, the exact message the contract gives (00-conventions §6-§7, O-13,
  O-26, O-27, 20-workspaces, 30-clients-projects-tags-tasks, 40-time-entries);
* that the body holds nothing the role may not see (the outsider: not a byte of the team; a member:
  no private project they are not in; non-admins: no rates, invite links, workspace token; nobody:
  another user's API token), and, for a successful read, what the role must see;
* that a refused request changed nothing in the database (every table compared), and that an
  accepted write changed something.

``test_matrix_covers_every_v8_route`` fails when the app has a v8 route the matrix does not walk.
``test_mass_all_or_nothing`` sends every id-list action (and the mass create of project users) a
list with a foreign, an unknown or a forbidden id, checks the error names the first bad id and that
nothing changed (00-conventions §11, O-18), then that the same list without the bad ids goes through.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from punchclock.app import create_app
from punchclock.config import Settings
from punchclock.db.base import Base
from punchclock.models import ProjectMember, Workspace, WorkspaceMember
from tests.factories import (
    add_invitation,
    add_project_user,
    make_client,
    make_entry,
    make_group,
    make_placeholder,
    make_project,
    make_tag,
    make_task,
    make_team,
    token_auth,
)

#: ``pending`` was invited to the team workspace and has not accepted: it must fare like the outsider
#: everywhere (00-conventions §6: only active members see a workspace), so it takes the outsider column.
ROLES = ("outsider", "pending", "member", "manager", "admin")
COLUMN = {"outsider": 0, "pending": 0, "member": 1, "manager": 2, "admin": 3}
PREFIX = "/api/v8"

# Distinctive names: finding one of them in a body means the object leaked.
WS = "SECRET-WS-7f3a"
CLIENT = "SECRET-CLIENT-7f3a"
PUBLIC = "SECRET-PUBLIC-7f3a"
PRIVATE = "SECRET-PRIVATE-7f3a"
OTHER = "SECRET-OTHER-7f3a"
TAG = "SECRET-TAG-7f3a"
TASK = "SECRET-TASK-7f3a"
PTASK = "SECRET-PTASK-7f3a"
QTASK = "SECRET-QTASK-7f3a"
GROUP = "SECRET-GROUP-7f3a"
ENTRY = "SECRET-ENTRY-7f3a"
PRIVENTRY = "SECRET-PRIVENTRY-7f3a"
ADMINENTRY = "SECRET-ADMINENTRY-7f3a"
INVITEE = "secret-invitee-7f3a@example.org"
#: Every rate of the team (workspace default, client, project, project user): admins only (00- §6).
RATE = "987.65"
#: Part of every ``invite_url``: shown to admins only (20-workspaces §6).
INVITE_LINK = "/user/accept_invitation?code="
FOREIGN = ("OUTSIDER-CLIENT-9c1e", "OUTSIDER-PROJECT-9c1e", "OUTSIDER-TAG-9c1e", "OUTSIDER-TASK-9c1e",
           "OUTSIDER-ENTRY-9c1e")
TEAM_NAMES = ("Mara Quint", "Jonas Weber", "Lena Berg")

#: An id that names nothing (positive, in range).
UNKNOWN = 987_654_321

# Refusals, worded as in src/punchclock/http/v8/errors.py.
NO_WS = (404, "Workspace not found")
ADMIN = (403, "Only workspace admins can do this")
MGR = (403, "Only workspace admins and project managers can do this")
NO_CLIENT = (404, "Client not found")
NO_PROJECT = (404, "Project not found")
NO_TASK = (404, "Task not found")
NO_TAG = (404, "Tag not found")
NO_GROUP = (404, "Group not found")
NO_WU = (404, "Workspace user not found")
NO_PU = (404, "Project user not found")
NO_ENTRY = (404, "Time entry not found")
NOT_IN_WS = (404, "User is not a member of this workspace")


def not_managed(what: str) -> tuple[int, str]:
    """403 of a mass action, naming the object. The error names the first bad id of the list, in list
    order (O-18): for a member, a visible but unmanaged object listed first wins over an invisible one."""
    return (403, f"Only workspace admins and project managers can change {what}")


Expect = int | tuple[int, str]
Body = Callable[["World"], Any] | None


# -- the world ----------------------------------------------------------------------------------------

@dataclass
class World:
    #: Basic auth headers per role (plain strings: no lazy load of an expired user mid-test).
    auth: dict[str, dict[str, str]]
    ids: dict[str, int]
    #: Strings no response to that role may contain.
    forbidden: dict[str, set[str]]
    #: Per role: (key, id) pairs no object in a response to that role may carry, e.g. ("pid", private).
    forbidden_refs: dict[str, set[tuple[str, int]]] = field(default_factory=dict)

    def fmt(self, text: str) -> str:
        return text.format_map(self.ids)


def _start(hours_ago: int) -> datetime:
    return (datetime.now(UTC) - timedelta(hours=hours_ago)).replace(microsecond=0)


@contextmanager
def _one_commit(db: Session) -> Iterator[None]:
    """The factories commit after every object; inside this block those commits are flushes and the
    arrangement is committed once (on PostgreSQL each commit costs a WAL flush, ~30 of them here)."""
    db.commit = db.flush  # type: ignore[method-assign]
    try:
        yield
    finally:
        del db.commit
    db.commit()


def _arrange(db: Session) -> World:
    with _one_commit(db):
        return _arrange_objects(db)


def _arrange_objects(db: Session) -> World:
    t = make_team(db, name=WS, premium=True, only_admins_see_billable_rates=True,
                  default_hourly_rate=Decimal(RATE))
    ws = t.ws.id
    client = make_client(db, workspace_id=ws, name=CLIENT, hourly_rate=Decimal(RATE))
    public = t.project
    public.name, public.client_id, public.rate = PUBLIC, client.id, Decimal(RATE)
    private = make_project(db, workspace_id=ws, name=PRIVATE, is_private=True, template=True, client_id=client.id,
                           manager=t.manager)
    other = make_project(db, workspace_id=ws, name=OTHER)
    pu_private = db.scalars(select(ProjectMember).where(ProjectMember.project_id == private.id)).one()
    pu_member = add_project_user(db, public, t.member, rate=Decimal(RATE))
    pu_other = add_project_user(db, other, t.member)
    tag = make_tag(db, workspace_id=ws, name=TAG)
    task = make_task(db, project=public, name=TASK)
    task_private = make_task(db, project=private, name=PTASK)
    task_other = make_task(db, project=other, name=QTASK)
    memberships = {m.user_id: m for m in db.scalars(select(WorkspaceMember).where(WorkspaceMember.workspace_id == ws))}
    group = make_group(db, workspace_id=ws, name=GROUP, members=[memberships[t.member.id]])
    invitee = make_placeholder(db, email=INVITEE, fullname="Pending Paula")
    add_invitation(db, ws, invitee)
    # The member's timer runs on the public project; the manager tracked on the private one.
    entry = make_entry(db, user=t.member, start=_start(1), seconds=None, workspace_id=ws, project_id=public.id,
                       description=ENTRY, tags=[tag])
    entry_private = make_entry(db, user=t.manager, start=_start(3), seconds=1800, workspace_id=ws,
                               project_id=private.id, description=PRIVENTRY)
    entry_admin = make_entry(db, user=t.admin, start=_start(5), seconds=900, workspace_id=ws, description=ADMINENTRY)

    # The outsider's own workspace: the "foreign" ids of the mass actions.
    own = t.outsider.default_workspace_id
    assert own is not None
    f_client = make_client(db, workspace_id=own, name=FOREIGN[0])
    f_project = make_project(db, workspace_id=own, name=FOREIGN[1], manager=t.outsider)
    f_pu = db.scalars(select(ProjectMember).where(ProjectMember.project_id == f_project.id)).one()
    f_tag = make_tag(db, workspace_id=own, name=FOREIGN[2])
    f_task = make_task(db, project=f_project, name=FOREIGN[3])
    f_entry = make_entry(db, user=t.outsider, start=_start(2), seconds=600, project_id=f_project.id,
                         description=FOREIGN[4])

    users = {"outsider": t.outsider, "pending": invitee, "member": t.member, "manager": t.manager, "admin": t.admin}
    ids = {
        "wid": ws, "own_wid": own, "client": client.id, "public": public.id, "private": private.id,
        "other": other.id, "tag": tag.id, "task": task.id, "task_private": task_private.id,
        "task_other": task_other.id, "group": group.id, "wu_member": memberships[t.member.id].id,
        "pu_member": pu_member.id, "pu_private": pu_private.id, "pu_other": pu_other.id,
        "pu_manager": t.manager_link.id, "entry": entry.id, "entry_private": entry_private.id,
        "entry_admin": entry_admin.id, "f_client": f_client.id, "f_project": f_project.id, "f_pu": f_pu.id,
        "f_tag": f_tag.id, "f_task": f_task.id, "f_entry": f_entry.id, "unknown": UNKNOWN,
        "admin_uid": t.admin.id, "manager_uid": t.manager.id, "member_uid": t.member.id,
        "outsider_uid": t.outsider.id,
        "invitee_uid": invitee.id,
    }
    team_ws = db.get_one(Workspace, ws)
    tokens = {role: u.api_token for role, u in users.items()}
    team_data = {WS, CLIENT, PUBLIC, PRIVATE, OTHER, TAG, TASK, PTASK, QTASK, GROUP, ENTRY, PRIVENTRY, ADMINENTRY,
                 INVITEE, RATE, INVITE_LINK, team_ws.api_token, *TEAM_NAMES,
                 t.admin.email, t.manager.email, t.member.email}
    not_admin = {RATE, INVITE_LINK, team_ws.api_token, *FOREIGN}
    others = {role: {tok for r, tok in tokens.items() if r != role} for role in tokens}
    forbidden = {
        "outsider": team_data | others["outsider"],
        "pending": (team_data - {INVITEE}) | set(FOREIGN) | others["pending"],
        "member": not_admin | {PRIVATE, PTASK, PRIVENTRY} | others["member"],
        "manager": not_admin | others["manager"],
        "admin": set(FOREIGN) | others["admin"],
    }
    private_refs = {("pid", private.id), ("project_id", private.id), ("tid", task_private.id)}
    auth = {role: token_auth(u) for role, u in users.items()}
    return World(auth, ids, forbidden, {"outsider": {("wid", ws)}, "pending": {("wid", ws)}, "member": private_refs})


# -- the matrix ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    method: str
    #: Route template exactly as the app registers it (below /api/v8).
    route: str
    #: Placeholder -> comma-separated names of ``World.ids``.
    args: Mapping[str, str]
    #: Expected result for outsider (and pending), member, manager, admin: a 2xx status, or
    #: (status, exact message).
    expect: tuple[Expect, Expect, Expect, Expect]
    body: Body = None
    query: str = ""
    note: str = ""
    #: The pending invitee's result where it differs from the outsider's (rows about the outsider's own data).
    pending: Expect | None = None
    #: Markers that must appear in a 2xx body, per role.
    shows: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Markers that must not appear, per role, on top of ``World.forbidden``.
    hides: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Adjusts the world before the request (a workspace setting).
    prepare: Callable[[Session, World], None] | None = None
    #: Whether a 2xx answer changes the database (default: every method but GET).
    writes: bool | None = None
    #: Extra assertion on a 2xx body: (world, role, json).
    check: Callable[[World, str, Any], None] | None = None

    @property
    def label(self) -> str:
        shown = self.route
        for key, names in self.args.items():
            shown = shown.replace("{" + key + "}", "{" + names + "}")
        return f"{self.method} {shown}{' (' + self.note + ')' if self.note else ''}"

    def url(self, w: World) -> str:
        path = self.route
        for key, names in self.args.items():
            path = path.replace("{" + key + "}", ",".join(str(w.ids[n]) for n in names.split(",")))
        return PREFIX + path + (f"?{self.query}" if self.query else "")


def _setting(**values: Any) -> Callable[[Session, World], None]:
    def prepare(db: Session, w: World) -> None:
        ws = db.get_one(Workspace, w.ids["wid"])
        for key, value in values.items():
            setattr(ws, key, value)
        db.commit()
    return prepare


def _entry_body(**extra: Any) -> Body:
    def body(w: World) -> Any:
        fields = {"start": _start(0).isoformat(), "duration": 600, "created_with": "matrix",
                  "description": "new entry"}
        fields.update({k: (w.ids[v] if isinstance(v, str) and v in w.ids else v) for k, v in extra.items()})
        return {"time_entry": fields}
    return body


def _project_user_ids(expected_admin: set[str], expected_member: set[str]) -> Callable[[World, str, Any], None]:
    """A list of project users: exactly these ids per role (O-26: visible projects only)."""
    def check(w: World, role: str, data: Any) -> None:
        names = expected_member if role == "member" else expected_admin
        assert sorted(pu["id"] for pu in data) == sorted(w.ids[n] for n in names)
    return check


def _invite_links(w: World, role: str, data: Any) -> None:
    """Workspace users: the pending invitee is listed to every member; the link only to admins."""
    pending = [wu for wu in data if wu["uid"] == w.ids["invitee_uid"]]
    assert len(pending) == 1 and pending[0]["active"] is False
    assert ("invite_url" in pending[0]) is (role == "admin")


ALL_OK: tuple[Expect, Expect, Expect, Expect] = (200, 200, 200, 200)
TEAM_PU = {"pu_manager", "pu_member", "pu_other", "pu_private"}

ROWS: list[Row] = [
    # users and sessions (10-users-and-auth): no workspace in the path; the outsider sees only their own
    Row("GET", "/me", {}, ALL_OK, query="with_related_data=true",
        shows={"member": (WS, CLIENT, PUBLIC, OTHER, TAG, TASK, ENTRY),
               "manager": (WS, CLIENT, PUBLIC, PRIVATE, TAG, TASK, PTASK, PRIVENTRY),
               "admin": (WS, CLIENT, PUBLIC, PRIVATE, TAG, TASK, PTASK, ADMINENTRY)},
        hides={"manager": (ENTRY, ADMINENTRY), "admin": (ENTRY, PRIVENTRY)}),  # own entries only (O-54)
    Row("GET", "/me", {}, ALL_OK, query="with_related_data=true&since=1", note="since",
        shows={"member": (WS, CLIENT, PUBLIC, TAG, TASK, ENTRY), "manager": (PRIVATE, PTASK, PRIVENTRY),
               "admin": (PRIVATE, PTASK, ADMINENTRY)},
        hides={"manager": (ENTRY, ADMINENTRY), "admin": (ENTRY, PRIVENTRY)}),
    Row("PUT", "/me", {}, ((404, "Invalid default workspace"), 200, 200, 200), note="default_wid",
        body=lambda w: {"user": {"default_wid": w.ids["wid"]}}),
    Row("POST", "/reset_token", {}, ALL_OK),
    Row("POST", "/signups", {}, ALL_OK,
        body=lambda w: {"user": {"email": f"signup-{w.ids['wid']}@example.org", "password": "secret-pass-2"}}),
    Row("POST", "/sessions", {}, ALL_OK, query="with_related_data=true",
        shows={"member": (WS,), "manager": (WS,), "admin": (WS,)}),
    Row("DELETE", "/sessions", {}, ALL_OK, writes=False),  # token auth: no session to end
    # workspaces (20-workspaces §2-§5): membership first (404), then the role (403)
    Row("GET", "/workspaces", {}, ALL_OK, shows={"member": (WS,), "manager": (WS,), "admin": (WS,)}),
    Row("GET", "/workspaces/{workspace_id}", {"workspace_id": "wid"}, (NO_WS, 200, 200, 200),
        shows={"member": (WS,), "manager": (WS,), "admin": (WS, RATE)}),
    Row("PUT", "/workspaces/{workspace_id}", {"workspace_id": "wid"}, (NO_WS, ADMIN, ADMIN, 200),
        body=lambda w: {"workspace": {"name": "Renamed workspace"}}),
    Row("GET", "/workspaces/{workspace_id}/users", {"workspace_id": "wid"}, (NO_WS, ADMIN, ADMIN, 200),
        shows={"admin": ("Lena Berg", INVITEE)}),
    Row("GET", "/workspaces/{workspace_id}/clients", {"workspace_id": "wid"}, (NO_WS, 200, 200, 200),
        shows={"member": (CLIENT,), "manager": (CLIENT,), "admin": (CLIENT, RATE)}),
    Row("GET", "/workspaces/{workspace_id}/groups", {"workspace_id": "wid"}, (NO_WS, ADMIN, ADMIN, 200),
        shows={"admin": (GROUP,)}),
    Row("GET", "/workspaces/{workspace_id}/projects", {"workspace_id": "wid"}, (NO_WS, 200, 200, 200),
        query="active=both",
        shows={"member": (PUBLIC, OTHER), "manager": (PUBLIC, OTHER, PRIVATE), "admin": (PUBLIC, OTHER, PRIVATE)}),
    Row("GET", "/workspaces/{workspace_id}/tasks", {"workspace_id": "wid"}, (NO_WS, 200, 200, 200),
        shows={"member": (TASK, QTASK), "manager": (TASK, QTASK, PTASK), "admin": (TASK, QTASK, PTASK)}),
    Row("GET", "/workspaces/{workspace_id}/tags", {"workspace_id": "wid"}, (NO_WS, 200, 200, 200),
        shows={"member": (TAG,), "manager": (TAG,), "admin": (TAG,)}),
    Row("GET", "/workspaces/{workspace_id}/project_users", {"workspace_id": "wid"}, (NO_WS, 200, 200, 200),
        check=_project_user_ids(TEAM_PU, TEAM_PU - {"pu_private"})),
    Row("GET", "/workspaces/{workspace_id}/workspace_users", {"workspace_id": "wid"}, (NO_WS, 200, 200, 200),
        shows={"member": (INVITEE, "Mara Quint"), "manager": (INVITEE,), "admin": (INVITEE, INVITE_LINK)},
        check=_invite_links),
    Row("POST", "/workspaces/{workspace_id}/invite", {"workspace_id": "wid"}, (NO_WS, ADMIN, ADMIN, 200),
        body=lambda w: {"emails": ["new-member-7f3a@example.org"]}),
    Row("DELETE", "/workspaces/{workspace_id}/leave", {"workspace_id": "wid"},
        (NO_WS, 200, 200, (404, "Workspace needs at least one admin"))),
    Row("PUT", "/workspace_users/{workspace_user_id}", {"workspace_user_id": "wu_member"},
        (NO_WU, ADMIN, ADMIN, 200), body=lambda w: {"workspace_user": {"admin": True}}),
    Row("DELETE", "/workspace_users/{workspace_user_id}", {"workspace_user_id": "wu_member"},
        (NO_WU, ADMIN, ADMIN, 200)),
    # groups (20-workspaces §8): admins only
    Row("POST", "/groups", {}, (NO_WS, ADMIN, ADMIN, 200),
        body=lambda w: {"group": {"name": "Another group", "wid": w.ids["wid"]}}),
    Row("PUT", "/groups/{group_id}", {"group_id": "group"}, (NO_GROUP, ADMIN, ADMIN, 200),
        body=lambda w: {"group": {"name": "Renamed group"}}),
    Row("DELETE", "/groups/{group_id}", {"group_id": "group"}, (NO_GROUP, ADMIN, ADMIN, 200)),
    # dashboard (20-workspaces §9, O-83): report visibility, so no private project of others
    Row("GET", "/dashboard/{workspace_id}", {"workspace_id": "wid"}, (NO_WS, 200, 200, 200),
        shows={"member": (ENTRY, ADMINENTRY), "manager": (ENTRY, PRIVENTRY, ADMINENTRY),
               "admin": (ENTRY, PRIVENTRY, ADMINENTRY)}),
    Row("GET", "/dashboard/{workspace_id}", {"workspace_id": "wid"}, (NO_WS, ADMIN, ADMIN, 200),
        note="only_admins_see_team_dashboard", prepare=_setting(only_admins_see_team_dashboard=True),
        shows={"admin": (ENTRY,)}),
    # clients (30- §1): members create and read, admins change
    Row("POST", "/clients", {}, (NO_WS, 200, 200, 200),
        body=lambda w: {"client": {"name": "New client", "wid": w.ids["wid"]}}),
    Row("GET", "/clients", {}, ALL_OK, shows={"member": (CLIENT,), "manager": (CLIENT,), "admin": (CLIENT, RATE)}),
    Row("GET", "/clients/{client_id}", {"client_id": "client"}, (NO_CLIENT, 200, 200, 200),
        shows={"member": (CLIENT,), "manager": (CLIENT,), "admin": (CLIENT, RATE)}),
    Row("PUT", "/clients/{client_id}", {"client_id": "client"}, (NO_CLIENT, ADMIN, ADMIN, 200),
        body=lambda w: {"client": {"name": "Renamed client"}}),
    Row("DELETE", "/clients/{client_id}", {"client_id": "client"}, (NO_CLIENT, ADMIN, ADMIN, 200)),
    Row("GET", "/clients/{client_id}/projects", {"client_id": "client"}, (NO_CLIENT, 200, 200, 200),
        shows={"member": (PUBLIC,), "manager": (PUBLIC, PRIVATE), "admin": (PUBLIC, PRIVATE, RATE)}),
    # projects (30- §2): private ones are unknown to non-members of them (O-13)
    Row("POST", "/projects", {}, (NO_WS, 200, 200, 200),
        body=lambda w: {"project": {"name": "New project", "wid": w.ids["wid"]}}),
    Row("POST", "/projects", {}, (NO_WS, (403, "Only workspace admins can create projects in this workspace"),
                                  (403, "Only workspace admins can create projects in this workspace"), 200),
        note="only_admins_may_create_projects", prepare=_setting(only_admins_may_create_projects=True),
        body=lambda w: {"project": {"name": "New project", "wid": w.ids["wid"]}}),
    Row("POST", "/projects", {}, (NO_WS, (404, "Template not found"), 200, 200), note="private template",
        body=lambda w: {"project": {"name": "From template", "wid": w.ids["wid"], "template_id": w.ids["private"]}}),
    Row("GET", "/projects/{project_id}", {"project_id": "public"}, (NO_PROJECT, 200, 200, 200),
        shows={"member": (PUBLIC,), "manager": (PUBLIC,), "admin": (PUBLIC, RATE)}),
    Row("GET", "/projects/{project_id}", {"project_id": "private"}, (NO_PROJECT, NO_PROJECT, 200, 200),
        shows={"manager": (PRIVATE,), "admin": (PRIVATE,)}),
    Row("PUT", "/projects/{project_id}", {"project_id": "public"}, (NO_PROJECT, MGR, 200, 200),
        body=lambda w: {"project": {"name": "Renamed project"}}),
    Row("PUT", "/projects/{project_id}", {"project_id": "private"}, (NO_PROJECT, NO_PROJECT, 200, 200),
        body=lambda w: {"project": {"name": "Renamed project"}}),
    Row("PUT", "/projects/{project_id}", {"project_id": "public"}, (NO_PROJECT, MGR, NO_CLIENT, NO_CLIENT),
        note="cid of the outsider", body=lambda w: {"project": {"cid": w.ids["f_client"]}}),
    Row("DELETE", "/projects/{project_ids}", {"project_ids": "public"}, (NO_PROJECT, MGR, 200, 200)),
    Row("DELETE", "/projects/{project_ids}", {"project_ids": "private"}, (NO_PROJECT, NO_PROJECT, 200, 200)),
    Row("DELETE", "/projects/{project_ids}", {"project_ids": "public,private"},
        ((404, "Project {public} not found"), not_managed("project {public}"), 200, 200)),
    Row("GET", "/projects/{project_id}/project_users", {"project_id": "public"}, (NO_PROJECT, 200, 200, 200),
        query="fields=fullname", shows={"member": ("Jonas Weber", "Lena Berg"), "admin": ("Lena Berg", RATE)},
        check=_project_user_ids({"pu_manager", "pu_member"}, {"pu_manager", "pu_member"})),
    Row("GET", "/projects/{project_id}/project_users", {"project_id": "private"},
        (NO_PROJECT, NO_PROJECT, 200, 200), check=_project_user_ids({"pu_private"}, set())),
    Row("GET", "/projects/{project_id}/tasks", {"project_id": "public"}, (NO_PROJECT, 200, 200, 200),
        shows={"member": (TASK,), "manager": (TASK,), "admin": (TASK,)}),
    Row("GET", "/projects/{project_id}/tasks", {"project_id": "private"}, (NO_PROJECT, NO_PROJECT, 200, 200),
        shows={"manager": (PTASK,), "admin": (PTASK,)}),
    # project users (30- §3): admins and managers of the project
    Row("POST", "/project_users", {}, (NO_PROJECT, MGR, 200, 200), note="public",
        body=lambda w: {"project_user": {"pid": w.ids["public"], "uid": w.ids["admin_uid"]}}),
    Row("POST", "/project_users", {}, (NO_PROJECT, NO_PROJECT, 200, 200), note="private",
        body=lambda w: {"project_user": {"pid": w.ids["private"], "uid": w.ids["member_uid"]}}),
    Row("POST", "/project_users", {}, (NO_PROJECT, MGR, 200, 200), note="mass create",
        body=lambda w: {"project_user": {"pid": w.ids["public"],
                                         "uid": f"{w.ids['admin_uid']},{w.ids['invitee_uid']}"}}),
    Row("PUT", "/project_users/{project_user_ids}", {"project_user_ids": "pu_member"}, (NO_PU, MGR, 200, 200),
        body=lambda w: {"project_user": {"manager": True}}),
    Row("PUT", "/project_users/{project_user_ids}", {"project_user_ids": "pu_private"},
        (NO_PU, NO_PU, 200, 200), body=lambda w: {"project_user": {"manager": False}}),
    Row("PUT", "/project_users/{project_user_ids}", {"project_user_ids": "pu_member,pu_private"},
        ((404, "Project user {pu_member} not found"), not_managed("project user {pu_member}"), 200, 200),
        body=lambda w: {"project_user": {"manager": True}}),
    Row("DELETE", "/project_users/{project_user_ids}", {"project_user_ids": "pu_member"}, (NO_PU, MGR, 200, 200)),
    Row("DELETE", "/project_users/{project_user_ids}", {"project_user_ids": "pu_private"},
        (NO_PU, NO_PU, 200, 200)),
    Row("DELETE", "/project_users/{project_user_ids}", {"project_user_ids": "pu_member,pu_private"},
        ((404, "Project user {pu_member} not found"), not_managed("project user {pu_member}"), 200, 200)),
    # tags (30- §4): members create, admins change
    Row("POST", "/tags", {}, (NO_WS, 200, 200, 200),
        body=lambda w: {"tag": {"name": "new tag", "wid": w.ids["wid"]}}),
    Row("PUT", "/tags/{tag_id}", {"tag_id": "tag"}, (NO_TAG, ADMIN, ADMIN, 200),
        body=lambda w: {"tag": {"name": "renamed tag"}}),
    Row("DELETE", "/tags/{tag_id}", {"tag_id": "tag"}, (NO_TAG, ADMIN, ADMIN, 200)),
    # tasks (30- §5, O-27): the workspace is premium, so the permission rule decides
    Row("POST", "/tasks", {}, (NO_PROJECT, MGR, 200, 200), note="public",
        body=lambda w: {"task": {"name": "New task", "pid": w.ids["public"]}}),
    Row("POST", "/tasks", {}, (NO_PROJECT, NO_PROJECT, 200, 200), note="private",
        body=lambda w: {"task": {"name": "New task", "pid": w.ids["private"]}}),
    Row("GET", "/tasks/{task_id}", {"task_id": "task"}, (NO_TASK, 200, 200, 200),
        shows={"member": (TASK,), "manager": (TASK,), "admin": (TASK,)}),
    Row("GET", "/tasks/{task_id}", {"task_id": "task_private"}, (NO_TASK, NO_TASK, 200, 200),
        shows={"manager": (PTASK,), "admin": (PTASK,)}),
    Row("PUT", "/tasks/{task_ids}", {"task_ids": "task"}, (NO_TASK, MGR, 200, 200),
        body=lambda w: {"task": {"active": False}}),
    Row("PUT", "/tasks/{task_ids}", {"task_ids": "task_private"}, (NO_TASK, NO_TASK, 200, 200),
        body=lambda w: {"task": {"active": False}}),
    Row("PUT", "/tasks/{task_ids}", {"task_ids": "task"},
        (NO_TASK, MGR, NOT_IN_WS, NOT_IN_WS),
        note="uid of the outsider", body=lambda w: {"task": {"uid": w.ids["outsider_uid"]}}),
    Row("PUT", "/tasks/{task_ids}", {"task_ids": "task,task_private"},
        ((404, "Task {task} not found"), not_managed("task {task}"), 200, 200),
        body=lambda w: {"task": {"active": False}}),
    Row("DELETE", "/tasks/{task_ids}", {"task_ids": "task"}, (NO_TASK, MGR, 200, 200)),
    Row("DELETE", "/tasks/{task_ids}", {"task_ids": "task_private"}, (NO_TASK, NO_TASK, 200, 200)),
    Row("DELETE", "/tasks/{task_ids}", {"task_ids": "task,task_private"},
        ((404, "Task {task} not found"), not_managed("task {task}"), 200, 200)),
    # time entries (40- §1): own entries; admins also the workspace's; visible projects only (O-13)
    Row("POST", "/time_entries", {}, (NO_WS, 200, 200, 200), body=_entry_body(wid="wid")),
    Row("POST", "/time_entries", {}, (NO_PROJECT, 200, 200, 200), note="public project",
        body=_entry_body(pid="public")),
    Row("POST", "/time_entries", {}, (NO_PROJECT, NO_PROJECT, 200, 200), note="private project",
        body=_entry_body(pid="private")),
    Row("POST", "/time_entries", {}, (NO_TASK, NO_TASK, 200, 200), note="private task",
        body=_entry_body(tid="task_private")),
    Row("POST", "/time_entries", {}, (NO_WS, 200, ADMIN, 200), note="uid of the member",
        body=_entry_body(wid="wid", uid="member_uid")),
    Row("POST", "/time_entries", {}, (NO_PROJECT, NO_PROJECT, ADMIN, (403, "You cannot add time to this project")),
        note="uid of the member on the private project", body=_entry_body(pid="private", uid="member_uid")),
    Row("POST", "/time_entries/start", {}, (NO_WS, 200, 200, 200),
        body=lambda w: {"time_entry": {"wid": w.ids["wid"], "created_with": "matrix"}}),
    Row("GET", "/time_entries/current", {}, ALL_OK, shows={"member": (ENTRY,)},
        hides={"manager": (ENTRY,), "admin": (ENTRY,)}),
    Row("POST", "/time_entries/current", {}, ALL_OK, writes=False, shows={"member": (ENTRY,)},
        hides={"manager": (ENTRY,), "admin": (ENTRY,)}),
    Row("GET", "/time_entries", {}, ALL_OK,  # the caller's own entries only, admins too (O-87)
        shows={"member": (ENTRY, TAG), "manager": (PRIVENTRY,), "admin": (ADMINENTRY,)},
        hides={"manager": (ENTRY, ADMINENTRY), "admin": (ENTRY, PRIVENTRY)}),
    Row("GET", "/time_entries/{time_entry_id}", {"time_entry_id": "entry"}, (NO_ENTRY, 200, NO_ENTRY, 200),
        shows={"member": (ENTRY, TAG), "admin": (ENTRY, TAG)}),
    Row("GET", "/time_entries/{time_entry_id}", {"time_entry_id": "entry_private"},
        (NO_ENTRY, NO_ENTRY, 200, 200), shows={"manager": (PRIVENTRY,), "admin": (PRIVENTRY,)}),
    Row("PUT", "/time_entries/{time_entry_ids}", {"time_entry_ids": "entry"}, (NO_ENTRY, 200, NO_ENTRY, 200),
        body=lambda w: {"time_entry": {"description": "changed"}}),
    Row("PUT", "/time_entries/{time_entry_ids}", {"time_entry_ids": "entry"},
        (NO_ENTRY, NO_PROJECT, NO_ENTRY, (403, "You cannot add time to this project")), note="pid private",
        body=lambda w: {"time_entry": {"pid": w.ids["private"]}}),
    Row("PUT", "/time_entries/{time_entry_ids}", {"time_entry_ids": "entry"}, (NO_ENTRY, NO_WS, NO_ENTRY, NO_WS),
        note="wid of the outsider", body=lambda w: {"time_entry": {"wid": w.ids["own_wid"]}}),
    Row("PUT", "/time_entries/{time_entry_ids}", {"time_entry_ids": "f_entry"},
        (NO_WS, NO_ENTRY, NO_ENTRY, NO_ENTRY), pending=NO_ENTRY, note="the outsider's entry into the team",
        body=lambda w: {"time_entry": {"wid": w.ids["wid"]}}),
    Row("PUT", "/time_entries/{time_entry_ids}", {"time_entry_ids": "entry,entry_private"},
        ((404, "Time entry {entry} not found"), (404, "Time entry {entry_private} not found"),
         (404, "Time entry {entry} not found"), 200),
        body=lambda w: {"time_entry": {"tags": ["bulk"], "tag_action": "add"}}),
    Row("PUT", "/time_entries/{time_entry_id}/stop", {"time_entry_id": "entry"}, (NO_ENTRY, 200, NO_ENTRY, 200)),
    Row("POST", "/time_entries/{time_entry_id}/stop", {"time_entry_id": "entry"},
        (NO_ENTRY, 200, NO_ENTRY, 200)),
    Row("DELETE", "/time_entries/{time_entry_id}", {"time_entry_id": "entry"}, (NO_ENTRY, 200, NO_ENTRY, 200)),
]


# -- running a cell -----------------------------------------------------------------------------------

def snapshot(db: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order, read in a transaction of its own (a transaction
    left open, e.g. by a lazy load, would keep showing SQLite's older snapshot)."""
    db.rollback()
    try:
        return {
            table.name: [tuple(r) for r in db.execute(select(table).order_by(*table.primary_key.columns))]
            for table in Base.metadata.sorted_tables
        }
    finally:
        db.rollback()


def changed_tables(before: Mapping[str, list[tuple[Any, ...]]], after: Mapping[str, list[tuple[Any, ...]]]
                   ) -> list[str]:
    return [name for name in before if before[name] != after[name]]


def _refs(data: Any) -> Iterator[tuple[str, Any]]:
    """Every (key, value) of every object in a JSON document."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield key, value
            yield from _refs(value)
    elif isinstance(data, list):
        for item in data:
            yield from _refs(item)


def assert_nothing_leaks(w: World, role: str, row: Row, text: str, data: Any) -> None:
    leaked = sorted(m for m in w.forbidden[role] | set(row.hides.get(role, ())) if m in text)
    assert not leaked, f"{role} sees {leaked}: {text[:500]}"
    refs = w.forbidden_refs.get(role, set())
    bad = sorted({(k, v) for k, v in _refs(data) if isinstance(v, int) and (k, v) in refs})
    assert not bad, f"{role} sees references {bad}: {text[:500]}"


@pytest.fixture
def world(db: Session) -> World:
    return _arrange(db)


CELLS = [pytest.param(row, role, id=f"{row.label}-{role}") for row in ROWS for role in ROLES]


@pytest.mark.parametrize(("row", "role"), CELLS)
def test_matrix(row: Row, role: str, client: TestClient, db: Session, world: World) -> None:
    if row.prepare is not None:
        row.prepare(db, world)
    before = snapshot(db)
    body = row.body(world) if row.body is not None else None
    r = client.request(row.method, row.url(world), headers=world.auth[role], json=body)
    after = snapshot(db)

    expected = row.pending if role == "pending" and row.pending is not None else row.expect[COLUMN[role]]
    data = r.json()
    if isinstance(expected, tuple):
        status, message = expected
        assert (r.status_code, data) == (status, [world.fmt(message)])
        assert changed_tables(before, after) == [], "a refused request changed the database"
    else:
        assert r.status_code == expected, r.text
        writes = row.method != "GET" if row.writes is None else row.writes
        assert bool(changed_tables(before, after)) is writes
        missing = [m for m in row.shows.get(role, ()) if m not in r.text]
        assert not missing, f"{role} should see {missing}: {r.text[:500]}"
        if row.check is not None:
            row.check(world, role, data)
    assert_nothing_leaks(world, role, row, r.text, data)


def _app_routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(method, path) of every route, descending into included routers (whatever FastAPI's wrapper)."""
    for route in routes:
        included = getattr(route, "include_context", None)
        if included is not None:
            yield from _app_routes(route.original_router.routes, prefix + included.prefix)
        elif hasattr(route, "path"):
            for method in getattr(route, "methods", None) or ():
                if method != "HEAD":
                    yield method, prefix + route.path


def test_matrix_covers_every_v8_route(tmp_path: Any) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path}/routes.db", rate_limit=False))
    try:
        served = {(m, p) for m, p in _app_routes(list(app.routes)) if p.startswith(PREFIX + "/")}
    finally:
        app.state.engine.dispose()
    walked = {(row.method, PREFIX + row.route) for row in ROWS}
    assert ("GET", PREFIX + "/me") in served  # the walk found the included routers
    assert sorted(served - walked) == [], "v8 routes missing from the authorization matrix"
    assert sorted(walked - served) == [], "matrix rows for routes the app does not serve"
    # Every row fills exactly the placeholders of its route.
    for row in ROWS:
        assert set(re.findall(r"{(\w+)}", row.route)) == set(row.args), row.label


# -- mass actions: all or nothing (00-conventions §11, O-18) --------------------------------------------

@dataclass(frozen=True)
class Mass:
    method: str
    route: str
    role: str
    #: Names of ``World.ids`` in the path (or, for the mass create, in ``uid``).
    ids: str
    expect: tuple[int, str]
    #: The same action without the offending ids, which must then succeed.
    good: str
    body: Callable[[World, str], Any] | None = None

    @property
    def label(self) -> str:
        return f"{self.method} {self.route.replace('{ids}', '{' + self.ids + '}')}-{self.role}"


def _ids(w: World, names: str) -> str:
    return ",".join(str(w.ids[n]) for n in names.split(","))


def _pu(manager: bool) -> Callable[[World, str], Any]:
    return lambda w, names: {"project_user": {"manager": manager}}


def _mass_create(w: World, names: str) -> Any:
    return {"project_user": {"pid": w.ids["public"], "uid": _ids(w, names)}}


NOT_MEMBER = "User {%s} is not a member of this workspace"
MASS: list[Mass] = []
for _method, _route, _body, _ok, _foreign, _forbidden_as, _forbidden_ok, _forbidden, _nf, _deny in [
    ("DELETE", "/projects/{ids}", None, "public,private", "f_project", "manager", "public", "other",
     "Project {%s} not found", "Only workspace admins and project managers can change project {%s}"),
    ("PUT", "/project_users/{ids}", _pu(True), "pu_member,pu_private", "f_pu", "manager", "pu_member", "pu_other",
     "Project user {%s} not found", "Only workspace admins and project managers can change project user {%s}"),
    ("DELETE", "/project_users/{ids}", None, "pu_member,pu_private", "f_pu", "manager", "pu_member", "pu_other",
     "Project user {%s} not found", "Only workspace admins and project managers can change project user {%s}"),
    ("PUT", "/tasks/{ids}", lambda w, n: {"task": {"active": False}}, "task,task_private", "f_task", "manager",
     "task", "task_other", "Task {%s} not found", "Only workspace admins and project managers can change task {%s}"),
    ("DELETE", "/tasks/{ids}", None, "task,task_private", "f_task", "manager", "task", "task_other",
     "Task {%s} not found", "Only workspace admins and project managers can change task {%s}"),
    # A non-admin cannot see another member's entry at all: 404, not 403 (40- §1).
    ("PUT", "/time_entries/{ids}", lambda w, n: {"time_entry": {"tags": ["bulk"], "tag_action": "add"}},
     "entry,entry_admin", "f_entry", "member", "entry", "entry_admin", "Time entry {%s} not found",
     "Time entry {%s} not found"),
]:
    _first, _second = _ok.split(",")
    MASS += [
        Mass(_method, _route, "admin", f"{_first},{_foreign},{_second},unknown", (404, _nf % _foreign), _ok, _body),
        Mass(_method, _route, "admin", f"{_first},{_second},unknown", (404, _nf % "unknown"), _ok, _body),
        Mass(_method, _route, _forbidden_as, f"{_forbidden_ok},{_forbidden}",
             (404 if _deny.endswith("not found") else 403, _deny % _forbidden), _forbidden_ok, _body),
        # The first bad id in list order is named (O-18), whatever its kind.
        Mass(_method, _route, _forbidden_as, f"{_forbidden},{_forbidden_ok},unknown",
             (404 if _deny.endswith("not found") else 403, _deny % _forbidden), _forbidden_ok, _body),
    ]
MASS += [
    # Mass create of project users (30- §3.3): every uid must be linked to the workspace.
    Mass("POST", "/project_users", "admin", "admin_uid,outsider_uid,invitee_uid,unknown",
         (404, NOT_MEMBER % "outsider_uid"), "admin_uid,invitee_uid", _mass_create),
    Mass("POST", "/project_users", "manager", "admin_uid,invitee_uid,unknown",
         (404, NOT_MEMBER % "unknown"), "admin_uid,invitee_uid", _mass_create),
    # A bulk update whose second entry fails validation leaves the first one alone.
    Mass("PUT", "/time_entries/{ids}", "admin", "entry_admin,entry", (403, "You cannot add time to this project"),
         "entry_admin", lambda w, n: {"time_entry": {"pid": w.ids["private"]}}),
]


@pytest.mark.parametrize("case", [pytest.param(m, id=m.label) for m in MASS])
def test_mass_all_or_nothing(case: Mass, client: TestClient, db: Session, world: World) -> None:
    def send(names: str) -> Any:
        url = PREFIX + case.route.replace("{ids}", _ids(world, names))
        body = case.body(world, names) if case.body is not None else None
        return client.request(case.method, url, headers=world.auth[case.role], json=body)

    before = snapshot(db)
    r = send(case.ids)
    assert (r.status_code, r.json()) == (case.expect[0], [world.fmt(case.expect[1])])
    assert changed_tables(before, snapshot(db)) == [], "part of a refused mass action was applied"

    r = send(case.good)  # the allowed ids alone do go through: the refusal was all-or-nothing
    assert r.status_code == 200, r.text
    assert changed_tables(before, snapshot(db)) != []
