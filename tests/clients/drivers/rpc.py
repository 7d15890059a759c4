"""Serves the functions of one driver module as JSON lines on stdin/stdout; runs inside a client's own venv.

Usage: ``<client venv>/bin/python rpc.py <driver.py>``. Each request line is ``{"fn": name, "kwargs": {...}}``;
each answer line is ``{"ok": result}`` or ``{"error": exception class name, "message": ..., "trace": ...}``.
Whatever the client prints goes to stderr: stdout belongs to the protocol. Standard library only.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import traceback


def main() -> None:
    spec = importlib.util.spec_from_file_location("driver", sys.argv[1])
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out, sys.stdout = sys.stdout, sys.stderr
    for line in sys.stdin:
        request = json.loads(line)
        try:
            answer = {"ok": getattr(module, request["fn"])(**request["kwargs"])}
        except Exception as exc:  # every failure goes back to the test, which decides
            answer = {"error": type(exc).__name__, "message": str(exc), "trace": traceback.format_exc()}
        out.write(json.dumps(answer) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
