"""Reply classifier: a linear model over the words of thousands of labelled phone replies,
asked after the rules.

The rules know the families someone wrote down; the reply memory finds the one remembered
reply nearest a turn. Neither weighs every word against every other reply: "да, пока на
парах перерыв" is a yes because "да" opens it and nothing in it refuses, although "на
парах" is how a busy caller says no. A logistic regression trained on the project's NLU eval
set (every split that is not held out, `bench/nlu_eval/`) learns those weights. Its
features (`features`) are the reply's lemmas, each also crossed with the question's context
(a fact that is a no to "is now convenient" may be a yes to "is it still relevant"); the
pairs of adjacent lemmas; the opening word, alone and with the context; the context alone;
and a negation scope: the three words after a negator are features of their own
(``not_<lemma>``). Counts are sublinear (1 + log), weighted by IDF and normalised; the
model is a logistic regression (C = 10, `bench/nlu_classifier.py`). Skip-pairs, the last
word, the opening two words, word-final letters, word prefixes, the context crossed with
pairs, a scope of two or four words and balanced class weights were tried and gained
nothing on both languages' calibration (`bench/nlu_eval.py --classifier-alone`).

It knows a closed set of labels that mean the same on any script: yes, no, a "don't know"
(`DONT_KNOW`) to a question that waits for one, the four handlers, and none of these
(`NONE`). The understanding asks it over the options the step has, and takes its answer when
nothing else understood the turn (at `FALLBACK`) or against the rules' readings it is sure
are wrong (at `OVERRULE`), but for the kinds in `KEPT`. On a consent step it reads a
refusal it is sure of (`CONSENT_SURE`), never a consent, and it refuses a consent the rules
read from a fact of agreement in a reply that opens with a no ("nope, email works great for
me"). It is trained on the curated paraphrase tests too (`bench/nlu_curated.py`), so the
classes they pin hold where it reads a turn. The thresholds and guards come from
leave-one-batch-out calibration (`bench/nlu_eval.py --classifier-alone`).

The weights are trained by `bench/nlu_eval.py --write-memory` (scikit-learn, a development
dependency) and shipped as `reply_classifier.<lang>.json`; here they are only read, once per
process, and applied with a dictionary lookup per feature: deterministic, offline, tens of
microseconds a turn.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Collection
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import bot_engine.nlu.cues as cues
import bot_engine.nlu.given_names as given_names
from bot_engine.nlu.lang import Lang, lang_of
from bot_engine.nlu.light_words import NEGATORS
from bot_engine.nlu.text import lemma_tuple

NONE = "_none"
"""None of the labels: a value, an intent of the step's own, or nothing usable."""
DONT_KNOW = "dont_know"
"""A "don't know yet" to a question that waits for one (the step's hedge intent)."""
STEP = "step"
"""The context of a question that is not a yes/no question."""

FALLBACK = 0.6
"""Probability (over the step's options) the best label needs when nothing else decided."""
OVERRULE = 0.8
"""Probability the best label needs to replace the rules' own answer."""
RULE_SURE = 1.0
"""The rules' confidence at which the classifier no longer overrules them: a phrase they
know word for word ("of course not") is theirs."""
PARTICLE = "particle"
"""The family of a yes or a no the rules read from an answer word ("of course not")."""
KEPT: frozenset[str] = frozenset({"handler", "intent", "later", "available", "still", "wrong",
                                  "reversed"})
"""The readings of the rules the classifier never replaces (`understanding.decided_by`): a
handler (the model confuses asking again with asking who calls), a script's own intent
(its author's word), a deferral («давайте попозже»), and the facts of time to talk, of a
need still open and of a wrong person the curated classes pin («я на пассажирском еду» is
time to talk, "yes christina speaking" is no "Christian"), and an opening answer word
that what follows reverses (`nlu.openers`: «нет, почему, давайте»), where the model hears
the opening word. Every other reading (an answer
word, a busy or done fact, a value, an agreement or refusal read from a fact, the weaker
layers) yields to a reading it is sure of (`OVERRULE`): on unseen batches it was right
about nine times in ten where it disagreed with them («а номер этот вы откуда взяли, он
его никому не давал» asks who calls, whatever its «не» says)."""
CONSENT_LABELS: frozenset[str] = frozenset({"operator", "opt_out"})
"""What the classifier reads on a consent step at its usual thresholds: a request for a
person or to stop calling."""
CONSENT_SURE = 0.8
"""Probability a refusal needs on a consent step, where a wrong reading is a wrong legal
record."""
_FILES = {code: Path(__file__).with_name(f"reply_classifier.{code}.json")
          for code in ("ru", "en")}


def context(topic: str | None, confirm: bool) -> str:
    """The question a reply answers, as the model knows it: a yes/no question's topic
    (`polar.question_topic`), else any other question."""
    return f"confirm:{topic or 'other'}" if confirm else STEP


_SCOPE_OPENERS = NEGATORS | {"нет", "нету", "no"}
_NEGATION_SCOPE = 3
"""Words after a negator that carry it: their features are their own, marked."""

OPENS = "^"
"""The mark of the reply's opening word."""

