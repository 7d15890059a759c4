"""Typed inputs of the domain services: what a client asked for, in domain names and domain types.

Each dialect (``http/v8``, later ``http/v9``) parses its own wire format, checks raw JSON types and
renders its own errors, then hands a frozen dataclass to the service. A field a client did not send
holds ``UNSET``, which keeps "absent" apart from "set to null" for partial updates.
"""

from __future__ import annotations

from dataclasses import fields
from enum import Enum
from typing import Any, Literal


class _Unset(Enum):
    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET = _Unset.UNSET
#: ``str | Unset`` reads "a string, or not sent".
Unset = Literal[_Unset.UNSET]


def given(inputs: Any) -> dict[str, Any]:
    """The fields of a dataclass instance that were sent (not ``UNSET``), by name, in field order."""
    return {f.name: value for f in fields(inputs) if (value := getattr(inputs, f.name)) is not UNSET}
