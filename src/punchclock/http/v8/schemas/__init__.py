"""Input models of the v8 dialect: domain names as attributes, wire names as validation aliases."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from punchclock.http.ids import MAX_ID

WireId = Annotated[int, Field(ge=1, le=MAX_ID, strict=False)]
#: Finite amounts only; the range check with its own message happens in domain.validation.rate.
WireRate = Annotated[Decimal, Field(allow_inf_nan=False, max_digits=30)]
Bool = StrictBool


class WireIn(BaseModel):
    """Unknown keys are ignored; ``model_fields_set`` tells absent from explicit null."""

    model_config = ConfigDict(extra="ignore", populate_by_name=False, str_strip_whitespace=False)
