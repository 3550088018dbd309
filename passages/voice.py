"""Who is speaking in a passage: quoted and reported speech, speakers resolved to a voice.

`attribute` composes the parts, each in its own module:
- `passages.names`: people's names and titles in text;
- `passages.speech_patterns`: speech verbs, quotation marks, the shapes of attributed speech;
- `passages.speech_subjects`: the subject of a speech verb, and subjects that are not voices;
- `passages.voice_roles`: role words ("a resident", "the commissioner") and their voices;
- `passages.voice_resolver`: `VoiceResolver` (configured people, force aliases, roles) and the
  article's memory, `SpeechContext`;
- `passages.voice_rules`: the named speaker rules and readers, in order;
- `passages.sentence_rules`: the rules for a passage whose speaker nobody named.

Importers take `attribute`, `SpeechContext` and `VoiceResolver` from here.
"""

from __future__ import annotations

import logging

from passages.sentence_rules import SENTENCE_RULES
from passages.voice_resolver import (
    SpeechContext,
    VoiceResolver,
)
from passages.voice_rules import (
    Attribution,
    Sentence,
    candidates,
    found_attribution,
    speaker_of,
)

logger = logging.getLogger(__name__)


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
