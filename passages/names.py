"""Names of people in news text: titles and ranks, capitalised names, what is not a person.

The speech rules (`passages.voice`) use these to find who a speaker phrase names:
"Chief Constable Paul Sanford" -> "Paul Sanford", "Mr Sandford" -> "Sandford", and to tell a
person ("Jane Doe") from an organisation, a place or a date ("Thornby Town Council").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Honorifics and ranks stripped before matching a name against the configured people.
TITLES = re.compile(
    r"\b(?:mr|mrs|ms|miss|mx|dr|prof|professor|sir|dame|lord|lady|baroness|baron|rev|revd|"
    r"cllr|councillor|chief constable|deputy chief constable|assistant chief constable|acc|dcc|"
    r"chief superintendent|ch supt|det supt|superintendent|supt|chief inspector|ch insp|"
    r"detective|det|inspector|insp|sergeant|sgt|constable|pc|dc|ds|di|dci|dsu|pcso|"
    r"commander|commissioner|pcc|deputy|assistant|temporary|acting|mp|the rt hon|rt hon|hon)\b\.?",
    re.IGNORECASE,
)

PRONOUN = re.compile(r"^(?:he|she|they|it|we|i)$", re.IGNORECASE)
# A phrase that opens with a count or an indefinite article: "a resident", "two parents".
INDEFINITE = re.compile(r"^(?:a|an|one|two|three|some|many|several)\s+\S", re.IGNORECASE)
# A name: capitalised words (with hyphens or apostrophes), optionally joined by "de", "van" ...
_NAME_WORD = r"[A-Z][a-zA-Z'’\-]+"
NAME = re.compile(rf"{_NAME_WORD}(?:\s+(?:de\s+|van\s+|von\s+|du\s+|le\s+)?{_NAME_WORD})*")
# Capitalised words that open a sentence without starting a name ("The", "Speaking", "Monday").
_NOT_NAMES = {
    "The",
    "A",
    "An",
    "In",
    "On",
    "At",
    "But",
    "And",
    "It",
    "He",
    "She",
    "They",
    "We",
    "I",
    "This",
    "That",
    "These",
    "Those",
    "His",
    "Her",
    "Their",
    "Its",
    "Our",
    "My",
    "Speaking",
    "Police",
    "Officers",
    "Officer",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Today",
    "Yesterday",
    "Last",
    "Earlier",
    "Later",
    "Meanwhile",
    "However",
    "Asked",
    "When",
    "After",
    "Before",
    "Writing",
    "Responding",
    "According",
}

# A rank or title right before a name: "Detective Inspector Karen Hall".
TITLE_AT_END = re.compile(rf"(?:{TITLES.pattern})\s+$", re.IGNORECASE)

# Words that make a run of capitalised words an organisation, a place, a date or an event.
_THING_WORDS = re.compile(
    r"\b(?:Act|Survey|Statistics|Office|Figures|Data|Report|Information|Council|Police|"
    r"Constabulary|Service|Street|Road|Centre|Court|Hall|Park|Station|Hospital|Week|Day|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|"
    r"May|June|July|August|September|October|November|December|Christmas|Facebook|Twitter|"
    r"Fire|Rescue|Ambulance|NHS|University|School|College|Church)\b"
)

# Capitalised words that open a sentence or a phrase but never name a person: adverbs and
# participles ("Worryingly", "Following"), honorifics ("Majesty"), ranks used alone ("Chief").
_NOT_PERSON_WORD = re.compile(
    r"^(?:Majesty(?:'s|’s|ʼs)?|Chief|Efficiency|Some|Speaking|Constabulary|Police|"
    r"Inspectorate|Inspector|Inspectors|Commissioner|Force|Federation|Office|Service|Council|"
    r"Government|Report|Home|Secretary|Crime|HM|HMICFRS|HMIC|IOPC)$"
)
# Words that open a phrase without being a name: "Worryingly", "Following the rating".
_LEADING_NOT_PERSON = re.compile(rf"^(?:[A-Z][a-z]+ly|[A-Z][a-z]+ing|{_NOT_PERSON_WORD.pattern})$")


# Letters after a name: honours, silk, office ("Jo Obi QPM", "Winston Roddick CB QC").
POST_NOMINALS = re.compile(
    r"QPM|KPM|OBE|MBE|CBE|KBE|DBE|BEM|QC|KC|CB|DL|JP|MP|MSP|MS|MLA|AM|QFSM|GM|DSO"
)


def strip_titles(text: str) -> str:
    """A phrase without honorifics and ranks ("Det Supt Jo Obi" -> "Jo Obi")."""
    return re.sub(r"\s+", " ", TITLES.sub(" ", text)).strip(" ,.;:")


def norm_name(name: str) -> str:
    """A name for comparison: no titles, lower case, hyphens as spaces ("orpen smellie")."""
    return re.sub(r"[\s\-]+", " ", strip_titles(name).lower()).strip()


def names_in(text: str) -> list[str]:
    """Runs of capitalised words in a text, without a leading sentence word ("The", "When")."""
    names = []
    for m in NAME.finditer(text):
        words = m.group(0).split()
        while words and words[0] in _NOT_NAMES:
            words = words[1:]
        if words:
            names.append(" ".join(words))
    return names


def person_names(names: list[str], phrase: str) -> list[str]:
    """The names in a speaker phrase that can name a person, best first.

    Titles and leading role or organisation words are stripped ("His Majesty's Inspector of
    Constabulary Roy Wilsher" -> "Roy Wilsher"); the name nearest the end of the phrase comes
    first, as an appositive name follows its role. A single word counts only after a title
    ("Mr Wilsher"); adverbs, participles and honorifics ("Worryingly", "Following", "Majesty")
    never do.
    """
    out = []
    for name in reversed(names):
        at = phrase.find(name)
        titled = bool(TITLES.match(name)) or bool(
            TITLE_AT_END.search(phrase[max(0, at - 40) : at]) if at > 0 else False
        )
        words = (strip_titles(name) or "").split()
        while words and _LEADING_NOT_PERSON.match(words[0]):
            words = words[1:]
        while len(words) > 1 and POST_NOMINALS.fullmatch(words[-1]):
            words = words[:-1]  # "Winston Roddick CB QC" is Mr Roddick
        if not words or _NOT_PERSON_WORD.match(words[-1]):
            continue
        if len(words) == 1 and not titled:
            continue
        out.append(" ".join(words))
    return out


def looks_like_person(name: str) -> bool:
    """Two to four capitalised words that are not an organisation, place type or date."""
    words = name.split()
    return 2 <= len(words) <= 4 and not _THING_WORDS.search(name) and not _is_org_word(name)


def with_ampersands(names: Iterable[str]) -> list[str]:
    """The names with "and" and "&" both ways ("Devon and Cornwall Police" is also written
    "Devon & Cornwall Police"), in their order, without repeats."""
    out: list[str] = []
    for name in names:
        for spelling in (name, name.replace(" and ", " & "), name.replace(" & ", " and ")):
            if spelling and spelling not in out:
                out.append(spelling)
    return out


def _is_org_word(name: str) -> bool:
    """True when a name holds an organisation word ("Council", "Trust", "Party")."""
    return bool(
        re.search(
            r"\b(?:Council|Office|Police|Constabulary|Service|Trust|Group|"
            r"Committee|Government|Department|Ministry|Agency|Party)\b",
            name,
        )
    )
