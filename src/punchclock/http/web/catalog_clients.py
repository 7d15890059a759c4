"""The clients pages: list (active, archived, all), create, edit (name, notes, rate for admins), archive
with their projects, restore, delete after a confirmation. Changes need an admin (``domain/clients.py``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from punchclock.domain import access, clients, projects
from punchclock.domain.clients import ClientChanges, ClientCreate
from punchclock.domain.colors import hex_color
from punchclock.http.web import catalog_forms as forms
from punchclock.http.web.catalog_forms import CatalogRoute
from punchclock.http.web.common import Form, Viewer, back_to, see_other, signed_in
from punchclock.http.web.common import page as render
from punchclock.models import Client, Workspace

router = APIRouter(route_class=CatalogRoute, include_in_schema=False)


def _client(viewer: Viewer, client_id: int) -> Client:
    """A live client of the current workspace; any other id is unknown (404)."""
    return clients.get(viewer.db, viewer.actor, client_id, viewer.workspace_id)


def _rates(viewer: Viewer, ws: Workspace, form: Form) -> dict[str, Any]:
    """Rate and currency, from admins of premium workspaces only (the form shows them to them only)."""
    if not (viewer.is_admin and ws.premium and form.has("rate")):
        return {}
    return {"hourly_rate": forms.money(form, "rate"), "currency": forms.currency(form)}


@router.get("/clients")
async def clients_page(request: Request, status: str = "active", q: str = "") -> Response:
    viewer = await signed_in(request)
    ws, status = forms.workspace(viewer), forms.status_of(status)
    rows = clients.list_filtered(viewer.db, viewer.actor, ws.id, archived=_archived(status), name=q.strip() or None)
    return render(request, "catalog/clients.html", rows=rows, status=status, q=q.strip(), ws=ws,
                  show_rates=access.views(viewer.db, viewer.actor)[ws.id].show_rates)


def _archived(status: str) -> bool | None:
    active = forms.ACTIVE[status]
    return None if active is None else not active


@router.post("/clients")
async def create_client(request: Request) -> Response:
    viewer = await signed_in(request)
    ws, form = forms.workspace(viewer), await Form.read(request)
    created = clients.create(viewer.db, viewer.actor, ClientCreate(
        workspace_id=ws.id, name=form.text("name"), **_rates(viewer, ws, form)))
    return see_other(request, "/clients", ok=f"Client “{created.name}” created.")


@router.get("/clients/{client_id}")
async def client_page(request: Request, client_id: int) -> Response:
    viewer = await signed_in(request)
    found, ws = _client(viewer, client_id), forms.workspace(viewer)
    shown = sorted(projects.list_for_client(viewer.db, viewer.actor, found.id, None), key=lambda p: p.name.lower())
    return render(request, "catalog/client.html", c=found, ws=ws, projects=shown, hex=hex_color,
                  show_rates=access.views(viewer.db, viewer.actor)[ws.id].show_rates)


@router.post("/clients/{client_id}")
async def update_client(request: Request, client_id: int) -> Response:
    viewer = await signed_in(request)
    found, ws, form = _client(viewer, client_id), forms.workspace(viewer), await Form.read(request)
    changes = ClientChanges(name=form.text("name"), notes=form.text("notes") or None, **_rates(viewer, ws, form))
    changed = clients.update_client(viewer.db, viewer.actor, found.id, changes, ws.id)
    return see_other(request, f"/clients/{found.id}", ok=f"Client “{changed.name}” saved.")


@router.post("/clients/{client_id}/archive")
async def archive_client(request: Request, client_id: int) -> Response:
    viewer = await signed_in(request)
    found = _client(viewer, client_id)
    archived = clients.archive(viewer.db, viewer.actor, viewer.workspace_id, found.id)
    also = f" with {len(archived)} project{'s' if len(archived) != 1 else ''}" if archived else ""
    return see_other(request, back_to(request, "/clients"), ok=f"Client “{found.name}” archived{also}.")


@router.post("/clients/{client_id}/restore")
async def restore_client(request: Request, client_id: int) -> Response:
    viewer = await signed_in(request)
    found, form = _client(viewer, client_id), await Form.read(request)
    clients.restore(viewer.db, viewer.actor, viewer.workspace_id, found.id,
                    all_projects=form.checkbox("projects"), project_ids=[])
    return see_other(request, back_to(request, "/clients"), ok=f"Client “{found.name}” restored.")


@router.get("/clients/{client_id}/delete")
async def delete_client_page(request: Request, client_id: int) -> Response:
    viewer = await signed_in(request)
    found = _client(viewer, client_id)
    access.require_admin(viewer.actor, found.workspace_id)
    return render(request, "catalog/confirm.html", kind="client", name=found.name,
                  action=f"/clients/{found.id}/delete", back=f"/clients/{found.id}", entries=False)


@router.post("/clients/{client_id}/delete")
async def delete_client(request: Request, client_id: int) -> Response:
    viewer = await signed_in(request)
    found = _client(viewer, client_id)
    name = found.name
    clients.delete(viewer.db, viewer.actor, found.id, viewer.workspace_id)
    return see_other(request, "/clients", ok=f"Client “{name}” deleted.")
