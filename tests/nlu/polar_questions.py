"""The lead scripts' yes/no questions, for tables of replies judged against the question
asked (`polar` with the question's topic)."""

from __future__ import annotations

from bot_engine.nlu.polar import polar, question_topic

QUESTIONS = {
    "identity": {"ru": "Здравствуйте! Подскажите, это {{ name }}?",
                 "en": "Hello! Am I speaking with {{ name }}?"},
    "availability": {"ru": "Вам удобно сейчас говорить?", "en": "Is now a good time to talk?"},
    "offer": {"ru": "Соединить вас с менеджером прямо сейчас?",
              "en": "Would you like me to connect you with a manager right now?"},
    "relevance": {"ru": "Подскажите, ваша заявка ещё актуальна?",
                  "en": "Are you still interested in new windows?"},
    "consent": {"ru": "Вы согласны на обработку персональных данных?",
                "en": "Do you agree to the processing of your personal data?"},
    "readback": {"ru": "Я записала ваш номер. Всё верно?",
                 "en": "I have your number down. Is that correct?"},
}  # fmt: skip


def answer(asked: str, text: str, lang: str, names: tuple[str, ...] = ()) -> str | None:
    """The yes/no a reply gives to one of the questions above."""
    return polar(text, lang, question_topic(QUESTIONS[asked][lang], lang), names).answer
