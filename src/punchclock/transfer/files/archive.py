"""The workspace ZIP ("Settings → Data export"): its JSON files to catalog records, eagerly (they are small).

Every file is optional and unknown files are ignored. A file that is not JSON, or not of the expected
shape, is one rejection (with the line of a syntax error); an object that cannot be read is a rejection
naming its position and id, and the others are still read.
"""

from __future__ import annotations

import json
import posixpath
import zipfile
from collections.abc import Callable, Mapping
from typing import Any, BinaryIO, TypeVar

from punchclock.transfer.files import layout, v9_objects
from punchclock.transfer.files.jsonfields import BadObject, currency, flag, ident, integer, money, raw, text
from punchclock.transfer.records import (
    GroupRecord,
    Location,
    MemberRecord,
    ProjectRecord,
    ProjectUserRecord,
    Rejection,
    TaskRecord,
    WorkspaceRecord,
    WorkspaceSource,
)

T = TypeVar("T")
Obj = Mapping[str, Any]


class _Reader:
    """The ZIP's members by normalized name, and the rejections found while reading them."""

    def __init__(self, zf: zipfile.ZipFile, label: str) -> None:
        self.zf = zf
        self.label = label
        self.rejections: list[Rejection] = []
        self.names = {_normalized(n): n for n in zf.namelist() if not n.endswith("/")}

    def where(self, name: str, line: int = 0) -> Location:
        return Location(f"{self.label}:{name}", line)

    def load(self, name: str, want: type) -> Any:
        """The parsed file (an empty file reads as an empty array), None when absent or unreadable."""
        member = self.names.get(name)
        if member is None:
            return None
        data = self.zf.read(member)
        try:
            value = json.loads(data.decode("utf-8-sig")) if data.strip() else want()
        except UnicodeDecodeError:
            self.rejections.append(Rejection(self.where(name), "not UTF-8 text"))
            return None
        except json.JSONDecodeError as exc:
            self.rejections.append(Rejection(self.where(name, exc.lineno), f"not valid JSON: {exc.msg}"))
            return None
        if not isinstance(value, want):
            shape = "an array" if want is list else "an object"
            self.rejections.append(Rejection(self.where(name), f"not {shape} of objects"))
            return None
        return value

    def objects(self, name: str, read: Callable[[Obj], T]) -> list[T]:
        """Each object of an array file read by ``read``; the unreadable ones become rejections."""
        out: list[T] = []
        for i, obj in enumerate(self.load(name, list) or [], start=1):
            try:
                if not isinstance(obj, dict):
                    raise BadObject("not an object")
                out.append(read(obj))
            except BadObject as exc:
                oid = obj.get("id") if isinstance(obj, dict) else None
                label = f"object {i}" + (f" (id {oid})" if oid is not None else "")
                self.rejections.append(Rejection(self.where(name), f"{label}: {exc}"))
        return out

    def folder(self, prefix: str) -> list[str]:
        return sorted(n for n in self.names if n.startswith(prefix) and n.endswith(".json"))


def _normalized(name: str) -> str:
    """Names relative to the export's root, also when the ZIP wraps everything in one folder."""
    parts = name.split("/")
    known = (layout.PROJECT_USERS_DIR.rstrip("/"), layout.TASKS_DIR.rstrip("/"))
    if len(parts) > 1 and parts[0] not in known:
        return "/".join(parts[1:])
    return name


# -- the objects --------------------------------------------------------------------------------------

def _member(obj: Obj) -> MemberRecord:
    email = text(obj, "email", required=True) or ""
    if "@" not in email or any(c.isspace() for c in email):
        raise BadObject(f"email {email!r} is not an e-mail address")
    return MemberRecord(external_id=ident(obj, "user_id") or ident(obj, "id"),
                        email=email, name=text(obj, "name") or "",
                        admin=flag(obj, "admin", False), active=flag(obj, "active", True), rate=money(obj, "rate"),
                        timezone=text(obj, "timezone"))


def _project(clients: Mapping[str, str]) -> Callable[[Obj], ProjectRecord]:
    def read(obj: Obj) -> ProjectRecord:
        client_id = ident(obj, "client_id")
        if client_id is not None and client_id not in clients:
            raise BadObject(f"client_id {client_id} is not in {layout.CLIENTS}")
        return v9_objects.project(obj, clients[client_id] if client_id is not None else None)
    return read


def _email_of(users: Mapping[str, str], obj: Obj) -> str:
    uid = ident(obj, "user_id", required=True) or ""
    if uid not in users:
        raise BadObject(f"user_id {uid} is not in {layout.WORKSPACE_USERS}")
    return users[uid]


def _project_user(project: ProjectRecord, users: Mapping[str, str]) -> Callable[[Obj], ProjectUserRecord]:
    def read(obj: Obj) -> ProjectUserRecord:
        return ProjectUserRecord(project=project.name, client=project.client, email=_email_of(users, obj),
                                 manager=flag(obj, "manager", False), rate=money(obj, "rate"))
    return read


def _task(project: ProjectRecord, users: Mapping[str, str]) -> Callable[[Obj], TaskRecord]:
    def read(obj: Obj) -> TaskRecord:
        assignee = _email_of(users, obj) if raw(obj, "user_id") is not None else None
        return TaskRecord(external_id=ident(obj, "id"), name=text(obj, "name", required=True) or "",
                          project=project.name, client=project.client, active=flag(obj, "active", True),
                          estimated_seconds=integer(obj, "estimated_seconds") or 0, assignee_email=assignee)
    return read


