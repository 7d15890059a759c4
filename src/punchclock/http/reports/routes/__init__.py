"""Every Reports v2 router, mounted under ``/reports/api/v2`` (one module per report)."""

from punchclock.http.reports.routes import details, project, summary, testing, weekly

ROUTERS = [details.router, testing.router, project.router, summary.router, weekly.router]
