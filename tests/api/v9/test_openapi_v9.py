"""``/openapi.json`` describes every ``/api/v9`` operation as completely as v8's.

Each operation has a summary, its 200 answer (a schema, or a documented empty body), its error answers
(one JSON string each, ``V9Error``), its security, typed and described parameters, and a request body
for the writes that take one. Real answers are checked against these schemas by the resource tests
(``tests/api/v9/documented.py``).
"""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

V9 = "/api/v9"
#: Writes that take no body by design (the path says everything).
NO_BODY = {
    ("post", "/api/v9/me/reset_token"),
    ("patch", "/api/v9/workspaces/{workspace_id}/time_entries/{time_entry_id}/stop"),
}
ANONYMOUS = {("get", "/api/v9/status"), ("post", "/api/v9/signup")}


def _spec(client: TestClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    spec: dict[str, Any] = response.json()
    return spec


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, op) for path, ops in spec["paths"].items() if path.startswith(V9 + "/")
            for method, op in ops.items()]


def test_every_v9_operation_is_described(client: TestClient) -> None:
    spec = _spec(client)
    ops = _operations(spec)
    assert len(ops) >= 83
    for method, path, op in ops:
        where = (method, path)
        assert op.get("summary"), where
        answer = op["responses"]["200"]
        assert answer["description"], where
        for status in ("400", "403", "404", "429"):
            assert op["responses"][status] == {"$ref": f"#/components/responses/V9Error{status}"}, where
        assert op["security"] == ([] if where in ANONYMOUS else [{"basicAuth": []}, {"sessionCookie": []}]), where
        names = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
        assert names == set(re.findall(r"{(\w+)}", path)), where
        for param in op.get("parameters", []):
            assert param.get("description"), (where, param["name"])
            assert param["schema"].get("type") or param["schema"].get("anyOf"), (where, param["name"])
    assert spec["components"]["schemas"]["V9Error"]["type"] == "string"


def test_writes_with_a_body_document_it(client: TestClient) -> None:
    spec = _spec(client)
    missing = [(m, p) for m, p, op in _operations(spec)
               if m in ("post", "put", "patch") and "requestBody" not in op and (m, p) not in NO_BODY
               and not p.endswith(("/{client_id}/archive", "/{client_id}/restore"))]
    assert missing == []
    for method, path, op in _operations(spec):
        body = op.get("requestBody")
        if body is None:
            continue
        if "multipart/form-data" in body["content"]:  # the one file upload: its form fields are described inline
            assert (method, path) == ("post", "/api/v9/workspaces/{workspace_id}/import")
            assert {"workspace", "time_entries"} <= set(body["content"]["multipart/form-data"]["schema"]["properties"])
            continue
        schema = body["content"]["application/json"]["schema"]
        ref = schema.get("$ref") or schema.get("items", {}).get("$ref", "")
        assert ref.startswith("#/components/schemas/V9"), (method, path, schema)


def test_answers_name_v9_components(client: TestClient) -> None:
    """Object answers point at ``V9…`` components: never at a v8 object, never a bare ``object``."""
    spec = _spec(client)
    text = str([op["responses"]["200"] for _, _, op in _operations(spec)])
    assert "#/components/schemas/V8" not in text
    schemas = spec["components"]["schemas"]
    v9 = {name for name in schemas if name.startswith("V9") and name != "V9Error"}
    assert len(v9) >= 20
    for name in v9:
        if schemas[name].get("type") == "object" and schemas[name].get("additionalProperties") is False:
            assert set(schemas[name]["required"]) == set(schemas[name]["properties"]), name
