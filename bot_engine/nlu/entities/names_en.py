"""Common English first names, for lower-case ASR text ("this is mary speaking").

Vosk and Whisper often give no capitals, so after a weak cue ("this is", "it's") or
as a whole answer ("john", "mary smith") a name is only taken when it is one of these.
Names that are also everyday words ("will", "mark", "bill", "may", "june", "rose",
"hope", "grace", "joy", "jack", "frank", "sunny", "pat", "art", "faith", "dawn", "chase")
are left out on purpose: "it's will do" must not become a name. A listed name is
still a name only in those two places; everywhere else capitals decide, as before.
"""

from __future__ import annotations

EN_FIRST_NAMES: frozenset[str] = frozenset(
    str.split(
        """
        aaron adam adrian alan albert alex alexander alexandra alice alicia alison allison
        amanda amber amy andrea andrew angela anna anne anthony antonio arthur ashley
        austin barbara benjamin beth betty beverly brandon brenda brian brittany bruce
        bryan carl carlos carol caroline catherine charles charlie charlotte cheryl
        chloe christian christina christine christopher cindy claire cynthia daniel
        danielle david deborah debra denise dennis diana diane donald donna dorothy
        douglas dylan edward elizabeth ellen emily emma eric erica ethan eugene evelyn
        gabriel gary george gerald gloria gregory hannah harold harry heather helen
        henry isabella jacob jacqueline james jane janet janice jason jeffrey jennifer
        jeremy jerry jessica joan joe john jonathan jordan jose joseph joshua joyce juan
        judith judy julia julie justin karen katherine kathleen kathryn kayla keith
        kelly kenneth kevin kimberly kyle larry laura lauren linda lisa logan louis
        lucas madison margaret maria marie marilyn martha mary matthew megan melissa
        michael michelle mike nancy natalie nathan nicholas nicole noah oliver olivia
        pamela patricia patrick paul peter philip rachel ralph randy rebecca richard
        robert roger ronald ruth ryan samantha samuel sandra sara sarah scott sean
        sharon shirley sophia stephanie stephen steven susan teresa terry thomas
        timothy tom tyler victoria vincent virginia walter wayne william zachary
        """
    )
)
