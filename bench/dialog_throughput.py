"""Dialogue engine throughput with the built-in NLU, on one core.

Replays every conversation from the shipped dialog tests (`dialogs/*.test.yaml`) through
the pure engine many times and counts caller turns per second. Prints the median over
several rounds; the last line is `turns_per_second: N`.

    .venv/bin/python bench/dialog_throughput.py [--seconds 3] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from bot_engine.script import validate_variables
from bot_engine.simulator import dialog_tests
from bot_engine.simulator.session import run_conversation
from bot_engine.simulator.webhooks import CannedWebhooks

ROOT = Path(__file__).resolve().parent.parent


def conversations() -> list[tuple[object, dict, list[str], dict, object]]:
    found = []
    for path in dialog_tests.discover([ROOT / "dialogs"]):
        spec, script = dialog_tests.load_test_file(path)
        for case in spec.tests:
            turns = [turn.caller for turn in case.turns if turn.caller is not None]
            variables = validate_variables(script, {**spec.variables, **case.variables})
            found.append((script, variables, turns, case.webhooks, case.now or spec.now))
    if not found:
        raise SystemExit("no dialog tests found under dialogs/")
    return found


def one_round(convs: list, seconds: float) -> float:
    turns = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        for script, variables, lines, hooks, now in convs:
            session = run_conversation(
                script, variables, lines, webhooks=CannedWebhooks(hooks), now=now
            )
            turns += len(lines) + 1  # the caller turns plus the greeting
            assert session.result is not None
    return turns / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    convs = conversations()
    scripts = sorted({f"{c[0].id}:{c[0].language}" for c in convs})  # type: ignore[attr-defined]
    print(f"scripts: {', '.join(scripts)}")
    print(
        f"conversations: {len(convs)}, caller turns per pass: {sum(len(c[2]) + 1 for c in convs)}"
    )
    one_round(convs, 0.5)  # warm caches, as a running service would have them
    rates = [one_round(convs, args.seconds) for _ in range(args.rounds)]
    print("rounds: " + ", ".join(f"{rate:,.0f}" for rate in rates))
    print(f"turns_per_second: {statistics.median(rates):.0f}")


if __name__ == "__main__":
    main()
