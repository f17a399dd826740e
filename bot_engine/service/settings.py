"""Service configuration: environment (`VOICEBOT_*`), an optional TOML file, embedded defaults.

Precedence, highest first: constructor arguments, environment, the config file named by
`VOICEBOT_CONFIG` (or `./voicebot.toml` when present), then the defaults below. The defaults
run with no setup at all: SQLite and recordings under `./var`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)
from typing_extensions import override

from bot_engine.call.route_patterns import check_pattern
from bot_engine.campaigns.settings import CampaignSettings
from bot_engine.delivery.backoff import DeliverySchedule
from bot_engine.net import OutboundSettings
from bot_engine.script.limits import ScriptLimits
from bot_engine.storage.files import secret_file
from bot_engine.storage.sealing import SecretBox, check_key, new_key


class ConfigurationError(ValueError):
    """Settings the service cannot start with; the message says what to set."""


def _config_file() -> Path | None:
    named = os.environ.get("VOICEBOT_CONFIG")
    if named:
        return Path(named)
    default = Path("voicebot.toml")
    return default if default.is_file() else None


NluLanguage = Literal["ru", "en"]
NLU_LANGUAGES: tuple[NluLanguage, ...] = ("ru", "en")
"""The languages the built-in NLU reads."""


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
    """AudioSocket has no authentication of its own: keep it on loopback (Asterisk on
    the same host) or a private network, or turn on `audiosocket_require_token`."""
    audiosocket_port: int = Field(9092, ge=0, le=65535)
    """Asterisk's own examples use 9092: `AudioSocket(${UUID},bot.example:9092)`."""
    inbound_routes_per_tenant: int = Field(100, ge=1, le=100_000)
    """Inbound routes one tenant may have (each INVITE is matched against all of them)."""
    sip_uri_tenants: list[str] = Field(default_factory=list)
    """Tenants (names or ids) whose calls may have a `sip:` URI as `to`; its host must
    still be public or in `ssrf_allowlist`. Everyone else dials numbers, via `sip_proxy`."""
    transfer_allowlist: dict[str, list[str]] = Field(default_factory=dict)
    """Tenant name or id (`*`: every tenant) → numbers and full-match patterns a transfer
    may target when the target is not what the script gives from trusted variables."""
    audiosocket_require_token: bool = False
    """Accept an AudioSocket call only if its UUID is a route's `audiosocket_uuid` (the
    key shown when the route is created); otherwise the UUID is matched as the route's `to`."""
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
    """Hosts or CIDR ranges that tenant-chosen URLs (result webhooks, CRMs, mid-call
    webhooks) may reach although they are not public addresses: an internal CRM, say.
    Empty by default: only public addresses are reached."""
    outbound: OutboundSettings = Field(default_factory=OutboundSettings)
    """Every request to a tenant-chosen URL: `max_response_bytes` (1 MB),
    `request_timeout_s` (60 s, connect to last byte), `ca_file` (extra trusted CAs)."""
    prerender_prompts: bool = True
    encryption_key: SecretStr | None = None
    """Seals webhook secrets and CRM targets in the database (a Fernet key: `voicebot keys
    new-encryption-key`). Default on the embedded SQLite: generated into
    `<data_dir>/encryption_key`; required with any other database (several workers must
    share it)."""
    encryption_old_keys: list[SecretStr] = Field(default_factory=list)
    """Keys rotated out: they still open what they sealed until the background pass has
    resealed it with `encryption_key`."""
    auth_failure_burst: int = Field(20, ge=1)
    """Failed API-key attempts a client address may make at once before 429s start."""
    auth_failure_refill_s: float = Field(3.0, gt=0)
    """One more attempt is allowed every this many seconds (20 a minute by default)."""
    auth_limiter_addresses: int = Field(10_000, ge=1)
    """Client addresses the limiter remembers (bounded memory; least recent forgotten)."""
    retention_days: int = Field(90, ge=0)
    """Days a call is kept (its events, deliveries, attempts and recording) unless its
    tenant chose otherwise; 0 keeps everything forever."""
    retention_max_days: int = Field(3650, ge=1)
    """The longest retention a tenant may choose."""
    purge_interval_s: float = Field(600.0, gt=0)
    """How often the background purge looks for expired calls."""
    purge_batch: int = Field(200, ge=1)
    """Calls deleted per transaction by the purge (bounds how long it holds the database)."""
    simulated_recordings_per_tenant: int = Field(100, ge=1)
    """Recordings of simulated calls kept per tenant; the oldest go first."""

    @field_validator("encryption_key", "encryption_old_keys")
    @classmethod
    def _fernet_keys(cls, value: SecretStr | list[SecretStr] | None) -> object:
        for key in value if isinstance(value, list) else [value]:
            if key is not None:
                check_key(key.get_secret_value())
        return value
    worker_id: str | None = None
    """This worker's name in a cluster (`docs/scaling.md`); default `host:port` of the HTTP
    API, so a worker restarting in place takes its own unfinished calls back at once."""
    worker_heartbeat_s: float = Field(2.0, gt=0, le=60)
    worker_lease_s: float = Field(10.0, gt=0, le=600)
    """A worker silent this long is dead: a survivor ends its calls with a result and
    places its queued ones. Keep it a few heartbeats long."""
    drain_timeout_s: float = Field(600.0, ge=0)
    """On SIGTERM, how long calls in progress may go on before the worker exits anyway."""
    max_calls: int | None = Field(None, ge=1)
    """Calls at which this worker is full: SIP INVITEs and OPTIONS probes get 503 (the
    edge sends calls to another worker) until one ends. None: no limit."""
    campaigns: CampaignSettings = Field(default_factory=CampaignSettings)
    """Campaign dispatching, the tenant-wide call ceiling and upload limits."""
    script_limits: ScriptLimits = Field(default_factory=ScriptLimits)
    """Bounds on an uploaded script (size, nesting, aliases, values, steps); see
    docs/security.md (Input limits)."""
    script_workers: int = Field(2, ge=1, le=32)
    """Processes that parse and validate uploaded scripts (off the event loop)."""
    script_timeout_s: float = Field(10.0, gt=0, le=300)
    """A script that takes longer to check is refused (its worker is replaced)."""
    script_worker_memory_mb: int = Field(1024, ge=256, le=65536)
    """Address-space limit of each script worker."""
    nlu_preload: list[NluLanguage] = Field(default_factory=lambda: list(NLU_LANGUAGES))
    """Languages whose NLU tables the worker builds as it starts (in a thread, ~3 s for
    Russian, ~1 s for English), so that no call waits for them; a language left out is
    built by its first call, while its phone rings."""
    freeze_heap: bool = True
    """Once started, collect and freeze the start-up heap (`gc.freeze`), so the collector's
    full passes, whose pauses show as RTP jitter, skip it. The one full collection costs
    time in proportion to the process's heap: a process that starts many apps (the tests)
    turns it off."""

    @field_validator("transfer_allowlist")
    @classmethod
    def _patterns(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        """Patterns run on RE2 (`route_patterns`): one it cannot run fails at start-up."""
        for key, patterns in value.items():
            for pattern in patterns:
                try:
                    check_pattern(pattern)
                except ValueError as exc:
                    raise ValueError(f"transfer_allowlist[{key!r}]: {exc}") from None
        return value

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
        """The configured key, or one generated once and kept next to the data (0600)."""
        if self.secret_key:
            return self.secret_key
        import secrets

        return secret_file(self.data_dir / "secret_key", lambda: secrets.token_urlsafe(32))

    @property
    def default_retention_days(self) -> int | None:
        """`retention_days`, with None for "forever" (0)."""
        return self.retention_days or None

    @property
    def is_embedded_database(self) -> bool:
        return self.db_url.startswith("sqlite")

    def secret_box(self) -> SecretBox:
        """The box that seals secrets in the database (see `encryption_key`)."""
        old = [k.get_secret_value() for k in self.encryption_old_keys]
        if self.encryption_key is not None:
            return SecretBox([self.encryption_key.get_secret_value(), *old])
        if not self.is_embedded_database:
            raise ConfigurationError(
                "encryption_key is required with this database (set VOICEBOT_ENCRYPTION_KEY to"
                " the output of `voicebot keys new-encryption-key`, the same in every worker):"
                " it seals webhook secrets and CRM tokens at rest"
            )
        return SecretBox([secret_file(self.data_dir / "encryption_key", new_key), *old])

    @override
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
