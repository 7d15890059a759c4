"""Authorization matrix of API v9: every endpoint as outsider, pending invitee, member, manager and admin.

The world is the v8 matrix's (``tests/api/v8/test_authorization_matrix.py``): one premium team workspace
whose rates are hidden from non-admins, holding distinctive "SECRET-…-7f3a" objects, and the outsider's
own workspace with "OUTSIDER-…-9c1e" objects. Each cell checks, as in v8:

* the status and, for refusals, the exact JSON-string message (v9 10- §5-§6: an inaccessible workspace or
  organization is 403, V-6; an invisible entity 404; a role too low 403);
* that nothing the role may not see is in the body (v9 adds: members may list members, V-24, but see no
  e-mail address of anyone else);
* that a refused request changed nothing, and an accepted write changed something.

``test_matrix_covers_every_v9_route`` fails when the app serves a v9 route the matrix does not walk.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from punchclock.app import create_app
from punchclock.config import Settings
from punchclock.models import Client, Workspace
from tests.api.v8.test_authorization_matrix import (
    ADMINENTRY,
    CLIENT,
    COLUMN,
    ENTRY,
    GROUP,
    INVITEE,
    OTHER,
    PRIVATE,
    PRIVENTRY,
    PTASK,
    PUBLIC,
    RATE,
    ROLES,
    TAG,
    TASK,
    WS,
    World,
    _app_routes,
    _arrange,
    _start,
    assert_nothing_leaks,
    changed_tables,
    snapshot,
)

PREFIX = "/api/v9"

NO_WS = (403, "Workspace not found/accessible")
NO_ORG = (403, "Organization not found/accessible")
ADMIN = (403, "Only workspace admins can do this")
ORG_ADMIN = (403, "Only organization admins can do this")
MGR = (403, "Only workspace admins and project managers can do this")
NO_CLIENT = (404, "Client not found")
NO_PROJECT = (404, "Project not found")
NO_TASK = (404, "Task not found")
NO_ENTRY = (404, "Time entry not found")
NO_FILE = (400, "No file to import: send `workspace` (the workspace ZIP) and/or `time_entries` (CSV files)")

Expect = int | tuple[int, str]
Body = Callable[[World], Any] | None
ALL_OK: tuple[Expect, Expect, Expect, Expect] = (200, 200, 200, 200)
MEMBERS_OK: tuple[Expect, Expect, Expect, Expect] = (NO_WS, 200, 200, 200)
ADMINS_OK: tuple[Expect, Expect, Expect, Expect] = (NO_WS, ADMIN, ADMIN, 200)
MANAGERS_OK: tuple[Expect, Expect, Expect, Expect] = (NO_WS, MGR, 200, 200)
OWN_OK: tuple[Expect, Expect, Expect, Expect] = (NO_WS, 200, NO_ENTRY, 200)  # the member's entry
ORG_OK: tuple[Expect, Expect, Expect, Expect] = (NO_ORG, 200, 200, 200)
ORG_ADMINS_OK: tuple[Expect, Expect, Expect, Expect] = (NO_ORG, ORG_ADMIN, ORG_ADMIN, 200)
ORG_GROUP_ADMINS_OK: tuple[Expect, Expect, Expect, Expect] = (NO_ORG, ADMIN, ADMIN, 200)
#: Markers of another member's e-mail address: v9 shows e-mails to admins only (30- §4, V-24).
EMAIL_HIDDEN = {"member": ("@example.org",), "manager": ("@example.org",)}


@dataclass(frozen=True)
class Row:
    method: str
    #: Route template exactly as the app registers it (below /api/v9).
    route: str
    #: Placeholder -> comma-separated names of ``World.ids``.
    args: Mapping[str, str]
    expect: tuple[Expect, Expect, Expect, Expect]
    body: Body = None
    query: str = ""
    note: str = ""
    pending: Expect | None = None
    shows: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    hides: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    prepare: Callable[[Session, World], None] | None = None
    writes: bool | None = None
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


def _ids(*names: str) -> Callable[[World], Any]:
    return lambda w: [w.ids[n] for n in names]


def _entry_body(w: World) -> Any:
    return {"created_with": "matrix", "start": _start(0).isoformat(), "duration": 600, "description": "new entry"}


def _archived_client(db: Session, w: World) -> None:
    db.get_one(Client, w.ids["client"]).archived = True
    db.commit()


def _bulk(success: Mapping[str, tuple[str, ...]], failure: Mapping[str, tuple[str, ...]]
          ) -> Callable[[World, str, Any], None]:
    """A bulk PATCH answer: exactly these ids succeeded and failed, per role (V-20: ids are independent)."""
    def check(w: World, role: str, data: Any) -> None:
        assert sorted(data["success"]) == sorted(w.ids[n] for n in success.get(role, ()))
        assert sorted(f["id"] for f in data["failure"]) == sorted(w.ids[n] for n in failure.get(role, ()))
    return check


def _org(db: Session, w: World) -> None:
    """The team's organization id, for the organization rows (kept in ``World.ids``)."""
    w.ids["org"] = db.get_one(Workspace, w.ids["wid"]).organization_id


