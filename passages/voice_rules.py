"""The named speech rules: each finds a speaker phrase in one shape of sentence.

A passage goes through three ordered lists (`passages.voice.attribute` composes them):
1. `SPEAKER_RULES` propose speaker phrases ("candidates"), each for one shape of sentence:
   "Police said …", "“…,” said X", "according to X", "…, a spokesperson said." …
2. `SPEAKER_READERS` read each candidate in turn, first rule to recognise its shape deciding:
   a court, a statistic or a passive is nobody; a document speaks for its author; "his office"
   is an official's; anything else goes to the `VoiceResolver`. The first candidate that names
   somebody gives the passage its voice.
3. `passages.sentence_rules.SENTENCE_RULES` apply when no candidate named anybody: an
   unattributed quote continues the last speaker, an inspection grade is the inspectorate's, a
   sentence's subject may act with a voice ("The commissioner will chair …"), and anything else
   is narration.

Rules are pure functions of the passage except that resolving a speaker updates the article's
`SpeechContext` (the last speaker and the people introduced so far).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from passages.names import names_in
from passages.speech_patterns import (
    ACCORDING,
    AFTER_QUOTE_SUBJ,
    AFTER_QUOTE_VERB,
    ANTECEDENT_REPORTED,
    APOSTROPHE,
    BEFORE_QUOTE,
    CONJ_CLAUSE,
    CONJ_REPORTED,
    NAME_COLON,
    SPEAKER_TAIL,
    TITLE_COMMA,
    TRAILING_SUBJ,
    TRAILING_VERB,
    WHICH_REPORTED,
    has_quote,
    outside_quotes,
)
from passages.speech_subjects import (
    ACTOR_NOT_A_VOICE,
    BARE_DOCUMENT,
    BARE_SPOKESPERSON,
    COURT,
    DATA_WORDS,
    DOCUMENT,
    OFFICE,
    PASSIVE,
    PERCENT,
    QUANTITY,
    SOURCE_OWNER,
    SOURCE_VOICES,
    STATISTICS_BODY,
    SURVEYED_BY,
    THING_SUBJECT,
    clause_not_subject,
    reported_subjects,
    subject_core,
    trim_subject,
)
from passages.voice_resolver import SpeechContext, VoiceResolver
from passages.voice_roles import ROLE_PATTERNS

logger = logging.getLogger(__name__)

# A speaker phrase longer than this (in words) is a clause, not a speaker.
MAX_SPEAKER_WORDS = 16


@dataclass
class Attribution:
    """The outcome of the speech rules for one passage."""

    voice: str | None
    speaker: str | None
    quoted: bool  # the passage contains a direct quote
    explicit: bool  # the speaker was named in the passage itself (not carried over)


@dataclass(frozen=True)
class Sentence:
    """One passage as the rules read it."""

    text: str  # the passage, apostrophes inside words replaced by ʼ (see `APOSTROPHE`)
    quoted: bool  # it holds a direct quote (or the start or end of one)
    outside: str  # the journalist's words: the text with quotations blanked out

    @classmethod
    def read(cls, text: str) -> Sentence:
        """The passage with its apostrophes and title commas normalised, its quote flag and its
        narration."""
        text = TITLE_COMMA.sub(" ", APOSTROPHE.sub("ʼ", text))
        return cls(text, has_quote(text), outside_quotes(text).strip())

    def before(self, phrase: str) -> str:
        """The narration before a phrase (all of it when the phrase is not found)."""
        return self.outside[: max(0, self.outside.find(phrase))]


class Candidate(NamedTuple):
    """A phrase that may name the speaker, as a speaker rule found it."""

    phrase: str
    strict: bool  # only a configured person or a role word counts, not any capitalised name
    late: bool = False  # tried after every other rule's candidates


# --- Speaker rules: shapes of sentence that name a speaker ------------------------------------

SpeakerRule = Callable[[Sentence, VoiceResolver], list[Candidate]]


def opening_speaker(s: Sentence, resolver: VoiceResolver) -> list[Candidate]:
    """A sentence that opens with its speaker and a speech verb: "Police said a man was
    arrested", "In a statement, the force said …", "Sgt Jo Obi, who chairs the network, said …".

    The head of the subject ("Sgt Jo Obi") is tried before the whole subject. A subject after a
    leading clause ("…, but the force said") is tried only after every other rule's phrases;
    residents reported after a conjunction ("…, but parents said …") are narration, and so is a
    statistic ("Four in ten residents said"), unless its survey's owner is named ("… residents
    surveyed by the commissionerʼs office said").
    """
    out = []
    for sp in reported_subjects(s.outside):
        trimmed = trim_subject(sp)
        late = trimmed.split()[:1] != sp.split()[:1]
        if CONJ_CLAUSE.search(sp) and resolver.role_voice(trimmed) == "public":
            continue
        if QUANTITY.match(trimmed):
            owner = SURVEYED_BY.search(trimmed)
            if owner:
                out.append(Candidate(owner.group("owner"), True))
            continue
        core = subject_core(trimmed)
        if core and core != trimmed.strip(" ,") and not PASSIVE.search(trimmed):
            out.append(Candidate(core, True, late))
        out.append(Candidate(trimmed, False, late))
    return out


def quote_then_verb_speaker(s: Sentence, resolver: VoiceResolver) -> list[Candidate]:
    """A quote followed by the verb, then the speaker: "“…,” said Supt Jo Obi." The speaker
    ends where a time or place clause begins ("“…,” said one parent after a drop-in")."""
    if not s.quoted:
        return []
    return [
        Candidate(SPEAKER_TAIL.sub("", m.group("sp")), False)
        for m in AFTER_QUOTE_VERB.finditer(s.text)
    ]


def quote_then_speaker(s: Sentence, resolver: VoiceResolver) -> list[Candidate]:
    """A quote followed by the speaker, then the verb: "“…,” Supt Jo Obi said." / "he added"."""
    if not s.quoted:
        return []
    return [
        Candidate(trim_subject(m.group("sp")), False) for m in AFTER_QUOTE_SUBJ.finditer(s.text)
    ]


def speaker_before_quote(s: Sentence, resolver: VoiceResolver) -> list[Candidate]:
    """A speaker and a verb that introduce a quote: "Supt Jo Obi said: “…”", "The force said
    in a statement: “…”", or a transcript's name and colon: "Mr Campion: “…”"."""
    if not s.quoted:
        return []
    named = NAME_COLON.match(s.text)
    out = [Candidate(named.group("sp"), False)] if named else []
    for m in BEFORE_QUOTE.finditer(s.text):
        raw = m.group("sp")
        if re.search(r",\s+who\b", raw):
            # "Jo Obi, who once acted for the family, but has since retired, said: “…”": the head
            out.append(Candidate(subject_core(raw), False))
        sp = trim_subject(raw)
        # "…, where the chief constable is called before a board and questioned about “…”": a
        # subordinate clause is not a speaker ("Police chiefs will publish a plan and say they
        # are “…”" is: its subject's own verbs come first)
        if not SUBORDINATE.match(sp):
            out.append(Candidate(sp, False))
    return out


