"""``/openapi.json``: FastAPI's document, completed with what FastAPI cannot see.

* security schemes (HTTP Basic, the session cookie), applied per operation;
* the real error answers of each dialect (v8: a JSON array of strings; Reports v2: ``{"error": {...}}``;
  v9, Reports v3 and Webhooks: one JSON string)
  instead of FastAPI's 422, which this server never sends (parameter errors are 400);
* the Reports response bodies that the Reports routes reference (``http/reports/openapi.py``).

Declarations made on a route (``responses=``, ``openapi_extra=``) win over the defaults added here.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from punchclock.config import Settings
from punchclock.http.reports import openapi as reports_openapi

Schema = dict[str, Any]
REPORTS_PREFIX = "/reports/api/v2/"
BASIC, COOKIE = "basicAuth", "sessionCookie"
V8_AUTH: list[Schema] = [{BASIC: []}, {COOKIE: []}]
#: Anyone may call these (``signup_enabled`` decides for sign-ups; the invitation code is the secret;
#: avatars are shown in <img> elements, see ``http/avatar.py``).
ANONYMOUS = {("post", "/api/v8/signups"), ("get", "/user/accept_invitation"), ("get", "/avatars/{name}.svg")}
#: Credentials optional: e-mail + password may come in the body instead (O-8), or the invitation form's
#: password (O-29); ``{}`` in the list says "no credentials" is one of the accepted ways.
OPTIONAL = {("post", "/api/v8/sessions"), ("post", "/user/accept_invitation")}

V8_ERRORS = {
    400: "Malformed request: bad JSON, id or parameter",
    403: "Missing or wrong credentials, or not allowed",
    404: "Not found, or the data failed validation",
    429: "Too many requests: retry after Retry-After seconds",
}
V8_PREMIUM = {402: "Needs a paid (premium) workspace"}
V9_PREFIX = "/api/v9/"
V9_ANONYMOUS = {("get", "/api/v9/status"), ("post", "/api/v9/signup")}
V9_ERRORS = {
    400: "Malformed request or failed validation",
    403: "Missing or wrong credentials, workspace or organization not accessible, or not allowed",
    404: "Not found, or not visible to the caller",
    429: "Too many requests: retry after Retry-After seconds",
}
V9_EXTRA = {402: "Needs a paid (premium) workspace", 409: "The time entry is already stopped"}
REPORTS_ERRORS = {
    400: "Missing or malformed parameter (user_agent, workspace_id, dates, ids, enumerations)",
    401: "Missing or invalid API token, or a credential other than the token",
    403: "Not an active member of workspace_id",
    429: "Too many requests: retry after Retry-After seconds",
}
REPORTS_PROJECT = {402: "The workspace is not premium", 404: "No such project visible in the workspace"}
REPORTS_V3_PREFIX = "/reports/api/v3/"
REPORTS_V3_ERRORS = {
    400: "Empty or malformed body: types, enumerations, dates, span, grouping pair",
    403: "Missing or wrong credentials, or not an active member of the workspace",
    429: "Too many requests: retry after Retry-After seconds",
}
WEBHOOKS_PREFIX = "/webhooks/api/v1/"
#: The validation link is opened by whoever holds its code; the status is public (70- §3).
WEBHOOKS_ANONYMOUS = {("get", "/webhooks/api/v1/status"),
                      ("get", "/webhooks/api/v1/validate/{workspace_id}/{subscription_id}/{validation_code}")}
WEBHOOKS_ERRORS = {
    400: "Malformed body, failed validation, or the callback failed its probe",
    403: "Missing or wrong credentials, or not an active member of the workspace",
    404: "No such subscription (or not yours to manage)",
    429: "Too many requests: retry after Retry-After seconds",
}


def install(app: FastAPI, settings: Settings) -> None:
    """Replace ``app.openapi`` with the completed document (built once, on first use)."""
    def openapi() -> Schema:
        if app.openapi_schema is None:
            app.openapi_schema = build(app, settings)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def build(app: FastAPI, settings: Settings) -> Schema:
    doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = doc.setdefault("components", {})
    components["securitySchemes"] = security_schemes(settings)
    components.setdefault("schemas", {}).update({**error_schemas(), **reports_openapi.COMPONENTS})
    components.setdefault("responses", {}).update(error_responses())
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            _complete(method, path, operation)
    _drop_unused_validation_schemas(doc)
    return doc


def security_schemes(settings: Settings) -> Schema:
    return {
        BASIC: {
            "type": "http", "scheme": "basic",
            "description": "Your API token as user name and the word `api_token` as password; or (APIs v8 and "
                           "v9, Reports v3, Webhooks) your e-mail and password. Reports API v2 accepts only the "
                           "API token.",
        },
        COOKIE: {
            "type": "apiKey", "in": "cookie", "name": settings.session_cookie_name,
            "description": "Session opened by POST /api/v8/sessions or an e-mail + password login to API v8; "
                           "accepted by APIs v8 and v9, Reports v3 and Webhooks.",
        },
    }


def error_schemas() -> Schema:
    return {
        "V8Errors": {"type": "array", "items": {"type": "string"}, "minItems": 1,
                     "description": "API v8 errors: English messages",
                     "example": ["Incorrect username and/or password"]},
        "V9Error": {"type": "string", "description": "API v9 errors: one English message",
                    "example": "Incorrect username and/or password"},
        "ReportsError": {
            "type": "object", "required": ["error"],
            "properties": {"error": {
                "type": "object", "required": ["message", "tip", "code"],
                "properties": {"message": {"type": "string"}, "tip": {"type": "string"}, "code": {"type": "integer"}},
            }},
            "example": {"error": {"message": "workspace_id is required", "tip": "Change your request and try again.",
                                  "code": 400}},
        },
    }


def error_responses() -> Schema:
    """One shared response per (dialect, status): ``#/components/responses/V8Error404`` and so on."""
    out: Schema = {}
    for prefix, schema, statuses in (
        ("V8Error", "V8Errors", {**V8_ERRORS, **V8_PREMIUM}),
        ("V9Error", "V9Error", {**V9_ERRORS, **V9_EXTRA}),
        ("ReportsV3Error", "V9Error", {**REPORTS_V3_ERRORS, **REPORTS_PROJECT}),
        ("WebhooksError", "V9Error", WEBHOOKS_ERRORS),
        ("ReportsError", "ReportsError", {**REPORTS_ERRORS, **REPORTS_PROJECT}),
    ):
        for status, description in statuses.items():
            response: Schema = {"description": description,
                                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}
            if status == 429:
                response["headers"] = {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}}
            out[f"{prefix}{status}"] = response
    return out


