"""Campaigns and the do-not-call list in the console, over HTTP (no browser), on SQLite and
PostgreSQL: the form creates what the API would, a lead file's bad rows come back with their
numbers, a campaign runs on a virtual clock through the service's own dispatcher and call path
(tests/campaigns/line.py) while its page follows it, another tenant's campaign is a 404
everywhere, forms need the CSRF token, and the console's lead file may be as large as the
API's."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from bot_engine.campaigns.model import default_windows
from bot_engine.service.app import create_app
from bot_engine.service.console import campaign_form
from bot_engine.service.console import campaigns as console_campaigns

from ..campaigns.conftest import CALLBACK_SCRIPT
from ..campaigns.line import drive, on_a_line, settle
from ..service.conftest import Api, make_settings, silent_speaker, upload
from .client import Console

MSK = ZoneInfo("Europe/Moscow")
START = datetime(2026, 12, 3, 10, 0, tzinfo=MSK)  # a Thursday, inside the default windows
LEADS = """phone,name,external_id
+74957770001,Ann,L1
+74957770002,Boris,L2
12345,Bad,B1
+74957770003,Clara,L3
"""


async def signed_in(api: Api, tenant: str = "acme") -> tuple[Console, str]:
    """A tenant with the callback script, signed in to the console: (console, API key)."""
    _, key = await api.tenant(tenant)
    async with api.client(key) as client:
        await upload(client, CALLBACK_SCRIPT)
    console = Console(api)
    await console.sign_in(key)
    return console, key


def form(**extra: str) -> dict[str, str]:
    return {**campaign_form.defaults(), "name": "december", "script_id": "callback_check",
            **extra}


async def create(console: Console, fields: dict[str, str], leads: str | None = LEADS,
                 name: str = "leads.csv") -> httpx.Response:
    files = {"leads": (name, leads.encode(), "text/csv")} if leads is not None else None
    return await console.client.post(
        "/ui/campaigns", data={"csrf": console.csrf, **fields}, files=files
    )


def campaign_id_of(page: httpx.Response) -> str:
    found = re.search(r'data-canonical="/ui/campaigns/([^"]+)"', page.text)
    assert found is not None, page.text[:2000]
    return found.group(1)


def rejected_rows(page: httpx.Response) -> dict[int, str]:
    table = page.text.split('id="rejected-rows"', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r'<td class="num">(\d+)</td><td class="error">([^<]*)</td>', table)
    return {int(row): reason for row, reason in cells}


async def test_the_form_creates_what_the_api_would_and_reports_bad_rows(
    api: Api,
) -> None:
    console, key = await signed_in(api)
    fields = form(
        window_mon="09:00-13:00, 14:00 – 21:00", window_sun="", skip_dates="2026-12-31 2027-01-01",
        start="2026-12-03T09:00", max_concurrent="3", calls_per_minute="12",
        retries="no_answer: {attempts: 2, after: 90m}\ncallback: {at: callback_at}",
        variables="product: a kitchen", caller_id="+74950000000",
    )
    page = await create(console, fields)
    assert page.status_code == 201, page.text[:3000]
    rows = rejected_rows(page)
    assert rows == {4: "phone: not a valid number for its country"}
    assert "Accepted rows: 3; rejected: 1." in page.text
    campaign_id = campaign_id_of(page)
    async with api.client(key) as client:
        got = (await client.get(f"/v1/campaigns/{campaign_id}")).json()
    settings = got["settings"]
    assert got["status"] == "draft" and got["counts"]["leads"] == 3
    assert settings["schedule"]["windows"]["mon"] == [["09:00", "13:00"], ["14:00", "21:00"]]
    assert "sun" not in settings["schedule"]["windows"]  # an empty day has no calls
    assert settings["schedule"]["skip_dates"] == ["2026-12-31", "2027-01-01"]
    assert settings["schedule"]["start"].startswith("2026-12-03T09:00:00+03:00")  # local zone
    assert settings["pacing"] == {"max_concurrent": 3, "calls_per_minute": 12.0}
    assert settings["retries"]["no_answer"]["attempts"] == 2
    assert settings["retries"]["callback"]["at"] == "callback_at"
    assert settings["variables"] == {"product": "a kitchen"}
    assert settings["caller_id"] == "+74950000000"
    listed = await console.client.get("/ui/campaigns")
    assert "december" in listed.text and "0 / 3" in listed.text


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"window_mon": "9-21"}, "schedule.windows.mon: expected a time HH:MM"),
        ({"window_wed": "09:00"}, "schedule.windows.wed: '09:00' is not HH:MM-HH:MM"),
        ({"window_tue": "10:00-09:00"}, "schedule.windows"),
        ({"retries": "no_anwser: {attempts: 2, after: 1h}"}, "retries.no_anwser"),
        ({"retries": "- 1\n- 2"}, "retries: expected lines"),
        ({"retries": "busy: &x [1]\nb: {c: *x}"}, "retries.busy: expected lines"),
        ({"retries": "busy: {after: {a: 1}}"}, "retries.busy: expected lines"),
        ({"variables": "colour: red"}, "variables.colour"),
        ({"default_timezone": "Mars/Base"}, "default_timezone"),
        ({"max_concurrent": "0"}, "pacing.max_concurrent"),
        ({"script_id": "nope"}, "no script 'nope'"),
        ({"name": "x" * 10_001}, "name: at most"),
    ],
)
async def test_form_mistakes_come_back_beside_the_form(
    api: Api, fields: dict[str, str], expected: str
) -> None:
    console, key = await signed_in(api)
    page = await create(console, form(**fields))
    assert page.status_code in (404, 422), page.status_code
    errors = page.text.split('id="campaign-errors"', 1)[1].split("</ul>", 1)[0]
    assert expected in errors.replace("&#39;", "'"), errors
    async with api.client(key) as client:
        assert (await client.get("/v1/campaigns")).json() == []  # nothing was created


async def test_a_file_the_api_refuses_whole_is_shown_and_the_draft_kept(api: Api) -> None:
    console, _ = await signed_in(api)
    page = await create(console, form(), leads="phone,name,colour\n+74957770001,Ann,red\n")
    assert page.status_code == 201
    errors = page.text.split('id="upload-errors"', 1)[1].split("</ul>", 1)[0]
    assert "row 1, column 3" in errors and "colour" in errors
    campaign_id = campaign_id_of(page)
    more = await console.client.post(
        f"/ui/campaigns/{campaign_id}/leads", data={"csrf": console.csrf},
        files={"leads": ("more.json", b'[{"phone": "+74957770001", "name": "Ann"}, 7]',
                         "application/json")},
    )
    assert more.status_code == 200
    assert rejected_rows(more) == {2: 'expected an object such as {&#34;phone&#34;: &#34;+7…&#34;}'}
    assert "Accepted rows: 1; rejected: 1." in more.text


async def test_another_tenants_campaign_is_404_everywhere(api: Api) -> None:
    console, key = await signed_in(api, "acme")
    intruder, other_key = await signed_in(api, "globex")
    campaign_id = campaign_id_of(await create(console, form()))
    for path in ("", "/leads", "/report.csv", "?fragment=1"):
        response = await intruder.client.get(f"/ui/campaigns/{campaign_id}{path}")
        assert response.status_code == 404, path
    assert (await intruder.client.get("/ui/calls", params={"campaign": campaign_id})).status_code \
        == 404
    for action in ("start", "pause", "resume", "cancel"):
        response = await intruder.client.post(
            f"/ui/campaigns/{campaign_id}/{action}", data={"csrf": intruder.csrf}
        )
        assert response.status_code == 404, action
    response = await intruder.client.post(
        f"/ui/campaigns/{campaign_id}/leads", data={"csrf": intruder.csrf},
        files={"leads": ("x.csv", b"phone,name\n+74957770009,Eve\n", "text/csv")},
    )
    assert response.status_code == 404
    async with api.client(other_key) as client:
        assert (await client.get("/v1/calls", params={"campaign": campaign_id})).status_code \
            == 404
        assert (await client.get(f"/v1/campaigns/{campaign_id}")).status_code == 404
    async with api.client(key) as client:
        assert (await client.get(f"/v1/campaigns/{campaign_id}")).json()["status"] == "draft"
        assert (await client.get(f"/v1/campaigns/{campaign_id}")).json()["counts"]["leads"] == 3
    own = await console.client.get(f"/ui/campaigns/{campaign_id}")
    assert own.status_code == 200 and "globex" not in own.text


async def test_campaign_forms_need_the_csrf_token(api: Api) -> None:
    console, key = await signed_in(api)
    campaign_id = campaign_id_of(await create(console, form()))
    refused = await console.client.post(
        "/ui/campaigns", data=form(), files={"leads": ("l.csv", LEADS.encode(), "text/csv")}
    )
    assert refused.status_code == 403
    for path in ("start", "cancel", "leads"):
        response = await console.client.post(
            f"/ui/campaigns/{campaign_id}/{path}", data={"csrf": "0" * 64}
        )
        assert response.status_code == 403, path
    elsewhere = await console.client.post(
        f"/ui/campaigns/{campaign_id}/start", data={"csrf": console.csrf},
        headers={"origin": "https://evil.example"},
    )
    assert elsewhere.status_code == 403
    for path in ("/ui/dnc", "/ui/dnc/import", "/ui/dnc/+74957770001/remove"):
        assert (await console.client.post(path, data={"phone": "+74957770001"})).status_code \
            == 403, path
    async with api.client(key) as client:
        assert (await client.get(f"/v1/campaigns/{campaign_id}")).json()["status"] == "draft"
        assert len((await client.get("/v1/campaigns")).json()) == 1


async def test_a_campaign_runs_and_its_pages_follow_it(db_url: str, tmp_path: Path) -> None:
    """Created, started, paused and resumed from the console; the dispatcher and the calls
    run on a virtual clock; the page, the leads, the calls filter, a call's page and the
    report show each step."""
    plans = {"+74957770001": ["say:yes"], "+74957770002": ["busy", "say:yes"],
             "+74957770003": ["say:stop calling me"]}
    async with on_a_line(db_url, tmp_path, START, plans) as on:
        console = Console(on.api)
        await console.sign_in(on.key)
        retries = "busy: {attempts: 3, after: 20m}"
        page = await create(console, form(max_concurrent="1", calls_per_minute="60",
                                          retries=retries))
        campaign_id = campaign_id_of(page)
        live = f"/ui/campaigns/{campaign_id}?fragment=1"

        def state_count(html: str, state: str) -> int:
            found = re.search(rf'data-state="{state}"><a [^>]*>(\d+)</a>', html)
            assert found is not None, state
            return int(found.group(1))

        draft = (await console.client.get(live)).text
        assert 'id="action-start"' in draft and state_count(draft, "pending") == 3
        started = await console.client.post(
            f"/ui/campaigns/{campaign_id}/start", data={"csrf": console.csrf}
        )
        assert started.status_code == 303
        await on.svc.campaigns.run_once()
        await settle(on.svc)
        running = (await console.client.get(live)).text
        assert 'data-status="running"' in running and 'id="action-pause"' in running
        assert state_count(running, "calling") == 1 and state_count(running, "pending") == 2
        assert "+74957770001" in running.split('id="calling"', 1)[1]  # the call in progress

        on.clock.advance(timedelta(minutes=5))
        await on.line.finish_due()
        paused = await console.client.post(
            f"/ui/campaigns/{campaign_id}/pause", data={"csrf": console.csrf}
        )
        assert paused.status_code == 303
        await on.svc.campaigns.run_once()  # a dispatch round after the pause
        await settle(on.svc)
        held = (await console.client.get(live)).text
        assert 'data-status="paused"' in held and 'id="action-resume"' in held
        assert state_count(held, "done") == 1 and state_count(held, "pending") == 2
        assert 'data-outcome="qualified"' in held
        assert len(on.line.placed) == 1  # nothing was dialled while paused

        resumed = await console.client.post(
            f"/ui/campaigns/{campaign_id}/resume", data={"csrf": console.csrf}
        )
        assert resumed.status_code == 303
        await drive(on.svc, on.line, START + timedelta(days=1))
        done = await console.client.get(f"/ui/campaigns/{campaign_id}")
        assert 'data-status="finished"' in done.text and 'data-final="1"' in done.text
        assert "data-refresh=" not in done.text  # a finished campaign stops polling
        assert state_count(done.text, "done") == 3
        outcomes = done.text.split('id="outcomes"', 1)[1].split("</table>", 1)[0]
        assert 'data-outcome="opted_out"' in outcomes and 'data-outcome="qualified"' in outcomes

        leads = await console.client.get(
            f"/ui/campaigns/{campaign_id}/leads", params={"outcome": "qualified"}
        )
        assert "+74957770002" in leads.text and "+74957770003" not in leads.text
        assert leads.text.count('data-lead="') == 2
        busy_lead = leads.text.split("+74957770002", 1)[1].split("</tr>", 1)[0]
        assert "#1</a> busy" in busy_lead and "#2</a> qualified" in busy_lead

        async with on.api.client(on.key) as client:
            calls = (await client.get("/v1/calls", params={"campaign": campaign_id})).json()
            single = await client.post("/v1/calls", json={
                "to": "+74957770009", "script_id": "callback_check",
                "variables": {"name": "Zoe"}})
            assert single.status_code == 202
        assert len(calls) == 4  # three leads, one of them called twice
        listed = await console.client.get("/ui/calls", params={"campaign": campaign_id})
        assert all(c["id"] in listed.text for c in calls)
        assert single.json()["id"] not in listed.text
        assert f'<option value="{campaign_id}" selected>december</option>' in listed.text
        second = next(c for c in on.line.placed if c.to == "+74957770002" and c.behaviour
                      != "busy")
        call_page = await console.client.get(f"/ui/calls/{second.call_id}")
        facts = call_page.text.split('id="call-campaign"', 1)[1].split("</dd>", 1)[0]
        assert "december" in facts and "attempt 2" in facts and "L2" in facts
        async with on.api.client(on.key) as client:
            api_call = (await client.get(f"/v1/calls/{second.call_id}")).json()
        assert api_call["campaign"]["attempt"] == 2
        assert api_call["campaign"]["lead"]["external_id"] == "L2"

        report = await console.client.get(f"/ui/campaigns/{campaign_id}/report.csv")
        assert report.status_code == 200
        assert report.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(report.text)))
        assert {r["phone"]: r["outcome"] for r in rows} == {
            "+74957770001": "qualified", "+74957770002": "qualified",
            "+74957770003": "opted_out",
        }
        dnc = await console.client.get("/ui/dnc")
        assert "+74957770003" in dnc.text and "opt_out" in dnc.text  # the lead's own wish


async def test_leads_pages_and_a_refused_start(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    console, _ = await signed_in(api)
    empty = campaign_id_of(await create(console, form(name="empty"), leads=None))
    refused = await console.client.post(
        f"/ui/campaigns/{empty}/start", data={"csrf": console.csrf}
    )
    assert refused.status_code == 409
    assert "upload leads first" in refused.text.split('id="campaign-error"', 1)[1]
    campaign_id = campaign_id_of(await create(console, form()))
    monkeypatch.setattr(console_campaigns, "LEADS_PAGE", 2)
    first = await console.client.get(f"/ui/campaigns/{campaign_id}/leads")
    assert first.text.count('data-lead="') == 2
    cursor = re.search(r'leads\?after=(\d+)" rel="next" id="next-leads"', first.text)
    assert cursor is not None
    second = await console.client.get(
        f"/ui/campaigns/{campaign_id}/leads", params={"after": cursor.group(1)}
    )
    assert second.text.count('data-lead="') == 1 and "+74957770003" in second.text
    assert 'id="next-leads"' not in second.text
    monkeypatch.setattr(console_campaigns, "LEADS_PAGE", 50)
    cancelled = await console.client.post(
        f"/ui/campaigns/{campaign_id}/cancel", data={"csrf": console.csrf}
    )
    assert cancelled.status_code == 303
    gone = await console.client.get(
        f"/ui/campaigns/{campaign_id}/leads", params={"state": "cancelled"}
    )
    assert gone.text.count('data-lead="') == 3
    page = await console.client.get(f"/ui/campaigns/{campaign_id}")
    assert 'id="more-leads"' not in page.text and 'id="action-' not in page.text


async def test_do_not_call_list_in_the_console(api: Api) -> None:
    _, key = await api.tenant("acme")
    _, other_key = await api.tenant("globex")
    console = Console(api)
    await console.sign_in(key)
    added = await console.client.post(
        "/ui/dnc", data={"csrf": console.csrf, "phone": "8 (495) 777-00-01", "reason": "asked"}
    )
    assert added.status_code == 303 and added.headers["location"] == "/ui/dnc?added=%2B74957770001"
    page = await console.client.get(added.headers["location"])
    assert "+74957770001 is on the list." in page.text
    checked = await console.client.get("/ui/dnc", params={"check": "+7 495 777 00 01"})
    assert "+74957770001 is on the list (api, asked)." in checked.text
    bad = await console.client.post("/ui/dnc", data={"csrf": console.csrf, "phone": "12"})
    assert bad.status_code == 422 and "phone:" in bad.text.split('id="add-errors"', 1)[1]
    imported = await console.client.post(
        "/ui/dnc/import", data={"csrf": console.csrf},
        files={"numbers": ("dnc.csv", b"phone,reason\n+74957770002,court\nnope,x\n",
                           "text/csv")},
    )
    assert imported.status_code == 200
    assert rejected_rows(imported) == {3: "phone: not a phone number"}
    async with api.client(key) as client:
        assert (await client.get("/v1/dnc/+74957770002")).json()["listed"]
    async with api.client(other_key) as client:
        assert not (await client.get("/v1/dnc/+74957770002")).json()["listed"]
    intruder = Console(api)
    await intruder.sign_in(other_key)
    assert "+74957770001" not in (await intruder.client.get("/ui/dnc")).text
    taken = await intruder.client.post(
        "/ui/dnc/%2B74957770001/remove", data={"csrf": intruder.csrf}
    )
    assert taken.status_code == 404  # not on globex's list
    removed = await console.client.post(
        "/ui/dnc/%2B74957770001/remove", data={"csrf": console.csrf}
    )
    assert removed.status_code == 303
    after = await console.client.get(removed.headers["location"])
    assert "+74957770001 was taken off the list." in after.text
    assert "+74957770001" not in after.text.split('id="dnc-entries"', 1)[1]


async def test_the_create_form_takes_a_lead_file_as_large_as_the_api_does(
    db_url: str, tmp_path: Path
) -> None:
    """Other requests keep `max_body_bytes`; the create form's file has the upload limit."""
    settings = make_settings(db_url, tmp_path, max_body_bytes=20_000, dialer="none")
    settings.campaigns.dispatch = False
    app = create_app(settings, speak=silent_speaker)
    async with app.router.lifespan_context(app):
        api = Api(app)
        _, key = await api.tenant("acme")
        async with api.client(key) as client:
            await upload(client, CALLBACK_SCRIPT)
        console = Console(api)
        await console.sign_in(key)
        lines = "".join(f"+7495{7770000 + n},Lead number {n}\n" for n in range(1, 1201))
        big = "phone,name\n" + lines
        assert len(big) > 30_000
        page = await create(console, form(), leads=big)
        assert page.status_code == 201, page.text[:500]
        assert "Accepted rows: 1200; rejected: 0." in page.text


def test_windows_and_defaults_round_trip() -> None:
    defaults = campaign_form.defaults()
    request = campaign_form.campaign_request({**defaults, "name": "n", "script_id": "s"})
    assert request.schedule.windows == default_windows()
    assert request.pacing.max_concurrent == 5 and request.default_region == "RU"
    assert campaign_form.windows_text([["09:00", "13:00"], ["14:00", "21:00"]]) == (
        "09:00-13:00, 14:00-21:00"
    )
