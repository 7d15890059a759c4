"""The web app's routers, one module per area of the app."""

from punchclock.http.web.routes import (
    account,
    catalog,
    entries,
    recovery,
    reports,
    settings,
    team,
)

ROUTERS = [account.router, entries.router, catalog.router, team.router, reports.router, settings.router,
           recovery.router]
