"""English classes of indirect answers written in round fourteen, by family rather than one
sentence at a time: the trouble that goes on ("the radiator keeps rattling"), nothing done
about it yet ("nobody ever came by") and a need not yet met say the request stands, as
"about time you called" and "its on our to do list" do; replaced, done by hand, working
again, seen to already, someone found, the wait too long, sold or moved, rented (the owner
decides) say it does not; "no reason not to", "im not against it", "nothing wrong with
that", "how could i say no", "no harm in it", "cant complain", "no doubt", "no no go ahead"
agree, and "not a bad time", "i aint busy" are free to talk; idling, an idle chore or a
lunch break is free to talk, full hands, a full house or a shift are not; "guilty as
charged", "i am she" are the one asked for, and a death, a fax line or another place ("this
is a hair salon", "were the new tenants") are not; to consent to texts, the thing welcomed
("itd be super helpful", "sign me up", "i prefer texting") is a yes, and another way asked
for, a phone that takes no texts or enough spam already, or no longer theirs (the pet died,
moved away, switched clinics) is a no; "about what" (any step) and "for what" (a yes/no
step) ask what the call is about, as "how many texts are we talking" does; "is this some
kind of sales call", "is this the vet", "is this spam" and "what was your name again" ask
who is calling; "put your boss on" and "just transfer me" ask for a person; "dont text or
call me" stops the calls; "not my call", "how should i know", "totally clueless", "the
insurance is paying" do not know. Every example is a paraphrase, in no eval file, and fails
on the code before the round; the guards go the other way."""

from __future__ import annotations

import pytest

from tests.nlu.polar_questions import answer, step_reply

LEAD_EN, CONSENT_EN = "lead_qualification.en.yaml", "consent_confirmation.en.yaml"


