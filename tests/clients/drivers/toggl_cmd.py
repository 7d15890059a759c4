"""togglCli 4.0.1's ``toggl`` command against a live server: ``python toggl_cmd.py <base> <toggl args…>``.

The command has no URL option; its module constants ``toggl.toggl.TOGGL_URL`` / ``REPORTS_URL`` (read at
each request) are assigned ``<base>/api/v9`` and ``<base>/reports/api/v2``, then togglCli's own ``main``
runs with the remaining arguments. Credentials and options come from the config file named by
``~/.togglrc`` in its HOME (the default place; formatting code reads only that one).
"""

from __future__ import annotations

import sys

import toggl.toggl  # type: ignore[import-not-found, import-untyped, unused-ignore]

if __name__ == "__main__":
    base = sys.argv.pop(1)
    toggl.toggl.TOGGL_URL = base + "/api/v9"
    toggl.toggl.REPORTS_URL = base + "/reports/api/v2"
    toggl.toggl.main(sys.argv[1:])
