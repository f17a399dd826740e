"""Service configuration: environment (`VOICEBOT_*`), an optional TOML file, embedded defaults.

Precedence, highest first: constructor arguments, environment, the config file named by
`VOICEBOT_CONFIG` (or `./voicebot.toml` when present), then the defaults below. The defaults
run with no setup at all: SQLite and recordings under `./var`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from bot_engine.script.limits import ScriptLimits


def _config_file() -> Path | None:
    named = os.environ.get("VOICEBOT_CONFIG")
    if named:
        return Path(named)
    default = Path("voicebot.toml")
    return default if default.is_file() else None


class DeliverySchedule(BaseModel):
    """Exponential backoff with jitter; the horizon bounds the total time before dead-letter."""

    model_config = ConfigDict(extra="forbid")

    first_delay_s: float = 5.0
    factor: float = 2.0
    max_delay_s: float = 3600.0
    horizon_s: float = 24 * 3600.0
    jitter: float = Field(0.2, ge=0.0, le=1.0)
    """Each delay is multiplied by a random factor in [1 - jitter, 1 + jitter]."""
    timeout_s: float = 15.0
    """Timeout of one HTTP request to a receiver."""


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="VOICEBOT_", env_nested_delimiter="__", extra="ignore"
    )

    host: str = "127.0.0.1"
    port: int = 8000
    sip_port: int = Field(5060, ge=0, le=65535)
    data_dir: Path = Path("var")
    database_url: str | None = None
    """SQLAlchemy async URL; default `sqlite+aiosqlite:///<data_dir>/voicebot.db`."""
    recordings_dir: Path | None = None
    """Default `<data_dir>/recordings`."""
    public_base_url: str | None = None
    """Base of links sent to CRMs (recording URLs); default `http://<host>:<port>`."""
    secret_key: str | None = None
    """Signs expiring recording URLs. Default: a random key kept in `<data_dir>/secret_key`."""
    recording_url_ttl_s: int = 7 * 24 * 3600
    max_body_bytes: int = 1_000_000
    dialer: Literal["simulated", "sip", "none"] = "simulated"
    """How calls are placed. `sip` dials through the SIP user agent (`sip_*` settings);
    `simulated` runs text calls driven by `POST /v1/calls/{id}/input`; `none` leaves calls
    queued (another process dials)."""
    sip_proxy: str | None = None
    """Trunk or PBX to send INVITEs through (`host[:port]`); None dials the number's URI."""
    sip_username: str | None = None
    sip_password: str | None = None
    sip_caller: str = "voicebot"
    sip_host: str = "127.0.0.1"
    """Local address the SIP user agent and RTP bind to (`0.0.0.0` for every interface)."""
    sip_advertised_host: str | None = None
    """Address put in Via/Contact/SDP when it differs from `sip_host` (NAT, `0.0.0.0`)."""
    sip_register: bool = False
    """REGISTER at `sip_proxy` (as `sip_caller`, digest `sip_username`/`sip_password`) so a
    PBX or trunk that needs registration sends inbound calls here; refreshed until shutdown."""
    sip_domain: str | None = None
    """Our SIP domain (REGISTER target, From of outgoing calls); default: the proxy host."""
    sip_amd: bool = True
    """Answering-machine detection on outbound calls of the `sip` dialer."""
    sip_enabled: bool = True
    """Answer inbound SIP calls on `sip_port` (0 = any free port)."""
    audiosocket_enabled: bool = True
    """Answer Asterisk AudioSocket connections on `audiosocket_port` (0 = any free port)."""
    audiosocket_host: str = "127.0.0.1"
    audiosocket_port: int = Field(9092, ge=0, le=65535)
    """Asterisk's own examples use 9092: `AudioSocket(${UUID},bot.example:9092)`."""
    twilio_account_sid: str | None = None
    """Twilio account (`AC...`) for transfers on Twilio media streams (REST call update)."""
    twilio_auth_token: str | None = None
    """Twilio auth token: authenticates transfers and, when set, every Twilio stream must
    carry a valid `X-Twilio-Signature` (over `public_base_url` + path when that is set)."""
    twilio_api_base: str = "https://api.twilio.com"
    """Twilio REST API base (a regional edge such as `https://api.dublin.ie1.twilio.com`)."""
    delivery: DeliverySchedule = Field(default_factory=DeliverySchedule)
    delivery_poll_s: float = 1.0
    delivery_concurrency: int = 8
    delivery_lease_s: float = 120.0
    """A claimed delivery is retried after this long if its worker died mid-attempt."""
    ssrf_allowlist: list[str] = Field(default_factory=list)
    """Hosts or CIDR ranges that webhooks may target even though they are private/loopback."""
    prerender_prompts: bool = True
    script_limits: ScriptLimits = Field(default_factory=ScriptLimits)
    """Bounds on an uploaded script (size, nesting, aliases, values, steps); see
    docs/security-limits.md."""
    script_workers: int = Field(2, ge=1, le=32)
    """Processes that parse and validate uploaded scripts (off the event loop)."""
    script_timeout_s: float = Field(10.0, gt=0, le=300)
    """A script that takes longer to check is refused (its worker is replaced)."""
    script_worker_memory_mb: int = Field(1024, ge=256, le=65536)
    """Address-space limit of each script worker."""

    @field_validator("twilio_api_base")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError(f"expected an http(s) URL such as https://api.twilio.com: {value!r}")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _fill_defaults(self) -> ServiceSettings:
        if self.database_url is None:
            self.database_url = f"sqlite+aiosqlite:///{self.data_dir / 'voicebot.db'}"
        if self.recordings_dir is None:
            self.recordings_dir = self.data_dir / "recordings"
        if self.public_base_url is None:
            self.public_base_url = f"http://{self.host}:{self.port}"
        return self

    @property
    def db_url(self) -> str:
        assert self.database_url is not None
        return self.database_url

    @property
    def recordings_path(self) -> Path:
        assert self.recordings_dir is not None
        return self.recordings_dir

    def resolved_secret_key(self) -> str:
        """The configured key, or one generated once and kept next to the data."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if path.is_file():
            return path.read_text().strip()
        import secrets

        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(32)
        path.write_text(key)
        path.chmod(0o600)
        return key

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        path = _config_file()
        if path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)