def according_to(s: Sentence, resolver: VoiceResolver) -> list[Candidate]:
    """Speech cited with "according to X" ("According to X, …" / "…, according to X."): X,
    unless X is a document or figures.

    A document or figures speak for an official owner ("figures published by the IOPC"), a
    report for its author ("a report by a road charity"), the commissioner's or the
    inspectorate's report for them and force data for the force; other documents and figures
    ("Home Office figures", "the council's report") are sources the journalist cites.
    """
    out = []
    for m in ACCORDING.finditer(s.text):
        phrase = _according_source(m.group("sp"), resolver)
        if phrase is not None:
            out.append(Candidate(phrase, True))
    return out


def _according_source(sp: str, resolver: VoiceResolver) -> str | None:
    """Who speaks through the source cited in "according to SP", or None for the journalist."""
    owner = SOURCE_OWNER.search(sp)
    if DOCUMENT.search(sp) and owner and re.search(r"\bby\b", owner.group(0)):
        return owner.group("owner")
    if (DATA_WORDS.search(sp) or DOCUMENT.search(sp)) and owner:
        official = resolver.role_voice(owner.group("owner")) in SOURCE_VOICES
        official = official or bool(STATISTICS_BODY.search(owner.group("owner")))
        return owner.group("owner") if official else None
    if DOCUMENT.search(sp):
        return sp if resolver.role_voice(sp) in ("pcc", "inspectorate") else None
    if DATA_WORDS.search(sp):
        return sp if resolver.role_voice(sp) == "force" else None
    return sp