@pytest.mark.parametrize(
    ("asked", "text", "names", "expected"),
    [
        # the trouble goes on: the request stands
        ("relevance", "the radiator keeps rattling", (), "yes"),
        ("relevance", "the furnace keeps clanking", (), "yes"),
        ("relevance", "the boiler is dripping again", (), "yes"),
        ("relevance", "our water bill tripled", (), "yes"),
        ("relevance", "the heater shuts off every night", (), "yes"),
        ("relevance", "the house is cold all the time", (), "yes"),
        ("relevance", "we still have that issue", (), "yes"),
        # nothing done about it yet
        ("relevance", "it hasnt been checked in ages", (), "yes"),
        ("relevance", "we never hired anyone for it", (), "yes"),
        ("relevance", "we havent signed with anyone", (), "yes"),
        ("relevance", "nobody has checked it out", (), "yes"),
        ("relevance", "nothing has changed since", (), "yes"),
        ("relevance", "we never got around to it", (), "yes"),
        ("relevance", "the guy never showed up", (), "yes"),
        ("relevance", "no one ever came by", (), "yes"),
        ("relevance", "the leak hasnt gone away", (), "yes"),
        ("relevance", "its gotten worse since fall", (), "yes"),
        ("relevance", "nobody came", (), "yes"),
        ("relevance", "we didnt get it done", (), "yes"),
        ("relevance", "we never got it fixed", (), "yes"),
        # a need not yet met
        ("relevance", "we need to replace the whole thing", (), "yes"),
        ("relevance", "it has to be looked at soon", (), "yes"),
        ("relevance", "we gotta get somebody out here", (), "yes"),
        # replaced, or done by hand
        ("relevance", "we swapped out the old unit last week", (), "no"),
        ("relevance", "my husband did the repair himself", (), "no"),
        ("relevance", "we upgraded to a new system", (), "no"),
        ("relevance", "we had to replace it over christmas", (), "no"),
        # working again, sold, moved: the need is gone
        ("relevance", "it works now", (), "no"),
        ("relevance", "its been repaired", (), "no"),
        ("relevance", "we sold it last summer", (), "no"),
        ("relevance", "we moved to ohio", (), "no"),
        ("relevance", "the pipes got fixed", (), "no"),
        # someone found, or the wait too long
        ("relevance", "we got someone", (), "no"),
        ("relevance", "weve got somebody coming", (), "no"),
        ("relevance", "we have somebody lined up", (), "no"),
        ("relevance", "you took way too long", (), "no"),
        # the caller has been waiting for it
        ("relevance", "about time somebody called", (), "yes"),
        ("relevance", "finally you called back", (), "yes"),
        ("relevance", "i thought you people would never call", (), "yes"),
        ("relevance", "its on our to do list", (), "yes"),
        ("relevance", "we havent gotten to it", (), "yes"),
        # not the caller's to buy: renting, the owner decides, the house sold
        ("relevance", "im only a tenant here", (), "no"),
        ("relevance", "its a rental property", (), "no"),
        ("relevance", "we lease this place", (), "no"),
        ("relevance", "were closing on the house friday", (), "no"),
        # seen to already
        ("relevance", "it got tuned up in october", (), "no"),
        ("relevance", "a tech came out on monday", (), "no"),
        ("relevance", "the gas company sent a guy", (), "no"),
        ("relevance", "it was only a tripped breaker", (), "no"),
        # two negations that agree
        ("consent", "theres no reason not to", (), "yes"),
        ("availability", "no reason not to honestly", (), "yes"),
        ("offer", "cant think of a reason not to", (), "yes"),
        ("offer", "cant see any reason not to", (), "yes"),
        # a no word negated or set aside: a yes
        ("consent", "im not against it", (), "yes"),
        ("consent", "honestly im not opposed", (), "yes"),
        ("offer", "i have nothing against that", (), "yes"),
        ("consent", "that wouldnt bother me", (), "yes"),
        ("availability", "it doesnt bother me go on", (), "yes"),
        ("readback", "nothing wrong with that", (), "yes"),
        ("consent", "how could i say no to that", (), "yes"),
        ("offer", "i cant say no", (), "yes"),
        ("consent", "no harm in it i guess", (), "yes"),
        ("offer", "it cant hurt", (), "yes"),
        ("consent", "never hurts", (), "yes"),
        ("offer", "no complaints here", (), "yes"),
        ("relevance", "oh no doubt", (), "yes"),
        ("relevance", "without a doubt", (), "yes"),
        ("availability", "no no go ahead", (), "yes"),
        ("consent", "nah go on", (), "yes"),
        # not busy, not a bad time
        ("availability", "its not a bad time", (), "yes"),
        ("availability", "now is not too bad", (), "yes"),
        ("availability", "i aint busy", (), "yes"),
        ("availability", "not really busy", (), "yes"),
        ("availability", "i dont have anything going on", (), "yes"),
        # an idle chore or a break: free to talk
        ("availability", "im folding the laundry", (), "yes"),
        ("availability", "just killing time here", (), "yes"),
        ("availability", "im sitting around killing time", (), "yes"),
        ("offer", "sure im not going anywhere", (), "yes"),
        ("availability", "im just sitting around", (), "yes"),
        ("availability", "were just hanging around the house", (), "yes"),
        ("availability", "im waiting for my ride", (), "yes"),
        ("availability", "im just watching the snow come down", (), "yes"),
        # a house full, hands deep in something: busy
        ("availability", "we got a full house tonight", (), "no"),
        ("availability", "ive got a house full of kids", (), "no"),
        ("availability", "elbow deep in the garden", (), "no"),
        ("availability", "im on shift right now", (), "no"),
        ("availability", "were on shift til six", (), "no"),
        ("availability", "i work a double and im on shift", (), "no"),
        # the one asked for has died, the line is a fax
        ("identity", "my wife megan passed last year", ("megan",), "no"),
        ("identity", "my late wife megan", ("megan",), "no"),
        ("identity", "you reached a fax machine", ("megan",), "no"),
        ("identity", "this number is a fax line", ("megan",), "no"),
        # the one asked for, by an idiom
        ("identity", "guilty as charged", ("megan",), "yes"),
        ("identity", "well thats what they call me", ("megan",), "yes"),
        ("identity", "i am she", ("megan",), "yes"),
        ("identity", "im him", ("megan",), "yes"),
        # another place, other people: not the one asked for
        ("identity", "this is a hair salon", ("megan",), "no"),
        ("identity", "you reached a restaurant", ("megan",), "no"),
        ("identity", "were the new tenants", ("megan",), "no"),
        ("identity", "must be the previous owner", ("megan",), "no"),
        # the thing asked for welcomed: a yes
        ("consent", "itd be super helpful", (), "yes"),
        ("offer", "that would be a big help", (), "yes"),
        ("consent", "sign me up then", (), "yes"),
        ("consent", "i prefer texting anyway", (), "yes"),
        ("consent", "texting is easier for me", (), "yes"),
        ("consent", "send them over", (), "yes"),
        # consent: another way asked for
        ("consent", "could you email me instead", (), "no"),
        ("consent", "id rather get a letter", (), "no"),
        ("consent", "i would rather have phone calls", (), "no"),
        ("consent", "please just call me", (), "no"),
        ("consent", "could you phone me please", (), "no"),
        ("consent", "just email", (), "no"),
        # consent: no texts possible or wanted
        ("consent", "we only have a house phone", (), "no"),
        ("consent", "i already get too many messages", (), "no"),
        ("consent", "its a flip phone", (), "no"),
        ("consent", "leave me out of it", (), "no"),
        ("consent", "i get enough spam already", (), "no"),
        ("consent", "my inbox is always full", (), "no"),
        ("consent", "my phone is always off", (), "no"),
        # consent: no longer theirs
        ("consent", "we changed clinics", (), "no"),
        ("consent", "we go someplace else these days", (), "no"),
        ("consent", "we switched doctors last year", (), "no"),
        ("consent", "my cat died in the spring", (), "no"),
        ("consent", "our old dog died", (), "no"),
        ("consent", "we moved out of town last year", (), "no"),
    ],
)
def test_answers(asked: str, text: str, names: tuple[str, ...], expected: str | None) -> None:
    assert answer(asked, text, "en", names) == expected


