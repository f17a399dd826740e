"""ASR word error rate per engine and language, on synthetic phone replies and real human speech.

    .venv/bin/python bench/asr_accuracy.py [--lang ru,en] [--human-max 60] [--prompt]
        [--json]

(a) `synth`: 22 short phone replies per language rendered by the offline voices
    (Festival's Russian voice, espeak-ng for English at 0.9x, as the simulated caller
    speaks them);
(b) `human`: real recorded prompts from Debian's `asterisk-core-sounds-ru-wav` and
    `-en-wav` (CC-BY-SA-3.0; the transcripts come in the `asterisk-core-sounds-ru`/`-en`
    packages' `core-sounds-*.txt.gz`), 1-9 s long, the first `--human-max` by name.

Every clip goes through the telephone: 8 kHz, G.711 μ-law encoded and decoded, 300 ms of
silence on each side; then through the live-call decoder (`telephone_asr_settings`: the
10 s window, greedy). Engines: `whisper` is the default per language (ru: multilingual
base; en: tiny.en), `whisper-base` the multilingual base for English too. WER is word
edits over reference words, after lower-casing, `ё`→`е`, dropping punctuation and
spelling digits as words in both texts.

`--prompt` adds the Russian short replies decoded with the step's expected answers as
Whisper's initial prompt (`whisper_prompt_hints`), against the same replies without; with
another step's answers as the prompt (a caller who says something unexpected); and 10
clips of line noise and silence with a prompt, counting those that came back with text
(the prompt's words invented). `looped` counts hypotheses with a word three times in a
row. The last lines are `asr_wer_ru_human` and `asr_wer_en_human`.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import logging
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from num2words import num2words
from rapidfuzz.distance import Levenshtein

from asr_tts.asr import create_recognizer
from asr_tts.audio import read_audio_file, silence
from asr_tts.settings import SpeechSettings, telephone_asr_settings
from asr_tts.tts.espeak import EspeakSynthesizer
from asr_tts.tts.festival import FestivalSynthesizer
from asr_tts.tts.normalize import language_code
from asr_tts.tts_cache import PromptSpec, TtsCache
from media_gateway.rtp.g711 import ulaw_decode, ulaw_encode

RATE = 8000
SOUNDS = {
    "ru": (Path("/usr/share/asterisk/sounds/ru_RU_f_IvrvoiceRU"),
           Path("/usr/share/doc/asterisk-core-sounds-ru/core-sounds-ru.txt.gz")),
    "en": (Path("/usr/share/asterisk/sounds/en_US_f_Allison"),
           Path("/usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz")),
}

CONFIRM_RU = "да, нет, конечно, удобно, актуально, давайте"
BUDGET_RU = "бюджет, тысяч, рублей, миллион, около"
WHEN_RU = "завтра, на этой неделе, в следующем месяце, в понедельник, перезвоните"
OTHER_RU = "менеджер, оператор, не звоните, кто это, повторите"
REPLIES = {
    "ru": [
        ("да", CONFIRM_RU), ("нет", CONFIRM_RU), ("да, это я", CONFIRM_RU),
        ("нет, спасибо", CONFIRM_RU), ("конечно", CONFIRM_RU), ("да, удобно", CONFIRM_RU),
        ("нет, уже не актуально", CONFIRM_RU), ("ну да, давайте", CONFIRM_RU),
        ("около двухсот тысяч", BUDGET_RU), ("бюджет сто пятьдесят тысяч рублей", BUDGET_RU),
        ("где-то полмиллиона", BUDGET_RU), ("в следующем месяце", WHEN_RU),
        ("на этой неделе", WHEN_RU), ("перезвоните завтра", WHEN_RU),
        ("в понедельник после обеда", WHEN_RU), ("через две недели", WHEN_RU),
        ("соедините с менеджером", OTHER_RU), ("я сейчас за рулём", OTHER_RU),
        ("больше не звоните", OTHER_RU), ("кто это", OTHER_RU),
        ("повторите, пожалуйста", OTHER_RU), ("не знаю, пока не решил", OTHER_RU),
    ],
    "en": [(text, "") for text in (
        "yes", "no", "yes, speaking", "no, thank you", "sure", "yes, it is a good time",
        "no, it is not relevant anymore", "sure, go ahead", "about two hundred thousand",
        "my budget is fifteen hundred dollars", "around half a million", "next month",
        "this week", "call me back tomorrow", "on Monday afternoon", "in two weeks",
        "put me through to a manager", "I am driving right now", "do not call me again",
        "who is this", "could you repeat that please", "I do not know yet")],
}


@dataclass
class Clip:
    name: str
    reference: str
    pcm: bytes
    hints: str = ""


def words(text: str, lang: str) -> list[str]:
    """Lower case, ё→е, digits spelled as words, punctuation dropped."""
    text = text.lower().replace("ё", "е")
    text = re.sub(r"\d+(?:[ \u00a0]\d{3})*",
                  lambda m: f" {num2words(int(re.sub(r'[^0-9]', '', m.group())), lang=lang)} ",
                  text)
    return re.sub(r"[^\w\s]|_", " ", text.replace("-", " ")).lower().replace("ё", "е").split()


def telephone(pcm: bytes) -> bytes:
    """8 kHz μ-law there and back, with 300 ms of silence on each side."""
    padded = silence(RATE, 0.3) + pcm + silence(RATE, 0.3)
    return ulaw_decode(ulaw_encode(padded))


def human_clips(lang: str, limit: int) -> list[Clip]:
    folder, transcripts = SOUNDS[lang]
    if not transcripts.is_file():
        raise SystemExit(f"{transcripts} is missing: apt-get install asterisk-core-sounds-{lang}"
                         f" asterisk-core-sounds-{lang}-wav")
    clips = []
    with gzip.open(transcripts, "rt", encoding="utf-8") as handle:
        lines = sorted(line.strip() for line in handle if ": " in line and
                       not line.startswith(";"))
    for line in lines:
        name, _, text = line.partition(": ")
        path = folder / f"{name}.wav"
        if "[" in text or "/" in name or not path.is_file() or len(words(text, lang)) < 2:
            continue
        pcm, _ = read_audio_file(path, RATE)
        if not 1.0 <= len(pcm) / (2 * RATE) <= 9.0:
            continue
        clips.append(Clip(name, text, telephone(pcm)))
        if len(clips) >= limit:
            break
    return clips


async def synth_clips(lang: str, cache: TtsCache) -> list[Clip]:
    if lang == "ru":
        engine, voice, speed = "festival", "msu_ru_nsh_clunits", 1.0
    else:
        engine, voice, speed = "espeak", "en-us", 0.9
    from asr_tts.tts import TtsOptions

    clips = []
    for text, hints in REPLIES[lang]:
        spec = PromptSpec(engine=engine, voice=voice, sample_rate=RATE, text=text,
                          options=TtsOptions(speed=speed))
        clips.append(Clip(text, text, telephone(await cache.get_or_render(spec)), hints))
    return clips


def noise_clips(hints: list[str]) -> list[Clip]:
    """Line noise at three levels and near-silence, each with a prompt: any text is an
    invention (the reference is empty, so every word counts as an edit)."""
    import numpy as np

    rng = np.random.default_rng(15)
    clips = []
    for i in range(10):
        level = (30, 300, 1500, 4)[i % 4]
        samples = rng.normal(0, level, RATE * 2).clip(-32768, 32767).astype("<i2")
        clips.append(Clip(f"noise-{i}", "", telephone(samples.tobytes()),
                          hints[i % len(hints)]))
    return clips


@dataclass
class Score:
    edits: int = 0
    reference_words: int = 0
    clips: int = 0
    exact: int = 0
    looped: int = 0
    invented: int = 0
    """Clips with no speech that came back with text."""
    seconds: float = 0.0

    @property
    def wer(self) -> float | None:
        if not self.reference_words:
            return None
        return round(100 * self.edits / self.reference_words, 1)


def looks_looped(hypothesis: list[str]) -> bool:
    return any(hypothesis[i] == hypothesis[i + 1] == hypothesis[i + 2]
               for i in range(len(hypothesis) - 2))


async def score(clips: list[Clip], lang: str, settings: SpeechSettings, *,
                use_hints: bool = False, show: bool = False) -> Score:
    result = Score()
    language = "ru-RU" if lang == "ru" else "en-US"
    for clip in clips:
        rec = create_recognizer(settings, "whisper")
        hints = [h.strip() for h in clip.hints.split(",") if h.strip()] if use_hints else []
        await rec.start(language, RATE, hints=hints)
        started = time.perf_counter()
        await rec.feed(clip.pcm)
        await rec.close()
        text = " ".join([r.text async for r in rec if r.is_final])
        result.seconds += time.perf_counter() - started
        ref, hyp = words(clip.reference, language_code(lang)), words(text, language_code(lang))
        edits = Levenshtein.distance(ref, hyp)
        result.edits += edits
        result.reference_words += len(ref)
        result.clips += 1
        result.exact += edits == 0
        result.invented += not ref and bool(hyp)
        result.looped += looks_looped(hyp)
        if show and edits:
            print(f"#   {clip.reference!r} -> {text!r}", file=sys.stderr)
    return result


def engine_settings(engine: str, *, prompt: bool = False) -> SpeechSettings:
    settings = SpeechSettings(asr_engine="whisper", whisper_prompt_hints=prompt)
    if engine == "whisper-base":
        from asr_tts.packaged_models import whisper_base_model

        settings = settings.model_copy(
            update={"whisper_model_path": whisper_base_model(settings.models_dir)})
    return telephone_asr_settings(settings)


async def main(args: argparse.Namespace) -> dict[str, object]:
    languages = [lang.strip() for lang in args.lang.split(",") if lang.strip()]
    load_before = os.getloadavg()[0]
    figures: dict[str, object] = {}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        cache = TtsCache(Path(tmp), 200_000_000,
                         {"festival": FestivalSynthesizer(), "espeak": EspeakSynthesizer()})
        for lang in languages:
            sets = {"synth": await synth_clips(lang, cache),
                    "human": human_clips(lang, args.human_max)}
            engines = ["whisper"] if lang == "ru" else ["whisper", "whisper-base"]
            for engine in engines:
                for name, clips in sets.items():
                    s = await score(clips, lang, engine_settings(engine),
                                    show=args.verbose)
                    rows.append({"language": lang, "engine": engine, "set": name,
                                 "clips": s.clips, "wer_pct": s.wer,
                                 "exact": s.exact, "looped": s.looped, "invented": s.invented,
                                 "decode_s_per_clip": round(s.seconds / max(1, s.clips), 3)})
            if args.prompt and lang == "ru":
                groups = list(dict.fromkeys(c.hints for c in sets["synth"]))
                other = [Clip(c.name, c.reference, c.pcm,
                              groups[(groups.index(c.hints) + 1) % len(groups)])
                         for c in sets["synth"]]
                variants = [("synth, no prompt", sets["synth"], False),
                            ("synth, prompt", sets["synth"], True),
                            ("synth, another step's prompt", other, True),
                            ("noise, no prompt", noise_clips(groups), False),
                            ("noise, prompt", noise_clips(groups), True)]
                for name, clips, use in variants:
                    s = await score(clips, lang,
                                    engine_settings("whisper", prompt=use),
                                    use_hints=use, show=args.verbose)
                    rows.append({"language": lang, "engine": "whisper", "set": name,
                                 "clips": s.clips, "wer_pct": s.wer, "exact": s.exact,
                                 "looped": s.looped, "invented": s.invented,
                                 "decode_s_per_clip": round(s.seconds / max(1, s.clips), 3)})
    figures["rows"] = rows
    figures["load_average_before"] = load_before
    figures["load_average_after"] = os.getloadavg()[0]
    for lang in languages:
        human = [r for r in rows if r["language"] == lang and r["engine"] == "whisper"
                 and r["set"] == "human"]
        if human:
            figures[f"asr_wer_{lang}_human"] = human[0]["wer_pct"]
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="ru,en")
    parser.add_argument("--human-max", type=int, default=60)
    parser.add_argument("--prompt", action="store_true",
                        help="also Russian short replies with the expected answers as prompt")
    parser.add_argument("--verbose", "-v", action="store_true", help="print each error")
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    result = asyncio.run(main(arguments))
    if arguments.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print("language | engine | set | clips | WER % | exact | looped | invented | "
              "decode s/clip")
        for row in result["rows"]:  # type: ignore[attr-defined]
            print(" | ".join(str(v) for v in row.values()))
        print(f"load average: {result['load_average_before']:.2f} before, "
              f"{result['load_average_after']:.2f} after")
    for key in ("asr_wer_ru_human", "asr_wer_en_human"):
        if key in result:
            print(f"{key}: {result[key]}")
