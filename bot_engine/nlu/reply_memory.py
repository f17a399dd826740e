"""Reply memory: the nearest of thousands of labelled phone replies, for a turn nothing
else understood.

The rules know the families someone wrote down, and the semantic layer compares a reply
with a step's few examples. Neither has heard how many ways callers say the same thing:
"у меня руки в краске" and "я на лесах стою" are both a no to "удобно говорить?". The
memory holds every reply of the project's NLU eval set that is not held out
(`bench/nlu_eval/`, thousands per language, each labelled by what it answered), keyed by
what they can mean anywhere, not by the shipped scripts' step names:

- ``handler``: a request for a person, to stop calling, to repeat, who is calling;
- ``confirm:<topic>``: a yes, a no or neither to a yes/no question of that topic
  (`polar.question_topic`: "is now convenient", "is it still relevant", "is this Ivan"…),
  so a customer's own question of the same topic meets them too;
- ``step``: replies to other questions (a date, a budget, an intent): a "don't know"
  (`DONT_KNOW`) where the step waits for one, else none of the above, kept so a value or
  an intent is never pulled toward a handler.

It runs last, only when the rules and the semantic layer decided nothing (a re-ask
otherwise), with the semantic layer's word vectors; a reply and a remembered reply that
disagree on negation, or speak of opposite sides («у нас» / «у вас»), are never
compared. Its threshold and margin come from leave-one-
batch-out calibration (`bench/nlu_eval.py --memory-alone`): each batch recalled from the
others only. The table is built once per process from `reply_memory.<lang>.json`
(regenerated with `bench/nlu_eval.py --write-memory`) and shared by every call.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import bot_engine.nlu.semantic as semantic
from asr_tts.decode_threads import single_threaded_blas
from bot_engine.nlu.lang import Lang, lang_of
from bot_engine.nlu.light_words import negated, side
from bot_engine.nlu.text import lemma_tuple, normalize

HANDLER = "handler"
STEP = "step"
NONE = "_none"
"""The label of a remembered reply that answered none of a group's options."""
DONT_KNOW = "dont_know"
"""A "don't know yet" to a question that waits for one (a step's hedge intent)."""

THRESHOLD = 0.75
"""Cosine the nearest remembered reply must reach."""
MARGIN = 0.06
"""How much nearer it must be than the nearest reply with another label."""
_TOP = 48
"""Remembered replies ranked per recall (a label's best is among them)."""

_FILES = {code: Path(__file__).with_name(f"reply_memory.{code}.json") for code in ("ru", "en")}


def confirm_group(topic: str | None) -> str:
    """The group of replies to a yes/no question of ``topic``."""
    return f"confirm:{topic or 'other'}"


@dataclass(frozen=True, slots=True)
class Recalled:
    label: str
    score: float
    near: str
    """The remembered reply nearest to the one heard (for `voicebot chat`)."""


@dataclass
class ReplyMemory:
    lang: Lang
    texts: list[str]
    labels: np.ndarray
    negated: np.ndarray
    sides: np.ndarray
    """Whose side each reply speaks of (`light_words.side`): replies about opposite sides
    are never compared, as replies that disagree on negation."""
    matrix: np.ndarray
    exact: dict[tuple[str, str], frozenset[str]]
    """(group, normalized reply) -> its labels: a reply heard word for word as remembered
    takes its label, however many others its averaged vector ties with («ну я же вы мне
    звоните» and «как хотите так и звоните» both come down to «звонить»)."""
    blocks: dict[str, tuple[tuple[bool, str, int, int], ...]]
    """Each group's rows, kept together and split by (negated, side): a recall multiplies
    only the rows it may compare (views of the matrix, not the whole of it, nor a copy).
    The product reads the whole block from memory, so rows it would discard cost as
    much as the rest."""

    def ranked(self, text: str, groups: Collection[str]) -> list[tuple[str, float, int]]:
        """Each label's nearest remembered reply among ``groups``: (label, cosine, row),
        nearest first (empty when no word of ``text`` is known)."""
        asked = [self.blocks[group] for group in sorted(set(groups)) if group in self.blocks]
        if not asked:
            return []
        vector = semantic.embed(text, self.lang)
        if vector is None:
            return []
        lemmas = lemma_tuple(text, self.lang)
        is_negated = negated(lemmas)
        speaks_of = side(lemmas)
        found: list[tuple[float, int]] = []
        for blocks in asked:
            for block_negated, block_side, start, end in blocks:
                if block_negated != is_negated or (
                        speaks_of and block_side not in (speaks_of, "")):
                    continue
                scores = self.matrix[start:end] @ vector
                top = np.argpartition(-scores, min(_TOP, len(scores) - 1))[:_TOP]
                found.extend((float(scores[index]), start + index) for index in top.tolist())
        found.sort(key=lambda pair: -pair[0])
        best: dict[str, tuple[str, float, int]] = {}
        for score, index in found[:_TOP]:
            if score < 0:
                break
            label = str(self.labels[index])
            if label not in best:
                best[label] = (label, score, index)
        return sorted(best.values(), key=lambda found: -found[1])

    def recall(self, text: str, groups: Collection[str],
               labels: Collection[str]) -> Recalled | None:
        """The label of the remembered replies nearest to ``text`` among ``groups``, if
        near and clear enough; None when unsure, or when the nearest answered none of
        ``labels`` (a `_none` reply, or a handler the script does not have)."""
        key = normalize(text, self.lang)
        same = frozenset().union(*(self.exact.get((group, key), ()) for group in groups))
        if len(same) == 1:
            label = next(iter(same))
            return Recalled(label, 1.0, text) if label in labels else None
        return decide(self.ranked(text, groups), labels, THRESHOLD, MARGIN, self.texts)


