"""Input models of the v8 dialect: domain names as attributes, wire names as validation aliases."""

from __future__ import annotations

from dataclasses import fields
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from punchclock.http.ids import MAX_ID

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

WireId = Annotated[int, Field(ge=1, le=MAX_ID, strict=False)]
#: Finite amounts only; the range check with its own message happens in domain.validation.rate.
WireRate = Annotated[Decimal, Field(allow_inf_nan=False, max_digits=30)]
Bool = StrictBool
T = TypeVar("T", bound="DataclassInstance")


class WireIn(BaseModel):
    """Unknown keys are ignored; ``model_fields_set`` tells absent from explicit null."""

    model_config = ConfigDict(extra="ignore", populate_by_name=False, str_strip_whitespace=False)


def inputs(data: BaseModel, cls: type[T], **known: Any) -> T:
    """The domain input ``cls`` (a dataclass) from the fields of ``data`` that were sent and that ``cls``
    has, explicit nulls included; ``known`` sets fields from elsewhere (the path, the caller)."""
    names = {f.name for f in fields(cls)}
    sent = {name: getattr(data, name) for name in data.model_fields_set if name in names}
    return cls(**sent, **known)
