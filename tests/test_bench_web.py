"""Smoke test of bench/web.py: a tiny run (30 entries, one timed GET a page) finishes and prints its table.

No timing is asserted: the figures belong to the benchmark's own runs (bench/results/web.md).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_page_benchmark_runs_on_a_tiny_database() -> None:
    done = subprocess.run([sys.executable, "web.py", "--entries", "30", "--requests", "1", "--no-append"],
                          cwd=ROOT / "bench", capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "seeded 30 entries" in done.stdout
    assert "| Profile settings | `/settings/profile` |" in done.stdout
    assert "| Workspace settings | `/settings/workspace` |" in done.stdout
    assert "| bare ASGI app (reference) | `/` |" in done.stdout
    assert "appended to" not in done.stdout
