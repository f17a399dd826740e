"""Upload a dialog script to the voicebot API and print the new version (or every issue).

    VOICEBOT_URL=http://127.0.0.1:8000 VOICEBOT_API_KEY=vb_... \
        python examples/upload_script.py examples/scripts/lead_qualification_en.yaml
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import httpx


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    path = Path(sys.argv[1])
    kind = "application/json" if path.suffix == ".json" else "application/yaml"
    response = httpx.post(
        os.environ.get("VOICEBOT_URL", "http://127.0.0.1:8000") + "/v1/scripts",
        content=path.read_bytes(),
        headers={"content-type": kind, "authorization": f"Bearer {os.environ['VOICEBOT_API_KEY']}"},
        timeout=30,
    )
    body = response.json()
    if response.status_code != 201:
        print(f"{response.status_code} {body.get('message')}")
        for issue in body.get("issues") or []:
            print(
                f"  {path}:{issue.get('line')}:{issue.get('column')}: {issue.get('path')}: "
                f"{issue.get('message')}"
            )
        return 1
    print(
        f"uploaded {body['script_id']} version {body['version']} (prompts: {body['render_status']})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