W = {"workspace_id": "wid"}
TEAM_SEES = {"member": (WS,), "manager": (WS,), "admin": (WS,)}
PATCH_DESCRIPTION = [{"op": "replace", "path": "/description", "value": "patched"}]

ME_ROWS: list[Row] = [
    Row("GET", "/me", {}, ALL_OK, query="with_related_data=true",
        shows={"member": (WS, CLIENT, PUBLIC, OTHER, TAG, TASK, ENTRY),
               "manager": (WS, CLIENT, PUBLIC, PRIVATE, TAG, TASK, PTASK, PRIVENTRY),
               "admin": (WS, CLIENT, PUBLIC, PRIVATE, TAG, TASK, PTASK, ADMINENTRY)},
        hides={"manager": (ENTRY, ADMINENTRY), "admin": (ENTRY, PRIVENTRY)}),
    Row("PUT", "/me", {}, ((400, "Invalid default workspace"), 200, 200, 200), note="default_workspace_id",
        body=lambda w: {"default_workspace_id": w.ids["wid"]}),
    Row("GET", "/me/logged", {}, ALL_OK),
    Row("POST", "/me/reset_token", {}, ALL_OK),
    Row("GET", "/me/preferences", {}, ALL_OK),
    Row("POST", "/me/preferences", {}, ALL_OK, body=lambda w: {"date_format": "DD.MM.YYYY"}),
    Row("GET", "/me/features", {}, ALL_OK),
    Row("GET", "/me/workspaces", {}, ALL_OK, shows=TEAM_SEES),
    Row("GET", "/me/organizations", {}, ALL_OK, shows=TEAM_SEES),
    Row("GET", "/me/clients", {}, ALL_OK, shows={"member": (CLIENT,), "manager": (CLIENT,), "admin": (CLIENT,)}),
    Row("GET", "/me/projects", {}, ALL_OK,
        shows={"member": (PUBLIC, OTHER), "manager": (PUBLIC, PRIVATE), "admin": (PUBLIC, PRIVATE, RATE)}),
    Row("GET", "/me/projects/paginated", {}, ALL_OK,
        shows={"member": (PUBLIC, OTHER), "manager": (PUBLIC, PRIVATE), "admin": (PUBLIC, PRIVATE)}),
    Row("GET", "/me/tags", {}, ALL_OK, shows={"member": (TAG,), "admin": (TAG,)}),
    Row("GET", "/me/tasks", {}, ALL_OK, shows={"member": (TASK,), "manager": (TASK, PTASK), "admin": (PTASK,)}),
    Row("GET", "/me/time_entries", {}, ALL_OK,
        shows={"member": (ENTRY,), "manager": (PRIVENTRY,), "admin": (ADMINENTRY,)},
        hides={"member": (PRIVENTRY, ADMINENTRY), "manager": (ENTRY, ADMINENTRY), "admin": (ENTRY, PRIVENTRY)}),
    Row("GET", "/me/time_entries/current", {}, ALL_OK, shows={"member": (ENTRY,)},
        hides={"manager": (PRIVENTRY,), "admin": (ADMINENTRY,)}),
    Row("GET", "/me/time_entries/{time_entry_id}", {"time_entry_id": "entry"},
        (NO_ENTRY, 200, NO_ENTRY, 200), shows={"member": (ENTRY,), "admin": (ENTRY,)}),
    Row("GET", "/me/web-timer", {}, ALL_OK,  # the running entry is left out (20- §9)
        shows={"member": (CLIENT, PUBLIC, TAG), "manager": (PRIVATE, PRIVENTRY), "admin": (ADMINENTRY,)},
        hides={"member": (ENTRY,), "manager": (ENTRY, ADMINENTRY), "admin": (ENTRY, PRIVENTRY)}),
    Row("GET", "/status", {}, ALL_OK),
    Row("POST", "/signup", {}, ALL_OK, body=lambda w: {"user": {
        "email": f"signup-{w.ids['wid']}@example.org", "password": "secret-pass-2", "created_with": "matrix"}}),
]

