"""Route inbound calls to one of your scripts, and print what to configure where.

    VOICEBOT_URL=http://127.0.0.1:8000 VOICEBOT_API_KEY=vb_... \
        python examples/inbound_route.py lead_qualification_en --to +74951234567 \
        --header lead_name=X-Lead-Name --var product="a kitchen" \
        --webhook https://crm.example/hook

    python examples/inbound_route.py lead_qualification_en --channel audiosocket \
        --var lead_name=Caller            # the default route for Asterisk AudioSocket calls
    python examples/inbound_route.py --list
    python examples/inbound_route.py --delete ROUTE_ID

The route's token is printed once: it authenticates Twilio Media Streams, which cannot
send an API key.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any
from urllib.parse import urlsplit

import httpx


def _pairs(values: list[str], what: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise SystemExit(f"{what} {item!r}: expected NAME=VALUE")
        pairs[name] = value
    return pairs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("script_id", nargs="?")
    parser.add_argument("--to", help="dialled number or SIP user: exact, or a ^regex$")
    parser.add_argument("--from", dest="caller", help="caller number: exact or regex")
    parser.add_argument("--sip-user", help="user part of the SIP Request-URI")
    parser.add_argument("--channel", choices=["sip", "websocket", "audiosocket"])
    parser.add_argument("--var", action="append", default=[], help="NAME=VALUE default")
    parser.add_argument(
        "--header", action="append", default=[], help="VARIABLE=X-Header that carries it"
    )
    parser.add_argument("--webhook", help="where each call's result goes")
    parser.add_argument("--priority", type=int, default=0)
    parser.add_argument("--list", action="store_true", help="list your routes")
    parser.add_argument("--delete", metavar="ROUTE_ID")
    args = parser.parse_args()

    base = os.environ.get("VOICEBOT_URL", "http://127.0.0.1:8000")
    client = httpx.Client(
        base_url=base,
        headers={"authorization": f"Bearer {os.environ['VOICEBOT_API_KEY']}"},
        timeout=30,
    )
    if args.list:
        for route in client.get("/v1/inbound-routes").json():
            print(json.dumps(route))
        return 0
    if args.delete:
        response = client.delete(f"/v1/inbound-routes/{args.delete}")
        print("deleted" if response.status_code == 204 else response.json()["message"])
        return 0 if response.status_code == 204 else 1
    if not args.script_id:
        parser.error("a script id is needed to create a route")

    match = {
        key: value
        for key, value in {
            "to": args.to,
            "from": args.caller,
            "sip_user": args.sip_user,
            "channel": args.channel,
        }.items()
        if value is not None
    }
    body: dict[str, Any] = {
        "match": match,
        "script_id": args.script_id,
        "variables": _pairs(args.var, "--var"),
        "variable_headers": _pairs(args.header, "--header"),
        "priority": args.priority,
    }
    if args.webhook:
        body["webhook"] = args.webhook
    response = client.post("/v1/inbound-routes", json=body)
    route = response.json()
    if response.status_code != 201:
        print(f"{response.status_code} {route.get('message')}")
        for issue in route.get("issues") or []:
            print(f"  {issue.get('path')}: {issue.get('message')}")
        return 1
    health = client.get("/healthz").json().get("listeners", {})
    host = urlsplit(base).hostname
    print(f"route {route['id']} -> {route['script_id']}  match {json.dumps(match)}")
    print(f"token (shown once): {route['token']}")
    sip = health.get("sip", {})
    if sip.get("listening") and args.channel in (None, "sip"):
        print(f"SIP: send INVITEs to sip:{args.to or 'NUMBER'}@{host}:{sip['port']}")
    if args.channel in (None, "websocket"):
        print(f'Twilio: <Connect><Stream url="{route["twilio_stream_url"]}"/></Connect>')
    sock = health.get("audiosocket", {})
    if sock.get("listening") and args.channel in (None, "audiosocket"):
        print(f"Asterisk: same => n,AudioSocket(${{UUID}},{host}:{sock['port']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
