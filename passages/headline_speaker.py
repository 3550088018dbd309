"""Who speaks in a headline that the sentence rules leave to the journalist.

Headlines drop the grammar the sentence rules read ("X said that …"): the speaker comes
first and the verb is bare ("Merseyside police apologise to …", "Ombudsman clears officers
…"), the words follow a colon ("Police: We must do better"), or the speaker comes last ("…,
warn police"). In each shape the speaker is a short phrase whose role words give the voice.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_WHO = r"(?P<who>[A-Za-z][\w'’.\-]*(?:\s+[\w'’.\-]+){0,4}?)"
# Headline verbs whose subject is the one speaking. "admits"/"denies" of a charge ("Man admits
# causing …", "Driver denies murder") are a court's report, not the subject speaking.
_CHARGE = r"(?!\s+(?:\w+ing|murder|manslaughter|assault|rape|theft|charges?|offences?)\b)"
_VERB = (
    rf"(?:says?|warns?|admits?{_CHARGE}|denies{_CHARGE}|deny{_CHARGE}|claims?|calls?\s+for|"
    r"urges?|vows?|insists?|slams?|hits?\s+back|defends?|welcomes?|apologi[sz]es?|pledges?|"
    r"promises?|reveals?|responds?|rejects?|accuses?|blames?|praises?|criticises?|condemns?|"
    r"questions?|demands?|hails?|raises?\s+concerns?|voices?\s+concerns?|"
    r"(?:is|are)\s+(?:concerned|angry|sorry|disappointed|delighted|proud))"
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
