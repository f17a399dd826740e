"""Turning one caller utterance into a branch of the current step, using the NLU.

Order matters and is fixed here, in one place:
0. a reading from an external NLU (Rasa, an LLM) that the shell attached to the turn, when
   it names one of the step's options (see "External understanding" below);
1. global handlers (operator, repeat, opt-out, who-is-this), if confidently recognised;
   on a yes/no question a clear answer beats the handlers that only re-ask ("да, а кто
   это?" is a yes);
2. the rules: the step's own `yes:`/`no:` examples (the author knows what the question
   means), the script intents the step accepts, the step's own expectation (on a confirm
   step the polar reading of `nlu.polar`: particles and fact families). The best score
   wins, so a clear yes/no is never outranked by a weaker fuzzy intent, and examples and
   replies that disagree on negation never match (`nlu.light_words.negated`);
3. the semantic layer (`nlu.semantic`), only when the rules found nothing and never on a
   consent step: the reply's meaning compared with the step's examples and the built-in
   polar exemplars (a hedge nearest a "don't know" exemplar stays no-match);
4. the reply memory (`nlu.reply_memory`), only when nothing above decided: the nearest of
   thousands of labelled phone replies, by the question's topic (a handler anywhere; a
   yes or a no on a yes/no step that is not a consent step);
5. opportunistic slots (`also`), so "да, бюджет около двухсот тысяч" fills both, but
   only from a value with its entity's own cue ("one" in "we already bought one" is no
   budget);
6. the reply classifier (`nlu.reply_classifier`, `_weighed`), last: a linear model over
   thousands of labelled replies decides a turn nothing above understood, and replaces a
   busy or already-done fact it is sure is the other answer when the reply opens with
   that answer ("да, пока на парах перерыв"); it never replaces a handler, an answer word,
   a deferral, a name or a script's own intent, and never gives a consent.

External understanding (Rasa, an LLM) is I/O, and the engine is pure. So it is one step
the shells run *before* they feed the turn: `request_for` (here, pure) says whether the
turn needs an outside reading and what to ask (the step's closed set of options and slots,
whether the offline reading was unsure); `nlu.external.consult` (async, with the step's
deadline, every failure answered with None) asks; the shell attaches the reading to the
`UserSaid` event (`nlu=`), and `understand` validates it against the same options and
typed parsers. The simulator, the dialog tests and live calls all do exactly this, so a
replayed event log gives the same dialog whatever the servers do later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any, cast

from bot_engine import nlu
from bot_engine.dialog.runtime import Runtime
from bot_engine.nlu import (
    corrections,
    cues,
    external,
    keys,
    polar,
    reply_classifier,
    reply_memory,
    semantic,
    yesno,
)
from bot_engine.nlu.entities.lexicon import MONEY_SLANG
from bot_engine.nlu.lang import lang_of
from bot_engine.nlu.light_words import LIGHT_WORDS
from bot_engine.nlu.morph import ru_noun_lemma
from bot_engine.nlu.text import lemma_tuple
from bot_engine.script.model import ENTITY_EXPECTS, HANDLER_NAMES, NluSettings, Step
from bot_engine.script.templates import TemplateProblem, render
from bot_engine.script.values import ValueProblem, coerce

_ENTITY_REQUEST: dict[str, tuple[nlu.EntityType, ...]] = {
    "datetime": ("datetime",),
    "integer": ("integer", "number"),
}
_EXAMPLES_FIRST = 0.75
"""A step's own yes/no example matched at least this well decides before anything else."""
_ANSWER_BEATS_REASK = 0.8
"""On a yes/no question, an answer this clear beats who-is-this/repeat in the same turn."""
_REASKING_HANDLERS = frozenset({"who_is_this", "repeat"})
_ANSWERING_FAMILIES = frozenset({"identity", "available", "meant"})
""""я слушаю, кто это?", "speaking, who's this?": the answer is given, the question rides
along; "зачем бы я вам иначе писал?" (``polar``'s "meant") only looks like a question."""
_NOISE_ON_LINE = re.compile(r"^(?:(?:а|алло|ну|эй|ой)[ ,.!?]+)*кто (?:это |там |тут |у вас )*"
                            r"(?:шуршит|шумит|трещит|хрипит|шипит|дышит|сопит|стучит|пищит|"
                            r"шелестит|скребет|скребёт|гудит)[ .!?]*$")
"""«алло, кто там шуршит»: the line checked over a noise, no question of who is calling."""
_BUSY_FAMILIES = frozenset({"busy", "later"})
""""я в метро, плохо слышно", "а почему вы спрашиваете, я занят", "what about tomorrow":
a caller who says they cannot talk now wants no repeat and no introduction."""
_DEFERRING_FAMILIES = frozenset({"later", "channel"})
""""пусть менеджер перезвонит завтра", "have the manager email me": no transfer now."""
_HUMAN_INSTEAD = re.compile(r"\b(?:a|an|some) (?:real |live |actual )?(?:human|person|human being)"
                            r" (?:call|ring|phone) (?:me|us)(?: (?:instead|back instead|rather))?$")
""""can a human call me instead": a person wanted instead of the robot, whenever it is."""
@dataclass
class Understanding:
    branch: str | None = None
    """A key of the step's `on`, a handler name, or None for no-match."""
    handler: str | None = None
    primary: bool = False
    """True when the step's own expectation matched, so `value` belongs in its slot."""
    value: Any = None
    intent: str | None = None
    confidence: float = 0.0
    entities: list[dict[str, Any]] = field(default_factory=list)
    also: dict[str, Any] = field(default_factory=dict)
    layer: str = "rule"
    """Which layer decided: rule, semantic, memory, classifier, rasa or llm."""
    runner_up: tuple[str, float] | None = None
    """The best other option and its score, so an author sees how close it was."""
    family: str | None = None
    """The polar family behind a yes or a no the rules read (`reply_classifier.PARTICLE`:
    an answer word itself)."""
    held: bool = False
    """The rules found no answer in it on purpose (an aside, a pause held, "who knows"), so
    no layer after them looks for one."""


@dataclass(frozen=True, slots=True)
class _Candidate:
    branch: str
    score: float
    layer: str = "rule"
    family: str | None = None


@dataclass
class _StepNlu:
    """What a step compiles to once: its yes/no example matcher and merged settings."""

    examples: nlu.IntentMatcher | None
    settings: NluSettings
    topic: polar.Topic | None = None
    """What the step's yes/no question is about (`polar.question_topic`)."""
    asked_names: tuple[str, ...] = ()
    """A question about who answered: the variables it names («это {{ name }}?»)."""
    answer_keys: dict[str, str] = field(default_factory=dict)
    """A keypad step: the key its prompt gives for yes and for no (`keys.keys_for_answers`)."""
    hedge_intent: str | None = None
    """The step's "don't know" intent: most of its examples are hedges (`cues.hedge`)."""
    semantic: semantic.StepIndex | None = None
    semantic_built: bool = False
    classifier_asked: tuple[str, frozenset[str]] | None = None
    """The reply classifier's context and options here (`_classifier_asked`), once the
    first turn of the step has asked it: they are the step's, the same every turn."""


def _step_nlu(runtime: Runtime, step: Step) -> _StepNlu:
    key = id(step)
    found = runtime.steps.get(key)
    if isinstance(found, _StepNlu):
        return found
    expect = step.expect
    matcher = None
    if expect is not None and (expect.yes or expect.no):
        specs = {name: nlu.IntentSpec(examples=examples)
                 for name, examples in (("yes", expect.yes), ("no", expect.no)) if examples}
        matcher = nlu.IntentMatcher(specs, runtime.lang, threshold=0.6, margin=0.1)
    settings = runtime.script.nlu or NluSettings()
    if step.nlu is not None:
        settings = step.nlu
    topic = None
    asked_names: tuple[str, ...] = ()
    if expect is not None and expect.type == "confirm" and step.ask is not None:
        topic = polar.question_topic(step.ask.text or "", runtime.lang)
        if topic == "identity":
            asked_names = polar.question_variables(step.ask.text or "")
    answer_keys: dict[str, str] = {}
    if expect is not None and expect.type == "dtmf" and step.ask is not None:
        answer_keys = keys.keys_for_answers(step.ask.text or "", runtime.lang)
    compiled = _StepNlu(matcher, settings, topic, asked_names, answer_keys,
                        _hedge_intent(runtime, step))
    runtime.steps[key] = compiled
    return compiled


_WEAK_RULE = 0.75
"""A rule decision below this score may be overruled by the semantic layer..."""
_MEANING_OVERRULES = 0.8
"""...when it reads another option at least this clearly."""
_HEDGE_SHARE = 0.6
"""An intent is a "don't know" intent when at least this share of its examples are hedges."""
_HEDGE_CONFIDENCE = 0.85


def _hedge_intent(runtime: Runtime, step: Step) -> str | None:
    """The intent of this step that waits for "I don't know yet", whatever its name: built-in
    hedges ("пока не считали", "my wife handles the money") reach it beyond its examples."""
    expect = step.expect
    if expect is None:
        return None
    for name in expect.intents:
        spec = runtime.script.intents.get(name)
        examples = spec.examples if spec is not None else []
        if examples and sum(cues.hedge(e, runtime.lang) for e in examples) >= _HEDGE_SHARE * len(
            examples
        ):
            return name
    return None


def understand(
    runtime: Runtime,
    step: Step,
    text: str,
    now: datetime,
    slots: dict[str, Any],
    hint: external.ExternalReading | None = None,
    variables: dict[str, Any] | None = None,
) -> Understanding:
    out = _read(runtime, step, text, now, slots, hint, variables)
    if hint is not None and out.layer == hint.source:
        return out  # the reading the author asked an outside service for
    return _weighed(runtime, step, text, now, slots, out, variables)


