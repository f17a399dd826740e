"""The live call session: the third shell around the pure Dialog.

    gateway frames ─▶ VAD ─▶ ASR (per utterance) ─▶ Dialog ─▶ TTS cache ─▶ gateway

It adds no dialogue logic: it turns audio, keys and the end of the call into events, and
actions into audio, transfers and hangups. Everything runs on one event loop, and nothing
on it blocks: ASR engines decode in their own thread pools, webhooks are async with their
deadline, and a cached prompt is queued on the leg in the same loop iteration in which
the Dialog returned `Say`.

It is the event loop that ties its parts to the Dialog: the prompt player
(`prompt_player`: chunks on the leg, paused at a speech onset and resumed, or stopped at a
barge-in), the barge-in detector beside the VAD (`asr_tts.barge_in`: onsets, resumes and
whether a sound was a word), the listener (`listener`: the current `Listen`, its
utterance through the ASR, keys, the no-input and inter-digit timers), the call timeline
(`timeline`: the recording and each turn's response gap) and the AMD gate (`amd_gate`).
Each part is tested on its own with fakes (tests/call_session/fakes.py).

Timing is measured with `time.monotonic()`. A prompt chunk's `Playback.started` returns
when the sender takes its first frame, which is exactly the first robot audio packet of
the reply. That time also places the robot's audio in the recording.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from asr_tts.audio import read_audio_file
from asr_tts.barge_in import BargeInDetector, BargeInSettings
from asr_tts.errors import SpeechError
from asr_tts.turn import SmartTurnSettings
from asr_tts.vad import Endpointer, SpeechEnd, SpeechStart
from bot_engine import log_context
from bot_engine.call.amd import AmdDecision, AmdReason, AmdResult, AmdSettings
from bot_engine.call.amd_gate import AmdGate
from bot_engine.call.listener import Hearing, Listener, Listening
from bot_engine.call.prompt_player import PromptPlayer
from bot_engine.call.report import CallMeta, CallReport
from bot_engine.call.speech import CallSpeech
from bot_engine.call.timeline import CallTimeline
from bot_engine.call.timings import ConsentEvidence, TurnTimings
from bot_engine.call.transfer import Connector, LegDialer, leg_dialer
from bot_engine.call.turn_end import TurnEnd, turn_end
from bot_engine.call.utterance import Heard, Utterance
from bot_engine.call.webhooks import STRICT, AsyncWebhookRunner, outbound_of
from bot_engine.dialog import actions as act
from bot_engine.dialog import events as ev
from bot_engine.dialog.engine import Dialog
from bot_engine.nlu.external import ExternalRequest, consult
from bot_engine.record import BargeIn, HangupCause, TranscriptTurn
from bot_engine.script.model import Script
from bot_engine.tasks import TaskSet
from media_gateway.call_leg import (
    FRAME_MS,
    CallEnded,
    CallLeg,
    InboundDtmf,
    InboundFrame,
)

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class SessionSettings:
    vad_start_ms: int = 200
    """Voiced audio needed before speech counts (and may barge in): shorter noise does not."""
    min_word_ms: int = 120
    """Of the VAD's speech-start window, this much must be loud (`min_speech_rms`) for the
    speech to count: webrtcvad's hangover stretches an 80 ms click into a "voiced" window,
    while a word keeps its energy up."""
    min_speech_rms: float = 300.0
    """s16 RMS (about -40 dBFS) of a frame that carries speech rather than line noise."""
    barge_in_onset_ms: int | None = 60
    """This much loud voiced audio over an interruptible prompt pauses the prompt at once.
    The speech-start window then decides: a word makes it a barge-in, anything shorter
    resumes the prompt where it paused. None stops prompts at the speech start only."""
    resume_after_ms: int = 60
    """A paused prompt resumes after this much unvoiced audio, unless speech has started."""
    max_pause_ms: int = 400
    """A paused prompt resumes after this long if no speech start came (on-off noise)."""
    pre_roll_ms: int = 300
    speculate_ms: int | None = 100
    """After this much silence inside an utterance, decode it speculatively while the
    endpointing window is still open (engines that decode at the end only, i.e. Whisper);
    None turns it off. Smart endpointing starts at its own `SmartTurnSettings.speculate_ms`.
    See `utterance.Utterance.speculate`."""
    vad_aggressiveness: int = 2
    vad_floor_rms: float = 100.0
    """s16 RMS under which a frame is silence whatever webrtcvad says: trims its hangover
    after the end of speech (see `asr_tts.vad`)."""
    max_duration_s: float = 900.0
    amd: bool = False
    """Run answering-machine detection before the Dialog starts (outbound calls)."""
    amd_settings: AmdSettings | None = None
    beep_wait_s: float = 8.0
    """After a machine verdict, how long to wait for the beep before leaving a message."""
    drain_timeout_s: float = 60.0
    """Bound on waiting for prompts to finish before a hangup or transfer."""
    endpointing: Literal["vad", "smart"] | None = None
    """Overrides the script's `settings.endpointing` (benchmarks compare the two)."""
    smart_turn: SmartTurnSettings = field(default_factory=SmartTurnSettings)
    """Waits of semantic end-of-turn (`asr_tts.turn`) when endpointing is `smart`."""


