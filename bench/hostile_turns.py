"""What one hostile caller turn costs the engine: 2,000 characters (the API's bound on a
turn) of one or two words repeated, at every step of the shipped lead scripts, with the
understanding's word bound (`nlu.text.heard`) and without it (the reply read whole), in
the same run. Prints the median, p99 and worst per language; the last line, the headline,
is the p99 turn with the bound over both languages: `hostile_turn_p99_ms: N` (the worst
single turn is mostly a garbage collection or another process on a shared machine).

    .venv/bin/python bench/hostile_turns.py
"""

from __future__ import annotations

import itertools
import statistics
import time
from contextlib import nullcontext
from pathlib import Path
from unittest.mock import patch

import bot_engine.dialog.engine as engine
from bot_engine.nlu.reply_memory import memory
from bot_engine.script import load_script_file, validate_variables
from bot_engine.simulator.session import run_conversation
from bot_engine.simulator.webhooks import CannedWebhooks

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = {
    "en": ("lead_qualification.en.yaml", {"name": "John", "product": "a kitchen",
                                          "company": "Acme", "min_budget": 1000}),
    "ru": ("lead_qualification.ru.yaml", {"name": "Иван", "product": "кухню",
                                          "company": "Мебель Плюс", "min_budget": 100000}),
}
WORDS = {
    "en": ["uh", "i", "what", "no", "yes", "the", "not", "who", "5", "twenty", "$", "?",
           "later", "busy"],
    "ru": ["ну", "я", "что", "нет", "да", "не", "кто", "5", "тыщ", "двадцать", "?", "позже",
           "занят", "рублей"],
}
TURN_CHARS = 2000
STEPS = 6  # the hostile turn after 0..5 plain yeses: greeting, convenience, relevance...


def turn_costs(lang: str, *, whole: bool) -> list[float]:
    """Seconds of each hostile turn, net of the same conversation without it."""
    with patch.object(engine, "heard", lambda text: text) if whole else nullcontext():
        return _turn_costs(lang)


def _turn_costs(lang: str) -> list[float]:
    name, variables = SCRIPTS[lang]
    script = load_script_file(ROOT / "dialogs" / name).script
    values = validate_variables(script, variables)
    yes = "yes" if lang == "en" else "да"
    run_conversation(script, values, [yes] * STEPS, webhooks=CannedWebhooks({}))
    memory(lang)  # the warm-up's word vectors and reply memory, loaded before timing
    costs = []
    for first, second in itertools.product(WORDS[lang], repeat=2):
        said = ((first + " " + second + " ") * TURN_CHARS)[:TURN_CHARS]
        for before in range(STEPS):
            lines = [yes] * before
            started = time.perf_counter()
            run_conversation(script, values, [*lines, said], webhooks=CannedWebhooks({}))
            total = time.perf_counter() - started
            started = time.perf_counter()
            run_conversation(script, values, lines, webhooks=CannedWebhooks({}))
            costs.append(max(0.0, total - (time.perf_counter() - started)))
    return costs


def main() -> None:
    worst = 0.0
    for lang in SCRIPTS:
        whole = turn_costs(lang, whole=True)
        kept = turn_costs(lang, whole=False)
        print(f"{lang}: read whole {_figures(whole)}; bounded {_figures(kept)} "
              f"({len(kept)} turns each)")
        worst = max(worst, statistics.quantiles(kept, n=100)[98])
    print(f"hostile_turn_p99_ms: {worst * 1e3:.1f}")


def _figures(costs: list[float]) -> str:
    p99 = statistics.quantiles(costs, n=100)[98]
    return (f"median {statistics.median(costs) * 1e3:.1f} ms, p99 {p99 * 1e3:.1f} ms, "
            f"worst {max(costs) * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
