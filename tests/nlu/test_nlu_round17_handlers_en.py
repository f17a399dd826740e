"""English handler classes of round seventeen: who is calling asked through the call's own
words (who is on the line, who gave the number, which of the places asked, the company's
name asked back, a manager from what company), a term of address closing the reply ("...
dear"), "eh" as a hesitation, a human or a machine, the voice or the line (not the words)
not heard, a part of the question missed, the key asked again, stop phoning and off the
list; and the other direction: a handler's word inside an answer ("no need to repeat", "cant
hear you well but ...", "who am i speaking to" read as "speaking", "dont call before nine",
a "stop" with a later asked for). Every example is a paraphrase in another setting (windows
for Acme Roofing, the consent for Acme Roofing), in no eval file, and fails on the code
before the round; the guards go the other way."""

from __future__ import annotations

import pytest

from tests.nlu.polar_questions import step_reply

LEAD_EN, CONSENT_EN = "lead_qualification.en.yaml", "consent_confirmation.en.yaml"
WHO, REPEAT, OPT_OUT, OPERATOR = ("handler:who_is_this", "handler:repeat", "handler:opt_out",
                                  "handler:operator")


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        # who is on the line, who is asking, who gave the number
        (LEAD_EN, "greet", "whos on the line right now", WHO),
        (LEAD_EN, "greet", "uh whos at the other end", WHO),
        (CONSENT_EN, "greet", "sorry who is on the phone", WHO),
        (LEAD_EN, "greet", "and who really is calling for megan", WHO),
        (LEAD_EN, "convenient", "who gave you my number anyway", WHO),
        (CONSENT_EN, "ask_consent", "hold on who gave you this phone", WHO),
        (LEAD_EN, "greet", "how come you have my number", WHO),
        # which of the places the caller asked
        (LEAD_EN, "convenient", "i called three roofers which company are you", WHO),
        (LEAD_EN, "relevant", "i got a few quotes which one were you", WHO),
        (CONSENT_EN, "ask_consent", "i signed up a lot of places which one is this", WHO),
        # the company's name asked back
        (LEAD_EN, "relevant", "what was the name of your company again", WHO),
        (LEAD_EN, "ask_budget", "whats the name of the business sorry", WHO),
        (LEAD_EN, "relevant", "which roofing outfit did you say you were", WHO),
        (LEAD_EN, "ask_timeframe", "so you are calling from where exactly", WHO),
        (CONSENT_EN, "read_back", "youre with what company again", WHO),
        # a name the robot said, echoed: "acme whats that", "acme who sorry"
        (LEAD_EN, "greet", "acme roofing whats that", WHO),
        (LEAD_EN, "convenient", "acme who again", WHO),
        # a manager from what company, whos the manager
        (LEAD_EN, "offer_manager", "the manager from which company", WHO),
        (LEAD_EN, "offer_manager", "whos the agent and whats the company", WHO),
        # what the offer hides; who is agreed with
        (CONSENT_EN, "ask_consent", "so whats the catch here", WHO),
        (CONSENT_EN, "read_back", "who am i consenting with exactly", WHO),
        (CONSENT_EN, "ask_consent", "wait who am i dealing with", WHO),
        # a term of address closes the reply
        (LEAD_EN, "greet", "depends whos asking sweetie", WHO),
        (LEAD_EN, "ask_timeframe", "what was that love", REPEAT),
        (CONSENT_EN, "greet", "whats that young man", REPEAT),
        # "eh" hesitates
        (LEAD_EN, "greet", "eh whos this", WHO),
        (CONSENT_EN, "read_back", "eh say again", REPEAT),
        # the voice or the line, not the words
        (LEAD_EN, "ask_budget", "your line keeps cutting out", REPEAT),
        (CONSENT_EN, "ask_consent", "your phone is breaking up", REPEAT),
        (LEAD_EN, "relevant", "you sound all muffled", REPEAT),
        (CONSENT_EN, "read_back", "youre so garbled", REPEAT),
        (LEAD_EN, "ask_timeframe", "i could hardly hear that", REPEAT),
        (CONSENT_EN, "ask_consent", "i can barely make out what youre saying", REPEAT),
        # a part of the question missed; which is which; the key asked again
        (LEAD_EN, "relevant", "i missed the first part", REPEAT),
        (CONSENT_EN, "ask_consent", "sorry i missed the bit about the roof", REPEAT),
        (CONSENT_EN, "consent_keypad", "yes or no which is which", REPEAT),
        (CONSENT_EN, "consent_keypad", "what button do i press again", REPEAT),
        (CONSENT_EN, "consent_keypad", "which key is for yes", REPEAT),
        (CONSENT_EN, "read_back", "sorry what did i sign up for", REPEAT),
        (CONSENT_EN, "read_back", "what did you just read back", REPEAT),
        (CONSENT_EN, "greet", "sorry what is the name again", REPEAT),
        # stop phoning, off the list, lose the number
        (LEAD_EN, "relevant", "quit pestering me about windows", OPT_OUT),
        (CONSENT_EN, "ask_consent", "stop harassing me", OPT_OUT),
        (LEAD_EN, "convenient", "take me off your phone list", OPT_OUT),
        (CONSENT_EN, "read_back", "just forget my number", OPT_OUT),
        (LEAD_EN, "ask_callback", "what about never", OPT_OUT),
        (LEAD_EN, "ask_callback", "dont bother calling me ever again", OPT_OUT),
        (LEAD_EN, "relevant", "no quit calling me about this", OPT_OUT),
        # a person asked for, live; a person or a machine
        (LEAD_EN, "ask_budget", "let me talk to someone real", OPERATOR),
        (CONSENT_EN, "ask_consent", "i want to talk with somebody live", OPERATOR),
        (LEAD_EN, "ask_timeframe", "is this a recording or a human", OPERATOR),
    ],
)
def test_handler_classes(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        # a handler's word inside an answer: the answer goes
        (LEAD_EN, "offer_manager", "sure thing no need to repeat", "yes"),
        (CONSENT_EN, "ask_consent", "yes go ahead you dont have to repeat it", "yes"),
        (LEAD_EN, "relevant", "yes still looking theres no need to repeat", "yes"),
        (LEAD_EN, "ask_timeframe", "next year maybe cant hear you well but next year", "ok"),
        (LEAD_EN, "ask_callback", "tomorrow afternoon but dont call after five", "ok"),
        (LEAD_EN, "ask_callback", "call me friday just dont call before ten", "ok"),
        (LEAD_EN, "convenient", "stop right there im at work call me later", "no"),
        # the question's own "speaking", then a condition on a yes
        (LEAD_EN, "greet", "hi there who am i talking to exactly", WHO),
        (LEAD_EN, "convenient", "ok but whos this first", WHO),
        (LEAD_EN, "convenient", "sure i have time but what company is this", WHO),
    ],
)
def test_the_other_direction(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        # a yes to "am i speaking with ...?" with the question riding along stays a yes
        (LEAD_EN, "greet", "yes this is megan whos calling", "yes"),
        (LEAD_EN, "greet", "speaking who is this", "yes"),
        (CONSENT_EN, "greet", "yeah brandon speaking whats this about", "yes"),
        # what the consent is for asks who is calling, not for the words again
        (CONSENT_EN, "ask_consent", "what am i agreeing to", WHO),
        # no request to stop calling, to repeat, or for a human
        (LEAD_EN, "ask_callback", "dont call me back before noon", "ok"),
        (LEAD_EN, "ask_callback", "dont call", OPT_OUT),
        (LEAD_EN, "convenient", "this is the fourth call stop it", OPT_OUT),
        (LEAD_EN, "relevant", "no were all set thanks", "no"),
        (LEAD_EN, "offer_manager", "i dont need to talk to anyone", "no"),
        (LEAD_EN, "greet", "oh dear yes thats me", "yes"),
        (LEAD_EN, "convenient", "yes i have a minute", "yes"),
        (CONSENT_EN, "ask_consent", "i cant hear you", REPEAT),
        (LEAD_EN, "relevant", "my house is by the water", None),
    ],
)
def test_guards(script_file: str, step: str, text: str, branch: str | None) -> None:
    got = step_reply(script_file, step, text)[0]
    assert got == branch or (branch is None and got not in (WHO, REPEAT, OPT_OUT, OPERATOR))