def _read(
    runtime: Runtime,
    step: Step,
    text: str,
    now: datetime,
    slots: dict[str, Any],
    hint: external.ExternalReading | None,
    variables: dict[str, Any] | None,
) -> Understanding:
    expect = step.expect
    assert expect is not None
    out = Understanding()
    compiled = _step_nlu(runtime, step)
    names = _asked_names(compiled, variables)

    if hint is not None and _from_hint(runtime, step, hint, now, out):
        _fill_also(runtime, step, text, now, slots, out)
        return out

    if runtime.lang == "en" and ("repeat" in text or "again" in text):
        # "ok yes no need to repeat", "yes thats it you dont have to repeat": the answer is
        # read without the repeat it waves away (nothing left: the reply as it was)
        text = _NEEDLESS_REPEAT_EN.sub(" ", text.lower()).strip() or text
    handler = _handler(runtime, text)
    if (handler.intent in (None, "who_is_this", "operator") and runtime.lang == "en"
            and "repeat" in runtime.handler_specs and _asks_question_back(text)):
        handler = nlu.IntentMatch(intent="repeat", confidence=0.9)  # "the time frame you mean"
    if handler.intent == "who_is_this" and _CLOCK_ASKED_EN.match(text.lower()):
        handler = nlu.IntentMatch(intent=None, confidence=0.0)  # "what time is it"
    if handler.intent == "who_is_this" and _WHO_KNOWS.match(text.lower()):
        handler = nlu.IntentMatch(intent=None, confidence=0.0)  # «кто его знает», "who knows"
    if handler.intent in (None, "who_is_this") and polar.aside(text, runtime.lang):
        out.held = True
        return out  # «секундочку, гляну, кто в дверь звонит», "hold on someones at the door"
    if handler.intent in _REASKING_HANDLERS and polar.startled(text, runtime.lang):
        handler = nlu.IntentMatch(intent=None, confidence=0.0)  # "what oh yes its me"
    names_said = frozenset(text.lower().split()) if names else frozenset()
    reading = (polar.polar(text, runtime.lang, compiled.topic, names)
               if expect.type == "confirm" else None)
    if (reading is not None and compiled.topic in _NOW_TOPICS
            and (reading.answer is None
                 or (reading.answer == "yes" and reading.family in _NOW_YES))
            and not _FREE_NOW_SAID.search(text.lower())
            and _names_later_time(runtime, text, now)):
        # "завтра часиков в одиннадцать", "tomorrow at 10 would be better", "ok, friday
        # then" to "is now a good time?" or "shall I connect you now?": not now
        reading = polar.PolarReading("no", _LATER_TIME, "later")
    if (reading is not None and reading.answer == "no" and runtime.lang == "en"
            and compiled.topic not in (None, "offer")
            and (cut := _NO_HUMAN_NEEDED_EN.search(low := text.lower())) is not None
            and (rest := f"{low[:cut.start()]} {low[cut.end():]}".strip())
            and (again := polar.polar(rest, runtime.lang, compiled.topic, names)).answer == "yes"):
        # "yes i agree i dont need to talk to anyone": no person wanted, not a refusal of
        # the question (to an offer of a person it is the answer)
        reading = again
    if runtime.lang == "ru":
        handler = _ru_handler(step, text, handler, variables)
        if handler.intent == "repeat" and _ECHOED_WORD_RU.match(text.lower().replace("ё", "е")):
            out.handler = out.intent = handler.intent
            out.confidence = handler.confidence
            return out  # «что-что, согласна?», «кого-кого вам»: the question echoed, not answered
    if (
        handler.intent in _REASKING_HANDLERS
        and compiled.hedge_intent is not None
        and cues.hedge(text, runtime.lang)
        and not _NOT_UNDERSTOOD.search(text.lower())
        and not _WORDS_ASKED_AGAIN.search(text.lower())
        and not (runtime.lang == "en" and _asks_question_back(text))
        and not (handler.intent == "who_is_this" and _WHO_CALLS.search(text.lower()))
    ):
        # "по деньгам пока не понимаю", "depends on what you offer": an answer to a
        # "don't know" step, not a request to repeat or to say who is calling
        handler = nlu.IntentMatch(intent=None, confidence=0.0)
    if (handler.intent == "repeat" and handler.confidence < _PATTERN_SURE
            and _MESSAGE_GIVEN.match(nlu.normalize(text, runtime.lang))):
        handler = nlu.IntentMatch(intent=None, confidence=0.0)  # «скажите, что я согласен»
    if (handler.intent == "opt_out" and expect.type in corrections.CORRECTED_KINDS
            and _day_ruled_out(runtime, text, expect.type, now)):
        handler = nlu.IntentMatch(intent=None, confidence=0.0)  # «первого не звоните, а третьего»
    if (handler.intent == "opt_out" and compiled.hedge_intent is not None
            and _CALL_AS_DECISION.search(text.lower())):
        # "not my call, my wife does the bills": a call as a decision, not a phone call
        handler = nlu.IntentMatch(intent=None, confidence=0.0)
    if (handler.intent == "opt_out" and handler.confidence < _PATTERN_SURE
            and reading is not None and reading.family == "later"
            and polar.polar(text, runtime.lang, compiled.topic, names).family == "later"):
        # "stop right there im driving call me later": a "stop" near its examples, but the
        # caller asks for later in words (not a date read in "the fourth call"), no end to
        # the calls
        handler = nlu.IntentMatch(intent=None, confidence=0.0)
    if (handler.intent == "opt_out"
            and (limited := polar.without_call_limit(text, runtime.lang)) is not None
            and _handler(runtime, limited).intent != "opt_out"):
        # "yeah but dont call me at the office again", «да, только на работу мне не
        # звоните»: a limit on the calls; without it, nothing asks for an end to them
        handler = nlu.IntentMatch(intent=None, confidence=0.0)
    if (handler.intent == "repeat" and runtime.lang == "en"
            and _HEARD_ANYWAY_EN.search(text.lower())):
        # "next year probably, cant hear you well but next year": answered all the same
        handler = nlu.IntentMatch(intent=None, confidence=0.0)
    if (handler.intent in _REASKING_HANDLERS and reading is not None
            and polar.corrects(text, runtime.lang)):
        # "не так вы поняли", "you got me wrong": the robot misunderstood, a no to what it
        # read back, not a request to hear the question again
        handler = nlu.IntentMatch(intent=None, confidence=0.0)
    if handler.intent in _REASKING_HANDLERS and polar.gives_leave(text, runtime.lang):
        # "do what you need", «делайте что нужно»: leave given, not "what do you need"
        handler = nlu.IntentMatch(intent=None, confidence=0.0)
    if handler.intent is None and (expect.type != "confirm" or (
            reading is not None and reading.answer is None)) and _echoes(runtime, step, text):
        handler = nlu.IntentMatch(intent="repeat", confidence=0.9)
    if (handler.intent is None and expect.type == "confirm"
            and _asks_what_named(runtime, step, text, variables)):
        # "what solar panels", "what terms" to a question about them: what the call is about
        handler = nlu.IntentMatch(intent="who_is_this", confidence=0.9)
    if (handler.intent in (None, "who_is_this") and compiled.topic == "identity"
            and polar.asks_whom(text, runtime.lang, names)):
        handler = nlu.IntentMatch(intent="repeat", confidence=0.9)  # "who?" to "is this Ann?"
    if (handler.intent is None and compiled.topic == "availability"
            and polar.denies_request(text, runtime.lang)):
        # "i never asked for anything" to "do you have a minute?": what is this call about
        handler = nlu.IntentMatch(intent="who_is_this", confidence=0.9)
    if (handler.intent is None and expect.type == "confirm"
            and polar.asks_denied_request(text, runtime.lang)):
        # «какой котёл, я ничего не оставлял» to any question: what the call is about
        handler = nlu.IntentMatch(intent="who_is_this", confidence=0.9)
        reading = None
    if (handler.intent is None and expect.type == "confirm"
            and polar.doubts_request(text, runtime.lang)):
        # «я разве заявку оставлял», «не помню, где я её оставляла»: where the request came
        # from, so who is calling, not a yes or a no
        handler = nlu.IntentMatch(intent="who_is_this", confidence=0.9)
        reading = None
    if (handler.intent in (None, "who_is_this") and _echoes_back(runtime, step, text, variables)
            and not _ASKS_WHY_CALLED.match(text.lower())
            and not (handler.intent == "who_is_this" and _WHO_CALLS.search(text.lower()))):
        # "interested in what", «что актуально», "planning what", «на что согласен», "a
        # what": the question's own words around a question word, nothing new said (with
        # "who is this" asked too, "interested in what who is this", who calls comes first)
        handler = nlu.IntentMatch(intent="repeat", confidence=0.9)
    if handler.intent in (None, "repeat") and _asks_about(text, runtime.lang, expect.type):
        # "call back about what", "reminders for what" to "do you agree?": what the call or
        # the thing named is about, so who is calling and why (no fact, whatever its words)
        handler = nlu.IntentMatch(intent="who_is_this", confidence=0.9)
        reading = None
    if (handler.intent == "opt_out" and reading is not None and reading.answer == "no"
            and polar.about_this(text, runtime.lang)
            and polar.opens_with_answer(text, runtime.lang)
            and not _STOP_CALLING_EN.search(text.lower())):
        # "нет, и не звоните по этому поводу": a no to this question, not to every call;
        # without the no first ("dont call me again about this") it asks to stop calling
        handler = nlu.IntentMatch(intent=None, confidence=0.0)
    if handler.intent == "operator" and (
        polar.declines_human(text, runtime.lang)
        or (reading is not None and reading.family in _DEFERRING_FAMILIES
            and not _HUMAN_INSTEAD.search(text.lower()))
    ):
        # "не надо менеджера"; "нет, пусть менеджер позвонит завтра" defers, asks no human
        handler = nlu.IntentMatch(intent=None, confidence=0.0)
    if (handler.intent == "repeat" and reading is not None and reading.family == "done"
            and not _speak_up(handler.intent, reading, text)):
        # «не хочу этого больше слышать»: a hearing word, but nothing more wanted (a no)
        handler = nlu.IntentMatch(intent=None, confidence=0.0)
    if (handler.intent == "repeat" and handler.confidence >= 1.0 and reading is not None
            and runtime.lang == "en" and _heard_in_part_en(text.lower())):
        reading = None  # "connect me to which guy now": the offer's words, asked back
    if (handler.intent == "who_is_this" and runtime.lang == "en" and reading is not None
            and _ASKED_FIRST_EN.search(text.lower())):
        reading = None  # "ok but before that what company you are": the ok waits on the answer
    if (handler.intent == "who_is_this" and compiled.topic == "identity" and reading is not None
            and reading.answer == "yes" and _ACKNOWLEDGED_ASKS.match(text.lower())):
        reading = None  # "ok and whos this now", «ладно, а кто звонит»: no "it is me" in an ok
    if (handler.intent == "repeat" and compiled.topic == "identity" and reading is not None
            and reading.answer == "yes" and reading.family == "identity"
            and (not names_said.isdisjoint(names) or polar.opens_with_answer(text, runtime.lang))
            and not _REPEAT_ASKED.search(text.lower())):
        # «да, это я, Ангелина, громче говорите, плохо слышу»: who answered is told; the
        # bad line asks only for a louder voice, not the question again
        handler = nlu.IntentMatch(intent=None, confidence=0.0)
    if handler.intent == "who_is_this" and _NOISE_ON_LINE.match(text.lower()):
        handler = nlu.IntentMatch(intent=None, confidence=0.0)  # «алло, кто там шуршит»
    if (handler.intent == "who_is_this" and reading is not None and runtime.lang == "en"
            and reading.family in _ANSWERING_FAMILIES and _WHO_SPEAKS_EN.search(text.lower())
            and polar.polar(_WHO_SPEAKS_EN.sub(" ", text.lower()), runtime.lang,
                            compiled.topic, names).answer is None):
        reading = None  # "well hello there who am i speaking to": the question's "speaking"
    if (handler.intent == "who_is_this" and reading is not None
            and reading.family in _BUSY_FAMILIES and _ASKS_WHY_CALLED.match(text.lower())):
        reading = None  # "why are you calling me": the call named in the question, no later
    if handler.intent is not None and (_speak_up(handler.intent, reading, text)
                                       or _asked_again_where_loud(handler.intent, reading,
                                                                     text) or not (
        handler.intent in _REASKING_HANDLERS
        and reading is not None
        and reading.answer is not None
        and (
            reading.family in _ANSWERING_FAMILIES
            or reading.family in _BUSY_FAMILIES
            # "lisa who?" to "is this Lisa?": the name asked for is unknown here, a no
            or (reading.family == "wrong" and not names_said.isdisjoint(names))
            or (
                (reading.confidence >= _ANSWER_BEATS_REASK or reading.family is None)
                and (polar.opens_with_answer(text, runtime.lang)
                     or polar.closes_with_answer(text, runtime.lang)
                     or polar.opens_with_idiom(text, runtime.lang))
            )
        )
    )):
        out.handler = handler.intent
        out.intent = handler.intent
        out.confidence = handler.confidence
        return out

    if expect.type == "confirm" and ((polar.holds(text, runtime.lang)
                                      and not (compiled.topic == "readback"
                                               and _SO_IT_IS.match(text.lower())))
                                     or _WHO_KNOWS.match(text.lower())
                                     or _NOISE_ON_LINE.match(text.lower())
                                     or (runtime.lang == "en"
                                         and compiled.topic in _CALL_TOLD_TOPICS
                                         and _only_tells_of_a_call_en(text, compiled.topic,
                                                                      names))
                                     or (runtime.lang == "ru"
                                         and compiled.topic in _CALL_TOLD_TOPICS_RU
                                         and _only_tells_of_a_call_ru(text, compiled.topic,
                                                                      names))
                                     or (compiled.topic != "availability"
                                         and polar.without_call_limit(text,
                                                                      runtime.lang) == "")):
        # ... or nothing but a limit on the calls ("just dont call me at work", «на работу
        # не звоните») to a question it does not answer
        out.held = True
        return out  # «так так», "okay hang on", «кто ж его знает»: no answer yet, a no-match
    candidates: list[_Candidate] = []
    near: list[_Candidate] = []  # scored but below the threshold: runner-ups only
    own = None
    if compiled.examples is not None:
        match = compiled.examples.match(text)
        if match.intent is not None:
            own = _Candidate(match.intent, match.confidence)
            candidates.append(own)
        near += [_Candidate(name, score) for name, score in match.ranking[:2]]
    if expect.intents and runtime.intents is not None:
        match = runtime.intents.match(text, only=expect.intents)
        if match.intent is not None and not (
                reading is not None and reading.answer == "yes"
                and compiled.topic == "availability" and (
                    polar.goes_ahead(text, runtime.lang)
                    or polar.wanted_the_call(text, runtime.lang))):
            # "im driving but go ahead", «занят, но говорите быстро»: a busy intent's words,
            # then the caller tells the robot to go on
            candidates.append(_Candidate(match.intent, match.confidence))
        near += [_Candidate(name, score) for name, score in match.ranking[:2]]
    if reading is not None and reading.answer is not None:
        candidates.append(_Candidate(reading.answer, reading.confidence,
                                     family=reading.family or reply_classifier.PARTICLE))
    if compiled.hedge_intent is not None and not any(
        c.branch == compiled.hedge_intent for c in candidates
    ) and ((cues.hedge(text, runtime.lang)
            and not (runtime.lang == "en" and _only_tells_theirs_en(text)))
           or _asks_back(runtime, step, text, now)
           or _CALL_AS_DECISION.search(text.lower())
           or _denies_without_value(runtime, step, text, now)):
        candidates.append(_Candidate(compiled.hedge_intent, _HEDGE_CONFIDENCE))
    if expect.type == "confirm" and any(key.isdigit() for key in step.on):
        key = _spoken_key(runtime, text, now)  # «один» to "Соединить? Нажмите 1 или скажите «да»"
        if key is not None and key in step.on:
            candidates.append(_Candidate(key, 1.0))
    candidates.sort(key=lambda c: -c.score)
    if (own is not None and reading is not None and reading.family in _BUSY_FAMILIES
            and reading.answer is not None and reading.answer != own.branch
            and own.score < reading.confidence):
        # "i have a meeting in two minutes" is no "i have a minute": an example met only in
        # part yields to a busy fact said of the other side
        own = None
    best = own if own is not None and own.score >= _EXAMPLES_FIRST else (
        candidates[0] if candidates else None)
    if (
        best is not None and best.branch in expect.intents and expect.type in ENTITY_EXPECTS
        and best.branch == compiled.hedge_intent
    ):
        # "тысяч сто, смотря что предложите": a value with its own cue answers the
        # question even when a "don't know" intent matched too
        found = _entity(runtime, text, expect.type, now)
        if found is not None and _has_cue(runtime, text, expect.type, found):
            best = None
    if best is None and expect.type != "confirm":
        _primary(runtime, step, compiled, text, now, out)
        if (out.branch == "ok" and expect.type == "money" and runtime.lang == "en"
                and out.entities and _step_scale(step, expect.save, variables) >= 1000):
            out.entities[-1] = _in_thousands(_digit_pair_en(text, out.entities[-1]), below=100)
            out.value = out.entities[-1]["value"]
        out.primary = out.branch is not None
        if out.branch is not None:
            _fill_also(runtime, step, text, now, slots, out)
            return out
    if best is None and (expect.type == "confirm" or expect.intents):
        best = _semantic(runtime, step, compiled, text)
    elif best is not None and best.score < _WEAK_RULE:
        # A weak rule (a fuzzy example match, a tie the particle broke) asks the meaning:
        # agreeing, it makes the rule surer; reading another option clearly, it wins.
        meant = _semantic(runtime, step, compiled, text)
        if meant is not None and meant.branch == best.branch:
            best = _Candidate(best.branch, max(best.score, meant.score), best.layer)
        elif meant is not None and meant.score >= _MEANING_OVERRULES:
            candidates.append(meant)
            best = meant
    if best is None and out.branch is None:
        best = _remembered(runtime, step, compiled, text)
        if (best is not None and best.branch == "operator" and runtime.lang == "en"
                and _reports_a_call_en(text)):
            best = None
        if best is not None and best.branch in HANDLER_NAMES:
            out.handler = out.intent = best.branch
            out.confidence, out.layer = best.score, best.layer
            return out
    if best is not None:
        out.branch, out.intent, out.confidence = best.branch, best.branch, min(1.0, best.score)
        out.layer = best.layer
        out.family = best.family
        out.primary = expect.type == "confirm" and best.branch in ("yes", "no")
        out.value = (best.branch == "yes") if out.primary else best.branch
        others = sorted((c for c in candidates + near if c.branch != best.branch),
                        key=lambda c: -c.score)
        if others:
            out.runner_up = (others[0].branch, round(min(1.0, others[0].score), 3))

    _fill_also(runtime, step, text, now, slots, out)
    return out


# Russian handler readings that need the raw reply or the step (normalization says a doubled
# word once; the offer is named in what the robot said).
_SO_IT_IS = re.compile(r"^(?:ну |да )?так(?:[ ,-]+так)?[.!]?$")
"""«так так» to «всё верно?» of what was read back: "so it is", not a lead-in to wait on."""
_ACKNOWLEDGED_ASKS = re.compile(
    r"^(?:(?:well|um|uh|ну|э+) )?(?:ok|okay|alright|all right|mkay|ладно|хорошо|ок|окей) "
    r"(?:(?:and|so|but|now|а|и|так) )?(?:who|whos|who is|what company|кто|откуда|что за)\b")
"""An ok, then who is calling: to "is this Ann?" the ok acknowledges the call, it says
nothing of who answered."""
_REPEAT_ASKED = re.compile(r"\bповтор|\bеще раз\b|\bещё раз\b|\bчто вы сказали\b|"
                           r"\bкого\b|\bкто\b|\brepeat\b|\bagain\b|\bwhat did you say\b|"
                           r"\bwho\b|\bwhat\b")
"""A request to hear the question again or whom it asks for: a repeat, even after a yes."""
_ECHOED_WORD_RU = re.compile(
    r"^(?:(?:а|ой|ну|простите|извините) )*(?P<q>что|чего|как|кто|кого|кому|где|куда|когда|"
    r"сколько|какой|какая|какое|какие|зачем|почему)[- ](?P=q)\b(?: [\w-]+){0,3}"
    r"(?: (?:говорите )?(?:по)?громче(?: говорите)?| плохо слышно| не слышу)?$")
"""«кого-кого вам надо», «что что согласна»: a question word said twice, then at most the
question's own words, echoes what was not heard: a repeat."""
_SUBJECT_NOT_UNDERSTOOD_RU = re.compile(
    r"^(?=.*\bне (?:\w+ )?(?:понимаю|понимаем|разбираюсь|разбираемся|соображаю|смыслю)\b)"
    r"(?=.*\bв (?:этом|этих|таком|таких|них|нем|ней|этой|этом деле|(?!смысле\b)\w+(?:ах|ях|ике|"
    r"ии))\b)")
"""«не понимаю я в этом ничего», «в таких вещах не разбираюсь»: the subject is beyond the
caller, the words were heard: no repeat."""
_SOMEONE_ELSE_SPEAKS_RU = re.compile(
    r"\b(?:скажет|скажут|предложит|предложат|ответит|ответят|посоветует|посоветуют|"
    r"расскажет|расскажут|объяснит|объяснят)\b")
"""«давайте посмотрим, что скажет», «послушаем, что предложат»: someone else's words to
come, not the robot's asked again."""
_NAMING_QUESTION_RU = re.compile(
    r"^(?:(?:а|и|ну|так|подождите|простите|извините) )*(?:какие|какой|какая|какое|какую|каких|"
    r"что за|что там за|что (?:\w+ )?(?:за|с|со|по|насчет|про))(?: еще| это| там| такие| такое| "
    r"у вас)* (?P<rest>\w+(?: \w+){0,3})$")
"""«а какие условия новые», «какие ещё условия по карте»: a question about a thing the robot
named in what it said before the question (its offer, its purpose): what the call is about."""
_NAME_CHECKED_RU = re.compile(
    r"^(?:(?:а|и|ну|так|погодите|подождите|стоп|секунду) )*(?:это|вы) (?P<rest>\w+(?: \w+){0,2}) "
    r"(?:да|что ли|или нет|верно|правильно)$")
"""«погодите, это Банный Двор, да?»: the company's name checked back: who is calling."""
_NAME_CHECK_ENDS = ("да", "ли", "нет", "верно", "правильно")
_DOUBTED_NAME_RU = re.compile(
    r"^(?:(?:а|и|ну|так) )*(?:вы|это) (?:точно|правда|действительно|вообще) "
    r"(?P<rest>\w+(?: \w+){0,3})$")
"""«это точно Надёжный Щит», «вы правда из ДентаЛайна»: the name the robot gave itself,
doubted: who is calling."""
_PRICE_ASKED_RU = re.compile(
    r"^(?:(?:а|и|ну|так|подождите|простите) )*(?:сколько|почем|какая цена|какая стоимость|"
    r"по чем)(?: \w+){0,3} (?:стоит|стоить|стоят|будет|обойдется|выйдет|теперь|сейчас)"
    r"(?: \w+)?$")
"""To a consent to an offer, what it costs («а сколько он теперь стоит»): a question about
the offer, so about the call."""
_OFFER_ASKED_RU = re.compile(
    r"^(?:(?:а|и|ну|так|подождите|простите|стоп) )*(?:(?:зачем|для чего|с какой (?:стати|целью))"
    r"(?!.*\bбы\b)(?!.*\bотказ)(?: \w+){1,5}"
    r"|а? ?если (?:я |мы )?(?:потом |вдруг |позже |завтра )?(?:откажусь|откажемся|"
    r"не соглашусь|не согласимся|не дам|не разрешу|буду против|передумаю|передумаем|"
    r"раздумаю|отзову|отзовем|захочу отозвать|захочу отказаться|расхочу)(?: \w+)*"
    r"|(?:а )?это (?:\w+ )?обязательн\w*(?: \w+)*"
    # who sees it, where or how long it is kept: «кто будет смотреть записи», «где хранится»
    r"|(?:а )?кто (?:\w+ )?(?:будет |будут )?(?:смотреть|видеть|просматривать|слушать|"
    r"прослушивать|получит|имеет доступ|иметь доступ)(?: \w+){0,3}"
    r"|(?:а )?(?:где|сколько|как долго|у кого) (?:\w+ )?(?:будет |будут )?(?:храниться|хранится|"
    r"хранятся|храните|хранить|лежать)(?: \w+){0,3})$"
    r"|\bобязательн\w* (?:что ли|ли|или (?:нет|можно))\b")
"""To a consent, why the offer wants it, what a refusal would cost, or whether it is
compulsory («а зачем страховой мои поездки», «а если откажусь?», «это обязательно что ли»):
a question about the offer, so about the call, not an answer."""
_WHICH_THING_RU = re.compile(
    r"^(?:(?:а|и|ну) )?(?:какие|какой|какая|какое|какую|каких|что за|что еще за) "
    r"(?:(?:еще|там|мои|мой|моя|мое) )?(?!(?:разница|проблем\w*|вопрос\w*)\b)(?P<thing>\w{4,})$")
