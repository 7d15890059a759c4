"""API v9 edge conventions (10- §1-§3, §6, §11; README §5): unknown paths, methods, slashes, bodies, caching."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.orm import Session

from punchclock.app import create_app
from punchclock.config import Settings
from punchclock.models import User
from tests.api.v9.documented import documented
from tests.factories import make_user, token_auth

JSON = "application/json; charset=utf-8"


def assert_error(r: Response, status: int, message: str) -> None:
    assert (r.status_code, r.json()) == (status, message)
    assert r.headers["content-type"] == JSON
    assert r.headers["cache-control"] == "no-store"


class TestUnknownPathsAndMethods:
    @pytest.mark.parametrize("path", ["/api/v9/nothing", "/api/v9/me/quota", "/api/v9/currencies",
                                      "/api/v9/workspaces/1/favorites", "/api/v9/me/preferences/web",
                                      "/api/v9/me/close_account", "/api/v9"])
    def test_unlisted_paths_are_404_json_strings(self, client: TestClient, db: Session, path: str) -> None:
        user = make_user(db)
        assert_error(client.get(path, headers=token_auth(user)), 404, "Not found")
        assert_error(client.post(path, headers=token_auth(user), json={}), 404, "Not found")
        assert_error(client.get(path), 404, "Not found")  # without credentials too: nothing to reveal

    @pytest.mark.parametrize(("method", "path"), [("DELETE", "/api/v9/me"), ("POST", "/api/v9/me"),
                                                  ("PUT", "/api/v9/me/logged"), ("GET", "/api/v9/me/reset_token"),
                                                  ("PATCH", "/api/v9/me/preferences"), ("GET", "/api/v9/signup"),
                                                  ("POST", "/api/v9/status")])
    def test_listed_path_with_another_method_is_405(self, client: TestClient, db: Session, method: str,
                                                    path: str) -> None:
        user = make_user(db)
        r = client.request(method, path, headers=token_auth(user))
        assert_error(r, 405, "Method not allowed")
        assert method not in r.headers["allow"].split(", ")
        assert "OPTIONS" in r.headers["allow"]

    def test_405_names_the_allowed_methods(self, client: TestClient, db: Session) -> None:
        r = client.delete("/api/v9/me", headers=token_auth(make_user(db)))
        assert (r.status_code, r.headers["allow"]) == (405, "GET, HEAD, OPTIONS, PUT")
        r = client.delete("/api/v9/me/preferences/")  # with the trailing slash too, before any authentication
        assert (r.status_code, r.headers["allow"]) == (405, "GET, HEAD, OPTIONS, POST")

    def test_options_lists_the_methods(self, client: TestClient) -> None:
        r = client.options("/api/v9/me")
        assert (r.status_code, r.headers["allow"]) == (200, "GET, HEAD, OPTIONS, PUT")


class TestTrailingSlash:
    def test_one_trailing_slash_is_the_same_path(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        plain = client.get("/api/v9/me", headers=token_auth(user)).json()
        assert documented(client).check("GET", "/me", client.get("/api/v9/me/", headers=token_auth(user))) == plain
        r = client.put("/api/v9/me/", headers=token_auth(user), json={"fullname": "Slash Ed"})
        assert documented(client).check("PUT", "/me", r)["fullname"] == "Slash Ed"
        r = client.get("/api/v9/status/")
        assert documented(client).check("GET", "/status", r) == {"status": "OK"}
        r = client.get("/api/v9/me/preferences/?x=1", headers=token_auth(user))
        assert documented(client).check("GET", "/me/preferences", r)["BeginningOfWeek"] == 1


@pytest.fixture
def small_client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update={"max_body_bytes": 100}))
    with TestClient(app) as c:
        yield c
    app.state.engine.dispose()


def stored_name(db: Session, user: User) -> str:
    db.expire_all()
    return str(db.get_one(User, user.id).fullname)


class TestBodies:
    def test_body_too_large_is_a_400_json_string(self, small_client: TestClient, db: Session) -> None:
        user = make_user(db, fullname="Kept")
        body = b'{"fullname": "' + b"x" * 200 + b'"}'
        r = small_client.put("/api/v9/me", headers=token_auth(user), content=body)
        assert_error(r, 400, "Request body too large")

        def chunks() -> Iterator[bytes]:  # no Content-Length: the limit holds while reading
            yield body[:50]
            yield body[50:]

        r = small_client.put("/api/v9/me", headers=token_auth(user), content=chunks())
        assert_error(r, 400, "Request body too large")
        assert stored_name(db, user) == "Kept"

    def test_malformed_json_is_400(self, client: TestClient, db: Session) -> None:
        user = make_user(db, fullname="Kept")
        for raw in (b'{"fullname": ', b"{'fullname': 'x'}", b"\xff\xfe"):
            assert_error(client.put("/api/v9/me", headers=token_auth(user), content=raw), 400, "Invalid JSON")
        assert stored_name(db, user) == "Kept"

    def test_body_of_another_json_type_is_400(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        for body in (["fullname"], "fullname", 5):
            r = client.put("/api/v9/me", headers=token_auth(user), json=body)
            assert r.status_code == 400 and isinstance(r.json(), str)

    def test_json_is_read_whatever_the_content_type(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.put("/api/v9/me", headers={**token_auth(user), "Content-Type": "text/plain"},
                       content=b'{"fullname": "Plain Text"}')
        assert documented(client).check("PUT", "/me", r)["fullname"] == "Plain Text"

    def test_get_bodies_are_ignored(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.request("GET", "/api/v9/me", headers={**token_auth(user), "Content-Type": "application/json"},
                           content=b"{not json")
        assert documented(client).check("GET", "/me", r)["id"] == user.id

    def test_control_character_in_a_query_parameter_is_400(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.get("/api/v9/me?with_related_data=%01", headers=token_auth(user))
        assert_error(r, 400, "Invalid with_related_data")


class TestCaching:
    def test_every_answer_says_no_store(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        for r in (client.get("/api/v9/me", headers=token_auth(user)),
                  client.get("/api/v9/me/logged", headers=token_auth(user)),
                  client.post("/api/v9/me/preferences", headers=token_auth(user), json={}),
                  client.get("/api/v9/status"),
                  client.get("/api/v9/me"),
                  client.get("/api/v9/currencies")):
            assert r.headers["cache-control"] == "no-store", r.request.url


class TestUnexpectedFault:
    def test_500_is_a_json_string_and_rolls_back(self, app: object, db: Session,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
        from punchclock.http.v9.routes import me

        def broken(*_args: object) -> None:
            raise RuntimeError("boom")

        monkeypatch.setattr(me, "features_out", broken)
        user = make_user(db)
        with TestClient(app, raise_server_exceptions=False) as c:  # type: ignore[arg-type]
            r = c.get("/api/v9/me/features", headers=token_auth(user))
            assert_error(r, 500, "Internal Server Error")
            assert documented(c).check("GET", "/me", c.get("/api/v9/me", headers=token_auth(user)))["id"] == user.id
