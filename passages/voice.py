"""Who is speaking in a passage: quoted and reported speech, speakers resolved to a voice.

`attribute` composes the parts, each in its own module:
- `passages.names`: people's names and titles in text;
- `passages.speech_patterns`: speech verbs, quotation marks, the shapes of attributed speech;
- `passages.speech_subjects`: the subject of a speech verb, and subjects that are not voices;
- `passages.voice_roles`: role words ("a resident", "the commissioner") and their voices;
- `passages.voice_resolver`: `VoiceResolver` (configured people, force aliases, roles) and the
  article's memory, `SpeechContext`;
- `passages.voice_rules`: the named rules, in order.

The names below are this module's public interface; importers need not know the split.
"""

from __future__ import annotations

import logging

from passages.names import (
    INDEFINITE,
    NAME,
    PRONOUN,
    TITLE_AT_END,
    TITLES,
    looks_like_person,
    names_in,
    norm_name,
    person_names,
    strip_titles,
)
from passages.speech_patterns import (
    ACCORDING,
    AFTER_QUOTE_SUBJ,
    AFTER_QUOTE_VERB,
    ANTECEDENT_REPORTED,
    APOSTROPHE,
    BEFORE_QUOTE,
    CLOSE_QUOTES,
    CONJ_CLAUSE,
    CONJ_REPORTED,
    OPEN_QUOTES,
    QUOTE_SPAN,
    QUOTE_THEN_VERB,
    REPORTED,
    REPORTED_LEAD,
    REPORTED_VERB,
    SPEAKER_TAIL,
    SPEECH_VERBS,
    STARTS_WITH_QUOTE,
    TRAILING_SUBJ,
    TRAILING_VERB,
    WHICH_REPORTED,
    has_quote,
)
from passages.speech_subjects import (
    ACTOR,
    ACTOR_NOT_A_VOICE,
    ACTOR_POPULATION,
    BARE_SPOKESPERSON,
    COURT,
    DATA_WORDS,
    DOCUMENT,
    INSPECTED,
    OFFICE,
    PASSIVE,
    PASSIVE_AFTER,
    PERCENT,
    QUANTITY,
    RELATIVE_CLAUSE,
    SUBJECT_HAS_VERB,
    SURVEYED_BY,
    THING_SUBJECT,
)
from passages.voice_resolver import (
    FULL_NAME_MIN_RATIO,
    SURNAME_MIN_RATIO,
    KnownPerson,
    SpeechContext,
    VoiceResolver,
)
from passages.voice_roles import ACTOR_PUBLIC, NOT_A_VOICE, OTHER_FORCE, ROLE_PATTERNS
from passages.voice_rules import (
    SENTENCE_RULES,
    SPEAKER_RULES,
    Attribution,
    Sentence,
    candidates,
    found_attribution,
    speaker_of,
)

logger = logging.getLogger(__name__)

__all__ = [
    "ACCORDING",
    "ACTOR",
    "ACTOR_NOT_A_VOICE",
    "ACTOR_POPULATION",
    "ACTOR_PUBLIC",
    "AFTER_QUOTE_SUBJ",
    "AFTER_QUOTE_VERB",
    "ANTECEDENT_REPORTED",
    "APOSTROPHE",
    "BARE_SPOKESPERSON",
    "BEFORE_QUOTE",
    "CLOSE_QUOTES",
    "CONJ_CLAUSE",
    "CONJ_REPORTED",
    "COURT",
    "DATA_WORDS",
    "DOCUMENT",
    "FULL_NAME_MIN_RATIO",
    "INDEFINITE",
    "INSPECTED",
    "NAME",
    "NOT_A_VOICE",
    "OFFICE",
    "OPEN_QUOTES",
    "OTHER_FORCE",
    "PASSIVE",
    "PASSIVE_AFTER",
    "PERCENT",
    "PRONOUN",
    "QUANTITY",
    "QUOTE_SPAN",
    "QUOTE_THEN_VERB",
    "RELATIVE_CLAUSE",
    "REPORTED",
    "REPORTED_LEAD",
    "REPORTED_VERB",
    "ROLE_PATTERNS",
    "SENTENCE_RULES",
    "SPEAKER_RULES",
    "SPEAKER_TAIL",
    "SPEECH_VERBS",
    "STARTS_WITH_QUOTE",
    "SUBJECT_HAS_VERB",
    "SURNAME_MIN_RATIO",
    "SURVEYED_BY",
    "THING_SUBJECT",
    "TITLES",
    "TITLE_AT_END",
    "TRAILING_SUBJ",
    "TRAILING_VERB",
    "WHICH_REPORTED",
    "Attribution",
    "KnownPerson",
    "SpeechContext",
    "VoiceResolver",
    "attribute",
    "has_quote",
    "looks_like_person",
    "names_in",
    "norm_name",
    "person_names",
    "strip_titles",
]


def attribute(text: str, resolver: VoiceResolver, ctx: SpeechContext) -> Attribution:
    """Apply the speech rules to one passage.

    The speaker rules (`passages.voice_rules.SPEAKER_RULES`), in order: a sentence that opens
    with a speaker and a speech verb ("Police said ..."); a direct quote with its attribution
    after or before it; "according to X"; a trailing attribution (", a force spokesperson
    said."); a speaker inside a "which" clause or after a conjunction. The first of their
    phrases that names somebody gives the voice. Failing that (`SENTENCE_RULES`): a quote with
    no attribution continues the last speaker; an inspection grade is the inspectorate's; a
    sentence whose subject is a configured person or a role ("The commissioner will launch
    ...", "Residents have started a petition") is that voice. Everything else is narration
    (voice None, shown as `media`).

    Args:
        text: the passage.
        resolver: the article's `VoiceResolver`.
        ctx: the article's memory (last speaker, introduced names), updated in place.

    Returns:
        An `Attribution`; `voice` is None when nobody is speaking (narration).
    """
    s = Sentence.read(text)
    for candidate in candidates(s, resolver):
        found = speaker_of(candidate, s, resolver, ctx)
        if found:
            return found_attribution(found, s.quoted, ctx)
    for rule in SENTENCE_RULES:
        result = rule(s, resolver, ctx)
        if result is not None:
            return result
    raise AssertionError("the narration rule always attributes")  # pragma: no cover