"""«а какие снимки», «что за данные»: which thing is meant, one word («какая разница»,
«какие проблемы» give leave)."""
_NEAR_IN_MEANING = 0.25
"""The cosine of two words' vectors from which one stands for the other here («снимки» for
«рентгена» 0.27; «погода», «цены» stay under 0.23 against a consent's purpose)."""


_MEANING_ASKED_RU = re.compile(
    r"^(?:(?:а|и|ну|простите|извините|подождите) )*(?:что (?:значит|такое|означает|это "
    r"значит|имеется в виду)|в каком смысле|как это) (?P<rest>\w+(?: \w+){0,3}?)"
    r"(?: (?:я )?не (?:очень |совсем )?(?:понял|поняла|понимаю|поняли))?$")
"""«что значит работа подъёмников, не поняла»: what a thing the consent is for means."""


def _asks_meaning_of_said_thing(step: Step, low: str,
                                variables: dict[str, Any] | None) -> bool:
    """«что значит работа подъёмников» to a consent to texts on the lifts' work: what the
    consent is for asked about (who is calling and why), though «не поняла» follows."""
    found = _MEANING_ASKED_RU.match(low)
    if found is None:
        return False
    return any(_said_thing(step, w, variables, by_meaning=False)
               for w in found.group("rest").split() if len(w) > 3)


def _asks_which_said_thing(step: Step, low: str, variables: dict[str, Any] | None) -> bool:
    """«а какие снимки» to a consent to send X-ray results: the thing asked about is one of
    what the consent is for (the lowercase values its prompt names, such as the purpose), in
    its words or near them in meaning; not «а какая погода»."""
    found = _WHICH_THING_RU.match(low)
    if found is None:
        return False
    return _said_thing(step, found.group("thing"), variables)


def _said_thing(step: Step, thing: str, variables: dict[str, Any] | None,
                by_meaning: bool = True) -> bool:
    """Whether ``thing`` is a word of the lowercase values the step's prompts name, by its
    stem, or (``by_meaning``) near one of them in meaning."""
    templates = " ".join(part.text or "" for part in (step.say, step.ask) if part is not None)
    named = " ".join(value for key, value in (variables or {}).items()
                     if isinstance(value, str) and key in templates).replace("ё", "е")
    # its lowercase words: a name («Ангелина», «Снежная Долина») or «СМС» is no thing
    words = [(w, tuple(nlu.lemmas(w, "ru"))) for w in re.findall(r"\w{4,}", named)
             if w == w.lower()]
    if not words:
        return False
    if any(_stem_in(thing, [w]) for w, _ in words):
        return True
    if not by_meaning:
        return False
    vectors = semantic.word_vectors("ru")
    seen = vectors(thing, tuple(nlu.lemmas(thing, "ru"))) if vectors is not None else None
    if vectors is None or seen is None:
        return False
    return any((other := vectors(w, lem)) is not None
               and float(seen @ other) >= _NEAR_IN_MEANING for w, lem in words)
_ALL_SAID_RU = re.compile(
    r"^(?!.*\b(?:повтор\w*|еще раз|не расслыш\w*|не понял\w*|не услыш\w*|не разобрал\w*)\b)"
    r"(?=.*\b(?:соглас\w*|верно|правильно|подтвержда\w*|принима\w*|устраива\w*|да|так)\b)"
    r".*\b(?:все|всем|всё|тем|то|том|со всем|на все) (?:что|чего) (?:вы|ты) (?:\w+ )?"
    r"(?:сказали|сказал|сказала|говорили|перечислили|зачитали|прочитали|назвали|озвучили|"
    r"предложили|описали)\b")
"""Agreeing to all that was said («согласна на всё, что вы сказали», «всё, что вы
перечислили, верно»): «что вы сказали» there is no question."""
_ASK_SMALL_RU = frozenset({"по", "на", "в", "с", "у", "для", "за", "о", "об", "про", "мне", "вам",
                           "вас", "нас", "мой", "ваш", "ваша", "ваши", "новый", "новые", "еще",
                           "это", "такой", "там", "вообще", "именно"})


_ROLE_WHENCE_RU = re.compile(
    r"\b(?:менеджер|оператор|специалист|консультант|сотрудник|представител)\w*(?: \w+){0,2}? "
    r"(?:из|от) (?:какой|какого|каких|чьей|чьего)\b|\b(?:менеджер|оператор|специалист|"
    r"консультант|сотрудник|представител)\w* (?:\w+ )?откуда\b")
"""«а менеджер это из какой компании»: whose the offered person is, asked: who calls."""
_OWN_BOSS_RU = re.compile(
    r"\b(?:я|сначала|сперва|сама|сам)(?: \w+){0,2}? (?:с|со|у) (?:моим |своим |нашим |моей |"
    r"своей |нашей )?(?:начальник|руководител|директор|шеф|юрист|бухгалтер|кадровик|"
    r"начальств)\w* (?:\w+ )?(?:поговорю|посоветуюсь|обсужу|согласую|переговорю|свяжусь|"
    r"уточню|спрошу)\b|\b(?:поговорю|посоветуюсь|обсужу|согласую|переговорю|уточню|спрошу) "
    r"(?:\w+ )?(?:с|со|у) (?:моим |своим |нашим |моей |своей |нашей )?(?:начальник|руководител|"
    r"директор|шеф|юрист|бухгалтер|кадровик|начальств)\w*")
"""«я сначала с начальником поговорю»: the caller's own boss to be asked, no one of the
caller's to be put through to."""


def _operator_not_asked_ru(text: str, low: str) -> nlu.IntentMatch | None:
    """A role named but no person asked for: whose the offered manager is («менеджер это
    из какой компании», who calls), the caller's own boss to be asked first, or a dealing
    with the robot's people told of («ваш оператор мне уже всё объяснил»): no operator."""
    if _ROLE_WHENCE_RU.search(low):
        return nlu.IntentMatch(intent="who_is_this", confidence=0.9)
    if _OWN_BOSS_RU.search(low) or _only_tells_of_a_call_ru(text, None, ()):
        return nlu.IntentMatch(intent=None, confidence=0.0)
    return None


def _ru_handler(step: Step, text: str, handler: nlu.IntentMatch,
                variables: dict[str, Any] | None) -> nlu.IntentMatch:
    """The Russian readings of a handler beyond its patterns: a doubled question word asks
    again; the subject not understood and someone else's words to come ask nothing; a
    question about what the robot said before its question (its name doubted, the offer's
    price to a consent) asks what the call is about."""
    low = text.lower().replace("ё", "е")
    if handler.intent in (None, "who_is_this", "repeat") and _ECHOED_WORD_RU.match(low):
        return nlu.IntentMatch(intent="repeat", confidence=0.9)
    if handler.intent == "operator" and (reading := _operator_not_asked_ru(text, low)):
        return reading
    if handler.intent == "repeat" and handler.confidence < _PATTERN_SURE and (
            _SUBJECT_NOT_UNDERSTOOD_RU.match(low) or _SOMEONE_ELSE_SPEAKS_RU.search(low)):
        return nlu.IntentMatch(intent=None, confidence=0.0)
    if handler.intent in ("who_is_this", "repeat") and _ALL_SAID_RU.search(low):
        return nlu.IntentMatch(intent=None, confidence=0.0)
    if handler.intent == "who_is_this" and _someone_called_ru(low):
        return nlu.IntentMatch(intent=None, confidence=0.0)
    if (handler.intent is None and step.consent and step.expect is not None
            and step.expect.type == "confirm"
            and (_PRICE_ASKED_RU.match(low) or _OFFER_ASKED_RU.search(low)
                 or _asks_which_said_thing(step, low, variables))):
        return nlu.IntentMatch(intent="who_is_this", confidence=0.9)  # what the offer costs
    if (handler.intent in (None, "repeat") and step.consent and step.expect is not None
            and step.expect.type == "confirm"
            and _asks_meaning_of_said_thing(step, nlu.normalize(text, "ru"), variables)):
        return nlu.IntentMatch(intent="who_is_this", confidence=0.9)  # what a thing means
    if (handler.intent is None and low.rstrip("?!. ").endswith(_NAME_CHECK_ENDS)
            and (checked := _NAME_CHECKED_RU.match(low))
            and (company := str((variables or {}).get("company") or "").lower().replace(
                "ё", "е"))
            and "".join(checked.group("rest").split()) in "".join(company.split())):
        return nlu.IntentMatch(intent="who_is_this", confidence=0.9)
    if (handler.intent is None and _DOUBTS_RU.search(low)
            and _echoes_company(low, variables)):
        return nlu.IntentMatch(intent="who_is_this", confidence=0.9)  # «какой ещё Заслон»
    if handler.intent is None and ("это" in low or "вы" in low) and _WHO_GUESSED_RU.match(
            nlu.normalize(text, "ru")):
        return nlu.IntentMatch(intent="who_is_this", confidence=0.9)  # «вы которые…, что ли»
    norm = nlu.normalize(text, "ru") if handler.intent is None and step.say is not None else ""
    if norm and step.say is not None and (
            found := _NAMING_QUESTION_RU.match(norm) or _DOUBTED_NAME_RU.match(norm)):
        said = nlu.lemmas(_rendered(step.say.text or "", variables), "ru")
        asked = nlu.lemmas(_rendered(step.ask.text or "", variables), "ru") if step.ask else []
        content = [w for w in nlu.lemmas(found.group("rest"), "ru") if w not in _ASK_SMALL_RU]
        if content and any(len(w) > 3 and _stem_in(w, said) and not _stem_in(w, asked)
                           for w in content):
            return nlu.IntentMatch(intent="who_is_this", confidence=0.9)  # not the question
    return handler


_SOMEONE_CALLED_RU = re.compile(
    r"\bкто[- ]?(?:то|нибудь|либо)\b.*\b(?:звонил\w*|набирал\w*|перезванивал\w*)\b|"
    r"\b(?:звонил\w*|набирал\w*|перезванивал\w*)\b.*\bкто[- ]?(?:то|нибудь|либо)\b")
"""Someone who called before, by an indefinite «кто-то»: the call is told of, not asked."""
_WHO_ASKED_RU = re.compile(r"\bкто\b(?![- ]?(?:то|нибудь|либо)\b)")
"""A «кто» that asks, not the first half of «кто-то»."""


def _someone_called_ru(low: str) -> bool:
    """«из офиса мне уже звонил кто-то»: a call told of by its «кто-то», no «кто» asked
    (the words of "who is calling" are all there, so the rules and the classifier alike
    would ask who calls)."""
    return _SOMEONE_CALLED_RU.search(low) is not None and _WHO_ASKED_RU.search(low) is None
_DOUBTS_RU = re.compile(r"\b(какой|какая|какое|какого|какой еще|что за|что ли|штоли|точно|или кто|"
                        r"не знаю|напомни\w*|это кто|это что|кто это|что это|"
                        r"(это )?(который|которая|которое|которые) (в|на|под|у|возле|около|рядом|"
                        r"за|при|у нас|на|по))\b")
"""A doubt or a question: with the company's own name («заслон какой заслон», «вы с Заслона
что ли, напомните», «камертон это музыкалка что ли») it asks who is calling; so does the
place the caller thinks it is at («центр, это который в райцентре»)."""
_WHO_GUESSED_RU = re.compile(
    r"^(?:(?:а|так|ну|подождите|погодите|стоп) )*(?:это|вы|вы это|это вы) (?:те |та |тот )?"
    r"(?:которые|которая|который) (?:\w+ ){1,6}(?:что ли|штоли|да|наверное|или нет)$"
    r"|^(?:(?:а|так|ну|подождите|погодите) )*(?:это|вы|вы это|это вы) (?:звоните )?(?:от|из) "
    r"(?!(?:\w+ )?завис)\w+(?: \w+)?(?: что ли| да| или как)?$")
"""«это которые кабель в трубу кладут что ли», «а это от администрации», «вы из
собеса»: the caller guesses who is calling, by what they do or whom they come from."""
_COMPANY_STEM = 5


def _echoes_company(low: str, variables: dict[str, Any] | None) -> bool:
    """A word of the company's name, by its first letters (a recogniser's slip or another
    case ends it otherwise)."""
    company = str((variables or {}).get("company") or "").lower().replace("ё", "е")
    stems = {w[:_COMPANY_STEM] for w in re.findall(r"\w+", company) if len(w) >= _COMPANY_STEM}
    if not stems:
        return False
    return any(len(w) >= _COMPANY_STEM and w[:_COMPANY_STEM] in stems for w in low.split())


def _stem_in(word: str, words: list[str]) -> bool:
    return any(word[:5] == w[:5] for w in words if len(w) > 3)


_PATTERN_SURE = 0.95
"""A handler's pattern matches at this confidence; below it, only its examples were near."""


def _rendered(template: str, variables: dict[str, Any] | None) -> str:
    """A prompt's words with the script's variables filled in, as the caller heard them (the
    template as written when it needs more than the variables)."""
    try:
        return render(template, dict(variables or {}))
    except TemplateProblem:
        return template


_SPEAK_UP = re.compile(r"\b(по)?громче\b|\b(ч[её]тче|внятнее|разборчивее|помедленнее)\b|"
                       r"\bне слыш(у|но)\b|\bspeak up\b|\blouder\b|"
                       r"\b(line|call|connection|signal|audio) (just )?(cut|cutting|dropped|"
                       r"broke|breaking) ?(out|off|up)?\b|"
                       r"\b(cant|can not|cannot) hear (you|anything|a thing)\b|"
                       r"\b(didnt|did not) catch (it|that|the name|your name)\b|"
                       r"\bi (just |totally )?missed (it|that)$|"
                       r"\bне расслышал\w* (имя|фамилию|кого)\b")


def _speak_up(intent: str | None, reading: polar.PolarReading | None, text: str) -> bool:
    """«не слышу ничего, говорите громче», "can you speak up, i cant hear you", "darnell or
    darrell, i didnt catch it": the robot was not heard, whatever «говорите», "can you" or a
    name reads as; a busy fact ("я в метро, плохо слышно") still answers."""
    return (intent == "repeat" and (reading is None or reading.family not in _BUSY_FAMILIES)
            and _SPEAK_UP.search(text.lower()) is not None)


_SAY_AGAIN_RU = re.compile(r"\bповтори(?:те)?\b")
_NOT_NOW_RU = re.compile(r"\b(?:занят\w*|некогда|не могу|не удобно|неудобно|перезвон\w*|позже|"
                         r"попозже|потом|не до)\b")


_BAD_LINE_EN = re.compile(r"\byou(?:re| are)? (?:\w+ )?(?:broke|break|breaking|cut|cutting|"
                          r"went|going) (?:up|out)\b|\bi (?:just )?lost you\b")
"""The robot's voice lost ("you broke up", "i lost you"), not the caller's own bad signal told
as where they are ("im on the train bad signal" stays busy)."""
_NOT_NOW_EN = re.compile(r"\b(?:busy|cant talk|can not talk|cannot talk|call (?:me |us )?(?:back|"
                         r"later|another)|later|another time|not (?:a good time|now)|no time|"
                         r"driving|meeting)\b")


def _asked_again_where_loud(intent: str | None, reading: polar.PolarReading | None,
                               text: str) -> bool:
    """«алло, тут ветер в поле, повторите», «я в метро, повторите», "sorry you broke up im
    in the barn": the place says why the question was not heard and «повторите» or the
    line breaking up asks for it again; a place alone reads as busy, but nothing here puts
    the talk off («я занят, повторите потом», "youre breaking up im driving call me later"
    still do)."""
    if intent != "repeat" or reading is None or reading.family != "busy":
        return False
    low = text.lower().replace("ё", "е")
    if _BAD_LINE_EN.search(low) is not None:
        return _NOT_NOW_EN.search(low) is None
    return _SAY_AGAIN_RU.search(low) is not None and _NOT_NOW_RU.search(low) is None


def _asked_names(compiled: _StepNlu, variables: dict[str, Any] | None) -> tuple[str, ...]:
    """The first names a question about who answered asks for: «это {{ name }}?" with
    name = "Иван Петров" asks for Иван."""
    if not compiled.asked_names or not variables:
        return ()
    found = []
    for name in compiled.asked_names:
        value = variables.get(name)
        words = str(value).split() if isinstance(value, str) else []
        if words:
            found.append(words[0].lower())
    return tuple(found)


_NOW_TOPICS = frozenset({"availability", "offer"})
_NOW_YES = frozenset({None, "agree", "available"})
"""A yes that a later time turns into a deferral: "ok, friday then", "let's do this on
friday", "i have time tomorrow" are all not now."""
"""Questions about now: a later time named as the answer is a no ("not now, then")."""
_LATER_TIME = 0.85
_NOT_LATER = ("до ", "в течение ", "пока ", "until ", "till ", "within ", "for ", "before ",
              "перед ")
"""A time that says how long the caller is free ("до пяти", "for an hour"), not when."""


