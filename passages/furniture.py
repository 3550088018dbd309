"""Page furniture: captions, credits, image file names, bylines, promos and list labels.

Extraction keeps some of a page's furniture in the body text. None of it says anything about
the force, so such passages are skipped with the reason `furniture` rather than scored.
Every rule here is anchored to the whole passage or to an unmistakable marker, so a sentence
of the story that merely mentions a photo is still scored.
"""

from __future__ import annotations

import logging
import re

logger = logging.getLogger(__name__)

FURNITURE = "furniture"

# "Credit: Owen Humphreys/PA", "(Image: Getty)", "Picture: Norfolk Police"
CREDIT = re.compile(
    r"(?:^|\s|\()(?:Credit|Picture|Pictures|Photo|Photos|Photograph|Image|Images|Pic|Video|"
    r"Source)\s*:\s*[A-Z][^.!?]{0,60}\)?\s*$|^\((?:Image|Picture|Photo|Pic)s?\b[^)]*\)$"
)
FILE_NAME = re.compile(r"\b[\w\-]{3,}\.(?:jpe?g|png|gif|webp|svg|mp4|pdf)\b", re.IGNORECASE)
# "By Jane Smith", "By Jane Smith, Crime Reporter", "John Simpson, Crime Correspondent"
BYLINE = re.compile(
    r"^(?:By\s+[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+){0,3}(?:,.{0,40})?|"
    r"[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+){1,3},\s+(?:[A-Z][\w\-]+\s+){0,3}"
    r"(?:Correspondent|Reporter|Editor|Journalist))$"
)
PROMO = re.compile(
    r"^(?:READ MORE|Read more|Read More|MORE:|RELATED|Related:|Related articles|Sign up|"
    r"Subscribe|Click here|Follow us|Share this|Advertisement|Most read|Most Read|Watch:|"
    r"Listen:|Don't miss|Don’t miss|Get the latest|Join our|Download the)\b"
)
# An ISO date as some pages print it before their text: "date 2019-09-27", "2019-09-27".
ISO_DATE = r"(?:date\s+)?\d{4}-\d{2}-\d{2}"
DATELINE = re.compile(
    rf"^(?:{ISO_DATE}|"
    r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+\d{1,2}"
    r"(?:st|nd|rd|th)?\s+[A-Z][a-z]+\s+\d{4}(?:,\s*\d{1,2}[:.]\d{2}\s*(?:am|pm)?)?|"
    r"(?:Published|Updated|Last updated)\s*:?.{0,40}\d{4}.{0,12})$"
)
_TITLE_WORDS = re.compile(
    r"\b(?:Chief Constable|Constable|PC|PCSO|Sgt|Sergeant|Insp|Inspector|Supt|Superintendent|"
    r"Commissioner|Councillor|Cllr|Mr|Mrs|Ms|Dr|Detective|DCI|DI|MP)\b"
)
_SMALL = {"of", "and", "the", "for", "in", "at", "on", "to", "&", "-", "–"}
TERMINAL = re.compile(r"[.!?…][\"'”’)\]]*$")
QUOTE_MARK = re.compile(r"[“”\"‘’']")


def furniture_kind(text: str) -> str | None:
    """What kind of page furniture a passage is, or None when it is content.

    Args:
        text: one passage, whitespace already squeezed.

    Returns:
        "credit", "file_name", "byline", "promo", "dateline", "label" or "caption", else None.
    """
    text = text.strip()
    if not text:
        return None
    if CREDIT.search(text):
        return "credit"
    if FILE_NAME.search(text) and len(text.split()) <= 12:
        return "file_name"
    if PROMO.match(text):
        return "promo"
    if DATELINE.match(text):
        return "dateline"
    if BYLINE.match(text):
        return "byline"
    if TERMINAL.search(text) or QUOTE_MARK.search(text) or re.search(r"\d", text):
        return None
    words = text.rstrip(":").split()
    if 1 <= len(words) <= 2:
        return "label"  # "Media response", "Background", "Key findings:"
    capitalised = all(w[0].isupper() or w.lower() in _SMALL for w in words)
    if capitalised and 2 <= len(words) <= 6 and _TITLE_WORDS.search(text):
        return "caption"  # a photo's caption naming who is pictured
    return None
