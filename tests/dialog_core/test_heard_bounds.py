"""A caller's reply is hostile until bounded: the understanding reads at most
`MAX_HEARD_WORDS` words of it (its opening and its last words), so a turn of 2,000
characters costs what a turn of forty words does; the transcript keeps every word."""

from __future__ import annotations

from functools import cache
from itertools import product
from pathlib import Path

from bot_engine.dialog.engine import Dialog
from bot_engine.nlu.reply_memory import memory
from bot_engine.nlu.text import MAX_HEARD_WORD, MAX_HEARD_WORDS, _word_lemmas, heard
from bot_engine.script import load_script_file, validate_variables
from bot_engine.script.model import NluSettings, RasaSettings, Script
from bot_engine.simulator.session import TextSession, run_conversation
from bot_engine.simulator.webhooks import CannedWebhooks
from tests.nlu.json_server import JsonServer, rasa_parse

DIALOGS = Path(__file__).resolve().parents[2] / "dialogs"
RU_VARS = {"name": "Иван", "product": "кухню", "company": "Мебель Плюс", "min_budget": 100000}
EN_VARS = {"name": "John", "product": "a kitchen", "company": "Acme", "min_budget": 1000}

# 343 distinct made-up Russian "words": each would cost a morphology lookup of its own.
NONSENSE = ["".join(letters) + "ка" for letters in product("бвгдклм", "аоу", "бвгдклмнпрстфхцч")]


@cache
def lead(lang: str) -> Script:
    return load_script_file(DIALOGS / f"lead_qualification.{lang}.yaml").script


def talk(lang: str, lines: list[str]) -> TextSession:
    script = lead(lang)
    variables = validate_variables(script, RU_VARS if lang == "ru" else EN_VARS)
    return run_conversation(script, variables, lines, webhooks=CannedWebhooks({}))


def test_a_reply_within_the_bounds_is_read_whole() -> None:
    said = "ну да удобно говорите"
    assert heard(said) is said


def test_a_long_reply_is_read_by_its_opening_and_its_last_words() -> None:
    words = [f"w{n}" for n in range(500)]
    kept = heard(" ".join(words)).split()
    assert len(kept) == MAX_HEARD_WORDS
    assert kept[0] == "w0" and kept[-1] == "w499"
    assert "w250" not in kept


def test_a_run_on_word_is_cut() -> None:
    assert heard("да " + "а" * 2000) == "да " + "а" * MAX_HEARD_WORD


def test_a_hostile_turn_analyses_no_more_words_than_the_bound() -> None:
    """300+ distinct words in one turn: the morphology sees the bounded part only (every
    word of it, 343 lookups, before the bound)."""
    said = " ".join(NONSENSE)
    assert len(said) > 2000
    talk("ru", ["да", "нет"])  # the script and the readers warm
    memory("ru")  # waits for the word vectors and the reply memory the warm-up loads
    before = _word_lemmas.cache_info().misses
    session = talk("ru", ["да", said])
    assert _word_lemmas.cache_info().misses - before <= MAX_HEARD_WORDS
    # the transcript keeps everything the caller said
    assert any(entry.text == said for entry in session.transcript)


def test_a_rambling_no_is_still_a_no() -> None:
    """The bound keeps the reply's last words, where a long answer usually lands."""
    ramble = " ".join(["ну вот понимаете мы тут долго думали с женой"] * 8)
    session = talk("ru", ["да", "да", ramble + " так что нет не актуально уже"])
    assert session.dialog.state.slots["relevant"] is False
    ramble_en = " ".join(["well you know we went back and forth on it for a while"] * 6)
    session = talk("en", ["yes", "yes", ramble_en + " so no we dont need it anymore"])
    assert session.dialog.state.slots["relevant"] is False


def test_an_outside_reader_is_asked_about_the_bounded_part_only() -> None:
    """Rasa or an LLM gets what the built-in understanding reads, not 2,000 characters."""
    server = JsonServer(lambda path, body: (200, rasa_parse(None)))
    try:
        script = lead("en")
        nlu = NluSettings(rasa=RasaSettings(url=server.url, timeout_ms=300))
        script = script.model_copy(update={"nlu": nlu})
        dialog = Dialog(script, validate_variables(script, EN_VARS))
        dialog.start()
        request = dialog.understanding_request(" ".join(["so um like"] * 300) + " yes")
        assert request is not None
        assert len(request.text.split()) == MAX_HEARD_WORDS
        assert request.text.endswith("yes")
    finally:
        server.close()
