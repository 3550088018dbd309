"""Article text -> passages (sentences or short runs of them) with the speaker's voice."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import pysbd

from passages.article_voice import refine_voices
from passages.furniture import ISO_DATE
from passages.sentence_rules import short_quotes
from passages.voice import SpeechContext, VoiceResolver, attribute
from passages.voice_rules import Sentence

logger = logging.getLogger(__name__)

PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")
# A sentence this short (in words) is joined to its neighbour in the same paragraph:
# "Not once." or "He added:" carry no meaning alone.
MIN_WORDS = 4
# A passage never grows past this many characters by joining short sentences or quote parts.
MAX_PASSAGE_CHARS = 600
MEDIA = "media"
# A possible sentence end before more text; without one, a paragraph is a single sentence.
INNER_STOP = re.compile(r"[.!?…][\"'”’)\]]*\s+\S")
# A full stop that may not end a sentence: after an initial or a common abbreviation.
AMBIGUOUS_STOP = re.compile(
    r"(?:\b(?:[A-Za-z]|Mr|Mrs|Ms|Mx|Dr|St|No|Nos|Prof|Sgt|Insp|Supt|Det|Cllr|Rev|Gen|Col|Capt|"
    r"Lt|Jr|Sr|vs|etc|approx|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Co|Ltd|Inc|Bros|"
    r"Rd|Ave|Fig|Vol|Ch|Ex|Hon|Gov|Sen|Rep|Mt|ft|in|oz|lb|cf|ie|eg|al)\.|\.\.|\.[a-z])",
)
SIMPLE_SPLIT = re.compile(
    r"(?<=[.!?…])\s+(?=[\"“‘'(\[]?[A-Z0-9£$])|"
    r"(?<=[.!?…][\"'”’)\]])\s+(?=[\"“‘'(\[]?[A-Z0-9£$])"
)


@dataclass(frozen=True)
class Segment:
    """One passage of an article."""

    position: int  # 0-based order in the article
    paragraph: int  # 0-based paragraph index
    text: str
    voice: str  # force | pcc | inspectorate | government | public | media
    speaker: str | None


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of a text: blocks separated by a blank line, inner line breaks joined.

    Args:
        text: article text, paragraphs separated by a blank line.

    Returns:
        Non-empty paragraphs with whitespace normalised.
    """
    text = (text or "").replace("\x00", " ").replace("\r\n", "\n").replace("\r", "\n")
    out = []
    for block in PARAGRAPH_BREAK.split(text):
        block = re.sub(r"\s+", " ", block).strip()
        if block:
            out.append(block)
    return out


# A date that a page's text carries before the paragraph's first sentence.
LEADING_DATE = re.compile(rf"^(?P<date>{ISO_DATE})\s+(?=[A-Z“\"‘'])")


def _open_quote(text: str) -> bool:
    """True when a curly or straight double quote is opened and not closed."""
    if text.count("“") > text.count("”"):
        return True
    return text.count('"') % 2 == 1


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of one paragraph (pysbd, which copes with Mr/Dr/No./decimals/quotes)."""
    if not INNER_STOP.search(paragraph):
        return [paragraph.strip()] if paragraph.strip() else []  # one sentence: pysbd is slow
    if not AMBIGUOUS_STOP.search(paragraph):
        # Every full stop ends a sentence (no abbreviation or initial before it): a regex split
        # gives what pysbd would, about 50 times faster.
        return [p.strip() for p in SIMPLE_SPLIT.split(paragraph) if p.strip()]
    try:
        parts = _segmenter().segment(paragraph)
    except Exception:  # pysbd fails on some pathological inputs; fall back to one block
        logger.debug("pysbd could not split a paragraph of %d chars", len(paragraph))
        parts = [paragraph]
    return [p.strip() for p in parts if p and p.strip()]


def passages_of(paragraph: str) -> list[str]:
    """Passages of one paragraph: sentences, with quote parts and very short sentences joined.

    Args:
        paragraph: one paragraph of text.

    Returns:
        Passages in order; their concatenation covers the paragraph's sentences.
    """
    dated = LEADING_DATE.match(paragraph)
    if dated:
        # "date 2019-09-27 Scandal-hit police …": the date is the page's furniture, kept apart
        # so that the sentence reads from its own first word
        return [dated.group("date"), *passages_of(paragraph[dated.end() :])]
    out: list[str] = []
    for sentence in split_sentences(paragraph):
        if out:
            prev = out[-1]
            joinable = len(prev) + len(sentence) < MAX_PASSAGE_CHARS
            short = len(sentence.split()) < MIN_WORDS or len(prev.split()) < MIN_WORDS
            if joinable and (_open_quote(prev) or short):
                out[-1] = f"{prev} {sentence}"
                continue
        out.append(sentence)
    return out


def segment_article(
    text: str,
    people: Iterable = (),
    force_aliases: Iterable[str] = (),
    source_kind: str | None = None,
    headline: bool = False,
) -> list[Segment]:
    """Split an article into passages and attribute each to a voice and speaker.

    Args:
        text: the article body, paragraphs separated by a blank line.
        people: configured people (`core.config.Person`): name, role (a voice), aliases.
        force_aliases: the force's names, so "a spokesperson for Norfolk Police" is the force.
        source_kind: the source's kind; on a statement page the narration is the publisher's
            (`passages.article_voice`).
        headline: the first paragraph is the headline (media unless it attributes a claim).

    Returns:
        `Segment`s in order. Narration is voice `media` with speaker None. A quote without its
        own attribution takes the speaker named elsewhere in its paragraph, else the last one.
    """
    resolver = VoiceResolver(people, force_aliases)
    ctx = SpeechContext()
    segments: list[Segment] = []
    position = 0
    for pi, paragraph in enumerate(split_paragraphs(text)):
        texts = passages_of(paragraph)
        attrs = []
        for t in texts:
            attrs.append(attribute(t, resolver, ctx))
            resolver.note_others(t, ctx)
        # A quote that opens a paragraph and is attributed only in a later passage of it.
        explicit = [a for a in attrs if a.explicit and a.quoted]
        for i, a in enumerate(attrs):
            # (not narration that cites a word or three: "… branded “failing” by inspectors")
            if (
                a.quoted
                and not a.explicit
                and explicit
                and not short_quotes(Sentence.read(texts[i]))
            ):
                later = next((b for b in attrs[i + 1 :] if b.explicit and b.quoted), None)
                src = later or explicit[-1]
                attrs[i] = type(a)(src.voice, src.speaker, True, False)
        for t, a in zip(texts, attrs, strict=True):
            segments.append(
                Segment(position, pi, t, a.voice or MEDIA, a.speaker if a.voice else None)
            )
            position += 1
    return refine_voices(
        segments, source_kind, headline, resolver.force_aliases, resolver.role_voice
    )
