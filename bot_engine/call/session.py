"""The live call session: the third shell around the pure Dialog.

    gateway frames ─▶ VAD ─▶ ASR (per utterance) ─▶ Dialog ─▶ TTS cache ─▶ gateway

It adds no dialogue logic: it turns audio, keys and the end of the call into events, and
actions into audio, transfers and hangups. Everything runs on one event loop, and nothing
on it blocks: ASR engines decode in their own thread pools, webhooks are async with their
deadline, and a cached prompt is queued on the leg in the same loop iteration in which
the Dialog returned `Say`.

Timing is measured with `time.monotonic()`. Each prompt chunk is queued as a one-frame
"marker" playback followed by the rest: the marker completes when its frame is taken by
the sender, which is exactly the first robot audio packet of the reply. That time also
places the robot's audio in the recording.
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

import numpy as np

from asr_tts.audio import read_audio_file
from asr_tts.errors import SpeechError
from asr_tts.turn import SmartEndpointing, SmartTurnSettings
from asr_tts.vad import Endpointer, SpeechEnd, SpeechStart
from bot_engine.call.amd import (
    AmdDecision,
    AmdReason,
    AmdResult,
    AmdSettings,
    AnsweringMachineDetector,
    phrase_hints,
)
from bot_engine.call.dtmf import DEFAULT_SPEC, DtmfCollector
from bot_engine.call.listener import Heard, Utterance
from bot_engine.call.recording import StereoRecorder
from bot_engine.call.report import CallMeta, CallReport
from bot_engine.call.speech import CallSpeech
from bot_engine.call.timings import (
    ConsentEvidence,
    TurnTimestamps,
    TurnTimings,
    compute_turn_timings,
)
from bot_engine.call.transfer import Connector, LegDialer, leg_dialer
from bot_engine.call.webhooks import STRICT, AsyncWebhookRunner, outbound_of
from bot_engine.dialog import actions as act
from bot_engine.dialog import events as ev
from bot_engine.dialog.engine import Dialog
from bot_engine.nlu.external import ExternalRequest, consult
from bot_engine.record import BargeIn, HangupCause, PromptResume, TranscriptTurn
from bot_engine.script.model import Script
from bot_engine.tasks import TaskSet
from media_gateway.call_leg import (
    FRAME_MS,
    CallEnded,
    CallLeg,
    InboundDtmf,
    InboundFrame,
    Playback,
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
    None turns it off. See `listener.Utterance.speculate`."""
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


@dataclass
class _Chunk:
    pcm: bytes
    marker: Playback
    rest: Playback
    turn: TranscriptTurn | None
    barge_in: bool
    sent_at: float | None = None
    held: bool = False
    """Cancelled by a pause: its rest is held to resume, and it was not interrupted."""


@dataclass
class _Held:
    """A paused prompt: the audio still to play, and what a barge-in must know."""

    onset: float
    """Arrival of the first frame of the loud run (its audio began a frame earlier)."""
    at: float
    stopped: float
    heard_ms: int
    step: str | None
    rest: list[tuple[bytes, TranscriptTurn | None, bool]] = field(default_factory=list)


@dataclass
class _PendingTurn:
    """Timing marks of one caller turn, filled in as the reply is produced."""

    index: int
    step: str | None
    speech_end: float
    endpoint: float
    asr_final: float
    dialogue_done: float | None = None
    first_audio: float | None = None


@dataclass
class _Utt:
    utterance: Utterance
    turn_start_sample: int
    barged: bool = False


