"""The stereo call recording: alignment, gaps, late chunks, and surviving SIGKILL."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import numpy as np
import pytest
import soundfile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot_engine.call.recording import Channel, RecordingError, StereoRecorder

RATE = 8000


def tone(freq: float, samples: int, amplitude: int = 8000) -> bytes:
    t = np.arange(samples) / RATE
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype("<i2").tobytes()


def ramp(start: int, count: int) -> bytes:
    """Distinct sample values, so any misplacement shows."""
    return (np.arange(start, start + count) % 30000 + 1).astype("<i2").tobytes()


def read(path: Path) -> np.ndarray:
    data, rate = soundfile.read(path, dtype="int16", always_2d=True)
    assert rate == RATE
    assert data.shape[1] == 2
    return data


def test_channels_are_aligned_and_gaps_are_silent_per_channel(tmp_path: Path) -> None:
    path = tmp_path / "call.wav"
    with StereoRecorder(path, RATE) as rec:
        for i in range(50):  # caller: 1 s of contiguous 20 ms frames
            rec.write_caller(ramp(i * 160, 160), at=i * 160)
        rec.write_robot(ramp(100_000, 800), at=2000)  # robot: 100 ms at 250 ms
        rec.write_robot(ramp(200_000, 400))  # contiguous with the previous robot chunk
        rec.write_robot(ramp(300_000, 400), at=12_000)  # after a gap, past the caller's end
    data = read(path)
    assert data.shape[0] == 12_400
    left, right = data[:, 0], data[:, 1]
    np.testing.assert_array_equal(left[:8000], np.frombuffer(ramp(0, 8000), "<i2"))
    assert not left[8000:].any()  # the caller stopped: silence on the left only
    assert not right[:2000].any()
    np.testing.assert_array_equal(right[2000:2800], np.frombuffer(ramp(100_000, 800), "<i2"))
    np.testing.assert_array_equal(right[2800:3200], np.frombuffer(ramp(200_000, 400), "<i2"))
    assert not right[3200:12_000].any()
    np.testing.assert_array_equal(right[12_000:], np.frombuffer(ramp(300_000, 400), "<i2"))


def test_the_header_is_patched_about_every_second(tmp_path: Path) -> None:
    path = tmp_path / "call.wav"
    rec = StereoRecorder(path, RATE, flush_interval_ms=1000, hold_back_ms=200)
    seen = []
    for i in range(250):  # 5 s
        rec.write_caller(tone(440, 160), at=i * 160)
        if rec.frames_written not in seen:
            seen.append(rec.frames_written)
            # Readable by another reader at this instant, with exactly what was counted.
            assert soundfile.info(str(path)).frames == rec.frames_written
    # One flush per second of audio, each once a second is ready behind the 200 ms hold-back.
    assert seen == [0, 8000, 16000, 24000, 32000]
    info = rec.close()
    assert info.frames == 250 * 160
    assert soundfile.info(str(path)).frames == 250 * 160


def test_a_late_chunk_is_patched_in_place(tmp_path: Path) -> None:
    path = tmp_path / "call.wav"
    rec = StereoRecorder(path, RATE, flush_interval_ms=500, hold_back_ms=0)
    for i in range(100):
        rec.write_caller(ramp(i * 160, 160), at=i * 160)
    assert rec.frames_written >= 8000
    rec.write_robot(ramp(50_000, 320), at=1000)  # jitter: arrives after its place was written
    info = rec.close()
    assert info.late_samples == 320
    data = read(path)
    np.testing.assert_array_equal(data[1000:1320, 1], np.frombuffer(ramp(50_000, 320), "<i2"))
    np.testing.assert_array_equal(data[:, 0], np.frombuffer(ramp(0, 16_000), "<i2"))


def test_bad_input_is_a_clear_error(tmp_path: Path) -> None:
    rec = StereoRecorder(tmp_path / "call.wav", RATE)
    with pytest.raises(RecordingError, match="even number"):
        rec.write(Channel.CALLER, b"\x00")
    with pytest.raises(RecordingError, match="negative"):
        rec.write(Channel.ROBOT, b"\x00\x00", at=-5)
    with pytest.raises(RecordingError, match="jumps"):
        rec.write(Channel.ROBOT, b"\x00\x00", at=RATE * 3600 * 5)
    with pytest.raises(ValueError):
        rec.write(5, b"\x00\x00")  # type: ignore[arg-type]
    rec.write_caller(b"\x01\x00" * 10)
    assert rec.close().frames == 10
    assert rec.close().frames == 10
    with pytest.raises(RecordingError, match="closed"):
        rec.write_caller(b"\x00\x00")


CHILD = textwrap.dedent(
    """
    import sys
    import numpy as np
    from bot_engine.call.recording import StereoRecorder

    rec = StereoRecorder(sys.argv[1], 8000, flush_interval_ms=1000, hold_back_ms=200)
    t = np.arange(160) / 8000
    caller = (8000 * np.sin(2 * np.pi * 440 * t)).astype("<i2").tobytes()
    robot = (8000 * np.sin(2 * np.pi * 1000 * t)).astype("<i2").tobytes()
    reported = 0
    for i in range(int(sys.argv[2])):  # 20 ms per step, as a call delivers it
        rec.write_caller(caller, at=i * 160)
        if (i // 50) % 2 == 1:  # the robot talks every other second
            rec.write_robot(robot, at=i * 160)
        if rec.frames_written != reported:
            reported = rec.frames_written
            print(reported, flush=True)
    print("done", reported, flush=True)
    sys.stdin.read()  # wait to be killed
    """
)


def _read_lines_until(proc: subprocess.Popen[str], last: str, timeout: float) -> list[str]:
    """The child's stdout lines up to one starting with `last`; each wait is bounded."""
    assert proc.stdout is not None
    stdout = proc.stdout
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in stdout], daemon=True).start()
    got: list[str] = []
    while not got or not got[-1].startswith(last):
        try:
            got.append(lines.get(timeout=timeout).strip())
        except queue.Empty:
            raise AssertionError(f"child silent for {timeout} s; got {got}") from None
    return got


