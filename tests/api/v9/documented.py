"""Checks a real v9 answer against the 200 schema that ``/openapi.json`` publishes for its operation.

Use it in every v9 test that reads an answer: ``documented(client).check("GET", "/me", response)``. The
v9 object models forbid undocumented keys (``additionalProperties: false``) and list every key as
required (v9 sends every key, V-4), so an answer that drifts from its documentation fails here.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from jsonschema import Draft202012Validator

V9 = "/api/v9"
_specs: dict[int, dict[str, Any]] = {}


class Documented:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec

    def schema(self, method: str, template: str) -> dict[str, Any]:
        op = self.spec["paths"][V9 + template][method.lower()]
        answer = op["responses"]["200"]
        while "$ref" in answer:
            answer = self.spec["components"]["responses"][answer["$ref"].rsplit("/", 1)[1]]
        content = answer.get("content", {}).get("application/json")
        assert content is not None, f"{method} {template}: no JSON answer documented"
        return {**content["schema"], "components": self.spec["components"]}

    def check(self, method: str, template: str, response: Response) -> Any:
        """Assert 200 and a documented body; returns the parsed body (``None`` for an empty one)."""
        assert response.status_code == 200, (method, template, response.status_code, response.text)
        if not response.content:
            return None
        body = response.json()
        errors = sorted(Draft202012Validator(self.schema(method, template)).iter_errors(body), key=str)
        assert not errors, f"{method} {template}: {errors[0].message} at {list(errors[0].absolute_path)}"
        return body


def documented(client: TestClient) -> Documented:
    """The published document of ``client``'s app (built once per app)."""
    key = id(client.app)
    if key not in _specs:
        response = client.get("/openapi.json")
        assert response.status_code == 200
        _specs[key] = response.json()
    return Documented(_specs[key])
