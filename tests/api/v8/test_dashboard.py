"""Team dashboard (20-workspaces §9; 50-reports §2 visibility; O-36, O-58, O-83)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from punchclock.models import Project, Task, TimeEntry, User, Workspace
from tests.factories import (
    add_member,
    add_project_user,
    at,
    count_queries,
    make_entry,
    make_project,
    make_task,
    make_user,
    make_workspace,
    token_auth,
)

BASE = at("2023-10-05T10:00:00Z")


def url(workspace_id: int) -> str:
    return f"/api/v8/dashboard/{workspace_id}"


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def render(value: datetime | None, tz: str = "Etc/UTC") -> str | None:
    return None if value is None else value.astimezone(ZoneInfo(tz)).isoformat(timespec="seconds")


def epoch(value: datetime) -> int:
    return int(value.timestamp())



@dataclass
class Board:
    admin: User
    member: User
    other: User
    outsider: User
    ws: Workspace
    public: Project
    secret: Project
    task: Task
    entries: dict[str, TimeEntry]


def arrange(db: Session, *, admin_tz: str = "Etc/UTC", **ws_fields: Any) -> Board:
    """Admin Mara, members Lena and Nils (Nils is a project user of the private project), outsider Otto.

    Entries (``at`` increases in this order; e1 and e2 share theirs):
      e1 Mara  public   stopped 3600  started 1 day ago          "Homepage layout"
      e2 Lena  none     stopped 5400  started 2 days ago
      e3 Lena  public   running       started 1 hour ago, task   "Photo retouching"
      e4 Nils  public   stopped 1800  started 8 days ago (outside the 7 x 24 h window)
      e5 Nils  private  stopped  600  started 3 days ago
      e6 Mara  public   stopped 9999  started 1 day ago, deleted
      e7 Nils  none     stopped  300  started 7 x 24 h minus one minute ago
      e8 Lena  (her own workspace) stopped 7000 started 1 day ago
      e9 Nils  none     stopped  100  starts in one hour (not "before the request")
    """
    admin = make_user(db, fullname="Mara Quint", timezone=admin_tz)
    member = make_user(db, fullname="Lena Berg")
    other = make_user(db, fullname="Nils Holm")
    outsider = make_user(db, fullname="Otto Out")
    ws = make_workspace(db, admin=admin, **ws_fields)
    add_member(db, ws, member)
    add_member(db, ws, other)
    public = make_project(db, workspace_id=ws.id, name="Public")
    secret = make_project(db, workspace_id=ws.id, name="Secret", is_private=True, manager=admin)
    add_project_user(db, secret, other)
    task = make_task(db, project=public, name="Retouch")
    t = now()

    def entry(n: int, user: User, start: datetime, seconds: int | None, **fields: Any) -> TimeEntry:
        fields.setdefault("workspace_id", ws.id)
        return make_entry(db, user=user, start=start, seconds=seconds,
                          updated_at=BASE + timedelta(minutes=max(n, 2)), **fields)

    entries = {
        "e1": entry(1, admin, t - timedelta(days=1), 3600, project_id=public.id, description="Homepage layout"),
        "e2": entry(2, member, t - timedelta(days=2), 5400),
        "e3": entry(3, member, t - timedelta(hours=1), None, project_id=public.id, task_id=task.id,
                    description="Photo retouching"),
        "e4": entry(4, other, t - timedelta(days=8), 1800, project_id=public.id),
        "e5": entry(5, other, t - timedelta(days=3), 600, project_id=secret.id),
        "e6": entry(6, admin, t - timedelta(days=1), 9999, project_id=public.id, deleted_at=t),
        "e7": entry(7, other, t - timedelta(days=7) + timedelta(minutes=1), 300),
        "e8": entry(8, member, t - timedelta(days=1), 7000, workspace_id=member.default_workspace_id),
        "e9": entry(9, other, t + timedelta(hours=1), 100),
    }
    return Board(admin, member, other, outsider, ws, public, secret, task, entries)


def item(e: TimeEntry, tz: str = "Etc/UTC") -> dict[str, Any]:
    out: dict[str, Any] = {"user_id": e.user_id, "project_id": e.project_id or 0,
                           "duration": -epoch(e.start) if e.stop is None else e.duration}
    if e.description:
        out["description"] = e.description
    if e.task_id is not None:
        out["tid"] = e.task_id
    if e.stop is not None:
        out["stop"] = render(e.stop, tz)
    return out


class TestDashboard:
    def test_admin_sees_every_entry_of_the_workspace(self, client: TestClient, db: Session) -> None:
        b = arrange(db)
        e = b.entries
        r = client.get(url(b.ws.id), headers=token_auth(b.admin))
        assert r.status_code == 200
        assert r.json() == {
            "most_active_user": [
                {"user_id": b.member.id, "duration": 5400},
                {"user_id": b.admin.id, "duration": 3600},
                {"user_id": b.other.id, "duration": 900},
            ],
            "activity": [item(e[k]) for k in ("e9", "e7", "e5", "e4", "e3", "e2", "e1")],
        }

    def test_exact_activity_items(self, client: TestClient, db: Session) -> None:
        b = arrange(db)
        e = b.entries
        activity = client.get(url(b.ws.id), headers=token_auth(b.admin)).json()["activity"]
        assert activity[4] == {"user_id": b.member.id, "project_id": b.public.id,
                               "duration": -epoch(e["e3"].start), "description": "Photo retouching",
                               "tid": b.task.id}
        assert activity[5] == {"user_id": b.member.id, "project_id": 0, "duration": 5400,
                               "stop": render(e["e2"].stop)}
        assert activity[6] == {"user_id": b.admin.id, "project_id": b.public.id, "duration": 3600,
                               "description": "Homepage layout", "stop": render(e["e1"].stop)}

    def test_member_does_not_see_private_project_entries(self, client: TestClient, db: Session) -> None:
        b = arrange(db)
        e = b.entries
        r = client.get(url(b.ws.id), headers=token_auth(b.member))
        assert r.json() == {
            "most_active_user": [
                {"user_id": b.member.id, "duration": 5400},
                {"user_id": b.admin.id, "duration": 3600},
                {"user_id": b.other.id, "duration": 300},
            ],
            "activity": [item(e[k]) for k in ("e9", "e7", "e4", "e3", "e2", "e1")],
        }

    def test_project_user_of_private_project_sees_its_entries(self, client: TestClient, db: Session) -> None:
        b = arrange(db)
        body = client.get(url(b.ws.id), headers=token_auth(b.other)).json()
        assert body["most_active_user"][2] == {"user_id": b.other.id, "duration": 900}
        assert [a["project_id"] for a in body["activity"]][:3] == [0, 0, b.secret.id]

    def test_stop_rendered_in_the_callers_time_zone(self, client: TestClient, db: Session) -> None:
        b = arrange(db, admin_tz="Europe/Helsinki")
        stop = client.get(url(b.ws.id), headers=token_auth(b.admin)).json()["activity"][-1]["stop"]
        assert stop == render(b.entries["e1"].stop, "Europe/Helsinki")
        assert not stop.endswith("+00:00")

    def test_empty_workspace_gives_nulls(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.get(url(user.default_workspace_id), headers=token_auth(user))
        assert (r.status_code, r.json()) == (200, {"most_active_user": None, "activity": None})

    def test_running_entry_alone_is_activity_but_not_most_active(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        start = now() - timedelta(minutes=5)
        running = make_entry(db, user=user, start=start, seconds=None, description="Now")
        r = client.get(url(user.default_workspace_id), headers=token_auth(user))
        assert r.json() == {"most_active_user": None, "activity": [
            {"user_id": user.id, "project_id": 0, "duration": -epoch(start), "description": "Now"}]}
        assert running.stop is None

    def test_activity_is_the_latest_twenty_ties_by_higher_id(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        start = now() - timedelta(days=1)
        made = [make_entry(db, user=user, start=start, seconds=60, updated_at=BASE + timedelta(minutes=i // 2))
                for i in range(25)]
        expected = sorted(made, key=lambda m: (m.updated_at, m.id), reverse=True)[:20]
        r = client.get(url(user.default_workspace_id), headers=token_auth(user))
        body = r.json()
        assert len(body["activity"]) == 20
        assert body["activity"] == [item(m) for m in expected]
        # equal ``at`` -> higher id first: the last two entries share theirs
        assert expected[0].id == made[24].id and expected[1].id == made[23].id
        assert expected[1].updated_at == made[22].updated_at
        assert expected[2].id == made[22].id
        assert body["most_active_user"] == [{"user_id": user.id, "duration": 25 * 60}]

    def test_most_active_is_top_five_ties_by_lower_user_id(self, client: TestClient, db: Session) -> None:
        admin = make_user(db)
        ws = make_workspace(db, admin=admin)
        people = [make_user(db) for _ in range(7)]
        start = now() - timedelta(hours=5)
        for person, seconds in zip(people, (300, 200, 500, 200, 400, 200, 100), strict=True):
            add_member(db, ws, person)
            make_entry(db, user=person, start=start, seconds=seconds - 50, workspace_id=ws.id)
            make_entry(db, user=person, start=start + timedelta(hours=1), seconds=50, workspace_id=ws.id)
        r = client.get(url(ws.id), headers=token_auth(admin))
        assert r.json()["most_active_user"] == [
            {"user_id": people[2].id, "duration": 500},
            {"user_id": people[4].id, "duration": 400},
            {"user_id": people[0].id, "duration": 300},
            {"user_id": people[1].id, "duration": 200},
            {"user_id": people[3].id, "duration": 200},
        ]
        assert len(r.json()["activity"]) == 14

    def test_only_admins_see_team_dashboard(self, client: TestClient, db: Session) -> None:
        b = arrange(db, only_admins_see_team_dashboard=True)
        r = client.get(url(b.ws.id), headers=token_auth(b.member))
        assert (r.status_code, r.json()) == (403, ["Only workspace admins can do this"])
        r = client.get(url(b.ws.id), headers=token_auth(b.admin))
        assert r.status_code == 200 and len(r.json()["activity"]) == 7

    def test_outsiders_invitees_unknown_and_bad_ids(self, client: TestClient, db: Session) -> None:
        b = arrange(db)
        invitee = make_user(db)
        add_member(db, b.ws, invitee, active=False)
        for who, wid in ((b.outsider, b.ws.id), (invitee, b.ws.id), (b.admin, 999_999)):
            r = client.get(url(wid), headers=token_auth(who))
            assert (r.status_code, r.json()) == (404, ["Workspace not found"])
        r = client.get(url(b.ws.id) + f",{b.ws.id}", headers=token_auth(b.admin))
        assert (r.status_code, r.json()) == (400, ["Id lists are not allowed here"])
        for segment in ("abc", "0", "99999999999999999999"):
            r = client.get(f"/api/v8/dashboard/{segment}", headers=token_auth(b.admin))
            assert (r.status_code, r.json()) == (400, ["Invalid id"]), segment
        r = client.get(url(b.ws.id), headers={"Authorization": "Basic Zm9vOmJhcg=="})
        assert (r.status_code, r.json()) == (403, ["Incorrect username and/or password"])

    def test_query_count_does_not_grow_with_entries(self, client: TestClient, db: Session, app: Any) -> None:
        user = make_user(db)
        counts = []
        for round_ in range(2):
            for i in range(3 if round_ == 0 else 30):
                make_entry(db, user=user, start=now() - timedelta(hours=i + 1), seconds=60)
            with count_queries(app) as n:
                r = client.get(url(user.default_workspace_id), headers=token_auth(user))
            assert r.status_code == 200
            counts.append(n[0])
        assert counts[0] == counts[1]