def _group(users: Mapping[str, str]) -> Callable[[Obj], GroupRecord]:
    def read(obj: Obj) -> GroupRecord:
        listed = obj.get("users")
        if isinstance(listed, list):
            emails = [_email_of(users, u) for u in listed if isinstance(u, dict)]
        else:
            ids = obj.get("user_ids") or []
            if not isinstance(ids, list):
                raise BadObject("user_ids is not an array")
            emails = [_email_of(users, {"user_id": u}) for u in ids]
        return GroupRecord(external_id=ident(obj, "group_id") or ident(obj, "id"),
                           name=text(obj, "name", required=True) or "", member_emails=tuple(emails))
    return read


def _workspace(r: _Reader, zip_name: str, found_id: str | None) -> WorkspaceRecord:
    """From ``workspace_settings.json``; without a name the ZIP's file name, without an id the workspace id
    the other files name (the apply step falls back on the name when there is none)."""
    obj: Obj = r.load(layout.WORKSPACE_SETTINGS, dict) or {}
    try:
        return WorkspaceRecord(
            external_id=ident(obj, "id") or ident(obj, "workspace_id") or found_id,
            name=text(obj, "name") or posixpath.splitext(posixpath.basename(zip_name))[0],
            default_hourly_rate=money(obj, "default_hourly_rate"), default_currency=currency(obj, "default_currency"),
            rounding=integer(obj, "rounding"), rounding_minutes=integer(obj, "rounding_minutes"),
            only_admins_may_create_projects=_maybe(obj, "only_admins_may_create_projects"),
            only_admins_may_create_tags=_maybe(obj, "only_admins_may_create_tags"),
            only_admins_see_billable_rates=_maybe(obj, "only_admins_see_billable_rates"),
            projects_billable_by_default=_maybe(obj, "projects_billable_by_default"),
            projects_private_by_default=_maybe(obj, "projects_private_by_default"),
        )
    except BadObject as exc:
        r.rejections.append(Rejection(r.where(layout.WORKSPACE_SETTINGS), str(exc)))
        return WorkspaceRecord(external_id=found_id, name=posixpath.splitext(posixpath.basename(zip_name))[0])


def _maybe(obj: Obj, name: str) -> bool | None:
    return None if raw(obj, name) is None else flag(obj, name, False)


def _workspace_id_named(r: _Reader) -> str | None:
    """The source workspace's id as its clients, projects, tags or members name it."""
    for name in (layout.PROJECTS, layout.CLIENTS, layout.TAGS, layout.WORKSPACE_USERS):
        member = r.names.get(name)
        if member is None:
            continue
        try:
            data = json.loads(r.zf.read(member).decode("utf-8-sig") or "[]")
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue
        for obj in data if isinstance(data, list) else []:
            if isinstance(obj, dict):
                try:
                    found = ident(obj, "workspace_id")
                except BadObject:
                    continue
                if found is not None:
                    return found
    return None


def _per_project(r: _Reader, prefix: str, projects: Mapping[str, ProjectRecord],
                 read: Callable[[ProjectRecord], Callable[[Obj], T]]) -> list[T]:
    """The ``<prefix><project id>.json`` files, each read with its project (an unknown id: a rejection)."""
    out: list[T] = []
    for name in r.folder(prefix):
        pid = posixpath.splitext(name[len(prefix):])[0]
        project = projects.get(pid)
        if project is None:
            r.rejections.append(Rejection(r.where(name), f"project {pid} is not in {layout.PROJECTS}"))
            continue
        out.extend(r.objects(name, read(project)))
    return out


def read_catalog(name: str, stream: BinaryIO, origin: str) -> WorkspaceSource:
    """Everything the ZIP holds, as records (no entries: those are the CSVs); a file that is not a ZIP is
    one rejection."""
    try:
        zf = zipfile.ZipFile(stream)
    except zipfile.BadZipFile:
        return WorkspaceSource(origin=origin, rejections=[Rejection(Location(name), "not a ZIP file")])
    with zf:
        r = _Reader(zf, name)
        clients_raw = [(o, c) for o, c in r.objects(layout.CLIENTS, lambda o: (ident(o, "id"), v9_objects.client(o)))]
        clients = [c for _, c in clients_raw]
        client_names = {cid: c.name for cid, c in clients_raw if cid is not None}
        projects = r.objects(layout.PROJECTS, _project(client_names))
        by_pid = {p.external_id: p for p in projects if p.external_id is not None}
        members = r.objects(layout.WORKSPACE_USERS, _member)
        users = {m.external_id: m.email for m in members if m.external_id is not None}
        return WorkspaceSource(
            origin=origin,
            workspace=_workspace(r, name, _workspace_id_named(r)),
            members=members,
            groups=r.objects(layout.USER_GROUPS, _group(users)),
            clients=clients,
            projects=projects,
            project_users=_per_project(r, layout.PROJECT_USERS_DIR, by_pid, lambda p: _project_user(p, users)),
            tasks=_per_project(r, layout.TASKS_DIR, by_pid, lambda p: _task(p, users)),
            tags=r.objects(layout.TAGS, v9_objects.tag),
            rejections=r.rejections,
        )
