"""``/openapi.json``: security applied, no 422, the error dialects, the Reports parameters (issue item 8)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from punchclock.app import create_app
from punchclock.config import Settings

BASIC, COOKIE = {"basicAuth": []}, {"sessionCookie": []}
#: Every Reports operation in the document; error400/error500 are test endpoints and stay out.
#: Described in their own tests (tests/api/v9, tests/api/reports_v3, tests/webhooks).
NEWER = ("/api/v9/", "/reports/api/v3/", "/webhooks/")
REPORTS = {f"/reports/api/v2/{name}" for name in (
    "details", "details.csv", "details.pdf", "summary", "summary.csv", "summary.pdf",
    "weekly", "weekly.csv", "weekly.pdf", "project")}
FILTERS = {"since", "until", "billable", "client_ids", "project_ids", "user_ids", "members_of_group_ids",
           "or_members_of_group_ids", "tag_ids", "task_ids", "time_entry_ids", "description", "without_description",
           "distinct_rates", "rounding", "display_hours", "order_field", "order_desc"}


@pytest.fixture(scope="module")
def doc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    # The document does not depend on the data: one SQLite app serves the whole module.
    path = tmp_path_factory.mktemp("openapi") / "db.sqlite"
    app = create_app(Settings(database_url=f"sqlite:///{path}", rate_limit=False, session_cookie_name="sid"))
    with TestClient(app) as client:
        r = client.get("/openapi.json")
    app.state.engine.dispose()
    assert r.status_code == 200
    yield r.json()


def operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            yield method.upper(), path, op


def test_security_schemes(doc: dict[str, Any]) -> None:
    schemes = doc["components"]["securitySchemes"]
    assert set(schemes) == {"basicAuth", "sessionCookie"}
    assert {k: schemes["basicAuth"][k] for k in ("type", "scheme")} == {"type": "http", "scheme": "basic"}
    assert "api_token" in schemes["basicAuth"]["description"]
    # The cookie's name follows the setting (here "sid", by default __Host-timer-session).
    assert {k: schemes["sessionCookie"][k] for k in ("type", "in", "name")} == {
        "type": "apiKey", "in": "cookie", "name": "sid"}


def test_security_applied_to_every_operation(doc: dict[str, Any]) -> None:
    anonymous = {(m, p) for m, p, op in operations(doc) if op["security"] == []}
    assert anonymous == {("POST", "/api/v8/signups"), ("GET", "/user/accept_invitation"),
                         ("GET", "/avatars/{name}.svg"), ("GET", "/api/v9/status"), ("POST", "/api/v9/signup"),
                         ("GET", "/webhooks/api/v1/status"),
                         ("GET", "/webhooks/api/v1/validate/{workspace_id}/{subscription_id}/{validation_code}")}
    optional = {(m, p) for m, p, op in operations(doc) if {} in op["security"]}
    assert optional == {("POST", "/api/v8/sessions"), ("POST", "/user/accept_invitation")}
    for method, path, op in operations(doc):
        if path.startswith("/reports/api/v2/"):
            assert op["security"] == [BASIC], path  # token only (50-reports §2)
        elif (method, path) not in anonymous:
            assert op["security"][:2] == [BASIC, COOKIE], (method, path)
    assert sum(1 for _, p, _ in operations(doc) if not p.startswith(NEWER)) == 70


def test_no_422_and_no_validation_schemas(doc: dict[str, Any]) -> None:
    for method, path, op in operations(doc):
        assert "422" not in op["responses"], (method, path)
    assert "HTTPValidationError" not in doc["components"]["schemas"]
    assert "ValidationError" not in doc["components"]["schemas"]


def test_error_schemas_per_dialect(doc: dict[str, Any]) -> None:
    schemas, responses = doc["components"]["schemas"], doc["components"]["responses"]
    assert schemas["V8Errors"]["type"] == "array" and schemas["V8Errors"]["items"] == {"type": "string"}
    assert schemas["ReportsError"]["properties"]["error"]["required"] == ["message", "tip", "code"]
    assert sorted(k for k in responses if k.startswith("V8Error")) == [f"V8Error{s}" for s in (400, 402, 403, 404, 429)]
    assert sorted(k for k in responses if k.startswith("ReportsError")) == [
        f"ReportsError{s}" for s in (400, 401, 402, 403, 404, 429)]
    assert responses["V8Error429"]["headers"]["Retry-After"]["schema"] == {"type": "integer"}
    assert responses["ReportsError429"]["headers"]["Retry-After"]["schema"] == {"type": "integer"}
    assert sorted(k for k in responses if k.startswith("V9Error")) == [
        f"V9Error{s}" for s in (400, 402, 403, 404, 409, 429)]
    for method, path, op in operations(doc):
        dialect = ("ReportsError" if path.startswith("/reports/api/v2/") else
                   "ReportsV3Error" if path.startswith("/reports/api/v3/") else
                   "WebhooksError" if path.startswith("/webhooks/") else
                   "V9Error" if path.startswith("/api/v9/") else "V8Error")
        expected = ({"400", "401", "403", "429"} if dialect == "ReportsError" else
                    {"400", "403", "429"} if dialect == "ReportsV3Error" else {"400", "403", "404", "429"})
        if path == "/avatars/{name}.svg":
            expected = {"404"}
        if path == "/webhooks/api/v1/status":
            expected = set()
        elif path.startswith("/webhooks/api/v1/validate/"):
            expected = {"400", "429"}
        errors = {s for s in op["responses"] if s >= "400"}
        assert expected <= errors, (method, path)
        for status in errors:
            assert op["responses"][status] == {"$ref": f"#/components/responses/{dialect}{status}"}, (method, path)
    project = doc["paths"]["/reports/api/v2/project"]["get"]["responses"]
    assert {"402", "404"} <= set(project)
    assert "402" in doc["paths"]["/api/v8/tasks"]["post"]["responses"]


def test_reports_parameters(doc: dict[str, Any]) -> None:
    assert {p for p in doc["paths"] if p.startswith("/reports/api/v2/")} == REPORTS
    for path in REPORTS:
        parameters = {p["name"]: p for p in doc["paths"][path]["get"]["parameters"]}
        assert all(p["in"] == "query" for p in parameters.values())
        assert parameters["user_agent"]["required"] is True
        assert parameters["workspace_id"]["required"] is True
        assert parameters["workspace_id"]["schema"]["type"] == "integer"
        required = {n for n, p in parameters.items() if p["required"]}
        assert required == ({"user_agent", "workspace_id", "project_id"} if path.endswith("/project")
                            else {"user_agent", "workspace_id"})
        if not path.endswith("/project"):
            assert set(parameters) >= FILTERS, path
    summary = {p["name"]: p for p in doc["paths"]["/reports/api/v2/summary"]["get"]["parameters"]}
    assert summary["subgrouping"]["schema"]["enum"] == ["projects", "clients", "users", "tasks", "time_entries"]
    assert summary["grouping"]["schema"]["enum"] == ["projects", "clients", "users"]
    assert summary["project_ids"]["style"] == "form" and summary["project_ids"]["explode"] is False
    weekly = {p["name"] for p in doc["paths"]["/reports/api/v2/weekly"]["get"]["parameters"]}
    assert {"grouping", "calculate"} <= weekly and "page" not in weekly
    details = {p["name"] for p in doc["paths"]["/reports/api/v2/details"]["get"]["parameters"]}
    assert "page" in details and "bars_count" not in details


def test_reports_bodies(doc: dict[str, Any]) -> None:
    def ok(path: str) -> dict[str, Any]:
        return doc["paths"][path]["get"]["responses"]["200"]["content"]  # type: ignore[no-any-return]

    for name, component in (("details", "ReportsDetailed"), ("summary", "ReportsSummary"),
                            ("weekly", "ReportsWeekly"), ("project", "ReportsProjectDashboard")):
        assert ok(f"/reports/api/v2/{name}") == {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}}
        assert component in doc["components"]["schemas"]
    for name in ("details", "summary", "weekly"):
        assert list(ok(f"/reports/api/v2/{name}.csv")) == ["text/csv"]
        assert list(ok(f"/reports/api/v2/{name}.pdf")) == ["application/pdf"]


def test_test_endpoints_left_out(doc: dict[str, Any]) -> None:
    paths = set(doc["paths"])
    assert not {"/reports/api/v2/error400", "/reports/api/v2/error500", "/health", "/docs", "/redoc"} & paths


def test_default_cookie_name() -> None:
    from punchclock.http.openapi import security_schemes

    assert security_schemes(Settings())["sessionCookie"]["name"] == "__Host-timer-session"
