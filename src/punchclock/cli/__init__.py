"""The ``punchclock`` command (entry point ``punchclock.cli:app``).

Every command reads its settings from the PUNCHCLOCK_* environment variables (``punchclock.config``).
Each module below adds its commands to ``app`` when imported.
"""

from punchclock.cli import (  # noqa: F401  (registers the commands)
    backup,
    demo,
    export,
    import_api,
    import_files,
    serve,
    users,
    webhooks,
    workspaces,
)
from punchclock.cli.apps import app
from punchclock.cli.database import shown_url
from punchclock.cli.serve import log_config

__all__ = ["app", "log_config", "shown_url"]
