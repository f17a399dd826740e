"""Would these words, heard at a pause, complete the caller's turn? Pure and cheap.

A live call decodes the audio speculatively at each pause (`call.listener`); the
semantic end-of-turn policy (`asr_tts.turn_policy`) then takes the words' side of the
question from here:

- `incomplete`: the words stop mid-phrase: on a conjunction, a preposition, a filler, a
  determiner ("ну, давайте в", "и", "and the", "um"), or, where the step waits for a
  phone number, on digits that are not a whole number yet;
- `complete`: a full answer to the current step: the step's own understanding (the same
  pure `understand` the Dialog runs, on a copy of nothing: no state changes) finds a
  clear yes/no, one of the step's intents, a value of the expected type, or a global
  handler ("позовите оператора"). A value that may still grow is not a full answer: a
  number or amount whose last word is a number ("двести…" may go on "…тысяч");
- `unknown`: anything else (free text, words that match nothing): the audio decides.
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


def _trails_off(text: str, lang: str) -> bool:
    """Whisper writes a reply cut off mid-phrase with a trailing comma or ellipsis."""
    stripped = text.rstrip()
    return stripped.endswith((",", "...", "…", " -", "—"))


def text_completeness(text: str, lang: str) -> Completeness:
    """The words alone: `incomplete` when they stop on a word that needs more after it,
    else `unknown` (words alone never prove a turn complete: that needs the step)."""
    words = _words(text)
    if not words:
        return "unknown"
    last = words[-1]
    trailing = _TRAILING.get(lang_of(lang), frozenset())
    if last in trailing and (len(words) > 1 or last not in _STANDALONE):
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


def step_completeness(dialog: Dialog, text: str, at: datetime | None = None) -> Completeness:
    """`text_completeness`, then whether the text fully answers the step the dialog waits
    on (see the module docstring). Reads the dialog, changes nothing."""
    lang = dialog.runtime.lang
    verdict = text_completeness(text, lang)
    if verdict != "unknown":
        return verdict
    state = dialog.state
    step = dialog.script.steps.get(state.step or "")
    if (state.waiting != "input" or step is None or step.expect is None
            or step.menu is not None or not text.strip()):
        return "unknown"
    words = _words(text)
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
