"""Every Webhooks API router, mounted under ``/webhooks/api/v1``."""

from punchclock.http.webhooks.routes import events, info, subscriptions

ROUTERS = [subscriptions.router, events.router, info.router]
