"""Would these words, heard at a pause, complete the caller's turn? Pure and cheap.

A live call decodes the audio speculatively at each pause (`call.listener`); the
semantic end-of-turn policy (`asr_tts.turn_policy`) then takes the words' side of the
question from here:

In this order:
1. `incomplete`: the words stop mid-phrase: on a conjunction, a preposition, a filler, a
   determiner ("ну, давайте в", "и", "and the", "um"), or, where the step waits for a
   phone number, on digits that are not a whole number yet;
2. `complete`: a full answer to the current step: the step's own understanding (the same
   pure `understand` the Dialog runs; no state changes) finds a clear yes/no, one of the
   step's intents, a value of the expected type, or a global handler ("повторите"). A
   value that may still grow is not a full answer: a number or amount whose last word is
   a number ("двести…" may go on "…тысяч");
3. `incomplete` again, for a recognizer that punctuates (Whisper): no sentence-final
   mark, or a trailing comma or ellipsis. Whisper writes the end of a sentence it heard
   end with a full stop and leaves a phrase it heard break off open: on 440 recorded
   human turns (`bench/turn_replay.py`) 65% of mid-turn pauses came back open and 2-10%
   of turn ends. It comes after the step's answer because a bare "да" often comes back
   without a full stop. No words at all is the most open text: the VAD heard speech that
   Whisper made nothing of yet (a first word cut short, or dropped as no speech), as at
   7 pauses of those turns, none at a turn's end. Such a turn has nothing to answer:
   ending it sends no reply (the call keeps listening) but drops the audio heard, so the
   caller's next words would be decoded without their start;
4. `unknown`: anything else (free text, words that match nothing): the audio decides.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from asr_tts.turn_policy import Completeness
from bot_engine.dialog.engine import Dialog
from bot_engine.dialog.understanding import understand
from bot_engine.nlu.lang import lang_of

_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_TRAILING: dict[str, frozenset[str]] = {
    "ru": _set(
        # conjunctions
        "и а но или либо что чтобы потому поэтому если когда хотя зато причем причём "
        "который которая которое которые которого "
        # prepositions
        "в во на с со к ко по о об обо от до из у за над под при про без для через перед "
        "между около после возле кроме среди из-за из-под "
        # fillers
        "ну эм эмм э ээ эээ мм ммм гм хм значит короче типа скажем допустим "
        # determiners and possessives that need a noun
        "мой моя моё мое мои моего моей наш наша наше наши ваш ваша ваше ваши этот эта эти "
        "этого этой какой какая какое какие свой своя своё свое свои"),
    "en": _set(
        # conjunctions
        "and but or because if when although though unless whether than nor "
        # prepositions
        "to of in on at for with from by about into onto over under after before between "
        "through during without "
        # fillers
        "um umm uh uhh er erm hmm ah "
        # determiners and possessives that need a noun
        "the a an my your our their its every each some"),
}
_STANDALONE = frozenset({"что", "как", "где", "когда", "а"})
"""Words that are a whole reply on their own ("что?" asks to repeat), so they end a turn
only when other words come before them."""
_NUMBER_WORDS: dict[str, frozenset[str]] = {
    "ru": _set(
        "ноль один одна два две три четыре пять шесть семь восемь девять десять одиннадцать "
        "двенадцать тринадцать четырнадцать пятнадцать шестнадцать семнадцать восемнадцать "
        "девятнадцать двадцать тридцать сорок пятьдесят шестьдесят семьдесят восемьдесят "
        "девяносто сто двести триста четыреста пятьсот шестьсот семьсот восемьсот девятьсот "
        "полтора полторы"),
    "en": _set(
        "zero oh one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty "
        "seventy eighty ninety hundred"),
}
_PHONE_DIGITS = 10
"""A phone number has at least this many digits (Russian 10 after the 8/+7; US 10)."""
_DIGIT_VALUE: dict[str, int] = {
    # how many digits a spoken number word stands for, in a phone number read in groups
    **dict.fromkeys(_set("ноль один одна два две три четыре пять шесть семь восемь девять "
                         "zero oh one two three four five six seven eight nine"), 1),
    **dict.fromkeys(_set("десять одиннадцать двенадцать тринадцать четырнадцать пятнадцать "
                         "шестнадцать семнадцать восемнадцать девятнадцать двадцать тридцать "
                         "сорок пятьдесят шестьдесят семьдесят восемьдесят девяносто ten "
                         "eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen "
                         "nineteen twenty thirty forty fifty sixty seventy eighty ninety"), 2),
    **dict.fromkeys(_set("сто двести триста четыреста пятьсот шестьсот семьсот восемьсот "
                         "девятьсот hundred"), 3),
}
_CLEAR = 0.75
"""An understanding at least this sure is a full answer."""
_NUMERIC = frozenset({"number", "integer", "money", "phone"})


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("ё", "е"))


def _open(text: str) -> bool:
    """No sentence-final mark, or one that trails off (a comma, an ellipsis, a dash)."""
    stripped = text.rstrip().rstrip("\"'»”)")
    return (not stripped.endswith((".", "!", "?"))
            or stripped.endswith(("...", "…")))


def _stops_mid_phrase(words: list[str], lang: str) -> bool:
    if not words:
        return False
    last = words[-1]
    trailing = _TRAILING.get(lang_of(lang), frozenset())
    return last in trailing and (len(words) > 1 or last not in _STANDALONE)


def text_completeness(text: str, lang: str, punctuated: bool = False) -> Completeness:
    """The words alone (rules 1 and 3 of the module docstring): `incomplete` or `unknown`;
    words alone never prove a turn complete, that needs the step. `punctuated`: the text
    comes from a recognizer that punctuates (then no words at all is `incomplete`)."""
    words = _words(text)
    if not words:
        return "incomplete" if punctuated else "unknown"
    if _stops_mid_phrase(words, lang) or (punctuated and _open(text)):
        return "incomplete"
    return "unknown"


def _phone_digits(words: list[str]) -> int:
    count = 0
    for word in words:
        if word.isdigit():
            count += len(word)
        else:
            count += _DIGIT_VALUE.get(word, 0)
    return count


def step_completeness(dialog: Dialog, text: str, punctuated: bool = False,
                      at: datetime | None = None) -> Completeness:
    """Whether the text completes the turn at the step the dialog waits on (the module
    docstring's rules in order). Reads the dialog, changes nothing."""
    lang = dialog.runtime.lang
    words = _words(text)
    if not words:
        return text_completeness(text, lang, punctuated)
    if _stops_mid_phrase(words, lang):
        return "incomplete"
    answer = _answers_step(dialog, text, words, at)
    if answer != "unknown":
        return answer
    return text_completeness(text, lang, punctuated)


def _answers_step(dialog: Dialog, text: str, words: list[str],
                  at: datetime | None = None) -> Completeness:
    state = dialog.state
    lang = dialog.runtime.lang
    step = dialog.script.steps.get(state.step or "")
    if state.waiting != "input" or step is None or step.expect is None or step.menu is not None:
        return "unknown"
    expect = step.expect.type
    numbers = _NUMBER_WORDS.get(lang_of(lang), frozenset())
    ends_in_number = bool(words) and (words[-1].isdigit() or words[-1] in numbers)
    if expect == "phone" and ends_in_number and _phone_digits(words) < _PHONE_DIGITS:
        return "incomplete"
    if expect == "text":
        return "unknown"
    now = at or state.now or datetime.now(UTC)
    try:
        reading = understand(dialog.runtime, step, text.strip(), now, dict(state.slots))
    except Exception:  # a dry run never breaks the call: the audio decides
        return "unknown"
    if reading.handler is not None:
        return "complete"
    if reading.branch is None or reading.confidence < _CLEAR:
        return "unknown"
    if expect in _NUMERIC and ends_in_number:
        return "unknown"
    return "complete"