def _names_later_time(runtime: Runtime, text: str, now: datetime) -> bool:
    """Whether the reply names a time later than now (a callback time), not a span."""
    if len(nlu.tokens(text, runtime.lang)) < 1:
        return False
    found = _entity(runtime, text, "datetime", now)
    said = str(found.get("text", "")).lower() if found is not None else ""
    if found is None or said.startswith(_NOT_LATER) or _BARE_SPAN.match(said):
        return False
    value = str(found["value"])
    local = now.astimezone(runtime.timezone)
    if _this_part_of_day(said, local.hour):
        return False  # "im free this morning" said in the morning: now, named
    start = found.get("start")
    before = text[:start].lower().split()[-1:] if isinstance(start, int) else []
    if _this_part_of_day_past(" ".join([*before, *said.split()[-1:]]), local.hour):
        return False  # "i found another roach this morning" said after noon: what happened
    if "T" not in value:
        if len(said.split()) == 1 and value == (local.date() + timedelta(days=7)).isoformat():
            return False  # "i got time, its friday" said on a Friday: today, named
        return value > local.date().isoformat()
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return False
    return (when - local).total_seconds() >= _LATER_MIN_S


_FREE_NOW_SAID = re.compile(r"\b(сейчас|щас) (могу|можно|удобно|свобод\w*)\b|"
                            r"\b(i can|i can talk|i can chat|free) (right )?now\b|"
                            r"\b(leaving|leave|heading out|head out|taking off|going out|"
                            r"have to go|gotta go|got to go|need to go) (\w+ ){0,3}(at|in|around|"
                            r"by) |"
                            r"\b(took|taken|taking) (the |a |this |my )?(whole |entire |full )?"
                            r"(day|days|week|afternoon|morning|time)( \w+){0,2} off\b")
"""«в обед, сейчас могу», "its my lunch, i can talk now": the time said is now, free; "im
leaving at four": the time said is when the caller goes, free till then; "i took the whole
week off after thanksgiving": the time said is the time off, which the call falls in."""
_LATER_MIN_S = 120
_PARTS_OF_DAY: dict[str, tuple[int, int]] = {
    "morning": (5, 12), "утром": (5, 12), "утро": (5, 12), "afternoon": (12, 17),
    "днем": (12, 17), "evening": (17, 24), "tonight": (17, 24), "вечером": (17, 24),
    "вечер": (17, 24), "утра": (5, 12),  # «я с утра свободен» in the morning: since, now
}  # fmt: skip
_TODAY_WORDS = frozenset({"this", "today", "in", "the", "сегодня", "этим", "этот", "с"})


def _this_part_of_day_past(said: str, hour: int) -> bool:
    """Whether the time said is "this morning" (or another part of today) already over:
    something that happened, no time to call."""
    words = said.split()
    if len(words) != 2 or words[0] not in ("this", "этим", "сегодня") or (
            words[1] not in _PARTS_OF_DAY):
        return False
    return hour >= _PARTS_OF_DAY[words[1]][1]


def _this_part_of_day(said: str, hour: int) -> bool:
    """Whether the time said is only the part of the day it is now ("this morning" in
    the morning, «сегодня вечером» in the evening)."""
    words = [w for w in said.split() if w not in _TODAY_WORDS]
    if len(words) != 1 or words[0] not in _PARTS_OF_DAY:
        return False
    first, last = _PARTS_OF_DAY[words[0]]
    return first <= hour < last
_BARE_SPAN = re.compile(
    r"^(a |an |the )?(\w+ )?(few |couple (of )?)?(minutes?|mins?|hours?|seconds?|secs?|"
    r"минут\w*|минуток|час\w*|секунд\w*)( or so)?$")
""""a few minutes", "пару минут" to "do you have a minute?" say how long, not when."""


def _asks_back(runtime: Runtime, step: Step, text: str, now: datetime) -> bool:
    """A question asked back, with no value, to a step that waits for a value or "don't
    know" ("what do kitchens usually run", «а сколько обычно выходит»): the caller does
    not know yet. Who-is-this and repeat were read before this, as handlers."""
    expect = step.expect
    if expect is None or expect.type not in ENTITY_EXPECTS:
        return False
    if not polar.asks(nlu.normalize(text, runtime.lang), runtime.lang):
        return False
    return _entity(runtime, text, expect.type, now) is None


def _denies_without_value(runtime: Runtime, step: Step, text: str, now: datetime) -> bool:
    """"we havent gotten that far", "i didnt set one" to "what is your budget?": a negated
    statement with no value of the kind asked for does not know it yet."""
    expect = step.expect
    return (expect is not None and expect.type in ENTITY_EXPECTS
            and polar.denies(text, runtime.lang)
            and not _valued(runtime, text, expect.type, now))


def _valued(runtime: Runtime, text: str, kind: str, now: datetime) -> bool:
    """Whether ``text`` holds a value of ``kind`` with its entity's own cue ("one" in "we
    didnt set one" is no budget)."""
    found = _entity(runtime, text, kind, now)
    return found is not None and _has_cue(runtime, text, kind, found)


def _handler(runtime: Runtime, text: str) -> nlu.IntentMatch:
    """The global handler the reply asks for. Who-is-this and repeat both only re-ask:
    when the reply reads as either ("what company did you say?"), the likelier wins."""
    text = polar.without_why_yes(text, runtime.lang)  # "why yes it is": a yes, no question
    found = runtime.handlers.match(text)
    if runtime.lang == "ru" and (found.intent == "operator" or (
            found.ambiguous and any(name == "operator" for name, _ in found.ranking[:2]))):
        low = text.lower().replace("ё", "е")
        if ((_ROLE_REFUSED_RU if found.intent is None else _ROLE_SAID_OF_RU).search(low)
                and not _ROLE_ASKED_RU.search(low)):
            # «менеджеру вашему я всё рассказал», «оператор ваш тоже спрашивал»: the role is
            # told or reported, not asked for; what the rest of the reply asks stands
            found = runtime.handlers.match(_ROLE_WORD_RU.sub(" ", low))
    if runtime.lang == "en" and found.intent == "operator" and _reports_a_call_en(text):
        return nlu.IntentMatch(intent=None, confidence=0.0, ranking=found.ranking)
    if (runtime.lang == "en" and found.intent == "operator"
            and (own := _own_role_said_en(text)) is not None):
        # "yeah its me im the office manager here", "not me im the other manager": the
        # caller's own role, no person asked for; what the rest of the reply asks stands
        found = runtime.handlers.match(own)
    if (runtime.lang == "en" and text[-12:].lower().rstrip(" .,!?").rsplit(" ", 1)[-1]
            in _VOCATIVE_LAST_EN and (bare := _VOCATIVE_TAIL_EN.sub("", text.lower()))
            and (alone := runtime.handlers.match(bare)).intent is not None):
        found = alone  # "eh what was that dear", "whats that young man": the one addressed
    ranking = found.ranking
    if (runtime.lang == "en" and found.intent in (None, "repeat")
            and "say" in text and _WHO_SAID_EN.search(text.lower())):
        # "sorry the tv is loud who did you say this was": who calls, asked again, however
        # little of the rest reads as any handler
        return nlu.IntentMatch(intent="who_is_this", confidence=1.0, ranking=ranking)
    if (runtime.lang == "en" and found.intent is None and ranking
            and ranking[0][0] == "who_is_this" and ranking[0][1] >= _WHO_ASKED_FIRST
            and _ASKED_FIRST_EN.search(text.lower())):
        # "sure but first tell me who this is": who calls, asked before any answer
        return nlu.IntentMatch(intent="who_is_this", confidence=ranking[0][1], ranking=ranking)
    if found.intent == "repeat" and _COMPANY_ASKED.search(text.lower()):
        # "which company did you say again", «повторите, какая фирма»: who calls, asked again
        return nlu.IntentMatch(intent="who_is_this", confidence=found.confidence,
                               ranking=ranking)
    if (runtime.lang == "ru" and found.ambiguous and len(ranking) >= 2
            and {ranking[0][0], ranking[1][0]} == {"opt_out", "repeat"}
            and ranking[0][1] == ranking[1][1]):
        # «ещё раз позвоните — в полицию напишу», «чтоб я вас больше не слышал»: calls
        # refused outright outweigh a hearing word
        return nlu.IntentMatch(intent="opt_out", confidence=ranking[0][1], ranking=ranking)
    if (found.ambiguous and len(ranking) >= 2
            and {ranking[0][0], ranking[1][0]} <= _REASKING_HANDLERS):
        if _WHO_SAID_EN.search(text.lower()) or _COMPANY_ASKED.search(text.lower()):
            # "who did you say you were with again i missed it", "what do you mean by
            # paperless", «какая фирма, повторите», "what shop did you say": who calls, asked
            # again, in so many words (sure, as the rules are of a name they asked for)
            return nlu.IntentMatch(intent="who_is_this", confidence=1.0, ranking=ranking)
        return nlu.IntentMatch(intent=ranking[0][0], confidence=ranking[0][1], ranking=ranking)
    if ((found.intent == "operator" or (found.ambiguous and len(ranking) >= 2 and {
            ranking[0][0], ranking[1][0]} == {"operator", "who_is_this"}))
            and _ASKS_WHAT_IT_IS.match(text.lower())):
        # «а что за менеджер», "a manager from where": what the person is, not a request for
        # one
        return nlu.IntentMatch(intent="who_is_this", confidence=ranking[0][1], ranking=ranking)
    if (runtime.lang == "en" and found.intent in (None, "operator")
            and _heard_in_part_en(text.lower())):
        # "sorry something about a manager", "connect me to which guy now": a piece of the
        # question heard and asked back, not a person asked for
        return nlu.IntentMatch(intent="repeat", confidence=1.0, ranking=ranking)
    if (found.ambiguous and len(ranking) >= 2
            and {ranking[0][0], ranking[1][0]} == {"operator", "who_is_this"}
            and _ROBOT_OR_PERSON.search(text.lower())):
        # "are you a real person or a machine": whether a human is there, a human wanted
        return nlu.IntentMatch(intent="operator", confidence=ranking[0][1], ranking=ranking)
    return found


_HEARD_IN_PART_EN = re.compile(
    r"^(?:(?:sorry|wait|huh|um|uh|pardon|what) )+something (?:about|with|for) (?:a |an |the |my |"
    r"your |our |some )?\w+(?: \w+)?(?: or other| or something| was it| again)?$|"
    r"^(?:(?:so|and|wait|sorry|um|uh|huh) )*(?:connect|transfer|put|patch|switch)(?: me| us)?"
    r"(?: through| over)? (?:to|with) (?:which|what|who|whom)(?: \w+)?(?: now| again| exactly|"
    r" sorry)?$")
"""A piece of the question heard and asked back: "sorry something about a manager" (the rest
lost), "connect me to which guy now" (the offer's own words around a question word)."""


def _heard_in_part_en(low: str) -> bool:
    """`_HEARD_IN_PART_EN`, searched only when its words are said (most replies say none)."""
    return ("something " in low or "to wh" in low or "with wh" in low) and bool(
        _HEARD_IN_PART_EN.match(low))


_CALL_VERBS_EN = r"(?:called|phoned|rang|rung|spoke|talked|reached out|contacted|told|asked)"
_CALL_WHEN_EN = (r"(?:already|just|yesterday|earlier|last (?:week|month|time|year)|a (?:week|"
                 r"month|while) ago|before)")
_TALKED_TO_EN = (r"\b(?:i|we) (?:already |just |also )?(?:talked|spoke|spoken|met) (?:to |with )?"
                 r"(?:a|an|the|your|some|one of your|someone|somebody)\b(?: \w+){0,2}? (?:person|"
                 r"man|woman|guy|lady|girl|gentleman|fella|rep|agent|salesman|saleswoman|someone|"
                 r"somebody|people|folks)\b")
"""The caller's own past talk with one of theirs ("i spoke to a live person there on
tuesday", "i talked to a man at your booth"): told, whenever it was."""
_CALL_REPORTED_EN = re.compile(rf"\b{_CALL_WHEN_EN}\b.*\b{_CALL_VERBS_EN}\b|"
                               rf"\b{_CALL_VERBS_EN}\b.*\b{_CALL_WHEN_EN}\b|{_TALKED_TO_EN}")
_CALL_ASKED_EN = re.compile(
    r"\b(?:can|could|would|will|let me|put(?! (?:me|us) on hold)|get|transfer|connect|want|"
    r"wanna|need|have "
    r"(?:someone|somebody|them|him|her)|please|again)\b|\bi(?:d| would) (?:like|rather)\b")


def _reports_a_call_en(text: str) -> bool:
    """"someone from the office already called me", "your manager already rang me": a call
    that was, told, not a person asked for ("your guy called yesterday, put him on" is)."""
    low = text.lower()
    return bool(_CALL_REPORTED_EN.search(low)) and not _CALL_ASKED_EN.search(low)


_CALL_TOLD_EN = re.compile(
    r"(?:\b(?:your|you guys|yall|y all|someone|somebody|some|a|the|one of your|my|our|i|we|"
    r"they|he|she|shes|hes)\b(?: \w+){0,6}? )?(?:already |just |also )?\b(?:called|phoned|rang|"
    r"rung|spoke|talked|told|contacted|reached out|used|hired|had)\b(?: (?:me|us|him|her|to|"
    r"with|about|you|your|guys|someone|somebody|the|a|an|one|of|from|company|office|guy|lady|"
    r"man|woman|girl|person|people|colleague|coworker|manager|rep|agent|this|that|it|"
    r"everything|all|already|on|phone|over|before|earlier|yesterday|last|week|month|year|"
    r"time|ago|\w+day|this morning|guys|real|live|actual|there|here|at|in|booth|show|fair|"
    r"expo|event|store|shop|gentleman|fella|folks|salesman|saleswoman|sales|who|"
    r"put me on hold|on hold|forever|hung up on me|kept me waiting)\b)*")
"""The clause of a call or a dealing told of ("your colleague already called me about this
yesterday", "i already spoke to someone from your company on monday", "my neighbor used
you guys last year"): `_only_tells_of_a_call_en` reads what is left of the reply."""
_CALL_TOLD_MARK_EN = re.compile(
    rf"{_CALL_REPORTED_EN.pattern}|\b(?:somebody|someone|a (?:guy|lady|woman|man|girl)|"
    r"the (?:last|other|previous|first) (?:guy|lady|woman|man|girl|person|one|fella)|your "
    r"(?:\w+ )?(?:colleague|coworker|guy|lady|people|office|company|manager|rep|agent|"
    r"operator)|you guys|one of your \w+)\b(?: \w+){0,5}? (?:called|phoned|rang)\b|"
    r"\b(?:my|our) (?:\w+ )?(?:neighbor|neighbour|friend|sister|brother|mom|mother|dad|father|"
    r"cousin|coworker|son|daughter|aunt|uncle|boss|in laws?) (?:used|hired|had|recommended)"
    r" (?:you|your)\b")
"""A call that was or a dealing of someone the caller knows, told: "my wife said somebody
from a moving company phoned", "my neighbor used you guys last year"."""
_CALL_TOLD_VERBS_EN = frozenset({"called", "phoned", "rang", "rung", "spoke", "spoken", "talked",
                                 "reached", "contacted", "told", "asked", "met", "used", "hired",
                                 "had", "recommended"})
"""The verbs `_CALL_TOLD_MARK_EN` cannot match without: most replies say none and skip it."""
_CALL_TOLD_TOPICS = frozenset({"identity", "availability", "relevance", "consent"})


def _only_tells_of_a_call_en(text: str, topic: polar.Topic | None,
                             names: tuple[str, ...]) -> bool:
    """A call or a dealing told of and nothing else ("your colleague already called me about
    this yesterday" to "is now a good time?"): no answer, whatever its "already" or "call"
    reads as; with an answer beside it ("your guy called and i said no") it answers."""
    low = nlu.normalize(text, "en")
    if (_CALL_TOLD_VERBS_EN.isdisjoint(low.split()) or not _CALL_TOLD_MARK_EN.search(low)
            or _CALL_ASKED_EN.search(low)):
        return False
    rest = " ".join(_CALL_TOLD_EN.sub(" ", low).split())
    rest = " ".join(w for w in rest.split() if w not in _CALL_TOLD_FILLERS)
    if not rest:
        return True
    return (polar.polar(rest, "en", topic, names).answer is None
            and nlu.yes_no(rest, "en").answer is None)


_TOLD_THEIRS_EN = re.compile(
    r"\b(?:i|we) (?:already |just |also |even )?(?:gave|told|sent|showed|quoted) (?:your|the|"
    r"that|one of your) (?:\w+ )?(?:guy|lady|man|woman|girl|person|rep|agent|colleague|"
    r"coworker|manager|estimator|salesman|saleswoman|people|folks|office|fella)s?"
    r"(?: (?:a|the|my|our|that) (?:number|figure|budget|price|amount|ballpark)s?)?"
    r"(?: (?:on|at|during|after|over|when|before) (?:the|his|her|their|your|that) \w+)?"
    r"(?: (?:already|before|yesterday|last \w+|earlier))?"
    r"|\b(?:your|the|that|a|one of your) (?:other |last |previous |first )?(?:\w+ )?(?:guy|"
    r"lady|man|woman|girl|person|rep|agent|colleague|manager|fella|gentleman)s? (?:who|that) "
    r"(?:called|phoned|rang|came|came out|was here|stopped by)(?: \w+){0,3}? (?:said|told "
    r"(?:me|us)|mentioned|promised)\b.*$")