ORG = {"organization_id": "org"}
ORG_ROWS: list[Row] = [
    Row("POST", "/organizations", {}, ALL_OK, body=lambda w: {"name": "New organization"}),
    Row("GET", "/organizations/{organization_id}", ORG, ORG_OK, shows=TEAM_SEES),
    Row("PUT", "/organizations/{organization_id}", ORG, ORG_ADMINS_OK, body=lambda w: {"name": "Renamed org"}),
    Row("GET", "/organizations/{organization_id}/users", ORG, ORG_OK,
        shows={"admin": ("Lena Berg", INVITEE)}, hides=EMAIL_HIDDEN),
    Row("DELETE", "/organizations/{organization_id}/users/leave", ORG,
        (NO_ORG, 200, 200, (400, f"Cannot remove the last admin of workspace {WS}"))),
    Row("POST", "/organizations/{organization_id}/workspaces", ORG, ORG_ADMINS_OK,
        body=lambda w: {"name": "Second workspace"}),
    Row("POST", "/organizations/{organization_id}/invitations", ORG, (NO_ORG, ADMIN, ADMIN, 200),
        body=lambda w: {"emails": ["newcomer-7f3a@example.org"], "workspaces": [{"workspace_id": w.ids["wid"]}],
                        "skip_email": True}),
    Row("GET", "/organizations/{organization_id}/workspaces/{workspace_id}/workspace_users",
        {**ORG, **W}, ORG_OK, shows={"admin": ("Lena Berg",)}, hides=EMAIL_HIDDEN),
    Row("GET", "/organizations/{organization_id}/groups", ORG, ORG_OK,
        shows={"member": (GROUP,), "manager": (GROUP,), "admin": (GROUP,)}),
    Row("POST", "/organizations/{organization_id}/groups", ORG, ORG_GROUP_ADMINS_OK,
        body=lambda w: {"name": "New group", "workspaces": [w.ids["wid"]]}),
    Row("PUT", "/organizations/{organization_id}/groups/{group_id}", {**ORG, "group_id": "group"},
        ORG_GROUP_ADMINS_OK, body=lambda w: {"name": "Renamed group"}),
    Row("PATCH", "/organizations/{organization_id}/groups/{group_id}", {**ORG, "group_id": "group"},
        ORG_GROUP_ADMINS_OK, body=lambda w: [{"op": "add", "path": "/users", "value": [w.ids["manager_uid"]]}]),
    Row("DELETE", "/organizations/{organization_id}/groups/{group_id}", {**ORG, "group_id": "group"},
        ORG_GROUP_ADMINS_OK),
]

