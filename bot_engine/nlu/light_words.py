"""Words that say little in a reply: function words, and the negators whose presence
flips what a reply means. Shared by the intent matcher and the semantic layer."""

from __future__ import annotations

from bot_engine.nlu.lang import Lang


# Function words weigh little: sharing "мне" or "the" with an example says nothing.
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


LIGHT_WORDS: dict[Lang, frozenset[str]] = {
    "ru": _words(
        "я мне меня мой вы вас вам ваш ты тебя он она они мы нас это этот тот и а в во на с со"
        " к ко по о об от до за из у же ли бы то так вот уже еще пожалуйста можно быть"
        " просто там тут все весь как хотеть мочь надо нужно пока сейчас очень тоже также"
        " вообще прямо ведь даже"
    ),
    "en": _words(
        "i me my mine you your we us our he she it they them the a an to of in on at for"
        " with and or be do have can will shall please just so that this there here"
        " would could some any want need yet still now right really also too very already"
        " even then"
    ),
}


# Negation words: an example and an utterance that disagree on negation never match, so
# "this is not a good time" cannot match "yes, it's a good time". A leading "нет"/"no" is
# the answer particle ("no, I'm busy"), not a negation of what follows.
NEGATORS = frozenset({"не", "ни", "not", "never"})
INNER_NEGATORS = NEGATORS | {"нет", "no", "нету"}


def negated(lemmas: tuple[str, ...]) -> bool:
    """Whether an utterance (as lemmas) negates what it says."""
    return bool(lemmas) and (
        lemmas[0] in NEGATORS or not INNER_NEGATORS.isdisjoint(lemmas[1:])
    )


# Whose side a reply speaks of: the caller's household («у нас», "our") or the caller's
# listener («у вас», "your"). Word vectors weigh neither, so «человек у нас над этим
# работает» (someone of ours is on it) sat next to «а человек у вас вообще работает» (is
# there a person at your end?), an operator request.
ADDRESSEE_WORDS = frozenset({"вы", "ваш", "you", "your", "yours"})
OWN_SIDE_WORDS = frozenset({"мы", "наш", "we", "our", "ours", "us"})


def side(lemmas: tuple[str, ...]) -> str:
    """"you" or "we" when a reply speaks of one side only, else ""."""
    you = not ADDRESSEE_WORDS.isdisjoint(lemmas)
    we = not OWN_SIDE_WORDS.isdisjoint(lemmas)
    return "you" if you and not we else "we" if we and not you else ""