@pytest.mark.parametrize("steps", [175, 260])
def test_a_process_killed_with_sigkill_leaves_a_valid_file(tmp_path: Path, steps: int) -> None:
    """The child writes 3.5 s / 5.2 s of a call, then is SIGKILLed without closing the
    recording: the file opens and holds exactly the frames of its last flush, with the
    right audio on each channel."""
    path = tmp_path / "killed.wav"
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), str(steps)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        lines = _read_lines_until(proc, "done", timeout=60)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    last = int(lines[-1].split()[1])
    written = steps * 160
    # Flushes happen once a second of audio is ready behind the 200 ms hold-back.
    assert written - 1600 - 8000 < last <= written - 1600
    data = read(path)
    assert data.shape[0] == last
    left, right = data[:, 0].astype(float), data[:, 1].astype(float)
    assert np.sqrt(np.mean(left**2)) > 5000  # the caller's tone throughout
    second = 8000
    assert not right[:second].any()  # robot silent in the first second
    assert np.sqrt(np.mean(right[second : 2 * second] ** 2)) > 5000
    if last >= 3 * second:
        assert not right[2 * second : 3 * second].any()
    spectrum = np.abs(np.fft.rfft(right[second : 2 * second]))
    assert abs(np.argmax(spectrum) * RATE / second - 1000) <= 2


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    chunks=st.lists(
        st.tuples(st.sampled_from(list(Channel)), st.integers(0, 6000), st.integers(1, 600)),
        min_size=1,
        max_size=40,
    ),
    hold_back_ms=st.integers(0, 300),
    fsync=st.booleans(),
)
def test_any_order_of_chunks_matches_a_reference(
    tmp_path: Path, chunks: list[tuple[Channel, int, int]], hold_back_ms: int, fsync: bool
) -> None:
    """Out-of-order, overlapping and gapped chunks on both channels: the file equals a
    simple in-memory model where silence fills gaps and the last write wins."""
    path = tmp_path / f"prop-{len(chunks)}-{hold_back_ms}.wav"
    expected = np.zeros((6600, 2), dtype=np.int16)
    end = 0
    rec = StereoRecorder(path, RATE, flush_interval_ms=50, hold_back_ms=hold_back_ms, fsync=fsync)
    for i, (channel, start, length) in enumerate(chunks):
        values = np.full(length, i + 1, dtype=np.int16)
        rec.write(channel, values.tobytes(), at=start)
        expected[start : start + length, channel] = values
        end = max(end, start + length)
    assert rec.close().frames == end
    np.testing.assert_array_equal(read(path), expected[:end])