WORKSPACE_ROWS: list[Row] = [
    Row("GET", "/workspaces", {}, ALL_OK, shows=TEAM_SEES),
    Row("GET", "/workspaces/{workspace_id}", W, MEMBERS_OK,
        shows={"member": (WS,), "manager": (WS,), "admin": (WS, RATE)}),
    Row("PUT", "/workspaces/{workspace_id}", W, ADMINS_OK, body=lambda w: {"name": "Renamed workspace"}),
    Row("GET", "/workspaces/{workspace_id}/users", W, MEMBERS_OK,
        shows={"member": ("Lena Berg",), "admin": ("Lena Berg", INVITEE)}, hides=EMAIL_HIDDEN),
    Row("GET", "/workspaces/{workspace_id}/workspace_users", W, MEMBERS_OK,
        shows={"member": ("Lena Berg",), "admin": ("Lena Berg", INVITEE)}, hides=EMAIL_HIDDEN),
    Row("PUT", "/workspaces/{workspace_id}/workspace_users/{workspace_user_id}",
        {**W, "workspace_user_id": "wu_member"}, ADMINS_OK, body=lambda w: {"admin": True}),
    Row("DELETE", "/workspaces/{workspace_id}/workspace_users/{workspace_user_id}",
        {**W, "workspace_user_id": "wu_member"}, ADMINS_OK),
    Row("GET", "/workspaces/{workspace_id}/groups", W, MEMBERS_OK,
        shows={"member": (GROUP,), "manager": (GROUP,), "admin": (GROUP,)}),
    Row("POST", "/workspaces/{workspace_id}/groups", W, ADMINS_OK, body=lambda w: {"name": "New group"}),
    Row("PUT", "/workspaces/{workspace_id}/groups/{group_id}", {**W, "group_id": "group"}, ADMINS_OK,
        body=lambda w: {"name": "Renamed group"}),
    Row("DELETE", "/workspaces/{workspace_id}/groups/{group_id}", {**W, "group_id": "group"}, ADMINS_OK),
    Row("GET", "/workspaces/{workspace_id}/statistics", W, MEMBERS_OK),
    Row("GET", "/workspaces/{workspace_id}/time_entry_constraints", W, MEMBERS_OK),
    Row("GET", "/workspaces/{workspace_id}/dashboard/all_activity", W, MEMBERS_OK),
    Row("GET", "/workspaces/{workspace_id}/dashboard/most_active", W, MEMBERS_OK),
    Row("GET", "/workspaces/{workspace_id}/dashboard/top_activity", W, MEMBERS_OK),
]

C = {**W, "client_id": "client"}
CLIENT_ROWS: list[Row] = [
    Row("GET", "/workspaces/{workspace_id}/clients", W, MEMBERS_OK,
        shows={"member": (CLIENT,), "admin": (CLIENT,)}),
    Row("POST", "/workspaces/{workspace_id}/clients", W, MEMBERS_OK, body=lambda w: {"name": "New client"}),
    Row("GET", "/workspaces/{workspace_id}/clients/{client_id}", C, MEMBERS_OK, shows={"member": (CLIENT,)}),
    Row("GET", "/workspaces/{workspace_id}/clients/{client_id}", {"workspace_id": "own_wid", "client_id": "client"},
        (NO_CLIENT, NO_WS, NO_WS, NO_WS), pending=NO_WS, note="through another workspace (V-6)"),
    Row("PUT", "/workspaces/{workspace_id}/clients/{client_id}", C, ADMINS_OK,
        body=lambda w: {"name": "Renamed client"}),
    Row("DELETE", "/workspaces/{workspace_id}/clients/{client_id}", C, ADMINS_OK),
    Row("POST", "/workspaces/{workspace_id}/clients/{client_id}/archive", C, ADMINS_OK),
    Row("POST", "/workspaces/{workspace_id}/clients/{client_id}/restore", C, ADMINS_OK, prepare=_archived_client),
    Row("POST", "/workspaces/{workspace_id}/clients/archive", W, ADMINS_OK, body=_ids("client")),
    Row("POST", "/workspaces/{workspace_id}/clients/delete", W, ADMINS_OK, body=_ids("client")),
]

