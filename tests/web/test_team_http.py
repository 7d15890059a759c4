"""Team pages over plain HTTP: admins only (403 pages and forms), other workspaces' ids unknown, forms
without JavaScript, invitation mails after the commit, a constant number of statements per page."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from punchclock.app import create_app
from punchclock.config import Settings
from punchclock.models import Group, GroupMember, WorkspaceMember
from tests.factories import PASSWORD, add_member, count_queries, make_group, make_team, make_user, make_workspace
from tests.web.browser import RecordingMail

pytestmark = pytest.mark.filterwarnings("ignore")
ADMIN_ONLY = "Only workspace admins can do this"


@pytest.fixture
def web(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    app.state.mail_sender = RecordingMail()
    with TestClient(app, follow_redirects=False) as c:
        yield c
    app.state.engine.dispose()


def _db(c: TestClient) -> Session:
    session: Session = c.app.state.sessionmaker()  # type: ignore[attr-defined]
    return session


def _sign_in(c: TestClient, email: str) -> str:
    """Sign the client in; the CSRF token of its session."""
    c.cookies.clear()
    token = re.search(r'name="csrf" value="([0-9a-f]{64})"', c.get("/login").text)
    assert token
    assert c.post("/login", data={"csrf": token[1], "email": email, "password": PASSWORD}).status_code == 303
    page = c.get("/team/groups")
    meta = re.search(r'name="csrf-token" content="([0-9a-f]{64})"', page.text)
    assert meta
    return meta[1]


def _flash(answer: Any) -> list[str] | None:
    for value in answer.headers.get_list("set-cookie"):
        if value.startswith("punchclock-flash="):
            return list(orjson.loads(base64.urlsafe_b64decode(value.split(";")[0].split("=", 1)[1].strip('"'))))
    return None


def test_members_get_403_on_every_page_and_form(web: TestClient) -> None:
    db = _db(web)
    team = make_team(db)
    group = make_group(db, workspace_id=team.ws.id, name="Design")
    admin_member = db.scalars(select(WorkspaceMember.id).where(WorkspaceMember.user_id == team.admin.id,
                                                          WorkspaceMember.workspace_id == team.ws.id)).one()
    lena_email, wid = team.member.email, team.ws.id
    team.member.default_workspace_id = wid
    db.commit()
    db.close()
    token = _sign_in(web, lena_email)
    for path in ("/team", "/team/groups", f"/team/groups/{group.id}"):
        page = web.get(path)
        assert page.status_code == 403 and ADMIN_ONLY in page.text, path
    forms = {"/team/invite": {"emails": "x@example.com"}, f"/team/members/{admin_member}/role": {"role": "user"},
             f"/team/members/{admin_member}/remove": {}, f"/team/members/{admin_member}/reinvite": {},
             "/team/groups": {"name": "Mine"}, f"/team/groups/{group.id}": {"name": "Renamed"},
             f"/team/groups/{group.id}/delete": {}}
    for path, data in forms.items():
        answer = web.post(path, data={"csrf": token, **data})
        assert answer.status_code == 403 and ADMIN_ONLY in answer.text, path
        assert web.post(path, data=data, headers={"X-CSRF-Token": token, "Accept": "application/json"}
                        ).json() == {"error": ADMIN_ONLY}
    assert 'href="/team"' not in web.get("/team").text  # no Team in a member's menu
    db = _db(web)
    assert db.get_one(WorkspaceMember, admin_member).admin is True
    assert db.scalars(select(Group.name).where(Group.workspace_id == wid)).all() == ["Design"]
    assert len(db.scalars(select(WorkspaceMember).where(WorkspaceMember.workspace_id == wid)).all()) == 3
    db.close()
    assert web.app.state.mail_sender.sent == []  # type: ignore[attr-defined]


def test_another_workspaces_ids_are_unknown(web: TestClient) -> None:
    db = _db(web)
    mara = make_user(db, email="mara@example.com")
    ws = make_workspace(db, admin=mara, name="Mine")
    mara.default_workspace_id = ws.id
    db.commit()
    theirs = make_team(db)
    their_member = db.scalars(select(WorkspaceMember.id).where(WorkspaceMember.user_id == theirs.member.id,
                                                          WorkspaceMember.workspace_id == theirs.ws.id)).one()
    their_group = make_group(db, workspace_id=theirs.ws.id, name="Theirs").id
    db.close()
    token = _sign_in(web, "mara@example.com")
    assert web.get(f"/team/groups/{their_group}").status_code == 404
    json = {"X-CSRF-Token": token, "Accept": "application/json"}
    for path, data, error in (
        (f"/team/members/{their_member}/role", {"role": "admin"}, "Workspace user not found"),
        (f"/team/members/{their_member}/remove", {}, "Workspace user not found"),
        (f"/team/groups/{their_group}", {"name": "Mine now"}, "Group not found"),
        (f"/team/groups/{their_group}/delete", {}, "Group not found"),
    ):
        answer = web.post(path, data=data, headers=json)
        assert (answer.status_code, answer.json()) == (404, {"error": error}), path
        back = web.post(path, data={"csrf": token, **data}, headers={"Referer": "http://testserver/team"})
        assert (back.status_code, back.headers["location"], _flash(back)) == (303, "/team", ["error", error])
    db = _db(web)
    assert db.get_one(WorkspaceMember, their_member).admin is False
    assert db.get_one(Group, their_group).name == "Theirs"
    db.close()


def test_forms_work_without_javascript(web: TestClient) -> None:
    db = _db(web)
    team = make_team(db)
    admin_email, wid = team.admin.email, team.ws.id
    team.admin.default_workspace_id = wid
    lena = db.scalars(select(WorkspaceMember.id).where(WorkspaceMember.user_id == team.member.id,
                                                       WorkspaceMember.workspace_id == wid)).one()
    lena_user = team.member.id
    db.commit()
    db.close()
    token = _sign_in(web, admin_email)
    answer = web.post("/team/invite", data={"csrf": token, "emails": "a@example.com,\r\nb@example.com"})
    assert (answer.status_code, answer.headers["location"]) == (303, "/team")
    assert _flash(answer) == ["ok", "Invitation sent to a@example.com, b@example.com."]
    sent = web.app.state.mail_sender.sent  # type: ignore[attr-defined]
    assert [(m.to, m.subject) for m in sent] == [("a@example.com", "Invitation to Team on punchclock"),
                                                 ("b@example.com", "Invitation to Team on punchclock")]
    assert web.post("/team/invite", data={"csrf": token, "emails": " "}).headers["location"] == "/team"
    answer = web.post(f"/team/members/{lena}/role", data={"csrf": token, "role": "admin"})
    assert _flash(answer) == ["ok", "Lena Berg is now an admin."]
    answer = web.post(f"/team/members/{lena}/role", data={"csrf": token, "role": "owner"})
    assert _flash(answer) == ["error", "Choose the role Admin or Member."]
    made = web.post("/team/groups", data={"csrf": token, "name": "Ops"})
    gid = int(made.headers["location"].rsplit("/", 1)[1])
    saved = web.post(f"/team/groups/{gid}", data={"csrf": token, "name": "Ops", "user_ids": [str(lena_user)]})
    assert _flash(saved) == ["ok", "Saved the group Ops (1 member)."]
    taken = web.post("/team/groups", data={"csrf": token, "name": "ops"}, headers={"Referer": "http://testserver/team/groups"})
    assert (taken.headers["location"], _flash(taken)) == ("/team/groups", ["error", "Group name already exists"])
    page = web.get("/team")
    assert page.status_code == 200 and "Groups (1)" in page.text
    assert web.post(f"/team/groups/{gid}/delete", data={"csrf": token}).headers["location"] == "/team/groups"
    db = _db(web)
    assert db.get(Group, gid) is None
    db.close()


def test_signed_out_visitors_are_sent_to_sign_in(web: TestClient) -> None:
    answer = web.get("/team")
    assert (answer.status_code, answer.headers["location"]) == (303, "/login?next=%2Fteam")


def test_the_team_page_runs_the_same_statements_for_5_and_40_members(web: TestClient) -> None:
    db = _db(web)
    team = make_team(db)
    admin_email, wid = team.admin.email, team.ws.id
    team.admin.default_workspace_id = wid
    db.commit()
    group = make_group(db, workspace_id=wid, name="All")
    db.close()
    token = _sign_in(web, admin_email)
    assert token

    def statements() -> int:
        with count_queries(web.app) as counted:
            assert web.get("/team").status_code == 200
        return counted[0]

    few = statements()
    db = _db(web)
    for _ in range(36):
        member = add_member(db, wid, make_user(db))
        db.add(GroupMember(group_id=group.id, workspace_member_id=member.id))
    db.commit()
    db.close()
    assert statements() == few
