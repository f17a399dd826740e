"""Dialogue engine throughput with the built-in NLU, on one core.

Replays every conversation from the shipped dialog tests (`dialogs/*.test.yaml`) through
the pure engine many times and counts caller turns per second. Prints the median over
several rounds. Two figures: with the NLU's per-utterance caches kept (a replay repeats
sentences, which real calls mostly do not) and with them cleared before every
conversation (words stay warm, as in a running worker). Rates are per CPU-second of this
single-threaded process, i.e. per core. The last line, the headline, is the second:
`turns_per_second: N`.

    .venv/bin/python bench/dialog_throughput.py [--seconds 3] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from bot_engine.nlu.caches import clear_caches
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


def one_round(convs: list, seconds: float, *, fresh: bool) -> float:
    turns = 0
    started = time.perf_counter()
    cpu_started = time.process_time()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        for script, variables, lines, hooks, now in convs:
            if fresh:
                clear_caches()
            session = run_conversation(
                script, variables, lines, webhooks=CannedWebhooks(hooks), now=now
            )
            turns += len(lines) + 1  # the caller turns plus the greeting
            assert session.result is not None
    # CPU time of this single-threaded process: one core's worth of work, unaffected by
    # other processes competing for the shared machine's cores.
    return turns / (time.process_time() - cpu_started)


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
    one_round(convs, 0.5, fresh=False)  # warm word caches, as a running service has them
    repeated = [one_round(convs, args.seconds, fresh=False) for _ in range(args.rounds)]
    fresh = [one_round(convs, args.seconds, fresh=True) for _ in range(args.rounds)]
    print("rounds, repeated sentences: " + ", ".join(f"{rate:,.0f}" for rate in repeated))
    print("rounds, fresh sentences: " + ", ".join(f"{rate:,.0f}" for rate in fresh))
    print(f"turns_per_second_repeated_sentences: {statistics.median(repeated):.0f}")
    print(f"turns_per_second: {statistics.median(fresh):.0f}")


if __name__ == "__main__":
    main()
