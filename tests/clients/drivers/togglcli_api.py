"""togglCli 4.0.1's Python API (``toggl.api``), served to the tests by rpc.py inside the togglcli venv.

The only redirection: ``toggl.toggl.TOGGL_URL`` / ``REPORTS_URL``, the module constants every request reads at
call time, are assigned the live server's URLs. Credentials come from ``TOGGL_API_TOKEN``, the client's own
environment option. Each function does what a user of the library does and answers plain JSON values: an
entity becomes ``{field: value}`` with mapped entities as their ids (``workspace_id``, ``client_id``…),
date-times in UTC ISO form and tag sets sorted.
"""

from __future__ import annotations

import os
from typing import Any

import pendulum  # type: ignore[import-not-found, import-untyped, unused-ignore]
import toggl.toggl  # type: ignore[import-not-found, import-untyped, unused-ignore]
from toggl import api, utils  # type: ignore[import-not-found, import-untyped, unused-ignore]
from toggl.api import fields  # type: ignore[import-not-found, import-untyped, unused-ignore]

toggl.toggl.TOGGL_URL = os.environ["PUNCHCLOCK_CLIENT_BASE"] + "/api/v9"
toggl.toggl.REPORTS_URL = os.environ["PUNCHCLOCK_CLIENT_BASE"] + "/reports/api/v2"


def _config() -> Any:
    return utils.Config.factory()


def _value(value: Any) -> Any:
    if isinstance(value, pendulum.DateTime):
        return value.in_timezone("UTC").isoformat()
    if isinstance(value, fields.SetContainer):
        return sorted(value)
    return value


def plain(entity: Any) -> dict[str, Any] | None:
    if entity is None:
        return None
    out: dict[str, Any] = {"id": entity.id}
    for name, field in entity.__fields__.items():
        if isinstance(field, fields.MappingField):
            out[field.mapped_field] = entity.__dict__.get(field.mapped_field)
        elif isinstance(field, fields.PropertyField):
            out[name] = field._get_value(entity)
        elif name in entity.__dict__:
            out[name] = _value(entity.__dict__[name])
    return out


def _ws(wid: int) -> Any:
    return api.Workspace.objects.get(wid, config=_config())


# --- me, workspaces, organizations -------------------------------------------------------------------------
def me() -> dict[str, Any] | None:
    return plain(api.User.objects.current_user(config=_config()))


def default_workspace() -> dict[str, Any] | None:
    return plain(_config().default_workspace)


def workspaces() -> list[dict[str, Any] | None]:
    return [plain(w) for w in api.Workspace.objects.all(config=_config())]


def workspace(wid: int) -> dict[str, Any] | None:
    return plain(_ws(wid))


def organizations() -> list[dict[str, Any] | None]:
    return [plain(o) for o in api.Organization.objects.all(config=_config())]


def organization(oid: int) -> dict[str, Any] | None:
    return plain(api.Organization.objects.get(oid, config=_config()))


def workspace_users(wid: int) -> list[dict[str, Any] | None]:
    return [plain(u) for u in api.WorkspaceUser.objects.all(config=_config(), workspace=_ws(wid))]


# --- clients, projects, tags, tasks: create, list, get, update, delete ------------------------------------
ENTITIES = {"client": api.Client, "project": api.Project, "tag": api.Tag, "task": api.Task}


def create(kind: str, wid: int, **values: Any) -> dict[str, Any] | None:
    entity = ENTITIES[kind](config=_config(), workspace=_ws(wid), **values)
    entity.save()
    return plain(entity)


def listing(kind: str, wid: int) -> list[dict[str, Any] | None]:
    return [plain(e) for e in ENTITIES[kind].objects.all(config=_config(), workspace=_ws(wid))]


def get(kind: str, wid: int, eid: int) -> dict[str, Any] | None:
    return plain(ENTITIES[kind].objects.get(eid, config=_config(), workspace=_ws(wid)))


def update(kind: str, wid: int, eid: int, **changes: Any) -> dict[str, Any] | None:
    entity = ENTITIES[kind].objects.get(eid, config=_config(), workspace=_ws(wid))
    for key, value in changes.items():
        setattr(entity, key, value)
    entity.save()
    return plain(entity)


def delete(kind: str, wid: int, eid: int) -> None:
    ENTITIES[kind].objects.get(eid, config=_config(), workspace=_ws(wid)).delete()


# --- time entries ------------------------------------------------------------------------------------------
def add_entry(wid: int, start: str, stop: str, **values: Any) -> dict[str, Any] | None:
    entry = api.TimeEntry(config=_config(), workspace=_ws(wid), start=pendulum.parse(start),
                          stop=pendulum.parse(stop), **values)
    entry.save()
    return plain(entry)


def start_entry(wid: int, start: str, **values: Any) -> dict[str, Any] | None:
    return plain(api.TimeEntry.start_and_save(start=pendulum.parse(start), config=_config(),
                                              workspace=_ws(wid), **values))


def current() -> dict[str, Any] | None:
    return plain(api.TimeEntry.objects.current(config=_config()))


def stop_current(stop: str) -> dict[str, Any] | None:
    entry = api.TimeEntry.objects.current(config=_config())
    return plain(entry.stop_and_save(stop=pendulum.parse(stop)))


def entry(eid: int) -> dict[str, Any] | None:
    return plain(api.TimeEntry.objects.get(eid, config=_config()))


def update_entry(eid: int, **changes: Any) -> dict[str, Any] | None:
    entry = api.TimeEntry.objects.get(eid, config=_config())
    for key, value in changes.items():
        setattr(entry, key, pendulum.parse(value) if key in ("start", "stop") else value)
    entry.save()
    return plain(entry)


def entries(start: str, stop: str) -> list[dict[str, Any] | None]:
    """The range listing of ``toggl ls --start --stop``: ``filter(start=…, stop=…)``, newest first."""
    found = api.TimeEntry.objects.filter(order="desc", config=_config(), start=pendulum.parse(start),
                                         stop=pendulum.parse(stop))
    return [plain(e) for e in found]


def delete_entry(eid: int) -> None:
    api.TimeEntry.objects.get(eid, config=_config()).delete()
