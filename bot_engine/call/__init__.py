"""The one call runtime: placing, answering and running calls, live or in text.

- `spec`: `CallSpec` (what a call is), `CallSink` (where it reports), `CallRunner`
- `dialer.Dialer`: the one way to place a call (the user agent is a parameter);
  `dialer.place_call`: one call the way `voicebot call` places it
- `answerer.Answerer`: the one way to answer (the deployment routes and records the call)
- `live.run_answered`: an answered call run by the live `session.CallSession` into a sink;
  the session's parts: `prompt_player`, `listener` (with `utterance`), `timeline`,
  `amd_gate`, and `asr_tts.barge_in`
- `ended.ended_result`: the result of a call that ended without a dialog turn
- `text_calls.TextCallRunner`: the service's text calls over the simulator's `TextSession`
- `memory_sink.MemorySink`: the command line's sink; the service has its own
- `speech.CallSpeech` (ASR choice, prompts from the TTS cache) and `speech_pool.SpeechPool`
  (one per process: one cache per folder); `prompts`: what to render before a call
- `inbound.serve_inbound` and `routing.Router`: `voicebot serve-calls` from a routing file
- `route_patterns`: routing patterns matched in linear time (RE2), and whether two of
  them can share a number; `dial_targets`: what an outbound call may dial;
  `transfer_guard`: transfers to caller-chosen targets only from an allow-list
- `voice_simulator.simulate_call` / `loopback_call`: a scripted caller over SIP on loopback
- `amd/`, `recording.py`, `timings.py`: answering-machine detection, the stereo recording,
  per-turn timings and consent evidence
"""
