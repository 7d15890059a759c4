"""Every Reports v3 router, mounted under ``/reports/api/v3`` (paths start ``/workspace/{workspace_id}``)."""

from punchclock.http.reports_v3.routes import exports, projects, search, summary, weekly

ROUTERS = [search.router, summary.router, weekly.router, projects.router, exports.router]