@pytest.mark.parametrize(
    ("asked", "text", "names", "expected"),
    [
        ("relevance", "my electric bill went up last month", (), None),
        ("consent", "im against it", (), "no"),
        ("relevance", "it hasnt been inspected in years", (), "yes"),
        ("relevance", "we own the house", (), None),
        ("relevance", "we have someone to ask", (), None),
        ("consent", "please dont send them", (), "no"),
        ("consent", "thats not a good idea", (), "no"),
        ("consent", "that wouldnt help", (), "no"),
        ("consent", "dont sign me up", (), "no"),
        ("identity", "im her sister", ("megan",), "no"),
        ("identity", "thats not my name", ("megan",), "no"),
        ("availability", "its a bad time", (), "no"),
        ("availability", "im too busy", (), "no"),
        ("consent", "no not at all", (), "no"),
        ("relevance", "no doubt we found someone else", (), "no"),
        ("relevance", "we havent replaced it we dont need it anymore", (), "no"),
        ("relevance", "we got it fixed it doesnt leak anymore", (), "no"),
        ("consent", "i prefer calls not texts", (), "no"),
        ("consent", "yes text me instead of calling", (), "yes"),
        ("availability", "im cooking dinner", (), "no"),
        ("availability", "im sitting down to lunch", (), "no"),
        ("availability", "im waiting in line at the bank", (), "no"),
        ("relevance", "we moved in last year and its still cold", (), "yes"),
        ("relevance", "everything is running fine now", (), "no"),
        ("identity", "yes its me i passed my exam", ("megan",), "yes"),
    ],
)
def test_answers_guards(asked: str, text: str, names: tuple[str, ...],
                        expected: str | None) -> None:
    assert answer(asked, text, "en", names) == expected


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        # "about what" on any step, "for what" on a yes/no step: what the call is about
        (LEAD_EN, "ask_callback", "call me about what", "handler:who_is_this"),
        (LEAD_EN, "ask_timeframe", "sorry about what", "handler:who_is_this"),
        (LEAD_EN, "relevant", "a quote for what now", "handler:who_is_this"),
        # how much of it: what the call is about
        (CONSENT_EN, "ask_consent", "how many messages are we talking", "handler:who_is_this"),
        (CONSENT_EN, "ask_consent", "how often will you text me", "handler:who_is_this"),
        (CONSENT_EN, "ask_consent", "how often would you call", "handler:who_is_this"),
        # the kind of call, the place guessed
        (LEAD_EN, "greet", "is this some sort of robocall", "handler:who_is_this"),
        (LEAD_EN, "convenient", "is it a marketing call", "handler:who_is_this"),
        (LEAD_EN, "greet", "is this some kind of sales pitch", "handler:who_is_this"),
        (CONSENT_EN, "greet", "are you the animal hospital", "handler:who_is_this"),
        # texts or email and calls refused together: stop calling
        (CONSENT_EN, "ask_consent", "dont text or call me ever", "handler:opt_out"),
        (CONSENT_EN, "ask_consent", "do not message or contact me", "handler:opt_out"),
        (CONSENT_EN, "ask_consent", "please dont email or ring me", "handler:opt_out"),
        # a call as a decision: not the caller's to make
        (LEAD_EN, "ask_budget", "not my call", "unknown"),
        (LEAD_EN, "ask_budget", "thats my husbands call", "unknown"),
        (LEAD_EN, "ask_budget", "that isnt my call", "unknown"),
        # spam or a prank guessed
        (LEAD_EN, "greet", "is this spam", "handler:who_is_this"),
        (CONSENT_EN, "greet", "is it some prank call", "handler:who_is_this"),
        (LEAD_EN, "convenient", "is this a spam thing", "handler:who_is_this"),
        # the robot's name asked again
        (LEAD_EN, "relevant", "what was your name again", "handler:who_is_this"),
        (CONSENT_EN, "ask_consent", "whats your business again", "handler:who_is_this"),
        (LEAD_EN, "convenient", "sorry what is your name again", "handler:who_is_this"),
        # the boss, a transfer alone: a person
        (LEAD_EN, "convenient", "put your boss on", "handler:operator"),
        (LEAD_EN, "ask_budget", "could you transfer me", "handler:operator"),
        (LEAD_EN, "convenient", "just transfer me please", "handler:operator"),
        # how would the caller know, someone else pays: a "don't know"
        (LEAD_EN, "ask_budget", "how should i know", "unknown"),
        (LEAD_EN, "ask_budget", "how would i know that", "unknown"),
        (LEAD_EN, "ask_budget", "how am i supposed to know", "unknown"),
        (LEAD_EN, "ask_budget", "totally clueless", "unknown"),
        (LEAD_EN, "ask_budget", "the insurance is paying for it", "unknown"),
        (LEAD_EN, "ask_budget", "insurance pays for most of it", "unknown"),
        # a name the robot said, then "what is that"
        (LEAD_EN, "greet", "acme what is that", "handler:who_is_this"),
        (LEAD_EN, "greet", "acme what is it", "handler:who_is_this"),
        (LEAD_EN, "convenient", "acme roofing what is that", "handler:who_is_this"),
    ],
)
def test_at_the_step(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        (LEAD_EN, "ask_budget", "budget for what", "handler:repeat"),
        (LEAD_EN, "relevant", "interested in what", "handler:repeat"),
        (LEAD_EN, "ask_timeframe", "sorry plan to buy what", "handler:repeat"),
        (CONSENT_EN, "ask_consent", "agree to what", "handler:who_is_this"),
        (LEAD_EN, "ask_budget", "how much are we talking", "unknown"),
        (LEAD_EN, "ask_budget", "dont call me about money", "handler:opt_out"),
        (LEAD_EN, "ask_budget", "put me on your do not call list", "handler:opt_out"),
        (LEAD_EN, "ask_budget", "my wife will call you back", "no_match:retry"),
        (LEAD_EN, "convenient", "im sitting at the dentist", "no"),
        (LEAD_EN, "greet", "whats your name", "handler:who_is_this"),
        (CONSENT_EN, "ask_consent", "can you transfer me to the clinic", "yes"),
    ],
)
def test_at_the_step_guards(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch
