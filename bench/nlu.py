"""NLU hot-path benchmark: median µs per call of yes_no, polar (yes_no plus the polar fact
families, what a confirm step runs), IntentMatcher.match and extract_entities on realistic
ru/en caller utterances; `turn` is the rule path of one turn (polar + match + entities).
The semantic layer, which runs only when the rules find nothing, and the reply classifier
(`nlu/reply_classifier.py`, asked after the rules in the dialog's understanding) are timed
on their own (median and p95 µs per reply, the 5 ms budget of issue 14).

Each timed call sees a fresh utterance (per-utterance caches are cleared before it,
outside the timing) with warm per-word caches, which is what a running worker sees.

    .venv/bin/python bench/nlu.py [--rounds N]
    .venv/bin/python bench/nlu.py --against /path/to/baseline/checkout [--passes 3]

`--against` measures other checkouts (say, the code before the NLU work and main) and this
one alternately, each pass in its own process, and prints the median `turn` of the passes
per checkout and its ratio to the first one: the shared machine's load then weighs on all
of them alike.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot_engine.nlu import IntentMatcher, IntentSpec, builtin_intents, extract_entities, yes_no
from bot_engine.nlu.caches import clear_caches

try:  # absent before the reply classifier: this bench runs on older checkouts too
    from bot_engine.nlu import reply_classifier
except ImportError:  # pragma: no cover - the baseline
    reply_classifier = None  # type: ignore[assignment]
try:  # absent before the polar families and the semantic layer: this bench runs on both
    from bot_engine.nlu import semantic
    from bot_engine.nlu.polar import polar
except ImportError:  # pragma: no cover - the baseline
    polar = None  # type: ignore[assignment]
    semantic = None  # type: ignore[assignment]

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


def _samples_us(fn: Callable[[str], object], texts: list[str], rounds: int) -> list[float]:
    samples: list[float] = []
    for _ in range(rounds):
        for text in texts:
            clear_caches()
            t0 = time.perf_counter_ns()
            fn(text)
            samples.append((time.perf_counter_ns() - t0) / 1000)
    return samples


def _median_us(fn: Callable[[str], object], texts: list[str], rounds: int) -> float:
    return statistics.median(_samples_us(fn, texts, rounds))


_TURN = re.compile(r"^(ru|en) turn_all_three_us_median: ([0-9.]+)$", re.MULTILINE)


def compare(trees: list[Path], rounds: int, passes: int) -> None:
    """`turn` of each checkout, alternated pass by pass; ratios to the first checkout."""
    here = Path(__file__).resolve()
    found: dict[Path, dict[str, list[float]]] = {t: {"ru": [], "en": []} for t in trees}
    for _ in range(passes):
        for tree in trees:
            env = {**os.environ, "PYTHONPATH": str(tree)}
            out = subprocess.run(
                [sys.executable, str(here), "--rounds", str(rounds)], cwd=tree, env=env,
                capture_output=True, text=True, check=True,
            ).stdout
            for lang, value in _TURN.findall(out):
                found[tree][lang].append(float(value))
    base = {lang: statistics.median(found[trees[0]][lang]) for lang in ("ru", "en")}
    for tree in trees:
        cells = []
        for lang in ("ru", "en"):
            median = statistics.median(found[tree][lang])
            runs = "/".join(f"{v:.1f}" for v in found[tree][lang])
            cells.append(f"{lang} {median:.1f} µs ({runs}) {median / base[lang]:.2f}x")
        print(f"{tree}: " + "; ".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--against", type=Path, action="append", default=[],
                        help="another checkout to measure in the same run (the first is "
                             "the baseline of the ratios); this checkout is measured last")
    parser.add_argument("--passes", type=int, default=3)
    args = parser.parse_args()
    if args.against:
        root = Path(__file__).resolve().parent.parent
        compare([*[t.resolve() for t in args.against], root], args.rounds, args.passes)
        return
    now = datetime(2026, 11, 21, 18, 25, tzinfo=ZoneInfo("Europe/Moscow"))
    for lang, texts in UTTERANCES.items():
        matcher = IntentMatcher({**SCRIPT_INTENTS[lang], **builtin_intents(lang)}, lang)
        for text in texts:  # warm the word caches and the lazily built tables
            yes_no(text, lang)
            matcher.match(text)
            extract_entities(text, lang, ["money", "datetime"], now=now)

        reader = polar if polar is not None else yes_no

        def turn(text: str, lang: str = lang, matcher: IntentMatcher = matcher,
                 reader: Callable[[str, str], object] = reader) -> None:
            reader(text, lang)
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
        }
        if polar is not None:
            results["polar"] = _median_us(lambda t, lang=lang: polar(t, lang), texts, args.rounds)
        results["turn_all_three"] = _median_us(turn, texts, args.rounds)
        for name, us in results.items():
            print(f"{lang} {name}_us_median: {us:.1f}")
        if semantic is not None:
            index = semantic.build_index(lang, semantic.step_examples(lang, True, {}, {}))
            if index is not None:
                times = sorted(_samples_us(index.classify, texts, args.rounds))
                print(f"{lang} semantic_us_median: {statistics.median(times):.1f}")
                print(f"{lang} semantic_us_p95: {times[int(len(times) * 0.95)]:.1f}")
        model = reply_classifier.classifier(lang) if reply_classifier is not None else None
        if model is not None:
            options = {"yes", "no", "operator", "opt_out", "repeat", "who_is_this",
                       reply_classifier.NONE}

            def read(text: str, lang: str = lang, model: Any = model,
                     options: set[str] = options) -> None:
                model.read(text, "confirm:availability", lang, options)

            times = sorted(_samples_us(read, texts, args.rounds))
            print(f"{lang} classifier_us_median: {statistics.median(times):.1f}")
            print(f"{lang} classifier_us_p95: {times[int(len(times) * 0.95)]:.1f}")


if __name__ == "__main__":
    main()
