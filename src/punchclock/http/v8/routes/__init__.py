"""v8 routers, one module per resource."""

from punchclock.http.v8.routes import clients, projects, tags, time_entries, users, workspaces

ROUTERS = [
    users.router,
    workspaces.router,
    clients.router,
    projects.router,
    tags.router,
    time_entries.router,
]