"""What the caller gave one of theirs, or what one of theirs said ("i already gave your guy
a number on the walkthrough", "the guy who called before said a person would go over
prices"): told of, with the words of the other's that it holds, no answer of the caller's."""
_TOLD_THEIRS_GATE_EN = ("gave", "told", "sent", "showed", "quoted", "said", "mentioned",
                        "promised")


def _only_tells_theirs_en(text: str) -> bool:
    """Whether a reply to a question that may be answered "I don't know" only tells what
    passed between the caller and one of theirs: its hedge words ("price", "walkthrough")
    are the story's, not a don't-know (no match: the question is asked again). A don't-know
    of the caller's own beside it ("i told your guy i dont know yet") still is one."""
    low = nlu.normalize(text, "en")
    if not any(verb in low for verb in _TOLD_THEIRS_GATE_EN):
        return False
    rest = " ".join(_TOLD_THEIRS_EN.sub(" ", low).split())
    return rest != low and not cues.hedge(rest, "en")


_CALL_TOLD_FILLERS = frozenset({"and", "so", "but", "um", "uh", "oh", "well", "like", "said",
                                "says", "that", "wife", "husband", "then", "again", "too"})


_TOLD_WHEN_RU = (r"(?:уже|же|тоже|ведь|все|раньше|недавно|давно|вчера|позавчера|утром|днем|"
                 r"вечером|летом|весной|осенью|зимой|мне|нам|нас|вам|у вас|об этом|про это|"
                 r"по телефону|на ярмарке|на выставке|на (?:той|прошлой) неделе|в прошлом "
                 r"(?:году|месяце)|в (?:понедельник|вторник|среду|четверг|пятницу|субботу|"
                 r"воскресенье)|(?:я|мы) (?:уже |же )?(?:все|всё) \w+л\w{0,2}|"
                 r"(?:вот|поэтому|потому) (?:и )?(?:я|мы) (?:и |тоже )?\w+л\w{0,3})")
"""The words a story of a call or a dealing runs on with: when it was, to whom, and what
followed it («я всё сказала», «вот я и записался»)."""
_KIN_RU = (r"(?:сосед|соседка|соседи|соседу|сестра|брат|кума|кум|подруга|друг|друзья|знакомые|"
           r"знакомый|знакомая|родственники|коллега|свекровь|теща|сын|дочь|дочка|зять|мама|"
           r"папа|муж|жена)")
_CALL_TOLD_RU = re.compile(
    r"(?:\b(?:так|а|ну|вот|же|я|мне|нам|нас|уже|ведь|и) )*"
    r"(?:\b(?:ваши|ваш|ваша|от вас|из вашей \w+|из вашего \w+)(?: \w+){0,2}? (?:уже |же )?"
    r"(?:звонил\w*|набирал\w*|перезванивал\w*)|"
    r"\bмне (?:уже |же )?(?:звонил\w*|набирал\w*)(?: (?:ваши|от вас))?|"
    rf"\b{_KIN_RU}(?: \w+){{0,2}}? (?:у вас|через вас|от вас|с вами)(?: (?:уже|тоже|же))? "
    r"(?:брал\w*|покупал\w*|заказывал\w*|ставил\w*|делал\w*|работал\w*)"
    r"(?: (?!(?:да|нет|не|ну|и|а|но)\b)\w+)?|"
    r"\b(?:у вас|через вас) (?:уже |тоже )?(?:брал\w*|покупал\w*|заказывал\w*|ставил\w*) "
    rf"{_KIN_RU}\w*|"
    r"\b(?:вашему|вашей|вашим)(?: \w+){0,4}? (?:уже |же |все |всё )*(?:объяснил\w*|"
    r"сказал\w*|рассказал\w*|говорил\w*|передал\w*)|"
    r"\b(?:ваш|ваша|ваши)(?: \w+){0,3}? (?:уже |же |все |всё )*(?:объяснил\w*|"
    r"рассказал\w*|разъяснил\w*)|"
    rf"\bс вами (?:уже |же |тоже )*(?:(?:мой|моя|мои|наш|наша|наши) )?{_KIN_RU}\w* "
    r"(?:уже |же |тоже )*(?:разговаривал\w*|говорил\w*|общал\w*|беседовал\w*)|"
    rf"\b{_KIN_RU}\w* (?:уже |же |тоже )*с вами (?:уже |же |тоже )*(?:разговаривал\w*|"
    r"говорил\w*|общал\w*|беседовал\w*))\b"
    rf"(?: {_TOLD_WHEN_RU}\b)*")
"""A call or a dealing told, the clause and the words it runs on with: «мне ваши уже
звонили в пятницу», «сосед у вас брал теплицу», «у вас брала соседка», «я же вашему
мужчине на ярмарке всё объяснила»."""
_CALL_TOLD_CUES_RU = ("звон", "набира", "у вас", "через вас", "от вас", "с вами", "вашему",
                      "вашей", "вашим", "ваш ", "ваша ", "ваши ")
_CALL_TOLD_TOPICS_RU = frozenset({"identity", "availability", "relevance", "consent"})
_CALL_TOLD_FILLERS_RU = frozenset({"так", "вот", "ну", "а", "и", "же", "уже", "что", "это"})
"""Words left of a story that say nothing («да» and «я» stay: «да, мне ваши уже звонили» to
«это Валентина?» answers)."""


def _only_tells_of_a_call_ru(text: str, topic: polar.Topic | None,
                             names: tuple[str, ...]) -> bool:
    """A call or a dealing told of and nothing else («мне ваши уже звонили в пятницу» to
    «удобно говорить?», «соседка у вас брала в прошлом году» to «заявка актуальна?»): no
    answer, whatever its «уже», «брала» or day reads as; with an answer after it («сосед у
    вас брал, её ветром унесло, не надо нам такого») it answers."""
    low = text.lower().replace("ё", "е")
    if not any(cue in low for cue in _CALL_TOLD_CUES_RU) or not _CALL_TOLD_RU.search(low):
        return False
    if _WHO_ASKED_RU.search(low) or "?" in low:
        return False
    rest = " ".join(w for w in _CALL_TOLD_RU.sub(" ", nlu.normalize(text, "ru")).split()
                    if w not in _CALL_TOLD_FILLERS_RU)
    if not rest:
        return True
    return (polar.polar(rest, "ru", topic, names).answer is None
            and nlu.yes_no(rest, "ru").answer is None)


_NO_HUMAN_NEEDED_EN = re.compile(
    r"\b(?:i |we )?(?:dont|do not|wont) need (?:to (?:talk|speak) (?:to|with) )?(?:anyone|"
    r"anybody|a person|a human|a manager|a rep|someone|somebody)(?: else)?\b|\bno need (?:for|"
    r"to (?:talk|speak) (?:to|with)) (?:anyone|anybody|a person|a human|a manager|someone|"
    r"somebody)(?: else)?\b")
_STOP_CALLING_EN = re.compile(r"\b(?:stop|quit|cease) (?:calling|ringing|phoning|bothering)\b")
""""no, stop calling me about it": the calls asked to end, not only this question refused."""
_WHO_SPEAKS_EN = re.compile(r"\b(?:(?:who|whom) (?:am i |is |was )?|whos )(?:speaking|talking)"
                            r"(?: (?:to|with))?(?: (?:exactly|please|now|here))?\b")
""""who am i speaking to exactly": the question's own "speaking" and "exactly", no answer."""
_NEEDLESS_REPEAT_EN = re.compile(
    r"\b(?:(?:there is |theres |really )?no (?:need|reason) to|(?:you )?(?:dont|do not) (?:need|"
    r"have) to|you neednt) (?:repeat|say (?:it|that) again|go over (?:it|that) again)"
    r"(?: (?:it|that|yourself|anything|the question))?\b")
_HEARD_ANYWAY_EN = re.compile(r"^(?:\w+ ){1,6}(?:i )?(?:cant|can not|cannot|can barely|can hardly) "
                              r"hear (?:you )?(?:very |too )?(?:well|great|good|much) but "
                              r"(?:\w+ ){0,3}\w+$")
"""An answer, then "i cant hear you well but" and the answer again: heard enough to answer."""
_VOCATIVES_EN = ("dear", "dearie", "honey", "hon", "love", "sweetie", "sweetheart", "darling",
                 "sugar", "sir", "maam", "madam", "miss", "son", "young man", "young lady",
                 "buddy", "pal", "mate", "kiddo")
_VOCATIVE_TAIL_EN = re.compile(rf"(?: (?:{'|'.join(_VOCATIVES_EN)}))+[ .,!?]*$")
""""what was that dear", "depends whos asking honey": a term of address closing the reply
says nothing of what is asked."""
_VOCATIVE_LAST_EN = frozenset(term.rsplit(" ", 1)[-1] for term in _VOCATIVES_EN)
"""The last words `_VOCATIVE_TAIL_EN` can strip: most replies end otherwise and skip it."""
_ROBOT_OR_PERSON = re.compile(r"\b(?:person|human|people|somebody|someone)\b.*\b(?:robot|machine|"
                              r"bot|computer|recording)s?\b|\b(?:robot|machine|bot|computer|"
                              r"recording)s?\b.*\b(?:person|human|people|somebody|someone)\b")
"""A person and a machine named together ("are you a real person or a machine", "is this a
recording or a human"): the caller wants a human on the line."""


_WHO_SAID_EN = re.compile(r"\bwho(?:d| did) you say (?:you (?:were|are|was)|(?:this|it) (?:was|is)|"
                          r"(?:is|was) (?:calling|on the (?:phone|line)))\b|"
                          r"\bwhat (?:do|did) you mean by (?!(?:that|this|it)$)(?:\w+ ){0,2}\w+$")
""""who did you say you were with again", "who did you say is calling", "what do you mean by
paperless": who calls, or what the thing they named is, asked again (not the question's
words; "who did you say you wanted" asks whom the robot asked for)."""
_ASKED_FIRST_EN = re.compile(r"\bbefore (?:that|this|we (?:start|begin|go on|continue|do "
                             r"(?:that|this|anything))|i (?:answer|say|agree|tell you)|anything"
                             r"(?: else)?)\b|\bfirst (?:tell me|of all)\b")
""""ok but before that what company you are": the question comes first, the ok waits."""
_WHO_ASKED_FIRST = 0.6
"""How near who-is-this a reply that asks first must read to be one."""
_COMPANY_ASKED = re.compile(r"\b(как\w*|что за|из как\w*|what|which) (\w+ )?(фирм|компани|"
                            r"организаци|контор|company|firm|business|shop|store|outfit|agency|"
                            r"office|clinic|studio|school|workshop)\w*")
"""A company asked for among the words of a repeat ("what shop did you say"): who is
calling is the question."""
_OWN_ROLE_EN = re.compile(
    r"\b(?:im|i am)(?: just| only| actually| also)? (?:the|a|an|their|his|her|its)"
    r"(?: \w+){0,2}? (?:manager|supervisor|operator|representative|rep)s?\b"
    r"(?: (?:here|there|of \w+(?: \w+)?|at \w+(?: \w+)?|for \w+(?: \w+)?))?")
"""The caller's own role ("im the office manager here", "i am the other manager"): who
they are, no one asked for."""


def _own_role_said_en(text: str) -> str | None:
    """The reply without the role the caller says is theirs (None: they say none)."""
    low = text.lower().replace("\u2019", "'").replace("'", "")
    if "i" not in low.split() and "im" not in low.split():
        return None  # each form of `_OWN_ROLE_EN` holds one of these
    bare = _OWN_ROLE_EN.sub(" ", low)
    return " ".join(bare.split()) if bare != low else None


_ROLE_SAID_OF_RU = re.compile(
    r"(?=.*\b(?:скаж|переда|расска|говор|сказ|объясн|сообщ)\w*)(?<!\bк )(?<!\bко )"
    r"\b(?:менеджеру|оператору|специалисту|консультанту|сотруднику)\b|"
    r"\b(?:менеджер|оператор|специалист|консультант)(?: \w+){0,3} (?:\w+(?:л|ла|ли)|пусть|может|"
    r"сможет)\b|"
    r"\bпусть (?:ваш )?(?:менеджер|оператор|специалист|консультант)\b(?!.*\bбы\b)")
"""«менеджеру вашему я уже всё рассказал», «оператор ваш не сказал», «менеджер пусть
посчитает»: the role told something, reporting or to act of its own accord, inside an
answer (not «соедините с менеджером», not «к оператору переведите»)."""
_ROLE_REFUSED_RU = re.compile(r"\bникаких (?:менеджеров|операторов|специалистов|консультантов)\b")
"""«никаких менеджеров и звонков»: the role refused beside the calls (an opt-out)."""
_ROLE_ASKED_RU = re.compile(r"\b(?:нужен|нужна|соедин\w*|переключ\w*|перевед\w*|позов\w*|позвать|"
                            r"дайте|хочу|свяжите)\b")
"""«мне нужен оператор, я же говорил»: the role asked for, whatever else is reported."""
_ROLE_WORD_RU = re.compile(r"\b(?:менеджер|оператор|специалист|консультант)\w*")
_ASKS_WHAT_IT_IS = re.compile(r"^((а|и|ну) )?(что (это )?(еще )?за|кто (это )?так(ой|ая))\b|"
                              r"^((а|и|ну) )?(менеджер|оператор|специалист|консультант)\w* "
                              r"(это |этот |ваш )?(кто|какой|какая)( такой| такая| у вас| и| "
                              r"откуда)*$|^((а|и|ну) )?кто (у вас |там )?(ваш )?(менеджер|оператор|"
                              r"специалист|консультант)\b|"
                              r"^((а|и|ну) )?(менеджер|оператор|специалист|консультант)\w* "
                              r"(ваш |этот )?((из|с|от) (какой|какого|каких)( \w+)?|откуда)$|"
                              r"^((and|so|wait) )?(what|which|who) (kind of |sort of )?(manager|"
                              r"operator|specialist|agent|rep)\b|"
                              r"^((and|so|wait) )?(an? |the |your )?(manager|operator|specialist|"
                              r"agent|rep) (from|with|at) (what|which) (company|firm|business|"
                              r"outfit|place)\b|^((and|so|wait) )?whos the (manager|operator|"
                              r"specialist|agent|rep)\b|"
                              r"^((and|so|wait) )?(an? |the |your )?(manager|operator|specialist|"
                              r"agent|rep) from where\b")


_WHO_KNOWS = re.compile(r"^((а|ну|да|так|well|honestly|man|oh|eh) )*(кто (ж |же |бы |его |ее |"
                        r"их |там )*(знает|знал|поймет|разберет)|who knows\b|"
                        r"what do you (think|reckon)$|(i )?(really |just |honestly )?(dont|do not) "
                        r"(really |even )?know (anymore|any more|at this point)$)")
"""«кто ж его знает», "who knows what my wife wants", "what do you think": idioms, no
question about the caller; "i really dont know anymore": unsure, whatever "anymore" reads
as (no longer wanted)."""
_CLOCK_ASKED_EN = re.compile(r"^(?:(?:um|uh|wait|sorry|hey|oh|hold on) )*(?:what (?:time|day|"
                             r"date) is it|whats the (?:time|date)|what day is (?:it|today))"
                             r"(?: now| right now| there| today| over there)?$")
""""what time is it", "what day is today": a question of the clock, nothing about the call."""
_CALL_AS_DECISION = re.compile(r"\b(?:not|isnt|its|thats|that is|it is) (?:\w+ )?(?:my|your|"
                               r"his|her|their|our|\w+s) call\b(?! (?:me|us|back|again|here))")
""""not my call", "thats my husbands call": the call is a decision to make."""
_ASKS_WHY_CALLED = re.compile(r"^((and|but|so|wait|um|uh|а|и|ну|так) )*(why ((are|do|did|would) )?"
                              r"you (keep )?(calling|call|ringing)|what (are|were) you calling|"
                              r"what(s| is) (this|the) call (for|about)|who(s| is) (this )?"
                              r"calling|where are you calling|who told you to call|"
                              r"зачем (вы )?(мне )?звони|(зачем|для чего|на что) (вам|тебе) "
                              r"(\w+ )?(мое|моё|мои|моя|наше)? ?(согласие|подпись|разрешение))")
""""why are you calling me", "whos this calling me", "where are you calling me from", «зачем
вы мне звоните»: the call is the question, no later fact."""


_APOLOGIES = frozenset({"простите", "извините", "sorry", "pardon"})
"""«сколько минут, простите»: a question word and the question's word, then an apology."""
_ASKED_THEN_APOLOGY_EN = re.compile(
    r"^(?P<asked>(?:\w+ ){1,4}(?:what|when|who|whom|which) (?:sorry|pardon))(?: \w+){1,6}$")
"""The question asked back, an apology, then what drowned it or what it was about ("my
budget for what sorry the dog was barking", "budget for what sorry the windows")."""
_ECHO_MAX_WORDS = 3
_ECHO_MAX_ASKING = 5
_ECHO_STEM = 6
_ASKING_WORDS = frozenset({"what", "whats", "when", "where", "who", "whom", "which", "why", "how",
                           "что", "когда", "где", "кто", "какой", "куда", "зачем", "почему",
                           "сколько", "чего", "кого"})
_NOT_UNDERSTOOD = re.compile(
    r"\bне (очень |совсем |до конца )?(понял|поняла|понимаю|уловил|уловила|разобрал|разобрала) "
    r"(\w+ )?(вопрос|о чем|про что)|\bне (рас)?(слышал|понял|разобрал|уловил)\w*( вас)?$|"
    r"\bне (рас)?слышу( вас)?$|\bпропустил\w* (\w+ )?(что (вы|ты)|вопрос)\b|"
    r"\b(dont|didnt|do not|did not|don't|didn't) (quite |really )?"
    r"(get|understand|follow) (the|your) question")
