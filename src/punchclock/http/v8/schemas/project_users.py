from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from pydantic import Field

from punchclock.domain.access import View
from punchclock.domain.errors import Invalid, Malformed
from punchclock.domain.project_users import ProjectUserChanges, ProjectUserCreate
from punchclock.http.ids import MAX_ID, MAX_IDS, id_value
from punchclock.http.v8.schemas import Bool, WireId, WireIn, WireRate, inputs
from punchclock.http.wire import compact, render_ts
from punchclock.models import ProjectMember


class ProjectUserIn(WireIn):
    """``wid`` is derived from the project and ignored; on update ``pid`` and ``uid`` are ignored too."""

    project_id: WireId | None = Field(None, validation_alias="pid")
    #: One id (number or numeric string) or ``"id,id,…"`` for a mass create; read by ``parse_uids``.
    user_id: Any = Field(None, validation_alias="uid")
    manager: Bool | None = None
    rate: WireRate | None = None
    fields: Any = None

    def create(self) -> tuple[ProjectUserCreate, bool]:
        """The create inputs, and whether ``uid`` asked for a mass create."""
        uids, is_list = parse_uids(self.user_id)
        return inputs(self, ProjectUserCreate, user_ids=uids), is_list

    def changes(self) -> ProjectUserChanges:
        """``pid``, ``uid`` and ``wid`` are ignored (O-17)."""
        return inputs(self, ProjectUserChanges)


def _uid(value: Any) -> int:
    if isinstance(value, bool):
        raise Invalid("invalid_field", field="uid")
    if isinstance(value, str):
        parsed = id_value(value.strip())
        if parsed is None:
            raise Invalid("invalid_field", field="uid")
        value = parsed
    if not isinstance(value, int) or not 0 < value <= MAX_ID:
        raise Invalid("invalid_field", field="uid")
    return value


def parse_uids(value: Any) -> tuple[tuple[int, ...], bool]:
    """The user ids of ``uid`` and whether it asked for a mass create (a string with a comma, §3.3).

    A number or a string without comma is a single create. Absent, null or an empty string gives no
    id ("User can't be blank"); anything else unreadable is "Invalid uid". Duplicates are collapsed.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return (), False
    if isinstance(value, str) and "," in value:
        parts = value.split(",")
        if len(parts) > MAX_IDS:
            raise Malformed("too_many_ids")
        return tuple(dict.fromkeys(_uid(p) for p in parts)), True
    return (_uid(value),), False


def project_user_out(pm: ProjectMember, view: View, tz: ZoneInfo, *, fullname: str | None = None) -> dict[str, Any]:
    """A project user; ``rate`` hidden when the view hides rates, ``fullname`` only when given."""
    return compact({
        "id": pm.id,
        "pid": pm.project_id,
        "uid": pm.user_id,
        "wid": pm.workspace_id,
        "manager": pm.manager,
        "rate": pm.rate if view.show_rates else None,
        "fullname": fullname,
        "at": render_ts(pm.updated_at, tz),
    })
