"""NLU hot-path benchmark: median µs per call of yes_no, IntentMatcher.match and
extract_entities on realistic ru/en caller utterances.

Each timed call sees a fresh utterance (per-utterance caches are cleared before it,
outside the timing) with warm per-word caches, which is what a running worker sees.

    .venv/bin/python bench/nlu.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot_engine.nlu import IntentMatcher, IntentSpec, builtin_intents, extract_entities, yes_no
from bot_engine.nlu.caches import clear_caches

UTTERANCES = {
    "ru": [
        "да", "ага, удобно", "нет, не надо", "да, бюджет около двухсот тысяч",
        "перезвоните завтра в три", "а кто это?", "не звоните мне больше",
        "ну, в принципе да, актуально", "соедините с оператором", "через неделю где-то",
        "я подумаю", "полтора миллиона рублей", "конечно нет", "что? повторите пожалуйста",
    ],
    "en": [
        "yes", "yeah sure", "no thanks", "yes, budget is about two hundred thousand",
        "call me back tomorrow at 3", "who is this?", "stop calling me",
        "well, I guess it is still relevant", "can I talk to a real person",
        "maybe in two weeks", "I'll think about it", "around 50k dollars", "of course not",
        "sorry, what?",
    ],
}  # fmt: skip

SCRIPT_INTENTS = {
    "ru": {
        "relevant": IntentSpec(examples=["актуально", "еще актуально", "да, интересует"]),
        "not_relevant": IntentSpec(examples=["уже не актуально", "уже купили", "не интересует"]),
        "think": IntentSpec(examples=["я подумаю", "надо подумать", "посоветуюсь"]),
    },
    "en": {
        "relevant": IntentSpec(examples=["still relevant", "yes, interested"]),
        "not_relevant": IntentSpec(examples=["not relevant", "already bought", "not interested"]),
        "think": IntentSpec(examples=["i will think about it", "let me think"]),
    },
}


def _median_us(fn: Callable[[str], object], texts: list[str], rounds: int) -> float:
    samples: list[float] = []
    for _ in range(rounds):
        for text in texts:
            clear_caches()
            t0 = time.perf_counter_ns()
            fn(text)
            samples.append((time.perf_counter_ns() - t0) / 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    now = datetime(2026, 11, 21, 18, 25, tzinfo=ZoneInfo("Europe/Moscow"))
    for lang, texts in UTTERANCES.items():
        matcher = IntentMatcher({**SCRIPT_INTENTS[lang], **builtin_intents(lang)}, lang)
        for text in texts:  # warm the word caches and the lazily built tables
            yes_no(text, lang)
            matcher.match(text)
            extract_entities(text, lang, ["money", "datetime"], now=now)

        def turn(text: str, lang: str = lang, matcher: IntentMatcher = matcher) -> None:
            yes_no(text, lang)
            matcher.match(text)
            extract_entities(text, lang, ["money", "datetime"], now=now)

        results = {
            "yes_no": _median_us(lambda t, lang=lang: yes_no(t, lang), texts, args.rounds),
            "match": _median_us(matcher.match, texts, args.rounds),
            "extract_entities": _median_us(
                lambda t, lang=lang: extract_entities(t, lang, ["money", "datetime"], now=now),
                texts,
                args.rounds,
            ),
            "turn_all_three": _median_us(turn, texts, args.rounds),
        }
        for name, us in results.items():
            print(f"{lang} {name}_us_median: {us:.1f}")


if __name__ == "__main__":
    main()