"""The question not understood, said anywhere in the reply («какой бюджет, не понял
вопроса», «какой бюджет, не расслышал»): a request to hear it again, even where a negated
noun sounds like a hedge."""


_WHO_CALLS = re.compile(r"\bwho (?:is|are) (?:this|you|calling)\b|\bwhos (?:this|calling)\b|"
                        r"\bwho am i (?:speaking|talking) (?:to|with)\b|"
                        r"\b(?:вы кто|кто вы|кто это|кто звонит|кто говорит|с кем (?:я )?говорю)"
                        r"(?: такие| вообще)?$")
""""why do you need to know that who is this", «а зачем вам это знать, вы кто»: who is
calling asked outright, whatever hedge the words before it make."""
_WORDS_ASKED_AGAIN = re.compile(r"^((а|простите|извините|еще раз|что) )*((что|как|чего) (вы|ты)|"
                                r"(вы|ты) что[- ]?то) (сейчас |только что )?(сказали|сказал|"
                                r"сказала|говорили)$|^(а |простите |извините )*\w+ (какой|какая|"
                                r"какое|какие|какую|сколько|когда) (вы |там )*(сказали|спросили|"
                                r"спрашиваете|спрашивали|говорите|говорили|назвали)$")
"""«что вы сказали», «сумма какая вы сказали» ask for the robot's words again: no hedge,
though «что сказать» is one."""


_BACK_GATE_EN = frozenset({"sorry", "pardon", "again", "mean", "say", "said", "question", "was",
                           "asked", "asking"})
"""Words without which no reply asks about the question itself (`_QUESTION_BACK_EN`)."""
_NOT_THE_QUESTION_EN = (r"(?!(?:company|this|that|it|is|up|going|happening|wrong|new|about|for|"
                        r"kind|sort|business|place|office|clinic|number|your|you|do|are|the "
                        r"heck|the hell)\b)")
_QUESTION_BACK_EN = re.compile(
    r"^(?:(?:hello|hi|sorry|wait|um|uh|huh|pardon|excuse me|hold on|so) )*(?:what was that "
    r"(?:about|"
    r"regarding|part|bit)(?: (?:(?:a|an|the|my|your|some|those|these) )?\w+)?|"
    r"(?:whats|what is) that "
    r"(?:about|regarding) again)(?: again| sorry)?$|"
    r"\b(?:is|was) (?:that|this) (?:the|your) question\b|\bis that what (?:you are|youre) "
    r"asking\b|"
    r"^(?!.*\b(?:company|who|whos|name|calling|from)\b)(?:(?:sorry|um|uh) )*(?:how much|how "
    r"many|how soon|when|what time|the|my|your|a|an) (?:\w+ ){0,3}(?:you mean|do you "
    r"mean|you said|did you say|you asked|you are asking about|youre asking about)"
    r"(?: sorry| again)?$|"
    r"^(?:sorry|pardon|excuse me|wait|huh)(?: (?:sorry|um|uh))* (?:what|whats) "
    + _NOT_THE_QUESTION_EN + r"\w+(?: \w+)?$|"
    r"^(?:what|whats) " + _NOT_THE_QUESTION_EN + r"\w+(?: \w+)? (?:sorry|pardon)$|"
    r"^(?!(?:yes|yeah|no|nope|ok|okay|so|and|but)\b)(?!.*\b(?:cost|costs|price|charge|pay|"
    r"fee)\b)(?:\w+ ){1,4}(?:when|how much|how many|"
    r"how soon)(?: (?:sorry|again|exactly|you said|did you say))+$")
""""what was that about a photo", "whats that about again", "is that the question", "the
time frame you mean", "how much did you say", "sorry what texts", "whats relevant sorry",
"planning the purchase when sorry": a question about the robot's own question, not about
who calls or why, so a request to hear it again (an apology or "again" says it was not
heard; "what company", "whats this about", "which bank did you say" still ask who is
calling)."""


def _asks_question_back(text: str) -> bool:
    """Whether an English reply asks about the question itself (`_QUESTION_BACK_EN`)."""
    words = text.lower().split()
    return not _BACK_GATE_EN.isdisjoint(words) and _QUESTION_BACK_EN.search(
        nlu.normalize(text, "en")) is not None


_MESSAGE_GIVEN = re.compile(r"^((а|ну|да|вот) )*(скажите|скажи|передайте|передай) ((ему|ей|им) )?"
                            r"что ((я|мы|он|она|они|все|у меня|у нас|мне|нам)\b|(?!(?:передать|"
                            r"сказать|именно|конкретно|вы|нужно|надо|говорить|еще|там|это|вам|"
                            r"нибудь|то|ли|случилось|такое|значит|у)\b)\w+ \w+)"
                            r"|^((and|so|yes|well) )*(tell|let) (him|her|them) (know )?(that )?"
                            r"(i|im|we|were|my|our)\b")
"""«скажите, что я согласен», «передайте, что деньги перевёл», "tell him i agree": the
message to pass on, in reported speech, though it opens with the question's own «скажите,
что» (not «скажите, что передать?»)."""


_TOPIC_TAIL = re.compile(r"(?<=\w) (?:на|для|под|for|on)(?: the| a| my| our)? \w+$")
_TOPIC_ASKING = frozenset({"какой", "какая", "какие", "какое", "сколько", "what", "which",
                           "how"})


def _echoes(runtime: Runtime, step: Step, text: str) -> bool:
    """A short question that repeats a word of the step's own question ("что передать?"
    to "скажите, что передать", "sorry, what budget?" to "what budget do you have in
    mind?") asks for the question again: a free-text step must not save it as the answer,
    nor an entity step read it as a "don't know"."""
    if "repeat" not in runtime.handler_specs or step.ask is None:
        return False
    norm = nlu.normalize(text, runtime.lang)
    if (topic := _TOPIC_TAIL.search(norm)) is not None and norm.split()[0] in _TOPIC_ASKING:
        norm = norm[:topic.start()]  # «какой бюджет на септик»: the question and its topic
    if runtime.lang == "en" and (cut := _ASKED_THEN_APOLOGY_EN.match(norm)) is not None:
        text = norm = cut.group("asked")  # "budget for what sorry the dog was barking"
    words = norm.split()
    if not words or len(words) > _ECHO_MAX_ASKING or not (
            polar.asks(norm, runtime.lang)
            or (len(words) <= _ECHO_MAX_WORDS and (words[-1] in _ASKING_WORDS  # "call when"
                or (words[0] in _ASKING_WORDS and words[-1] in _APOLOGIES)))
            or (len(words) == 2 and words[-1] in _APOLOGIES)):  # "budget sorry"
        return False
    if step.expect is not None and step.expect.type == "confirm" and _asks_purpose(words):
        return False  # «согласие на что именно» to a yes/no question: what it is for
        # (who-is-this); "budget for what" to "what budget?" asks again
    asked = set(nlu.lemmas(step.ask.text or "", runtime.lang))
    asked |= {w[:_ECHO_STEM] for w in asked if len(w) > _ECHO_STEM}
    lemmas = nlu.lemmas(text, runtime.lang)
    said = [w for w in lemmas if w not in _ASKING_WORDS]  # "planning what sorry": it may lead
    # «актуально» echoes «актуальна» (lemma «актуальный»): a long word by its stem too
    echoed = [w in asked or w[:_ECHO_STEM] in asked for w in said]
    if len(words) <= _ECHO_MAX_WORDS and any(
            hit and (len(word) > 3 or (runtime.lang == "en" and word not in LIGHT_WORDS["en"]))
            for word, hit in zip(said, echoed, strict=True)):
        return True  # "budget sorry", "buy what sorry" (a short verb of its own, no "you")
    small = _ECHO_SMALL if runtime.lang == "en" else frozenset()  # "my budget for what sorry"
    if step.expect is not None and step.expect.type == "text":
        small = small | _SAYING  # «куда говорить, что» to "say what to pass on": how to say it
    if not said or not all(hit or w in _ECHO_FILLERS or w in small
                           for w, hit in zip(said, echoed, strict=True)):
        return False
    # two question words around the question's own small words: «когда что простите»,
    # "sorry when are we what" (the question's "you" said as "we"); or one question word
    # at an edge of the question's own words: "still interested in what", «с кем соединить»
    return len(lemmas) - len(said) >= 2 or any(
        len(w) > 3 and hit for w, hit in zip(said, echoed, strict=True))


def _echoes_back(runtime: Runtime, step: Step, text: str,
                 variables: dict[str, Any] | None = None) -> bool:
    """The question's own words (any of its yes/no steps too) around one question word, and
    nothing else but small words ("still what", «заявка что», "my what" for "your budget",
    «с кем» to «соединить вас с менеджером?»): the caller asks to hear the question again."""
    if "repeat" not in runtime.handler_specs or step.ask is None:
        return False
    words = _HELD_EN.sub("", nlu.normalize(text, runtime.lang)).replace("-", " ").split()
    for n, word in enumerate(words[1:-1], 1):
        if word in _ASKING_WORDS and words[n + 1] in _ECHO_PLACE and len(words) - n <= 5:
            words = words[:n + 1]  # "connect me with who at clearpane": where, said after it
            break
    if not words or len(words) > _ECHO_MAX_ASKING + 1 or words[0] in _ECHO_NOT_OPENING:
        return False
    if "зачем" in words or "для чего" in " ".join(words):
        return False  # «а зачем вам мой бюджет»: why it is asked, so who calls and why
    rest = [w for w in words if w not in _ECHO_FILLERS]
    if rest and (rest[0] in _ECHO_NAMING or rest[1:2] == ["за"] or (
            rest[0] == "what" and len(rest) > 1 and rest[1] not in _ECHO_SMALL)):
        return False  # «какая заявка», «что за менеджер», "what request", "who calls back":
        # what the thing named is, or who, asks who is calling and why (who-is-this)
    if _asks_purpose(words) and (step.expect is None or step.expect.type == "confirm"):
        return False  # «согласна на что», "agree to what": what it is for (who-is-this);
        # "planning to what" to "when are you planning to buy?" asks the question again
    lemmas = nlu.lemmas(" ".join(words), runtime.lang)
    said = [w for w in lemmas if w not in _ASKING_WORDS and w not in _ECHO_ASKING]
    # its words, and a thing it names as the caller heard it when the question word closes
    # the reply ("a restored what" to "still interested in {{ product }}?"; "whats this
    # about a piano" asks what the call is about); a name ("acme who", "why do you want
    # marcus") asks who is calling, so a capitalised value stays out
    closes = ([w for w in lemmas if w not in _ECHO_TAILS] or lemmas)[-1] in _ASKING_WORDS
    # a question word between the question's word and a thing it names asks of that thing
    # too: «актуально что мотоблок» (the relevance of the request for a мотоблок asked back)
    between = (runtime.lang == "ru" and not closes and 2 < len(lemmas) <= _ECHO_MAX_WORDS
               and len(lemmas[0]) > 3 and lemmas[0] not in _ASKING_WORDS
               and lemmas[1] in _ASKING_WORDS)  # not «на что заявка»: what it is for
    if len(said) == len(lemmas) or not (
            polar.asks(" ".join(words), runtime.lang) or between
            or len(lemmas) - len(said) >= 2):  # «когда что перезвонить»: two question words
        return False
    things = {k: v for k, v in (variables or {}).items()
              if (closes or between) and isinstance(v, str) and v == v.lower()}
    asked = nlu.lemmas(_PLACEHOLDER.sub(" ", _rendered(step.ask.text or "", things)),
                       runtime.lang)
    if between:  # the thing the call is about, though this question does not name it
        asked = asked + nlu.lemmas(" ".join(things.values()), runtime.lang)
    content = [w for w in said if w not in _ECHO_FILLERS and w not in _ECHO_SMALL]
    if not content:  # "a what", «что сделать», «с кем»: the question word closes the reply
        closing = [w for w in lemmas if w not in _ECHO_TAILS] or lemmas  # "my what now"
        return len(words) >= 2 and (closing[-1] in _ECHO_CLOSING or (
            len(words) == 2 and lemmas[0] in _ECHO_CLOSING))
    return all(len(w) > 3 and any(w == a or (len(a) > 4 and w[:5] == a[:5]) for a in asked)
               for w in content)


_WHAT_NAMED_EN = re.compile(
    r"^(?:(?:sorry|wait|um|uh|and|so|huh) )*(?:what|which)(?: (?:is|are|was|were|kind of|sort "
    r"of|type of))?(?: (?:the|these|this|those|that|your|my|our|a|an|new))*(?P<named>(?: [a-z]+)"
    r"{1,3}?)(?: (?:now|exactly|again|sorry|you mean|are you talking about|do you mean|are these|"
    r"are those|are they|is this|is that|is it))?$")
_WHAT_NAMED_STEM = 5


_WHICH_RU = frozenset({"какой", "какая", "какое", "какие", "какую", "что", "чего"})
_WHICH_FILLERS_RU = frozenset({"а", "ну", "это", "еще", "там", "такой", "такая", "такое",
                               "такие", "за", "и", "вообще", "вы", "у", "вас", "опять", "сказали"})
_WHICH_MAX_RU = 6
_WHICH_STEM_RU = 5


def _asks_which_named_ru(text: str, variables: dict[str, Any] | None) -> bool:
    """«какой телеком», «домо что охрана какая ещё»: «какой» or «что» and only words of a
    name the call gives (its company, its product: a variable of the script, not a person's
    name) asks whose call this is, whatever the recogniser split the name into."""
    low = text.lower()
    if not variables or ("как" not in low and "что" not in low and "чего" not in low):
        return False  # no question word: most replies
    words = nlu.normalize(text, "ru").split()
    if len(words) > _WHICH_MAX_RU or _WHICH_RU.isdisjoint(words):
        return False
    named = [w for w in words if w not in _WHICH_RU and w not in _WHICH_FILLERS_RU]
    if not named or any(len(w) < 3 for w in named):
        return False
    given = " ".join(value.lower().replace("ё", "е") for key, value in variables.items()
                     if isinstance(value, str) and "name" not in key)
    return all(w[:_WHICH_STEM_RU] in given for w in named)


def _asks_what_named(runtime: Runtime, step: Step, text: str,
                     variables: dict[str, Any] | None) -> bool:
    """"what solar panels", "what terms", "which membership": "what" and only words the
    step said (its prompt, variables filled in) asks what the thing named is, so what the
    call is about (English; "what budget" to "what budget?" on a value step asks again)."""
    if runtime.lang == "ru":
        return _asks_which_named_ru(text, variables)
    if runtime.lang != "en" or (step.ask is None and step.say is None):
        return False
    found = _WHAT_NAMED_EN.match(nlu.normalize(text, "en"))
    if found is None:
        return False
    prompt = _rendered(" ".join(p.text or "" for p in (step.say, step.ask) if p is not None),
                       variables)
    said = {w[:_WHAT_NAMED_STEM] for w in nlu.lemmas(prompt, "en") if len(w) > 2}
    named = nlu.lemmas(found.group("named"), "en")
    return bool(named) and all(len(w) > 2 and w not in LIGHT_WORDS["en"]
                               and w[:_WHAT_NAMED_STEM] in said for w in named)



def _asks_about(text: str, lang: str, expect_type: str) -> bool:
    """A short English reply closed by "about what" on any step, or by "for what" on a yes/no
    step ("call back about what", "reminders for what"): what the call is about."""
    if lang != "en":
        return False
    words = nlu.normalize(text, lang).split()
    if len(words) > _ECHO_MAX_ASKING + 1 or (words and words[0] in _ECHO_NOT_OPENING):
        return False
    while words and (words[-1] in _ECHO_FILLERS or words[-1] in ("now", "again", "then")):
        words = words[:-1]
    return len(words) >= 2 and words[-1] == "what" and (
        words[-2] in _ECHO_ABOUT or (expect_type == "confirm" and _asks_purpose(words)))


def _asks_purpose(words: list[str]) -> bool:
    """«согласна на что (именно)», "agree to what exactly": what a thing is for, which asks
    who is calling and why, not for the question again."""
    while words and words[-1] in _ECHO_FILLERS:
        words = words[:-1]
    return len(words) >= 2 and words[-2] in _ECHO_PURPOSE and words[-1] in ("что", "чего", "what")


_PLACEHOLDER = re.compile(r"\{\{[^}]*\}\}")
_HELD_EN = re.compile(r"^(?:(?:hold|hang) on |one sec(?:ond)? )+")
""""hold on connect me to who now": the caller holding the robot, then the echo."""
_ECHO_ASKING = frozenset({"кем", "ком", "whom"})
_ECHO_PURPOSE = frozenset({"на", "за", "для", "от", "to", "for"})
_ECHO_ABOUT = frozenset({"about", "regarding", "concerning"})
_ECHO_NAMING = frozenset({"какой", "какая", "какое", "какие", "какую", "каком", "какого", "чей",
                          "чья", "кто", "which", "who", "whos"})
_ECHO_TAILS = frozenset({"now", "again", "exactly", "sorry", "pardon"})
_ECHO_PLACE = frozenset({"at", "from"})
_ECHO_CLOSING = frozenset({"what", "что", "чего", "кто", "кем", "кого"})
_ECHO_NOT_OPENING = frozenset({"yes", "yeah", "no", "nope", "ok", "okay", "so", "and", "but",
                               "да", "нет", "ну", "так", "и", "но", "ладно", "хорошо", "еще"})
