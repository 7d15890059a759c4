"""A minimal webhook receiver for punchclock: verifies each delivery's signature, prints its event.

    PUNCHCLOCK_WEBHOOK_SECRET=<the subscription's secret> python examples/webhook_receiver.py 8000

Standard library only. It answers 200 to a delivery whose ``X-Webhook-Signature-256`` is the HMAC-SHA256
of the exact body bytes keyed with the secret, echoes the ``validation_code`` of a ping (which validates
the subscription at once), and answers 401 to anything else. Deliveries may repeat (at-least-once):
deduplicate on ``event_id``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = os.environ["PUNCHCLOCK_WEBHOOK_SECRET"].encode()
seen: set[int] = set()


def verified(body: bytes, header: str | None) -> bool:
    expected = "sha256=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()
    return header is not None and hmac.compare_digest(expected, header)


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if not verified(body, self.headers.get("X-Webhook-Signature-256")):
            self.send_response(401)
            self.end_headers()
            return
        event = json.loads(body)
        answer = b"{}"
        if event["payload"] == "ping" and "validation_code" in event:
            answer = json.dumps({"validation_code": event["validation_code"]}).encode()
        elif event["event_id"] not in seen:
            seen.add(event["event_id"])
            meta = event["metadata"]
            print(event["event_id"], meta["model"], meta["action"], json.dumps(event["payload"]), flush=True)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: object) -> None:
        pass  # one line per event above is enough


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 8000), Receiver).serve_forever()
