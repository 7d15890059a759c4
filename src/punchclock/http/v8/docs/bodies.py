"""v8 request bodies, derived from the input models of ``http/v8/schemas`` (one place per field).

Each resource has a ``V8<Resource>Fields`` component (every field the server reads, all optional,
``null`` where the model takes it) and one wrapper component per operation, which adds what that
operation requires: ``{"project": {...name, wid required}}`` on create, nothing on update. Fields the
input models type as ``Any`` (read by hand for precise error messages) get their documented shape here.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from punchclock.http.ids import MAX_ID, MAX_IDS
from punchclock.http.v8.docs.ops import SchemaComponent, Wrapper, component, wrapper
from punchclock.http.v8.schemas.clients import ClientIn
from punchclock.http.v8.schemas.groups import GroupIn
from punchclock.http.v8.schemas.members import WorkspaceUserIn
from punchclock.http.v8.schemas.project_users import ProjectUserIn
from punchclock.http.v8.schemas.projects import ProjectIn
from punchclock.http.v8.schemas.tags import TagIn
from punchclock.http.v8.schemas.tasks import TaskIn
from punchclock.http.v8.schemas.time_entries import TimeEntryIn
from punchclock.http.v8.schemas.users import LoginIn, SignupIn, UserIn
from punchclock.http.v8.schemas.workspaces import WorkspaceIn

_ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
_ID_TEXT = {"type": "string", "pattern": "^[0-9]{1,19}$"}
_ID_LIST_TEXT = {"type": "string", "pattern": "^[0-9]{1,19}(,[0-9]{1,19})*$"}
_NULL = {"type": "null"}
#: pydantic writes ``ge``/``le`` when a BeforeValidator sits in front of the bounds.
_KEYWORDS = {"ge": "minimum", "le": "maximum"}


def _clean(schema: Any) -> Any:
    """Drop titles and ``default: null`` (absent is not null on this wire); fix bound keywords."""
    if isinstance(schema, list):
        return [_clean(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    return {_KEYWORDS.get(k, k): _clean(v) for k, v in schema.items() if k not in ("title", "default")}


def _fields(name: str, model: type[BaseModel], description: str, **overrides: dict[str, Any]
            ) -> type[SchemaComponent]:
    schema = model.model_json_schema(mode="validation", by_alias=True)
    props = {key: _clean(value) for key, value in schema["properties"].items()}
    unknown = set(overrides) - set(props)
    assert not unknown, f"{name}: no such input field {unknown}"  # an override must follow a rename
    props.update(overrides)
    out = {"type": "object", "description": description, "properties": props}
    if schema.get("required"):
        out["required"] = schema["required"]
    return component(name, out)


def _wrapper(name: str, key: str, fields: type[SchemaComponent], description: str, *,
             required: tuple[str, ...] = (), extra: dict[str, Any] | None = None) -> type[Wrapper]:
    rules = {**({"required": list(required)} if required else {}), **(extra or {})}
    return wrapper(name, key, fields, description, rules)


def _create_update(resource: str, key: str, fields: type[SchemaComponent], required: tuple[str, ...]
                   ) -> tuple[type[Wrapper], type[Wrapper]]:
    create = _wrapper(f"V8{resource}Create", key, fields, f"Creates a {key}; other keys are ignored.",
                      required=required)
    update = _wrapper(f"V8{resource}Update", key, fields,
                      f"Changes the {key}: only the keys sent change; keys that cannot change are ignored.")
    return create, update


# -- catalog -----------------------------------------------------------------------------------------

ClientFields = _fields("V8ClientFields", ClientIn, "Client fields (30- §1).")
ClientCreate, ClientUpdate = _create_update("Client", "client", ClientFields, ("name", "wid"))

ProjectFields = _fields(
    "V8ProjectFields", ProjectIn, "Project fields (30- §2).",
    color={"anyOf": [{"type": "integer", "minimum": 0, "maximum": 14}, _ID_TEXT | {"pattern": "^[0-9]+$"}, _NULL],
           "description": "Palette id 0…14, as a number or a numeric string."},
)
ProjectCreate, ProjectUpdate = _create_update("Project", "project", ProjectFields, ("name", "wid"))

TagFields = _fields("V8TagFields", TagIn, "Tag fields (30- §4).")
TagCreate, TagUpdate = _create_update("Tag", "tag", TagFields, ("name", "wid"))

_TASK_FIELDS = {"type": "string", "description": "Comma-separated extras for the answer: `done_seconds`, `uname`."}
TaskFields = _fields(
    "V8TaskFields", TaskIn, "Task fields (30- §5); `pid` and `wid` count on create only.",
    estimated_seconds={"anyOf": [{"type": "integer", "minimum": -(2**31 - 1), "maximum": 2**31 - 1}, _NULL,
                                 {"const": False}],
                       "description": "Seconds, ≥ 0; `null` and `false` read as 0."},
    fields=_TASK_FIELDS,
)
TaskCreate, TaskUpdate = _create_update("Task", "task", TaskFields, ("name", "pid"))

ProjectUserFields = _fields(
    "V8ProjectUserFields", ProjectUserIn, "Project user fields (30- §3); `pid` and `uid` count on create only.",
    uid={"anyOf": [_ID, _ID_LIST_TEXT],
         "description": "A user id; a string of comma-separated ids adds several users (the answer is a list)."},
    fields={"type": "string", "description": "Comma-separated extras for the answer: `fullname`."},
)
ProjectUserCreate, ProjectUserUpdate = _create_update("ProjectUser", "project_user", ProjectUserFields,
                                                      ("pid", "uid"))

# -- time entries ------------------------------------------------------------------------------------

_TS = {"anyOf": [{"type": "string", "format": "date-time"}, _NULL],
       "description": "RFC 3339 date-time; without an offset it is read in the user's time zone."}
TimeEntryFields = _fields(
    "V8TimeEntryFields", TimeEntryIn, "Time entry fields (40-time-entries §2).",
    start=_TS,
    stop=_TS,
    duration={"anyOf": [{"type": "number"}, {"type": "string", "pattern": "^-?[0-9]+$"}, _NULL],
              "description": "Seconds (fractions dropped); negative = running."},
    created_with={"type": "string", "minLength": 1, "maxLength": 200,
                  "description": "Name of the client application."},
    tags={"anyOf": [{"type": "array", "items": {"type": "string"}}, _NULL], "description": "Tag names."},
    tag_action={"anyOf": [{"type": "string", "enum": ["add", "remove"]}, _NULL],
                "description": "Update only: add `tags` to, or remove them from, the entry's tags."},
    uid={"anyOf": [_ID, _NULL], "description": "Extension: an admin files time for another member (create only)."},
)
TimeEntryCreate = _wrapper(
    "V8TimeEntryCreate", "time_entry", TimeEntryFields, "Creates a time entry.",
    required=("start", "created_with"),
    extra={"anyOf": [{"required": ["duration"]}, {"required": ["stop"]}]},
)
TimeEntryStart = _wrapper("V8TimeEntryStart", "time_entry", TimeEntryFields,
                          "Starts a running entry now; `start`, `stop` and `duration` are ignored.",
                          required=("created_with",))
TimeEntryUpdate = _wrapper("V8TimeEntryUpdate", "time_entry", TimeEntryFields,
                           "Changes one entry, or every entry the path names; `uid`, `guid` and `created_with` "
                           "are ignored.")

# -- workspaces, members, groups ---------------------------------------------------------------------

WorkspaceFields = _fields("V8WorkspaceFields", WorkspaceIn,
                          "Workspace settings (20-workspaces §3); read-only keys are ignored.")
WorkspaceUpdate = _wrapper("V8WorkspaceUpdate", "workspace", WorkspaceFields, "Changes the workspace.")

WorkspaceUserFields = _fields(
    "V8WorkspaceUserFields", WorkspaceUserIn, "Workspace user fields (20-workspaces §6.3).",
    group_ids={"anyOf": [{"type": "array", "maxItems": MAX_IDS, "items": {"anyOf": [_ID, _ID_TEXT]}}, _NULL],
               "description": "Ids of the groups the member belongs to; `null` or `[]` = none."},
)
WorkspaceUserUpdate = _wrapper("V8WorkspaceUserUpdate", "workspace_user", WorkspaceUserFields,
                               "Changes `admin` and `group_ids`; other keys are ignored.")

GroupFields = _fields("V8GroupFields", GroupIn, "Group fields (20-workspaces §8).")
GroupCreate, GroupUpdate = _create_update("Group", "group", GroupFields, ("name", "wid"))

Invitation = component("V8Invitation", {
    "type": "object",
    "description": "E-mail addresses to invite (no wrapper object).",
    "properties": {"emails": {"type": "array", "items": {"type": "string", "format": "email"}}},
    "required": ["emails"],
})

# -- users and sessions ------------------------------------------------------------------------------

UserFields = _fields("V8UserFields", UserIn,
                     "The caller's settings (10-users-and-auth §3); `password` needs `current_password`.")
UserUpdate = _wrapper("V8UserUpdate", "user", UserFields, "Changes the caller's settings.")

SignupFields = _fields("V8SignupFields", SignupIn, "A new account (10-users-and-auth §5).",
                       created_with={"type": "string", "description": "Name of the signing-up application."})
Signup = _wrapper("V8Signup", "user", SignupFields, "Signs up.", required=("email", "password"))

Login = _fields("V8Login", LoginIn,
                "Extension: e-mail and password in the body instead of Basic authentication (no wrapper).")
