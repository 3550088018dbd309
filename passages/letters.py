"""Pages written in one person's own voice: readers' letters and first-person columns.

On such a page the narration is not a journalist's but the writer's, so it takes the
writer's voice throughout (the headline only where it says it is a letter):
- a letters page, known by its headline ("Letters: …", "Letter to the editor"), by its
  salutation ("SIR – …", "Dear Editor,"), by opening on the paper's own pages ("Your front
  page article …") or by citing the item it answers ("… law-abiding (Report, 10 March)");
- a first-person piece: the page's own narration, outside any quote, says "I", "my" or "me"
  again and again ("I have been a Neighbourhood Watch coordinator for 14 years", "I fear these
  changes …"). News is written in the third person, so a reporter's story does not.

The writer is a member of the public unless they say who they are ("As a county councillor,
I …", "I am the commissioner …"), when the role's voice is theirs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from passages.speech_patterns import outside_quotes

MEDIA = "media"
PUBLIC = "public"

# A readers' letters page ("Grantham Journal letter: …", "Letters: …", "Letter to the editor"):
# the writer is a member of the public, and the page's narration is theirs.
LETTER_PAGE = re.compile(
    r"^(?:[\w'’]+\s+){0,4}?(?:letters?|your letters|readers[’']? letters|postbag|mailbag)\s*[:|–-]|"
    r"\bletters? to the editor\b",
    re.IGNORECASE,
)
# A letter known by its opening: a salutation ("SIR – …", "Dear Editor,") or words to the
# paper about its own pages ("Your front page article, …", "In your report last week …").
LETTER_OPENING = re.compile(
    r"^(?:(?:sir|dear\s+(?:sir|editor))\s*[,:–—-]|(?:in\s+)?your\s+(?:[\w'’-]+\s+){0,3}?"
    r"(?:article|report|story|editorial|leader|coverage|columnist)\b)",
    re.IGNORECASE,
)
# The writer speaking of themselves. "I" as a numeral ("World War I", "Part I", "Category I")
# is not a pronoun.
FIRST_PERSON = re.compile(
    r"(?<![\w'’])(?<!War )(?<!Part )(?<!Phase )(?<!Stage )(?<!Schedule )(?<!Category )"
    r"(?<!Class )(?<!Section )(?<!Tier )(?<!Level )(?<!Type )(?<!Article )(?<!Chapter )"
    r"(?:I|I['’](?:m|ve|d|ll)|[Mm]y|[Mm]e|[Mm]yself)(?![\w'’])(?!\))"
)
# A reporter's first-person feature ("I joined officers on a night shift") is the paper's own
# narration, not a reader's.
REPORTER_EMBED = re.compile(
    r"\bI\s+(?:joined|accompanied|shadowed|went out with|rode with|spent (?:a|the) (?:day|"
    r"night|shift|morning|evening|week)|was (?:invited|shown|given access))\b|"
    r"\bride-?along\b|\bembedded with\b",
    re.IGNORECASE,
)
# A letter's reference to what it answers, as some papers print it: "(Report, 10 March)",
# "(Letters, 2 May)".
CITED_ITEM = re.compile(
    r"\((?:Report|Letters?|Editorial|Leader|Comment|Opinion|Article|Analysis|Column|Feature)s?,\s*"
    r"\d{1,2}\s+[A-Z][a-z]+\)"
)
# How many narration passages must speak in the first person, and what share of them.
MIN_FIRST_PERSON = 2
MIN_FIRST_PERSON_SHARE = 0.25
# The writer saying who they are: "As a county councillor", "I am the local MP", "As your
# Police and Crime Commissioner".
SELF_DESCRIPTION = re.compile(
    r"\b(?:[Aa]s|I am|I['’]m)\s+(?P<role>(?:a|an|the|your|one of your)\s+[\w'’ -]{2,60}?)"
    r"(?=[,.;:]|\s+(?:I|and|for|of|in|who|since|with)\b)"
    # writers who sign as a body: "As representatives of the officers of Merseyside Police we …"
    r"|\b[Aa]s\s+(?P<body>(?:the\s+)?(?:representatives|members|leaders|officers|chief officers|"
    r"staff)\s+(?:of|at|in|within)\s+[\w'’ -]{2,80}?)(?=[,.;:]|\s+(?:we|and)\b)"
)
# A writer whose "we" does what only the police do ("we only arrested 100 people", "we
# seized the equipment"): a letter from the force.
POLICE_WE = re.compile(
    r"\b[Ww]e\s+(?:(?:only|also|then|have|had|quickly|rightly|never)\s+){0,2}(?:arrested|charged|"
    r"seized|detained|cautioned|deployed\s+(?:\d+\s+|more\s+|extra\s+)?officers)\b"
)

CITED = re.compile(r"\b(?:said|says|put it|told|noted|pointed out|wrote|writes)\b")


def _narration(segments: Sequence, headline: bool) -> list:
    """The passages of the page's own narration: media voice, no speaker, past the headline."""
    first = 1 if headline else 0
    return [
        seg
        for seg in segments
        if seg.paragraph >= first and seg.voice == MEDIA and seg.speaker is None
    ]


def first_person_piece(segments: Sequence, headline: bool) -> bool:
    """Whether the page's narration is written in the first person (a letter or a column),
    and not by a reporter who went out with the police."""
    narration = _narration(segments, headline)
    own = [seg for seg in narration if FIRST_PERSON.search(outside_quotes(seg.text))]
    if any(REPORTER_EMBED.search(seg.text) for seg in own):
        return False
    return len(own) >= MIN_FIRST_PERSON and len(own) >= MIN_FIRST_PERSON_SHARE * len(narration)


def letters_headline(segments: Sequence, headline: bool) -> bool:
    """Whether the page's headline says it is a reader's letter (then the headline is the
    writer's too; any other headline is the paper's)."""
    return bool(headline and segments and LETTER_PAGE.search(segments[0].text))


def letters_page(segments: Sequence, headline: bool) -> bool:
    """Whether the page is a reader's letter, by its headline or by its opening words."""
    if letters_headline(segments, headline):
        return True
    return any(
        LETTER_OPENING.match(seg.text) or CITED_ITEM.search(seg.text)
        for seg in segments
        if seg.paragraph < 2
    )


def writer_voice(
    segments: Sequence, headline: bool, role_voice: Callable[[str], str | None] | None
) -> str:
    """The voice of a letter's or a column's writer: the role they give themselves ("As a
    county councillor", "As representatives of the officers of Wexmoor Police we"), the
    force's when their "we" arrests and seizes, else the public's."""
    narration = [outside_quotes(seg.text) for seg in _narration(segments, headline)]
    if role_voice is not None:
        for own in narration:
            for hit in SELF_DESCRIPTION.finditer(own):
                role = hit.group("role") or hit.group("body")
                if CITED.search(role):
                    continue  # "As the councillor put it, I …" cites somebody else
                voice = role_voice(role)
                if voice and voice != MEDIA:
                    return voice
    if any(POLICE_WE.search(own) for own in narration):
        return "force"
    return PUBLIC


def own_voice_page(
    segments: Sequence, headline: bool, role_voice: Callable[[str], str | None] | None = None
) -> str | None:
    """The writer's voice when the page is a letter or a first-person piece, else None."""
    if letters_page(segments, headline) or first_person_piece(segments, headline):
        return writer_voice(segments, headline, role_voice)
    return None
