"""Intent matching from a script's examples and regular expressions.

Every example is lemmatized once, when the matcher is built (once per script). A turn
then costs: lemmatize the utterance (cached per word), map each lemma onto the
examples' vocabulary (exact, or fuzzy for ASR slips like "аператор"), and score only the
examples that share a lemma with it. The score is a recall-weighted F-measure over the
lemma sets, so word order does not matter and a few extra words ("можно мне, пожалуйста,
живого человека") cost little, while an utterance that covers half an example does not
reach the threshold.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import lru_cache
from re import _constants as sre_constants  # type: ignore[attr-defined,unused-ignore]
from re import _parser as sre_parser  # type: ignore[attr-defined,unused-ignore]
from typing import TypeAlias

from pydantic import BaseModel, Field
from rapidfuzz import fuzz, process

from bot_engine.nlu.builtin import TRUSTED_PATTERNS
from bot_engine.nlu.errors import NluInputError
from bot_engine.nlu.intent_spec import IntentSpec
from bot_engine.nlu.lang import Lang, lang_of
from bot_engine.nlu.light_words import LIGHT_WORDS, NEGATORS, negated
from bot_engine.nlu.morph import ru_is_known
from bot_engine.nlu.regex_keys import SpacedStrings, any_of, needed_anywhere
from bot_engine.nlu.text import lemma_tuple, normalize, surface_lemmas
from bot_engine.nlu.warmup import warm_up
from bot_engine.tenant_regex import PatternError, TenantPattern, compile_pattern

__all__ = ["IntentMatch", "IntentMatcher", "IntentSpec", "negated"]


class IntentMatch(BaseModel):
    """The best intent for an utterance; ``intent`` is None on no match or ambiguity."""

    intent: str | None
    confidence: float = Field(ge=0.0, le=1.0)
    ranking: list[tuple[str, float]] = []
    ambiguous: bool = False


log = logging.getLogger(__name__)

_LIGHT_WEIGHT = 0.3
_PATTERN_CONFIDENCE = 0.95
_BETA2 = 4.0  # F-beta with beta=2: recall of the example matters more than extra words.


_RU_VOWELS = str.maketrans({"о": "а", "е": "и", "ё": "и", "я": "а", "ю": "у", "э": "и",
                             "ы": "и", "ь": None, "ъ": None})  # fmt: skip
_DOUBLE = re.compile(r"(.)\1+")


def _sound(word: str, lang: Lang) -> str:
    """A rough sound key: unstressed Russian vowels merge (о/а, е/и), soft signs and
    doubled letters vanish. ASR and hurried typing confuse exactly these."""
    if lang == "ru":
        word = word.translate(_RU_VOWELS)
    return _DOUBLE.sub(r"\1", word)


def _closest(
    word: str, vocabulary: list[str], cutoff: float | None = None
) -> tuple[str, float] | None:
    """The vocabulary word ``word`` is most likely a mis-hearing of, with its similarity."""
    if not vocabulary:
        return None
    if cutoff is None:
        cutoff = 80.0 if len(word) < 8 else 75.0
    for candidate, score, _ in process.extract(
        word, vocabulary, scorer=fuzz.ratio, score_cutoff=cutoff, limit=3
    ):
        # A word that only adds a prefix is another word, not an ASR slip:
        # "неудобно" is the opposite of "удобно", "uninterested" of "interested".
        if candidate.endswith(word) or word.endswith(candidate):
            continue
        return candidate, score / 100.0
    return None


_Pattern: TypeAlias = re.Pattern[str] | TenantPattern


def _anchored(pattern: str) -> bool:
    """Whether every match of ``pattern`` starts at the beginning of the text (it opens
    with "^" outside any top-level alternation)."""
    try:
        items = list(sre_parser.parse(pattern))
    except re.error:
        return False
    return bool(items) and items[0] == (sre_constants.AT, sre_constants.AT_BEGINNING)


def _joined(patterns: list[_Pattern], trusted: bool) -> list[_Pattern]:
    """One alternation per intent: a turn then runs one regex search per intent instead
    of one per pattern. Patterns with back-references or inline flags, which would
    change meaning inside an alternation, stay separate. Trusted (built-in) patterns are
    lowercase over lowercase text: no IGNORECASE, which costs a third of a search."""
    if len(patterns) < 2:
        return patterns
    simple = [p for p in patterns if not re.search(r"\\\d|\(\?P=|\(\?[aiLmsux]+\)", p.pattern)]
    rest = [p for p in patterns if p not in simple]
    if len(simple) < 2:
        return patterns
    source = "|".join(f"(?:{p.pattern})" for p in simple)
    try:
        joined: _Pattern = (re.compile(source) if trusted
                            else compile_pattern(source, ignore_case=True))
    except (re.error, PatternError):
        return patterns
    return [joined, *rest]


def _gate(rx: _Pattern) -> re.Pattern[str] | None:
    """A search for the strings a built-in pattern cannot match without (`regex_keys`):
    a few literals cost a fraction of the pattern's own search, and most replies say
    none of them. None: the pattern is searched on every reply."""
    if not isinstance(rx, re.Pattern) or rx.flags & re.IGNORECASE:
        return None  # a literal is compared as written: only lowercase over lowercase
    needed = needed_anywhere(rx.pattern)
    if needed is None:
        return None
    return any_of(needed)


@dataclass(frozen=True, slots=True)
class _Example:
    intent: str
    lemmas: frozenset[str]
    weight: float
    negated: bool
    terms: tuple[tuple[str, float, bool], ...] = ()
    """Each lemma with its weight and whether it is a content word, computed once."""
    content: bool = False
    """Whether the example has a content word at all."""


_NEGATED_BEFORE = re.compile(r"(?:^|\s)(?:не|ни|not|never)\s$")


def _affirmed_match(rx: _Pattern, norm: str, anchored: bool = False) -> bool:
    """Whether ``rx`` matches ``norm`` other than right after a negator: a pattern that
    does not spell a negation itself (`\bзанят`, `\bbusy\b`) says nothing about
    "не занят", "not busy". A pattern that starts with its own "не" is unaffected.

    A script's pattern runs on a linear-time engine (`bot_engine.tenant_regex`), so it
    needs no time limit and its answer never depends on the machine's load. The built-in
    patterns (`builtin.TRUSTED_PATTERNS`) are plain `re`."""
    if anchored and isinstance(rx, re.Pattern):
        return rx.match(norm) is not None  # at the start: nothing before it to negate it
    if isinstance(rx, re.Pattern):
        first = rx.search(norm)  # most patterns miss: one search, no iterator
        if first is None:
            return False
        if not _NEGATED_BEFORE.search(norm, 0, first.start()):
            return True
        return any(not _NEGATED_BEFORE.search(norm, 0, found.start())
                   for found in rx.finditer(norm))
    return any(not _NEGATED_BEFORE.search(norm, 0, start) for start in rx.starts(norm))


class IntentMatcher:
    """Matches utterances against a fixed set of intents (build once per script)."""

    def __init__(
        self,
        intents: Mapping[str, IntentSpec],
        lang: str,
        *,
        threshold: float = 0.6,
        margin: float = 0.1,
    ) -> None:
        self.lang: Lang = lang_of(lang)
        if not 0.0 <= threshold <= 1.0:
            raise NluInputError(f"threshold must be within 0..1, got {threshold}")
        if not 0.0 <= margin <= 1.0:
            raise NluInputError(f"margin must be within 0..1, got {margin}")
        # A matcher is built when a script loads: the right moment to build the shared
        # tables too, so that no caller's first turn pays for them.
        warm_up(self.lang)
        self.threshold = threshold
        self.margin = margin
        self.intents: tuple[str, ...] = tuple(intents)
        # After the polarity gate (`negated`) a shared "не"/"not" says nothing more.
        light = LIGHT_WORDS[self.lang] | NEGATORS
        self._light = light
        self._patterns: list[tuple[str, _Pattern, bool]] = []
        parsed: list[tuple[str, frozenset[str], bool]] = []
        examples_text: list[str] = []
        for name, raw in intents.items():
            spec = raw if isinstance(raw, IntentSpec) else IntentSpec.model_validate(raw)
            anchored: list[_Pattern] = []
            trusted: list[_Pattern] = []
            tenant: list[_Pattern] = []
            for pattern in spec.patterns:
                if pattern in TRUSTED_PATTERNS:
                    # anchored ones apart: `match` tries them at the start only
                    (anchored if _anchored(pattern) else trusted).append(re.compile(pattern))
                    continue
                try:
                    tenant.append(compile_pattern(pattern, ignore_case=True))
                except PatternError as exc:
                    raise NluInputError(
                        f"intent {name!r}: invalid regular expression {pattern!r}: {exc}"
                    ) from None
            # An anchored pattern with no string it needs (`_gate`) would keep its whole
            # alternation from being gated: those are joined apart (any of them matching
            # at the start is the same answer, so the split changes nothing).
            # The gated ones are joined per the strings they need: an alternation whose
            # gate is the union of all their strings would open on nearly every reply.
            buckets: dict[tuple[str, ...], list[_Pattern]] = {}
            for rx in anchored:
                buckets.setdefault(needed_anywhere(rx.pattern) or (), []).append(rx)
            for needed_strings, group in buckets.items():
                if not needed_strings:
                    continue
                self._patterns += [(name, rx, True) for rx in _joined(group, trusted=True)]
            self._patterns += [(name, rx, True) for rx in _joined(buckets.get((), []),
                                                                   trusted=True)]
            self._patterns += [(name, rx, False) for rx in _joined(trusted, trusted=True)]
            self._patterns += [(name, rx, False) for rx in _joined(tenant, trusted=False)]
            examples_text.extend(spec.examples)
            for example in spec.examples:
                lem_seq = lemma_tuple(example, self.lang)
                if lem_seq:
                    parsed.append((name, frozenset(lem_seq), negated(lem_seq)))
        self._gates = [_gate(rx) for _, rx, _ in self._patterns]
        """Per pattern, the search that must find something before it runs (or None)..."""
        # ...answered a word at a time: a needed string with no space in it occurs in the
        # reply when it occurs in one of its words, and which gates a word opens is a pure
        # function of the word, kept per word; only strings with a space are looked for in
        # the whole reply. One bit per pattern.
        self._ungated = sum(1 << i for i, gate in enumerate(self._gates) if gate is None)
        self._in_word: list[tuple[int, re.Pattern[str]]] = []
        spanning: dict[str, int] = {}
        for i, ((_, rx, _), gate) in enumerate(zip(self._patterns, self._gates, strict=True)):
            needed = needed_anywhere(rx.pattern) if gate is not None else None
            if needed is None:
                continue
            inside = tuple(s for s in needed if " " not in s)
            if inside:
                self._in_word.append((1 << i, any_of(inside)))
            if len(inside) < len(needed):
                for span in needed:
                    if " " in span:
                        spanning[span] = spanning.get(span, 0) | 1 << i
        self._any_spanning = any_of(tuple(spanning)) if spanning else None
        """All those strings at once: most replies say none, and skip looking for each."""
        self._spanning = SpacedStrings(spanning)
        """Those strings, each with the bits of the patterns that need it."""
        self._word_gates = lru_cache(maxsize=16384)(self._word_gates_uncached)
        # A word shared by several intents ("не" in opt-out and repeat) tells them apart
        # less well: weight ~ 1/sqrt(number of intents using it), like a tiny IDF.
        users: dict[str, set[str]] = {}
        for name, lem, _ in parsed:
            for w in lem:
                users.setdefault(w, set()).add(name)
        self._weight: dict[str, float] = {
            w: (_LIGHT_WEIGHT if w in light else 1.0) / math.sqrt(len(names))
            for w, names in users.items()
        }
        self._examples: list[_Example] = []
        index: dict[str, list[int]] = {}
        for name, lem, neg in parsed:
            for w in lem:
                index.setdefault(w, []).append(len(self._examples))
            terms = tuple((w, self._weight[w], w not in light) for w in lem)
            self._examples.append(
                _Example(name, lem, sum(self._weight[w] for w in lem), neg, terms,
                         any(heavy for _, _, heavy in terms))
            )
        self._index = {w: tuple(ids) for w, ids in index.items()}
        # A function word ("i", "мне") only brings in examples made of function words: an
        # example with a content word needs one of its content words said to count.
        self._seeds = {
            w: ids if w not in light else tuple(i for i in ids if not self._examples[i].content)
            for w, ids in self._index.items()
        }
        # Fuzzy mapping only for content words long enough that one edit is a slip, not
        # another word ("нет"/"не", "звонить"/"перезвонить" must stay apart).
        self._fuzzy_vocab = [w for w in self._index if len(w) >= 5 and w not in light]
        self._to_vocab = lru_cache(maxsize=8192)(self._map_uncached)
        # The examples' own words by sound, for slips pymorphy3 lemmatizes badly:
        # "званите" (звоните), "павтарите" (повторите), "opperator".
        self._sounds: dict[str, str] = {}
        for example in examples_text:
            for word, lems in surface_lemmas(example, self.lang):
                if len(word) >= 5 and len(lems) == 1 and lems[0] not in light:
                    self._sounds.setdefault(_sound(word, self.lang), lems[0])
        self._sound_list = list(self._sounds)
        self._surface_to_vocab = lru_cache(maxsize=8192)(self._map_surface_uncached)
        self._term = lru_cache(maxsize=16384)(self._term_uncached)

    def _word_gates_uncached(self, word: str) -> int:
        bits = 0
        for bit, search in self._in_word:
            if search.search(word) is not None:
                bits |= bit
        return bits

    def _open_gates(self, norm: str) -> int:
        """The bits of the patterns whose gate finds something in ``norm`` (or that have
        none): what `_gates` would say, pattern by pattern."""
        bits = self._ungated
        for word in norm.split():
            bits |= self._word_gates(word)
        if self._any_spanning is None or self._any_spanning.search(norm) is None:
            return bits
        return bits | self._spanning.bits(norm)

    def _map_uncached(self, word: str) -> tuple[str, float] | None:
        if word in self._index:
            return word, 1.0
        if self.lang == "ru" and ru_is_known(word):
            return None  # a dictionary word is itself, not a slip of a vocabulary word
        if len(word) < 5 or word in self._light:
            return None
        return _closest(word, self._fuzzy_vocab)

    def _term_uncached(self, surface: str, word: str, single: bool
                       ) -> tuple[str | None, float, float]:
        """What one word of a reply brings (a pure function of it, kept per word): the
        vocabulary lemma it maps to (or None), how close, and its weight in the reply.
        ``single``: the word has one lemma, so its surface form may name a slip."""
        hit = self._to_vocab(word)
        if hit is None and single:
            hit = self._surface_to_vocab(surface)
        if hit is None:
            return None, 0.0, _LIGHT_WEIGHT if word in self._light else 1.0
        return hit[0], hit[1], self._weight[hit[0]]

    def _map_surface_uncached(self, word: str) -> tuple[str, float] | None:
        # A real Russian word ("работе") is not a slip of a similar-sounding one ("робот").
        if len(word) < 5 or (self.lang == "ru" and ru_is_known(word)):
            return None
        sound = _sound(word, self.lang)
        if sound in self._sounds:
            return self._sounds[sound], 0.9
        found = _closest(sound, self._sound_list, cutoff=85.0)
        return None if found is None else (self._sounds[found[0]], found[1] * 0.95)

    def match(self, text: str, only: Collection[str] | None = None) -> IntentMatch:
        """Best intent for ``text``; ``only`` restricts the candidates (a step's intents)."""
        allowed = None if only is None else frozenset(only)
        scores: dict[str, float] = {}
        if self._patterns:
            norm = normalize(text, self.lang)
            open_gates = self._open_gates(norm)
            patterns = self._patterns
            while open_gates:  # only the patterns whose gate opened, lowest bit first
                low = open_gates & -open_gates
                open_gates ^= low
                name, rx, anchored = patterns[low.bit_length() - 1]
                if ((allowed is None or name in allowed) and name not in scores
                        and _affirmed_match(rx, norm, anchored)):
                    scores[name] = _PATTERN_CONFIDENCE
        if self._examples:
            words = surface_lemmas(text, self.lang)
            self._score_examples(words, allowed, scores, negated(lemma_tuple(text, self.lang)))
        return self._decide(scores)

    def _score_examples(
        self,
        words: tuple[tuple[str, tuple[str, ...]], ...],
        allowed: frozenset[str] | None,
        scores: dict[str, float],
        is_negated: bool = False,
    ) -> None:
        term = self._term
        mapped: dict[str, float] = {}  # vocabulary lemma -> similarity
        input_weight = 0.0
        seen: set[str] = set()
        for surface, lems in words:
            single = len(lems) == 1
            for word in lems:
                if word in seen:
                    continue
                seen.add(word)
                target, sim, weight = term(surface, word, single)
                input_weight += weight
                if target is not None and sim > mapped.get(target, 0.0):
                    mapped[target] = sim
        if not mapped or input_weight == 0.0:
            return
        candidates: set[int] = set()
        for target in mapped:
            candidates.update(self._seeds[target])
        examples = self._examples
        similarity = mapped.get
        for idx in candidates:
            ex = examples[idx]
            if ex.negated != is_negated or (allowed is not None and ex.intent not in allowed):
                continue
            got = 0.0
            got_input = 0.0
            content = False
            for w, weight, heavy in ex.terms:
                sim = similarity(w, 0.0)
                if sim:
                    got += sim * weight
                    got_input += weight
                    content = content or heavy
            # Sharing only function words ("мне", "the") with an example is no evidence.
            if not content and ex.content:
                continue
            recall = got / ex.weight
            precision = min(1.0, got_input / input_weight)
            f = (1 + _BETA2) * precision * recall / (_BETA2 * precision + recall)
            if f > scores.get(ex.intent, 0.0):
                scores[ex.intent] = f

    def _decide(self, scores: dict[str, float]) -> IntentMatch:
        # Plain construction: pydantic validates in compiled code, faster (~1.3 µs) than
        # `model_construct` (~2.9 µs), which copies the fields in Python.
        made = IntentMatch
        if len(scores) < 2:  # most turns: no sort to run
            ranking = [(name, round(min(score, 1.0), 4)) for name, score in scores.items()
                       if score > 0]
        else:
            ranking = sorted(
                ((name, round(min(score, 1.0), 4)) for name, score in scores.items()
                 if score > 0),
                key=lambda item: -item[1],
            )
        if not ranking:
            return made(intent=None, confidence=0.0, ranking=[], ambiguous=False)
        best_name, best = ranking[0]
        if best < self.threshold:
            return made(intent=None, confidence=best, ranking=ranking, ambiguous=False)
        if len(ranking) > 1 and best - ranking[1][1] < self.margin:
            return made(intent=None, confidence=best, ranking=ranking, ambiguous=True)
        return made(intent=best_name, confidence=best, ranking=ranking, ambiguous=False)