ASKED_NAME = "<asked>"
OTHER_NAME = "<name>"


def named(words: tuple[str, ...], asked: tuple[str, ...], lang: str) -> tuple[str, ...]:
    """To "is this Ann?", the reply's names as what they are to the question: the name
    asked (or a form of it) or another name. The model cannot know that "олег слушает" is a
    no to «это Иван?» from the words alone."""
    if not asked:
        return words
    code = lang_of(lang)
    return tuple(
        ASKED_NAME if any(given_names.same_name(word, name, code) for name in asked)
        else OTHER_NAME if cues.is_first_name(word, code) or given_names.is_short_form(word, code)
        else word
        for word in words)


def features(words: tuple[str, ...], ctx: str) -> dict[str, float]:
    """A reply's features (its lemmas) with their weights before IDF: lemmas, adjacent
    pairs, each lemma with the question's context, the opening word alone and with the
    context (on the phone the answer comes first: «да», "nah", «слушаю»), and the context
    alone; sublinear counts."""
    tag = ctx.replace(":", "")
    counts: dict[str, int] = {}
    if words:
        counts[f"{OPENS}{words[0]}"] = 1
        counts[f"{tag}__{OPENS}{words[0]}"] = 1
    scope = 0
    for word in words:
        if word in _SCOPE_OPENERS:
            scope = _NEGATION_SCOPE + 1
        elif scope:
            word = f"not_{word}"  # «нет настроения» says nothing of «в хорошем настроении»
        scope = max(0, scope - 1)
        counts[word] = counts.get(word, 0) + 1
        crossed = f"{tag}__{word}"
        counts[crossed] = counts.get(crossed, 0) + 1
    for first, second in pairwise(words):
        pair = f"{first}_{second}"
        counts[pair] = counts.get(pair, 0) + 1
    counts[f"CTX_{tag}"] = 1
    return {name: 1.0 + math.log(count) for name, count in counts.items()}


@dataclass(frozen=True, slots=True)
class Reading:
    label: str
    probability: float
    runner_up: tuple[str, float] | None
    named: bool
    """Whether the reply says a name (to a question about who answered)."""


@dataclass(frozen=True)
class ReplyClassifier:
    labels: tuple[str, ...]
    bias: tuple[float, ...]
    table: dict[str, tuple[float, tuple[float, ...]]]
    """Per feature: its IDF and its weight for each label. A reply has a dozen features and
    the model eight labels, so plain floats beat numpy's per-call overhead (11 against 17
    µs a reading)."""

    def read(self, text: str, ctx: str, lang: str, options: Collection[str],
             asked: tuple[str, ...] = ()) -> Reading | None:
        """The most probable of ``options`` (labels of this model) for the reply, with its
        probability among them; None when no option is a label or no word is known.
        ``asked``: the names a question about who answered asks for."""
        words = named(lemma_tuple(text, lang_of(lang)), asked, lang)
        ranked = self._ranked(words, ctx, options)
        if ranked is None:
            return None
        runner = (ranked[1][1], round(ranked[1][0], 3)) if len(ranked) > 1 else None
        return Reading(ranked[0][1], round(ranked[0][0], 4), runner,
                       ASKED_NAME in words or OTHER_NAME in words)

    def _ranked(self, words: tuple[str, ...], ctx: str,
                options: Collection[str]) -> list[tuple[float, str]] | None:
        wanted = [i for i, label in enumerate(self.labels) if label in options]
        if not wanted or not words:
            return None
        scores = [0.0] * len(self.labels)
        square = 0.0
        for name, value in features(words, ctx).items():
            entry = self.table.get(name)
            if entry is None:
                continue
            weighted = value * entry[0]
            square += weighted * weighted
            row = entry[1]
            for i in wanted:
                scores[i] += weighted * row[i]
        if not square:
            return None
        norm = math.sqrt(square)
        chosen = [self.bias[i] + scores[i] / norm for i in wanted]
        top = max(chosen)
        exps = [math.exp(score - top) for score in chosen]
        total = sum(exps)
        return sorted(((e / total, self.labels[i]) for e, i in zip(exps, wanted, strict=True)),
                      reverse=True)


def parse(data: dict[str, Any]) -> ReplyClassifier:
    """A classifier from its JSON form (`bench/nlu_eval.py --write-memory` writes it)."""
    labels = tuple(str(label) for label in data["labels"])
    table = {str(name): (float(entry[0]), tuple(float(w) for w in entry[1:]))
             for name, entry in data["features"].items()}
    return ReplyClassifier(labels, tuple(float(b) for b in data["bias"]), table)


_loaded: dict[Lang, ReplyClassifier | None] = {}
_lock = threading.Lock()


def classifier(lang: str) -> ReplyClassifier | None:
    """The process-wide classifier of ``lang`` (read on first use; None without a file)."""
    code = lang_of(lang)
    if code not in _loaded:
        with _lock:
            if code not in _loaded:
                path = _FILES[code]
                _loaded[code] = (parse(json.loads(path.read_text(encoding="utf-8")))
                                 if path.exists() else None)
    return _loaded[code]
