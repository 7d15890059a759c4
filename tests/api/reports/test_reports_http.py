"""The Reports dialect at the edge: authentication, required parameters, errors, test endpoints, retired
and unknown paths, the Warning header and the rate limit (50-reports §2, §11, §12; 00-conventions §8-§10)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from punchclock.app import create_app
from punchclock.config import Settings
from punchclock.http.ratelimit import MemoryLimiter, RedisLimiter
from punchclock.reports import detailed
from tests.api.reports.conftest import Example, get_report
from tests.factories import PASSWORD, basic, make_user, make_workspace, token_auth

JSON = "application/json; charset=utf-8"
TIP = "Change your request and try again. See the punchclock API documentation."
UNAUTHORIZED = {"error": {"message": "Authentication failed: the Reports API accepts only an API token",
                          "tip": "Send HTTP Basic auth with your API token as user name and api_token as password.",
                          "code": 401}}
USER_AGENT = {"error": {"message": "user_agent parameter is required: name your application or give a contact "
                                   "e-mail", "tip": TIP, "code": 400}}
LIMITED = {"error": {"message": "Too many requests",
                     "tip": "Wait for the number of seconds in the Retry-After header, then retry.", "code": 429}}
TESTING = "This URL is intended only for testing"
DETAILS = "/reports/api/v2/details"


def error(status: int, message: str, tip: str = TIP) -> dict[str, Any]:
    return {"error": {"message": message, "tip": tip, "code": status}}


def query(ws_id: int, **extra: Any) -> dict[str, Any]:
    return {"workspace_id": ws_id, "user_agent": "tests@example.org", "since": "2023-10-02",
            "until": "2023-10-08", **extra}


class TestAuthentication:
    def test_api_token_works(self, client: TestClient, example: Example) -> None:
        r = client.get(DETAILS, params=query(example.ws.id), headers=token_auth(example.mara))
        assert (r.status_code, r.json()["total_count"]) == (200, 4)
        assert r.headers["content-type"] == JSON

    @pytest.mark.parametrize("headers", [
        {},
        {"Authorization": "Basic %%%"},
        {"Authorization": "Bearer abcdef"},
        {"Authorization": "Basic " + "bm9jb2xvbg=="},  # "nocolon"
        basic("0123456789abcdef0123456789abcdef", "api_token"),
    ], ids=["missing", "not-base64", "bearer", "no-colon", "unknown-token"])
    def test_bad_credentials_are_401(self, client: TestClient, example: Example, headers: dict[str, str]) -> None:
        r = client.get(DETAILS, params=query(example.ws.id), headers=headers)
        assert (r.status_code, r.json()) == (401, UNAUTHORIZED)
        assert r.headers["content-type"] == JSON
        assert "www-authenticate" not in r.headers

    def test_email_and_password_are_refused(self, client: TestClient, example: Example) -> None:
        assert client.get("/api/v8/me", headers=basic(example.mara.email, PASSWORD)).status_code == 200
        client.cookies.clear()
        r = client.get(DETAILS, params=query(example.ws.id), headers=basic(example.mara.email, PASSWORD))
        assert (r.status_code, r.json()) == (401, UNAUTHORIZED)

    def test_token_with_another_password_is_refused(self, client: TestClient, example: Example) -> None:
        r = client.get(DETAILS, params=query(example.ws.id), headers=basic(example.mara.api_token, "x"))
        assert (r.status_code, r.json()) == (401, UNAUTHORIZED)

    def test_session_cookie_is_refused(self, client: TestClient, example: Example) -> None:
        r = client.post("/api/v8/sessions", headers=basic(example.mara.email, PASSWORD))
        found = re.match(r"^__Host-timer-session=([^;]+);", r.headers["set-cookie"])
        assert found
        client.cookies.clear()
        cookie = {"Cookie": f"__Host-timer-session={found.group(1)}"}
        assert client.get("/api/v8/me", headers=cookie).status_code == 200  # the cookie itself is valid
        r = client.get(DETAILS, params=query(example.ws.id), headers=cookie)
        assert (r.status_code, r.json()) == (401, UNAUTHORIZED)

    def test_authentication_comes_before_parameter_checks(self, client: TestClient, example: Example) -> None:
        r = client.get(DETAILS)
        assert (r.status_code, r.json()) == (401, UNAUTHORIZED)


class TestRequiredParameters:
    def test_missing_user_agent(self, client: TestClient, example: Example) -> None:
        params = query(example.ws.id)
        del params["user_agent"]
        r = client.get(DETAILS, params=params, headers={**token_auth(example.mara), "User-Agent": "curl/8"})
        assert (r.status_code, r.json()) == (400, USER_AGENT)

    @pytest.mark.parametrize("value", ["", "   "])
    def test_empty_user_agent(self, client: TestClient, example: Example, value: str) -> None:
        r = client.get(DETAILS, params=query(example.ws.id, user_agent=value), headers=token_auth(example.mara))
        assert (r.status_code, r.json()) == (400, USER_AGENT)

    def test_missing_workspace_id(self, client: TestClient, example: Example) -> None:
        r = client.get(DETAILS, params={"user_agent": "x"}, headers=token_auth(example.mara))
        assert (r.status_code, r.json()) == (400, error(400, "workspace_id is required"))

    @pytest.mark.parametrize("value", ["abc", "1.0", "0", "-4", "1,2", "99999999999999999999"])
    def test_workspace_id_not_an_integer(self, client: TestClient, example: Example, value: str) -> None:
        r = client.get(DETAILS, params=query(example.ws.id, workspace_id=value), headers=token_auth(example.mara))
        assert (r.status_code, r.json()) == (400, error(400, "workspace_id has an invalid value"))

    def test_user_agent_is_checked_before_workspace_id(self, client: TestClient, example: Example) -> None:
        r = client.get(DETAILS, params={}, headers=token_auth(example.mara))
        assert (r.status_code, r.json()) == (400, USER_AGENT)

    def test_not_a_member_is_403(self, client: TestClient, db: Session, example: Example) -> None:
        outsider = make_user(db)
        r = get_report(client, "details", outsider, workspace_id=example.ws.id)
        assert (r.status_code, r.json()) == (403, error(403, f"You are not a member of workspace {example.ws.id}",
                                                        "Use the id of a workspace you belong to."))

    def test_own_workspace_is_fine_but_not_the_others(self, client: TestClient, db: Session,
                                                      example: Example) -> None:
        outsider = make_user(db)
        own = make_workspace(db, admin=outsider)
        assert get_report(client, "details", outsider, workspace_id=own.id).status_code == 200
        assert get_report(client, "details", outsider, workspace_id=example.ws.id).status_code == 403


class TestTestEndpoints:
    @pytest.mark.parametrize("status", [400, 500])
    def test_fixed_errors_without_authentication(self, client: TestClient, status: int) -> None:
        r = client.get(f"/reports/api/v2/error{status}")
        assert (r.status_code, r.json()) == (status, error(status, TESTING,
                                                           "Use it to check how your client handles errors."))
        assert r.headers["warning"] == TESTING
        assert r.headers["content-type"] == JSON

    @pytest.mark.parametrize("status", [400, 500])
    def test_parameters_and_credentials_change_nothing(self, client: TestClient, db: Session, status: int) -> None:
        user = make_user(db)
        r = client.get(f"/reports/api/v2/error{status}?user_agent=x&workspace_id=abc", headers=token_auth(user))
        assert (r.status_code, r.json()["error"]["code"], r.headers["warning"]) == (status, status, TESTING)
        r = client.get(f"/reports/api/v2/error{status}", headers={"Authorization": "Basic %%%"})
        assert r.status_code == status


class TestPaths:
    @pytest.mark.parametrize("path", ["/reports/api/v1/details", "/reports/api/v1/weekly?workspace_id=1",
                                      "/reports/api/v1"])
    def test_reports_v1_is_410(self, client: TestClient, path: str) -> None:
        r = client.get(path)
        assert (r.status_code, r.json()) == (410, error(410, "This API version is no longer available",
                                                        "Use /reports/api/v2"))

    @pytest.mark.parametrize("path", ["/reports/api/v2/nothing", "/reports/api/v2/details/extra",
                                      "/reports/api/v2/"])
    def test_unknown_path_is_404_in_the_reports_format(self, client: TestClient, example: Example,
                                                       path: str) -> None:
        r = client.get(path, headers=token_auth(example.mara))
        assert (r.status_code, r.json()) == (404, error(404, "Not found", "Check the request path and method."))
        assert r.headers["content-type"] == JSON

    def test_wrong_method_in_the_reports_format(self, client: TestClient, example: Example) -> None:
        r = client.post(DETAILS, params=query(example.ws.id), headers=token_auth(example.mara))
        assert (r.status_code, r.json()) == (405, error(405, "Method not allowed",
                                                        "Check the request path and method."))

    def test_trailing_slash_is_the_same_report(self, client: TestClient, example: Example) -> None:
        r = client.get(DETAILS + "/", params=query(example.ws.id), headers=token_auth(example.mara))
        assert (r.status_code, r.json()["total_count"]) == (200, 4)


class TestUnexpectedFailure:
    def test_500_in_the_reports_format(self, app: Any, db: Session, example: Example,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
        def broken(*args: Any, **kwargs: Any) -> None:
            raise RuntimeError("boom")

        monkeypatch.setattr(detailed, "report", broken)
        with TestClient(app, raise_server_exceptions=False) as c:
            r = c.get(DETAILS, params=query(example.ws.id), headers=token_auth(example.mara))
        assert (r.status_code, r.json()["error"]["code"], r.json()["error"]["message"]) == (
            500, 500, "Internal error")


class TestOperatorWarning:
    @pytest.fixture
    def settings(self, db_url: str) -> Settings:
        return Settings(database_url=db_url, rate_limit=False, public_url="http://testserver",
                        warning="Maintenance on Sunday 02:00 UTC")

    def test_warning_on_success_and_on_errors(self, client: TestClient, example: Example) -> None:
        ok = client.get(DETAILS, params=query(example.ws.id), headers=token_auth(example.mara))
        refused = client.get(DETAILS, params=query(example.ws.id))
        bad = client.get(DETAILS, params=query(example.ws.id, page="-1"), headers=token_auth(example.mara))
        assert [(r.status_code, r.headers.get_list("warning")) for r in (ok, refused, bad)] == [
            (200, ["Maintenance on Sunday 02:00 UTC"]), (401, ["Maintenance on Sunday 02:00 UTC"]),
            (400, ["Maintenance on Sunday 02:00 UTC"])]

    def test_test_endpoint_keeps_its_own_warning(self, client: TestClient) -> None:
        r = client.get("/reports/api/v2/error400")
        assert TESTING in r.headers.get_list("warning")


# -- rate limit (00-conventions §9, O-73) ------------------------------------------------------------

def limited_settings(db_url: str, redis_url: str | None = None, *, drain: float | None = None) -> Settings:
    """The limiter on. ``drain=None``: Reports at their defaults (1 request/s, capacity 2). Otherwise both
    APIs drain ``drain`` requests/s, so that a slow machine cannot drain a unit in the middle of a test;
    v8 keeps capacity 3 to tell the two buckets apart."""
    rates: dict[str, Any] = {"v8_rate_per_second": 1 if drain is None else drain, "v8_burst": 3}
    if drain is not None:
        rates["reports_rate_per_second"] = drain
    return Settings(database_url=db_url, rate_limit=True, redis_url=redis_url, public_url="http://testserver",
                    **rates)


SLOW = 0.01  # one unit drains in 100 s


def statuses(c: TestClient, n: int, path: str, **kw: Any) -> list[int]:
    return [c.get(path, **kw).status_code for _ in range(n)]


class DefaultRate:
    def test_defaults_are_one_per_second_capacity_two(self, app: Any) -> None:
        assert (app.state.reports_rate.per_second, app.state.reports_rate.burst) == (1.0, 2)

    def test_third_rapid_request_is_429_retry_after_1(self, client: TestClient, example: Example) -> None:
        auth = token_auth(example.mara)
        # The first two are cheap (refused for a missing user_agent, after being charged), so all three
        # fit well inside the second it takes to drain one unit.
        assert statuses(client, 2, DETAILS, headers=auth) == [400, 400]
        r = client.get(DETAILS, params=query(example.ws.id), headers=auth)
        assert (r.status_code, r.json(), r.headers["retry-after"]) == (429, LIMITED, "1")
        assert r.headers["content-type"] == JSON


class RateScenarios:
    def test_third_request_is_429(self, client: TestClient, example: Example) -> None:
        auth = token_auth(example.mara)
        assert statuses(client, 2, DETAILS, params=query(example.ws.id), headers=auth) == [200, 200]
        r = client.get(DETAILS, params=query(example.ws.id), headers=auth)
        assert (r.status_code, r.json()) == (429, LIMITED)
        assert 95 <= int(r.headers["retry-after"]) <= 100
        # the test endpoints are not behind the limiter
        assert client.get("/reports/api/v2/error400", headers=auth).status_code == 400

    def test_reports_bucket_is_separate_from_v8(self, client: TestClient, example: Example) -> None:
        auth = token_auth(example.mara)
        assert statuses(client, 3, DETAILS, params=query(example.ws.id), headers=auth) == [200, 200, 429]
        assert statuses(client, 4, "/api/v8/me", headers=auth) == [200, 200, 200, 429]

    def test_v8_exhausted_leaves_reports_alone(self, client: TestClient, example: Example) -> None:
        auth = token_auth(example.mara)
        assert statuses(client, 4, "/api/v8/me", headers=auth) == [200, 200, 200, 429]
        assert statuses(client, 3, DETAILS, params=query(example.ws.id), headers=auth) == [200, 200, 429]

    def test_each_token_has_its_bucket(self, client: TestClient, example: Example) -> None:
        params = query(example.ws.id)
        assert statuses(client, 3, DETAILS, params=params, headers=token_auth(example.mara)) == [200, 200, 429]
        assert statuses(client, 2, DETAILS, params=params, headers=token_auth(example.jonas)) == [200, 200]

    def test_refused_credentials_charge_the_ip_bucket(self, client: TestClient, example: Example) -> None:
        bad = {"Authorization": "Basic %%%"}
        assert statuses(client, 2, DETAILS, params=query(example.ws.id), headers=bad) == [401, 401]
        r = client.get(DETAILS, params=query(example.ws.id), headers=bad)
        assert (r.status_code, r.json()) == (429, LIMITED)
        assert statuses(client, 1, DETAILS, params=query(example.ws.id)) == [429]  # no credentials: same bucket
        # a valid token is keyed by the token, not by the exhausted IP bucket
        assert statuses(client, 1, DETAILS, params=query(example.ws.id), headers=token_auth(example.mara)) == [200]

    def test_requests_failing_later_are_charged_too(self, client: TestClient, example: Example) -> None:
        auth = token_auth(example.mara)
        assert statuses(client, 2, DETAILS, params={"user_agent": "x"}, headers=auth) == [400, 400]
        assert statuses(client, 1, DETAILS, params=query(example.ws.id), headers=auth) == [429]


class TestRateLimitMemory(RateScenarios):
    @pytest.fixture
    def settings(self, db_url: str) -> Settings:
        return limited_settings(db_url, drain=SLOW)

    def test_uses_memory(self, app: Any) -> None:
        assert isinstance(app.state.limiter, MemoryLimiter)


class TestRateLimitMemoryDefault(DefaultRate):
    @pytest.fixture
    def settings(self, db_url: str) -> Settings:
        return limited_settings(db_url)


class TestRateLimitRedis(RateScenarios):
    @pytest.fixture
    def settings(self, db_url: str, redis_url: str) -> Settings:
        return limited_settings(db_url, redis_url, drain=SLOW)

    def test_uses_redis(self, app: Any) -> None:
        assert isinstance(app.state.limiter, RedisLimiter)

    def test_two_workers_share_the_bucket(self, settings: Settings, client: TestClient, example: Example) -> None:
        second = create_app(settings)
        try:
            with TestClient(second) as other:
                auth, params = token_auth(example.mara), query(example.ws.id)
                seen = [c.get(DETAILS, params=params, headers=auth).status_code for c in (client, other, client)]
        finally:
            second.state.engine.dispose()
        assert seen == [200, 200, 429]


class TestRateLimitRedisDefault(DefaultRate):
    @pytest.fixture
    def settings(self, db_url: str, redis_url: str) -> Settings:
        return limited_settings(db_url, redis_url)
