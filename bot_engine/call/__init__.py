"""Live calls: the call session (the third shell around the pure Dialog) and what it needs.

- `session.CallSession(leg, script, variables, speech, ...).run() -> CallReport`
- `speech.CallSpeech.for_script(script, settings, asr_engine=None)`: ASR choice, prompts
  from the TTS cache
- `prompts.script_prompts(script)`, `prompts.call_prompts(script, variables)`: what to
  render before a call
- `outbound.place_call(number, script, variables, speech, ...)`, `inbound.serve_inbound`,
  `routing.Router`, `sip_runner.SipCallRunner` (the service's live dialer)
- `route_patterns`: routing patterns matched within a time budget, and whether two of
  them can share a number; `dial_targets`: what an outbound call may dial;
  `transfer_guard`: transfers to caller-chosen targets only from an allow-list
- `voice_simulator.simulate_call` / `loopback_call`: a scripted caller over SIP on loopback
- `amd/`, `recording.py`, `timings.py`: answering-machine detection, the stereo recording,
  per-turn timings and consent evidence
"""
