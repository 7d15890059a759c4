"""``punchclock export WORKSPACE_ID DIR``."""
