"""v9 query and path parameters (10- §2, §9, §10).

* booleans: ``true``/``false`` (any case), ``1``/``0``; a key without value is ignored;
* arrays: repeated (``ids=1&ids=2``, how httpx sends lists) and comma-separated, mixed freely;
* path id lists: comma-separated positive ids, duplicates collapsed, at most 100;
* ``since``: Unix seconds; paging: ``page`` 1-based, ``per_page`` >= 1, clamped to a maximum.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NamedTuple

from fastapi import Request

from punchclock.domain.errors import Malformed
from punchclock.http.ids import id_value

MAX_PATH_IDS = 100


def _raw(request: Request, name: str) -> str | None:
    value = request.query_params.get(name)
    return None if value is None or value.strip() == "" else value.strip()


def flag(request: Request, name: str, default: bool | None = None) -> bool | None:
    value = _raw(request, name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise Malformed("invalid_param", name=name)


def tristate(request: Request, name: str, default: bool | None = None) -> bool | None:
    """``true`` / ``false`` / ``both`` (None = both); absent = ``default``."""
    value = _raw(request, name)
    if value is not None and value.lower() == "both":
        return None
    return flag(request, name, default)


def integer(request: Request, name: str, default: int | None = None, *, minimum: int = 0) -> int | None:
    value = _raw(request, name)
    if value is None:
        return default
    number = id_value(value, allow_zero=True)
    if number is None or number < minimum:
        raise Malformed("invalid_param", name=name)
    return number


def since(request: Request) -> datetime | None:
    """``since`` (Unix seconds) as an aware UTC instant."""
    seconds = integer(request, "since")
    if seconds is None:
        return None
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        raise Malformed("invalid_param", name="since") from None


def id_array(request: Request, name: str, *, allow_zero: bool = False, maximum: int = 1000) -> list[int] | None:
    """Ids from repeated and comma-separated values; None when the parameter is absent or blank."""
    parts = [p.strip() for v in request.query_params.getlist(name) for p in v.split(",") if p.strip()]
    if not parts:
        return None
    ids = [id_value(p, allow_zero=allow_zero) for p in parts]
    if any(i is None for i in ids) or len(ids) > maximum:
        raise Malformed("invalid_param", name=name)
    return list(dict.fromkeys(i for i in ids if i is not None))


def text_array(request: Request, name: str) -> list[str] | None:
    parts = [p.strip() for v in request.query_params.getlist(name) for p in v.split(",") if p.strip()]
    return parts or None


class Page(NamedTuple):
    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def page(request: Request, *, default_per_page: int, maximum: int, always: bool = False) -> Page | None:
    """Paging of 10- §10: only when ``page`` or ``per_page`` is given, unless ``always``."""
    number = integer(request, "page", minimum=1)
    size = integer(request, "per_page", minimum=1)
    if number is None and size is None and not always:
        return None
    return Page(number or 1, min(size or default_per_page, maximum))


def path_id(segment: str) -> int:
    """One positive id from a path segment (a list there is a bad id: 400)."""
    value = id_value(segment)
    if value is None:
        raise Malformed("invalid_id")
    return value


def path_ids(segment: str) -> list[int]:
    """A path id list for the bulk PATCHes: comma-separated, duplicates collapsed, at most 100."""
    parts = segment.split(",")
    if len(parts) > MAX_PATH_IDS:
        raise Malformed("too_many_ids")
    return list(dict.fromkeys(path_id(p.strip()) for p in parts))
