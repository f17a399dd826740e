"""The service's live dialer when the service answers no SIP itself: each queued call gets
its own SIP user agent (an ephemeral port), and everything else is the service's dialer
(`bot_engine.service.sip_dialer.SharedUaDialer`): ringing while prompts render, call
progress as the Dialog's `NotConnected`, the answered call run and reported by
`bot_engine.service.live_session.run_live_session`, exactly one `finish` per call.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from asr_tts.settings import SpeechSettings
from bot_engine.call.speech import CallSpeech
from bot_engine.call.webhooks import STRICT, AsyncWebhookRunner
from bot_engine.script.model import Script
from bot_engine.service.sip_dialer import SharedUaDialer
from media_gateway.sip import SipConfig, SipUserAgent


class SipCallRunner(SharedUaDialer):
    def __init__(
        self,
        *,
        proxy: str | None = None,
        username: str | None = None,
        password: str | None = None,
        caller: str = "voicebot",
        host: str = "127.0.0.1",
        speech_settings: SpeechSettings | None = None,
        asr_engine: str | None = None,
        amd: bool = True,
        webhooks: AsyncWebhookRunner = STRICT,
    ) -> None:
        self.speech_settings = speech_settings or SpeechSettings()
        self.asr_engine = asr_engine
        super().__init__(self._speech, proxy=proxy, caller=caller, amd=amd, webhooks=webhooks)
        self.username = username
        self.password = password
        self.host = host

    def _speech(self, script: Script) -> CallSpeech:
        return CallSpeech.for_script(script, self.speech_settings, asr_engine=self.asr_engine)

    @contextlib.asynccontextmanager
    async def user_agent(self, caller: str) -> AsyncIterator[SipUserAgent]:
        config = SipConfig(
            host=self.host,
            port=0,
            user=caller,
            proxy=self.proxy,
            auth_username=self.username,
            password=self.password,
        )
        ua = await SipUserAgent.start(config)
        try:
            yield ua
        finally:
            await ua.close()
