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
        # who is on the line, who gave the number, how they have it
        (LEAD_EN, "greet", "whos on the line please", WHO),
        (CONSENT_EN, "greet", "who is at the other end", WHO),
        (CONSENT_EN, "ask_consent", "thats me who gave you this number though", WHO),
        (LEAD_EN, "relevant", "how come you had my details", WHO),
        # which of the places the caller asked
        (LEAD_EN, "convenient", "i asked a bunch of roofers which one are you", WHO),
        (CONSENT_EN, "ask_consent", "i signed up a lot of places which one is this", WHO),
        # the company's name asked back, through the call's own words
        (LEAD_EN, "ask_budget", "what was the name of the agency sorry", WHO),
        (CONSENT_EN, "read_back", "and youre with where again", WHO),
        (LEAD_EN, "ask_timeframe", "so youre calling from where exactly", WHO),
        # a name the robot said, echoed: "acme whats that", "acme who sorry"
        (LEAD_EN, "greet", "acme roofing whats that", WHO),
        (LEAD_EN, "convenient", "acme who sorry", WHO),
        # what the offer hides
        (CONSENT_EN, "ask_consent", "so whats the catch here", WHO),
        # a term of address closes the reply; "eh" hesitates
        (CONSENT_EN, "greet", "kind of depends whos asking dear", WHO),
        (LEAD_EN, "ask_timeframe", "what was that love", REPEAT),
        (CONSENT_EN, "greet", "whats that young man", REPEAT),
        (LEAD_EN, "greet", "eh whos on the phone", WHO),
        (CONSENT_EN, "greet", "eh whos at the other end", WHO),
        # the voice or the line, not the words
        (CONSENT_EN, "ask_consent", "your phone is dropping out", REPEAT),
        (LEAD_EN, "relevant", "you sound all muffled", REPEAT),
        (CONSENT_EN, "read_back", "youre so garbled", REPEAT),
        (LEAD_EN, "ask_timeframe", "i could hardly hear that", REPEAT),
        (CONSENT_EN, "ask_consent", "i can barely make out what youre saying", REPEAT),
        # a part of the question missed; which is which; the key or the words asked again
        (LEAD_EN, "relevant", "i missed the first part", REPEAT),
        (CONSENT_EN, "ask_consent", "sorry i missed the bit about the roof", REPEAT),
        (CONSENT_EN, "consent_keypad", "yes or no which is which", REPEAT),
        (CONSENT_EN, "consent_keypad", "what button do i press again", REPEAT),
        (CONSENT_EN, "consent_keypad", "which key is for yes", REPEAT),
        (CONSENT_EN, "read_back", "sorry what did i sign up for", REPEAT),
        (CONSENT_EN, "read_back", "what did you just read back", REPEAT),
        (CONSENT_EN, "greet", "sorry what is the name again", REPEAT),
        # stop phoning, pestering; forget the number; never; stop calling after a no
        (LEAD_EN, "relevant", "quit pestering me about windows", OPT_OUT),
        (CONSENT_EN, "ask_consent", "stop harassing me", OPT_OUT),
        (CONSENT_EN, "read_back", "just forget my number", OPT_OUT),
        (LEAD_EN, "ask_callback", "what about never", OPT_OUT),
        (LEAD_EN, "ask_callback", "dont bother ringing back at all", OPT_OUT),
        (LEAD_EN, "relevant", "no quit calling me about this", OPT_OUT),
        # a person or a machine
        (LEAD_EN, "ask_timeframe", "is this a recording or a human", OPERATOR),
        (CONSENT_EN, "read_back", "am i talking to a person or a robot", OPERATOR),
        (CONSENT_EN, "greet", "is this a person or a recording", OPERATOR),
    ],
)
def test_handler_classes(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        # a handler's word inside an answer: the answer goes
        (LEAD_EN, "offer_manager", "absolutely no need to repeat", "yes"),
        (CONSENT_EN, "ask_consent", "ok yes you dont have to repeat that", "yes"),
        (LEAD_EN, "relevant", "yes still want them no need to say it again", "yes"),
        (LEAD_EN, "ask_timeframe", "next year maybe cant hear you well but next year", "ok"),
        (LEAD_EN, "ask_callback", "tomorrow afternoon but dont call after five", "ok"),
        (LEAD_EN, "ask_callback", "call me friday just dont call before ten", "ok"),
        (LEAD_EN, "ask_callback", "dont call me back before noon", "ok"),
        (LEAD_EN, "ask_callback", "monday works dont ring before ten", "ok"),
        (LEAD_EN, "convenient", "stop right there im at work call me later", "no"),
        (CONSENT_EN, "ask_consent", "sure i consent i dont need to talk to anybody", "yes"),
        (CONSENT_EN, "read_back", "yes thats right i dont need to speak with anyone", "yes"),
        (LEAD_EN, "relevant", "yes still interested i dont need a manager", "yes"),
        # the question's own "speaking" is no answer
        (LEAD_EN, "greet", "hi there who am i talking to exactly", WHO),
        (CONSENT_EN, "greet", "hey there who am i talking to exactly", WHO),
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
        # a yes to "do you have a minute?" with who is calling after "but" stays a yes
        (LEAD_EN, "convenient", "yeah go ahead but who is this", "yes"),
        (LEAD_EN, "convenient", "sure thing but whos calling", "yes"),
        (LEAD_EN, "greet", "good afternoon who am i speaking to exactly", WHO),
        # what the consent is for asks who is calling, not for the words again
        (CONSENT_EN, "ask_consent", "what am i agreeing to", WHO),
        # no limit on the hours: a request to stop calling stays one
        (LEAD_EN, "ask_callback", "dont call", OPT_OUT),
        (LEAD_EN, "ask_callback", "dont call me again", OPT_OUT),
        (LEAD_EN, "convenient", "this is the fourth call stop it", OPT_OUT),
        # no person wanted: to an offer of one, or after a no, a no
        (LEAD_EN, "offer_manager", "no thats fine i dont need to talk to anyone yet", "no"),
        (CONSENT_EN, "ask_consent", "no i dont need to talk to anyone", "no"),
        # no request to repeat, for a human or to stop calling
        (LEAD_EN, "relevant", "no were all set thanks", "no"),
        (LEAD_EN, "offer_manager", "i dont need to talk to anyone", "no"),
        (LEAD_EN, "greet", "oh dear yes thats me", "yes"),
        (LEAD_EN, "convenient", "yes i have a minute", "yes"),
        (CONSENT_EN, "ask_consent", "i cant hear you", REPEAT),
        (LEAD_EN, "relevant", "are you a machine or a real person", OPERATOR),
        (LEAD_EN, "relevant", "my house is by the water", None),
        (LEAD_EN, "greet", "eh", None),
    ],
)
def test_guards(script_file: str, step: str, text: str, branch: str | None) -> None:
    got = step_reply(script_file, step, text)[0]
    assert got == branch or (branch is None and got not in (WHO, REPEAT, OPT_OUT, OPERATOR))


@pytest.mark.parametrize(
    ("step", "text", "product", "branch"),
    [
        # the question's words, a thing it named among them, then the question word: asked
        # again ("a new what" to "still interested in a new roof?")
        ("relevant", "a heated what", "a heated driveway", REPEAT),
        ("relevant", "a vintage what", "a vintage motorbike", REPEAT),
        ("ask_timeframe", "when are you planning to what", "windows", REPEAT),
        ("ask_timeframe", "when are we planning to what", "windows", REPEAT),
        ("ask_budget", "the what sorry", "windows", REPEAT),
        # guards: asked again before the round too; what the call is about, the thing
        # named; a name echoed asks who is calling
        ("relevant", "a vintage what sorry", "a vintage motorbike", REPEAT),
        ("ask_timeframe", "planning to what", "windows", REPEAT),
        ("convenient", "whats this about a new roof", "a new roof", WHO),
        ("greet", "acme what", "windows", WHO),
    ],
)
def test_echoes(step: str, text: str, product: str, branch: str) -> None:
    assert step_reply(LEAD_EN, step, text, product=product)[0] == branch
