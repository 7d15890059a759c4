"""Reading one object of an export's JSON: API v9 field names first, v8 names as fallbacks, typed values."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from punchclock.domain import validation

#: v9 name -> the v8 name older exports use.
V8_NAMES = {"client_id": "cid", "workspace_id": "wid", "project_id": "pid", "user_id": "uid", "color": "hex_color",
            "name": "fullname"}


#: Longest name (and e-mail) our columns hold; notes are unlimited.
MAX_TEXT = 255
MAX_RATE = validation.MAX_RATE


class BadObject(ValueError):
    """An object that cannot be read; the message says which field and why."""


def raw(obj: Mapping[str, Any], name: str) -> Any:
    if name in obj and obj[name] is not None:
        return obj[name]
    old = V8_NAMES.get(name)
    return obj.get(old) if old is not None else None


def text(obj: Mapping[str, Any], name: str, *, required: bool = False, max_len: int | None = MAX_TEXT) -> str | None:
    value = raw(obj, name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise BadObject(f"{name} is missing")
        return None
    if not isinstance(value, str):
        raise BadObject(f"{name} {value!r} is not a string")
    if "\x00" in value:  # no database text column can hold it
        raise BadObject(f"{name} contains a NUL character")
    if max_len is not None and len(value.strip()) > max_len:
        raise BadObject(f"{name} {value.strip()[:40]!r}… is longer than {max_len} characters")
    return value.strip()


def currency(obj: Mapping[str, Any], name: str) -> str | None:
    value = text(obj, name)
    if value is not None and not (len(value) == 3 and value.isalpha() and value.isascii()):
        raise BadObject(f"{name} {value!r} is not a three-letter currency code")
    return value.upper() if value is not None else None


def ident(obj: Mapping[str, Any], name: str, *, required: bool = False) -> str | None:
    """An id as the string ``ImportLink.external_id`` keeps."""
    value = raw(obj, name)
    if value is None:
        if required:
            raise BadObject(f"{name} is missing")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise BadObject(f"{name} {value!r} is not an id")
    return str(value)


def flag(obj: Mapping[str, Any], name: str, default: bool) -> bool:
    value = raw(obj, name)
    if value is not None and not isinstance(value, bool):
        raise BadObject(f"{name} {value!r} is not true or false")
    return default if value is None else value


def money(obj: Mapping[str, Any], name: str) -> Decimal | None:
    value = raw(obj, name)
    if value is None:
        return None
    if isinstance(value, bool):
        raise BadObject(f"{name} {value!r} is not a number")
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        raise BadObject(f"{name} {value!r} is not a number") from None
    if not result.is_finite() or result < 0 or result > MAX_RATE:
        raise BadObject(f"{name} {value!r} is not a rate")
    return result


def integer(obj: Mapping[str, Any], name: str) -> int | None:
    value = raw(obj, name)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise BadObject(f"{name} {value!r} is not a whole number")
    return value