"""A reply that opens with an answer or a conjunction ("so what", «да а что») is no echo."""
_ECHO_SMALL = frozenset({"a", "an", "the", "my", "your", "you", "to", "do", "did", "was",
                         "that", "about", "of", "kind", "sort", "want", "in", "on", "for",
                         "again", "now", "it", "with", "is", "are", "be", "this", "thi", "вы",
                         "ты", "с", "на", "в", "о", "про", "за", "сделать", "делать", "сказать",
                         "мой", "ваш", "еще", "раз", "ли"})


_ECHO_FILLERS = frozenset({"sorry", "wait", "um", "uh", "huh", "we", "i", "me", "us", "простить",
                           "извинить", "а", "ну", "мы", "я", "нам", "мне", "exactly", "именно",
                           "конкретно"})


_SAYING = frozenset({"говорить", "сказать", "say", "tell"})
"""Verbs of saying: between two question words at a step that takes what is said («куда
говорить что», "what do i say where"), the caller asks how to give it, not what to say."""


def _spoken_key(runtime: Runtime, text: str, now: datetime) -> str | None:
    """A key said in words: «один», «нажал один», «единичка», "number one"."""
    key = keys.spoken_key(text, runtime.lang)
    if key is not None:
        return key
    found = _entity(runtime, text, "integer", now)
    if found is not None and 0 <= found["value"] <= 9 and len(nlu.tokens(text, runtime.lang)) <= 3:
        return str(found["value"])
    return keys.pressed_key(text, runtime.lang)  # «один жму, звони ему»: a key pressed


_SAYS_NOTHING: dict[str, re.Pattern[str]] = {
    "ru": re.compile(r"^(?:(?:как бы|типа|это самое|значит|короче|вот|так сказать|"
                     r"в общем|ну|так|это|слушай(?:те)?|как его) ?)+$"),
    "en": re.compile(r"^(?:(?:you know|i mean|like|you see|kind of|sort of|kinda|sorta|"
                     r"lets see|let me see|so|and|but|anyway|i guess) ?)+$"),
}
"""«эээ ну как бы», "uh well you know": a pause filled, no reply. Neither its nearest
meaning nor its nearest remembered reply counts: to so few words either is chance."""


def _says_nothing(text: str, lang: str) -> bool:
    pattern = _SAYS_NOTHING.get(lang)
    return pattern is not None and pattern.match(nlu.normalize(text, lang)) is not None


def _semantic(
    runtime: Runtime, step: Step, compiled: _StepNlu, text: str
) -> _Candidate | None:
    if not compiled.settings.semantic or step.consent:
        return None  # consent evidence is decided by rules or by a layer the author named
    if _says_nothing(text, runtime.lang):
        return None  # «ну как бы вот»: the nearest meaning of a pause filled is chance
    if not compiled.semantic_built:
        expect = step.expect
        assert expect is not None
        intents = {name: runtime.script.intents[name].examples
                   for name in expect.intents if name in runtime.script.intents}
        examples = semantic.step_examples(
            runtime.lang, expect.type == "confirm", {"yes": expect.yes, "no": expect.no},
            intents, polar.silent_families(compiled.topic),
        )
        compiled.semantic = semantic.build_index(runtime.lang, examples)
        compiled.semantic_built = True
    if compiled.semantic is None:
        return None
    found = compiled.semantic.classify(text)
    if found is None:
        return None
    return _Candidate(found[0], found[1], "semantic")


def _remembered(
    runtime: Runtime, step: Step, compiled: _StepNlu, text: str
) -> _Candidate | None:
    """The reply memory's reading of a turn nothing else understood: a handler on any
    step; on a yes/no step (not a consent step) also a yes or a no to its topic; on a step
    with a "don't know" intent, that intent. Replies
    to other questions (`STEP`) are always among the neighbours: nearest, they say none."""
    if not compiled.settings.semantic or cues.hedge(text, runtime.lang):
        return None  # a hedge ("трудно сказать") answers nothing: re-asked, never recalled
    if _says_nothing(text, runtime.lang):
        return None  # "uh well you know": the words that fill a pause, nothing to recall
    if runtime.lang == "en" and step.consent and _defers_only(text):
        return None  # "can i call you back on that": a deferral the consent cannot take
        # as an answer, re-asked, no request to hear the question again
    table = reply_memory.memory(runtime.lang)
    expect = step.expect
    if table is None or expect is None:
        return None
    labels = [name for name in HANDLER_NAMES if name in runtime.handler_specs]
    groups = [reply_memory.HANDLER, reply_memory.STEP]
    if compiled.hedge_intent is not None:
        labels.append(reply_memory.DONT_KNOW)
    if expect.type == "confirm":
        groups.append(reply_memory.confirm_group(compiled.topic))
        if not step.consent:
            labels += [answer for answer in ("yes", "no") if answer in step.on]
    found = table.recall(text, groups, labels)
    if found is None or (found.label == "who_is_this" and runtime.lang == "ru"
                         and _someone_called_ru(text.lower().replace("ё", "е"))):
        return None
    if found.label == reply_memory.DONT_KNOW and compiled.hedge_intent is not None:
        return _Candidate(compiled.hedge_intent, found.score, "memory")
    return _Candidate(found.label, found.score, "memory")


def _weighed(runtime: Runtime, step: Step, text: str, now: datetime, slots: dict[str, Any],
             out: Understanding, variables: dict[str, Any] | None) -> Understanding:
    """The reply classifier's reading of the turn, over the step's options: it decides a
    turn nothing else understood (at `reply_classifier.FALLBACK`) and replaces the rules'
    answer it is sure is another way through the dialog (at `reply_classifier.OVERRULE`,
    unless the rules were sure too)."""
    if (out.handler or out.branch) is not None and out.confidence >= reply_classifier.RULE_SURE:
        return out  # the rules' answer is theirs to keep: nothing to ask
    if (out.family == "identity" and out.branch == "yes" and polar.owns_asked_name(
            text, runtime.lang, _asked_names(_step_nlu(runtime, step), variables))):
        return out  # "this is ross alind": the name asked for, heard; no model's to overrule
    found = classifier_reading(runtime, step, text, variables)
    if (out.layer == "memory" and found is not None and found.label == reply_classifier.NONE
            and found.probability >= reply_classifier.FALLBACK):
        # "someone from the office already called me" is remembered near "have somebody
        # from the office call me": the averaged words agree, the classifier hears no request
        return replace(out, branch=None, handler=None, intent=None, primary=False, value=None,
                       confidence=0.0, layer="rule", family=None,
                       runner_up=(out.handler or out.branch or "", round(out.confidence, 3)))
    branch = _classifier_branch(runtime, step, text, found, out)
    if found is None or branch is None:
        return out
    weighed = Understanding(intent=branch, confidence=found.probability, layer="classifier")
    decided = out.handler or out.branch
    if decided is not None:
        weighed.runner_up = (decided, round(min(1.0, out.confidence), 3))
    elif found.runner_up is not None:
        weighed.runner_up = found.runner_up
    if branch in HANDLER_NAMES:
        weighed.handler = branch
        return weighed
    confirm = step.expect is not None and step.expect.type == "confirm"
    weighed.branch = branch
    weighed.primary = confirm and branch in ("yes", "no")
    weighed.value = (branch == "yes") if weighed.primary else branch
    _fill_also(runtime, step, text, now, slots, weighed)
    return weighed


def classifier_reading(runtime: Runtime, step: Step, text: str,
                       variables: dict[str, Any] | None) -> reply_classifier.Reading | None:
    """What the reply classifier reads in a reply to ``step`` (None: not asked)."""
    asked = _classifier_asked(runtime, step, text)
    if asked is None:
        return None
    names = _asked_names(_step_nlu(runtime, step), variables)
    return asked[0].read(text, asked[1], runtime.lang, asked[2], names)


def _classifier_asked(runtime: Runtime, step: Step, text: str) -> tuple[
        reply_classifier.ReplyClassifier, str, frozenset[str]] | None:
    """The classifier, the question's context and the labels it reads over (None: the
    classifier is not asked here)."""
    compiled = _step_nlu(runtime, step)
    expect = step.expect
    if not compiled.settings.semantic or expect is None:
        return None  # the author turned the learned layers off
    model = reply_classifier.classifier(runtime.lang)
    if model is None or _says_nothing(text, runtime.lang):
        return None
    if compiled.classifier_asked is None:
        options = {name for name in HANDLER_NAMES if name in runtime.handler_specs}
        options.add(reply_classifier.NONE)
        if compiled.hedge_intent is not None:
            options.add(reply_classifier.DONT_KNOW)
        confirm = expect.type == "confirm"
        if confirm:
            options.update(("yes", "no"))
        compiled.classifier_asked = (reply_classifier.context(compiled.topic, confirm),
                                     frozenset(options))
    return model, *compiled.classifier_asked


def _classifier_branch(runtime: Runtime, step: Step, text: str,
                       found: reply_classifier.Reading | None,
                       out: Understanding) -> str | None:
    """The branch the classifier's reading takes instead of ``out`` (None: it takes none)."""
    if found is None or found.label == reply_classifier.NONE or out.held:
        return None  # an aside, a hold, a "who knows" is re-asked whatever its words
    compiled = _step_nlu(runtime, step)
    if found.label in ("yes", "no") and (found.label not in step.on or compiled.topic is None):
        # a way the step lacks; a question of no known topic, where no fact has a polarity
        # the model could have learned
        return None
    if step.consent and not _consent_reading(text, found, runtime.lang):
        return None
    branch = (compiled.hedge_intent
              if found.label == reply_classifier.DONT_KNOW else found.label)
    if branch is None or (branch == "operator" and runtime.lang == "en"
                          and _reports_a_call_en(text)):
        return None
    if branch == "opt_out" and out.handler is None and polar.limits_calls(text, runtime.lang):
        return None  # "you can text me just dont call me at work": a limit, not the end
    if (branch == "who_is_this" and runtime.lang == "ru"
            and _someone_called_ru(text.lower().replace("ё", "е"))):
        return None
    decided = out.handler or out.branch
    if decided is None:
        if compiled.topic == "identity" and found.label in ("yes", "no") and not found.named:
            return None  # «я хозяин квартиры»: who answered is told by a name, or by the rules
        return branch if found.probability >= reply_classifier.FALLBACK else None
    if (found.probability < reply_classifier.OVERRULE or _same_way(step, decided, branch)
            or _rules_keep(out, step, text, runtime.lang, branch)):
        return None
    return branch


def _consent_reading(text: str, found: reply_classifier.Reading, lang: str) -> bool:
    """Whether the classifier may decide a consent turn: a request for a person or to stop
    calling always; a refusal only when it is sure of it, and never from a reply whose facts
    say the caller is busy ("i'm driving" is no refusal: the question is asked again); a
    consent never (only the caller's own words of consent, as the rules read them, are
    recorded as one), nor a question about the offer («а какая погода» is none)."""
    if found.label in reply_classifier.CONSENT_LABELS:
        return True
    if found.label != "no" or found.probability < reply_classifier.CONSENT_SURE:
        return False
    return not any(hit.family in ("busy", "later") for hit in cues.read(text, lang))


def _opening_answer(text: str, lang: str) -> str | None:
    """The yes or no particle a reply opens with ("да, пока на парах перерыв")."""
    if not polar.opens_with_answer(text, lang):
        return None
    first = nlu.normalize(text, lang).split()[:1]
    return nlu.yes_no(first[0], lang).answer if first else None


def _rules_keep(out: Understanding, step: Step, text: str, lang: str, branch: str) -> bool:
    """Whether the rules' reading stands against the classifier's ``branch``: one they were
    sure of always, and an answer word with nothing but answer words beside it («конечно
    нет»); one of a kind in `reply_classifier.KEPT` unless the classifier hears a request to
    say it again ("a manager for what", "still interested in what sorry the water is
    running"), or any handler where the rules read no handler (a script's hedge
    intent does not answer "why do you want to know, who's asking"), or it is a consent read
    from a fact of agreement in a reply that opens with a no ("nope, email works great for
    me" is no consent, whatever "works great" says alone). Elsewhere the opening word does
    not decide against a fact: «да ну его к лешему» is a no, «нет нет всё верно» a yes."""
    if out.confidence >= reply_classifier.RULE_SURE:
        return True
    kind = decided_by(out)
    if kind == reply_classifier.PARTICLE and yesno.answer_words_only(text, lang):
        return True  # «конечно нет»: the model learned «конечно» beside facts of a yes
    if kind not in reply_classifier.KEPT:
        return False
    if kind != "handler" and branch in HANDLER_NAMES:
        return False
    if branch == "repeat" and not (out.handler == "who_is_this" and _names_the_caller(text, lang)):
        return False
    return not (step.consent and out.family == "agree" and out.branch == "yes"
                and _opening_answer(text, lang) == "no")


_CALLER_WORDS: dict[str, frozenset[str]] = {
    "ru": frozenset({"компания", "фирма", "организация", "контора"}),
    "en": frozenset({"company", "firm", "organization", "organisation", "business"}),
}
"""Words for the one who calls: a reply that asks with them asks who calls, however it also
asks to hear it again («какая компания, ещё раз повторите»)."""


def _names_the_caller(text: str, lang: str) -> bool:
    return not _CALLER_WORDS[lang_of(lang)].isdisjoint(lemma_tuple(text, lang_of(lang)))


def decided_by(out: Understanding) -> str:
    """What kind of reading decided a turn: a polar family, "particle", "handler", an
    "intent" of the step's own, a "value" of its entity, or the layer ("semantic",
    "memory") that read it."""
    if out.handler is not None:
        return "handler"
    if out.family is not None:
        return out.family
    if out.layer != "rule":
        return out.layer
    return "value" if out.primary else "intent"


def _same_way(step: Step, first: str, second: str) -> bool:
    """Two branches of a step that lead to the same place (`no` and `busy` to the callback
    question)."""
    return first == second or (first in step.on and second in step.on
                               and step.on[first] == step.on[second])


def _defers_only(text: str) -> bool:
    """Every fact the cues read in an English reply is a deferral ("let me call you back")."""
    hits = cues.read_lang(text, "en")
    return bool(hits) and all(hit.family == "later" for hit in hits)


def _options(runtime: Runtime, step: Step) -> list[str]:
    """The closed set a reply can choose from at this step (no_match aside)."""
    expect = step.expect
    assert expect is not None
    options: list[str] = []
    if expect.type == "confirm":
        options += ["yes", "no"]
    elif expect.type in ENTITY_EXPECTS or expect.type in ("text", "dtmf"):
        options.append("ok")
    options += [i for i in expect.intents if i not in options]
    options += [name for name in HANDLER_NAMES if name in runtime.handler_specs]
    options += [key for key in step.on if key not in options and key not in (
        "no_match", "no_input") and not key.isdigit()]
    return options


def _from_hint(
    runtime: Runtime,
    step: Step,
    hint: external.ExternalReading,
    now: datetime,
    out: Understanding,
) -> bool:
    """Use an external reading when it names one of this step's options."""
    expect = step.expect
    assert expect is not None
    choice = hint.intent
    if choice is None or choice not in _options(runtime, step):
        return False
    out.layer = hint.source
    out.confidence = hint.confidence
    out.intent = choice
    ranked = [(name, score) for name, score in hint.ranking if name != choice]
    out.runner_up = (ranked[0][0], round(ranked[0][1], 3)) if ranked else None
    if choice in runtime.handler_specs and choice not in step.on:
        out.handler = choice
        return True
    if choice == "ok":
        value = hint.slots.get(expect.save) if expect.save else None
        found = _parse_value(runtime, str(value), expect.type, now) if value is not None else None
        if found is None:
            return False  # "ok" without a value the typed parser accepts is no reading
        out.entities.append(found)
        out.branch, out.value, out.primary = "ok", found["value"], True
        return True
    out.branch = choice
    if expect.type == "confirm" and choice in ("yes", "no"):
        out.primary, out.value = True, choice == "yes"
    else:
        out.value = choice
    for slot, raw in hint.slots.items():
        kind = expect.also.get(slot)
        if kind is None or raw is None:
            continue
        found = _parse_value(runtime, str(raw), kind, now)
        if found is not None:
            _put(runtime, slot, found, out)
    return True


def _parse_value(runtime: Runtime, raw: str, kind: str, now: datetime) -> dict[str, Any] | None:
    """An outside value goes through the same typed parsers as the caller's own words."""
    return _entity(runtime, raw[:200], kind, now)


def _put(runtime: Runtime, slot: str, found: dict[str, Any], out: Understanding) -> None:
    types = runtime.slot_types.get(slot, ["string"])
    try:
        out.also[slot] = coerce(found["value"], types)
    except ValueProblem:
        return
    out.entities.append(found)


def _fill_also(
    runtime: Runtime,
    step: Step,
    text: str,
    now: datetime,
    slots: dict[str, Any],
    out: Understanding,
) -> None:
    expect = step.expect
    assert expect is not None
    if out.handler is not None:
        return
    for slot, kind in expect.also.items():
        if slots.get(slot) is not None or slot == expect.save or slot in out.also:
            continue
        found = _entity(runtime, text, kind, now, exclude=out.entities)
        if found is not None and _has_cue(runtime, text, kind, found) and not (
                kind == "money" and _running_cost(runtime, text, found)):
            if kind == "money" and runtime.lang == "ru":
                found = _in_thousands(found, below=1000, at_least=10)
            _put(runtime, slot, found, out)


