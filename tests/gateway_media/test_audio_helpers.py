import numpy as np
import pytest

from media_gateway.audio import StreamResampler, dtmf_tones, resample
from media_gateway.rtp.dtmf import DtmfError
from tests.gateway_media.gateway_media_helpers import dominant_frequency, rms, tone


def _stream(resampler: StreamResampler, pcm: bytes, rate: int) -> list[bytes]:
    step = rate // 50 * 2
    return [resampler.process(pcm[i : i + step]) for i in range(0, len(pcm), step)]


@pytest.mark.parametrize(("src", "dst"), [(8000, 16000), (16000, 8000), (48000, 8000)])
def test_stream_resampler_returns_audio_for_every_20ms_chunk(src: int, dst: int) -> None:
    chunks = _stream(StreamResampler(src, dst), tone(440, 0.5, rate=src), src)
    expected = dst // 50 * 2
    # Every chunk yields its 20 ms (give or take the filter's few samples of delay at the
    # start): nothing is held back into bursts.
    assert all(abs(len(c) - expected) <= 16 for c in chunks)
    out = b"".join(chunks)
    steady = out[len(out) // 4 * 2 :]
    assert dominant_frequency(steady[: len(steady) // 2 * 2], dst) == pytest.approx(440, abs=10)


def test_downsampling_removes_what_would_alias() -> None:
    # 6 kHz cannot exist at 8 kHz; without a low-pass it would fold down to 2 kHz.
    out = b"".join(_stream(StreamResampler(16000, 8000), tone(6000, 0.5, rate=16000), 16000))
    passband = b"".join(_stream(StreamResampler(16000, 8000), tone(1000, 0.5, rate=16000), 16000))
    assert rms(out[800:-2]) < rms(passband[800:-2]) / 100


def test_whole_buffer_resample_keeps_pitch_and_length() -> None:
    out = resample(tone(440, 1.0, rate=8000), 8000, 16000)
    assert len(out) == 32000
    assert dominant_frequency(out, 16000) == pytest.approx(440, abs=5)
    assert resample(b"abcd", 8000, 8000) == b"abcd"


def test_dtmf_tones_carry_both_frequencies_of_each_key() -> None:
    pcm = dtmf_tones("9", 8000, tone_ms=100, gap_ms=50)
    assert len(pcm) == 2 * (800 + 400)
    samples = np.frombuffer(pcm[:1600], "<i2").astype(float)
    spectrum = np.abs(np.fft.rfft(samples))
    freqs = np.fft.rfftfreq(len(samples), 1 / 8000)
    assert sorted(freqs[np.argsort(spectrum)[-2:]]) == pytest.approx([852, 1477], abs=15)
    with pytest.raises(DtmfError):
        dtmf_tones("5x")
