"""The campaign and do-not-call API on both storage backends: validation with clear 4xx,
uploads (CSV, JSON, JSON lines; limits), lifecycle, paging, the report, metrics, and the
results and summary delivered to a signed webhook."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from bot_engine.dialog.actions import DialogResult
from tests.service.local_server import LocalServer
from tests.service.postgres_server import free_port
from tests.service.receivers import WebhookReceiver

from .conftest import CALLBACK_SCRIPT, Api, upload
from .line import drive, on_a_line, settle

MSK = ZoneInfo("Europe/Moscow")
START = datetime(2026, 12, 3, 10, 0, tzinfo=MSK)
BASIC: dict[str, Any] = {"name": "test", "script_id": "callback_check", "default_region": "RU"}


async def _campaign(client: httpx.AsyncClient, **extra: Any) -> str:
    response = await client.post("/v1/campaigns", json={**BASIC, **extra})
    assert response.status_code == 201, response.text
    assert set(response.json()) == {"id", "status"}
    campaign_id: str = response.json()["id"]
    return campaign_id


async def test_campaign_requests_are_checked_against_the_script(api: Api) -> None:
    _, key = await api.tenant("acme")
    async with api.client(key) as client:
        await upload(client, CALLBACK_SCRIPT)
        missing = await client.post("/v1/campaigns", json={**BASIC, "script_id": "nope"})
        assert missing.status_code == 404
        mistakes: dict[str, Any] = {
            **BASIC,
            "retries": {
                "no_anwser": {"attempts": 2, "after": "1h"},
                "callback": {"at": "budget"},
            },
            "variables": {"budget_floor": "lots", "colour": "red"},
        }
        bad = await client.post(
            "/v1/campaigns",
            json={**mistakes, "retries": {**mistakes["retries"], "busy": {"after": "2x"}}},
        )
        assert bad.status_code == 422
        paths = {issue["path"] for issue in bad.json()["issues"]}
        assert "body.retries.busy.after" in paths  # the duration: the request model
        bad = await client.post("/v1/campaigns", json=mistakes)
        paths = {issue["path"] for issue in bad.json()["issues"]}
        assert paths == {
            "retries.no_anwser",
            "retries.callback.at",
            "variables.budget_floor",
            "variables.colour",
        }
        for schedule in (
            {"windows": {"mon": [["09:00", "25:00"]]}},
            {"windows": {"mon": [["10:00", "09:00"]]}},
            {"windows": {"mon": [["09:00", "12:00"], ["11:00", "13:00"]]}},
            {"windows": {"funday": [["09:00", "12:00"]]}},
            {"start": "2026-12-03T00:00:00+03:00", "end": "2026-12-02T00:00:00+03:00"},
        ):
            response = await client.post("/v1/campaigns", json={**BASIC, "schedule": schedule})
            assert response.status_code == 422, schedule
        for extra in (
            {"default_region": "XX"},
            {"default_timezone": "Mars/Base"},
            {"pacing": {"max_concurrent": 0}},
            {"surprise": 1},
        ):
            response = await client.post("/v1/campaigns", json={**BASIC, **extra})
            assert response.status_code == 422, extra
        text = await client.post(
            "/v1/campaigns", content="name: x", headers={"content-type": "text/plain"}
        )
        assert text.status_code == 415
        campaign_id = await _campaign(client, schedule={"start": "2026-12-03T09:00:00"})
        got = (await client.get(f"/v1/campaigns/{campaign_id}")).json()
        assert got["settings"]["schedule"]["start"] == "2026-12-03T09:00:00+03:00"
        assert set(got["settings"]["retries"]) == {
            "no_answer",
            "busy",
            "voicemail",
            "failed",
            "callback",
        }
        assert got["settings"]["retries"]["callback"]["at"] == "callback_at"
        assert got["version"] == 1 and got["status"] == "draft"


async def test_uploads_csv_json_and_lines_with_row_errors(api: Api) -> None:
    _, key = await api.tenant("acme")
    async with api.client(key) as client:
        await upload(client, CALLBACK_SCRIPT)
        campaign_id = await _campaign(client)
        path = f"/v1/campaigns/{campaign_id}/leads"
        bad_header = await client.post(
            path,
            content="phone,name,colour\n+74957770001,A,red\n",
            headers={"content-type": "text/csv"},
        )
        assert bad_header.status_code == 422
        assert bad_header.json()["message"].startswith("row 1, column 3: 'colour'")
        no_phone = await client.post(
            path, content="name\nA\n", headers={"content-type": "text/csv"}
        )
        assert no_phone.status_code == 422 and "phone" in no_phone.json()["message"]
        xml = await client.post(path, content="<leads/>", headers={"content-type": "text/xml"})
        assert xml.status_code == 415
        unclosed = await client.post(
            path,
            content='[{"phone": "+74957770001", "name": "A"}',
            headers={"content-type": "application/json"},
        )
        assert unclosed.status_code == 422 and "not closed" in unclosed.json()["message"]
        csv_body = "\ufeffphone,name,budget_floor\n+74957770001,Ann,100\n+74957770002,Bob,lots\n"
        first = (
            await client.post(
                path, content=csv_body.encode(), headers={"content-type": "text/csv; charset=utf-8"}
            )
        ).json()
        assert first["accepted"] == 1
        assert first["rejected"] == [
            {"row": 3, "error": "variable 'budget_floor': expected a number, got 'lots'"}
        ]
        as_json = (
            await client.post(
                path,
                json=[
                    {"phone": "+74957770001", "name": "Again"},
                    {"phone": "+74957770003", "external_id": 7, "variables": {"name": "Cy"}},
                    {"phone": "+74957770004"},
                    "nonsense",
                ],
            )
        ).json()
        assert as_json["accepted"] == 1
        assert [r["row"] for r in as_json["rejected"]] == [1, 3, 4]
        assert "already a lead" in as_json["rejected"][0]["error"]
        lines = (
            await client.post(
                path,
                content='{"phone": "+74957770005", "name": "Di"}\n{oops\n',
                headers={"content-type": "application/x-ndjson"},
            )
        ).json()
        assert lines == {
            "accepted": 1,
            "rejected": [{"row": 2, "error": "not JSON"}],
            "rejected_count": 1,
        }
        page = (await client.get(path, params={"limit": 2})).json()
        assert [lead["phone"] for lead in page["items"]] == ["+74957770001", "+74957770003"]
        assert page["items"][1]["external_id"] == "7"
        assert page["items"][0]["variables"] == {"name": "Ann", "budget_floor": 100}
        assert (await client.get(path, params={"after": 2**40})).status_code == 422
        rest = (await client.get(path, params={"after": page["next_after"]})).json()
        assert [lead["phone"] for lead in rest["items"]] == ["+74957770005"]
        assert rest["next_after"] is None
        # Other tenants see nothing.
        _, other = await api.tenant("other")
        async with api.client(other) as stranger:
            assert (await stranger.get(f"/v1/campaigns/{campaign_id}")).status_code == 404
            assert (await stranger.post(path, json=[])).status_code == 404


async def test_upload_limits(db_url: str, tmp_path: Path) -> None:
    async with on_a_line(
        db_url, tmp_path, START, max_leads_per_upload=3, max_upload_bytes=3_000
    ) as on:
        client = on.client
        # The script (uploaded already) is bigger than 3 kB: other bodies keep the
        # service's own limit.
        campaign_id = await _campaign(client)
        path = f"/v1/campaigns/{campaign_id}/leads"
        rows = "".join(f"+7495777000{n},N{n}\n" for n in range(5))
        result = (
            await client.post(
                path, content="phone,name\n" + rows, headers={"content-type": "text/csv"}
            )
        ).json()
        assert result["accepted"] == 3
        assert result["rejected"][0]["row"] == 5
        assert "more than 3 leads" in result["rejected"][0]["error"]
        huge = "phone,name\n" + "+74957770001," + "x" * 4000 + "\n"

        async def stream() -> Any:  # no content-length: counted as it arrives
            for i in range(0, len(huge), 500):
                yield huge[i : i + 500].encode()

        too_big = await client.post(path, content=stream(), headers={"content-type": "text/csv"})
        assert too_big.status_code == 413


async def test_lifecycle(db_url: str, tmp_path: Path) -> None:
    async with on_a_line(db_url, tmp_path, START) as on:
        svc, line, client = on.svc, on.line, on.client
        campaign_id = await _campaign(client, pacing={"max_concurrent": 1, "calls_per_minute": 60})
        path = f"/v1/campaigns/{campaign_id}"
        empty = await client.post(f"{path}/start")
        assert empty.status_code == 409 and "no lead" in empty.json()["message"]
        assert (await client.post(f"{path}/pause")).status_code == 409
        assert (await client.post(f"{path}/launch")).status_code == 422
        await client.post(
            f"{path}/leads",
            json=[{"phone": f"+7495777000{n}", "name": f"N{n}"} for n in range(4)],
        )
        assert (await client.post(f"{path}/start")).json()["status"] == "running"
        await svc.campaigns.run_once()
        await settle(svc)
        assert len(line.placed) == 1
        assert (await client.post(f"{path}/pause")).json()["status"] == "paused"
        line.clock.advance(timedelta(minutes=10))
        await line.finish_due()
        await svc.campaigns.run_once()
        await settle(svc)
        assert len(line.placed) == 1  # paused: nothing more is dialled
        assert (await client.post(f"{path}/resume")).json()["status"] == "running"
        await svc.campaigns.run_once()
        await settle(svc)
        assert len(line.placed) == 2
        cancelled = await client.post(f"{path}/cancel")
        assert cancelled.json()["status"] == "cancelled"
        got = (await client.get(path)).json()
        assert got["counts"]["states"]["cancelled"] == 2
        assert got["counts"]["states"]["calling"] == 1
        assert got["finished_at"] is None  # a call is still in progress
        line.clock.advance(timedelta(minutes=10))
        await line.finish_due()
        got = (await client.get(path)).json()
        assert got["status"] == "cancelled" and got["finished_at"] is not None
        assert got["counts"]["states"] == {
            "pending": 0,
            "calling": 0,
            "done": 2,
            "skipped_dnc": 0,
            "expired": 0,
            "cancelled": 2,
        }
        assert (await client.post(f"{path}/cancel")).status_code == 409
        late = await client.post(f"{path}/leads", json=[{"phone": "+74957770009", "name": "Late"}])
        assert late.status_code == 409
        listed = (await client.get("/v1/campaigns", params={"status": "cancelled"})).json()
        assert [c["id"] for c in listed] == [campaign_id]


async def test_do_not_call_list(api: Api) -> None:
    tenant_id, key = await api.tenant("acme")
    async with api.client(key) as client:
        added = await client.post(
            "/v1/dnc", json={"phone": "8 (495) 777-00-01", "reason": "asked by phone"}
        )
        assert added.status_code == 201
        assert added.json()["phone"] == "+74957770001" and added.json()["source"] == "api"
        again = await client.post("/v1/dnc", json={"phone": "+74957770001", "reason": "twice"})
        assert again.json()["reason"] == "asked by phone"  # the first entry stays
        assert (await client.post("/v1/dnc", json={"phone": "hello"})).status_code == 422
        checked = (await client.get("/v1/dnc/84957770001")).json()
        assert checked["listed"] and checked["phone"] == "+74957770001"
        assert not (await client.get("/v1/dnc/+74957770002")).json()["listed"]
        imported = (
            await client.post(
                "/v1/dnc/import",
                content="phone,reason\n+74957770002,x\nnot-a-number,\n+74957770003,\n",
                headers={"content-type": "text/csv"},
            )
        ).json()
        assert imported["accepted"] == 2
        assert imported["rejected"] == [{"row": 3, "error": "phone: not a phone number"}]
        huge = await client.get("/v1/dnc", params={"after": 10**25})  # ids are 32-bit
        assert huge.status_code == 422
        page = (await client.get("/v1/dnc", params={"limit": 2})).json()
        assert len(page["items"]) == 2 and page["next_after"] is not None
        assert (await client.delete("/v1/dnc/+74957770002")).status_code == 204
        assert (await client.delete("/v1/dnc/+74957770002")).status_code == 404
        await upload(client, CALLBACK_SCRIPT)
        refused = await client.post(
            "/v1/calls",
            json={"to": "84957770001", "script_id": "callback_check", "variables": {"name": "A"}},
        )
        assert refused.status_code == 409
        assert "+74957770001 is on this tenant's do-not-call list" in refused.json()["message"]
        allowed = await client.post(
            "/v1/calls",
            json={"to": "+74957770002", "script_id": "callback_check", "variables": {"name": "A"}},
        )
        assert allowed.status_code == 202
        # A caller who opts out of an inbound call is listed too, with that call.
        spec = await api.service.creation.open_inbound(
            tenant_id=tenant_id,
            script_id="callback_check",
            to_number="+74950000000",
            from_number="+79161110000",
            variables={"name": "In"},
        )
        opted = DialogResult(outcome="opted_out", ending="completed")
        await api.service.calls.finish(spec.call_id, opted, hangup_cause="robot_hangup")
        entry = (await client.get("/v1/dnc/+79161110000")).json()["entry"]
        assert entry["source"] == "opt_out" and entry["call_id"] == spec.call_id
        _, other = await api.tenant("other")
        async with api.client(other) as stranger:  # one tenant's list is not another's
            assert not (await stranger.get("/v1/dnc/+74957770001")).json()["listed"]


async def test_results_and_summary_go_to_the_campaign_webhook_and_the_report(
    db_url: str, tmp_path: Path
) -> None:
    async with on_a_line(db_url, tmp_path, START) as on:
        svc, line, client = on.svc, on.line, on.client
        line.plans = {
            "+74957770001": ["busy", "say:yes"],
            "+74957770002": ["say:stop calling me"],
        }
        secret = (await client.get("/v1/tenant")).json()["webhook_secret"]
        receiver = WebhookReceiver(secret)
        async with LocalServer(receiver.app, free_port()) as crm:
            campaign_id = await _campaign(
                client,
                webhook=f"{crm.url}/hook",
                retries={"busy": {"attempts": 2, "after": "5m"}},
                pacing={"max_concurrent": 2, "calls_per_minute": 60},
            )
            await client.post(
                f"/v1/campaigns/{campaign_id}/leads",
                content=(
                    "phone,name,external_id\n+74957770001,Ann,crm-1\n+74957770002,Bob,crm-2\n"
                ),
                headers={"content-type": "text/csv"},
            )
            await client.post(f"/v1/campaigns/{campaign_id}/start")
            metrics = (await client.get("/metrics")).text
            assert (
                f'voicebot_campaign_leads{{campaign="{campaign_id}",state="pending"}} 2.0'
            ) in metrics
            await drive(svc, line, START + timedelta(days=1))
            async with asyncio.timeout(30):
                while len(receiver.received) < 4:
                    await asyncio.sleep(0.05)
            metrics = (await client.get("/metrics")).text
            assert f'voicebot_campaign_calls_total{{campaign="{campaign_id}"}} 3.0' in metrics
            assert (
                f'voicebot_campaign_attempts_total{{campaign="{campaign_id}",outcome="busy"}} 1.0'
            ) in metrics
            report = await client.get(f"/v1/campaigns/{campaign_id}/report.csv")
            assert report.headers["content-type"].startswith("text/csv")
        results = [p for p in receiver.received.values() if p["type"] == "call.result"]
        by_attempt = sorted(
            (p["campaign"]["lead"]["external_id"], p["campaign"]["attempt"], p["result"]["outcome"])
            for p in results
        )
        assert by_attempt == [
            ("crm-1", 1, "no_answer"),
            ("crm-1", 2, "qualified"),
            ("crm-2", 1, "opted_out"),
        ]
        assert all(p["campaign"]["id"] == campaign_id for p in results)
        [summary] = [p for p in receiver.received.values() if p["type"] == "campaign.finished"]
        assert summary["idempotency_key"] == f"campaign_{campaign_id}_finished"
        assert summary["campaign"]["status"] == "finished"
        assert summary["counts"]["states"] == {"done": 2}
        assert summary["counts"]["outcomes"] == {"qualified": 1, "opted_out": 1}
        assert summary["calls"] == 3
        rows = list(csv.DictReader(io.StringIO(report.text)))
        assert [(r["external_id"], r["attempts"], r["outcome"], r["state"]) for r in rows] == [
            ("crm-1", "2", "qualified", "done"),
            ("crm-2", "1", "opted_out", "done"),
        ]
        assert list(rows[0])[:6] == ["row", "phone", "external_id", "state", "attempts", "outcome"]
        assert {"callback_at", "budget", "call_ids", "recordings"} <= set(rows[0])
        assert len(rows[0]["call_ids"].split()) == 2


@pytest.mark.parametrize("busy_with", ["nothing", "a single call", "inbound calls"])
async def test_the_tenant_ceiling_is_shared_and_keeps_room_for_inbound(
    db_url: str, tmp_path: Path, busy_with: str
) -> None:
    """Ceiling 4 with a quarter kept for inbound: campaigns use at most 3 slots, fewer when
    single calls use some, and inbound calls beyond their share take from campaigns."""
    async with on_a_line(db_url, tmp_path, START, tenant_max_calls=4, inbound_reserve=0.25) as on:
        svc, line, client = on.svc, on.line, on.client
        line.talk_time = timedelta(hours=1)
        tenant_id = on.tenant_id
        if busy_with == "a single call":
            single = await client.post(
                "/v1/calls",
                json={
                    "to": "+74957779999",
                    "script_id": "callback_check",
                    "variables": {"name": "Solo"},
                },
            )
            assert single.status_code == 202
        if busy_with == "inbound calls":
            for n in range(2):
                await svc.creation.open_inbound(
                    tenant_id=tenant_id,
                    script_id="callback_check",
                    to_number="+74950000000",
                    from_number=f"+7916000000{n}",
                    variables={"name": "In"},
                )
        campaign_id = await _campaign(
            client, pacing={"max_concurrent": 10, "calls_per_minute": 600}
        )
        await client.post(
            f"/v1/campaigns/{campaign_id}/leads",
            json=[{"phone": f"+7495777000{n}", "name": f"N{n}"} for n in range(8)],
        )
        await client.post(f"/v1/campaigns/{campaign_id}/start")
        for _ in range(5):
            await svc.campaigns.run_once()
            line.clock.advance(timedelta(seconds=5))
        counts = (await client.get(f"/v1/campaigns/{campaign_id}")).json()["counts"]
        expected = {"nothing": 3, "a single call": 2, "inbound calls": 2}[busy_with]
        assert counts["states"]["calling"] == expected
