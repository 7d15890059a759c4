"""punchclock: a self-hosted time-tracking server compatible with the Toggl API v8 and Reports API v2."""

__version__ = "0.1.0"
