from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from pydantic import Field

from punchclock.domain.access import View
from punchclock.domain.clients import ClientChanges, ClientCreate, ClientRow
from punchclock.http.v8.schemas import WireId, WireIn, WireRate, inputs
from punchclock.http.wire import render_ts
from punchclock.models import Client


class ClientIn(WireIn):
    name: str | None = None
    workspace_id: WireId | None = Field(None, validation_alias="wid")
    notes: str | None = None
    hourly_rate: WireRate | None = Field(None, validation_alias="hrate")
    currency: str | None = Field(None, validation_alias="cur")

    def create(self) -> ClientCreate:
        return inputs(self, ClientCreate)

    def changes(self) -> ClientChanges:
        """The workspace cannot change (O-17): ``wid`` is ignored."""
        return inputs(self, ClientChanges)


def client_out(c: Client | ClientRow, view: View, tz: ZoneInfo, deleted: bool = False) -> dict[str, Any]:
    """A client: a row of the lists or a model. v8 omits null fields (``wire.compact``), done inline."""
    out: dict[str, Any] = {"id": c.id, "wid": c.workspace_id, "name": c.name}
    if c.notes:
        out["notes"] = c.notes
    if c.hourly_rate is not None and view.show_rates:
        out["hrate"] = c.hourly_rate
    if c.currency is not None:
        out["cur"] = c.currency
    out["at"] = render_ts(c.updated_at, tz)
    if deleted and c.deleted_at is not None:
        out["server_deleted_at"] = render_ts(c.deleted_at, tz)
    return out
