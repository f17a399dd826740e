"""SpeechKit credentials: an API key (`Api-Key …`) or an IAM token (`Bearer …`), with the
folder id sent as `x-folder-id` (needed for user accounts, ignored for service keys)."""

from __future__ import annotations

from dataclasses import dataclass

from asr_tts.errors import EngineAuthError
from asr_tts.settings import SpeechSettings


@dataclass(frozen=True, slots=True)
class YandexCredentials:
    api_key: str | None = None
    iam_token: str | None = None
    folder_id: str | None = None

    def __post_init__(self) -> None:
        if not self.api_key and not self.iam_token:
            raise EngineAuthError(
                "Yandex SpeechKit needs VOICEBOT_YANDEX_API_KEY or VOICEBOT_YANDEX_IAM_TOKEN",
                engine="yandex",
            )

    @classmethod
    def from_settings(cls, settings: SpeechSettings) -> YandexCredentials:
        return cls(
            api_key=settings.yandex_api_key.get_secret_value() if settings.yandex_api_key else None,
            iam_token=(
                settings.yandex_iam_token.get_secret_value() if settings.yandex_iam_token else None
            ),
            folder_id=settings.yandex_folder_id,
        )

    def metadata(self) -> tuple[tuple[str, str], ...]:
        """gRPC call metadata. An API key wins over an IAM token when both are set."""
        auth = f"Api-Key {self.api_key}" if self.api_key else f"Bearer {self.iam_token}"
        pairs: list[tuple[str, str]] = [("authorization", auth)]
        if self.folder_id:
            pairs.append(("x-folder-id", self.folder_id))
        return tuple(pairs)
