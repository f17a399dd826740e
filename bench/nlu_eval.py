"""Understanding accuracy on natural caller replies (`bench/nlu_eval/`), per language.

Each reply is said at its step of a shipped script, through the pure dialog engine exactly
as a call would (a fresh dialog restored at that step, one `UserSaid`), and counts as right
when the dialog goes where the expected branch goes (two branches with the same target are
the same way: `no` and `busy` both lead to the callback question) and every slot the item
names holds what it should (null: must stay empty, "~re": a regex over the value).

Splits: `tuned` (<lang>.yaml), `held` (<lang>.held.yaml, written with the tuned set and never
tuned on), `fresh` to `fresh7` (later batches, each measured once before a round of tuning,
then tuned on), `round7` (replies written for the classes of round seven), `fresh8` (held out
in round seven, tuned on in round eight), `fresh9` (written before round eight changed any
code, held out in round eight, tuned on in round nine), `fresh10` (written before round
nine changed any code, held out in round nine, tuned on in round ten), `fresh11` (written
before round ten changed any code, held out in round ten, tuned on in round eleven),
`fresh12` (written before round eleven changed any code, held out in round eleven, tuned on
in round twelve), `round12` (replies written in round twelve to widen the reply memory,
tuned on from the start) and `fresh13` (written before round twelve changed any code, held
out in round twelve, tuned on in round thirteen) `fresh14` (written blind while round
thirteen was tuned, held out in it, tuned on in round fourteen), `round14` (replies written
in round fourteen for the indirect answers, tuned on from the start) and `fresh15` (written
blind before round fourteen changed any code, held out in it); the later batches
(`fresh16` to `fresh29`, `round17`, `round19a` to `round19c`) are described in
`bench/nlu_eval/README.md`;
`--skip <split>` leaves a batch out, and a held-out split whose file is missing is skipped
with a note. Prints accuracy per language and split, per expect type, the layer that
decided, and the confusion
of the misses (the held-out misses, HELD_OUT, are counted, not shown, so they are never
tuned on; `--show-held` shows them). The last line is `nlu_eval_worst_accuracy: X`, the
worst held-out accuracy over the languages. A `menu` step is judged by the entry chosen; a
`connect` step that hears the operator by `nlu.answer_to_offer`, as the operator's leg does.

    .venv/bin/python bench/nlu_eval.py [--lang ru] [--show-held] [-v] [--no-semantic]
        [--no-memory] [--no-classifier] [--semantic-alone] [--memory-alone]
        [--classifier-alone] [--write-memory]

`--write-memory` regenerates the reply memory (`bot_engine/nlu/reply_memory.<lang>.json`)
and retrains the reply classifier (`bot_engine/nlu/reply_classifier.<lang>.json`, with
scikit-learn) from every split that is not held out, the classifier also from the curated
paraphrase tests (`bench/nlu_curated.py`); `--memory-alone` calibrates the
memory, each tuned split recalled from the others only; `--classifier-alone` calibrates the
classifier, each batch of `CALIBRATION` read by one trained without it; `--no-classifier`
turns it off (an ablation).
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import itertools
import json
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from ruamel.yaml import YAML

from bot_engine import nlu
from bot_engine.dialog import actions as act
from bot_engine.dialog import events as ev
from bot_engine.dialog import menu as menus
from bot_engine.dialog.engine import Dialog, DialogState
from bot_engine.dialog.runtime import runtime_for
from bot_engine.nlu import cues, polar, reply_classifier, reply_memory
from bot_engine.script import load_script_file, validate_variables
from bot_engine.script.model import HANDLER_NAMES, Script, Step

ROOT = Path(__file__).resolve().parent.parent
EVAL_DIR = ROOT / "bench" / "nlu_eval"
DIALOGS = ROOT / "dialogs"
SPLITS = ("tuned", "held", "fresh", "fresh2", "fresh3", "fresh4", "fresh5", "fresh6", "fresh7",
          "round7", "fresh8", "fresh9", "fresh10", "fresh11", "fresh12", "round12",
          "fresh13", "round13", "fresh14", "round14", "fresh15", "fresh16", "fresh17", "fresh18",
          "fresh19", "fresh20", "fresh21", "fresh22", "fresh23", "fresh24",
          "fresh25", "round17", "fresh26", "fresh27", "round19a", "round19b", "round19c",
          "fresh28", "fresh29", "round20a", "round20b", "round20c", "round21a", "round21b",
          "round21c", "round22a", "round22b", "round23a", "round23b", "round23c", "round23d",
          "fresh30", "fresh31", "fresh32", "fresh33", "round24a", "round24b", "round24c",
          "fresh34", "fresh35")
# fresh2 and fresh3 were held out until the third round of tuning, fresh4 until the fourth,
# fresh5 until the fifth, fresh6 until the sixth, fresh7 until the seventh, fresh8 until the
# eighth, fresh9 until the ninth, fresh10 until the tenth, fresh11 until the eleventh, fresh12
# until the twelfth, fresh13 until the thirteenth, fresh14 until the fourteenth, fresh15 until
# the fifteenth, fresh16 (written blind before round fifteen, like fresh17, and held out in
# its first part) until the second part of round fifteen, in which fresh18 (written blind
# after the first part) is held out beside fresh17, fresh17 until the third part, in which
# fresh18 alone is held out, fresh18 until the fourth part, in which fresh19 (written blind
# during the round) is held out, as fresh20 (written blind after the round) is; round7 holds
# the replies written for the seventh round's classes, round12 those written in round twelve
# to widen the reply memory, round13 those written in round thirteen for the global handlers,
# round14 those written in round fourteen for the indirect answers (all four tuned on from
# the start); fresh19 and fresh20 until round sixteen, in which fresh21 and fresh22 (written
# blind before the round changed any code) are held out in its first part, and fresh22
# alone in its second, which tunes on fresh21; fresh22 until round seventeen, which tunes on
# it while fresh23 and fresh24 (written blind before the round changed any code) are held
# out, as fresh25 (written blind during the round) is; round17 holds the replies written in
# round seventeen for the global handlers (tuned on from the start). The held-out splits
# are never tuned on: their misses are hidden unless --show-held; fresh25 until round
# eighteen, which holds out fresh26 and fresh27 (written blind before it changed any code),
# and those two until round nineteen, which holds out fresh28 and fresh29 (written blind the
# same way); round19a to round19c hold replies written blind in round nineteen to widen what
# the reply classifier learns from (tuned on from the start, no rule written for them);
# fresh28 and fresh29 until round twenty, which holds out fresh30 and fresh31 (written blind
# before it changed any code); round20a to round20c hold replies written blind in round
# twenty to widen what the reply classifier learns from (tuned on from the start); round
# twenty-two adds fresh32 (written blind during the round, never run before the round's
# code was in) to the held-out splits, and round twenty-three fresh33 (written blind before
# the round's rules, scored first on the code before it); round21a to round23d hold the
# replies written blind in those rounds, tuned on from the start. Round twenty-four tunes on
# fresh30 and fresh31 (held out for four rounds) and holds out fresh34 and fresh35 (written
# blind before its rules, scored first on the code before it); round24a to round24c, written
# blind in it, are tuned on from the start.
HELD_OUT = ("held", "fresh32", "fresh33", "fresh34", "fresh35")


def _file_name(lang: str, split: str) -> str:
    return f"{lang}.yaml" if split == "tuned" else f"{lang}.{split}.yaml"


@dataclass
class Item:
    lang: str
    split: str
    script: str
    step: str
    expected: str
    text: str
    slots: dict[str, Any]
    kind: str = ""


@dataclass
class Outcome:
    item: Item
    got: str
    right: bool
    layer: str
    slot_problems: list[str] = field(default_factory=list)


Setup = tuple[Script, dict[str, Any], dict[str, Any], datetime]
Scripts = dict[tuple[str, str], Setup]
"""Per (split, script key): the script, its variables, the slots a call has when the step
is asked (a menu's list) and the call's time; each file says its own."""


def load_items(lang: str, skip: tuple[str, ...] = ()) -> tuple[list[Item], Scripts]:
    yaml = YAML(typ="safe", pure=True)
    items: list[Item] = []
    scripts: Scripts = {}
    loaded: dict[str, Script] = {}
    for split in SPLITS:
        if split in skip:
            continue
        path = EVAL_DIR / _file_name(lang, split)
        if not path.exists():
            if split in HELD_OUT:
                print(f"note: {lang} {split} skipped: {path.name} is missing")
            continue
        data = yaml.load(path.read_text(encoding="utf-8"))
        now = datetime.fromisoformat(data["now"])
        for key, file in data["scripts"].items():
            if file not in loaded:
                loaded[file] = load_script_file(DIALOGS / file).script
            script = loaded[file]
            scripts[split, key] = (script, validate_variables(script, data["variables"][key]),
                                   dict((data.get("slots") or {}).get(key) or {}), now)
        for where, branches in data["steps"].items():
            script_key, step = where.split(".", 1)
            for expected, replies in branches.items():
                for reply in replies or []:
                    if not isinstance(reply, str | dict):
                        raise SystemExit(f"{path.name}: {where} {expected}: a reply is a "
                                         f"string or {{say: ...}}, not {reply!r} (quote it)")
                    text, slots = (reply, {}) if isinstance(reply, str) else (
                        str(reply["say"]), reply.get("slots", {}))
                    items.append(Item(lang, split, script_key, step, str(expected), text, slots))
    for item in items:
        step_spec = scripts[item.split, item.script][0].steps[item.step]
        item.kind = _kind(step_spec, item.expected)
    return items, scripts


def _kind(step: Step, expected: str) -> str:
    if expected in HANDLER_NAMES:
        return "handler"
    if step.menu is not None:
        return "menu"
    if _hears_operator(step):
        return "accept"
    assert step.expect is not None
    if expected in step.expect.intents:
        return "intent"
    return step.expect.type


def _hears_operator(step: Step) -> bool:
    """A bridged connect that takes the operator's spoken yes or no on the operator's leg."""
    accept = step.connect.accept if step.connect is not None else None
    return accept is not None and accept.speech


def _route(step: Step, branch: str) -> tuple[Any, ...]:
    """Where a branch leads: equal routes are the same way through the dialog."""
    if branch in step.on:
        return tuple((t.goto, t.transfer, t.hangup, t.resume, t.repeat) for t in step.on[branch])
    if branch in HANDLER_NAMES:
        return ("handler", branch)
    return ("other", branch)


def run_item(item: Item, script: Script, variables: dict[str, Any], slots: dict[str, Any],
             now: datetime) -> Outcome:
    step = script.steps[item.step]
    if _hears_operator(step):
        # The operator's leg reads the answer to an offer exactly as `call.transfer` does;
        # anything else leaves the offer waiting (for a key, another phrase or the timeout).
        answer = nlu.answer_to_offer(item.text, script.language)
        got = {"yes": "answered", "no": "declined"}.get(answer or "", "no_match")
        return Outcome(item, got, got == item.expected, "polar")
    runtime = runtime_for(script)
    state = DialogState(
        script_id=script.id, step=item.step, waiting="input", variables=dict(variables),
        slots={**{name: None for name in runtime.slot_types}, **slots}, now=now,
    )
    dialog = Dialog.restore(script, state)
    if step.menu is not None:  # the menu the caller heard, as the engine builds it
        dialog.state.menu_items = menus.entries(step.menu, dialog._context())
    actions = dialog.handle(ev.UserSaid(text=item.text, at=now))
    got = "no_match"
    layer = "-"
    for action in actions:
        if isinstance(action, act.Understood):
            layer = getattr(action, "layer", None) or "-"
        if isinstance(action, act.Transition) and action.from_step == item.step:
            got = action.branch.removeprefix("handler:").split(":", 1)[0]
            break
    if step.menu is not None and got not in HANDLER_NAMES and got != "no_match":
        # every entry takes the same branch: the entry chosen is what counts
        chosen = dialog.state.slots.get(step.menu.save) if step.menu.save else None
        got = next((str(i + 1) for i, entry in enumerate(dialog.state.menu_items)
                    if entry == chosen), got)
    right = got == item.expected or _route(step, got) == _route(step, item.expected)
    problems = []
    for name, want in item.slots.items():
        have = dialog.state.slots.get(name)
        if not _same(have, want):
            problems.append(f"{name}={have!r} (want {want!r})")
    return Outcome(item, got, right and not problems, layer, problems)


def _same(have: Any, want: Any) -> bool:
    if want is None:
        return have is None
    if isinstance(want, str) and want.startswith("~"):
        return have is not None and re.search(want[1:], str(have)) is not None
    if isinstance(want, bool) or isinstance(have, bool):
        return have is want
    if isinstance(want, int | float) and isinstance(have, int | float):
        return float(have) == float(want)
    return str(have) == str(want)


def report(lang: str, outcomes: list[Outcome], show_held: bool, verbose: bool) -> list[float]:
    """Print the tables for one language; return its held-out accuracies."""
    held_out = []
    print(f"== {lang}")
    splits = [s for s in SPLITS if any(o.item.split == s for o in outcomes)]
    for split in splits:
        subset = [o for o in outcomes if o.item.split == split]
        right = sum(o.right for o in subset)
        accuracy = right / len(subset)
        if split in HELD_OUT:
            held_out.append(accuracy)
        print(f"{lang} {split:<6} accuracy: {accuracy:.3f} ({right}/{len(subset)})")
    by_type: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    for o in outcomes:
        by_type[o.item.kind][o.item.split].append(o.right)
    print(f"{'type':<10}" + "".join(f" {split:>14}" for split in splits))
    for kind in sorted(by_type):
        cells = []
        for split in splits:
            marks = by_type[kind][split]
            cells.append(f"{sum(marks) / len(marks):.3f} ({len(marks):>3})" if marks else "-")
        print(f"{kind:<10}" + "".join(f" {cell:>14}" for cell in cells))
    layers = Counter(o.layer for o in outcomes)
    print("decided by: " + ", ".join(f"{k} {v}" for k, v in layers.most_common()))
    misses = [o for o in outcomes if not o.right]
    shown = [o for o in misses if show_held or o.item.split not in HELD_OUT]
    confusion = Counter((o.item.kind, o.item.expected, o.got) for o in misses)
    if confusion:
        print("confusion of misses (type: expected -> got: count):")
        for (kind, expected, got), count in confusion.most_common():
            print(f"  {kind}: {expected} -> {got}: {count}")
    for o in shown:
        extra = f" [{'; '.join(o.slot_problems)}]" if o.slot_problems else ""
        print(f"  miss {o.item.split} {o.item.script}.{o.item.step}: {o.item.text!r} "
              f"want {o.item.expected}, got {o.got} ({o.layer}){extra}")
    if verbose:
        for o in outcomes:
            if o.right and (show_held or o.item.split not in HELD_OUT):
                print(f"  ok {o.item.script}.{o.item.step}: {o.item.text!r} -> {o.got} "
                      f"({o.layer})")
    return held_out


def semantic_alone(lang: str, items: list[Item], scripts: Scripts) -> None:
    """The semantic layer as the only reader of confirm and intent replies: how often it
    decides, and how often it is right when it does (the figures behind its choice)."""


    from bot_engine.dialog.understanding import _semantic, _step_nlu

    decided = right = total = 0
    times: list[float] = []
    for item in items:
        if item.kind not in ("confirm", "intent"):
            continue
        script = scripts[item.split, item.script][0]
        runtime = runtime_for(script)
        step = script.steps[item.step]
        compiled = _step_nlu(runtime, step)
        _semantic(runtime, step, compiled, "warm up")
        started = time.perf_counter()
        found = _semantic(runtime, step, compiled, item.text)
        times.append((time.perf_counter() - started) * 1e6)
        total += 1
        if found is not None:
            decided += 1
            right += found.branch == item.expected or (
                _route(step, found.branch) == _route(step, item.expected))
    times.sort()
    print(f"{lang} semantic alone: decides {decided}/{total}, right {right}/{decided or 1} "
          f"when it decides ({right / (decided or 1):.3f}), accuracy {right / total:.3f}; "
          f"µs per reply p50 {times[len(times) // 2]:.0f}, p95 {times[int(len(times) * .95)]:.0f}")


def _yes_no_group(step: Step, lang: str) -> str | None:
    """The reply memory's group for a yes/no step's replies (None: not a yes/no step)."""
    if step.expect is None or step.expect.type != "confirm" or step.menu is not None or (
            _hears_operator(step)):
        return None
    return reply_memory.confirm_group(
        polar.question_topic(step.ask.text or "" if step.ask else "", lang))


def memory_row(item: Item, script: Script) -> tuple[str, str, str]:
    """What a reply teaches the reply memory: (group, label, reply), keyed by what it can
    mean on any script (a handler; a yes or a no to a yes/no question of its topic; a
    "don't know" where the step waits for one; else none of those), not by this script's
    step names."""
    if item.expected in HANDLER_NAMES:
        return reply_memory.HANDLER, item.expected, item.text
    step = script.steps[item.step]
    group = _yes_no_group(step, script.language)
    if group is not None:
        label = item.expected if item.expected in ("yes", "no") else reply_memory.NONE
        return group, label, item.text
    if step.expect is not None and item.expected == _hedge_intent(script, step):
        return reply_memory.STEP, reply_memory.DONT_KNOW, item.text
    return reply_memory.STEP, reply_memory.NONE, item.text


@functools.cache
def _sibling(name: str) -> ModuleType:
    """`bench/<name>.py`, loaded once (bench/ is no package)."""
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _trainer() -> ModuleType:
    """`bench/nlu_classifier.py`, which needs scikit-learn (a development dependency)."""
    return _sibling("nlu_classifier")


def classifier_row(item: Item, setup: Setup) -> tuple[str, str, str, str] | None:
    """What a reply teaches the reply classifier: (the question's context, label, reply,
    the names a question about who answered asks for), the labels meaning the same on any
    script; None where the classifier is never asked (a menu, the operator's leg)."""
    script, variables = setup[0], setup[1]
    step = script.steps[item.step]
    if step.expect is None or step.menu is not None or _hears_operator(step):
        return None
    from bot_engine.dialog.understanding import _asked_names, _step_nlu

    compiled = _step_nlu(runtime_for(script), step)
    confirm = step.expect.type == "confirm"
    ctx = reply_classifier.context(compiled.topic, confirm)
    names = " ".join(_asked_names(compiled, variables))
    if item.expected in HANDLER_NAMES:
        return ctx, item.expected, item.text, names
    if confirm:  # a step's own intent that goes where yes or no goes ("busy") says that
        for answer in ("yes", "no"):
            if item.expected == answer or (
                    answer in step.on and _route(step, item.expected) == _route(step, answer)):
                return ctx, answer, item.text, names
    if item.expected == _hedge_intent(script, step):
        return ctx, reply_classifier.DONT_KNOW, item.text, names
    return ctx, reply_classifier.NONE, item.text, names


def classifier_rows(items: list[Item], scripts: Scripts,
                    leave_out: tuple[str, ...] = ()) -> list[tuple[str, str, str, str]]:
    """The reply classifier's rows from every split that is not held out (nor left out)."""
    rows = [classifier_row(item, scripts[item.split, item.script]) for item in items
            if item.split not in HELD_OUT and item.split not in leave_out]
    lang = items[0].lang if items else None
    return [row for row in rows if row is not None] + (_curated().read(lang) if lang else [])


def _curated() -> ModuleType:
    """`bench/nlu_curated.py`: the curated paraphrase tests as classifier rows."""
    return _sibling("nlu_curated")


def write_curated() -> Path:
    """Collect the curated paraphrase tests and write their classifier rows."""
    from bot_engine.script import load_script_file
    from tests.nlu.polar_questions import VARIABLES, now_of

    curated = _curated()
    rows: dict[str, set[tuple[str, str, str, str]]] = {"ru": set(), "en": set()}
    for script_file, step, text, branch in curated.collect():
        lang = "ru" if ".ru." in script_file else "en"
        script = load_script_file(ROOT / "dialogs" / script_file).script
        item = Item(lang, "curated", script_file, step, curated.label(branch), text, {})
        row = classifier_row(item, (script, VARIABLES[script_file], {}, now_of(lang)))
        if row is not None:
            rows[lang].add(row)
    return curated.write({lang: sorted(found) for lang, found in rows.items()})


def _hedge_intent(script: Script, step: Step) -> str | None:
    """The step's "don't know" intent, as the understanding finds it."""
    from bot_engine.dialog.understanding import _step_nlu

    return _step_nlu(runtime_for(script), step).hedge_intent


def memory_rows(items: list[Item], scripts: Scripts,
                leave_out: tuple[str, ...] = ()) -> list[tuple[str, str, str]]:
    """The reply memory's rows from every split that is not held out (nor left out)."""
    rows = {memory_row(item, scripts[item.split, item.script][0]) for item in items
            if item.split not in HELD_OUT and item.split not in leave_out}
    # a "don't know" where a step waits for one says more than "none" where another did not
    knows_not = {text for group, label, text in rows
                 if group == reply_memory.STEP and label == reply_memory.DONT_KNOW}
    return sorted(row for row in rows if not (
        row[0] == reply_memory.STEP and row[1] == reply_memory.NONE and row[2] in knows_not))


def write_memory(lang: str, items: list[Item], scripts: Scripts) -> Path:
    """Regenerate `bot_engine/nlu/reply_memory.<lang>.json` from the eval set."""
    rows = memory_rows(items, scripts)
    path = ROOT / "bot_engine" / "nlu" / f"reply_memory.{lang}.json"
    splits = [s for s in SPLITS if s not in HELD_OUT and any(i.split == s for i in items)]
    about = (f"Generated by bench/nlu_eval.py --write-memory from the {lang} splits "
             f"{', '.join(splits)} (never the held-out ones: {', '.join(HELD_OUT)}).")
    lines = ",\n".join(json.dumps(list(row), ensure_ascii=False) for row in rows)
    path.write_text(f'{{"about": {json.dumps(about)},\n"replies": [\n{lines}\n]}}\n',
                    encoding="utf-8")
    model = ROOT / "bot_engine" / "nlu" / f"reply_classifier.{lang}.json"
    _trainer().write(model, classifier_rows(items, scripts), lang,
                         about.replace("--write-memory", "--write-memory (the reply classifier)"))
    return path


def memory_alone(lang: str, items: list[Item], scripts: Scripts) -> None:
    """Leave-one-batch-out calibration of the reply memory: every reply of each tuned
    split recalled from the other tuned splits only, as the understanding asks it (a
    handler anywhere, a yes or a no on a yes/no step), over thresholds and margins: how
    often it decides and how often it is right when it does."""
    points = [(t, m) for t in (0.65, 0.7, 0.75, 0.8) for m in (0.03, 0.06, 0.09)]
    decided = Counter[tuple[float, float]]()
    right = Counter[tuple[float, float]]()
    splits = [s for s in SPLITS if s not in HELD_OUT and any(i.split == s for i in items)]
    times: list[float] = []
    for split in splits:
        table = reply_memory.build(lang, memory_rows(items, scripts, leave_out=(split,)))
        assert table is not None, "the reply memory needs the word vectors"
        for item in items:
            if item.split != split:
                continue
            script = scripts[split, item.script][0]
            step = script.steps[item.step]
            if step.expect is None or step.menu is not None or _hears_operator(step):
                continue  # a menu entry or the operator's answer: the memory is not asked
            runtime = runtime_for(script)
            handlers = [n for n in HANDLER_NAMES if n in runtime.handler_specs]
            hedge = _hedge_intent(script, step)
            if hedge is not None:
                handlers.append(reply_memory.DONT_KNOW)
            group = _yes_no_group(step, lang)
            if group is not None:
                groups = (group, reply_memory.HANDLER, reply_memory.STEP)
                labels = handlers + ([] if step.consent else ["yes", "no"])
            else:
                groups, labels = (reply_memory.HANDLER, reply_memory.STEP), handlers
            if cues.hedge(item.text, lang):
                continue  # the understanding never asks the memory about a hedge
            started = time.perf_counter()
            ranked = table.ranked(item.text, groups)
            times.append((time.perf_counter() - started) * 1e6)
            for point in points:
                found = reply_memory.decide(ranked, labels, *point, table.texts)
                if found is None:
                    continue
                decided[point] += 1
                label = hedge if found.label == reply_memory.DONT_KNOW else found.label
                assert label is not None
                right[point] += label == item.expected or (
                    _route(step, label) == _route(step, item.expected))
    total = len([i for i in items if i.split in splits])
    for point in points:
        share = right[point] / (decided[point] or 1)
        mark = " <- in use" if point == (reply_memory.THRESHOLD, reply_memory.MARGIN) else ""
        print(f"{lang} memory alone at cosine {point[0]:.2f}, margin {point[1]:.2f}: decides "
              f"{decided[point]}/{total}, right {share:.3f} when it does{mark}")
    times.sort()
    print(f"{lang} memory: µs per recall p50 {times[len(times) // 2]:.0f}, "
          f"p95 {times[int(len(times) * .95)]:.0f}")


CALIBRATION = ("fresh23", "fresh24", "fresh25", "fresh26", "fresh27", "fresh28", "fresh29")
"""Batches no rule was written for (written blind, held out in rounds seventeen to
nineteen): where the reply classifier's thresholds and guards are chosen."""


def classifier_alone(lang: str, items: list[Item], scripts: Scripts) -> None:
    """Leave-one-batch-out calibration of the reply classifier: each batch of CALIBRATION
    read by a classifier and a reply memory trained without it, through the whole
    understanding; how many replies each threshold setting gets right, against the
    understanding without the classifier."""
    import bot_engine.dialog.understanding as understanding

    trainer = _trainer()
    seen: dict[str, tuple[Any, Any]] = {}
    original = understanding._weighed

    def spy(runtime: Any, step: Step, text: str, _now: datetime, _slots: dict[str, Any],
            out: Any, variables: dict[str, Any] | None) -> Any:
        seen["last"] = (out, understanding.classifier_reading(runtime, step, text, variables),
                        variables)
        return out

    records = []
    understanding._weighed = spy  # type: ignore[assignment]
    try:
        for split in CALIBRATION:
            rows = classifier_rows(items, scripts, leave_out=(split,))
            reply_classifier._loaded[lang] = reply_classifier.parse(trainer.train(rows, lang))
            reply_memory._loaded[lang] = reply_memory.build(
                lang, memory_rows(items, scripts, leave_out=(split,)))
            for item in items:
                if item.split != split:
                    continue
                seen.clear()
                outcome = run_item(item, *scripts[item.split, item.script])
                if "last" in seen:
                    records.append((item, outcome, *seen["last"]))
                else:
                    records.append((item, outcome, None, None, None))
    finally:
        understanding._weighed = original  # type: ignore[assignment]
        reply_classifier._loaded.pop(lang, None)
        reply_memory._loaded.pop(lang, None)
    base = sum(outcome.right for _, outcome, _, _, _ in records)
    print(f"{lang} classifier, leave one batch out on {', '.join(CALIBRATION)}: "
          f"{base}/{len(records)} right without it")
    saved = (reply_classifier.FALLBACK, reply_classifier.OVERRULE, reply_classifier.KEPT)

    def score(kinds: Counter[tuple[str, str]] | None = None) -> tuple[int, int, int]:
        right = fixed = broken = 0
        for item, outcome, out, found, _variables in records:
            script = scripts[item.split, item.script][0]
            step = script.steps[item.step]
            branch = (understanding._classifier_branch(
                runtime_for(script), step, item.text, found, out)
                if out is not None else None)
            if branch is None:
                right += outcome.right
                continue
            ok = not outcome.slot_problems and (
                branch == item.expected or _route(step, branch) == _route(step, item.expected))
            right += ok
            fixed += ok and not outcome.right
            broken += outcome.right and not ok
            if kinds is not None:
                kind = ("no match" if (out.handler or out.branch) is None
                        else understanding.decided_by(out))
                kinds[kind, "right" if ok and not outcome.right else
                      "wrong" if outcome.right and not ok else "same"] += 1
        return right, fixed, broken

    try:
        for fallback, overrule in itertools.product((0.5, 0.55, 0.6, 0.7), (0.7, 0.8, 0.9, 2.0)):
            reply_classifier.FALLBACK, reply_classifier.OVERRULE = fallback, overrule
            right, fixed, broken = score()
            print(f"  fallback {fallback:.2f} overrule {overrule:.1f}: {right}/{len(records)} "
                  f"= {right / len(records):.4f} (+{fixed} -{broken})")
        reply_classifier.FALLBACK, reply_classifier.OVERRULE = saved[:2]
        kinds = Counter[tuple[str, str]]()
        reply_classifier.KEPT = frozenset()
        score(kinds)
        print("  what it would replace, by the reading that decided (at the shipped "
              "thresholds; right/wrong: a miss it mends, a right answer it breaks):")
        for kind in sorted({kind for kind, _ in kinds}):
            print(f"    {kind:12} right {kinds[kind, 'right']:3}  wrong {kinds[kind, 'wrong']:3}"
                  f"  same way {kinds[kind, 'same']:3}"
                  + ("  (kept)" if kind in saved[2] else ""))
    finally:
        (reply_classifier.FALLBACK, reply_classifier.OVERRULE,
         reply_classifier.KEPT) = saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=["ru", "en"], action="append")
    parser.add_argument("--show-held", action="store_true",
                        help="also list the held-out misses (then they are no longer held out)")
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--semantic-alone", action="store_true",
                        help="also score the semantic layer alone on confirm/intent replies")
    parser.add_argument("--skip", choices=SPLITS, action="append", default=[],
                        help="leave a split out (a held-out batch while tuning on the others)")
    parser.add_argument("--memory-alone", action="store_true",
                        help="calibrate the reply memory: each tuned split recalled from "
                             "the others")
    parser.add_argument("--no-memory", action="store_true",
                        help="turn the reply memory off, its word-for-word recall too "
                             "(an ablation: the rules and the semantic layer alone)")
    parser.add_argument("--write-memory", action="store_true",
                        help="regenerate bot_engine/nlu/reply_memory.<lang>.json from the "
                             "splits that are not held out")
    parser.add_argument("--classifier-alone", action="store_true",
                        help="calibrate the reply classifier: each batch of CALIBRATION read "
                             "by a classifier trained without it")
    parser.add_argument("--no-classifier", action="store_true",
                        help="turn the reply classifier off (an ablation)")
    parser.add_argument("--no-semantic", action="store_true",
                        help="rules only: turn the semantic layer off (an ablation)")
    args = parser.parse_args()
    if args.no_semantic:
        from bot_engine.nlu import semantic

        semantic.THRESHOLD = 2.0  # no cosine reaches it
    if args.no_memory:  # neither the nearest reply nor one heard word for word
        reply_memory.memory = lambda _lang: None  # type: ignore[assignment]
    if args.no_classifier:
        reply_classifier.classifier = lambda _lang: None  # type: ignore[assignment]
    worst = []
    if args.write_memory:
        print(f"wrote {write_curated()}")
    for lang in args.lang or ["ru", "en"]:
        items, scripts = load_items(lang, tuple(args.skip))
        if args.write_memory:
            print(f"wrote {write_memory(lang, items, scripts)}")
            continue
        if args.memory_alone:
            memory_alone(lang, items, scripts)
        if args.classifier_alone:
            classifier_alone(lang, items, scripts)
            continue
        outcomes = [run_item(item, *scripts[item.split, item.script]) for item in items]
        if args.semantic_alone:
            semantic_alone(lang, items, scripts)
        worst += report(lang, outcomes, args.show_held, args.verbose)
    print(f"nlu_eval_worst_accuracy: {min(worst, default=1.0):.3f}")


if __name__ == "__main__":
    main()
