"""Event filters (70- §4, V-36): which (entity, action) pairs exist and which a subscription wants."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from punchclock.domain.errors import Invalid

#: Every entity and the actions it emits, in the order ``GET /event_filters`` lists them.
EVENTS: dict[str, tuple[str, ...]] = {
    "client": ("created", "updated", "deleted"),
    "project": ("created", "updated", "deleted"),
    "project_user": ("created", "updated", "deleted"),
    "tag": ("created", "updated", "deleted"),
    "task": ("created", "updated", "deleted"),
    "time_entry": ("created", "updated", "deleted"),
    "workspace": ("updated",),
    "workspace_user": ("created", "updated", "deleted"),
}
ACTIONS = ("created", "updated", "deleted")
MAX_FILTERS = 20
ANY = "*"


def _known(entity: str, action: str) -> bool:
    if entity == ANY:
        return action == ANY or action in ACTIONS
    actions = EVENTS.get(entity)
    return actions is not None and (action == ANY or action in actions)


def parse(value: Any) -> list[dict[str, str]]:
    """A body's ``event_filters``: 1 to 20 distinct known pairs, else 400 naming the first bad one."""
    if not isinstance(value, list) or not value:
        raise Invalid("invalid_field", field="event_filters")
    if len(value) > MAX_FILTERS:
        raise Invalid("webhook_too_many_filters", max=MAX_FILTERS)
    seen: set[tuple[str, str]] = set()
    out: list[dict[str, str]] = []
    for item in value:
        if not isinstance(item, Mapping) or not isinstance(item.get("entity"), str) \
                or not isinstance(item.get("action"), str):
            raise Invalid("invalid_field", field="event_filters")
        entity, action = item["entity"], item["action"]
        if not _known(entity, action):
            raise Invalid("webhook_unsupported_filter", entity=entity, action=action)
        if (entity, action) in seen:
            raise Invalid("webhook_duplicate_filter", entity=entity, action=action)
        seen.add((entity, action))
        out.append({"entity": entity, "action": action})
    return out


def matches(filters: Iterable[Mapping[str, str]], entity: str, action: str) -> bool:
    """Whether any filter takes the event (``*`` matches every entity or action)."""
    return any(f["entity"] in (ANY, entity) and f["action"] in (ANY, action) for f in filters)
