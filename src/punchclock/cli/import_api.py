"""``punchclock import toggl-api``."""
