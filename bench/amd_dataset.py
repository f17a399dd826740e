"""A labelled answering-machine set, synthesized deterministically with espeak-ng.

Live-style samples: a short greeting ("Алло?", "Hello?"), sometimes said twice, then
the silence of a person waiting. Machine-style samples: long personal greetings,
carrier announcements (some after the SIT tri-tone), short greetings followed by a
voicemail beep, and short voicemail/carrier prompts with no beep (which only the
phrase path can catch). Voices, speed, pitch, pauses, level and line noise vary with the seed;
everything is resampled to 8 kHz mono s16 with soxr. Audio goes to a folder you give
(a temp folder at bench time) and is never committed.

Run alone to inspect: `python bench/amd_dataset.py OUTDIR [--seed N] [--per-label N]`.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import soundfile
import soxr

RATE = 8000

HUMAN_RU = (
    "Алло?",
    "Алло, да?",
    "Да, слушаю.",
    "Слушаю вас.",
    "Да?",
    "Алло, слушаю.",
    "Да, говорите.",
    "Слушаю.",
    "Алло, кто это?",
    "Добрый день.",
    "Да, алло?",
)
HUMAN_EN = (
    "Hello?",
    "Yes?",
    "Hi.",
    "Hello, speaking.",
    "Yeah, hello?",
    "Hello, who is this?",
    "Hi there.",
    "Good morning.",
    "Yes, hello?",
    "Hello, it's Anna.",
)
LONG_GREETING_RU = (
    "Здравствуйте! Вы позвонили Ивану Петрову. Сейчас я не могу ответить на ваш звонок. "
    "Оставьте, пожалуйста, сообщение после сигнала.",
    "Добрый день, вы дозвонились в компанию Ромашка. Все операторы заняты, "
    "пожалуйста, оставайтесь на линии.",
    "Привет, это Маша. Я сейчас не могу подойти к телефону, перезвоню позже.",
    "Здравствуйте, к сожалению, я не могу сейчас ответить. Пожалуйста, перезвоните позже.",
)
LONG_GREETING_EN = (
    "Hi, you've reached John Smith. I can't take your call right now. "
    "Please leave a message after the tone.",
    "Hello, you have reached the voicemail of Sarah. I am not available at the moment.",
    "Thank you for calling Acme Corporation. Our office is currently closed.",
    "Hey, this is Mike. Sorry I missed you, I'll call you back as soon as I can.",
)
CARRIER_RU = (
    "Аппарат абонента выключен или находится вне зоны действия сети.",
    "Абонент не отвечает. Пожалуйста, перезвоните позднее.",
    "Абонент не отвечает.",
    "Абонент временно недоступен. Пожалуйста, перезвоните позднее.",
)
CARRIER_EN = (
    "The number you have dialed is not available.",
    "The subscriber you are calling is not available. Please try again later.",
    "The person you are calling is not available.",
)
BEEP_GREETING_RU = (
    "Оставьте сообщение после сигнала.",
    "Говорите после сигнала.",
    "Это Катя, оставьте сообщение.",
    "Оставьте сообщение.",
)
BEEP_GREETING_EN = (
    "Leave a message.",
    "Hi, it's Tom, leave a message.",
    "Speak after the beep.",
    "Please leave a message after the tone.",
)
SHORT_PROMPT_RU = (
    "Абонент не отвечает.",
    "Оставьте сообщение после сигнала.",
    "Абонент временно недоступен.",
)
SHORT_PROMPT_EN = (
    "He is not available.",
    "Please leave a message after the tone.",
    "Leave a message after the beep.",
)
VARIANTS = ("", "+m1", "+m3", "+m5", "+m7", "+f1", "+f2", "+f3", "+f4")
BEEP_HZ = (440.0, 850.0, 1000.0, 1000.0, 1400.0, 1800.0)
SIT_TONES = ((913.8, 0.274), (1370.6, 0.274), (1776.7, 0.380))

Label = Literal["human", "machine"]


@dataclass(frozen=True)
class AmdSample:
    name: str
    label: Label
    kind: str
    language: str
    text: str
    """What espeak-ng said; the phrase path may use it in place of ASR output."""
    speech_end_ms: int
    """Audio time when the spoken text ends (when an ASR final could be ready)."""
    path: Path


def synthesize(text: str, voice: str, speed: int, pitch: int) -> np.ndarray:
    """espeak-ng speech resampled to 8 kHz float (-1..1), leading/trailing silence cut."""
    with tempfile.NamedTemporaryFile(suffix=".wav") as tmp:
        subprocess.run(
            ["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "-w", tmp.name, text],
            check=True,
            capture_output=True,
            timeout=60,
        )
        audio, rate = soundfile.read(tmp.name, dtype="float64")
    audio = soxr.resample(audio, rate, RATE)
    loud = np.flatnonzero(np.abs(audio) > 0.01)
    if loud.size:
        audio = audio[loud[0] : loud[-1] + 1]
    return np.asarray(audio, dtype=np.float64)


def tone(freq: float, seconds: float, amplitude: float = 0.3) -> np.ndarray:
    n = int(RATE * seconds)
    t = np.arange(n) / RATE
    out = amplitude * np.sin(2 * np.pi * freq * t)
    ramp = min(40, n // 2)  # 5 ms fades: no clicks
    out[:ramp] *= np.linspace(0, 1, ramp)
    out[n - ramp :] *= np.linspace(1, 0, ramp)
    return out


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(RATE * seconds))


def _voice(rng: random.Random, language: str) -> tuple[str, int, int]:
    base = "ru" if language == "ru" else rng.choice(("en-us", "en-us", "en-gb"))
    return base + rng.choice(VARIANTS), rng.randint(130, 200), rng.randint(25, 75)


def _speech(rng: random.Random, text: str, language: str, level: float) -> np.ndarray:
    voice, speed, pitch = _voice(rng, language)
    audio = synthesize(text, voice, speed, pitch)
    peak = float(np.max(np.abs(audio))) or 1.0
    return audio * (level / peak)


def telephone_line(audio: np.ndarray) -> np.ndarray:
    """300–3400 Hz band and 8-bit µ-law companding, as a G.711 call delivers it."""
    spectrum = np.fft.rfft(audio)
    freqs = np.fft.rfftfreq(audio.size, 1 / RATE)
    spectrum[(freqs < 300) | (freqs > 3400)] = 0
    banded = np.clip(np.fft.irfft(spectrum, audio.size), -1.0, 1.0)
    mu = 255.0
    encoded = np.sign(banded) * np.log1p(mu * np.abs(banded)) / np.log1p(mu)
    quantized = np.round(encoded * 127) / 127
    decoded: np.ndarray = np.sign(quantized) * np.expm1(np.abs(quantized) * np.log1p(mu)) / mu
    return decoded


def _finish(rng: random.Random, parts: list[np.ndarray], speech_level: float) -> np.ndarray:
    """Mix in line noise (a quiet floor, or a noisy line at 15–25 dB SNR for a third
    of the samples), then pass the result through a telephone line."""
    audio = np.concatenate(parts)
    if rng.random() < 0.33:
        noise_db = 20 * np.log10(speech_level * 0.3) - rng.uniform(15.0, 25.0)
    else:
        noise_db = rng.uniform(-62.0, -45.0)  # dBFS RMS
    noise = np.random.default_rng(rng.randrange(2**32)).normal(
        0.0, 10 ** (noise_db / 20), audio.size
    )
    return telephone_line(np.clip(audio + noise, -1.0, 1.0))


def _human(
    rng: random.Random, idx: int  # noqa: ARG001 (same call as _machine, which uses idx)
) -> tuple[str, str, str, np.ndarray, int]:
    language = rng.choice(("ru", "en"))
    text = rng.choice(HUMAN_RU if language == "ru" else HUMAN_EN)
    level = rng.uniform(0.2, 0.9)
    parts = [silence(rng.uniform(0.2, 1.5)), _speech(rng, text, language, level)]
    kind = "short_greeting"
    if rng.random() < 0.3:  # "Алло? ... Алло?" — said again after a pause
        kind = "repeated_greeting"
        again = "Алло?" if language == "ru" else "Hello?"
        parts += [silence(rng.uniform(0.5, 0.7)), _speech(rng, again, language, level)]
        text = f"{text} {again}"
    end_ms = int(sum(p.size for p in parts) * 1000 / RATE)
    parts.append(silence(rng.uniform(2.5, 4.0)))
    return kind, language, text, _finish(rng, parts, level), end_ms


def _machine(rng: random.Random, idx: int) -> tuple[str, str, str, np.ndarray, int]:
    language = rng.choice(("ru", "en"))
    kind = ("long_greeting", "carrier", "beep_greeting", "long_greeting_beep", "short_prompt")[
        idx % 5
    ]
    level = rng.uniform(0.3, 0.9)
    parts = [silence(rng.uniform(0.1, 1.2))]
    if kind == "carrier":
        text = rng.choice(CARRIER_RU if language == "ru" else CARRIER_EN)
        if rng.random() < 0.5:  # special information tones before the announcement
            parts += [tone(f, d, 0.25) for f, d in SIT_TONES] + [silence(0.2)]
        parts.append(_speech(rng, text, language, level))
    elif kind == "short_prompt":  # a short voicemail/carrier prompt, no beep: timing's blind spot
        text = rng.choice(SHORT_PROMPT_RU if language == "ru" else SHORT_PROMPT_EN)
        parts.append(_speech(rng, text, language, level))
    elif kind == "beep_greeting":
        text = rng.choice(BEEP_GREETING_RU if language == "ru" else BEEP_GREETING_EN)
        parts.append(_speech(rng, text, language, level))
    else:
        text = rng.choice(LONG_GREETING_RU if language == "ru" else LONG_GREETING_EN)
        parts.append(_speech(rng, text, language, level))
    end_ms = int(sum(p.size for p in parts) * 1000 / RATE)
    if kind in ("beep_greeting", "long_greeting_beep"):
        parts += [
            silence(rng.uniform(0.2, 0.6)),
            tone(rng.choice(BEEP_HZ), rng.uniform(0.2, 0.6), rng.uniform(0.1, 0.5)),
        ]
    parts.append(silence(rng.uniform(1.5, 3.0)))
    return kind, language, text, _finish(rng, parts, level), end_ms


def build_dataset(folder: Path, seed: int = 0, per_label: int = 60) -> list[AmdSample]:
    """Write `per_label` human and `per_label` machine WAVs into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    samples: list[AmdSample] = []
    for label in ("human", "machine"):
        for idx in range(per_label):
            make = _human if label == "human" else _machine
            kind, language, text, audio, end_ms = make(rng, idx)
            name = f"{label}_{idx:03d}_{kind}_{language}"
            path = folder / f"{name}.wav"
            soundfile.write(path, audio, RATE, subtype="PCM_16")
            samples.append(AmdSample(name, label, kind, language, text, end_ms, path))
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-label", type=int, default=60)
    args = parser.parse_args()
    for s in build_dataset(args.outdir, args.seed, args.per_label):
        print(f"{s.label}\t{s.kind}\t{s.path.name}\t{s.text}")


if __name__ == "__main__":
    main()
