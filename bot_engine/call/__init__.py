"""Live calls: the call session (the third shell around the pure Dialog) and what it needs.

- `session.CallSession(leg, script, variables, speech, ...).run() -> CallReport`
- `speech.CallSpeech.for_script(script, settings, asr_engine=None)`: ASR choice, prompts
  from the TTS cache
- `prompts.script_prompts(script)`, `prompts.call_prompts(script, variables)`: what to
  render before a call
- `outbound.place_call(number, script, variables, speech, ...)`, `inbound.serve_inbound`,
  `routing.Router`, `sip_runner.SipCallRunner` (the service's live dialer)
- `voice_simulator.simulate_call` / `loopback_call`: a scripted caller over SIP on loopback
- `amd/`, `recording.py`, `timings.py`: answering-machine detection, the stereo recording,
  per-turn timings and consent evidence
"""
