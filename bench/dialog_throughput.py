"""Dialogue engine throughput with the built-in NLU, on one core.

Replays every conversation from the shipped dialog tests (`dialogs/*.test.yaml`) through
the pure engine many times and counts caller turns per second. Prints the median over
several rounds. Two figures: with the NLU's per-utterance caches kept (a replay repeats
sentences, which real calls mostly do not) and with them cleared before every
conversation (words stay warm, as in a running worker). Rates are per CPU-second of this
single-threaded process, i.e. per core. The last line, the headline, is the second:
`turns_per_second: N`.

    .venv/bin/python bench/dialog_throughput.py [--seconds 3] [--rounds 5]
    .venv/bin/python bench/dialog_throughput.py --against /path/to/other/checkout [--pairs 15]

`--against` replays the same conversations (this checkout's dialog tests) through other
checkouts' engines and this one, each in a process of its own, one pass each in turn, and
prints each checkout's median rate and its median ratio, pass by pass, to the first: a
shared machine's load, which moves rates by half from one minute to the next, then weighs
on both sides of every ratio alike.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bot_engine.nlu.caches import clear_caches
from bot_engine.script import validate_variables
from bot_engine.simulator import dialog_tests
from bot_engine.simulator.session import run_conversation
from bot_engine.simulator.webhooks import CannedWebhooks

ROOT = Path(__file__).resolve().parent.parent


def conversations(
    dialogs: Path = ROOT / "dialogs",
) -> list[tuple[object, dict, list[str], dict, object]]:
    found = []
    for path in dialog_tests.discover([dialogs]):
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


def one_pass(convs: list) -> int:
    """Every conversation once, with fresh sentences; the caller turns played."""
    turns = 0
    for script, variables, lines, hooks, now in convs:
        clear_caches()
        run_conversation(script, variables, lines, webhooks=CannedWebhooks(hooks), now=now)
        turns += len(lines) + 1
    return turns


def serve(dialogs: Path) -> None:
    """A worker of `--against`: after two warm passes, one timed pass per input line.
    Code older than the dialog tests given (their scripts use what it lacks) replays its
    own checkout's dialog tests, and says so."""
    try:
        convs = conversations(dialogs)
        one_pass(convs)
        note = ""
    except Exception:  # any failure of old code to read new scripts
        convs = conversations(Path.cwd() / "dialogs")
        one_pass(convs)
        note = " (its own dialog tests: it cannot run these)"
    one_pass(convs)
    print(f"ready{note}", flush=True)
    for _ in sys.stdin:
        started = time.process_time()
        turns = one_pass(convs)
        print(turns, time.process_time() - started, flush=True)


def compare(checkouts: list[Path], pairs: int) -> None:
    """Each checkout's worker runs a pass in turn (the order flips every round)."""
    workers = []
    for checkout in checkouts:
        env = {**os.environ, "PYTHONPATH": str(checkout)}
        workers.append(subprocess.Popen(
            [sys.executable, __file__, "--serve", str(ROOT / "dialogs")], cwd=checkout,
            env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True))
    try:
        notes = []
        for worker in workers:
            assert worker.stdout is not None
            said = worker.stdout.readline().strip()
            if not said.startswith("ready"):
                raise SystemExit(f"a worker failed to start (exit {worker.wait()})")
            notes.append(said.removeprefix("ready"))
        rates: list[list[float]] = [[] for _ in workers]
        for round_number in range(pairs):
            order = list(range(len(workers)))
            if round_number % 2:
                order.reverse()
            for index in order:
                worker = workers[index]
                assert worker.stdin is not None and worker.stdout is not None
                worker.stdin.write("go\n")
                worker.stdin.flush()
                turns, seconds = worker.stdout.readline().split()
                rates[index].append(int(turns) / float(seconds))
    finally:
        for worker in workers:
            if worker.stdin is not None:
                worker.stdin.close()
            worker.wait()
    for checkout, found, note in zip(checkouts, rates, notes, strict=True):
        ratio = statistics.median(a / b for a, b in zip(found, rates[0], strict=True))
        print(f"{checkout}: {statistics.median(found):,.0f} turns/s, "
              f"x{ratio:.3f} against the first ({pairs} passes each){note}")
    print(f"turns_per_second: {statistics.median(rates[-1]):.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--against", type=Path, action="append", default=[],
                        help="another checkout to measure alternately with this one")
    parser.add_argument("--pairs", type=int, default=15)
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        serve(args.serve)
        return
    if args.against:
        compare([*[path.resolve() for path in args.against], ROOT], args.pairs)
        return
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
