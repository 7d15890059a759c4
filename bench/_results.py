"""Appending a benchmark's figures to its results file under bench/results/ (newest last)."""

from __future__ import annotations

from pathlib import Path


def append(path: Path, script: str, title: str, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(f"# {title}\n\nAppended by `bench/{script}`; newest last.\n")
    with path.open("a") as f:
        f.write("\n" + text + "\n")
    print(f"\nappended to {path.relative_to(path.parents[2])}")
