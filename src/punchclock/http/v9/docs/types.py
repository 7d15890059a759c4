"""Building blocks of the v9 object documentation (``http/v9/docs/*``), published in ``/openapi.json``.

v9 sends every key it documents, null or not (V-4): fields are required and nullable ones say so
(``int | None`` without a default). ``extra="forbid"`` publishes ``additionalProperties: false``, so a
key added to a renderer without being documented fails ``tests/api/v9/documented.py``. Model names start
with ``V9``: pydantic would rename two same-named models (v8's too) and change both documents.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Id = Annotated[int, Field(ge=1, json_schema_extra={"format": "int64"})]
Utc = Annotated[str, Field(
    pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$",
    json_schema_extra={"format": "date-time", "examples": ["2026-11-26T11:35:26+00:00"]},
    description="UTC, seconds precision, always +00:00 (V-2).",
)]
Day = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$", json_schema_extra={"format": "date"})]
Amount = Annotated[float, Field(description="Currency units; integral amounts are sent as integers.")]


class V9Object(BaseModel):
    """An answer object: every key present, no other key."""

    model_config = ConfigDict(extra="forbid")


class V9Body(BaseModel):
    """A request body as documented: unknown keys are ignored by the server (10- §2)."""

    model_config = ConfigDict(extra="allow")
