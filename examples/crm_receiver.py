"""A minimal CRM webhook receiver: verifies Standard Webhooks signatures and stores each
result once (deliveries are at-least-once; `webhook-id` is the idempotency key).

    WEBHOOK_SECRET=whsec_... python examples/crm_receiver.py --port 9000

Then pass `--webhook http://127.0.0.1:9000/hook` when placing calls. (A server accepts
loopback targets only if `VOICEBOT_SSRF_ALLOWLIST='["127.0.0.1/32"]'` is set.)
"""

from __future__ import annotations

import argparse
import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook, WebhookVerificationError

seen: dict[str, dict[str, object]] = {}


class Handler(BaseHTTPRequestHandler):
    verifier = Webhook(os.environ.get("WEBHOOK_SECRET", ""))

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        try:
            payload = self.verifier.verify(body, dict(self.headers.items()))
        except WebhookVerificationError:
            self.send_response(401)
            self.end_headers()
            return
        msg_id = self.headers["webhook-id"]
        if msg_id not in seen:  # a retry of something we already have: just acknowledge
            seen[msg_id] = payload
            result = payload["result"]
            print(
                json.dumps(
                    {
                        "call": payload["call"]["id"],
                        "outcome": result.get("outcome"),
                        "fields": result.get("fields"),
                        "recording": (payload.get("recording") or {}).get("url"),
                    },
                    ensure_ascii=False,
                ),
                flush=True,
            )
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9000)
    args = parser.parse_args()
    if not os.environ.get("WEBHOOK_SECRET"):
        raise SystemExit("set WEBHOOK_SECRET (printed by `voicebot tenants create`)")
    ThreadingHTTPServer((args.host, args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
