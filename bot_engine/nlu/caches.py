"""One switch for the NLU's memo caches, for benchmarks and long-lived workers."""

from __future__ import annotations


def clear_caches(*, words: bool = False) -> None:
    """Forget per-utterance results; with ``words=True`` also the per-word lemmas.

    Benchmarks call this between turns so that they measure a fresh utterance (real
    calls rarely repeat a sentence exactly) while words stay warm, as they are in a
    running worker.
    """
    import bot_engine.nlu.cues as cues
    import bot_engine.nlu.entities.extract as extract
    import bot_engine.nlu.given_names as given_names
    import bot_engine.nlu.morph as morph
    import bot_engine.nlu.polar as polar
    import bot_engine.nlu.text as text
    import bot_engine.nlu.yesno as yesno

    text._tokens.cache_clear()
    text.normalize.cache_clear()
    text.lemma_tuple.cache_clear()
    text.surface_lemmas.cache_clear()
    yesno._yes_no.cache_clear()
    polar._polar.cache_clear()
    cues._hedge.cache_clear()
    if words:
        morph.ru_lemma.cache_clear()
        morph.en_lemmas.cache_clear()
        text._word_lemmas.cache_clear()
        extract._trigger_word.cache_clear()
        polar._spelt.cache_clear()
        given_names.same_name.cache_clear()
