"""Projects, clients, tags, tasks and project members: one router over the ``catalog_*`` modules."""

from fastapi import APIRouter

from punchclock.http.web import catalog_clients, catalog_members, catalog_projects, catalog_tags, catalog_tasks
from punchclock.http.web.catalog_forms import CatalogRoute

router = APIRouter(route_class=CatalogRoute, include_in_schema=False)
for _area in (catalog_projects, catalog_tasks, catalog_members, catalog_clients, catalog_tags):
    router.include_router(_area.router)
