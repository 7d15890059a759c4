"""The web app's routers, one module per area of the app."""

from punchclock.http.web.routes import (
    account,
    catalog,
    entries,
    recovery,
    reports,
    settings,
    team,
    transfer,
)

ROUTERS = [account.router, entries.router, catalog.router, team.router, reports.router, settings.router,
           transfer.router, transfer.uploads, recovery.router]
