"""The call-centre scenarios on real SIP/RTP over 127.0.0.1: a caller, the robot, and
operators or leads that answer, ring or are busy. Audio is checked by frequency (FFT) in
both directions through the bridge, keys through the bridge, and the fallbacks."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile

from bot_engine.call.speech import CallSpeech
from bot_engine.script import load_script_file, validate_variables
from bot_engine.script.model import Script
from media_gateway.sip import SipConfig, SipUserAgent
from tests.gateway_sip.sip_audio import dominant_frequency, rms, tone
from tests.scenarios.scenario_peers import Caller, Phone, Robot, until

pytestmark = pytest.mark.slow

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
SpeechFactory = Callable[[Script], CallSpeech]
CALLER_HZ = 440.0
OPERATOR_HZ = 1000.0


def load(name: str) -> Script:
    path = HERE / "scripts" / name
    return load_script_file(path if path.exists() else ROOT / "dialogs" / name).script


@contextlib.asynccontextmanager
async def network(*phones: Phone) -> AsyncIterator[tuple[Robot, SipUserAgent]]:
    robot = await Robot.start()
    caller_ua = await SipUserAgent.start(SipConfig(host="127.0.0.1", port=0, user="client",
                                                   tcp=False))
    try:
        yield robot, caller_ua
    finally:
        for phone in phones:
            await phone.close()
        await caller_ua.close()
        await robot.ua.close()


def channel(path: Path, index: int) -> np.ndarray:
    data, rate = soundfile.read(str(path), dtype="int16", always_2d=True)
    assert rate == 8000
    return data[:, index]


async def test_a_warm_transfer_bridges_audio_and_keys_both_ways_and_records_both(
    make_speech: SpeechFactory, tmp_path: Path
) -> None:
    script = load("bridge.en.yaml")
    operator = await Phone.start("operator", tone_hz=OPERATOR_HZ, accept_key="1")
    async with network(operator) as (robot, caller_ua):
        variables = validate_variables(script, {"operators": operator.uri})
        speech = make_speech(script)
        await speech.prerender(["Connecting you now."])
        record = tmp_path / "call.wav"
        call = asyncio.ensure_future(robot.answer(script, variables, speech, str(record)))
        caller = await Caller.dial(caller_ua, robot.uri, tone_hz=CALLER_HZ)

        # the whisper reached the operator only, then the operator's key accepted the call
        assert await until(lambda: operator.accepted_at is not None)
        assert await until(lambda: caller.ear.hears(OPERATOR_HZ)), "operator -> caller"
        assert await until(lambda: operator.ear.hears(CALLER_HZ)), "caller -> operator"
        whisper = operator.ear.frames[0][0]
        heard_by_caller = caller.ear.since(whisper)
        assert abs(dominant_frequency(heard_by_caller[: 8000 * 2]) - OPERATOR_HZ) > 25

        await caller.leg.send_dtmf("5")
        assert await until(lambda: "5" in operator.ear.keys), "a key caller -> operator"
        assert operator.leg is not None
        await operator.leg.send_dtmf("7")
        assert await until(lambda: "7" in caller.ear.keys), "a key operator -> caller"

        await caller.leg.hangup()  # either side hanging up ends both legs
        assert await until(operator.ear.ended.is_set), "the operator's leg was not ended"
        report = await asyncio.wait_for(call, 30)

    result = report.result
    assert (result.outcome, result.ending) == ("transferred", "transfer")
    [transfer] = result.transfers
    assert transfer["outcome"] == "answered" and transfer["sip_status"] == 200
    assert transfer["ended_by"] == "caller" and transfer["talk_s"] > 0
    assert transfer["target"] == operator.uri
    events = [t.text for t in report.transcript if t.role == "event"]
    assert any(e.startswith("whisper: Customer John") for e in events), events
    assert "bridged" in events and "the caller hung up" in events
    # the recording keeps both parties: the caller left, the operator on the right
    left, right = channel(record, 0), channel(record, 1)
    tail = slice(len(left) - 8000, len(left) - 1600)
    assert abs(dominant_frequency(left[tail].tobytes()) - CALLER_HZ) <= 25
    assert abs(dominant_frequency(right[tail].tobytes()) - OPERATOR_HZ) <= 25


async def test_an_operator_who_does_not_answer_or_is_busy_gives_the_fallback(
    make_speech: SpeechFactory,
) -> None:
    script = load("bridge.en.yaml")
    ringing = await Phone.start("ringing", mode="ring")
    busy = await Phone.start("busy", mode="busy")
    async with network(ringing, busy) as (robot, caller_ua):
        variables = validate_variables(script, {"operators": ringing.uri, "second": busy.uri})
        speech = make_speech(script)
        await speech.prerender(["Connecting you now.", "Nobody can take your call now."])
        call = asyncio.ensure_future(robot.answer(script, variables, speech))
        caller = await Caller.dial(caller_ua, robot.uri, tone_hz=None)
        report = await asyncio.wait_for(call, 60)
        assert await until(caller.ear.ended.is_set)

    result = report.result
    assert result.outcome == "fallback" and result.ending == "completed"
    [transfer] = result.transfers
    assert transfer["outcome"] == "busy" and transfer["sip_status"] == 486
    assert [(a["target"], a["outcome"], a["sip_status"]) for a in transfer["attempts"]] == [
        (ringing.uri, "no_answer", 487), (busy.uri, "busy", 486)]
    said = [t.text for t in report.transcript if t.role == "bot"]
    assert said == ["Connecting you now.", "Nobody can take your call now."]
    assert caller.ear.quiet_for(0) or caller.ear.frames  # the caller heard the fallback


async def test_a_caller_who_hangs_up_while_the_operator_rings_cancels_that_call(
    make_speech: SpeechFactory,
) -> None:
    script = load("bridge.en.yaml")
    connect = script.steps["connect"].connect
    assert connect is not None
    connect.ring_timeout = 60  # only the caller's hangup can end this ringing
    ringing = await Phone.start("ringing", mode="ring")
    async with network(ringing) as (robot, caller_ua):
        variables = validate_variables(script, {"operators": ringing.uri})
        call = asyncio.ensure_future(robot.answer(script, variables, make_speech(script)))
        caller = await Caller.dial(caller_ua, robot.uri, tone_hz=None)
        assert await until(ringing.offered.is_set)
        await caller.leg.hangup()
        report = await asyncio.wait_for(call, 30)
        [incoming] = ringing._held
        assert await until(incoming.cancelled.is_set), "the operator's phone kept ringing"
    assert (report.result.outcome, report.result.ending) == ("hangup", "hangup")
    assert report.result.transfers == []


async def test_the_call_limit_ends_a_bridge_as_an_answered_transfer_and_both_legs(
    make_speech: SpeechFactory,
) -> None:
    script = load("bridge.en.yaml")
    operator = await Phone.start("operator", tone_hz=OPERATOR_HZ, accept_key="1")
    async with network(operator) as (robot, caller_ua):
        variables = validate_variables(script, {"operators": operator.uri})
        call = asyncio.ensure_future(robot.answer(script, variables, make_speech(script)))
        caller = await Caller.dial(caller_ua, robot.uri, tone_hz=CALLER_HZ)
        assert await until(caller.ear.hears_fn(OPERATOR_HZ))
        assert robot.session is not None
        robot.session._on_max_duration()  # what the call's duration timer calls
        report = await asyncio.wait_for(call, 30)
        assert await until(caller.ear.ended.is_set) and await until(operator.ear.ended.is_set)
    result = report.result
    assert (result.outcome, result.ending) == ("transferred", "transfer")
    assert result.transfers[0]["ended_by"] == "robot"
    assert any(t.text.startswith("call reached") for t in report.transcript)


async def test_a_cold_transfer_refused_by_the_far_end_reports_its_status_and_falls_back(
    make_speech: SpeechFactory,
) -> None:
    script = load("bridge.en.yaml")
    connect = script.steps["connect"].connect
    assert connect is not None
    connect.mode, connect.whisper, connect.accept = "refer", None, None
    async with network() as (robot, caller_ua):
        variables = validate_variables(script, {"operators": "sip:agent@127.0.0.1:9"})
        call = asyncio.ensure_future(robot.answer(script, variables, make_speech(script)))
        await Caller.dial(caller_ua, robot.uri, tone_hz=None)
        report = await asyncio.wait_for(call, 60)  # our caller's agent refuses REFER
    result = report.result
    assert result.outcome == "fallback"
    [transfer] = result.transfers
    assert (transfer["mode"], transfer["outcome"], transfer["sip_status"]) == (
        "refer", "failed", 405)
    assert [t.text for t in report.transcript if t.role == "bot"][-1] == (
        "Nobody can take your call now.")


@pytest.fixture
async def silent_backend() -> AsyncIterator[tuple[str, list[str]]]:
    """An HTTP backend on loopback that takes requests and never answers."""
    events: list[str] = []
    held: list[asyncio.StreamWriter] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        events.append("request")
        held.append(writer)
        while await reader.read(65536):
            pass

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}", events
    for writer in held:
        writer.close()
    server.close()


async def test_own_manager_the_backend_times_out_mid_call_and_the_queue_takes_the_call(
    make_speech: SpeechFactory, silent_backend: tuple[str, list[str]]
) -> None:
    url, backend = silent_backend
    script = load("own_manager.ru.yaml")
    queue = await Phone.start("queue", tone_hz=OPERATOR_HZ)
    async with network(queue) as (robot, caller_ua):
        variables = validate_variables(script, {"caller": "+79161234567", "crm_url": url,
                                                "queue": queue.uri})
        speech = make_speech(script)
        call = asyncio.ensure_future(robot.answer(script, variables, speech))
        caller = await Caller.dial(caller_ua, robot.uri, tone_hz=CALLER_HZ)
        assert await until(lambda: caller.ear.hears(OPERATOR_HZ)), "queue -> caller"
        assert await until(lambda: queue.ear.hears(CALLER_HZ)), "caller -> queue"
        assert queue.leg is not None
        await queue.leg.hangup()  # the operator ends the talk: the caller's leg ends too
        assert await until(caller.ear.ended.is_set)
        report = await asyncio.wait_for(call, 30)

    assert backend == ["request"]
    result = report.result
    assert (result.outcome, result.ending) == ("connected_queue", "transfer")
    assert [t["outcome"] for t in result.transfers] == ["answered"]
    assert result.transfers[0]["ended_by"] == "operator"
    events = [t.text for t in report.transcript if t.role == "event"]
    assert "webhook timeout" in events
    said = [t.text for t in report.transcript if t.role == "bot"]
    assert said == ["Соединяю с первым свободным специалистом."]


def _http_json(body: bytes) -> Callable[..., Any]:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                       if line.lower().startswith(b"content-length:")), 0)
        await reader.readexactly(length)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Content-Length: " + str(len(body)).encode() + b"\r\n"
                     b"Connection: close\r\n\r\n" + body)
        await writer.drain()
        writer.close()

    return handle


async def test_a_personal_menu_from_the_crm_chosen_by_key_connects_that_contact(
    make_speech: SpeechFactory,
) -> None:
    script = load("contact_menu.ru.yaml")
    first = await Phone.start("chulkova", mode="busy")
    second = await Phone.start("maslennikov", tone_hz=OPERATOR_HZ)
    contacts = {"contacts": [{"name": "Евгения Чулкова", "target": first.uri},
                             {"name": "Дмитрий Масленников", "target": second.uri}]}
    server = await asyncio.start_server(_http_json(json.dumps(contacts).encode()),
                                        "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    speech = make_speech(script)
    variables = validate_variables(script, {"caller": "+79161234567", "crm_url": url})
    streamed: list[int] = []
    try:
        async with network(first, second) as (robot, caller_ua):
            for _ in range(2):  # the same caller twice: the second menu is all cached
                before = speech.streamed
                call = asyncio.ensure_future(robot.answer(script, variables, speech))
                caller = await Caller.dial(caller_ua, robot.uri, tone_hz=None)
                # the key cuts the menu short, as soon as the robot listens (mid-menu)
                assert await until(lambda: robot.session is not None
                                   and robot.session.listener.active is not None)
                await caller.leg.send_dtmf("2")
                assert await until(lambda: second.leg is not None)
                caller.leg.play(tone(CALLER_HZ, 20, amplitude=0.3))
                assert await until(caller.ear.hears_fn(OPERATOR_HZ))
                assert await until(lambda: second.ear.hears(CALLER_HZ))
                await caller.leg.hangup()
                report = await asyncio.wait_for(call, 30)
                streamed.append(speech.streamed - before)
                robot.session = None
                second.leg = None
                second.ear.frames.clear()
    finally:
        server.close()

    result = report.result
    assert result.outcome == "connected"
    assert result.fields["contact_name"] == "Дмитрий Масленников"
    said = [t.text for t in report.transcript if t.role == "bot"]
    assert said[:3] == ["Здравствуйте!",
                        "Если вам нужна Евгения Чулкова, нажмите или скажите один.",
                        "Дмитрий Масленников — два."]
    assert "Соединяю с Дмитрием Масленниковым." in said
    assert not first.offered.is_set()
    # the first call synthesized its menu lines once; the repeated menu waited for no TTS
    assert streamed[0] >= 3 and streamed[1] == 0, streamed


async def test_a_callback_calls_the_operator_then_bridges_the_lead(
    make_speech: SpeechFactory,
) -> None:
    from bot_engine.call.dialer import place_call

    script = load("callback.ru.yaml")
    operator = await Phone.start("operator", tone_hz=OPERATOR_HZ, accept_key="1")
    lead = await Phone.start("lead", tone_hz=CALLER_HZ)
    try:
        variables = validate_variables(script, {"lead_phone": lead.uri, "lead_name": "Иван",
                                                "source": "kuhni.example"})
        speech = make_speech(script)
        call = asyncio.ensure_future(place_call(operator.uri, script, variables, speech,
                                                amd=False, ring_timeout_s=10))
        assert await until(lambda: lead.leg is not None), "the lead was never called"
        assert await until(lambda: operator.ear.hears(CALLER_HZ)), "lead -> operator"
        assert await until(lambda: lead.ear.hears(OPERATOR_HZ)), "operator -> lead"
        assert lead.leg is not None
        await lead.leg.hangup()  # the lead ends the talk: the operator's leg ends too
        assert await until(operator.ear.ended.is_set)
        report = await asyncio.wait_for(call, 30)
    finally:
        await operator.close()
        await lead.close()
    result = report.result
    assert (result.outcome, result.ending) == ("connected", "transfer")
    assert result.fields["lead_outcome"] == "answered"
    [transfer] = result.transfers
    assert (transfer["target"], transfer["ended_by"]) == (lead.uri, "operator")
    said = [t.text for t in report.transcript if t.role == "bot"]
    assert said[0].startswith("Обратный звонок: клиент Иван, заявка с kuhni.example.")
    assert [t.text for t in report.transcript if t.role == "caller"] == ["[dtmf 1]"]


async def test_a_callback_whose_lead_is_busy_tells_the_operator_and_ends(
    make_speech: SpeechFactory,
) -> None:
    from bot_engine.call.dialer import place_call

    script = load("callback.ru.yaml")
    operator = await Phone.start("operator", tone_hz=OPERATOR_HZ, accept_key="1")
    lead = await Phone.start("lead", mode="busy")
    try:
        variables = validate_variables(script, {"lead_phone": lead.uri})
        speech = make_speech(script)
        report = await asyncio.wait_for(
            place_call(operator.uri, script, variables, speech, amd=False, ring_timeout_s=10),
            60)
        assert await until(operator.ear.ended.is_set)
    finally:
        await operator.close()
        await lead.close()
    result = report.result
    assert result.outcome == "lead_no_answer" and result.fields["lead_outcome"] == "busy"
    assert result.transfers[0]["sip_status"] == 486
    said = [t.text for t in report.transcript if t.role == "bot"]
    assert said[-1] == "Клиент не ответил. Мы попробуем позже. Спасибо!"
    # the operator heard that sentence: robot speech reached them after their key
    assert operator.accepted_at is not None
    assert rms(operator.ear.since(operator.accepted_at)) > 300


async def test_operators_accept_or_decline_by_voice(make_speech: SpeechFactory) -> None:
    """The first operator says "no" after the whisper, the second "yes, put them through":
    Whisper hears both on the operator leg, and the caller is bridged to the second."""
    from asr_tts.tts.espeak import EspeakSynthesizer

    script = load("bridge.en.yaml")
    espeak = EspeakSynthesizer()
    no = await espeak.render("No, I can't take it.", "en-us", 8000)
    yes = await espeak.render("Yes, put them through.", "en-us", 8000)
    first = await Phone.start("first", tone_hz=OPERATOR_HZ, accept_say=no)
    second = await Phone.start("second", tone_hz=OPERATOR_HZ, accept_say=yes)
    async with network(first, second) as (robot, caller_ua):
        variables = validate_variables(script, {"operators": first.uri, "second": second.uri})
        speech = make_speech(script)
        call = asyncio.ensure_future(robot.answer(script, variables, speech))
        caller = await Caller.dial(caller_ua, robot.uri, tone_hz=CALLER_HZ)
        assert await until(caller.ear.hears_fn(OPERATOR_HZ), timeout=60)
        assert await until(first.ear.ended.is_set)  # the decliner's leg was ended
        await caller.leg.hangup()
        report = await asyncio.wait_for(call, 30)
    [transfer] = report.result.transfers
    assert [(a["target"], a["outcome"]) for a in transfer["attempts"]] == [
        (first.uri, "declined"), (second.uri, "answered")]
    assert report.result.outcome == "transferred"
    heard = [t.text for t in report.transcript if t.text.startswith("operator said")]
    assert len(heard) == 2, heard


async def test_baresip_as_the_operator_is_bridged_with_keys_both_ways(
    make_speech: SpeechFactory, tmp_path: Path
) -> None:
    from tests.gateway_sip.sip_baresip import Baresip

    microphone = tmp_path / "operator.wav"
    soundfile.write(str(microphone), np.frombuffer(tone(OPERATOR_HZ, 30), dtype="<i2"), 8000,
                    subtype="PCM_16")
    baresip = Baresip(tmp_path / "baresip", microphone)
    await baresip.start()
    script = load("bridge.en.yaml")
    try:
        async with network() as (robot, caller_ua):
            variables = validate_variables(script, {"operators": baresip.uri})
            speech = make_speech(script)
            call = asyncio.ensure_future(robot.answer(script, variables, speech))
            caller = await Caller.dial(caller_ua, robot.uri, tone_hz=CALLER_HZ)
            await baresip.wait_event("CALL_ESTABLISHED", timeout=30)
            await baresip.command("sndcode", "1")  # accepts (mid-whisper, cutting it short)
            assert await until(caller.ear.hears_fn(OPERATOR_HZ)), "baresip -> caller"
            await caller.leg.send_dtmf("9")
            digits = ""
            while "9" not in digits:
                digits += (await baresip.wait_event("CALL_DTMF_START")).get("param", "")
            await baresip.command("sndcode", "3")
            assert await until(lambda: "3" in caller.ear.keys), "baresip key -> caller"
            await caller.leg.hangup()
            await baresip.wait_event("CALL_CLOSED")
            report = await asyncio.wait_for(call, 30)
    finally:
        await baresip.stop()
    assert report.result.outcome == "transferred"
    heard, rate = soundfile.read(str(baresip.decoded_recording()), dtype="int16")
    heard = heard if heard.ndim == 1 else heard[:, 0]
    last = heard[-rate:]  # the last second baresip heard: the caller's tone
    assert abs(dominant_frequency(last.astype("<i2").tobytes(), rate) - CALLER_HZ) <= 25
