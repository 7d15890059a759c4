from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from pydantic import Field

from punchclock.domain.access import View
from punchclock.domain.clients import ClientChanges, ClientCreate
from punchclock.http.v8.schemas import WireId, WireIn, WireRate, inputs
from punchclock.http.wire import compact, render_ts
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


def client_out(c: Client, view: View, tz: ZoneInfo, deleted: bool = False) -> dict[str, Any]:
    return compact({
        "id": c.id,
        "wid": c.workspace_id,
        "name": c.name,
        "notes": c.notes or None,
        "hrate": c.hourly_rate if view.show_rates else None,
        "cur": c.currency,
        "at": render_ts(c.updated_at, tz),
        "server_deleted_at": render_ts(c.deleted_at, tz) if deleted else None,
    })