def trailing_speaker(s: Sentence, resolver: VoiceResolver) -> list[Candidate]:
    """A speaker and a verb that close the sentence: "…, a force spokesperson said.", "…, Supt
    Jo Obi told the panel on Friday." A clause with a verb of its own ("…, and he says no officer
    came") and "according to" are not speakers."""
    m = TRAILING_SUBJ.search(s.outside)
    while m and re.fullmatch(r"(?:and|but|or|then|while)?", trim_subject(m.group("sp")), re.I):
        # "…, and concluded on Friday, September 23, police said.": a clause with no subject
        # of its own is not the speaker; look at the next comma
        m = TRAILING_SUBJ.search(s.outside, m.start() + 1)
    if not m:
        return []
    sp = trim_subject(m.group("sp"))
    if clause_not_subject(sp) or re.match(r"according to\b", sp, re.I):
        return []
    return [Candidate(sp, False)]


def trailing_verb_speaker(s: Sentence, resolver: VoiceResolver) -> list[Candidate]:
    """A verb and a speaker that close the sentence, without quote marks: "…, said burglary
    victim Jo Obi, whose home was ransacked." / "…, said a resident at the meeting."""
    m = TRAILING_VERB.search(s.outside)
    if not m:
        return []
    sp = trim_subject(SPEAKER_TAIL.sub("", m.group("sp")))
    if clause_not_subject(sp) or len(subject_core(sp).split()) > TRAILING_SPEAKER_WORDS:
        return []  # "…, said police in the county received 1,000 calls": what was said
    return [Candidate(sp, False)]


def which_speaker(s: Sentence, resolver: VoiceResolver) -> list[Candidate]:
    """A speaker inside a "which" clause: "…, which Supt Jo Obi said showed progress"."""
    return [Candidate(m.group("sp"), True) for m in WHICH_REPORTED.finditer(s.outside)]


def antecedent_speaker(s: Sentence, resolver: VoiceResolver) -> list[Candidate]:
    """The noun a "which said" clause hangs on: "…, referred by the force, which said it was
    cooperating"."""
    return [Candidate(m.group("sp"), True) for m in ANTECEDENT_REPORTED.finditer(s.outside)]


def conjunction_speaker(s: Sentence, resolver: VoiceResolver) -> list[Candidate]:
    """Reported speech after a conjunction mid-sentence: "…, and the inspectorate said …".
    Residents and families reported this way are narration ("…, but parents said …"), and so
    is a clause with its own verb."""
    out = []
    for m in CONJ_REPORTED.finditer(s.outside):
        sp = m.group("sp")
        if not clause_not_subject(sp) and resolver.role_voice(sp) != "public":
            out.append(Candidate(sp, True))
    return out


SPEAKER_RULES: tuple[SpeakerRule, ...] = (
    opening_speaker,
    quote_then_verb_speaker,
    quote_then_speaker,
    speaker_before_quote,
    according_to,
    trailing_speaker,
    trailing_verb_speaker,
    which_speaker,
    antecedent_speaker,
    conjunction_speaker,
)


def candidates(s: Sentence, resolver: VoiceResolver) -> list[Candidate]:
    """Every speaker rule's phrases, in rule order, the late ones last; none in a court's
    account ("The court heard he had found it hard …", "…, a court heard": the evidence, not
    anybody speaking)."""
    if COURT_HEARD.search(s.outside):
        return []
    found = [c for rule in SPEAKER_RULES for c in rule(s, resolver)]
    return [c for c in found if not c.late] + [c for c in found if c.late]


# A speaker named after a closing verb is a short noun phrase ("said shop owner Priya Lalani");
# longer, it is what was said.
TRAILING_SPEAKER_WORDS = 8
SUBORDINATE = re.compile(r"^(?:where|when|whereby|if|unless|because|although|though)\b", re.I)
# "The court heard …", "The jury was told …": what follows is evidence the journalist reports.
COURT_HEARD = re.compile(
    r"^(?:(?:but|and|however),?\s+)?the\s+(?:court|jury|hearing|inquest|tribunal)\s+(?:also\s+|"
    r"previously\s+)?(?:heard|was told|were told|has heard|had heard)\b"
    # "…, a court heard." / "…, the inquest was told on Monday.": the same evidence, told last
    r"|,\s*(?:(?:a|an|the)\s+)?(?:[\w'’-]+\s+){0,3}(?:court|jury|hearing|inquest|tribunal)\s+"
    r"(?:also\s+)?(?:heard|was told|were told|has heard|had heard)\b[^,]{0,40}[.!?]?\s*$",
    re.IGNORECASE,
)


# --- Speaker readers: what a candidate phrase names --------------------------------------------

# A reader's answer when a candidate is not of its shape: the next reader decides.
PASS = object()
Found = tuple[str, str | None]
SpeakerReader = Callable[[Candidate, Sentence, VoiceResolver, SpeechContext], object]


