"""The caller and the body of a v9 request, as plain calls (no FastAPI dependency: ~30 µs each).

Same credentials as v8 (token, e-mail + password, the session cookie; V-12), charged to the v9 bucket
family (``scope="v9:"``, 10- §8).
"""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from punchclock.db.session import request_session
from punchclock.domain import access
from punchclock.domain.actor import Actor
from punchclock.domain.errors import Invalid, Malformed
from punchclock.http import auth, wire

M = TypeVar("M", bound=BaseModel)


async def caller(request: Request) -> tuple[Actor, Session]:
    state = request.app.state
    db = request_session(request)
    actor = await auth.authenticate(request, db, state.v9_rate, state.settings.session_cookie_name, scope="v9:")
    request.state.actor = actor
    return actor, db


async def member(request: Request, workspace_id: int) -> tuple[Actor, Session]:
    """The caller, who must be an active member of the path workspace (else 403, 10- §5)."""
    actor, db = await caller(request)
    access.require_member(actor, workspace_id)
    return actor, db


async def body(request: Request) -> Any:
    """The parsed JSON body; ``None`` when empty (10- §2: an empty body is no body)."""
    return await wire.read_json(request, request.app.state.settings.max_body_bytes)


async def body_object(request: Request) -> dict[str, Any]:
    """A body that must be a JSON object (no wrapper key in v9); an empty body is ``{}``."""
    data = await body(request)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise Malformed("object_expected")
    return data


async def body_array(request: Request) -> list[Any]:
    """A body that must be a JSON array (bulk PATCH documents, id lists)."""
    data = await body(request)
    if not isinstance(data, list):
        raise Malformed("array_expected")
    return data


def parse(data: dict[str, Any], model: type[M]) -> M:
    """Validate a body object into a v9 input model; a wrong type is 400 ``Invalid <field>``."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "body"
        raise Invalid("invalid_field", field=field) from None
