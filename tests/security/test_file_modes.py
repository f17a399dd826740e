"""Data files are readable by their owner only, whatever the umask: the database (with its
WAL and SHM files), key files, recordings and the TTS cache."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from asr_tts.tts_cache import PromptSpec, TtsCache
from bot_engine.call.recording import Channel, StereoRecorder, TurnByTurnRecording
from bot_engine.service.app import create_app
from bot_engine.storage import open_database
from bot_engine.storage.files import secret_file

from ..service.conftest import Api, make_settings, silent_speaker, upload
from ..service.drive import place, run_call


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def permissive_umask() -> Iterator[None]:
    """The usual 022 umask, under which plain `open()` makes 0644 files."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


async def test_service_data_files_are_private(tmp_path: Path, script_yaml: str) -> None:
    data = tmp_path / "data"  # created by the service
    settings = make_settings(
        f"sqlite+aiosqlite:///{data / 'voicebot.db'}",
        data,
        dialer="none",
        secret_key=None,
        encryption_key=None,  # generated into the data folder
    )
    app = create_app(settings, speak=silent_speaker)
    async with app.router.lifespan_context(app):
        api = Api(app)
        _, key = await api.tenant("acme")
        async with api.client(key) as client:
            await upload(client, script_yaml)
            call_id = await place(client, None)
            await run_call(api, call_id, ["yes"])
        # while the database is open: its WAL and shared-memory files exist
        db = data / "voicebot.db"
        for path in (db, db.with_name("voicebot.db-wal"), db.with_name("voicebot.db-shm")):
            assert path.exists(), path
            assert mode(path) == 0o600, (path, oct(mode(path)))
        assert mode(data / "secret_key") == 0o600
        assert mode(data / "encryption_key") == 0o600
        assert mode(data) == 0o700
        assert mode(data / "recordings") == 0o700
        recording = data / "recordings" / f"{call_id}.wav"
        assert recording.read_bytes()[:4] == b"RIFF"
        assert mode(recording) == 0o600


async def test_a_database_left_0644_by_an_older_version_is_narrowed(tmp_path: Path) -> None:
    path = tmp_path / "voicebot.db"
    db = await open_database(f"sqlite+aiosqlite:///{path}")
    await db.close()
    path.chmod(0o644)
    db = await open_database(f"sqlite+aiosqlite:///{path}")
    await db.close()
    assert mode(path) == 0o600


def test_recorders_write_private_files(tmp_path: Path) -> None:
    live = tmp_path / "rec" / "live.wav"
    live.parent.mkdir()
    with StereoRecorder(live) as recorder:
        recorder.write(Channel.CALLER, bytes(320))
    assert mode(live) == 0o600
    old = tmp_path / "rec" / "reused.wav"
    old.write_bytes(b"")
    old.chmod(0o644)  # a file of the same name left by an earlier run
    writer = TurnByTurnRecording(old)
    writer.append(bytes(320), b"")
    writer.close()
    assert mode(old) == 0o600
    fresh = tmp_path / "new-folder" / "sim.wav"
    writer = TurnByTurnRecording(fresh)
    writer.close()
    assert mode(fresh) == 0o600 and mode(fresh.parent) == 0o700


async def test_tts_cache_keeps_tenant_prompts_private(tmp_path: Path) -> None:
    cache = TtsCache(tmp_path / "tts-cache", max_bytes=1 << 20)
    spec = PromptSpec(engine="espeak", text="Hello, Ivan Petrov")
    await cache.put(spec, bytes(1600))
    path = cache.path_for(spec.key)
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert mode(tmp_path / "tts-cache") == 0o700


def test_a_key_file_is_made_once_and_private(tmp_path: Path) -> None:
    made: list[str] = []

    def generate() -> str:
        made.append("k")
        return f"key-{len(made)}"

    first = secret_file(tmp_path / "keys" / "k", generate)
    second = secret_file(tmp_path / "keys" / "k", generate)
    assert first == second == "key-1" and made == ["k"]
    assert mode(tmp_path / "keys" / "k") == 0o600
    assert mode(tmp_path / "keys") == 0o700
    assert list((tmp_path / "keys").iterdir()) == [tmp_path / "keys" / "k"]
