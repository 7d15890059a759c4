"""v9 routers, one module per resource (mounted under ``/api/v9``)."""

from punchclock.http.v9.routes import (
    clients,
    groups,
    me,
    members,
    organizations,
    project_users,
    projects,
    tags,
    tasks,
    time_entries,
    transfer,
    workspaces,
)

ROUTERS = [
    me.router,
    time_entries.router,
    organizations.router,
    workspaces.router,
    members.router,
    groups.router,
    clients.router,
    projects.router,
    project_users.router,
    tasks.router,
    tags.router,
    transfer.router,
    transfer.uploads,
]
