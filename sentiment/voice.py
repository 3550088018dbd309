"""Who is speaking in a passage: quoted and reported speech, speakers resolved to a voice."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz

logger = logging.getLogger(__name__)

# Minimum rapidfuzz ratio (0-100) for a name in the text to count as a configured person.
# 85 lets "Sandford" match "Sanford" and "Orpen Smellie" match "Orpen-Smellie" but keeps
# "Smith" and "Smyth" apart only when a full name is given (surnames are stricter: 88).
FULL_NAME_MIN_RATIO = 85
SURNAME_MIN_RATIO = 88

# Verbs that introduce speech. Reported speech ("X said that ...") uses the same list.
SPEECH_VERBS = (
    "said|says|say|added|adds|told|tells|explained|explains|stated|states|warned|warns|claimed|"
    "claims|insisted|insists|admitted|admits|commented|comments|continued|continues|urged|urges|"
    "tweeted|wrote|writes|acknowledged|acknowledges|confirmed|confirms|revealed|reveals|noted|"
    "notes|argued|argues|asked|asks|replied|replies|responded|responds|accused|accuses|praised|"
    "praises|criticised|criticises|criticized|described|describes|announced|announces|"
    "concluded|concludes|found|finds|stressed|stresses|pledged|pledges|promised|promises|"
    "apologised|apologises|apologized|welcomed|welcomes|condemned|condemns|"
    "emphasised|emphasises|highlighted|highlights|recommended|recommends|called for|calls for|"
    "called on|calls on|"
    "complained|complains|conceded|concedes|rejected|rejects|reminded|thanked|thanks|"
    "accepted|accepts|assured|cautioned|advised|believes|believed|thinks|thought|feels|felt|hopes|hoped|"
    "rated|judged|described|raised|questioned|demanded|demands|vowed|vows|reassured|"
    "appealed|appeals|posted|recalled|recalls|agreed|agrees|suggested|suggests|"
    "estimated|expressed|defended|defends|blamed|blames|labelled|branded|dismissed|"
    "echoed|echoes|wants|wanted|expects|maintained|maintains|disputed|denied|denies|"
    "remarked|observed|announced|mentioned|reiterated|went on|paid tribute"
)
_VERB = rf"(?:{SPEECH_VERBS})"
# Optional adverb or auxiliary between the subject and the verb ("has said", "also told").
_AUX = r"(?:(?:has|have|had|also|later|previously|today|yesterday|then|publicly|repeatedly|"
_AUX += r"has also|had also|would|will|did not|has not|have not)\s+)?"

OPEN_QUOTES = "“\"‘'"
CLOSE_QUOTES = "”\"’'"

# Honorifics and ranks stripped before matching a name against the configured people.
TITLES = re.compile(
    r"\b(?:mr|mrs|ms|miss|mx|dr|prof|professor|sir|dame|lord|lady|baroness|baron|rev|revd|"
    r"cllr|councillor|chief constable|deputy chief constable|assistant chief constable|acc|dcc|"
    r"chief superintendent|ch supt|det supt|superintendent|supt|chief inspector|ch insp|"
    r"detective|det|inspector|insp|sergeant|sgt|constable|pc|dc|ds|di|dci|dsu|pcso|"
    r"commander|commissioner|deputy|assistant|temporary|acting|mp|the rt hon|rt hon|hon)\b\.?",
    re.IGNORECASE,
)

# Role words: first match wins, so the more specific phrases come first.
_ROLE_TABLE: list[tuple[str, str]] = [
    # The Met's Commissioner heads a force; "police and crime commissioner" is the PCC.
    (
        "force",
        r"\b(?:met(?:ropolitan police)? commissioner|commissioner of the metropolitan|"
        r"police federation|federation chair|federation rep)",
    ),
    (
        "pcc",
        r"\b(?:police,? fire and crime commissioner|police and crime commissioner|"
        r"pcc|pfcc|opcc|crime commissioner|commissioner's office|commissioner)",
    ),
    (
        "inspectorate",
        r"\b(?:hmicfrs|hmic|his majesty's inspectorate|hm inspectorate|"
        r"inspectorate|inspector of constabulary|inspectors of constabulary|"
        r"iopc|independent office for police conduct|ipcc|watchdog|ombudsman|"
        r"inspectors|the report|the inspection|college of policing|"
        r"hm inspector|chief inspector of constabulary)",
    ),
    (
        "government",
        r"\b(?:mp|mps|member of parliament|minister|home secretary|home office|"
        r"secretary of state|shadow|government|councillor|councillors|cllr|council|"
        r"mayor|prime minister|treasury|ministry|panel|downing street|"
        r"labour|conservative|tory|lib dem|"
        r"liberal democrat|parliament|committee|peer|lords)\b",
    ),
    (
        "force",
        r"\b(?:chief constable|deputy chief constable|assistant chief constable|"
        r"superintendent|supt|chief inspector|ch insp|det insp|inspector|insp|sergeant|"
        r"sgt|constable|detective|det|pc|dc|ds|di|dci|dsu|pcso|officer|officers|"
        r"police|constabulary|the force|force's|force spokes\w+|spokes(?:person|man|woman)"
        r"|press office|head of|commander|chief officer|police staff)\b",
    ),
    (
        "public",
        r"\b(?:resident|residents|victim|victims|campaigner|campaigners|campaign|charity|"
        r"mother|mum|father|dad|son|daughter|wife|husband|partner|brother|sister|"
        r"grandmother|grandfather|family|families|relative|neighbour|neighbours|"
        r"friend|witness|shopkeeper|shop owner|business owner|landlord|owner|parent|"
        r"parents|local|locals|community|group|volunteer|student|pupil|teacher|driver|"
        r"cyclist|motorist|passenger|survivor|survivors|solicitor|lawyer|barrister|"
        r"trust|foundation|association|society|union|activist|protester|protesters|"
        r"organiser|founder|member of the public|members of the public|man|woman|"
        r"pensioner|trader|retailer|farmer|chairman|chairwoman|chair|director|"
        r"chief executive|manager|spokesperson for the family|the family|nurse|businessman|"
        r"businesswoman|complainant|commenter|worker|\d+-year-old|teenager|organisers|"
        r"members of)\b",
    ),
]
ROLE_PATTERNS = [(voice, re.compile(rx, re.IGNORECASE)) for voice, rx in _ROLE_TABLE]

# A named police force: "Northmarsh Constabulary", "Vale Police" (ours is in the aliases).
OTHER_FORCE = re.compile(r"\b[A-Z][a-z]+(?:shire)? (?:Constabulary|Police)\b(?! Federation)")
INDEFINITE = re.compile(r"^(?:a|an|one|two|three|some|many|several)\s+\S", re.IGNORECASE)
# Things and officials whose findings the journalist reports in their own voice.
NOT_A_VOICE = re.compile(
    r"\b(?:review|evaluation|report|study|survey|inquiry|investigation|"
    r"audit|analysis|court|inquest|coroner|judge|jury|document|letter|"
    r"leaflet|hearing|tribunal)\b",
    re.IGNORECASE,
)
PRONOUN = re.compile(r"^(?:he|she|they|it|we|i)$", re.IGNORECASE)
# A name: capitalised words (with hyphens or apostrophes), optionally joined by "de", "van" ...
_NAME_WORD = r"[A-Z][a-zA-Z'’\-]+"
NAME = re.compile(rf"{_NAME_WORD}(?:\s+(?:de\s+|van\s+|von\s+|du\s+|le\s+)?{_NAME_WORD})*")
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


@dataclass(frozen=True)
class KnownPerson:
    """A configured person: the canonical name, other spellings and their voice."""

    name: str
    voice: str
    aliases: tuple[str, ...] = ()


@dataclass
class SpeechContext:
    """What the attribution rules remember while walking through one article."""

    last_voice: str | None = None
    last_speaker: str | None = None
    # The person most recently named with a known voice, in speech or narration: "he" / "she".
    last_person: tuple[str, str] | None = None
    # Names seen with a role earlier in the article: surname (lower case) -> (voice, full name).
    introduced: dict[str, tuple[str, str]] = field(default_factory=dict)


def _strip_titles(text: str) -> str:
    return re.sub(r"\s+", " ", TITLES.sub(" ", text)).strip(" ,.;:")


def _norm_name(name: str) -> str:
    return re.sub(r"[\s\-]+", " ", _strip_titles(name).lower()).strip()


def _names_in(text: str) -> list[str]:
    names = []
    for m in NAME.finditer(text):
        words = m.group(0).split()
        while words and words[0] in _NOT_NAMES:
            words = words[1:]
        if words:
            names.append(" ".join(words))
    return names


class VoiceResolver:
    """Turns a speaker phrase ("Chief Constable Paul Sanford", "a resident") into a voice.

    Args:
        people: configured people (`pcm.config.Person` or `KnownPerson`): name, role, aliases.
        force_aliases: names of the force ("Norfolk Constabulary", "Norfolk Police").
    """

    def __init__(self, people: Iterable, force_aliases: Iterable[str]):
        self.people = [
            KnownPerson(
                p.name,
                getattr(p, "role", None) or getattr(p, "voice", "public"),
                tuple(getattr(p, "aliases", ()) or ()),
            )
            for p in people
        ]
        self.force_aliases = [a for a in force_aliases if a]
        self._alias_rx = (
            re.compile(
                "|".join(re.escape(a) for a in sorted(self.force_aliases, key=len, reverse=True)),
                re.IGNORECASE,
            )
            if self.force_aliases
            else None
        )
        self._full: list[tuple[str, KnownPerson]] = []
        self._surnames: list[tuple[str, KnownPerson]] = []
        for person in self.people:
            for spelling in (person.name, *person.aliases):
                clean = _norm_name(spelling)
                if not clean:
                    continue
                self._full.append((clean, person))
                words = clean.split()
                self._surnames.append((words[-1], person))
                if len(words) > 2:  # "Orpen Smellie" for "Giles Orpen-Smellie"
                    self._full.append((" ".join(words[1:]), person))

    def match_person(self, name: str) -> KnownPerson | None:
        """The configured person a name in the text refers to, tolerating misspellings.

        Args:
            name: a name as printed ("Paul Sandford", "Mr Sanford", "Orpen Smellie").

        Returns:
            The best matching `KnownPerson`, or None when nobody is close enough.
        """
        clean = _norm_name(name)
        if not clean:
            return None
        best, best_score = None, 0.0
        if " " in clean:
            for spelling, person in self._full:
                score = fuzz.ratio(clean, spelling)
                if score > best_score:
                    best, best_score = person, score
            if best_score >= FULL_NAME_MIN_RATIO:
                return best
            clean = clean.split()[-1]
            best, best_score = None, 0.0
        for surname, person in self._surnames:
            score = fuzz.ratio(clean, surname)
            if score > best_score:
                best, best_score = person, score
        return best if best_score >= SURNAME_MIN_RATIO else None

    def role_voice(self, phrase: str) -> str | None:
        """The voice that role words in a phrase point to ("a resident" -> public), or None."""
        other = OTHER_FORCE.search(phrase)
        if other and self.force_aliases and not (self._alias_rx and self._alias_rx.search(phrase)):
            return None  # another force ("Northmarsh Constabulary") is not our force's voice
        if self._alias_rx and self._alias_rx.search(phrase):
            # "a spokesperson for Norfolk Police", but not "criticised Norfolk Police".
            for voice, rx in ROLE_PATTERNS[:4]:
                hit = rx.search(phrase)
                if hit and not self._alias_rx.search(hit.group(0)):
                    alias = self._alias_rx.search(phrase)
                    if hit.start() < alias.start():
                        return voice
            return "force"
        for voice, rx in ROLE_PATTERNS:
            if rx.search(phrase):
                return voice
        return None

    def first_role(self, text: str) -> str | None:
        """The voice of the earliest person or role named in a text, or None."""
        best: tuple[int, str] | None = None
        for name in _names_in(text):
            person = self.match_person(name)
            if person:
                pos = text.find(name)
                best = (pos, person.voice) if best is None or pos < best[0] else best
                break
        for voice, rx in ROLE_PATTERNS:
            m = rx.search(text)
            if m and (best is None or m.start() < best[0]):
                best = (m.start(), voice)
        return best[1] if best else None

    def resolve(
        self,
        phrase: str,
        ctx: SpeechContext | None = None,
        strict: bool = False,
        actor: bool = False,
    ) -> tuple[str, str] | None:
        """Resolve a speaker phrase to (voice, speaker name).

        Args:
            phrase: the words naming the speaker, with any appositive ("Jane Smith, a resident").
            ctx: the article's memory (earlier speakers and introduced names), updated in place.
            strict: only a configured person or a role word counts (not any capitalised name).
            actor: the phrase is a sentence's subject rather than a speaker: generic police
                words and private individuals ("a man") do not count, only people and roles
                that speak for an institution or a community.

        Returns:
            (voice, speaker) or None when the phrase names nobody recognisable.
        """
        ctx = ctx or SpeechContext()
        phrase = phrase.strip(" ,.;:\"“”‘’'")
        if not phrase:
            return None
        if PRONOUN.match(phrase):
            if phrase.lower() in ("he", "she", "i") and ctx.last_person:
                return ctx.last_person
            if ctx.last_voice:
                return ctx.last_voice, ctx.last_speaker
            return None
        names = _names_in(phrase)
        for name in names:
            person = self.match_person(name)
            if person:
                self._remember(ctx, person.name, person.voice)
                return person.voice, person.name
        role = self.role_voice(phrase)
        if actor:
            if role == "force" or (role == "public" and not ACTOR_PUBLIC.search(phrase)):
                return None
            if role:
                return role, _speaker_phrase(phrase)
            return None
        for name in names:
            if self._alias_rx and self._alias_rx.fullmatch(name):
                continue
            surname = _strip_titles(name).split()[-1].lower() if _strip_titles(name) else ""
            if role is None and surname in ctx.introduced:
                voice, full = ctx.introduced[surname]
                return voice, full
            if role is None and not strict and _looks_like_person(name):
                role = "public"  # a named private individual with no title or role
            if role:
                speaker = _strip_titles(name) or name
                self._remember(ctx, speaker, role)
                return role, speaker
        if role:
            return role, _speaker_phrase(phrase)
        if not strict and INDEFINITE.match(phrase) and not NOT_A_VOICE.search(phrase):
            return "public", _speaker_phrase(phrase)  # "a nurse from Kingsmere", "one commenter"
        return None

    def note_mentions(self, text: str, ctx: SpeechContext) -> None:
        """Remember people named in narration, so a later "he said" can find them."""
        for name in _names_in(text):
            person = self.match_person(name)
            if person:
                self._remember(ctx, person.name, person.voice)
                continue
            at = text.find(name)
            before = TITLE_AT_END.search(text[max(0, at - 40) : at]) if at > 0 else None
            if before and " " in name:
                voice = self.role_voice(before.group(0) + name)
                if voice:
                    self._remember(ctx, _strip_titles(name), voice)

    @staticmethod
    def _remember(ctx: SpeechContext, name: str, voice: str) -> None:
        parts = name.split()
        if parts:
            ctx.introduced[parts[-1].lower()] = (voice, name)
            ctx.last_person = (voice, name)


# Public roles that make a sentence's subject a voice even without a speech verb.
ACTOR_PUBLIC = re.compile(
    r"\b(?:residents|campaigners?|campaign group|charity|families|parents|neighbours|"
    r"petition|protesters|survivors|victims' groups?|neighbourhood watch|traders|businesses)\b",
    re.IGNORECASE,
)
_THING_WORDS = re.compile(
    r"\b(?:Act|Survey|Statistics|Office|Figures|Data|Report|Information|Council|Police|"
    r"Constabulary|Service|Street|Road|Centre|Court|Hall|Park|Station|Hospital|Week|Day|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|"
    r"May|June|July|August|September|October|November|December|Christmas|Facebook|Twitter)\b"
)


def _looks_like_person(name: str) -> bool:
    """Two to four capitalised words that are not an organisation, place type or date."""
    words = name.split()
    return 2 <= len(words) <= 4 and not _THING_WORDS.search(name) and not _is_org_word(name)


def _is_org_word(name: str) -> bool:
    return bool(
        re.search(
            r"\b(?:Council|Office|Police|Constabulary|Service|Trust|Group|"
            r"Committee|Government|Department|Ministry|Agency|Party)\b",
            name,
        )
    )


def _speaker_phrase(phrase: str) -> str:
    """A short speaker label from a role phrase: "A spokesperson for Norfolk Police said" ->."""
    words = phrase.split()
    return " ".join(words[:8])


# --- Attribution ------------------------------------------------------------------------------

_CLOSE = r"[”\"’']"
_OPEN = r"[“\"‘']"
# Speaker phrase: up to ~12 words that contain no sentence punctuation or quote marks.
_SP = r"(?P<sp>[^“”\"‘’.!?;:]{1,120}?)"
# "…,” Supt Smith said" / "…,” he added" / "…,” Jane Smith, a resident, told the BBC"
_CLOSE_PUNCT = r"(?:[,!?.…—–-]\s*[”\"’']\s*,?|[”\"’']\s*,)"
AFTER_QUOTE_SUBJ = re.compile(rf"{_CLOSE_PUNCT}\s*{_SP}\s+{_AUX}(?P<v>{_VERB})\b", re.IGNORECASE)
# "…,” said Supt Smith." / "…,” added the force's spokesperson"
AFTER_QUOTE_VERB = re.compile(
    rf"{_CLOSE_PUNCT}\s*(?P<v>{_VERB})\s+(?P<sp>[^“”\"‘’!?;:]{{1,140}}?)(?:[.!?]|,\s|$)",
    re.IGNORECASE,
)
# "Supt Smith said: “…" / "The force said in a statement: "
BEFORE_QUOTE = re.compile(
    rf"(?:^|[.!?]\s+|,\s+)(?P<sp>[^“”\"‘’.!?;:]{{1,140}}?)\s+{_AUX}(?P<v>{_VERB})\b[^“”\"‘’]{{0,60}}?"
    rf"[:,]?\s*{_OPEN}",
    re.IGNORECASE,
)
# "According to the watchdog, …" / "…, according to Supt Smith."
ACCORDING = re.compile(r"\baccording to\s+(?P<sp>[^,.;:!?“”\"]{2,120})", re.IGNORECASE)
# "In a statement, the force said …" / "Police said a man had been arrested."
REPORTED = re.compile(
    rf"^(?:(?:in a statement|in a report|in a letter|in response|responding|speaking [^,]+|"
    rf"on \w+|today|yesterday|meanwhile|however|but|and|last \w+|earlier|later|separately|"
    rf"in its report|in their report|in his report|in her report)[^,]{{0,40}},\s*)?"
    rf"(?P<sp>[^“”\"‘’.!?;:]{{2,140}}?)\s+{_AUX}(?P<v>{_VERB})\b",
    re.IGNORECASE,
)
# "…, a force spokesperson said." / "…, the report found." / "…, her office said on Friday."
TRAILING_SUBJ = re.compile(
    rf",\s*(?P<sp>[^,“”\"]{{2,90}}?)\s+{_AUX}(?P<v>{_VERB})\b(?:\s+(?:in|on|at|to|after|"
    rf"when|last|this|yesterday|today|on)\b[^,]{{0,50}})?\s*(?:[.!?]?\s*$|,\s)",
    re.IGNORECASE,
)
# "…, said burglary victim Jodie Parrish, whose home was ransacked." (no quote marks)
TRAILING_VERB = re.compile(
    rf",\s*(?P<v>{_VERB})\s+(?P<sp>[^,“”\"]{{2,90}}?)(?:,|[.!?]?\s*$)", re.IGNORECASE
)
# A sentence whose subject acts: "The commissioner will chair ...", "Inspectors examined ...".
ACTOR = re.compile(
    r"^(?P<sp>(?:[\w'ʼ’\-£]+\s+){0,6}?[\w'ʼ’\-]+(?:,\s[^,]{2,60},)?)\s+"
    r"(?=(?:has|have|had|will|would|can|could|is|are|was|were|did|does|do|should|must|may|"
    r"might|also|today|yesterday|\w+ed|\w+es|\w+s)\b)",
    re.IGNORECASE,
)
# "… was heckled", "… has been named": the subject is acted upon, not acting.
PASSIVE_AFTER = re.compile(
    r"\s*(?:(?:was|were|is|are|has been|have been|had been|is being|was being|will be|"
    r"could be|would be)\s+(?:\w+ly\s+)?\w+(?:ed|en|wn|ld|ht|nt|ung)\b|(?:has|have|had) been\b)",
    re.IGNORECASE,
)
REPORTED_LEAD = re.compile(
    r"^(?:(?:in a statement|in a report|in a letter|in response|responding|speaking [^,]+|"
    r"on \w+|today|yesterday|meanwhile|however|but|and|last \w+|earlier|later|separately|"
    r"in its report|in their report|in his report|in her report)[^,]{0,40},\s*)",
    re.IGNORECASE,
)
REPORTED_VERB = re.compile(rf"\s+{_AUX}(?P<v>{_VERB})\b", re.IGNORECASE)
# A verb inside a would-be subject means the speech verb belongs to a later clause.
SUBJECT_HAS_VERB = re.compile(
    r"\b(?:was|were|is|are|has|have|had|will|what|in what|when|"
    r"if|because|after|before)\b",
    re.IGNORECASE,
)
DATA_WORDS = re.compile(
    r"\b(?:figures|data|statistics|survey|research|analysis|records|"
    r"numbers|study|poll)\b",
    re.IGNORECASE,
)
PERCENT = re.compile(r"\b(?:per cent|percent)\b|%")
BARE_SPOKESPERSON = re.compile(
    r"^(?:a|the|one|another)\s+spokes(?:person|man|woman)$", re.IGNORECASE
)
# "The force was graded inadequate …": the judgement is the inspectorate's.
INSPECTED = re.compile(
    r"\b(?:was|were|is|are|has been|have been)\s+(?:graded|rated|judged|"
    r"assessed as)\b",
    re.IGNORECASE,
)
QUOTE_SPAN = re.compile(
    r"“[^”]{3,}”?|\"[^\"]{3,}\"?|(?:^|(?<=[\s(]))‘[^’]{3,}’|(?:^|(?<=[\s(]))'[^']{3,}'"
)
# An apostrophe inside a word ("We’re", "force’s") is not a quote mark: the rules see it as ʼ.
APOSTROPHE = re.compile(r"(?<=\w)[’'](?=\w)|(?<=s)[’'](?=\s+[a-z])")
# "The force was rated inadequate", "A man was found": passive, nobody is speaking.
PASSIVE = re.compile(
    r"\b(?:was|were|is|are|be|been|being|has been|had been|who|which|that)\s*$", re.IGNORECASE
)
QUOTE_THEN_VERB = re.compile(r"[”\"’']\s*,?\s*(?:" + SPEECH_VERBS + r")\b", re.IGNORECASE)
STARTS_WITH_QUOTE = re.compile(r"^\s*[“\"‘']")


@dataclass
class Attribution:
    """The outcome of the speech rules for one passage."""

    voice: str | None
    speaker: str | None
    quoted: bool  # the passage contains a direct quote
    explicit: bool  # the speaker was named in the passage itself (not carried over)


def has_quote(text: str) -> bool:
    """True when the passage holds a direct quotation (or the start or end of one)."""
    return (
        bool(QUOTE_SPAN.search(text))
        or bool(STARTS_WITH_QUOTE.match(text))
        or bool(QUOTE_THEN_VERB.search(text) and any(c in text for c in '”"'))
    )


def _trim_subject(sp: str) -> str:
    """The speaker part of a subject: drop leading clauses ("and", "but", "yesterday, ")."""
    sp = sp.strip()
    # Keep only the last clause before the verb unless it is an appositive ("X, a resident,").
    parts = [p.strip() for p in sp.split(",") if p.strip()]
    if len(parts) >= 2 and not re.match(r"^(?:a|an|the|who|whose|which)\b", parts[-1], re.I):
        sp = parts[-1]
    elif len(parts) >= 2:
        sp = ", ".join(parts[-2:])
    sp = re.sub(r"^(?:and|but|so|then|while|as|which|who)\s+", "", sp, flags=re.IGNORECASE)
    return sp


def attribute(text: str, resolver: VoiceResolver, ctx: SpeechContext) -> Attribution:
    """Apply the speech rules to one passage.

    The rules, in order: a sentence that opens with a speaker and a speech verb ("Police
    said ..."); a direct quote with its attribution before or after it; "according to X"; a
    trailing attribution (", a force spokesperson said."); a quote with no attribution continues
    the last speaker; a sentence whose subject is a configured person or a role ("The
    commissioner will launch ...", "Residents have started a petition") is that voice.
    Everything else is narration (voice None, shown as `media`).

    Args:
        text: the passage.
        resolver: the article's `VoiceResolver`.
        ctx: the article's memory (last speaker, introduced names), updated in place.

    Returns:
        An `Attribution`; `voice` is None when nobody is speaking (narration).
    """
    text = APOSTROPHE.sub("ʼ", text)
    quoted = has_quote(text)
    outside = _outside_quotes(text).strip()
    candidates: list[tuple[str, bool]] = []  # (speaker phrase, strict: needs a person or role)
    late: list[tuple[str, bool]] = []  # subjects with a leading clause: tried after the rest
    for sp in _reported_subjects(outside):
        trimmed = _trim_subject(sp)
        dropped = trimmed.split()[:1] != sp.split()[:1]
        (late if dropped else candidates).append((trimmed, False))
    if quoted:
        for rx in (AFTER_QUOTE_VERB, AFTER_QUOTE_SUBJ, BEFORE_QUOTE):
            for m in rx.finditer(text):
                sp = m.group("sp")
                if rx is not AFTER_QUOTE_VERB:
                    sp = _trim_subject(sp)
                candidates.append((sp, False))
    for m in ACCORDING.finditer(text):
        sp = m.group("sp")
        if DATA_WORDS.search(sp):
            # "according to force data" is the force; "according to Home Office figures" and
            # "the latest Crime Survey" are sources the journalist cites, not voices.
            if resolver.role_voice(sp) == "force":
                candidates.append((sp, True))
            continue
        candidates.append((sp, True))
    for rx in (TRAILING_SUBJ, TRAILING_VERB):
        m = rx.search(outside)
        if m:
            candidates.append((_trim_subject(m.group("sp")), False))
    candidates += late
    for sp, strict in candidates:
        if len(sp.split()) > 16 or PASSIVE.search(sp) or PERCENT.search(sp):
            continue
        if BARE_SPOKESPERSON.match(sp.strip()):
            # "…, a spokesperson said": the organisation is the sentence's subject.
            voice = resolver.first_role(outside[: max(0, outside.find(sp))])
            found = (voice, sp.strip()) if voice else resolver.resolve(sp, ctx, strict=strict)
        else:
            found = resolver.resolve(sp, ctx, strict=strict)
        if found:
            return _found(found, quoted, ctx)
    if quoted and ctx.last_voice:
        # A quote with no attribution of its own continues the last named speaker.
        return Attribution(ctx.last_voice, ctx.last_speaker, True, False)
    if INSPECTED.search(outside):
        return _found(("inspectorate", None), quoted, ctx)
    m = ACTOR.match(outside)
    if m and not PASSIVE_AFTER.match(outside[m.end("sp") :]):
        found = resolver.resolve(m.group("sp"), ctx, strict=True, actor=True)
        if found:
            return _found(found, quoted, ctx)
    resolver.note_mentions(outside, ctx)
    return Attribution(None, None, quoted, False)


def _reported_subjects(outside: str) -> list[str]:
    """Subjects of a speech verb at the start of a sentence ("In a statement, the force")."""
    lead = REPORTED_LEAD.match(outside)
    body = outside[lead.end() :] if lead else outside
    out = []
    for m in REPORTED_VERB.finditer(body):
        sp = body[: m.start()]
        if not sp.strip() or len(sp.split()) > 12 or re.search(r"[.!?;:“”\"]", sp):
            break
        core = re.sub(r"\b(?:who|whose|which|that)\b.*", "", _appositive_free(_trim_subject(sp)))
        if SUBJECT_HAS_VERB.search(core):
            continue
        out.append(sp)
        break
    return out


def _appositive_free(sp: str) -> str:
    return re.sub(r",[^,]*,", " ", sp)


def _found(found: tuple[str, str], quoted: bool, ctx: SpeechContext) -> Attribution:
    voice, speaker = found
    speaker = speaker.replace("ʼ", "’") if speaker else speaker
    ctx.last_voice, ctx.last_speaker = voice, speaker
    return Attribution(voice, speaker, quoted, True)


def _outside_quotes(text: str) -> str:
    return QUOTE_SPAN.sub(" ", text)
