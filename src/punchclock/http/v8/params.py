"""Wire parameters: id lists ("1,2,3"), true/false/both flags, ``fields=`` extras, wrappers."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from punchclock.domain.errors import Invalid, Malformed
from punchclock.http.ids import MAX_ID, MAX_IDS, id_value

__all__ = ["MAX_ID", "MAX_IDS", "parse_id", "parse_ids", "single_id"]

M = TypeVar("M", bound=BaseModel)
D = TypeVar("D", bound=bool | None)


def parse_id(text: str) -> int:
    """A single positive 64-bit id from a path segment; anything else is a 400."""
    value = id_value(text)
    if value is None:
        raise Malformed("invalid_id")
    return value


def parse_ids(segment: str) -> tuple[tuple[int, ...], bool]:
    """Ids of a path segment, duplicates removed in order; and whether it was a list (had a comma)."""
    parts = segment.split(",")
    if len(parts) > MAX_IDS:
        raise Malformed("too_many_ids")
    ids = tuple(dict.fromkeys(parse_id(p) for p in parts))
    return ids, "," in segment


def single_id(segment: str) -> int:
    """A path segment that must name exactly one id (GET endpoints refuse lists: 400)."""
    if "," in segment:
        raise Malformed("ids_not_allowed")
    return parse_id(segment)


def flag(value: str | None, name: str, default: D) -> bool | D:
    if value is None or value == "":
        return default
    v = value.strip().lower()
    if v in ("true", "1", "yes", "on"):
        return True
    if v in ("false", "0", "no", "off"):
        return False
    raise Malformed("invalid_param", name=name)


def tristate(value: str | None, name: str, default: bool | None = True) -> bool | None:
    """``true`` / ``false`` / ``both`` (None = both)."""
    if value is not None and value.strip().lower() == "both":
        return None
    return flag(value, name, default) if value not in (None, "") else default


def fields_set(value: Any) -> frozenset[str]:
    if not isinstance(value, str):
        return frozenset()
    return frozenset(f.strip() for f in value.split(",") if f.strip())


def unwrap(body: Any, key: str, model: type[M]) -> tuple[M, dict[str, Any]]:
    """Validate ``{key: {...}}`` into ``model``; returns the model and the raw inner dict.

    A missing wrapper (empty body included) is a validation failure, ``"<key> can't be blank"``;
    a field of the wrong type is ``"Invalid <field>"`` (both 404, as the v8 docs specify).
    """
    inner = body.get(key) if isinstance(body, dict) else None
    if not isinstance(inner, dict):
        raise Invalid("wrapper_blank", key=key)
    try:
        return model.model_validate(inner), inner
    except ValidationError as exc:
        codes = []
        for e in exc.errors():
            field = ".".join(str(p) for p in e["loc"]) or key
            codes.append(("invalid_field", {"field": field}))
        raise Invalid.many(codes) from None
