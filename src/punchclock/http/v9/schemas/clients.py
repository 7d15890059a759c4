"""v9 client object and inputs (40- §1): ``wid`` only (no ``workspace_id`` on output), every key present."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool
from sqlalchemy.orm import Session

from punchclock.config import Settings
from punchclock.domain import clients
from punchclock.domain.actor import Actor
from punchclock.domain.clients import ClientChanges, ClientCreate, ClientRow
from punchclock.domain.errors import Invalid
from punchclock.http.ids import MAX_ID
from punchclock.http.v8.schemas import WireId, inputs
from punchclock.http.v9.render import utc
from punchclock.models import Client


class ClientIn(BaseModel):
    """``POST``/``PUT`` body; ``archived`` and other read-only keys are ignored (40- §1.2)."""

    model_config = ConfigDict(extra="ignore")

    name: str | None = None
    notes: str | None = None
    #: Not named ``workspace_id``: ``inputs`` would pass it on beside the path's.
    body_workspace_id: WireId | None = Field(None, alias="workspace_id")
    wid: WireId | None = None

    def create(self, workspace_id: int) -> ClientCreate:
        """``workspace_id`` (long name first) or ``wid`` may repeat the path's workspace, nothing else."""
        sent = self.body_workspace_id if "body_workspace_id" in self.model_fields_set else self.wid
        if sent is not None and sent != workspace_id:
            raise Invalid("client_workspace_mismatch")
        return inputs(self, ClientCreate, workspace_id=workspace_id)

    def changes(self) -> ClientChanges:
        return inputs(self, ClientChanges)


class RestoreIn(BaseModel):
    """``POST /clients/{id}/restore`` body (optional)."""

    model_config = ConfigDict(extra="ignore")

    restore_all_projects: StrictBool = False
    projects: list[WireId] = Field(default_factory=list, max_length=1000)


def client_ids(data: list[Any]) -> list[int]:
    """A bulk body: client ids as JSON numbers or numeric strings (10- §2), at most 100."""
    if len(data) > 100:
        raise Invalid("too_many_ids")
    ids: list[int] = []
    for item in data:
        value = int(item) if isinstance(item, int) and not isinstance(item, bool) else _numeric(item)
        if not 1 <= value <= MAX_ID:
            raise Invalid("invalid_field", field="client_ids")
        ids.append(value)
    return list(dict.fromkeys(ids))


def _numeric(item: Any) -> int:
    if isinstance(item, str) and item.isascii() and item.isdigit():
        return int(item)
    raise Invalid("invalid_field", field="client_ids")


def client_out(c: Client | ClientRow) -> dict[str, Any]:
    """A client (40- §1.1): ``server_deleted_at`` is set only on tombstones (``since`` lists)."""
    return {
        "id": c.id,
        "name": c.name,
        "wid": c.workspace_id,
        "notes": c.notes,
        "archived": bool(c.archived),
        "creator_id": c.creator_id,
        "at": utc(c.updated_at),
        "server_deleted_at": utc(c.deleted_at),
        "permissions": None,
    }


def related(db: Session, actor: Actor, settings: Settings) -> list[dict[str, Any]]:
    """``GET /me/clients`` with default parameters (for ``/me?with_related_data``)."""
    return [client_out(c) for c in clients.list_visible(db, actor)]
