"""Run a stored (or local) script in the text simulator over HTTP; for customers' CI.

    VOICEBOT_URL=http://127.0.0.1:8000 VOICEBOT_API_KEY=vb_... \
        python examples/simulate.py lead_qualification_en --var lead_name=Ann \
        --turn yes --turn "five thousand dollars" --expect qualified

Prints the `voicebot chat --json` document; exits 1 if `--expect` does not match.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import httpx


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("script", help="a stored script id, or a local .yaml/.json file")
    parser.add_argument("--var", action="append", default=[], help="name=value")
    parser.add_argument("--turn", action="append", default=[])
    parser.add_argument("--expect", help="the outcome the conversation must reach")
    args = parser.parse_args()
    body: dict[str, object] = {
        "variables": dict(v.split("=", 1) for v in args.var),
        "turns": args.turn,
    }
    path = Path(args.script)
    if path.is_file():
        body["script"] = path.read_text()
    else:
        body["script_id"] = args.script
    response = httpx.post(
        os.environ.get("VOICEBOT_URL", "http://127.0.0.1:8000") + "/v1/simulate",
        json=body,
        headers={"authorization": f"Bearer {os.environ['VOICEBOT_API_KEY']}"},
        timeout=60,
    )
    document = response.json()
    print(json.dumps(document, ensure_ascii=False, indent=2))
    if response.status_code != 200:
        return 1
    if args.expect and document["result"]["outcome"] != args.expect:
        print(
            f"expected outcome {args.expect}, got {document['result']['outcome']}", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
