"""``punchclock import toggl-export``."""