def decide(ranked: list[tuple[str, float, int]], labels: Collection[str], threshold: float,
           margin: float, texts: list[str]) -> Recalled | None:
    """What ``ReplyMemory.ranked`` says at a threshold and margin (split out so the
    calibration sweeps them over one ranking)."""
    if not ranked or ranked[0][1] < threshold:
        return None
    if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < margin:
        return None
    label, score, index = ranked[0]
    if label not in labels:
        return None
    return Recalled(label, round(score, 4), texts[index])


def build(lang: str, rows: Iterable[tuple[str, str, str]]) -> ReplyMemory | None:
    """A memory of (group, label, reply) rows; None without word vectors."""
    code = lang_of(lang)
    if semantic.word_vectors(code) is None:
        return None
    # A recall is one matrix-vector product over thousands of rows: large enough for
    # OpenBLAS to spread it over every core and leave its threads spinning there, which
    # halved the dialog engine's turns per CPU-second (bench/dialog_throughput.py).
    single_threaded_blas()
    texts: list[str] = []
    labels: list[str] = []
    negs: list[bool] = []
    sides: list[str] = []
    exact: dict[tuple[str, str], set[str]] = {}
    vectors: list[np.ndarray] = []
    keyed: list[tuple[str, bool, str, str, str, np.ndarray]] = []
    for group, label, text in rows:
        vector = semantic.embed(text, code)
        if vector is None:
            continue
        lemmas = lemma_tuple(text, code)
        keyed.append((group, negated(lemmas), side(lemmas), label, text, vector))
    # the rows of one (group, negated, side) block together, in the order they came
    keyed.sort(key=lambda row: row[:3])
    spans: dict[tuple[str, bool, str], tuple[int, int]] = {}
    rows_seen: set[tuple[str, str, bool, str, bytes]] = set()
    for group, is_negated, speaks_of, label, text, vector in keyed:
        exact.setdefault((group, normalize(text, code)), set()).add(label)
        seen = (group, label, is_negated, speaks_of, vector.tobytes())
        if seen in rows_seen:
            continue  # the same words another way round: one row recalls both (a fifth of ru)
        rows_seen.add(seen)
        texts.append(text)
        labels.append(label)
        negs.append(is_negated)
        sides.append(speaks_of)
        key = (group, is_negated, speaks_of)
        spans[key] = (spans.get(key, (len(vectors), 0))[0], len(vectors) + 1)
        vectors.append(vector)
    if not vectors:
        return None
    blocks: dict[str, list[tuple[bool, str, int, int]]] = {}
    for (group, is_negated, speaks_of), (start, end) in spans.items():
        blocks.setdefault(group, []).append((is_negated, speaks_of, start, end))
    return ReplyMemory(code, texts, np.array(labels), np.array(negs),
                       np.array(sides), np.vstack(vectors),
                       {key: frozenset(found) for key, found in exact.items()},
                       {group: tuple(found) for group, found in blocks.items()})


def read_rows(lang: str) -> list[tuple[str, str, str]]:
    """The shipped (group, label, reply) rows of ``lang``."""
    data = json.loads(_FILES[lang_of(lang)].read_text(encoding="utf-8"))
    return [(str(group), str(label), str(text)) for group, label, text in data["replies"]]


_loaded: dict[Lang, ReplyMemory | None] = {}
_lock = threading.Lock()


def memory(lang: str) -> ReplyMemory | None:
    """The process-wide memory of ``lang`` (built on first use; None without vectors)."""
    code = lang_of(lang)
    if code not in _loaded:
        with _lock:
            if code not in _loaded:
                _loaded[code] = build(code, read_rows(code))
    return _loaded[code]
