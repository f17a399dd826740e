"""Place a call and poll it until it ends; print the result and the transcript.

    VOICEBOT_URL=http://127.0.0.1:8000 VOICEBOT_API_KEY=vb_... \
        python examples/place_call.py +15550001 lead_qualification_en lead_name=Ann \
        [--webhook http://127.0.0.1:9000/hook] [--say yes --say "five thousand"]

With the `simulated` dialer (the default when no telephony is configured) the `--say` lines
are the caller's turns, typed instead of spoken.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import httpx

TERMINAL = {"completed", "failed", "cancelled"}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("to")
    parser.add_argument("script_id")
    parser.add_argument("variables", nargs="*", help="name=value")
    parser.add_argument("--webhook")
    parser.add_argument("--say", action="append", default=[])
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    client = httpx.Client(
        base_url=os.environ.get("VOICEBOT_URL", "http://127.0.0.1:8000"),
        headers={"authorization": f"Bearer {os.environ['VOICEBOT_API_KEY']}"},
        timeout=30,
    )
    body: dict[str, object] = {
        "to": args.to,
        "script_id": args.script_id,
        "variables": dict(v.split("=", 1) for v in args.variables),
    }
    if args.webhook:
        body["webhook"] = args.webhook
    created = client.post("/v1/calls", json=body)
    if created.status_code != 202:
        print(created.status_code, created.text)
        return 1
    call_id = created.json()["id"]
    print(f"call {call_id} queued")
    pending = list(args.say)
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        call = client.get(f"/v1/calls/{call_id}").json()
        if call["status"] in TERMINAL:
            break
        # answer once the robot has spoken and is waiting for us
        if (
            call["status"] == "in_progress"
            and call["transcript"]
            and (call["transcript"][-1]["role"] == "bot")
        ):
            turn = {"text": pending.pop(0)} if pending else {"hangup": True}
            client.post(f"/v1/calls/{call_id}/input", json=turn)
        time.sleep(0.3)
    else:
        print("timed out")
        return 1
    print(f"status: {call['status']}")
    print("result:", json.dumps(call["result"], ensure_ascii=False))
    for turn in call["transcript"]:
        print(f"  {turn['role']:6s} {turn['text']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
