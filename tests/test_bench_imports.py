"""Smoke test of bench/imports.py: a tiny run (60 and 150 entries) exports, imports every entry, runs the
hand-written insert and prints its table and verdicts.

No timing is asserted: the figures belong to the benchmark's own runs (bench/results/imports.md).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_import_benchmark_runs_on_tiny_sizes() -> None:
    done = subprocess.run([sys.executable, "imports.py", "--entries", "150", "--small", "60", "--no-append"],
                          cwd=ROOT / "bench", capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    out = done.stdout
    assert "seeded 60 entries" in out and "seeded 150 entries" in out
    # The files of one export: the ZIP and one CSV per year of 2024-2025.
    assert ("exported 150 entries in " in out and ": bench-imports_1.zip, time_entries_2024-01-01_to_2024-12-31.csv, "
            "time_entries_2025-01-01_to_2025-12-31.csv\n" in out)
    for size in ("60", "150"):
        assert f"| `punchclock export` | {size} | " in out
        assert f"| `punchclock import toggl-export` | {size} | " in out
        assert f"| hand-written bulk insert (`sqlite3` executemany) | {size} | " in out
    assert "- Import of 150 entries: " in out
    assert "- Import / hand-written insert of the same rows: " in out
    assert "appended to" not in out
