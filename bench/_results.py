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


def git_commit() -> str:
    """The short commit of the checkout, ``-dirty`` when tracked files changed: figures name their code."""
    import subprocess

    root = Path(__file__).resolve().parent.parent
    try:
        sha = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True,
                             check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               capture_output=True, text=True, check=True).stdout.strip()
        return sha + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
