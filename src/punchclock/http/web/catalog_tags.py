"""The tags pages: list (search, pages), create, rename, delete after a confirmation.

Any member may create tags unless the workspace reserves it to admins; renaming and deleting need an
admin (``domain/tags.py``). A rename also answers JSON, for the list's inline rename (``catalog.js``).
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from punchclock.domain import access, tags
from punchclock.domain.tags import TagChanges, TagCreate
from punchclock.http import wire
from punchclock.http.web import catalog_forms as forms
from punchclock.http.web.catalog_forms import CatalogRoute
from punchclock.http.web.common import Form, Viewer, see_other, signed_in, wants_json
from punchclock.http.web.common import page as render
from punchclock.models import Tag

router = APIRouter(route_class=CatalogRoute, include_in_schema=False)
PER_PAGE = 100


def _tag(viewer: Viewer, tag_id: int) -> Tag:
    """A live tag of the current workspace; any other id is unknown (404)."""
    return tags.get(viewer.db, viewer.actor, tag_id, viewer.workspace_id)


@router.get("/tags")
async def tags_page(request: Request, q: str = "", page: int = 1) -> Response:
    viewer = await signed_in(request)
    ws, number = forms.workspace(viewer), max(page, 1)
    rows = tags.list_searched(viewer.db, viewer.actor, ws.id, search=q.strip() or None, limit=PER_PAGE + 1,
                              offset=(number - 1) * PER_PAGE)
    may_create = viewer.is_admin or not ws.only_admins_may_create_tags
    return render(request, "catalog/tags.html", rows=rows[:PER_PAGE], more=len(rows) > PER_PAGE, number=number,
                  q=q.strip(), may_create=may_create)


@router.post("/tags")
async def create_tag(request: Request) -> Response:
    viewer = await signed_in(request)
    form = await Form.read(request)
    created = tags.create(viewer.db, viewer.actor, TagCreate(workspace_id=viewer.workspace_id, name=form.text("name")))
    return see_other(request, "/tags", ok=f"Tag “{created.name}” created.")


@router.get("/tags/{tag_id}")
async def tag_page(request: Request, tag_id: int) -> Response:
    viewer = await signed_in(request)
    found = _tag(viewer, tag_id)
    access.require_admin(viewer.actor, found.workspace_id)
    return render(request, "catalog/tag.html", t=found)


@router.post("/tags/{tag_id}")
async def rename_tag(request: Request, tag_id: int) -> Response:
    viewer = await signed_in(request)
    found, form = _tag(viewer, tag_id), await Form.read(request)
    old = found.name
    changed = tags.update_tag(viewer.db, viewer.actor, found.id, TagChanges(name=form.text("name")),
                              viewer.workspace_id)
    if wants_json(request):
        return wire.json_response({"id": changed.id, "name": changed.name})
    return see_other(request, "/tags", ok=f"Tag “{old}” renamed to “{changed.name}”.")


@router.get("/tags/{tag_id}/delete")
async def delete_tag_page(request: Request, tag_id: int) -> Response:
    viewer = await signed_in(request)
    found = _tag(viewer, tag_id)
    access.require_admin(viewer.actor, found.workspace_id)
    return render(request, "catalog/confirm.html", kind="tag", name=found.name, action=f"/tags/{found.id}/delete",
                  back="/tags", entries=False)


@router.post("/tags/{tag_id}/delete")
async def delete_tag(request: Request, tag_id: int) -> Response:
    viewer = await signed_in(request)
    found = _tag(viewer, tag_id)
    name = found.name
    tags.delete(viewer.db, viewer.actor, found.id, viewer.workspace_id)
    return see_other(request, "/tags", ok=f"Tag “{name}” deleted.")
