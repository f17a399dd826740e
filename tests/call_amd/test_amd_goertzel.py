"""Goertzel filters on known tones."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bot_engine.call.amd import BeepSettings, GoertzelBank, goertzel_power
from bot_engine.call.amd.beep import BeepDetector
from bot_engine.call.amd.goertzel import tone_ratio

RATE = 8000
N = 160


def sine(freq: float, amplitude: float = 8000.0, n: int = N, phase: float = 0.3) -> np.ndarray:
    t = np.arange(n) / RATE
    return amplitude * np.sin(2 * math.pi * freq * t + phase)


@pytest.mark.parametrize("freq", [400.0, 1000.0, 1400.0, 2000.0])
def test_power_of_an_on_bin_tone_is_full_energy(freq: float) -> None:
    x = sine(freq)
    power = goertzel_power(x, freq, RATE)
    assert power == pytest.approx((8000.0 * N / 2) ** 2, rel=1e-6)
    assert tone_ratio(power, float(x @ x), N) == pytest.approx(1.0, rel=1e-6)


def test_power_away_from_the_tone_is_small() -> None:
    x = sine(1000.0)
    on = goertzel_power(x, 1000.0, RATE)
    for other in (400.0, 700.0, 1300.0, 1800.0):
        assert goertzel_power(x, other, RATE) < on * 1e-3


def test_bank_matches_the_recursion_on_any_signal() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(0.0, 3000.0, N)
    freqs = [400.0, 512.5, 1000.0, 1333.3, 1987.0]
    bank = GoertzelBank(freqs, block=N, rate=RATE)
    expected = [goertzel_power(x, f, RATE) for f in freqs]
    np.testing.assert_allclose(bank.powers(x), expected, rtol=1e-9)


def test_bank_rejects_a_wrong_block_length() -> None:
    bank = GoertzelBank([1000.0], block=N, rate=RATE)
    with pytest.raises(ValueError, match="block of 160"):
        bank.powers(np.zeros(100))


@pytest.mark.parametrize("freq", [440.0, 853.0, 1000.0, 1013.0, 1400.0, 1777.0, 1950.0])
def test_dominant_tone_finds_known_and_off_grid_tones(freq: float) -> None:
    detector = BeepDetector(BeepSettings())
    found = detector.dominant_tone(sine(freq))
    assert found is not None
    assert abs(found - freq) <= 6.25


def test_two_tones_and_noise_are_not_a_dominant_tone() -> None:
    detector = BeepDetector(BeepSettings())
    dtmf_5 = sine(770.0) + sine(1336.0)
    assert detector.dominant_tone(dtmf_5) is None
    noise = np.random.default_rng(2).normal(0.0, 5000.0, N)
    assert detector.dominant_tone(noise) is None


def test_tones_outside_the_range_or_too_quiet_are_ignored() -> None:
    detector = BeepDetector(BeepSettings())
    assert detector.dominant_tone(sine(3000.0)) is None
    assert detector.dominant_tone(sine(1000.0, amplitude=100.0)) is None