def _complete(method: str, path: str, operation: Schema) -> None:
    responses: Schema = operation.setdefault("responses", {})
    responses.pop("422", None)
    if path.startswith(V9_PREFIX):
        operation.setdefault("security", [] if (method, path) in V9_ANONYMOUS else V8_AUTH)
        statuses = dict(V9_ERRORS)
        if "/tasks" in path and method != "get":
            statuses[402] = V9_EXTRA[402]
        if path.endswith("/stop"):
            statuses[409] = V9_EXTRA[409]
        name = "V9Error"
    elif path.startswith(REPORTS_V3_PREFIX):
        operation.setdefault("security", V8_AUTH)
        project = path.endswith("/projects/{project_id}/summary")
        statuses = {**REPORTS_V3_ERRORS, **(REPORTS_PROJECT if project else {})}
        name = "ReportsV3Error"
    elif path.startswith(WEBHOOKS_PREFIX):
        anonymous = (method, path) in WEBHOOKS_ANONYMOUS
        operation.setdefault("security", [] if anonymous else V8_AUTH)
        statuses = dict(WEBHOOKS_ERRORS)
        if path.endswith("/status"):
            statuses = {}
        elif anonymous:
            statuses = {400: "Unknown subscription or validation code", 429: WEBHOOKS_ERRORS[429]}
        name = "WebhooksError"
    elif path.startswith(REPORTS_PREFIX):
        operation.setdefault("security", [{BASIC: []}])
        statuses = {**REPORTS_ERRORS, **(REPORTS_PROJECT if path.endswith("/project") else {})}
        name = "ReportsError"
    else:
        if (method, path) in ANONYMOUS:
            operation.setdefault("security", [])
        else:
            operation.setdefault("security", [*V8_AUTH, {}] if (method, path) in OPTIONAL else V8_AUTH)
        premium = path.startswith("/api/v8/tasks") and method in ("post", "put")
        statuses = {**V8_ERRORS, **(V8_PREMIUM if premium else {})}
        if path.startswith("/avatars/"):
            statuses = {404: V8_ERRORS[404]}  # no credentials, no rate limit: unknown user only
        name = "V8Error"
    for status in sorted(statuses):
        responses.setdefault(str(status), {"$ref": f"#/components/responses/{name}{status}"})


def _drop_unused_validation_schemas(doc: Schema) -> None:
    """FastAPI's 422 schemas stay only if something still references them."""
    schemas = doc["components"]["schemas"]
    for name in ("HTTPValidationError", "ValidationError"):
        removed = schemas.pop(name, None)
        if removed is not None and f'"#/components/schemas/{name}"'.encode() in orjson.dumps(doc):
            schemas[name] = removed
