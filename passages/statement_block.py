"""A statement printed after a colon, in paragraphs of its own, without quotation marks.

Papers often print a body's response in full below a line that introduces it:

    Merseyside Police gave us this statement:
    We have now reviewed the circumstances around this ...

    From Chief Constable Jane Doe of Northmarsh Constabulary:
    This is a copy of a letter I have sent to our partners ...

The paragraphs below such a line are the introduced body's words, not the paper's, although
no quotation mark says so. They stay so until a paragraph quotes someone, introduces another
statement, or reports speech again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from passages.speech_patterns import QUOTE_MARKS

MEDIA = "media"
PUBLIC = "public"
# A line that introduces a statement printed below it: "X said:", "X gave us this
# statement:", "In a statement, X said:", "Joint statement from X and Y:", "From X:".
INTRODUCER = re.compile(
    r"(?:\b(?:said|says|added|adds|stated|states|commented|comments|responded|wrote|writes)"
    r"|\bstatement(?:\s+(?:from|by|of)\s+[^:]{2,160})?|^From\s+[^:]{2,160})\s*:\s*$",
    re.IGNORECASE,
)
# A lead-in before the speaker, whose words are not the speaker's role: "Commenting on the
# reports about Police Scotland, the chief inspector said:".
_LEAD_IN = re.compile(
    r"^(?:commenting|responding|reacting|speaking|writing)\b[^,]{0,160},\s*", re.IGNORECASE
)
# Words that end the statement (besides a quotation mark): someone reported again.
_REPORTED = re.compile(
    r"\b(?:he|she|they|it|the force|police|a spokes\w+)\s+(?:said|says|added|adds|told)\b",
    re.IGNORECASE,
)


def _introduced_voice(
    seg, role_voice: Callable[[str], str | None] | None
) -> tuple[str, str | None] | None:
    """(voice, speaker) of the body a line introduces, or None when it is not an introducer
    or its body has no known voice."""
    text = seg.text.strip()
    if len(text) > 300 or not INTRODUCER.search(text):
        return None
    if seg.voice not in (MEDIA, PUBLIC):
        return seg.voice, seg.speaker  # the speech rules named the speaker
    who = _LEAD_IN.sub("", text.rstrip(": "))
    voice = role_voice(who) if role_voice is not None else None
    if voice and voice != MEDIA:
        return voice, seg.speaker
    return (seg.voice, seg.speaker) if seg.voice != MEDIA else None


def relay_statements(
    segments: Sequence,
    role_voice: Callable[[str], str | None] | None = None,
    reported: Callable[[str], bool] | None = None,
) -> list:
    """The segments, with each statement printed below an introducing line in the introduced
    body's voice (the introducing line too).

    Args:
        segments: one article's attributed segments, in order.
        role_voice: the voice role words point to (`VoiceResolver.role_voice`).
        reported: whether a passage reports another body's finding, which keeps its own
            voice inside a statement ("The inspectorate has graded the force good").
    """
    out = list(segments)
    block: tuple[str, str | None] | None = None
    block_paragraph = -1
    for i, seg in enumerate(out):
        if block is not None and seg.paragraph > block_paragraph:
            text = seg.text.strip()
            if QUOTE_MARKS.search(text) or INTRODUCER.search(text) or _REPORTED.search(text):
                block = None
            elif reported is not None and reported(text):
                continue
            else:
                voice, speaker = block
                if (seg.voice, seg.speaker) != (voice, speaker):
                    out[i] = replace(seg, voice=voice, speaker=speaker)
                continue
        introduced = _introduced_voice(seg, role_voice)
        if introduced is not None:
            block, block_paragraph = introduced, seg.paragraph
            voice, speaker = introduced
            if (seg.voice, seg.speaker) != (voice, speaker):
                out[i] = replace(seg, voice=voice, speaker=speaker)
    return out


def carry_revoiced_speakers(before: Sequence, after: Sequence) -> list:
    """Segments re-voiced by the article rules, with the same change carried to the rest of
    their speaker's quote.

    The speech rules give a quote that runs over several passages one speaker; when the
    article rules re-voice its first passage ("The panel added: “…" in a misconduct story is
    the force's hearing, not a council panel), the passages that go on in the same quote, with
    the same speaker and no name of their own, follow.

    Args:
        before: one article's segments as the speech rules attributed them.
        after: the same segments after the article rules, in the same order.
    """
    out = list(after)
    carried: tuple[tuple[str, str | None], tuple[str, str | None]] | None = None
    for i, (old, new) in enumerate(zip(before, after, strict=True)):
        was, now = (old.voice, old.speaker), (new.voice, new.speaker)
        if was != now and old.speaker:
            carried = (was, now)
        elif carried and was == carried[0] and now == was and old.speaker not in old.text:
            voice, speaker = carried[1]
            out[i] = replace(new, voice=voice, speaker=speaker)
        elif carried and was != carried[0]:
            carried = None
    return out
