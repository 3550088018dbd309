"""Who speaks in a headline that the sentence rules leave to the journalist.

Headlines drop the grammar the sentence rules read ("X said that …"): the speaker comes
first and the verb is bare ("Merseyside police apologise to …", "Ombudsman clears officers
…"), the words follow a colon ("Police: We must do better"), or the speaker comes last ("…,
warn police"). In each shape the speaker is a short phrase whose role words give the voice.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from passages.speech_patterns import CHARGE_FOLLOWS

_WHO = r"(?P<who>[A-Za-z][\w'’.\-]*(?:\s+[\w'’.\-]+){0,4}?)"
# Headline verbs that attribute the claim to the headline's subject ("admits"/"denies" of a
# charge, "Man admits causing …", are a court's report, not the subject speaking).
HEADLINE_VERBS = (
    rf"says?|warns?|admits?{CHARGE_FOLLOWS}|denies{CHARGE_FOLLOWS}|deny{CHARGE_FOLLOWS}|"
    r"claims?|calls?\s+for|urges?|vows?|insists?|slams?|hits?\s+back|defends?|welcomes?|"
    r"apologi[sz]es?|pledges?|promises?|reveals?|responds?|rejects?|accuses?|blames?|"
    r"praises?|criticises?|condemns?|questions?|demands?"
)
# A subject's stated feeling ("Federation concerned at …", "Police chief 'angry and
# saddened' by …").
_FEELING = (
    r"(?:concerned|angry|sorry|disappointed|delighted|proud|saddened|dismayed|furious|"
    r"frustrated|pleased|shocked|appalled|outraged|worried)"
)
# ... and in the subject-first shape, a subject's stated reaction too.
_VERB = (
    rf"(?:{HEADLINE_VERBS}|hails?|raises?\s+concerns?|voices?\s+concerns?|"
    rf"(?:is|are)\s+{_FEELING}|[‘'“\"]?{_FEELING}(?:\s+and\s+{_FEELING})?[’'”\"]?"
    r"\s+(?:at|by|over|about|with)\b)"
)
# A watchdog's verdict verbs: only a watchdog is the speaker ("Police clear the camp" is news).
_VERDICT = r"(?:clears?|finds?|rates?|brands?|criticises?|rules?)"
SUBJECT_VERB = re.compile(rf"^{_WHO}\s+{_VERB}\b", re.IGNORECASE)
SUBJECT_VERDICT = re.compile(rf"^{_WHO}\s+{_VERDICT}\b", re.IGNORECASE)
# "Police: We must do better": the speaker's own words after a colon, in the first person (a
# colon is also a topic's ("Police HQ: cost of new building …"); a subject then a quoted
# phrase, "Police 101 number is a 'lost cause'", is mostly somebody else's words about it).
SUBJECT_COLON = re.compile(rf"^{_WHO}\s*:\s+[‘'“\"]?(?:we|i|our|my)\b", re.IGNORECASE)
# "No dinner for drink drivers, warn police": the speaker after a closing verb.
TRAILING = re.compile(rf",\s+{_VERB}\s+{_WHO}\s*[.!?]?$", re.IGNORECASE)
SHAPES = (SUBJECT_COLON, SUBJECT_VERB, TRAILING)


def headline_speaker_voice(text: str, role_voice: Callable[[str], str | None]) -> str | None:
    """The voice of a headline's speaker, by the role words of the speaker phrase in one of
    the shapes above; None when no shape holds or the phrase names no role."""
    text = text.strip()
    for shape in SHAPES:
        hit = shape.search(text)
        if hit:
            voice = role_voice(hit.group("who"))
            if voice:
                return voice
    hit = SUBJECT_VERDICT.search(text)
    if hit and role_voice(hit.group("who")) == "inspectorate":
        return "inspectorate"
    return None