P = {**W, "project_id": "public"}
PROJECT_ROWS: list[Row] = [
    Row("GET", "/workspaces/{workspace_id}/projects", W, MEMBERS_OK,
        shows={"member": (PUBLIC, OTHER), "manager": (PRIVATE,), "admin": (PRIVATE, RATE)}),
    Row("POST", "/workspaces/{workspace_id}/projects", W, MEMBERS_OK, body=lambda w: {"name": "New project"}),
    Row("GET", "/workspaces/{workspace_id}/projects/{project_id}", P, MEMBERS_OK, shows={"member": (PUBLIC,)}),
    Row("GET", "/workspaces/{workspace_id}/projects/{project_id}", {**W, "project_id": "private"},
        (NO_WS, NO_PROJECT, 200, 200), note="private", shows={"manager": (PRIVATE,)}),
    Row("GET", "/workspaces/{workspace_id}/projects/{project_id}", {"workspace_id": "own_wid",
                                                                     "project_id": "public"},
        (NO_PROJECT, NO_WS, NO_WS, NO_WS), pending=NO_WS, note="through another workspace (V-6)"),
    Row("PUT", "/workspaces/{workspace_id}/projects/{project_id}", P, MANAGERS_OK,
        body=lambda w: {"name": "Renamed project"}),
    Row("DELETE", "/workspaces/{workspace_id}/projects/{project_id}", P, MANAGERS_OK),
    Row("PATCH", "/workspaces/{workspace_id}/projects/{project_ids}", {**W, "project_ids": "public,private"},
        MEMBERS_OK, body=lambda w: [{"op": "replace", "path": "/billable", "value": False}],
        check=_bulk({"manager": ("public", "private"), "admin": ("public", "private")},
                    {"member": ("public", "private")})),
    Row("GET", "/workspaces/{workspace_id}/projects/{project_id}/tasks", P, MEMBERS_OK,
        shows={"member": (TASK,)}),
    Row("POST", "/workspaces/{workspace_id}/projects/{project_id}/tasks", P, MANAGERS_OK,
        body=lambda w: {"name": "New task"}),
    Row("GET", "/workspaces/{workspace_id}/projects/{project_id}/tasks/{task_id}", {**P, "task_id": "task"},
        MEMBERS_OK, shows={"member": (TASK,)}),
    Row("GET", "/workspaces/{workspace_id}/projects/{project_id}/tasks/{task_id}",
        {**P, "task_id": "task_private"}, (NO_WS, NO_TASK, NO_TASK, NO_TASK), note="task of another project"),
    Row("PUT", "/workspaces/{workspace_id}/projects/{project_id}/tasks/{task_id}", {**P, "task_id": "task"},
        MANAGERS_OK, body=lambda w: {"name": "Renamed task"}),
    Row("PATCH", "/workspaces/{workspace_id}/projects/{project_id}/tasks/{task_ids}", {**P, "task_ids": "task"},
        MEMBERS_OK, body=lambda w: [{"op": "replace", "path": "/active", "value": False}],
        check=_bulk({"manager": ("task",), "admin": ("task",)}, {"member": ("task",)})),
    Row("DELETE", "/workspaces/{workspace_id}/projects/{project_id}/tasks/{task_id}", {**P, "task_id": "task"},
        MANAGERS_OK),
    Row("GET", "/workspaces/{workspace_id}/tasks", W, MEMBERS_OK,
        shows={"member": (TASK,), "manager": (PTASK,), "admin": (PTASK,)}),
    Row("POST", "/workspaces/{workspace_id}/tasks", W, MANAGERS_OK,
        body=lambda w: {"name": "Compat task", "pid": w.ids["public"]}),
    Row("GET", "/workspaces/{workspace_id}/tasks/{task_id}", {**W, "task_id": "task"}, MEMBERS_OK),
    Row("PUT", "/workspaces/{workspace_id}/tasks/{task_id}", {**W, "task_id": "task"}, MANAGERS_OK,
        body=lambda w: {"name": "Renamed task"}),
    Row("DELETE", "/workspaces/{workspace_id}/tasks/{task_id}", {**W, "task_id": "task"}, MANAGERS_OK),
]

PU = {**W, "project_user_id": "pu_member"}
TAG_AND_PU_ROWS: list[Row] = [
    Row("GET", "/workspaces/{workspace_id}/tags", W, MEMBERS_OK, shows={"member": (TAG,)}),
    Row("POST", "/workspaces/{workspace_id}/tags", W, MEMBERS_OK, body=lambda w: {"name": "new tag"}),
    Row("PUT", "/workspaces/{workspace_id}/tags/{tag_id}", {**W, "tag_id": "tag"}, ADMINS_OK,
        body=lambda w: {"name": "renamed tag"}),
    Row("DELETE", "/workspaces/{workspace_id}/tags/{tag_id}", {**W, "tag_id": "tag"}, ADMINS_OK),
    Row("GET", "/workspaces/{workspace_id}/project_users", W, MEMBERS_OK),
    Row("POST", "/workspaces/{workspace_id}/project_users", W, MANAGERS_OK,
        body=lambda w: {"project_id": w.ids["public"], "user_id": w.ids["admin_uid"]}),
    Row("PUT", "/workspaces/{workspace_id}/project_users/{project_user_id}", PU, MANAGERS_OK,
        body=lambda w: {"manager": True}),
    Row("PATCH", "/workspaces/{workspace_id}/project_users/{project_user_ids}",
        {**W, "project_user_ids": "pu_member"}, MEMBERS_OK,
        body=lambda w: [{"op": "replace", "path": "/manager", "value": True}],
        check=_bulk({"manager": ("pu_member",), "admin": ("pu_member",)}, {"member": ("pu_member",)})),
    Row("DELETE", "/workspaces/{workspace_id}/project_users/{project_user_id}", PU, MANAGERS_OK),
]

