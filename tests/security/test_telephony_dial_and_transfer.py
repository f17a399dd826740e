"""Where a tenant's call may go: `to` is a number through the trunk unless the operator
allows the tenant SIP URIs (and then never an internal host), and a transfer target the
caller could have chosen (an `X-Var-*` header) must be on the tenant's allow-list."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from asr_tts.settings import SpeechSettings
from bot_engine.call.dial_targets import DialRefused, HostRules
from bot_engine.call.speech import CallSpeech
from bot_engine.call.transfer_guard import TransferRules, transfer_templates
from bot_engine.script import load_script
from bot_engine.script.model import Script
from bot_engine.service.app import create_app
from bot_engine.storage import calls as call_repo
from media_gateway.sip import SipConfig, SipUserAgent
from media_gateway.sip.user_agent import SipUserAgent as RobotAgent
from tests.service.conftest import Api, make_settings, silent_speaker, upload

SCRIPTS = Path(__file__).parents[1] / "service" / "scripts"
LEAD = (SCRIPTS / "inbound_check.en.yaml").read_text()
TRANSFER = (SCRIPTS / "transfer_check.en.yaml").read_text()
PREMIUM = "+19005550100"


# --- outbound targets ---------------------------------------------------------------------


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path / 'voicebot.db'}", tmp_path,
                             sip_uri_tenants=["trusted"])
    app = create_app(settings, speak=silent_speaker)
    async with app.router.lifespan_context(app):
        yield Api(app)


async def _create(api: Api, key: str, to: str) -> Any:
    async with api.client(key) as client:
        return await client.post("/v1/calls", json={
            "to": to, "script_id": "inbound_check", "variables": {"lead_name": "Ann"}})


async def test_to_is_a_number_unless_the_operator_allows_sip_uris(api: Api) -> None:
    _, plain = await api.tenant("plain")
    _, trusted = await api.tenant("trusted")
    for key in (plain, trusted):
        async with api.client(key) as client:
            await upload(client, LEAD)
        assert (await _create(api, key, "+15550100")).status_code == 202
        assert (await _create(api, key, "sales")).status_code == 202  # a user at the trunk
    # the reported case: any `sip:` URI, straight to its host
    refused = await _create(api, plain, "sip:pbx@10.0.0.5")
    assert refused.status_code == 422 and "may not dial SIP URIs" in refused.text
    assert (await _create(api, plain, "sip:bob@127.0.0.1:5062")).status_code == 422
    assert (await _create(api, plain, "bob@10.0.0.5")).status_code == 422  # no scheme: no host
    # an allowed tenant: public hosts, or the operator's allow-list (127.0.0.1/32 here)
    assert (await _create(api, trusted, "sip:bob@127.0.0.1:5062")).status_code == 202
    for internal in ("sip:pbx@10.0.0.5", "sip:x@100.100.100.200", "sip:x@169.254.169.254",
                     "sip:x@192.168.1.1", "sip:x@0.0.0.0"):
        response = await _create(api, trusted, internal)
        assert response.status_code == 422 and "not a public address" in response.text, internal


@pytest.mark.parametrize("host", ["::1", "2002:a00:1::1", "::ffff:10.0.0.1", "fd00::1",
                                  "224.0.0.1", "100.64.0.1"])
async def test_sip_hosts_must_be_public(host: str) -> None:
    with pytest.raises(DialRefused):
        await HostRules().check(f"sip:x@[{host}]" if ":" in host else f"sip:x@{host}")
    await HostRules.from_allowlist(["::/0", "0.0.0.0/0"]).check(
        f"sip:x@[{host}]" if ":" in host else f"sip:x@{host}")
    await HostRules().check("sip:x@8.8.8.8")  # public: allowed


# --- transfers ----------------------------------------------------------------------------


def test_transfer_rules_trust_the_script_and_the_tenant_not_the_caller() -> None:
    script = load_script(TRANSFER).script
    assert transfer_templates(script) == {"{{ target }}"}
    default = TransferRules.for_call(script, {})
    assert default.permits("sip:sales@pbx.example.com")  # the script's own default
    assert not default.permits(PREMIUM)  # what an X-Var-target header would give
    routed = TransferRules.for_call(script, {"target": "+74950001122"})  # a route's static
    assert routed.permits("+74950001122") and not routed.permits("sip:sales@pbx.example.com")
    listed = TransferRules.for_call(script, {}, ("^\\+7495\\d{7}$", "+78005550100"))
    assert listed.permits("+74951234567") and listed.permits("+78005550100")
    assert not listed.permits("+749512345678") and not listed.permits(PREMIUM)
    transition = '"2": {outcome: pressed, transfer: "sip:{{ lead_name }}@pbx"}'
    nested = load_script(LEAD.replace('"2": {outcome: pressed, goto: bye}', transition))
    assert transfer_templates(nested.script) == {"sip:{{ lead_name }}@pbx"}


@pytest.fixture(scope="module")
def speech_settings(tmp_path_factory: pytest.TempPathFactory) -> SpeechSettings:
    return SpeechSettings(tts_cache_dir=tmp_path_factory.mktemp("tts-cache"))


@pytest.mark.slow
async def test_a_caller_chosen_transfer_target_sends_no_refer(
    tmp_path: Path, speech_settings: SpeechSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real INVITEs to the service: `X-Var-target` fills the script's `{{ target }}`. A
    premium number from the caller gets no REFER; one on the tenant's allow-list does."""
    refers: list[str] = []
    real_refer = RobotAgent.refer

    async def spy(self: RobotAgent, leg: Any, target: str, **options: Any) -> bool:
        refers.append(target)
        return await real_refer(self, leg, target, **options)

    monkeypatch.setattr(RobotAgent, "refer", spy)

    def speech(script: Script) -> CallSpeech:
        return CallSpeech.for_script(script, speech_settings, asr_engine="whisper")

    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path / 'voicebot.db'}", tmp_path,
                             transfer_allowlist={"acme": ["^\\+7495\\d{7}$"]})
    app = create_app(settings, call_speech=speech)
    async with app.router.lifespan_context(app):
        api = Api(app)
        _, key = await api.tenant("acme")
        async with api.client(key) as client:
            await upload(client, TRANSFER)
            route = await client.post("/v1/inbound-routes", json={
                "script_id": "transfer_check", "match": {"to": "+15550400", "channel": "sip"}})
            assert route.status_code == 201, route.text
        port = api.service.listeners.sip_port
        phone = await SipUserAgent.start(SipConfig(port=0, user="caller", tcp=False))
        try:
            for target in (PREMIUM, "+74951234567"):
                leg = await phone.call(f"sip:+15550400@127.0.0.1:{port}", timeout_s=60,
                                       headers={"X-Var-target": target})
                async with asyncio.timeout(60):
                    async for _event in leg.events():
                        pass  # the robot speaks, tries the transfer, then hangs up
        finally:
            await phone.close()
        events = {}
        async with api.client(key) as client:
            listed = (await client.get("/v1/calls", params={"direction": "inbound"})).json()
            for summary in listed:
                call = (await client.get(f"/v1/calls/{summary['id']}")).json()
                async with api.service.db.sessions() as session:
                    rows = await call_repo.list_events(session, call["id"], ("event",))
                events[call["variables"]["target"]] = [str(r.data["text"]) for r in rows]
    assert refers == ["+74951234567"]  # the premium number never reached the SIP stack
    assert f"transfer to {PREMIUM}: failed" in events[PREMIUM]
