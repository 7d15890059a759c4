"""``/openapi.json`` documents every ``/api/v8`` operation, and real answers match what it says.

The response objects are published with ``additionalProperties: false``, so a field the server starts
sending without documenting it fails here, as does a documented type or required field it breaks.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from jsonschema import Draft202012Validator
from sqlalchemy.orm import Session

from tests.factories import PASSWORD, add_member, basic, make_user, make_workspace, token_auth

V8 = "/api/v8"
WRITES = ("post", "put", "patch")
#: Writes that take no body by design (00-conventions §2.1: any body is ignored).
NO_BODY = {
    ("post", "/api/v8/reset_token"),
    ("post", "/api/v8/time_entries/current"),
    ("put", "/api/v8/time_entries/{time_entry_id}/stop"),
    ("post", "/api/v8/time_entries/{time_entry_id}/stop"),
}
#: A body that may be left out: e-mail + password instead of credentials (O-8).
OPTIONAL_BODY = {("post", "/api/v8/sessions")}


def _spec(client: TestClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    spec: dict[str, Any] = response.json()
    return spec


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, op) for path, ops in spec["paths"].items() if path.startswith(V8 + "/")
            for method, op in ops.items()]


def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        *_, kind, name = node["$ref"].split("/")
        node = spec["components"][kind][name]
    return node


def _success_schema(spec: dict[str, Any], op: dict[str, Any]) -> dict[str, Any]:
    answer = _resolve(spec, op["responses"]["200"])
    schema: dict[str, Any] = answer["content"]["application/json"]["schema"]
    return schema


# -- the document ------------------------------------------------------------------------------------

def test_every_v8_operation_documents_its_body_and_answer(client: TestClient) -> None:
    spec = _spec(client)
    ops = _operations(spec)
    writes = [(m, p, op) for m, p, op in ops if m in WRITES]
    with_body = {(m, p) for m, p, op in writes if "requestBody" in op}
    assert (len(ops), len(writes)) == (57, 25)
    assert with_body == {(m, p) for m, p, _ in writes} - NO_BODY
    assert len(with_body) == 21
    assert not [(m, p) for m, p, op in ops if m not in WRITES and "requestBody" in op]
    for method, path, op in writes:
        if (method, path) not in with_body:
            continue
        body = op["requestBody"]
        assert body["required"] is ((method, path) not in OPTIONAL_BODY), (method, path)
        schema = body["content"]["application/json"]["schema"]
        assert schema["$ref"].startswith("#/components/schemas/V8"), (method, path)
        assert _resolve(spec, schema)["properties"], (method, path)
    answered = [(m, p) for m, p, op in ops if _success_schema(spec, op)]
    assert len(answered) == 57
    assert all(op["summary"] and op["responses"]["200"]["description"] for _, _, op in ops)


def test_v8_parameters_are_typed_and_described(client: TestClient) -> None:
    spec = _spec(client)
    seen = 0
    for method, path, op in _operations(spec):
        names = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
        assert names == set(re.findall(r"{(\w+)}", path)), (method, path)
        for param in op.get("parameters", []):
            seen += 1
            assert param["description"], (method, path, param["name"])
            schema = param["schema"]
            assert schema.get("type") in ("integer", "string", "boolean"), (method, path, schema)
            if param["in"] == "path":
                # one id is an integer; a mass endpoint takes a comma-separated list
                assert (schema["type"] == "string") is param["name"].endswith("_ids"), (path, schema)
    assert seen == 55
    params = {p["name"]: p for p in spec["paths"][V8 + "/workspaces/{workspace_id}/projects"]["get"]["parameters"]}
    assert set(params) == {"workspace_id", "active", "actual_hours", "only_templates"}
    assert params["active"]["schema"]["enum"] == ["true", "false", "both"]


def test_request_bodies_come_from_the_input_models(client: TestClient) -> None:
    schemas = _spec(client)["components"]["schemas"]
    project = schemas["V8ProjectCreate"]
    assert project["required"] == ["project"]
    assert project["properties"]["project"] == {
        "allOf": [{"$ref": "#/components/schemas/V8ProjectFields"}], "required": ["name", "wid"]}
    fields = schemas["V8ProjectFields"]["properties"]
    assert {"wid", "cid", "rate", "color", "estimated_hours"} <= set(fields)  # wire names, not attributes
    assert fields["rate"] == {"anyOf": [{"type": "number"}, {"type": "string"}, {"type": "null"}]}
    assert schemas["V8ProjectUpdate"]["properties"]["project"] == {"$ref": "#/components/schemas/V8ProjectFields"}
    assert schemas["V8Invitation"]["required"] == ["emails"]
    refs = re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(_spec(client)))
    assert set(refs) <= set(schemas)


# -- real answers against the document ---------------------------------------------------------------

class Contract:
    """Validates answers against the 200 schema of the operation that served them."""

    def __init__(self, client: TestClient, headers: dict[str, str]) -> None:
        self.client = client
        self.headers = headers
        self.spec = _spec(client)
        self.validator_class = Draft202012Validator
        self.checked: set[tuple[str, str]] = set()

    def call(self, method: str, template: str, *, path: dict[str, Any] | None = None,
             headers: dict[str, str] | None = None, **kwargs: Any) -> Any:
        url = V8 + template.format(**(path or {}))
        response: Response = self.client.request(method, url, headers=headers or self.headers, **kwargs)
        assert response.status_code == 200, (method, url, response.text)
        body = response.json()
        self.validate(method, template, body)
        return body

    def validate(self, method: str, template: str, body: Any) -> None:
        op = self.spec["paths"][V8 + template][method.lower()]
        schema = {**_success_schema(self.spec, op), "components": self.spec["components"]}
        errors = sorted(self.validator_class(schema).iter_errors(body), key=str)
        assert not errors, f"{method} {template}: {errors[0].message} at {list(errors[0].absolute_path)}"
        self.checked.add((method.lower(), template))


@pytest.fixture
def contract(client: TestClient, db: Session) -> tuple[Contract, Any, Any]:
    user = make_user(db, fullname="Ada Admin")
    ws = make_workspace(db, admin=user, name="Premium", premium=True)
    return Contract(client, token_auth(user)), user, ws


def test_users_and_sessions_answer_as_documented(client: TestClient, contract: tuple[Contract, Any, Any]) -> None:
    c, user, _ = contract
    me = c.call("POST", "/signups", headers={}, json={"user": {
        "email": "new@example.org", "password": "secret-pass", "timezone": "Europe/Berlin", "created_with": "t"}})
    assert me["data"]["email"] == "new@example.org"
    c.call("GET", "/me")
    c.call("GET", "/me", headers=basic(user.email, PASSWORD), params={"with_related_data": "true"})
    c.call("PUT", "/me", json={"user": {"fullname": "Ada B.", "beginning_of_week": 0}})
    c.call("POST", "/sessions", headers={}, json={"email": user.email, "password": PASSWORD},
           params={"with_related_data": "true"})
    assert c.call("DELETE", "/sessions") is None
    assert isinstance(c.call("POST", "/reset_token", headers=token_auth(user)), str)
    assert len(c.checked) == 6


def test_workspace_answers_as_documented(client: TestClient, db: Session,
                                         contract: tuple[Contract, Any, Any]) -> None:
    c, _, ws = contract
    colleague, leaver = make_user(db, fullname="Bo Colleague"), make_user(db)
    member = add_member(db, ws, colleague)
    add_member(db, ws, leaver)
    w = {"workspace_id": ws.id}
    assert len(c.call("GET", "/workspaces")) == 2
    c.call("GET", "/workspaces/{workspace_id}", path=w)
    c.call("PUT", "/workspaces/{workspace_id}", path=w, json={"workspace": {"default_hourly_rate": 12.5}})
    assert len(c.call("GET", "/workspaces/{workspace_id}/users", path=w)) == 3
    invited = c.call("POST", "/workspaces/{workspace_id}/invite", path=w,
                     json={"emails": ["guest@example.org", colleague.email]})
    assert len(invited["data"]) == 1 and invited["data"][0]["invite_url"]
    users = c.call("GET", "/workspaces/{workspace_id}/workspace_users", path=w)
    assert {u["active"] for u in users} == {True, False}
    group = c.call("POST", "/groups", json={"group": {"name": "Crew", "wid": ws.id}})["data"]
    c.call("PUT", "/groups/{group_id}", path={"group_id": group["id"]}, json={"group": {"name": "Crew 2"}})
    assert len(c.call("GET", "/workspaces/{workspace_id}/groups", path=w)) == 1
    wu = c.call("PUT", "/workspace_users/{workspace_user_id}", path={"workspace_user_id": member.id},
                json={"workspace_user": {"group_ids": [group["id"]], "admin": False}})
    assert wu["data"]["group_ids"] == [group["id"]]
    c.call("GET", "/dashboard/{workspace_id}", path=w)
    c.call("DELETE", "/groups/{group_id}", path={"group_id": group["id"]})
    c.call("DELETE", "/workspace_users/{workspace_user_id}", path={"workspace_user_id": member.id})
    c.call("DELETE", "/workspaces/{workspace_id}/leave", path=w, headers=token_auth(leaver))
    assert len(c.checked) == 14


def test_catalog_answers_as_documented(client: TestClient, db: Session,
                                       contract: tuple[Contract, Any, Any]) -> None:
    c, user, ws = contract
    colleagues = [make_user(db) for _ in range(3)]
    for other in colleagues:
        add_member(db, ws, other)
    w = {"workspace_id": ws.id}
    client_ = c.call("POST", "/clients", json={"client": {"name": "Acme", "wid": ws.id, "hrate": 50,
                                                          "cur": "EUR", "notes": "n"}})["data"]
    cl = {"client_id": client_["id"]}
    c.call("GET", "/clients/{client_id}", path=cl)
    c.call("PUT", "/clients/{client_id}", path=cl, json={"client": {"name": "Acme Inc", "hrate": 45.5}})
    c.call("GET", "/clients")
    c.call("GET", "/workspaces/{workspace_id}/clients", path=w)

    project = c.call("POST", "/projects", json={"project": {
        "name": "Site", "wid": ws.id, "cid": client_["id"], "rate": 80, "currency": "EUR", "color": 3}})["data"]
    pr = {"project_id": project["id"]}
    c.call("GET", "/projects/{project_id}", path=pr)
    c.call("PUT", "/projects/{project_id}", path=pr, json={"project": {"auto_estimates": True, "billable": True}})
    assert c.call("GET", "/workspaces/{workspace_id}/projects", path=w, params={"actual_hours": "true"})
    assert c.call("GET", "/clients/{client_id}/projects", path=cl, params={"active": "both"})

    task = c.call("POST", "/tasks", json={"task": {"name": "Build", "pid": project["id"], "uid": user.id,
                                                   "estimated_seconds": 3600}})["data"]
    other = c.call("POST", "/tasks", json={"task": {"name": "Test", "pid": project["id"]}})["data"]
    c.call("GET", "/tasks/{task_id}", path={"task_id": task["id"]}, params={"fields": "done_seconds,uname"})
    c.call("PUT", "/tasks/{task_ids}", path={"task_ids": task["id"]}, json={"task": {"active": False}})
    many = c.call("PUT", "/tasks/{task_ids}", path={"task_ids": f"{task['id']},{other['id']}"},
                  json={"task": {"active": True}})
    assert len(many["data"]) == 2
    c.call("GET", "/projects/{project_id}/tasks", path=pr, params={"fields": "uname"})
    c.call("GET", "/workspaces/{workspace_id}/tasks", path=w, params={"active": "both"})

    one = c.call("POST", "/project_users", json={"project_user": {"pid": project["id"], "uid": colleagues[2].id,
                                                                  "manager": True, "rate": 60}})["data"]
    pair = c.call("POST", "/project_users", json={"project_user": {
        "pid": project["id"], "uid": ",".join(str(u.id) for u in colleagues[:2]), "fields": "fullname"}})["data"]
    assert len(pair) == 2
    c.call("PUT", "/project_users/{project_user_ids}", path={"project_user_ids": one["id"]},
           json={"project_user": {"rate": 70}})
    c.call("PUT", "/project_users/{project_user_ids}", path={"project_user_ids": f"{pair[0]['id']},{pair[1]['id']}"},
           json={"project_user": {"manager": True}})
    c.call("GET", "/projects/{project_id}/project_users", path=pr, params={"fields": "fullname"})
    c.call("GET", "/workspaces/{workspace_id}/project_users", path=w)

    tag = c.call("POST", "/tags", json={"tag": {"name": "urgent", "wid": ws.id}})["data"]
    c.call("PUT", "/tags/{tag_id}", path={"tag_id": tag["id"]}, json={"tag": {"name": "later"}})
    c.call("GET", "/workspaces/{workspace_id}/tags", path=w)

    related = c.call("GET", "/me", params={"with_related_data": "true"})["data"]
    assert related["projects"] and related["tasks"] and related["clients"] and related["tags"]
    c.call("DELETE", "/project_users/{project_user_ids}", path={"project_user_ids": one["id"]})
    c.call("DELETE", "/tasks/{task_ids}", path={"task_ids": other["id"]})
    c.call("DELETE", "/tags/{tag_id}", path={"tag_id": tag["id"]})
    c.call("DELETE", "/projects/{project_ids}", path={"project_ids": project["id"]})
    c.call("DELETE", "/clients/{client_id}", path=cl)
    # the ``since`` form lists tombstones, with ``server_deleted_at``
    synced = c.call("GET", "/me", params={"with_related_data": "true", "since": "1"})["data"]
    assert any("server_deleted_at" in p for p in synced["projects"])
    assert len(c.checked) == 28


def test_time_entry_answers_as_documented(client: TestClient, db: Session,
                                          contract: tuple[Contract, Any, Any]) -> None:
    c, _, ws = contract
    project = c.call("POST", "/projects", json={"project": {"name": "P", "wid": ws.id}})["data"]
    assert c.call("GET", "/time_entries/current") == {"data": None}
    running = c.call("POST", "/time_entries/start", json={"time_entry": {
        "description": "focus", "pid": project["id"], "tags": ["a"], "created_with": "test"}})["data"]
    assert c.call("POST", "/time_entries/current")["data"]["id"] == running["id"]
    stopped = c.call("PUT", "/time_entries/{time_entry_id}/stop", path={"time_entry_id": running["id"]})
    assert "stop" in stopped["data"]
    entry = c.call("POST", "/time_entries", json={"time_entry": {
        "start": "2026-01-05T09:00:00+00:00", "duration": 1800, "wid": ws.id, "billable": True,
        "created_with": "test"}})["data"]
    te = {"time_entry_id": entry["id"]}
    c.call("GET", "/time_entries/{time_entry_id}", path=te)
    c.call("PUT", "/time_entries/{time_entry_ids}", path={"time_entry_ids": entry["id"]},
           json={"time_entry": {"description": "review", "tags": ["b", "c"]}})
    both = c.call("PUT", "/time_entries/{time_entry_ids}", path={"time_entry_ids": f"{entry['id']},{running['id']}"},
                  json={"time_entry": {"tags": ["x"], "tag_action": "add"}})
    assert len(both["data"]) == 2
    listed = c.call("GET", "/time_entries", params={"start_date": "2026-01-01", "end_date": "2026-01-31"})
    assert [e["id"] for e in listed] == [entry["id"]]
    c.call("DELETE", "/time_entries/{time_entry_id}", path=te)
    deleted = c.call("GET", "/time_entries/{time_entry_id}", path=te)
    assert "server_deleted_at" in deleted["data"]
    c.call("GET", "/me", params={"with_related_data": "true"})
    board = c.call("GET", "/dashboard/{workspace_id}", path={"workspace_id": ws.id})
    assert board["activity"] and board["most_active_user"]
    assert len(c.checked) == 12


def test_the_contract_refuses_undocumented_or_null_fields(client: TestClient,
                                                          contract: tuple[Contract, Any, Any]) -> None:
    c, _, _ = contract
    tag = {"id": 1, "wid": 2, "name": "t", "at": "2026-11-26T11:35:26+00:00"}
    c.validate("POST", "/tags", {"data": tag})
    for wrong in ({**tag, "color": "red"}, {**tag, "server_deleted_at": None}, {**tag, "at": "2026-11-26"},
                  {k: v for k, v in tag.items() if k != "wid"}):
        with pytest.raises(AssertionError):
            c.validate("POST", "/tags", {"data": wrong})