E = {**W, "time_entry_id": "entry"}
ENTRY_ROWS: list[Row] = [
    Row("POST", "/workspaces/{workspace_id}/time_entries", W, MEMBERS_OK, body=_entry_body),
    Row("PUT", "/workspaces/{workspace_id}/time_entries/{time_entry_id}", E, OWN_OK,
        body=lambda w: {"description": "changed"}),
    Row("PATCH", "/workspaces/{workspace_id}/time_entries/{time_entry_ids}", {**W, "time_entry_ids": "entry"},
        MEMBERS_OK, body=lambda w: PATCH_DESCRIPTION,
        check=_bulk({"member": ("entry",), "admin": ("entry",)}, {"manager": ("entry",)})),
    Row("PATCH", "/workspaces/{workspace_id}/time_entries/{time_entry_id}/stop", E, OWN_OK),
    Row("DELETE", "/workspaces/{workspace_id}/time_entries/{time_entry_id}", E, OWN_OK),
]


def _year(db: Session, w: World) -> None:
    """The year of the world's entries, for the CSV export's path."""
    w.ids["year"] = _start(0).year


TRANSFER_ROWS: list[Row] = [
    # A JSON body instead of a multipart form: an admin hears that no file came; nothing is written.
    Row("POST", "/workspaces/{workspace_id}/import", W, (NO_WS, ADMIN, ADMIN, NO_FILE)),
    Row("GET", "/workspaces/{workspace_id}/export", W, ADMINS_OK, shows={"admin": ("clients.json",)}),
    Row("GET", "/workspaces/{workspace_id}/export/time_entries/{year}.csv", {**W, "year": "year"}, ADMINS_OK,
        prepare=_year, shows={"admin": ("User,Email,Client,Project",)}),
]

ROWS = (ME_ROWS + ORG_ROWS + WORKSPACE_ROWS + CLIENT_ROWS + PROJECT_ROWS + TAG_AND_PU_ROWS + ENTRY_ROWS
        + TRANSFER_ROWS)


@pytest.fixture
def world(db: Session) -> World:
    w = _arrange(db)
    _org(db, w)
    return w


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
    data = r.json() if r.content and r.headers["content-type"].startswith("application/json") else None
    if isinstance(expected, tuple):
        status, message = expected
        assert (r.status_code, data) == (status, world.fmt(message))
        assert changed_tables(before, after) == [], "a refused request changed the database"
    else:
        assert r.status_code == expected, r.text
        writes = row.method != "GET" if row.writes is None else row.writes
        if row.check is not None:
            row.check(world, role, data)
        elif writes:
            assert changed_tables(before, after) != [], "an accepted write changed nothing"
        else:
            assert changed_tables(before, after) == [], "a read changed the database"
        missing = [m for m in row.shows.get(role, ()) if m not in r.text]
        assert not missing, f"{role} should see {missing}: {r.text[:500]}"
    assert_nothing_leaks(world, role, row, r.text, data)


def test_matrix_covers_every_v9_route(tmp_path: Any) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path}/routes.db", rate_limit=False))
    try:
        served = {(m, p) for m, p in _app_routes(list(app.routes)) if p.startswith(PREFIX + "/")}
    finally:
        app.state.engine.dispose()
    walked = {(row.method, PREFIX + row.route) for row in ROWS}
    assert sorted(served - walked) == [], "v9 routes missing from the authorization matrix"
    assert sorted(walked - served) == [], "matrix rows for routes the app does not serve"
    for row in ROWS:
        assert set(re.findall(r"{(\w+)}", row.route)) == set(row.args), row.label
