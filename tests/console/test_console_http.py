"""The console over HTTP, without a browser: sessions (cookie flags, revocation, expiry,
sign-out), CSRF and origin checks, the sign-in limiter, redirects, security headers, the
translations, and the timeline computed from a recording. On SQLite and PostgreSQL where the
database is involved."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from bot_engine.dialog.actions import DialogResult
from bot_engine.record import TranscriptTurn
from bot_engine.service.app import create_app
from bot_engine.service.console import i18n, timeline
from bot_engine.service.console import web as console_web
from bot_engine.service.console.account import CHANNELS
from bot_engine.service.console.calls import DIRECTIONS, STATUSES
from bot_engine.service.console.campaigns import (
    ACTION_LABELS,
    DAY_LABELS,
    STATE_LABELS,
    STATUS_LABELS,
)
from bot_engine.service.console.deliveries import STATES
from bot_engine.service.routers import account
from bot_engine.storage.models import ConsoleSession

from ..service.conftest import Api, make_settings, silent_speaker, upload
from .client import Console
from .server import write_stereo

CONSOLE = Path(__file__).parents[2] / "bot_engine" / "service" / "console"


async def test_session_cookie_is_http_only_strict_and_scoped(api: Api) -> None:
    _, key = await api.tenant("acme")
    console = Console(api)
    response = await console.sign_in(key)
    assert response.status_code == 303 and response.headers["location"] == "/ui/calls"
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("vb_console=")
    )
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/ui" in cookie
    assert key not in cookie  # the key itself never goes into a cookie
    page = await console.client.get("/ui/calls")
    assert page.status_code == 200
    headers = page.headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY" and headers["cache-control"] == "no-store"


async def test_state_changes_need_the_csrf_token_and_our_origin(api: Api) -> None:
    _, key = await api.tenant("acme")
    console = Console(api)
    await console.sign_in(key)
    refused = await console.client.post("/ui/keys")
    assert refused.status_code == 403
    wrong = await console.client.post("/ui/keys", data={"csrf": "0" * 64})
    assert wrong.status_code == 403
    elsewhere = await console.client.post(
        "/ui/keys", data={"csrf": console.csrf}, headers={"origin": "https://evil.example"}
    )
    assert elsewhere.status_code == 403
    api_call = await console.client.post(
        "/ui/api/validate", content="id: x\n", headers={"content-type": "application/yaml"}
    )
    assert api_call.status_code == 403 and api_call.json()["error"] == "csrf"
    made = await console.client.post(
        "/ui/keys", data={"csrf": console.csrf}, headers={"origin": "http://console.test"}
    )
    assert made.status_code == 201 and "vb_" in made.text


async def test_revoking_the_key_signs_the_console_out(api: Api) -> None:
    _, key = await api.tenant("acme")
    console = Console(api)
    await console.sign_in(key)
    async with api.client(key) as client:
        key_id = key.split("_")[1]
        assert (await client.delete(f"/v1/keys/{key_id}")).status_code == 204
    page = await console.client.get("/ui/calls")
    assert page.status_code == 303 and page.headers["location"] == "/ui/login?next=/ui/calls"
    polled = await console.client.get("/ui/api/validate")
    assert polled.status_code in (401, 405)


async def test_an_expired_session_and_a_closed_one_are_gone(api: Api) -> None:
    _, key = await api.tenant("acme")
    console = Console(api)
    await console.sign_in(key)
    signed_out = await console.client.post("/ui/logout", data={"csrf": console.csrf})
    assert signed_out.status_code == 303
    old_cookie = console.client.cookies.get("vb_console")
    assert old_cookie is None  # deleted in the browser, and the row is gone on the server
    await console.sign_in(key)
    async with api.service.db.write() as session:
        await session.execute(
            update(ConsoleSession).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert (await console.client.get("/ui/calls")).status_code == 303


async def test_the_sign_in_form_is_guarded(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(db_url, tmp_path, auth_failure_burst=2, auth_failure_refill_s=60)
    app = create_app(settings, speak=silent_speaker)
    async with app.router.lifespan_context(app):
        api = Api(app)
        _, key = await api.tenant("acme")
        console = Console(api)
        no_token = await console.client.post("/ui/login", data={"api_key": key})
        assert no_token.status_code == 403
        assert (await console.sign_in("vb_abc_wrong")).status_code == 401
        assert (await console.sign_in("not a key")).status_code == 401
        limited = await console.sign_in(key)  # even the right key waits: the bucket is empty
        assert limited.status_code == 429 and "try again" in limited.text
    app = create_app(make_settings(db_url, tmp_path), speak=silent_speaker)
    async with app.router.lifespan_context(app):
        api = Api(app)
        _, key = await api.tenant("initech")
        redirected = await Console(api).sign_in(key, next_page="https://evil.example/ui/")
        assert redirected.headers["location"] == "/ui/calls"


async def test_calls_filters_of_the_api_and_the_console(api: Api, script_yaml: str) -> None:
    tenant_id, key = await api.tenant("acme")
    other_id, _ = await api.tenant("globex")
    async with api.client(key) as client:
        await upload(client, script_yaml)
    svc = api.service

    async def finished(tenant: str, to: str, outcome: str) -> str:
        spec = await svc.creation.open_inbound(
            tenant_id=tenant, script_id="lead_qualification_en", to_number=to,
            from_number="+79160000001", variables={"lead_name": "Ann"},
        )
        await svc.calls.finish(
            spec.call_id, DialogResult(outcome=outcome, ending="completed"),
            hangup_cause="robot_hangup",
        )
        return spec.call_id

    qualified = await finished(tenant_id, "+74951112233", "qualified")
    refused = await finished(tenant_id, "+74959998877", "not_qualified")
    async with api.client(key) as client:
        def ids(response: httpx.Response) -> list[str]:
            assert response.status_code == 200, response.text
            return [c["id"] for c in response.json()]

        assert ids(await client.get("/v1/calls", params={"outcome": "qualified"})) == [qualified]
        assert ids(await client.get("/v1/calls", params={"phone": "99988"})) == [refused]
        assert ids(await client.get("/v1/calls", params={"phone": "%"})) == []
        assert set(ids(await client.get("/v1/calls", params={"phone": "+7916"}))) == {
            qualified, refused,
        }
        tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
        assert ids(await client.get("/v1/calls", params={"since": tomorrow})) == []
        assert len(ids(await client.get("/v1/calls", params={"until": tomorrow}))) == 2
    console = Console(api)
    await console.sign_in(key)
    page = await console.client.get("/ui/calls", params={"outcome": "qualified"})
    assert qualified in page.text and refused not in page.text
    assert other_id not in page.text


async def test_post_keys_makes_a_working_key_and_is_bounded(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, key = await api.tenant("acme")
    async with api.client(key) as client:
        made = await client.post("/v1/keys")
        assert made.status_code == 201
        body = made.json()
        assert body["key"].startswith(f"vb_{body['id']}_") and body["revoked_at"] is None
        listed = (await client.get("/v1/keys")).json()
        assert "key" not in listed[-1] and listed[-1]["id"] == body["id"]
    async with api.client(body["key"]) as client:
        assert (await client.get("/v1/calls")).status_code == 200
        monkeypatch.setattr(account, "MAX_ACTIVE_KEYS", 2)
        refused = await client.post("/v1/keys")
        assert refused.status_code == 409


def _template_strings() -> set[str]:
    found: set[str] = set()
    pattern = re.compile(r"""\bt\(\s*(["'])((?:(?!\1).)+)\1""")
    for path in [*CONSOLE.glob("templates/*.html"), *CONSOLE.glob("*.py")]:
        found.update(m.group(2) for m in pattern.finditer(path.read_text()))
    found.update(label for _, label in console_web.NAV)
    found.update([*STATUSES, *DIRECTIONS, *STATES, "bot", "caller", "event"])
    found.update(["Barge-in", "Key press", "Webhook", "Transfer", "Consent"])
    for labels in (STATUS_LABELS, STATE_LABELS, ACTION_LABELS, DAY_LABELS):
        found.update(labels.values())
    found.discard("{count} issue(s)")  # the template passes it on to the script whole
    return found - set(CHANNELS)


def test_every_console_string_has_its_russian() -> None:
    strings = _template_strings()
    assert len(strings) > 100
    missing = sorted(s for s in strings if s not in i18n.RU)
    assert not missing, missing
    assert "{count} issue(s)" in i18n.RU


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        ("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "ru"),
        ("en-US,en;q=0.9,ru;q=0.8", "en"),
        ("de-DE,de;q=0.9", "en"),
        ("de-DE, ru;q=0.5, en;q=0.4", "ru"),
        ("en;q=0.2, ru;q=0.3", "ru"),
        ("ru;q=0", "en"),
        ("", "en"),
    ],
)
def test_accept_language(header: str, lang: str) -> None:
    assert i18n._accept(header) == lang


@pytest.mark.parametrize(
    ("target", "followed"),
    [
        ("/ui/calls?status=failed", "/ui/calls?status=failed"),
        ("/ui/scripts/x", "/ui/scripts/x"),
        ("//evil.example/ui/", "/ui/calls"),
        ("https://evil.example/ui/", "/ui/calls"),
        ("/v1/keys", "/ui/calls"),
        ("/ui/\\evil", "/ui/calls"),
        ("/ui/x\r\nSet-Cookie: a=b", "/ui/calls"),
        (None, "/ui/calls"),
    ],
)
def test_only_our_own_pages_are_followed(target: str | None, followed: str) -> None:
    assert console_web.safe_next(target) == followed


def test_speech_of_a_stereo_recording(tmp_path: Path) -> None:
    path = tmp_path / "call.wav"
    write_stereo(path, [(1.0, 2.5), (2.6, 3.0)], [(0.0, 0.8), (4.0, 5.5)], 6.0)
    duration, caller, robot = timeline.speech(path)
    assert duration == pytest.approx(6.0)
    assert len(caller) == 1  # a 0.1 s pause does not split a stretch of speech
    assert caller[0].start == pytest.approx(1.0, abs=0.03)
    assert caller[0].end == pytest.approx(3.0, abs=0.03)
    assert [(round(s.start, 1), round(s.end, 1)) for s in robot] == [(0.0, 0.8), (4.0, 5.5)]


def test_marks_from_events_measured_or_by_wall_clock() -> None:
    answered = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)

    def event(kind: str, seconds: float, **data: Any) -> dict[str, Any]:
        return {"kind": kind, "at": answered + timedelta(seconds=seconds), "data": data}

    events = [
        event("turn", 4.0, role="caller", text="[dtmf 12]"),
        event("event", 5.0, text="webhook POST https://crm/x"),
        event("event", 6.0, text="transfer to sip:ops: accepted"),
        event("consent", 9.0, step_id="c", utterance="yes", audio_start_ms=7000,
              audio_end_ms=8200),
    ]
    by_clock = timeline.marks(events, answered)
    assert [(m.kind, m.at) for m in by_clock] == [
        ("dtmf", 4.0), ("webhook", 5.0), ("transfer", 6.0), ("consent", 7.0),
    ]
    assert by_clock[-1].end == 8.2
    measured = event("timeline", 10.0, turns=[
        {"role": "caller", "text": "hello", "start_ms": 1500, "interrupted": True},
        {"role": "event", "text": "webhook POST https://crm/x", "start_ms": 4800},
        {"role": "event", "text": "transfer to sip:ops: accepted", "start_ms": 5900},
    ], barge_ins=[])
    kinds = [(m.kind, m.at) for m in timeline.marks([*events, measured], answered)]
    assert kinds == [
        ("barge_in", 1.5), ("dtmf", 4.0), ("webhook", 4.8), ("transfer", 5.9), ("consent", 7.0),
    ]


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("a: &x [1, 2]\nb: [*x, *x]", "expected a single value"),
        ("a: {b: 1}", "expected a single value"),
        ("- 1\n- 2", "expected name: value lines"),
        ("a: [unclosed", "flow sequence"),
        ("x" * 10_001, "at most"),
    ],
)
def test_typed_variables_are_plain_values(text: str, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        console_web.yaml_mapping(text)
    assert console_web.yaml_mapping("name: Ann\nbudget: 1000\nok: true\n") == {
        "name": "Ann", "budget": 1000, "ok": True,
    }


async def test_the_understanding_layer_shows_where_a_turn_recorded_it(
    api: Api, script_yaml: str
) -> None:
    tenant_id, key = await api.tenant("acme")
    async with api.client(key) as client:
        await upload(client, script_yaml)
    calls = api.service.calls
    spec = await api.service.creation.open_inbound(
        tenant_id=tenant_id, script_id="lead_qualification_en", to_number="+74950000001",
        from_number=None, variables={"lead_name": "Ann"},
    )
    await calls.call_status(spec.call_id, "in_progress")
    await calls.record_turn(spec.call_id, TranscriptTurn(role="bot", text="Hello Ann!",
                                                         step="greet"))
    await calls.call_event(spec.call_id, "turn", {
        "role": "caller", "text": "yeah sure", "step": "greet", "confidence": 0.8,
        "intent": "yes", "layer": "semantic",
    })
    await calls.finish(
        spec.call_id, DialogResult(outcome="qualified", ending="completed"),
        hangup_cause="robot_hangup",
    )
    async with api.client(key) as client:
        transcript = (await client.get(f"/v1/calls/{spec.call_id}")).json()["transcript"]
    assert transcript[1]["layer"] == "semantic" and transcript[1]["intent"] == "yes"
    assert transcript[0]["layer"] is None
    console = Console(api)
    await console.sign_in(key)
    page = await console.client.get(f"/ui/calls/{spec.call_id}")
    assert '<span class="badge layer">semantic</span> yes' in page.text