class CallSession:
    """Runs one Dialog over one CallLeg to the end of the call; `run()` returns the report."""

    def __init__(
        self,
        leg: CallLeg,
        script: Script,
        variables: dict[str, Any],
        speech: CallSpeech,
        *,
        settings: SessionSettings | None = None,
        recording_path: str | Path | None = None,
        webhooks: AsyncWebhookRunner = STRICT,
        script_version: str | None = None,
        on_turn: Callable[[TranscriptTurn], None] | None = None,
        on_state: Callable[[dict[str, Any]], None] | None = None,
        dialer: LegDialer | None = None,
    ) -> None:
        """`on_state` receives the dialog state (JSON-ready) after every change, so a
        service can persist it and finish an interrupted call from where it was.
        `dialer` places the second call of a bridged transfer (default: the user agent
        of the caller's own SIP call)."""
        self.leg = leg
        self.script = script
        self.variables = dict(variables)
        self.speech = speech
        self.settings = settings or SessionSettings()
        self.recording_path = Path(recording_path) if recording_path else None
        self.webhooks = webhooks
        self.on_turn = on_turn
        self.on_state = on_state
        self.dialer = dialer or leg_dialer(leg)
        self._connector: Connector | None = None
        self.started_at = datetime.now(UTC)
        self.dialog = Dialog(script, variables, now=self.started_at)
        self.meta = CallMeta(
            call_id=leg.info.call_id,
            direction=leg.info.direction,
            caller=leg.info.caller,
            callee=leg.info.callee,
            transport=leg.info.transport,
            script_id=script.id,
            script_version=script_version or script.version,
            started_at=self.started_at,
            asr_engine=speech.asr_engine,
            tts_engine=speech.tts_engine,
        )
        self.rate = leg.sample_rate
        self.frame_bytes = self.rate * FRAME_MS // 1000 * 2
        self.transcript: list[TranscriptTurn] = []
        self.timeline = CallTimeline(self.rate, self.meta.call_id)
        self.timings: list[TurnTimings] = self.timeline.timings
        self.consent: list[ConsentEvidence] = []
        self.barge_ins: list[BargeIn] = []
        mode = self.settings.endpointing or self.script.settings.endpointing
        self._smart: TurnEnd | None = (
            turn_end(speech, self.rate, self.settings.smart_turn, self.dialog)
            if mode == "smart" else None)
        if self._smart is not None:
            self._smart.on_over = self._end_turn_now
        self._endpointer = self._new_endpointer(self.script.settings.endpoint_ms)
        self.listener = Listener(
            speech, alive=lambda: not self.dialog.finished,
            robot_talking=lambda: self.player.playing, on_no_input=self._on_no_input,
            on_keys=self._on_keys)
        self.player = PromptPlayer(
            leg, spawn=self._spawn, ms=self.timeline.ms, on_queued=self.timeline.audio_queued,
            on_first_packet=self.timeline.first_packet, on_played=self.timeline.record_robot,
            on_idle=self._on_prompts_done,
        )
        self.resumed_prompts = self.player.resumed
        self._barge = BargeInDetector(BargeInSettings(
            onset_ms=self.settings.barge_in_onset_ms,
            min_speech_rms=self.settings.min_speech_rms,
            resume_after_ms=self.settings.resume_after_ms,
            max_pause_ms=self.settings.max_pause_ms,
            min_word_ms=self.settings.min_word_ms,
        ), FRAME_MS)
        self._actions: asyncio.Queue[list[act.Action] | None] = asyncio.Queue()
        self._tasks = TaskSet(log_errors=f"a task of call {self.meta.call_id}")
        self._ended: CallEnded | None = None
        self._hung_up = False
        self._amd: AmdGate | None = None

    # -- public ------------------------------------------------------------------------

    @property
    def result(self) -> act.DialogResult | None:
        return self.dialog.result

    @property
    def amd_result(self) -> AmdResult | None:
        return self._amd.result if self._amd is not None else None

    @log_context.in_call(lambda self: self.meta.call_id)
    async def run(self) -> CallReport:
        loop = asyncio.get_running_loop()
        self.timeline.start(self.recording_path)
        self.meta.answered_at = datetime.now(UTC)
        actor = loop.create_task(self._act(), name=f"call-actions-{self.meta.call_id}")
        max_timer = loop.call_later(self.settings.max_duration_s, self._on_max_duration)
        try:
            if self.settings.amd:
                self._amd = AmdGate(self.settings.amd_settings, self.speech, self.rate,
                                    spawn=self._spawn, on_decided=self._amd_decided)
            else:
                self._start_dialog()
            async for event in self.leg.events():
                try:
                    if isinstance(event, InboundFrame):
                        self._on_frame(event)
                    elif isinstance(event, InboundDtmf):
                        self._on_dtmf(event)
                    elif isinstance(event, CallEnded):
                        self._on_call_ended(event)
                        break
                except Exception:  # one bad frame or key must not end the call
                    log.exception("call %s: handling %r failed", self.meta.call_id, event)
        finally:
            max_timer.cancel()
            await self._finish(actor)
        return self.report()

    def report(self) -> CallReport:
        result = self.dialog.result
        if result is None:  # run() always ends the Dialog; this is for a report mid-call
            result = act.DialogResult(outcome=self.script.result.endings.error, ending="error",
                                      error="the call has not ended")
        return CallReport(
            call=self.meta,
            variables=self.variables,
            result=result,
            transcript=self.transcript,
            timings=self.timings,
            consent=self.consent,
            barge_ins=self.barge_ins,
            resumed_prompts=self.resumed_prompts,
            amd=self.amd_result,
            recording=str(self.recording_path) if self.recording_path else None,
        )

    # -- dialog ------------------------------------------------------------------------

    def _start_dialog(self) -> None:
        self._actions.put_nowait(self.dialog.start(datetime.now(UTC)))
        self._publish_state()

    def _publish_state(self) -> None:
        if self.on_state is None:
            return
        try:
            self.on_state(self.dialog.state.model_dump(mode="json"))
        except Exception:
            log.exception("on_state callback failed")

    def _handle(self, event: ev.Event) -> list[act.Action]:
        if self.dialog.finished:
            return []
        actions = self.dialog.handle(event)
        if actions:
            self._publish_state()
        self.timeline.dialog_replied(any(isinstance(a, act.Say) for a in actions))
        self._actions.put_nowait(actions)
        return actions

    async def _act(self) -> None:
        """Perform action batches in order (prompts must queue in the Dialog's order)."""
        while (actions := await self._actions.get()) is not None:
            for action in actions:
                if self._ended is not None and not isinstance(action, act.SetResult):
                    continue
                try:
                    await self._perform(action)
                except Exception:
                    log.exception("call %s: action %s failed", self.meta.call_id, action.type)
            if self.dialog.finished and self._actions.empty() and self._ended is None:
                await self._hangup()

    async def _perform(self, action: act.Action) -> None:
        if isinstance(action, act.Say):
            await self._say(action)
        elif isinstance(action, act.Listen):
            self._arm(action)
        elif isinstance(action, act.CallWebhook):
            self._event("webhook", f"{action.method} {action.url}", action.step)
            self._spawn(self._webhook(action))
        elif isinstance(action, act.Hangup):
            await self._hangup()
        elif isinstance(action, act.Transfer):
            await self._drain()
            ok = await self.leg.transfer(action.target)
            self._event("transfer", f"transfer to {action.target}: "
                        f"{'accepted' if ok else 'failed'}", self.dialog.state.step)
            if not ok:
                await self._hangup()
            else:
                self._hung_up = True
        elif isinstance(action, act.Connect):
            self._spawn(self._connect(action))

    async def _connect(self, action: act.Connect) -> None:
        """A transfer whose outcome the script branches on (see `transfer.Connector`)."""
        connector = self._connector = Connector(
            action, self.leg, self.dialer, self.speech,
            record_operator=self.timeline.record_operator,
            note=lambda text: self._event("connect", text, action.step), caller_ready=self._drain)
        try:
            result = await connector.run()
        finally:
            self._connector = None
        if not connector.reported:
            self._handle(result.model_copy(update={"at": datetime.now(UTC)}))

    async def _hangup(self) -> None:
        if self._hung_up:
            return
        self._hung_up = True
        await self._drain()
        with contextlib.suppress(Exception):
            await self.leg.hangup()

    async def _drain(self) -> None:
        await self.player.drain(self.settings.drain_timeout_s)

    async def _webhook(self, action: act.CallWebhook) -> None:
        try:
            result = await self.webhooks(action)
        except Exception as exc:  # a broken runner is the script's error branch
            result = ev.WebhookResult(request_id=action.request_id, status="error",
                                      error=f"{type(exc).__name__}: {exc}")
        self._event("webhook", f"webhook {result.status}", action.step)
        self._handle(result.model_copy(update={"at": datetime.now(UTC)}))

    # -- prompts -----------------------------------------------------------------------

    async def _say(self, say: act.Say) -> None:
        if self._amd is not None:
            await self._amd.wait_for_beep(self.settings.beep_wait_s)
        turn = TranscriptTurn(role="bot", text=say.text, step=say.step,
                              at=datetime.now(UTC), heard_ms=0)
        self._add(turn)
        epoch = self.player.epoch
        pcm = self._prompt_audio(say)
        if pcm is not None:
            self._enqueue(pcm, turn, say.barge_in)
            return
        stream = self.speech.stream(say.text)
        try:
            async for chunk in stream:
                if epoch != self.player.epoch or self._ended is not None:
                    if say.keep:  # a recurring phrase: finish it into the cache anyway,
                        _keep_rendering(stream)  # even when the call is over
                    break  # barged in (or hung up) while synthesizing
                self._enqueue(chunk, turn, say.barge_in)
        except SpeechError as exc:
            log.warning("call %s: TTS failed for %r: %s", self.meta.call_id, say.text, exc)
            self._event("tts_error", str(exc), say.step)

    def _prompt_audio(self, say: act.Say) -> bytes | None:
        if say.audio is not None:
            try:
                pcm, _ = read_audio_file(say.audio, self.rate)
                return pcm
            except (OSError, SpeechError, ValueError) as exc:
                log.warning("call %s: cannot read %s: %s", self.meta.call_id, say.audio, exc)
        return self.speech.cached(say.text) if say.text.strip() else None

    def _enqueue(self, pcm: bytes, turn: TranscriptTurn | None, barge_in: bool) -> None:
        self.player.enqueue(pcm, turn, barge_in)

    def _stop_prompts(self) -> None:
        self.player.stop()

    # -- barge-in: pause at the onset, then a word interrupts or the prompt resumes ----

    def _watch_onset(self, pcm: bytes, now: float) -> None:
        player, endpointer = self.player, self._endpointer
        held = player.held
        decision = self._barge.push(
            pcm, voiced=endpointer.last_voiced, in_speech=endpointer.in_speech,
            unvoiced_run_ms=endpointer.unvoiced_run_ms, now=now, playing=player.playing,
            paused_at=held.at if held is not None else None, may_pause=self._may_barge_in,
        )
        if decision == "pause":
            listening = self.listener.active
            player.pause(now, self._barge.loud_since,
                         listening.listen.step if listening else None)
        elif decision == "resume":
            player.resume(now)

    def _may_barge_in(self) -> bool:
        listening = self.listener.active
        return (bool(self.player.chunks) and listening is not None and listening.utt is None
                and not self.dialog.finished and not self._endpointer.in_speech
                and listening.listen.barge_in and self.player.interruptible())

    # -- listening ---------------------------------------------------------------------

    def _arm(self, listen: act.Listen) -> None:
        self.listener.arm(listen)
        if not self._endpointer.in_speech and listen.endpoint_ms != self._endpoint_ms:
            self._endpointer = self._new_endpointer(listen.endpoint_ms)
        if not self.player.playing:
            self._on_prompts_done()

    def _new_endpointer(self, endpoint_ms: int) -> Endpointer:
        """The VAD; with smart endpointing its window is the hard cap of a turn's pause
        (the model's verdict ends a complete turn earlier)."""
        self._endpoint_ms = endpoint_ms
        window = endpoint_ms if self._smart is None else self._smart.settings.cap_ms
        return Endpointer(
            self.rate if self.rate in (8000, 16000) else 8000,
            FRAME_MS,
            speech_start_ms=self.settings.vad_start_ms,
            speech_end_ms=max(window, FRAME_MS),
            pre_roll_ms=self.settings.pre_roll_ms,
            aggressiveness=self.settings.vad_aggressiveness,
            floor_rms=self.settings.vad_floor_rms,
        )

    def _on_prompts_done(self) -> None:
        listening = self.listener.active
        if listening is None or listening.utt is not None or listening.recognizing:
            return
        if not listening.listen.barge_in and self._endpointer.in_speech:
            self._endpointer.reset()  # speech over a prompt that may not be interrupted
        self.listener.wait_for_input(listening)

    def _on_no_input(self, listening: Listening) -> None:
        self._add(TranscriptTurn(role="caller", text="[silence]", step=listening.listen.step,
                                 at=datetime.now(UTC)))
        self._handle(ev.NoInput(at=datetime.now(UTC)))

    # -- inbound audio -----------------------------------------------------------------

    def _on_frame(self, frame: InboundFrame) -> None:
        now = time.monotonic()
        sample = self.timeline.record_caller(frame, now)
        if self._connector is not None and self._connector.bridged:
            self._connector.caller_event(frame)
            return
        pcm = frame.pcm
        if len(pcm) != self.frame_bytes:
            return  # a transport that cuts frames differently: recorded, not analysed
        gate = self._amd
        if gate is not None:
            deciding = gate.deciding
            gate.feed(pcm)  # before the verdict, the caller's audio is the detector's alone
            if deciding:
                return
        listening = self.listener.active
        had_utterance = listening is not None and listening.utt is not None
        events = self._endpointer.push(pcm)
        self._watch_onset(pcm, now)
        if had_utterance and listening is not None and listening.utt is not None:
            listening.utt.utterance.feed(pcm)
            self._speculate(listening.utt.utterance)
            if (self._smart is not None and not events and self._endpointer.in_speech
                    and self._smart.push(pcm, self._endpointer.trailing_silence_ms,
                                         listening.utt.utterance)):
                events = [self._endpointer.end_now()]  # the model heard the turn end
        for event in events:
            if isinstance(event, SpeechStart):
                self._on_speech_start(event, now, sample)
            elif isinstance(event, SpeechEnd):
                self._on_speech_end(event, now, sample)

    def _end_turn_now(self) -> None:
        """The end-of-turn policy decided between frames (its transcript arrived)."""
        listening = self.listener.active
        if self._endpointer.in_speech and listening is not None and listening.utt is not None:
            self._on_speech_end(self._endpointer.end_now(), time.monotonic(),
                                self.timeline.caller_end)

    def _speculate(self, utterance: Utterance) -> None:
        """At a pause, decode what was said so far; a voiced frame drops that decode."""
        after = self.settings.speculate_ms
        if after is None or not self._endpointer.in_speech:
            return
        if self._smart is not None:  # a smart turn waits on this transcript: start sooner
            after = self._smart.settings.speculate_ms
        quiet = self._endpointer.trailing_silence_ms
        if quiet == 0:
            utterance.resume()
        elif quiet >= after:
            utterance.speculate()

    def _on_speech_start(self, event: SpeechStart, now: float, end_sample: int) -> None:
        listening = self.listener.active
        if listening is None or self.dialog.finished or listening.utt is not None:
            return
        if not self._barge.word_like(event.audio, self.rate, self.settings.vad_start_ms):
            if self.player.held is not None:
                self.player.resume(now)
            return
        barged = self.player.playing
        if barged:
            allowed = self.player.held is not None or (  # a pause was allowed when it began
                listening.listen.barge_in and self.player.interruptible())
            if not allowed:
                return
            self._barge_in(listening, now, "speech")
        start_sample = max(0, end_sample - len(event.audio) // 2)
        self.listener.begin(listening, event.audio, start_sample, barged)
        if self._smart is not None:
            self._smart.start(event.audio)

    def _barge_in(self, listening: Listening, detected: float,
                  cause: Literal["speech", "dtmf"]) -> None:
        """Stop the prompt for good and tell the Dialog how much of it was heard."""
        heard = self.player.heard_ms()
        held = self.player.held
        self._stop_prompts()
        stopped = time.monotonic()
        window_ms = self.settings.vad_start_ms if cause == "speech" else 0
        onset_to_stop = window_ms + (stopped - detected) * 1000
        trigger: Literal["onset", "speech", "dtmf"] = cause
        if held is not None:  # silent since the onset: measured from its first frame
            detected, stopped = held.at, held.stopped
            heard += held.heard_ms
            onset_to_stop = (held.stopped - held.onset) * 1000 + FRAME_MS
            trigger = "onset" if cause == "speech" else "dtmf"
        stop_ms = round((stopped - detected) * 1000, 3)
        self.barge_ins.append(BargeIn(step=listening.listen.step, trigger=trigger,
                                      heard_ms=heard, stop_ms=stop_ms,
                                      onset_to_stop_ms=round(onset_to_stop, 3)))
        self._handle(ev.Interrupted(heard_ms=heard, at=datetime.now(UTC)))

    def _on_speech_end(self, event: SpeechEnd, now: float, end_sample: int) -> None:
        listening = self.listener.active
        utt = self.listener.end(listening) if listening is not None else None
        if listening is None or utt is None:
            return
        lag_s = event.time_s - event.speech_end_s
        speech_end = now - lag_s
        voiced_s = event.time_s - event.speech_start_s
        start = max(utt.turn_start_sample, end_sample - round(voiced_s * self.rate))
        stop = max(start + 1, end_sample - round(lag_s * self.rate))
        utt.utterance.on_heard = functools.partial(
            self._on_heard, listening, utt, speech_end, now, start, stop)

    def _on_heard(
        self, listening: Listening, utt: Hearing, speech_end: float, endpoint: float,
        start_sample: int, end_sample: int, heard: Heard,
    ) -> None:
        if not self.listener.recognized(listening, heard.text,
                                        prompt_on_leg=bool(self.player.chunks)):
            return
        at = datetime.now(UTC)
        turn = TranscriptTurn(
            role="caller", text=heard.text, step=listening.listen.step, at=at,
            start_ms=start_sample * 1000 // self.rate, end_ms=end_sample * 1000 // self.rate,
            confidence=heard.confidence, alternatives=list(heard.alternatives),
            engine=heard.engine, interrupted=utt.barged,
        )
        step = self.script.steps.get(listening.listen.step)
        evidence = None
        if step is not None and step.consent:
            evidence = ConsentEvidence.from_samples(
                step_id=listening.listen.step, utterance=heard.text, at=at,
                start_sample=start_sample, end_sample=end_sample, sample_rate=self.rate,
                confidence=None if heard.confidence is None else min(1.0, max(0.0,
                                                                              heard.confidence)),
                recording=str(self.recording_path) if self.recording_path else None,
            )
        self.timeline.turn_heard(listening.listen.step, speech_end, endpoint, heard.final_at)
        confidence = 1.0 if heard.confidence is None else heard.confidence
        said = ev.UserSaid(text=heard.text, confidence=confidence,
                           alternatives=list(heard.alternatives), at=at)
        request = self.dialog.understanding_request(heard.text, at)
        if request is None:
            self._said(said, turn, evidence)
        else:  # Rasa or an LLM reads the turn first: awaited in a task, never on the loop
            self._spawn(self._said_after(request, said, turn, evidence))

    async def _said_after(self, request: ExternalRequest, said: ev.UserSaid,
                          turn: TranscriptTurn, evidence: ConsentEvidence | None) -> None:
        # bounded by the step's deadline, guarded like the webhooks; None on failure
        reading = await consult(request, outbound=outbound_of(self.webhooks))
        if self.dialog.finished or self.dialog.state.step != turn.step:
            self._add(turn)  # the call ended (or moved on) while the reading was on its way
            return
        self._said(said.model_copy(update={"nlu": reading}) if reading else said, turn,
                   evidence)

    def _said(self, said: ev.UserSaid, turn: TranscriptTurn,
              evidence: ConsentEvidence | None) -> None:
        """The caller's words to the Dialog; the turn goes into the transcript with what the
        Dialog understood (which layer decided, the runner-up)."""
        for action in self._handle(said):
            if isinstance(action, act.Understood) and action.layer is not None:
                turn.understood(action.intent, action.layer, action.runner_up)
        self._add(turn)
        if evidence is not None and (self.dialog.finished
                                     or self.dialog.state.step != evidence.step_id):
            self.consent.append(evidence)  # the answer the Dialog acted on, not a reprompt

    # -- keys --------------------------------------------------------------------------

    def _on_dtmf(self, key: InboundDtmf) -> None:
        if self._connector is not None and self._connector.bridged:
            self._connector.caller_event(key)
            return
        listening = self.listener.active
        if listening is None or self.dialog.finished:
            return
        if self.player.playing:
            self._barge_in(listening, time.monotonic(), "dtmf")
        self.listener.key(listening, key.digit)

    def _on_keys(self, listening: Listening, digits: str) -> None:
        self._add(TranscriptTurn(role="caller", text=f"[dtmf {digits}]",
                                 step=listening.listen.step, at=datetime.now(UTC)))
        self._handle(ev.Dtmf(digits=digits, at=datetime.now(UTC)))

    # -- answering-machine detection ---------------------------------------------------

    def _amd_decided(self, verdict: AmdResult) -> None:
        self._event("amd", f"{verdict.decision.value} ({verdict.reason.value}: {verdict.detail})",
                    None)
        if verdict.decision is AmdDecision.MACHINE:
            self._handle(ev.MachineDetected(beep=verdict.reason is AmdReason.BEEP,
                                            at=datetime.now(UTC)))
        else:
            self._start_dialog()

    # -- the end -----------------------------------------------------------------------

    def _on_call_ended(self, ended: CallEnded) -> None:
        self._ended = ended
        self.meta.hangup_cause = HangupCause.of(ended.cause)
        self._stop_prompts()
        connected = self._connector.caller_ended() if self._connector is not None else None
        if connected is not None:  # mid-bridge: an answered transfer, then the end
            self._event("connect", "the caller hung up", self.dialog.state.step)
            self._handle(connected.model_copy(update={"at": datetime.now(UTC)}))
        if self.dialog.finished:
            return
        if self._amd is not None:
            self._amd.ended()
        cause = "caller" if ended.cause in ("caller_hangup", "remote_hangup") else ended.cause
        self._event("hangup", f"call ended: {ended.cause}", self.dialog.state.step)
        self._handle(ev.HungUp(cause=cause, at=datetime.now(UTC)))

    def _on_max_duration(self) -> None:
        if self.dialog.finished:
            return
        connected = self._connector.caller_ended("robot") if self._connector else None
        if connected is not None:  # the bridged talk counts: an answered transfer, ended
            self._event("max_duration", f"call reached {self.settings.max_duration_s:g} s",
                        self.dialog.state.step)
            self._handle(connected.model_copy(update={"at": datetime.now(UTC)}))
            return
        self._stop_prompts()
        self._event("max_duration", f"call reached {self.settings.max_duration_s:g} s",
                    self.dialog.state.step)
        self._handle(ev.HungUp(cause="max_duration", at=datetime.now(UTC)))

    async def _finish(self, actor: asyncio.Task[None]) -> None:
        if self.listener.active is not None:
            self.listener.stop(self.listener.active)
        if not self.dialog.finished:  # the event stream ended without CallEnded
            self._handle(ev.HungUp(cause=self._ended.cause if self._ended else "network_error",
                                   at=datetime.now(UTC)))
        if self._ended is None:
            self._ended = CallEnded("session_ended")
            with contextlib.suppress(Exception):
                await self.leg.hangup()
        self._stop_prompts()
        self._actions.put_nowait(None)
        with contextlib.suppress(TimeoutError, Exception):
            await asyncio.wait_for(actor, 5)
        self._tasks.cancel()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(5):
                await self._tasks.wait()
        self.meta.ended_at = datetime.now(UTC)
        self.timeline.close()

    # -- helpers -----------------------------------------------------------------------

    def _spawn(self, coro: Any) -> None:
        self._tasks.spawn(coro)

    def _add(self, turn: TranscriptTurn) -> None:
        self.transcript.append(turn)
        if self.on_turn is not None:
            try:
                self.on_turn(turn)
            except Exception:
                log.exception("on_turn callback failed")

    def _event(self, kind: str, text: str, step: str | None) -> None:
        self._add(TranscriptTurn(role="event", kind=kind, text=text, step=step,
                                 at=datetime.now(UTC),
                                 start_ms=self.timeline.ms(time.monotonic())))


_RENDERING = TaskSet()


def _keep_rendering(stream: Any) -> None:
    async def drain() -> None:
        with contextlib.suppress(SpeechError, OSError):
            async for _ in stream:
                pass

    _RENDERING.spawn(drain())