@dataclass
class _Listening:
    listen: act.Listen
    token: int
    dtmf: DtmfCollector = field(default_factory=DtmfCollector)
    utt: _Utt | None = None
    standby: Utterance | None = None
    """A recognizer already started, waiting for speech."""
    recognizing: int = 0
    no_input: asyncio.TimerHandle | None = None
    digit_timer: asyncio.TimerHandle | None = None


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
        self.timings: list[TurnTimings] = []
        self.consent: list[ConsentEvidence] = []
        self.barge_ins: list[BargeIn] = []
        self.resumed_prompts: list[PromptResume] = []
        self.amd_result: AmdResult | None = None
        self._recorder: StereoRecorder | None = None
        self._answered = 0.0
        self._caller_anchor: int | None = None
        self._caller_end = 0
        mode = self.settings.endpointing or self.script.settings.endpointing
        self._smart: SmartEndpointing | None = (
            speech.smart_endpointing(self.rate, self.settings.smart_turn)
            if mode == "smart" else None)
        self._endpointer = self._new_endpointer(self.script.settings.endpoint_ms)
        self._listening: _Listening | None = None
        self._token = 0
        self._chunks: list[_Chunk] = []
        self._held: _Held | None = None
        self._loud_run = 0
        self._loud_since = 0.0
        self._idle = asyncio.Event()
        self._idle.set()
        self._epoch = 0
        self._pending: _PendingTurn | None = None
        self._turns = 0
        self._actions: asyncio.Queue[list[act.Action] | None] = asyncio.Queue()
        self._tasks = TaskSet(log_errors=f"a task of call {self.meta.call_id}")
        self._ended: CallEnded | None = None
        self._hung_up = False
        self._amd: AnsweringMachineDetector | None = None
        self._amd_audio = bytearray()
        self._amd_asr = False
        self._await_beep = False
        self._beep = asyncio.Event()

    # -- public ------------------------------------------------------------------------

    @property
    def result(self) -> act.DialogResult | None:
        return self.dialog.result

    async def run(self) -> CallReport:
        loop = asyncio.get_running_loop()
        self._answered = time.monotonic()
        self.meta.answered_at = datetime.now(UTC)
        if self.recording_path is not None:
            self.recording_path.parent.mkdir(parents=True, exist_ok=True)
            self._recorder = StereoRecorder(self.recording_path, self.rate)
        actor = loop.create_task(self._act(), name=f"call-actions-{self.meta.call_id}")
        max_timer = loop.call_later(self.settings.max_duration_s, self._on_max_duration)
        try:
            if self.settings.amd:
                self._amd = AnsweringMachineDetector(self.settings.amd_settings)
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
        pending = self._pending
        if pending is not None and pending.dialogue_done is None:
            if any(isinstance(a, act.Say) for a in actions):
                pending.dialogue_done = time.monotonic()
            else:  # no spoken reply (a webhook first, or the end): no response gap to time
                self._pending = None
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
            action, self.leg, self.dialer, self.speech, record_operator=self._record_operator,
            note=lambda text: self._event("connect", text, action.step), caller_ready=self._drain)
        try:
            result = await connector.run()
        finally:
            self._connector = None
        if not connector.reported:
            self._handle(result.model_copy(update={"at": datetime.now(UTC)}))

    def _record_operator(self, pcm: bytes) -> None:
        """The operator's voice goes on the robot's channel: the recording keeps both
        parties of a bridged call."""
        if self._recorder is not None:
            with contextlib.suppress(Exception):
                self._recorder.write_robot(pcm, max(0, self._sample(time.monotonic())
                                                    - len(pcm) // 2))

    async def _hangup(self) -> None:
        if self._hung_up:
            return
        self._hung_up = True
        await self._drain()
        with contextlib.suppress(Exception):
            await self.leg.hangup()

    async def _drain(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), self.settings.drain_timeout_s)

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
        if self._await_beep:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._beep.wait(), self.settings.beep_wait_s)
            self._await_beep = False
        turn = TranscriptTurn(role="bot", text=say.text, step=say.step,
                              at=datetime.now(UTC), heard_ms=0)
        self._add(turn)
        epoch = self._epoch
        pcm = self._prompt_audio(say)
        if pcm is not None:
            self._enqueue(pcm, turn, say.barge_in)
            return
        stream = self.speech.stream(say.text)
        try:
            async for chunk in stream:
                if epoch != self._epoch or self._ended is not None:
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
        if self._held is not None:  # paused: streamed audio waits its turn
            self._held.rest.append((pcm, turn, barge_in))
            return
        pending = self._pending
        if pending is not None and pending.first_audio is None:
            pending.first_audio = time.monotonic()
        head, rest = pcm[: self.frame_bytes], pcm[self.frame_bytes :]
        chunk = _Chunk(pcm, self.leg.play(head), self.leg.play(rest), turn, barge_in)
        self._chunks.append(chunk)
        self._idle.clear()
        self._spawn(self._track(chunk))

    async def _track(self, chunk: _Chunk) -> None:
        first = await chunk.marker.wait()
        if first.completed:
            chunk.sent_at = time.monotonic()
            self._on_first_packet(chunk)
        second = await chunk.rest.wait()
        played_ms = first.played_ms + second.played_ms
        played = chunk.pcm[: played_ms * self.rate // 1000 * 2]
        if chunk.sent_at is not None and self._recorder is not None and played:
            with contextlib.suppress(Exception):
                self._recorder.write_robot(played, self._sample(chunk.sent_at))
        if chunk.turn is not None:
            chunk.turn.heard_ms = (chunk.turn.heard_ms or 0) + played_ms
            chunk.turn.end_ms = self._ms(time.monotonic())
            if not (first.completed and second.completed) and not chunk.held:
                chunk.turn.interrupted = True
        with contextlib.suppress(ValueError):
            self._chunks.remove(chunk)
        if not self._chunks and self._held is None:
            self._idle.set()
            self._on_prompts_done()

    def _on_first_packet(self, chunk: _Chunk) -> None:
        assert chunk.sent_at is not None
        if chunk.turn is not None and chunk.turn.start_ms is None:
            chunk.turn.start_ms = self._ms(chunk.sent_at)
        pending = self._pending
        if pending is None:
            return
        self._pending = None
        try:
            stamps = TurnTimestamps(
                speech_end=pending.speech_end,
                endpoint=pending.endpoint,
                asr_final=pending.asr_final,
                dialogue_done=pending.dialogue_done or pending.asr_final,
                first_audio=pending.first_audio or chunk.sent_at,
                first_packet=chunk.sent_at,
            )
        except ValueError as exc:
            log.warning("call %s: inconsistent turn timing: %s", self.meta.call_id, exc)
            return
        self.timings.append(compute_turn_timings(stamps, pending.index, pending.step))

    def _stop_prompts(self) -> None:
        self._epoch += 1
        held, self._held = self._held, None
        if held is not None:
            for _, turn, _ in held.rest:
                if turn is not None:
                    turn.interrupted = True
            if not self._chunks:
                self._idle.set()
        for chunk in list(self._chunks):
            chunk.marker.cancel()
            chunk.rest.cancel()

    # -- barge-in: pause at the onset, then a word interrupts or the prompt resumes ----

    def _watch_onset(self, pcm: bytes, now: float) -> None:
        onset_ms = self.settings.barge_in_onset_ms
        if onset_ms is None or not (self._chunks or self._held):
            self._loud_run = 0  # nothing playing: nothing to pause (and no energy to compute)
            return
        endpointer = self._endpointer
        if endpointer.last_voiced and _rms(pcm) >= self.settings.min_speech_rms:
            self._loud_run += 1
            if self._loud_run == 1:
                self._loud_since = now
        else:
            self._loud_run = 0
        held = self._held
        if held is None:
            if self._loud_run * FRAME_MS >= onset_ms and self._may_barge_in():
                self._pause(now)
        elif not endpointer.in_speech and (
            endpointer.unvoiced_run_ms >= self.settings.resume_after_ms
            or (now - held.at) * 1000 >= self.settings.max_pause_ms
        ):
            self._resume(now)

    def _may_barge_in(self) -> bool:
        listening = self._listening
        return (bool(self._chunks) and listening is not None and listening.utt is None
                and not self.dialog.finished and not self._endpointer.in_speech
                and listening.listen.barge_in and all(c.barge_in for c in self._chunks))

    def _pause(self, now: float) -> None:
        """Silence the robot at once; keep the unplayed audio to resume it."""
        listening = self._listening
        heard = 0
        rest: list[tuple[bytes, TranscriptTurn | None, bool]] = []
        for chunk in list(self._chunks):
            chunk.held = True
            chunk.marker.cancel()
            chunk.rest.cancel()
            played = _played_ms(chunk.marker) + _played_ms(chunk.rest)
            heard += played
            unplayed = chunk.pcm[played * self.rate // 1000 * 2:]
            if unplayed:
                rest.append((unplayed, chunk.turn, chunk.barge_in))
        self._held = _Held(onset=self._loud_since, at=now, stopped=time.monotonic(),
                           heard_ms=heard,
                           step=listening.listen.step if listening else None, rest=rest)

    def _resume(self, now: float) -> None:
        """The onset was not a word: play on from where the prompt paused."""
        held, self._held = self._held, None
        if held is None:
            return
        self.resumed_prompts.append(PromptResume(
            step=held.step, at_ms=self._ms(held.at), paused_ms=round((now - held.at) * 1000, 1)))
        for pcm, turn, barge_in in held.rest:
            self._enqueue(pcm, turn, barge_in)
        if not self._chunks:
            self._idle.set()
            self._on_prompts_done()

    # -- listening ---------------------------------------------------------------------

    def _arm(self, listen: act.Listen) -> None:
        self._token += 1
        collector = DtmfCollector(listen.dtmf or DEFAULT_SPEC)
        self._listening = _Listening(listen, self._token, collector)
        self._standby(self._listening)
        if not self._endpointer.in_speech and listen.endpoint_ms != self._endpoint_ms:
            self._endpointer = self._new_endpointer(listen.endpoint_ms)
        if not self._chunks and self._held is None:
            self._on_prompts_done()

    def _standby(self, listening: _Listening, *, now: bool = False) -> None:
        if listening.standby is None and (now or self.speech.prestart):
            listen = listening.listen
            listening.standby = Utterance(self.speech, list(listen.hints), listen.grammar)

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
        listening = self._listening
        if listening is None or listening.utt is not None or listening.recognizing:
            return
        if not listening.listen.barge_in and self._endpointer.in_speech:
            self._endpointer.reset()  # speech over a prompt that may not be interrupted
        self._start_no_input(listening)

    def _start_no_input(self, listening: _Listening) -> None:
        if listening.no_input is not None:
            listening.no_input.cancel()
        if listening.dtmf.digits:
            return
        loop = asyncio.get_running_loop()
        listening.no_input = loop.call_later(
            listening.listen.timeout_ms / 1000, self._on_no_input, listening.token
        )

    def _current(self, token: int) -> _Listening | None:
        listening = self._listening
        if listening is None or listening.token != token or self.dialog.finished:
            return None
        return listening

    def _on_no_input(self, token: int) -> None:
        listening = self._current(token)
        if listening is None or listening.utt is not None or listening.recognizing:
            return
        if self._chunks or self._held is not None or listening.dtmf.digits:
            return
        self._listening = None
        self._add(TranscriptTurn(role="caller", text="[silence]", step=listening.listen.step,
                                 at=datetime.now(UTC)))
        self._handle(ev.NoInput(at=datetime.now(UTC)))

    def _stop_listening(self, listening: _Listening) -> None:
        for handle in (listening.no_input, listening.digit_timer):
            if handle is not None:
                handle.cancel()
        if listening.utt is not None:
            listening.utt.utterance.abort()
            listening.utt = None
        if listening.standby is not None:
            listening.standby.abort()
            listening.standby = None
        if self._listening is listening:
            self._listening = None

    # -- inbound audio -----------------------------------------------------------------

    def _on_frame(self, frame: InboundFrame) -> None:
        now = time.monotonic()
        sample = self._record_caller(frame, now)
        if self._connector is not None and self._connector.bridged:
            self._connector.caller_event(frame)
            return
        pcm = frame.pcm
        if len(pcm) != self.frame_bytes:
            return  # a transport that cuts frames differently: recorded, not analysed
        if self._amd is not None and self.amd_result is None:
            self._amd_frame(pcm)
            return
        if self._await_beep and self._amd is not None:
            self._amd.feed_audio(pcm)
            if self._amd.beep_ended:
                self._beep.set()
        listening = self._listening
        had_utterance = listening is not None and listening.utt is not None
        events = self._endpointer.push(pcm)
        self._watch_onset(pcm, now)
        if had_utterance and listening is not None and listening.utt is not None:
            listening.utt.utterance.feed(pcm)
            self._speculate(listening.utt.utterance)
            if (self._smart is not None and not events and self._endpointer.in_speech
                    and self._smart.push(pcm, self._endpointer.trailing_silence_ms)):
                events = [self._endpointer.end_now()]  # the model heard the turn end
        for event in events:
            if isinstance(event, SpeechStart):
                self._on_speech_start(event, now, sample)
            elif isinstance(event, SpeechEnd):
                self._on_speech_end(event, now, sample)

    def _speculate(self, utterance: Utterance) -> None:
        """At a pause, decode what was said so far; a voiced frame drops that decode."""
        after = self.settings.speculate_ms
        if after is None or not self._endpointer.in_speech:
            return
        quiet = self._endpointer.trailing_silence_ms
        if quiet == 0:
            utterance.resume()
        elif quiet >= after:
            utterance.speculate()

    def _record_caller(self, frame: InboundFrame, now: float) -> int:
        """Place caller audio on the recording's timeline; returns the frame's end sample."""
        samples = len(frame.pcm) // 2
        if self._caller_anchor is None:
            arrival = self._sample(now) - samples
            self._caller_anchor = max(0, arrival - frame.timestamp_ms * self.rate // 1000)
        start = self._caller_anchor + frame.timestamp_ms * self.rate // 1000
        if self._recorder is not None:
            with contextlib.suppress(Exception):
                self._recorder.write_caller(frame.pcm, start)
        self._caller_end = start + samples
        return self._caller_end

    def _on_speech_start(self, event: SpeechStart, now: float, end_sample: int) -> None:
        listening = self._listening
        if listening is None or self.dialog.finished or listening.utt is not None:
            return
        if not self._word_like(event.audio):
            if self._held is not None:
                self._resume(now)
            return
        barged = self._held is not None or bool(self._chunks)
        if barged:
            allowed = self._held is not None or (  # a pause was allowed when it began
                listening.listen.barge_in and all(c.barge_in for c in self._chunks))
            if not allowed:
                return
            self._barge_in(listening, now, "speech")
        if listening.no_input is not None:
            listening.no_input.cancel()
        start_sample = max(0, end_sample - len(event.audio) // 2)
        self._standby(listening, now=True)
        utterance, listening.standby = listening.standby, None
        assert utterance is not None
        utterance.feed(event.audio)
        listening.utt = _Utt(utterance, start_sample, barged)
        if self._smart is not None:
            self._smart.start(event.audio)

    def _word_like(self, audio: bytes) -> bool:
        window = self.settings.vad_start_ms * self.rate // 1000 * 2
        tail = np.frombuffer(audio[-window:][: window - window % self.frame_bytes], dtype="<i2")
        if not tail.size:
            return False
        frames = tail.reshape(-1, self.frame_bytes // 2).astype(np.float64)
        rms = np.sqrt(np.mean(frames * frames, axis=1))
        loud_ms = int(np.count_nonzero(rms >= self.settings.min_speech_rms)) * FRAME_MS
        return loud_ms >= self.settings.min_word_ms

    def _barge_in(self, listening: _Listening, detected: float,
                  cause: Literal["speech", "dtmf"]) -> None:
        """Stop the prompt for good and tell the Dialog how much of it was heard."""
        chunks = list(self._chunks)
        held = self._held
        self._stop_prompts()
        stopped = time.monotonic()
        heard = sum(_played_ms(c.marker) + _played_ms(c.rest) for c in chunks)
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
        listening = self._listening
        if listening is None or listening.utt is None:
            return
        utt = listening.utt
        listening.utt = None
        listening.recognizing += 1
        utt.utterance.finish()
        lag_s = event.time_s - event.speech_end_s
        speech_end = now - lag_s
        voiced_s = event.time_s - event.speech_start_s
        start = max(utt.turn_start_sample, end_sample - round(voiced_s * self.rate))
        stop = max(start + 1, end_sample - round(lag_s * self.rate))
        utt.utterance.on_heard = functools.partial(
            self._on_heard, listening, utt, speech_end, now, start, stop)

    def _on_heard(
        self, listening: _Listening, utt: _Utt, speech_end: float, endpoint: float,
        start_sample: int, end_sample: int, heard: Heard,
    ) -> None:
        listening.recognizing -= 1
        if self._current(listening.token) is None:
            return
        if not heard.text.strip():
            self._standby(listening)
            if not self._chunks and listening.utt is None:
                self._start_no_input(listening)  # noise, or words the ASR could not make out
            return
        self._stop_listening(listening)
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
        self._pending = _PendingTurn(
            index=self._turns, step=listening.listen.step, speech_end=speech_end,
            endpoint=endpoint, asr_final=heard.final_at,
        )
        self._turns += 1
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
        listening = self._listening
        if listening is None or self.dialog.finished:
            return
        if self._chunks or self._held is not None:
            self._barge_in(listening, time.monotonic(), "dtmf")
        if listening.no_input is not None:
            listening.no_input.cancel()
        if listening.utt is not None:
            listening.utt.utterance.abort()
            listening.utt = None
        if listening.digit_timer is not None:
            listening.digit_timer.cancel()
        digits = listening.dtmf.push(key.digit, time.monotonic())
        if digits is not None:
            self._dtmf_done(listening, digits)
            return
        deadline = listening.dtmf.deadline
        if deadline is not None:
            loop = asyncio.get_running_loop()
            listening.digit_timer = loop.call_later(
                max(0.0, deadline - time.monotonic()), self._on_digit_timeout, listening.token
            )

    def _on_digit_timeout(self, token: int) -> None:
        listening = self._current(token)
        if listening is None:
            return
        digits = listening.dtmf.expire(time.monotonic() + 1e-3)
        if digits:
            self._dtmf_done(listening, digits)

    def _dtmf_done(self, listening: _Listening, digits: str) -> None:
        self._stop_listening(listening)
        self._add(TranscriptTurn(role="caller", text=f"[dtmf {digits}]",
                                 step=listening.listen.step, at=datetime.now(UTC)))
        self._handle(ev.Dtmf(digits=digits, at=datetime.now(UTC)))

    # -- answering-machine detection ---------------------------------------------------

    def _amd_frame(self, pcm: bytes) -> None:
        detector = self._amd
        assert detector is not None
        self._amd_audio += pcm
        verdict = detector.feed_audio(pcm)
        if verdict is None and detector.awaiting_text and not self._amd_asr:
            self._amd_asr = True
            start = (detector.greeting_start_ms or 0) * self.rate // 1000 * 2
            self._spawn(self._amd_text(bytes(self._amd_audio[start:])))
        elif verdict is None and detector.elapsed_ms >= detector.settings.total_analysis_ms + 2000:
            verdict = detector.finish()
        if verdict is not None:
            self._amd_decided(verdict)

    async def _amd_text(self, greeting: bytes) -> None:
        hints = list(phrase_hints(self.speech.language))
        utterance = Utterance(self.speech, hints, None, greeting)
        utterance.finish()
        heard = await utterance.result()
        detector = self._amd
        if detector is None or self.amd_result is not None:
            return
        verdict = detector.feed_text(heard.text, final=True)
        if verdict is not None:
            self._amd_decided(verdict)

    def _amd_decided(self, verdict: AmdResult) -> None:
        if self.amd_result is not None:
            return
        self.amd_result = verdict
        self._event("amd", f"{verdict.decision.value} ({verdict.reason.value}: {verdict.detail})",
                    None)
        if verdict.decision is AmdDecision.MACHINE:
            self._await_beep = True
            detector = self._amd
            if detector is not None and detector.beep_ended:
                self._beep.set()
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
        if self._amd is not None and self.amd_result is None:
            self.amd_result = self._amd.finish()
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
        if self._listening is not None:
            self._stop_listening(self._listening)
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
        await self._tasks.wait(5)
        self.meta.ended_at = datetime.now(UTC)
        if self._recorder is not None:
            with contextlib.suppress(Exception):
                self._recorder.close()

    # -- helpers -----------------------------------------------------------------------

    def _spawn(self, coro: Any) -> None:
        self._tasks.spawn(coro)

    def _sample(self, mono: float) -> int:
        return max(0, round((mono - self._answered) * self.rate))

    def _ms(self, mono: float) -> int:
        return max(0, round((mono - self._answered) * 1000))

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
                                 start_ms=self._ms(time.monotonic())))


_RENDERING = TaskSet()


def _keep_rendering(stream: Any) -> None:
    async def drain() -> None:
        with contextlib.suppress(SpeechError, OSError):
            async for _ in stream:
                pass

    _RENDERING.spawn(drain())


def _rms(pcm: bytes) -> float:
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    return float(np.sqrt(np.dot(samples, samples) / samples.size)) if samples.size else 0.0


def _played_ms(playback: Playback) -> int:
    """How much of a (cancelled) playback went out, read at once: the Dialog must hear
    about the interruption before the words or keys that caused it."""
    played = getattr(playback, "played_ms", 0)
    return played if isinstance(played, int) else 0
