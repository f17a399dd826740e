"""`voicebot numbering import` and `voicebot campaigns …` against a running service (real
HTTP on loopback), with the campaign's calls on a virtual-clock line."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from bot_engine.cli import app as cli
from tests.service.local_server import LocalServer
from tests.service.postgres_server import free_port

from .line import drive, on_a_line

# what these commands print must not depend on the terminal: scripts/test.sh reruns them
# at COLUMNS=40 and 300
pytestmark = pytest.mark.cli

DATA = Path(__file__).parent / "data"
START = datetime(2026, 12, 3, 12, 0, tzinfo=ZoneInfo("Europe/Moscow"))


async def _cli(*args: str, key: str | None = None, url: str = "") -> tuple[int, str]:
    env = {"VOICEBOT_URL": url}
    if key is not None:
        env["VOICEBOT_API_KEY"] = key
    result = await asyncio.to_thread(CliRunner().invoke, cli, list(args), env=env)
    return result.exit_code, result.output


async def test_the_campaign_commands_end_to_end(tmp_path: Path) -> None:
    code, out = await _cli(
        "numbering",
        "import",
        str(DATA / "DEF-9xx-sample.csv"),
        str(DATA / "ABC-4xx-sample-cp1251.csv"),
        "--data-dir",
        str(tmp_path),
    )
    assert code == 0, out
    assert "imported 10 ranges of 10 codes; 9 with a zone" in out
    assert "row 9" in out and "Российская Федерация" in out

    db_url = f"sqlite+aiosqlite:///{tmp_path / 'voicebot.db'}"
    plans = {"+79122500001": ["busy", "say:yes"]}
    async with (
        on_a_line(db_url, tmp_path, START, plans) as on,
        LocalServer(on.api.app, free_port()) as server,
    ):
        svc, line, client, key = on.svc, on.line, on.client, on.key
        extra = tmp_path / "campaign.json"
        extra.write_text(json.dumps({"retries": {"busy": {"attempts": 2, "after": "5m"}}}))
        code, out = await _cli(
            "campaigns",
            "create",
            "--name",
            "cli",
            "--script",
            "callback_check",
            "--region",
            "RU",
            "--max-concurrent",
            "2",
            "--settings",
            str(extra),
            "--var",
            "product=kitchen",
            key=key,
            url=server.url,
        )
        assert code == 0, out
        campaign_id = out.strip()
        leads = tmp_path / "leads.csv"
        leads.write_text(
            "phone,name,external_id\n+79122500001,Ann,a\n84957770002,Bob,b\n"
            "+74012200003,Cy,c\nnope,Dan,d\n"
        )
        code, out = await _cli(
            "campaigns", "leads", campaign_id, str(leads), key=key, url=server.url
        )
        assert code == 0, out
        assert "accepted: 3" in out and "row 5: phone: not a phone number" in out
        code, out = await _cli("campaigns", "start", campaign_id, key=key, url=server.url)
        assert (code, out.strip()) == (0, f"{campaign_id}: running")
        await drive(svc, line, START + timedelta(days=2))
        code, out = await _cli("campaigns", "status", campaign_id, key=key, url=server.url)
        assert code == 0 and "finished" in out and "qualified 3" in out, out
        code, out = await _cli("campaigns", "status", key=key, url=server.url)
        assert code == 0 and campaign_id in out
        report = tmp_path / "report.csv"
        code, out = await _cli(
            "campaigns", "report", campaign_id, "-o", str(report), key=key, url=server.url
        )
        assert code == 0, out
        rows = list(csv.DictReader(io.StringIO(report.read_text())))
        assert [(r["external_id"], r["attempts"], r["outcome"]) for r in rows] == [
            ("a", "2", "qualified"),
            ("b", "1", "qualified"),
            ("c", "1", "qualified"),
        ]
        code, out = await _cli("campaigns", "watch", campaign_id, key=key, url=server.url)
        assert code == 0 and "3/3 leads finished" in out and "calls placed 4" in out, out
        listed = (await client.get(f"/v1/campaigns/{campaign_id}/leads")).json()["items"]
        # The imported plan places the mobile number (phonenumbers alone would not).
        assert (listed[0]["zones"], listed[0]["zone_source"]) == (
            ["Asia/Yekaterinburg"],
            "numbering",
        )
        assert listed[2]["zones"] == ["Europe/Kaliningrad"]
        code, out = await _cli("campaigns", "pause", campaign_id, key=key, url=server.url)
        assert code == 1 and "HTTP 409" in out
        code, out = await _cli("campaigns", "status", campaign_id, key="vb_bad", url=server.url)
        assert code == 1 and "HTTP 401" in out
        code, out = await _cli("campaigns", "status", campaign_id, key="", url=server.url)
        assert code == 2 and "API key" in out
