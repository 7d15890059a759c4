"""v8 routers, one module per resource."""

from punchclock.http.v8.routes import (
    clients,
    dashboard,
    groups,
    members,
    project_users,
    projects,
    tags,
    tasks,
    time_entries,
    users,
    workspaces,
)

ROUTERS = [
    users.router,
    workspaces.router,
    clients.router,
    projects.router,
    tags.router,
    time_entries.router,
    project_users.router,
    tasks.router,
    dashboard.router,
    members.router,
    groups.router,
]