def not_a_speaker(c: Candidate, s: Sentence, resolver: VoiceResolver, ctx: SpeechContext) -> object:
    """Nobody: a clause (too long, passive: "A man was found"), a percentage ("40 per cent of
    residents said") or a court ("the judge said", "the jury was told")."""
    sp = c.phrase
    if len(sp.split()) > MAX_SPEAKER_WORDS or PASSIVE.search(sp) or PERCENT.search(sp):
        return None
    return None if COURT.search(sp) else PASS


def document_subject(
    c: Candidate, s: Sentence, resolver: VoiceResolver, ctx: SpeechContext
) -> object:
    """A document or study as the subject ("A survey for the commissioner found"): its author
    when named after "by" ("a survey by a road charity found"), else nobody. The inspectorate's
    reports speak for it and go to the next reader; so does "the report", unless the article
    has said who ordered it (`SpeechContext.document_owner`)."""
    sp = c.phrase
    if ctx.document_owner and BARE_DOCUMENT.fullmatch(sp.strip()):
        return ctx.document_owner  # "The report states …" after "a review ordered by X"
    if not THING_SUBJECT.match(sp.strip()) or resolver.role_voice(sp) == "inspectorate":
        return PASS
    owner = re.search(r"\bby\s+(?P<owner>.+)$", sp)
    return resolver.resolve(owner.group("owner"), ctx, strict=True) if owner else None


def office_speaker(
    c: Candidate, s: Sentence, resolver: VoiceResolver, ctx: SpeechContext
) -> object:
    """An official's office closing the sentence: "…, his office said" (see `office_voice`)."""
    if not OFFICE.match(c.phrase.strip()):
        return PASS
    return office_voice(s.before(c.phrase), c.phrase.strip(), resolver, ctx)


def bare_spokesperson(
    c: Candidate, s: Sentence, resolver: VoiceResolver, ctx: SpeechContext
) -> object:
    """A spokesperson of nobody in particular: "…, a spokesperson said". The body named earlier
    in the sentence speaks ("The council will act, a spokesperson said")."""
    if not BARE_SPOKESPERSON.match(c.phrase.strip()):
        return PASS
    voice = resolver.first_role(s.before(c.phrase))
    return (voice, c.phrase.strip()) if voice else resolver.resolve(c.phrase, ctx, c.strict)


def named_speaker(c: Candidate, s: Sentence, resolver: VoiceResolver, ctx: SpeechContext) -> object:
    """Any other phrase: a configured person, a role, a pronoun or a named individual
    (`VoiceResolver.resolve`)."""
    return resolver.resolve(c.phrase, ctx, strict=c.strict)


SPEAKER_READERS: tuple[SpeakerReader, ...] = (
    not_a_speaker,
    document_subject,
    office_speaker,
    bare_spokesperson,
    named_speaker,
)


def speaker_of(
    c: Candidate, s: Sentence, resolver: VoiceResolver, ctx: SpeechContext
) -> Found | None:
    """(voice, speaker) of a candidate phrase, from the first reader that knows its shape."""
    for reader in SPEAKER_READERS:
        verdict = reader(c, s, resolver, ctx)
        if verdict is not PASS:
            return verdict  # type: ignore[return-value]
    return None


def office_voice(
    before: str, phrase: str, resolver: VoiceResolver, ctx: SpeechContext
) -> tuple[str, str]:
    """Whose office: "his office said" is the commissioner's unless an MP or minister is named.

    The sentence is searched first (a configured person, then role words: "the commissioner's
    new scheme …, his office said"), then the article's last named commissioner or politician;
    with neither, an office that speaks for itself in a police story is the commissioner's.
    """
    text = before.replace("ʼ", "'")
    for voice in ("pcc", "government"):
        for name in names_in(before):
            person = resolver.match_person(name)
            if person and person.voice == voice:
                return voice, person.name
        rx = next(rx for v, rx in ROLE_PATTERNS if v == voice)
        if any(not ACTOR_NOT_A_VOICE.fullmatch(m.group(0)) for m in rx.finditer(text)):
            return voice, phrase
    if ctx.last_person and ctx.last_person[0] in ("pcc", "government"):
        return ctx.last_person
    return "pcc", phrase


def found_attribution(found: Found, quoted: bool, ctx: SpeechContext) -> Attribution:
    """An explicit attribution to (voice, speaker), remembered as the article's last speaker."""
    voice, speaker = found
    speaker = speaker.replace("ʼ", "’") if speaker else speaker
    ctx.last_voice, ctx.last_speaker = voice, speaker
    return Attribution(voice, speaker, quoted, True)
