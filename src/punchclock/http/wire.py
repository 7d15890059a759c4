"""JSON in and out for both dialects: body reading, orjson responses, timestamps."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

import orjson
from fastapi import Request
from fastapi.responses import Response

from punchclock.domain.errors import Invalid, Malformed
from punchclock.domain.validation import has_control

JSON_TYPE = "application/json; charset=utf-8"
NO_STORE = {"Cache-Control": "no-store"}


class JSONBytes(Response):
    media_type = JSON_TYPE

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, default=_default)


def _default(value: Any) -> Any:
    from decimal import Decimal

    if isinstance(value, Decimal):
        # Integral amounts as ints, others as floats: JSON numbers either way (00-conventions §3.3).
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError


def json_response(content: Any, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    return JSONBytes(content, status_code=status_code, headers={**NO_STORE, **(headers or {})})


async def read_json(request: Request, max_bytes: int) -> Any:
    """The body as JSON, or None for an empty body (never an error: 00-conventions §2, O-88)."""
    raw = await request.body()
    if len(raw) > max_bytes:
        raise Malformed("body_too_large")
    if not raw.strip():
        return None
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise Malformed("invalid_json") from None
    # JSON carries control characters only as escapes (raw ones are invalid JSON), so a body
    # without any of these escapes needs no walk: the common case costs one scan of the bytes.
    if any(escape in raw for escape in _CONTROL_ESCAPES):
        field = _field_with_control(body, "body")
        if field is not None:
            raise Invalid("invalid_field", field=field)
    return body


_CONTROL_ESCAPES = (b"\\u00", b"\\b", b"\\f")


def _field_with_control(value: Any, key: str) -> str | None:
    """The innermost key under which a string (or a key) holds a C0 control character, or None."""
    if isinstance(value, str):
        return key if has_control(value) else None
    if isinstance(value, dict):
        for k, v in value.items():
            if has_control(k):
                return key
            found = _field_with_control(v, k)
            if found is not None:
                return found
    elif isinstance(value, list):
        for item in value:
            found = _field_with_control(item, key)
            if found is not None:
                return found
    return None


# -- timestamps -------------------------------------------------------------------------------------

def render_ts(value: datetime | None, tz: tzinfo) -> str | None:
    """``YYYY-MM-DDTHH:MM:SS±hh:mm`` in ``tz`` (UTC is ``+00:00``, never ``Z``)."""
    if value is None:
        return None
    return value.astimezone(tz).isoformat(timespec="seconds")


def render_epoch(seconds: int | None, tz: tzinfo) -> str | None:
    """``render_ts`` of an instant given as whole seconds since the epoch."""
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, tz).isoformat(timespec="seconds")


_OFFSET_NO_COLON = re.compile(r"([+-]\d{2})(\d{2})$")


def parse_ts(text: str, tz: tzinfo) -> datetime:
    """RFC 3339 / ISO 8601 in, aware UTC out; a string without zone is read in ``tz``.

    Accepts ``Z``, ``+02:00``, ``+0200``, ``-00:00``, fractional seconds (discarded) and a pure
    date (midnight in ``tz``). Raises ValueError otherwise.
    """
    s = text.strip()
    if not s:
        raise ValueError("empty")
    if len(s) == 10:
        d = date.fromisoformat(s)
        return datetime(d.year, d.month, d.day, tzinfo=tz).astimezone(UTC)
    if s[-1] in "zZ":
        s = s[:-1] + "+00:00"
    s = _OFFSET_NO_COLON.sub(r"\1:\2", s)
    dt = datetime.fromisoformat(s)
    if "T" not in s.upper() and " " not in s:
        raise ValueError("no time")
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=tz)
    return dt.astimezone(UTC).replace(microsecond=0)


def compact(obj: dict[str, Any]) -> dict[str, Any]:
    """v8 omits null fields (00-conventions §3.2)."""
    return {k: v for k, v in obj.items() if v is not None}


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_SECOND = timedelta(seconds=1)
