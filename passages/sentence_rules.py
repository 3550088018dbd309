"""The sentence rules: who speaks in a passage when no speaker rule named anybody.

In order (`SENTENCE_RULES`): an unattributed quote continues the last speaker; an inspection
grade is the inspectorate's; a sentence's subject may act with a voice ("The commissioner will
chair …"); anything else is the journalist's narration. `passages.voice.attribute` tries them
after the speaker rules of `passages.voice_rules`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from passages.names import TITLE_AT_END, names_in, strip_titles
from passages.speech_patterns import STARTS_WITH_QUOTE, only_short_quotes
from passages.speech_subjects import (
    ACTOR,
    ACTOR_NOT_A_VOICE,
    ACTOR_POPULATION,
    DATA_WORDS,
    GRADE_ITEM,
    GRADE_ITEM_WORDS,
    INSPECTED,
    PASSIVE_AFTER,
    STATISTICS_BODY,
)
from passages.voice_resolver import SpeechContext, VoiceResolver, speaker_phrase
from passages.voice_rules import Attribution, Sentence, found_attribution

SentenceRule = Callable[[Sentence, VoiceResolver, SpeechContext], Attribution | None]


def continued_quote(s: Sentence, resolver: VoiceResolver, ctx: SpeechContext) -> Attribution | None:
    """A quote with no attribution of its own continues the last named speaker, unless the
    narration around it names somebody new with a title ("…, Chief Constable Simon Cole,
    focused on the fact that 76% are “satisfied”"): that is narration about them; so is
    narration that cites a word or three ("Its call handling was rated “Good”")."""
    if s.quoted and ctx.last_voice and not _names_new_titled_person(s.outside, resolver, ctx):
        if short_quotes(s) and not STARTS_WITH_QUOTE.match(s.text):
            return None  # narration citing a word or a grade ("judged as “good” by inspectors")
        return Attribution(ctx.last_voice, ctx.last_speaker, True, False)
    return None


def _names_new_titled_person(outside: str, resolver: VoiceResolver, ctx: SpeechContext) -> bool:
    """Whether narration names, with a title or role before the name, a person other than the
    last speaker ("Chief Constable Simon Cole"). Short tags around a quote do not count."""
    if len(outside.split()) < 8:
        return False
    last = (ctx.last_speaker or "").lower().split()
    for name in names_in(outside):
        at = outside.find(name)
        if at <= 0 or " " not in name or (last and name.lower().split()[-1] == last[-1]):
            continue
        title = TITLE_AT_END.search(outside[max(0, at - 40) : at])
        titled = title.group(0) + name if title else name
        if (title or strip_titles(name) != name) and resolver.role_voice(titled):
            return True
    return False


def inspection_grade(
    s: Sentence, resolver: VoiceResolver, ctx: SpeechContext
) -> Attribution | None:
    """A grade ("The force was graded inadequate for …") is the inspectorate's judgement, and
    so is a grade quoted on its own ("… rated “Good” …") and an item of a list of grades
    ("‘requires improvement’ at investigating crime;")."""
    item = GRADE_ITEM.match(s.text) and len(s.text.split()) <= GRADE_ITEM_WORDS
    if item or INSPECTED.search(s.outside) or (INSPECTED.search(s.text) and short_quotes(s)):
        return found_attribution(("inspectorate", None), s.quoted, ctx)
    return None


def short_quotes(s: Sentence) -> bool:
    """Whether every quotation in the passage is a word or three (a grade, a label)."""
    return only_short_quotes(s.text, 3)


# A body that speaks without a speech verb: "…, saying", "had voiced concerns about …".
VOICING = re.compile(
    r", saying\b|\b(?:voiced|raised|expressed|voices|raises|expresses)\s+(?:its\s+|their\s+|"
    r"serious\s+|strong\s+)?(?:concerns?|fears?|anger|frustration|opposition|objections?)\b",
    re.IGNORECASE,
)


def acting_subject(s: Sentence, resolver: VoiceResolver, ctx: SpeechContext) -> Attribution | None:
    """A subject with a voice that acts without speaking: "The commissioner will chair …",
    "Residents have started a petition". Not a subject acted upon ("… was heckled"), a panel or
    a council going about its business ("The council approved …") unless it is "saying" something,
    nor people described by where they live ("Residents of Thornby can now report …")."""
    m = ACTOR.match(s.outside)
    if m and (DATA_WORDS.search(m.group("sp")) or FIGURES_NEXT.match(s.outside[m.end("sp") :])):
        return _figures_subject(m.group("sp"), s, resolver, ctx)
    if (
        m
        and not PASSIVE_AFTER.match(s.outside[m.end("sp") :])
        and (not ACTOR_NOT_A_VOICE.search(m.group("sp")) or VOICING.search(s.outside))
        and not ACTOR_POPULATION.match(m.group("sp"))
    ):
        found = resolver.resolve(m.group("sp"), ctx, strict=True, actor=True)
        if found:
            return found_attribution(found, s.quoted, ctx)
    return None


# "Home Office figures show …": the subject's owner comes before the figures, which the ACTOR
# shape would otherwise take for its verb.
FIGURES_NEXT = re.compile(rf"\s+{DATA_WORDS.pattern}", re.IGNORECASE)
# Not `SOURCE_VOICES`: the force's records as a bare subject ("Police records seen by this
# newspaper show …") are the journalist's source; "figures published by the force" is its own.
FIGURES_VOICES = ("pcc", "inspectorate")


def _figures_subject(
    sp: str, s: Sentence, resolver: VoiceResolver, ctx: SpeechContext
) -> Attribution | None:
    """Figures as a sentence's subject ("New IOPC figures show …", "Statistics from the Office
    for National Statistics suggest …"): the finding of a watchdog, a commissioner or the
    official statisticians speaks in their voice; other figures (the Home Office's, a
    council's, the force's recorded crime) are a source the journalist cites."""
    if STATISTICS_BODY.search(sp):
        return found_attribution(("government", speaker_phrase(sp)), s.quoted, ctx)
    voice = resolver.role_voice(sp)
    if voice in FIGURES_VOICES:
        return found_attribution((voice, speaker_phrase(sp)), s.quoted, ctx)
    return None


def narration(s: Sentence, resolver: VoiceResolver, ctx: SpeechContext) -> Attribution | None:
    """Anything else is the journalist's narration (voice None). People it names with a known
    voice are remembered, so that a later "he said" finds them."""
    resolver.note_mentions(s.outside, ctx)
    return Attribution(None, None, s.quoted, False)


SENTENCE_RULES: tuple[SentenceRule, ...] = (
    continued_quote,
    inspection_grade,
    acting_subject,
    narration,
)