# A value offered without being asked for must carry its entity's own cue: a currency or
# a magnitude for money ("двести тысяч", "5k", "$300", "бюджет сто"), not a bare count.
_MONEY_CUES: dict[str, re.Pattern[str]] = {
    "ru": re.compile(r"(?<!\w)(тыс|тыщ|миллион|млн|лям|рубл|руб|долл|евро|бюджет|сумм|"
                     r"стоимост)|₽"),
    "en": re.compile(r"\b(thousand|million|grand|hundred|dollar|buck|euro|pound|budget|spend|"
                     r"cost)(s|ing)?\b|\$"),
}
"""Each cue is a word or the start of one: "costco" is no "cost"."""


_RUNNING_COST: dict[str, re.Pattern[str]] = {
    "ru": re.compile(r"\b(сч[её]т\w*|квитанци\w*|платеж\w*|платим|плачу|(?<!раз )в месяц|"
                     r"ежемесячн\w*|коммуналк\w*|за свет|за газ|за отопление|аренд\w*)"),
    "en": re.compile(r"\b(bill|bills|payment|payments|rent|per month|monthly|each month|"
                     r"every month|utilities|"
                     r"(dollars|bucks|hundred|thousand|grand|\d+) a month)\b"),
}
"""A sum volunteered about a running cost ("the electric bill was three hundred", «за
отопление платим тысяч пять») is what they pay now, not what they would spend."""


_OFFERED_EN = re.compile(r"\b(?:we|i) (?:can|could) (?:do|spend|afford|pay|swing|manage) "
                         r"(?:about |around |like |maybe |roughly |up to |only |just )?$")
"""What the caller can pay said right before a sum ("we can do like 200 a month"): the
budget, even by the month."""


def _running_cost(runtime: Runtime, text: str, found: dict[str, Any]) -> bool:
    """Whether a sum volunteered at another step is a running cost (`_RUNNING_COST`), not
    one offered as what the caller can pay (`_OFFERED_EN`)."""
    low = text.lower()
    if not _RUNNING_COST[runtime.lang].search(low):
        return False
    start = found.get("start")
    return not (runtime.lang == "en" and isinstance(start, int)
                and _OFFERED_EN.search(low[:start]))


_HAVE: dict[str, re.Pattern[str]] = {
    "ru": re.compile(r"\b(у (нас|меня)( есть)?|есть|имеется|располагаем) (около |где-то |где то |"
                     r"примерно |порядка |до )?$"),
    "en": re.compile(r"\b(we have|we got|weve got|i have|i got|ive got|we can do|i can do|"
                     r"we can spend|i can spend|we could do|i could do|with) (about |around |"
                     r"like |maybe |roughly |up to |only |just )?$"),
}
"""A possession said right before a number offers a sum (a count of things is caught by
the noun after it: "we have about 1800 square feet"); so does "with" ("next month with
like 800")."""
_HAVE_AT_LEAST = 100
_NAMED_SUM_EN = re.compile(r"\s+(?:is|was|thats|is about|is just) (?:what|all|how much)\b")
"""A number said as what someone allows or holds ("eighteen five is what the bank
approved", "twelve grand is all we have"): a sum, whoever decided it."""


def _has_cue(runtime: Runtime, text: str, kind: str, found: dict[str, Any]) -> bool:
    if kind not in ("money", "number", "integer"):
        return True  # dates and times come from time words already
    said = str(found.get("text", "")).lower()
    low = text.lower()
    if found.get("unit"):
        return True
    lang = runtime.lang
    start = found.get("start")
    if (isinstance(start, int) and isinstance(found.get("value"), (int, float))
            and found["value"] >= _HAVE_AT_LEAST and _HAVE[lang].search(low[:start])):
        return True  # "and we have about 1800", «а у нас есть тысяч сто»: a sum held
    end = found.get("end")
    if (lang == "en" and isinstance(end, int) and isinstance(found.get("value"), (int, float))
            and found["value"] >= _HAVE_AT_LEAST and _NAMED_SUM_EN.match(low, end)):
        return True  # "eighteen five is what the bank approved": the sum, named
    if any(ch.isdigit() for ch in said) and said.rstrip().endswith(("k", "к")):
        return True  # "5k", «50к»
    if not MONEY_SLANG.isdisjoint(said.replace("ё", "е").split()):
        return True  # "twenty gs", «стольник»: words only money is counted in
    if lang == "ru" and _capped_ru(low, found):
        return True
    return _MONEY_CUES[lang].search(low) is not None


_CAP_BEFORE_RU = re.compile(r"\b(?:максимум|не больше|не более|не дороже|в пределах|потолок)"
                            r"(?: \w+)? $")
_CAP_AFTER_RU = re.compile(r"^ (?:максимум|макс|не больше|не более|потолок|край|от силы)\b")


def _capped_ru(low: str, found: dict[str, Any]) -> bool:
    """A ceiling said beside the number («и до двухсот максимум», «не больше ста»): only a
    sum has one here, so the number is a budget (in thousands, as a bare Russian one is)."""
    start, end, value = found.get("start"), found.get("end"), found.get("value")
    if not (isinstance(start, int) and isinstance(end, int) and isinstance(value, (int, float))
            and value >= _CAPPED_AT_LEAST):
        return False
    if _CAP_AFTER_RU.match(low[end:]):
        return True
    after = low[end:].split()[:1]
    if after and ru_noun_lemma(after[0].replace("ё", "е")) is not None:
        return False  # «не больше двадцати дней»: the ceiling of a count it names
    return _CAP_BEFORE_RU.search(low[:start]) is not None


_CAPPED_AT_LEAST = 10
"""A ceiling of fewer ("максимум два") counts days or things, not thousands."""


_PRONOUN_ONE = frozenset({"one", "один", "одна", "одну", "одно"})


def _primary(
    runtime: Runtime, step: Step, compiled: _StepNlu, text: str, now: datetime,
    out: Understanding,
) -> None:
    expect = step.expect
    assert expect is not None
    kind = expect.type
    if kind in ENTITY_EXPECTS:
        found = _entity(runtime, text, kind, now)
        if (found is not None and kind == "money"
                and str(found.get("text", "")).strip().lower() in _PRONOUN_ONE
                and not _has_cue(runtime, text, kind, found)):
            found = None  # "i don't have one", «у нас одна»: a pronoun, not a sum of 1
        if found is not None and kind == "money" and runtime.lang == "ru":
            found = _in_thousands(found, below=1000, at_least=10)
        if found is not None:
            out.entities.append(found)
            out.branch, out.value, out.confidence = "ok", found["value"], 1.0
        elif expect.accept_text and nlu.normalize(text, runtime.lang):
            out.branch, out.value, out.confidence = "ok", text.strip(), 0.5
    elif kind == "text":
        if nlu.normalize(text, runtime.lang):
            out.branch, out.value, out.confidence = "ok", text.strip(), 1.0
    elif kind == "dtmf":
        digits = "".join(ch for ch in text if ch.isdigit()) or keys.spoken_key(text, runtime.lang)
        if not digits:
            found = _entity(runtime, text, "integer", now)
            if found is not None and isinstance(found["value"], int) and found["value"] >= 0:
                digits = str(found["value"])
        if (not digits and compiled.answer_keys
                and not _KEYPAD_TROUBLE[runtime.lang].search(nlu.normalize(text, runtime.lang))):
            # "согласна" to "если согласны, нажмите 1"; not "my phone doesnt have buttons"
            answer = polar.polar(text, runtime.lang).answer
            digits = compiled.answer_keys.get(answer or "", "")
        if digits:
            out.value = digits
            out.branch = digits if digits in step.on else ("ok" if "ok" in step.on else None)
            out.confidence = 1.0


_KEYPAD_TROUBLE: dict[str, re.Pattern[str]] = {
    "en": re.compile(r"\b(?:cant|can not|cannot|couldnt|dont|doesnt|does not|do not|no|wont|"
                     r"unable to|not able to|without)\b(?: \w+){0,4} (?:buttons?|keypad|key pad|"
                     r"keys|dial ?pad|touch ?tone|press|push|pressing|pushing)\b|\brotary\b"),
    "ru": re.compile(r"\b(?:не|нет|без)\b(?: \w+){0,4} (?:кнопо?к\w*|клавиш\w*|"
                     r"нажа\w*|нажим\w*|тыкать|потыкать)|"
                     r"\b(?:потом|позже|попозже|позднее)\b(?: \w+){0,3} (?:нажм|нажа|нажим)\w*|"
                     r"\b(?:нажм|нажа|нажим)\w*(?: \w+){0,3} (?:потом|позже|попозже|позднее)\b"),
}
"""The keypad itself out of reach ("my phone doesnt have buttons", "i cant press anything
im driving", «не могу нажать, я за рулём») or the press put off («можно я потом нажму»:
the later is the key's, not a no): a reason no key comes, no yes or no in words."""


def _in_thousands(found: dict[str, Any], below: int, at_least: int = 1) -> dict[str, Any]:
    """A budget said as a bare number under ``below`` counts thousands: the phone drops the
    «тысяч» or the "grand" the way writing never would. Russian budgets always do ("ну сто
    десять", «не больше восьмидесяти», «полтораста»: nobody budgets 110 roubles); English
    ones under a hundred where the step counts in thousands ("thirteen and a half", "like
    fourteen"). A currency or a multiplier said keeps the number ("пятьсот рублей", "fifty
    bucks", "two hundred"). Under ``at_least`` a whole number may count things, but a
    fraction («шесть с половиной») never does: thousands too."""
    value = found.get("value")
    if found.get("unit") or not isinstance(value, (int, float)) or not value < below:
        return found
    if not (value >= at_least or (value >= 1 and not float(value).is_integer())):
        return found
    said = str(found.get("text", "")).lower().split()
    if any(word in said for word in _SCALE_WORDS_EN):
        return found  # "two hundred": the scale is said
    scaled = value * 1000
    return {**found, "value": int(scaled) if float(scaled).is_integer() else scaled}


_SCALE_WORDS_EN = frozenset({"hundred", "thousand", "grand", "k", "million", "percent"})
"""English words that already give an amount its scale (Russian ones come as a unit)."""


_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")


def _step_scale(step: Step, slot: str | None, variables: dict[str, Any] | None) -> float:
    """The largest number the step's conditions compare its slot with ("budget >=
    min_budget", min_budget 8000): the scale the caller's amount is said in."""
    if not slot or not variables:
        return 0.0
    scale = 0.0
    for transitions in step.on.values():
        for tr in transitions:
            when = tr.when
            if not when or slot not in _IDENTIFIER.findall(when):
                continue
            for name in _IDENTIFIER.findall(when):
                value = variables.get(name)
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    scale = max(scale, float(value))
    return scale


_DIGIT_WORDS_EN = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                   "eight": 8, "nine": 9, "one": 1}
_DIGIT_PAIR_EN = re.compile(r"^(?:(?:about|around|maybe|like|say|um|uh|so|well|probably) )*"
                            r"(?P<a>\w+) (?P<b>\w+)(?: (?:or so|tops|max|i think|i guess))?$")


_WORD_EN = re.compile(r"[a-z']+")


def _digit_pair_en(text: str, found: dict[str, Any]) -> dict[str, Any]:
    """"seven five" where the step counts in thousands: 7500, a price read out as its
    thousands, then its hundreds (as "eleven five" is anywhere); elsewhere two digits stay
    two numbers, and two in a row ("six seven") are a range said fast."""
    # not `nlu.normalize`: it drops a word said twice, and "five five" is 5500
    pair = _DIGIT_PAIR_EN.match(" ".join(_WORD_EN.findall(text.lower())))
    if pair is None or found.get("unit"):
        return found
    a, b = _DIGIT_WORDS_EN.get(pair.group("a")), _DIGIT_WORDS_EN.get(pair.group("b"))
    if a is None or b is None or a < 2 or b == a + 1 or found.get("value") != a:
        return found
    return {**found, "value": a * 1000 + b * 100, "text": f"{pair.group('a')} {pair.group('b')}"}


def _entity(
    runtime: Runtime,
    text: str,
    kind: str,
    now: datetime,
    exclude: list[dict[str, Any]] | None = None,
) -> dict[str, Any] | None:
    """The value of ``kind`` the reply gives; a self-correcting one ("friday at 10 no make
    it 11", «тысяч пятьдесят нет сорок») gives the value it ends on (`corrections`)."""
    found = _entity_said(runtime, text, kind, now, exclude)
    if found is None or kind not in corrections.CORRECTED_KINDS:
        return found
    fixed = corrections.corrected(text, lang_of(runtime.lang), kind,
                                  lambda part: _entity_said(runtime, part, kind, now))
    if fixed is None or any(fixed.value["start"] < e["end"] and e["start"] < fixed.value["end"]
                            for e in exclude or []):
        return found
    return fixed.value


def _day_ruled_out(runtime: Runtime, text: str, kind: str, now: datetime) -> bool:
    """«первого не звоните лучше третьего»: a call refused between two days rules the first
    one out and asks for the second; no end to the calls."""
    fixed = corrections.corrected(text, lang_of(runtime.lang), kind,
                                  lambda part: _entity_said(runtime, part, kind, now))
    return fixed is not None and fixed.refused_call


def _entity_said(
    runtime: Runtime,
    text: str,
    kind: str,
    now: datetime,
    exclude: list[dict[str, Any]] | None = None,
) -> dict[str, Any] | None:
    types = _ENTITY_REQUEST.get(kind) or (cast(nlu.EntityType, kind),)
    entities = nlu.extract_entities(
        text, runtime.lang, types, now=now.astimezone(runtime.timezone),
        region="RU" if runtime.lang == "ru" else "US",
    )
    taken = [(e["start"], e["end"]) for e in exclude or []]
    for entity in entities:
        if any(entity.start < end and start < entity.end for start, end in taken):
            continue
        if kind == "datetime" and _no_day_to_call(entity):
            continue
        if kind == "integer" and not (
            isinstance(entity.value, int)
            or (isinstance(entity.value, float) and entity.value.is_integer())
        ):
            continue
        data = entity.model_dump()
        if kind == "integer":
            data["value"] = int(data["value"])
        elif kind == "date" and entity.until is not None and _begun(entity.value, now, runtime):
            data["value"] = entity.until
        return data
    return None


_CALL_SPAN_DAYS = 31


def _no_day_to_call(entity: nlu.Entity) -> bool:
    """A period longer than a month («летом», "in the spring") is a timeframe, no time to
    call back: a date step still reads it, a callback step asks again."""
    if entity.type != "date" or entity.until is None:
        return False
    first, last = date.fromisoformat(str(entity.value)), date.fromisoformat(entity.until)
    return (last - first).days > _CALL_SPAN_DAYS


def _begun(value: Any, now: datetime, runtime: Runtime) -> bool:
    """A period that has already begun ("до весны", "до конца месяца", "by spring") says
    when at the latest, and its first day is just today: the slot keeps its last day."""
    return bool(value == now.astimezone(runtime.timezone).date().isoformat())


def asks_outside(runtime: Runtime, step: Step) -> bool:
    """Whether a reply to ``step`` may be asked about outside this process (Rasa, an LLM):
    most steps ask no one, and their shells skip building the request."""
    expect = step.expect
    if expect is None or expect.type == "dtmf":
        return False
    settings = _step_nlu(runtime, step).settings
    return settings.rasa is not None or settings.llm is not None


def request_for(
    runtime: Runtime,
    step: Step,
    text: str,
    now: datetime,
    slots: dict[str, Any],
    question: str,
    variables: dict[str, Any] | None = None,
) -> external.ExternalRequest | None:
    """What to ask outside this process about ``text`` at ``step``, or None (pure).

    Rasa, when the step (or script) names a server, reads every reply; an LLM only the
    replies the offline layers are unsure of (no match, or less sure than `llm.below`)."""
    expect = step.expect
    if expect is None or not asks_outside(runtime, step):
        return None
    settings = _step_nlu(runtime, step).settings
    rasa = llm = None
    if settings.rasa is not None:
        rasa = external.RasaTarget(
            url=settings.rasa.url, timeout_s=settings.rasa.timeout_ms / 1000,
            token_env=settings.rasa.token_env,
        )
    if settings.llm is not None:
        offline = understand(runtime, step, text, now, slots, variables=variables)
        unsure = offline.branch is None and offline.handler is None
        if unsure or offline.confidence < settings.llm.below:
            llm = external.LlmTarget(
                url=settings.llm.url, model=settings.llm.model,
                api_key_env=settings.llm.api_key_env,
                timeout_s=settings.llm.timeout_ms / 1000,
            )
    if rasa is None and llm is None:
        return None
    wanted: dict[str, str] = dict(expect.also)
    if expect.save is not None and expect.type in ENTITY_EXPECTS:
        wanted[expect.save] = expect.type
    hints = {name: "e.g. " + "; ".join(runtime.script.intents[name].examples[:3])
             for name in expect.intents
             if name in runtime.script.intents and runtime.script.intents[name].examples}
    return external.ExternalRequest(
        text=text, lang=runtime.lang, question=question, options=_options(runtime, step),
        hints=hints, slots=wanted, rasa=rasa, llm=llm,
    )
