"""Cross-cutting HTTP conventions (00-conventions §1-3, §7, §10, §13) shared by every v8 endpoint."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from punchclock.app import create_app
from punchclock.config import Settings
from punchclock.models import Client
from tests.factories import make_client, make_user, token_auth

JSON = "application/json; charset=utf-8"
GONE_V8 = ["This API version is no longer available, use /api/v8"]
GONE_REPORTS = {"error": {"message": "This API version is no longer available", "tip": "Use /reports/api/v2",
                          "code": 410}}


class TestRetiredVersions:
    @pytest.mark.parametrize("path", [
        "/api/v1/me", "/api/v2/time_entries", "/api/v3", "/api/v4/", "/api/v5/clients/1", "/api/v6/workspaces",
        "/api/v7/time_entries/current",
    ])
    def test_v1_to_v7_are_gone(self, client: TestClient, path: str) -> None:
        r = client.get(path)
        assert (r.status_code, r.json()) == (410, GONE_V8)
        assert r.headers["content-type"] == JSON
        assert r.headers["cache-control"] == "no-store"

    def test_gone_for_every_method_and_without_credentials(self, client: TestClient) -> None:
        for method in ("POST", "PUT", "DELETE"):
            r = client.request(method, "/api/v7/time_entries/start", json={"time_entry": {}})
            assert (r.status_code, r.json()) == (410, GONE_V8)

    @pytest.mark.parametrize("path", ["/reports/api/v1/weekly", "/reports/api/v1", "/reports/api/v1/details/"])
    def test_reports_v1_is_gone_in_the_reports_dialect(self, client: TestClient, path: str) -> None:
        r = client.get(path)
        assert (r.status_code, r.json()) == (410, GONE_REPORTS)

    def test_later_and_prefix_lookalikes_are_not_gone(self, client: TestClient) -> None:
        for path in ("/api/v10/me", "/api/v70", "/api/v1x/me"):
            r = client.get(path)
            assert (r.status_code, r.json()) == (404, ["Not found"]), path


class TestUnknownPathsAndMethods:
    def test_unknown_v8_path_is_404_json_array(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.get("/api/v8/no_such_thing", headers=token_auth(user))
        assert (r.status_code, r.json()) == (404, ["Not found"])
        assert r.headers["content-type"] == JSON
        assert r.headers["cache-control"] == "no-store"

    def test_unknown_path_outside_the_api(self, client: TestClient) -> None:
        """Paths outside the APIs belong to the web app: its 404 is a page (tests/web/)."""
        r = client.post("/wp-login.php", content=b"x")
        assert r.status_code == 404
        assert r.headers["content-type"].startswith("text/html")
        assert "There is no such page." in r.text

    @pytest.mark.parametrize(("method", "path"), [
        ("DELETE", "/api/v8/clients"),
        ("PATCH", "/api/v8/clients/1"),
        ("PUT", "/api/v8/workspaces"),
        ("DELETE", "/api/v8/me"),
    ])
    def test_wrong_method_is_405(self, client: TestClient, method: str, path: str) -> None:
        r = client.request(method, path)
        assert (r.status_code, r.json()) == (405, ["Method not allowed"])
        assert r.headers["content-type"] == JSON


class TestTrailingSlash:
    def test_get_with_trailing_slash_is_the_same_resource(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        c = make_client(db, workspace_id=user.default_workspace_id, name="Harbour Ferries")
        plain = client.get("/api/v8/clients", headers=token_auth(user))
        slashed = client.get("/api/v8/clients/", headers=token_auth(user), follow_redirects=False)
        assert slashed.status_code == 200
        assert slashed.json() == plain.json() == [plain.json()[0]]
        assert plain.json()[0]["id"] == c.id
        one = client.get(f"/api/v8/clients/{c.id}/", headers=token_auth(user), follow_redirects=False)
        assert (one.status_code, one.json()["data"]["name"]) == (200, "Harbour Ferries")

    def test_post_with_trailing_slash_creates(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.post("/api/v8/clients/", headers=token_auth(user), follow_redirects=False,
                        json={"client": {"name": "Slash Ltd", "wid": user.default_workspace_id}})
        assert (r.status_code, r.json()["data"]["name"]) == (200, "Slash Ltd")
        assert db.scalar(select(Client.name)) == "Slash Ltd"


class TestBodySize:
    MIB = 1024 * 1024

    def padded(self, payload: dict[str, object], size: int) -> bytes:
        raw = json.dumps(payload).encode()
        return raw + b" " * (size - len(raw))

    def test_body_of_exactly_one_mib_is_accepted(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        notes = "n" * 5000
        body = self.padded({"client": {"name": "Big", "wid": user.default_workspace_id, "notes": notes}}, self.MIB)
        assert len(body) == self.MIB
        r = client.post("/api/v8/clients", headers={**token_auth(user), "Content-Type": "application/json"},
                        content=body)
        assert r.status_code == 200
        data = r.json()["data"]
        stored = db.scalars(select(Client)).one()
        assert data == {"id": stored.id, "wid": user.default_workspace_id, "name": "Big", "notes": notes,
                        "at": data["at"]}
        assert (stored.name, stored.notes, stored.workspace_id) == ("Big", notes, user.default_workspace_id)
        assert client.get(f"/api/v8/clients/{stored.id}", headers=token_auth(user)).json() == {"data": data}

    def test_body_over_one_mib_is_400_and_writes_nothing(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        body = self.padded({"client": {"name": "Big", "wid": user.default_workspace_id}}, self.MIB + 1)
        r = client.post("/api/v8/clients", headers={**token_auth(user), "Content-Type": "application/json"},
                        content=body)
        assert (r.status_code, r.json()) == (400, ["Request body too large"])
        assert r.headers["content-type"] == JSON
        assert db.scalar(select(func.count()).select_from(Client)) == 0

    def test_chunked_body_over_one_mib_is_400(self, client: TestClient, db: Session) -> None:
        """No Content-Length: the size is counted while reading."""
        user = make_user(db)
        body = self.padded({"client": {"name": "Big", "wid": user.default_workspace_id}}, 3 * self.MIB)

        def chunks() -> Iterator[bytes]:
            for i in range(0, len(body), 64 * 1024):
                yield body[i:i + 64 * 1024]

        r = client.post("/api/v8/clients", headers={**token_auth(user), "Content-Type": "application/json"},
                        content=chunks())
        assert (r.status_code, r.json()) == (400, ["Request body too large"])
        assert db.scalar(select(func.count()).select_from(Client)) == 0


class TestResponseHeaders:
    def test_success_is_json_utf8_and_not_cached(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.get("/api/v8/me", headers=token_auth(user))
        assert r.status_code == 200
        assert r.headers["content-type"] == JSON
        assert r.headers["cache-control"] == "no-store"

    def test_errors_are_json_utf8_and_not_cached(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        responses = [
            client.get("/api/v8/me", headers={"Authorization": "Basic Zm9vOmJhcg=="}),  # 403
            client.get("/api/v8/clients/999", headers=token_auth(user)),  # 404
            client.get("/api/v8/clients/abc", headers=token_auth(user)),  # 400
            client.post("/api/v8/clients", headers=token_auth(user), content=b"{"),  # 400
            client.delete("/api/v8/clients"),  # 405
        ]
        assert [r.status_code for r in responses] == [403, 404, 400, 400, 405]
        for r in responses:
            assert r.headers["content-type"] == JSON
            assert r.headers["cache-control"] == "no-store"
            assert isinstance(r.json(), list) and len(r.json()) == 1

    def test_non_ascii_is_sent_as_utf8(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        make_client(db, workspace_id=user.default_workspace_id, name="Café Ørsted · 東京")
        r = client.get("/api/v8/clients", headers=token_auth(user))
        assert "Café Ørsted · 東京".encode() in r.content
        assert r.json()[0]["name"] == "Café Ørsted · 東京"


class TestEmptyBodies:
    @pytest.mark.parametrize(("method", "path", "wrapper"), [
        ("POST", "/api/v8/clients", "client"),
        ("POST", "/api/v8/projects", "project"),
        ("POST", "/api/v8/tags", "tag"),
        ("POST", "/api/v8/time_entries", "time_entry"),
        ("POST", "/api/v8/time_entries/start", "time_entry"),
        ("PUT", "/api/v8/me", "user"),
    ])
    def test_empty_body_is_missing_wrapper_not_malformed(
        self, client: TestClient, db: Session, method: str, path: str, wrapper: str
    ) -> None:
        user = make_user(db)
        r = client.request(method, path, headers={**token_auth(user), "Content-Type": "application/json"},
                           content=b"")
        assert (r.status_code, r.json()) == (404, [f"{wrapper} can't be blank"])

    def test_empty_signup_body(self, client: TestClient) -> None:
        r = client.post("/api/v8/signups", headers={"Content-Type": "application/json"}, content=b"")
        assert (r.status_code, r.json()) == (404, ["user can't be blank"])

    def test_whitespace_only_body_counts_as_empty(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.post("/api/v8/clients", headers=token_auth(user), content=b" \r\n ")
        assert (r.status_code, r.json()) == (404, ["client can't be blank"])

    def test_json_without_content_type_is_still_parsed(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        body = json.dumps({"client": {"name": "No Header", "wid": user.default_workspace_id}}).encode()
        r = client.post("/api/v8/clients", headers={**token_auth(user), "Content-Type": "text/plain"}, content=body)
        assert (r.status_code, r.json()["data"]["name"]) == (200, "No Header")


class TestWarningHeader:
    @pytest.fixture
    def warned(self, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
        monkeypatch.setenv("PUNCHCLOCK_WARNING", "Maintenance on Sunday 02:00 UTC")
        app = create_app(Settings(database_url=db_url, rate_limit=False))
        with TestClient(app) as c:
            yield c
        app.state.engine.dispose()

    def test_warning_on_success_error_and_gone(self, warned: TestClient) -> None:
        session = warned.app.state.sessionmaker()  # type: ignore[attr-defined]
        user = make_user(session)
        session.close()
        responses = [
            warned.get("/api/v8/clients", headers=token_auth(user)),
            warned.get("/api/v8/clients", headers={"Authorization": "Basic Zm9vOmJhcg=="}),
            warned.get("/api/v3/clients"),
            warned.get("/nowhere"),
        ]
        assert [r.status_code for r in responses] == [200, 403, 410, 404]
        for r in responses:
            assert r.headers["warning"] == "Maintenance on Sunday 02:00 UTC"

    def test_no_warning_header_by_default(self, client: TestClient) -> None:
        assert "warning" not in client.get("/api/v8/clients").headers


class TestDocs:
    def test_docs_page(self, client: TestClient) -> None:
        r = client.get("/docs")
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/html")
        assert "/openapi.json" in r.text

    def test_openapi_lists_v8_paths(self, client: TestClient) -> None:
        r = client.get("/openapi.json")
        assert r.status_code == 200
        spec = r.json()
        assert spec["info"]["title"] == "punchclock"
        assert {"get", "post"} <= set(spec["paths"]["/api/v8/clients"])
        assert "/api/v8/clients/{client_id}" in spec["paths"]
        assert "/health" not in spec["paths"]
