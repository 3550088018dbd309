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
    "remarked|observed|announced|mentioned|reiterated|went on|paid tribute|attributes|attributed|"
    "credits|credited|blame"
)
# Verbs that are speech only in some constructions: "a man accused of", "admitted causing",
# "a woman found dead", "a man wanted on recall" are court and crime narration, not speech;
# "called" is speech only before a quote or "it" ("a gap she called “shameful”").
_CONDITIONAL_VERBS = (
    r"(?:accused|accuses|admitted|admits|denied|denies)(?!\s+(?:of|to|\w+ing|the (?:manslaughter|"
    r"murder|offence|charge|theft|assault|attack|killing)|charges?|offences?|murder|manslaughter|"
    r"theft|assault|possession|a charge|two|three|four|five|six|\d+)\b)|"
    r"found(?!\s+(?:dead|guilty|not guilty|unconscious|injured|safe|alive|hanged|collapsed|lying|"
    r"on|in|at|near|outside|with|by)\b)|"
    r"(?:wanted|wants)(?!\s+(?:on|for|in|by|over)\b)|"
    r"called(?=\s*[“\"‘']|\s+(?:it|this|that|them)\b)|"
    r"raised(?!\s+(?:£|\$|\d|money|funds|cash|thousands|hundreds|awareness)\b)"
)
_CONDITIONAL_WORDS = {
    "accused",
    "accuses",
    "admitted",
    "admits",
    "denied",
    "denies",
    "found",
    "wanted",
    "wants",
    "raised",
}
_PLAIN_VERBS = "|".join(v for v in SPEECH_VERBS.split("|") if v not in _CONDITIONAL_WORDS)
_VERB = rf"(?:{_CONDITIONAL_VERBS}|{_PLAIN_VERBS})"
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
    # Commissioners who are watchdogs, not the force's PCC.
    (
        "inspectorate",
        r"\b(?:(?:iopc|ipcc|independent police complaints commission)\s+(?:deputy\s+|regional\s+)?"
        r"commissioner|commissioner for children(?: and young people)?|children(?:'s|’s|ʼs)? "
        r"commissioner|victims(?:'|’|ʼ)? commissioner|information commissioner)",
    ),
    (
        "pcc",
        r"\b(?:police,? fire and crime commissioner|police and crime commissioner|"
        r"pcc|pfcc|opcc|crime commissioner|commissioner's office|commissioner|"
        r"scottish police authority|police authority|spa board|association of police and "
        r"crime commissioners|apcc)",
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
        r"\b(?:mp|mps|msp|msps|mla|mlas|ms|member of parliament|minister|home secretary|"
        r"home office|policing board member|member of the policing board|assembly member|"
        r"sdlp|dup|sinn f[eé]in|snp|plaid cymru|uup|alliance party|first minister|"
        r"justice secretary|cabinet secretary|"
        r"secretary of state|shadow|government|councillor|councillors|cllr|council|"
        r"mayor|prime minister|treasury|ministry|department for|department of|panel|downing street|"
        r"labour|conservative|tory|lib dem|"
        r"liberal democrat|parliament|committee|peer|lords)\b",
    ),
    # A former or retired officer speaks for themselves, not for the force.
    (
        "public",
        r"\b(?:former|retired|ex-)\s+(?:[a-z]+\s+)?(?:police officer|officer|special constable|"
        r"constable|detective|pc|sergeant|special)\b",
    ),
    (
        "force",
        r"\b(?:chief constable|deputy chief constable|assistant chief constable|"
        r"superintendent|supt|chief inspector|ch insp|det insp|inspector|insp|sergeant|"
        r"sgt|constable|detective|det|pc|dc|ds|di|dci|dsu|pcso|officer|officers|"
        r"police|constabulary|the force|force's|force spokes\w+|spokes(?:person|man|woman)"
        r"|press office|head of (?:crime|operations|investigations|policing|professional|"
        r"neighbourhood|uniform|contact|custody|intelligence|public protection|roads)|"
        r"commander|chief officer|police staff|professional standards|"
        r"policing unit|policing team|crime team|crime unit|neighbourhood team|response team)\b",
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
        r"members of|reader|readers|churchwarden|vicar|headteacher|head teacher|publican|caller|"
        r"commuter|customer|shopper|tenant|homeowner|householder|patient|owners|traders|groups|"
        r"shopkeepers|farmers|pensioners|students|workers|witnesses|friends|relatives|"
        r"volunteers|teachers|landlords|cyclists|motorists|passengers|drivers)\b",
    ),
]
ROLE_PATTERNS = [(voice, re.compile(rx, re.IGNORECASE)) for voice, rx in _ROLE_TABLE]
# The leading entries name institutions (the Met, watchdog commissioners, the PCC, the
# inspectorate, politicians): the ones that can speak "for" a force named beside them.
_INSTITUTIONS = 5

# A named police force: "Northmarsh Constabulary", "Vale Police" (ours is in the aliases).
OTHER_FORCE = re.compile(
    r"\b[A-Z][a-z]+(?:shire)? (?:Constabulary|Police)\b(?! Federation| Association| Staff| Network)"
)
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
        phrase = phrase.replace("ʼ", "'")  # "the forceʼs" (see APOSTROPHE) is "the force's"
        other = OTHER_FORCE.search(phrase)
        if other and self.force_aliases and not (self._alias_rx and self._alias_rx.search(phrase)):
            return None  # another force ("Northmarsh Constabulary") is not our force's voice
        if self._alias_rx and self._alias_rx.search(phrase):
            # "a spokesperson for Norfolk Police", but not "criticised Norfolk Police".
            for voice, rx in ROLE_PATTERNS[:_INSTITUTIONS]:
                hit = rx.search(phrase)
                if hit and not self._alias_rx.search(hit.group(0)):
                    alias = self._alias_rx.search(phrase)
                    # "a spokesperson for Norfolk Police" (the role comes first) or
                    # "Norfolk Police and Crime Commissioner" (the role runs on from the name)
                    if hit.start() < alias.start() or hit.start() <= alias.end() + 1:
                        return voice
            return "force"
        for voice, rx in ROLE_PATTERNS:
            if rx.search(phrase):
                return voice
        return None

    def first_role(self, text: str) -> str | None:
        """The voice of the earliest person or role named in a text, or None."""
        text = text.replace("ʼ", "'")
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
        for name in _person_names(names, phrase):
            if self._alias_rx and self._alias_rx.fullmatch(name):
                continue
            surname = name.split()[-1].lower()
            if role is None and surname in ctx.introduced:
                voice, full = ctx.introduced[surname]
                return voice, full
            if role is None and not strict and _looks_like_person(name):
                role = "public"  # a named private individual with no title or role
            if role:
                words = name.split()
                while len(words) > 2 and self.role_voice(words[0]):
                    words = words[1:]  # "Pensioner Edith Marlow" -> "Edith Marlow"
                speaker = " ".join(words)
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

    def note_others(self, text: str, ctx: SpeechContext) -> None:
        """Remember people introduced with a role anywhere in a passage, speaker or not
        ("... asked Police and Crime Commissioner Sir Graham Bright ..."), so that a later
        "Sir Graham said" finds them. Names already known and the last speaker are kept."""
        text = text.replace("ʼ", "'")
        for name in _names_in(text):
            at = text.find(name)
            for person in _person_names([name], text):
                surname = person.split()[-1].lower()
                if len(person.split()) < 2 or surname in ctx.introduced:
                    continue
                window = " ".join(text[max(0, at - 80) : at].split()[-6:]) + " " + name
                voice = self.role_voice(window)
                if voice:
                    ctx.introduced[surname] = (voice, person)
                    first = person.split()[0]
                    if re.search(rf"\b(?:Sir|Dame)\s+{re.escape(first)}\b", text):
                        # "Sir Graham Bright" is "Sir Graham" later on
                        ctx.introduced.setdefault(person.split()[0].lower(), (voice, person))

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


def _person_names(names: list[str], phrase: str) -> list[str]:
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
        words = (_strip_titles(name) or "").split()
        while words and _LEADING_NOT_PERSON.match(words[0]):
            words = words[1:]
        if not words or _NOT_PERSON_WORD.match(words[-1]):
            continue
        if len(words) == 1 and not titled:
            continue
        out.append(" ".join(words))
    return out


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
# The verb may take a listener: "…, Supt Smith told the police and crime panel." /
# "…, Insp Jones reminded residents." / "…, her sister told the paper on Friday."
_LISTENER = (
    r"(?:the|a|an|its|his|her|their|this|reporters|residents|journalists|councillors|MPs|"
    r"members|parents|drivers|motorists|shoppers|people|us|me|him|them)"
)
TRAILING_SUBJ = re.compile(
    rf",\s*(?P<sp>[^,“”\"]{{2,90}}?)\s+{_AUX}(?:(?:told|tells|reminded|reminds|assured|reassured|"
    rf"warned|urged|briefed)\s+{_LISTENER}\b[^,]{{0,50}}|(?P<v>{_VERB})\b(?:\s+(?:in|on|at|to|"
    rf"after|when|last|this|yesterday|today|on)\b[^,]{{0,50}})?)\s*(?:[.!?]?\s*$|,\s)",
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
    r"might|also|today|yesterday|[a-z]+ed|[a-z]+es|[a-z]+s)\b)",
    re.IGNORECASE,
)
# "… was heckled", "… has been named": the subject is acted upon, not acting.
PASSIVE_AFTER = re.compile(
    r"\s*(?:(?:was|were|is|are|has been|have been|had been|is being|was being|are being|"
    r"were being|will be|"
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
    r"\b(?:was|were|is|are|has been|have been)\s+(?:graded|rated|judged|assessed)\s+"
    r"(?:as\s+|to\s+)?(?:outstanding|good|adequate|inadequate|requires? improvement|"
    r"requiring improvement)\b",
    re.IGNORECASE,
)
QUOTE_SPAN = re.compile(
    r"“[^”]{3,}”?|\"[^\"]{3,}\"?|(?:^|(?<=[\s(]))‘[^’]{3,}’|(?:^|(?<=[\s(]))'[^']{3,}'"
)
# An apostrophe inside a word ("We’re", "force’s") is not a quote mark: the rules see it as ʼ.
APOSTROPHE = re.compile(r"(?<=\w)[’'](?=\w)|(?<=s)[’'](?=\s+[a-z])")
# "The force was rated inadequate", "A man was found": passive, nobody is speaking.
PASSIVE = re.compile(
    r"\b(?:was|were|is|are|be|been|being|has been|had been|who|which|that|to)\s*$", re.IGNORECASE
)
# "…, and the force said there was …": reported speech after a conjunction mid-sentence.
CONJ_REPORTED = re.compile(
    rf"(?:^|,\s*|\s)(?:and|but|while|although|though|whereas)\s+(?P<sp>(?:[\w'ʼ’\-]+\s+){{0,5}}?"
    rf"[\w'ʼ’\-]+)\s+{_AUX}(?P<v>{_VERB})\b",
    re.IGNORECASE,
)
CONJ_CLAUSE = re.compile(r",\s*(?:and|but|while|although|though|whereas)\s+[^,]*$", re.IGNORECASE)
# "…, which Supt Smith said showed …" / "…, which the force says shows …".
WHICH_REPORTED = re.compile(
    rf"\bwhich\s+(?P<sp>(?:[\w'ʼ’\-]+\s+){{0,5}}?[\w'ʼ’\-]+)\s+{_AUX}(?P<v>{_VERB})\b",
    re.IGNORECASE,
)
# "…, referred to the IOPC by the force, which said it was cooperating": the antecedent speaks.
ANTECEDENT_REPORTED = re.compile(
    rf"(?P<sp>\b(?:the|its|his|her)\s+[\w'ʼ’\-]+(?:\s+(?!(?:by|to|of|from|for|with|the|a|an|"
    rf"and)\b)[\w'ʼ’\-]+){{0,3}}),\s+(?:which|who)\s+"
    rf"{_AUX}(?P<v>{_VERB})\b",
    re.IGNORECASE,
)
# "…, his office said." / "…, the commissionerʼs office said.": the office of an official.
OFFICE = re.compile(r"^(?:his|her|their|the commissioner[ʼ’']s)\s+office$", re.IGNORECASE)
# A speaker phrase after the verb ends where a time or place clause begins:
# "said one parent after a police drop-in", "said a resident at the commissionerʼs roadshow".
SPEAKER_TAIL = re.compile(
    r"\s+(?:after|before|about|during|when|while|following|at|on|as|in response)\b.*$",
    re.IGNORECASE | re.DOTALL,
)
# Courts, judges, juries, tribunals, coroners and misconduct panels: reported as narration.
COURT = re.compile(
    r"\b(?:court|courts|judge|judges|recorder|magistrates?|jury|jurors|tribunal|coroner|inquest|"
    r"misconduct panel|misconduct hearing|disciplinary panel|disciplinary hearing|sheriff)\b",
    re.IGNORECASE,
)
# A document or study as the subject ("A survey for the commissioner found", "a post-mortem
# examination found", "a report to the police and crime panel"): the journalist's source.
THING_SUBJECT = re.compile(
    r"^(?:(?:a|an|one|another)\s+(?:[\w\-]+\s+){0,3}?(?:survey|poll|study|review|report|paper|"
    r"examination|audit|analysis|evaluation|consultation|investigation|inquiry|chart|document)|"
    r"the\s+(?:[\w\-'’]+\s+){0,3}?(?:survey|poll|study|code|act|guidance|policy|law|rules|"
    r"legislation|chart))\b",
    re.IGNORECASE,
)
# A document cited with "according to": the force's own report is still the journalist's source.
DOCUMENT = re.compile(
    r"\b(?:report|survey|review|poll|study|chart|document|plan|paper|minutes)\b", re.IGNORECASE
)
# "Four in ten residents who …", "Fewer than half of the women …": a statistic, not a voice.
QUANTITY = re.compile(
    r"^(?:(?:fewer|more|less) than\b|(?:almost|nearly|over|under|about|around|just)\s+"
    r"(?:half|a third|a quarter|\w+ in \w+)\b|(?:half|a third|a quarter|most|none|\w+ per cent)"
    r"\s+of\b|\w+ in (?:ten|five|four|three|\d+)\b|\d[\d,.]*\s+of\b)",
    re.IGNORECASE,
)
# "figures published by the IOPC", "figures from its professional standards department".
_SOURCE_OWNER = re.compile(r"\b(?:published by|produced by|from|by)\s+(?P<owner>.+)$", re.I)
# Who may own the figures or the document a passage cites: the force, its commissioner and the
# inspectorate speak through their own figures; Home Office figures are the journalist's source.
_SOURCE_VOICES = ("force", "pcc", "inspectorate")
# "Fewer than half of the residents surveyed by the commissionerʼs office said …".
SURVEYED_BY = re.compile(
    r"\b(?:surveyed|questioned|polled|interviewed)\s+(?:for|by)\s+(?P<owner>.+)$"
)
# Institutions that are narration when they act without speaking: "The police and crime panel
# will meet …", "Eastmere County Council has approved plans …".
ACTOR_NOT_A_VOICE = re.compile(
    r"\b(?:panel|council|committee|parliament|lords|commons)\b", re.IGNORECASE
)
# "Residents of Thornby can now report …": people described by where they live are who the
# news is about, not a group acting.
ACTOR_POPULATION = re.compile(r"^(?:the\s+)?[\w'ʼ’\-]+\s+of\b", re.IGNORECASE)
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
    # Keep only the last clause before the verb unless it is an appositive ("X, a resident,",
    # "X, long a critic of the force,", "Jane Smith, 81,"): an appositive ends with a comma.
    appositive = sp.endswith(",")
    parts = [p.strip() for p in sp.split(",") if p.strip()]
    if len(parts) >= 2 and NAME.fullmatch(parts[-1]) and TITLES.search(parts[-2]):
        # "Chief Constable of South Wales Police, Matt Jukes": the role names the speaker
        return ", ".join(parts[-2:])
    if (
        len(parts) >= 2
        and not appositive
        and not re.match(r"^(?:a|an|the|who|whose|which|\d{1,3})\b", parts[-1], re.I)
    ):
        sp = parts[-1]
    elif len(parts) >= 2 and not appositive and re.match(r"^which\s+\S", parts[-1], re.I):
        sp = parts[-1][6:]  # "…, which Supt Smith said showed …"
    elif len(parts) >= 2:
        sp = ", ".join(parts[-2:])
    sp = re.sub(r"^(?:and|but|so|then|while|as|which|who)\s+", "", sp, flags=re.IGNORECASE)
    last = sp.split()[-1:] if sp.strip() else []
    if last and PRONOUN.match(last[0]) and len(sp.split()) > 1 and not sp.endswith(","):
        sp = last[0]  # "a figure he called “…”": the pronoun is the speaker
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
        if CONJ_CLAUSE.search(sp) and resolver.role_voice(trimmed) == "public":
            continue  # "…, but parents said …": narration in the corpus (see CONJ_REPORTED)
        if QUANTITY.match(trimmed):
            # "Four in ten residents who answered the survey said": a statistic, unless the
            # survey's owner is named ("… residents surveyed by the commissionerʼs office said").
            owner = SURVEYED_BY.search(trimmed)
            if owner:
                candidates.append((owner.group("owner"), True))
            continue
        core = _subject_core(trimmed)
        if core and core != trimmed.strip(" ,") and not PASSIVE.search(trimmed):
            # "Sgt Jo Obi, who chairs the Black Police Association, said": the head noun
            # phrase decides when it names a person or a role.
            (late if dropped else candidates).append((core, True))
        (late if dropped else candidates).append((trimmed, False))
    if quoted:
        for rx in (AFTER_QUOTE_VERB, AFTER_QUOTE_SUBJ, BEFORE_QUOTE):
            for m in rx.finditer(text):
                sp = m.group("sp")
                # "…,” said one parent after a drop-in": the clause after is not the speaker.
                tidy = SPEAKER_TAIL.sub if rx is AFTER_QUOTE_VERB else None
                sp = tidy("", sp) if tidy else _trim_subject(sp)
                candidates.append((sp, False))
    for m in ACCORDING.finditer(text):
        sp = m.group("sp")
        owner = _SOURCE_OWNER.search(sp)
        if DOCUMENT.search(sp) and owner and re.search(r"\bby\b", owner.group(0)):
            candidates.append((owner.group("owner"), True))  # "a report by a road charity"
            continue
        if (DATA_WORDS.search(sp) or DOCUMENT.search(sp)) and owner:
            # "figures published by the IOPC": the owner, when it is an official source.
            if resolver.role_voice(owner.group("owner")) in _SOURCE_VOICES:
                candidates.append((owner.group("owner"), True))
            continue
        if DOCUMENT.search(sp):
            # "the commissionerʼs annual report" speaks for the commissioner; "the councilʼs
            # community safety report" and "the forceʼs staff survey" are the journalist's source.
            if resolver.role_voice(sp) in ("pcc", "inspectorate"):
                candidates.append((sp, True))
            continue
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
            sp = m.group("sp") if rx is TRAILING_SUBJ else SPEAKER_TAIL.sub("", m.group("sp"))
            sp = _trim_subject(sp)
            if rx is TRAILING_SUBJ and (
                _clause_not_subject(sp) or re.match(r"according to\b", sp, re.I)
            ):
                continue  # "…, and he says no officer has ever apologised."
            candidates.append((sp, False))
    for rx in (WHICH_REPORTED, ANTECEDENT_REPORTED):
        for m in rx.finditer(outside):
            candidates.append((m.group("sp"), True))
    for m in CONJ_REPORTED.finditer(outside):
        # "…, and the inspectorate said …". Residents and families reported this way are
        # narration in the corpus ("…, but parents said their calls were rarely returned").
        sp = m.group("sp")
        if not _clause_not_subject(sp) and resolver.role_voice(sp) != "public":
            candidates.append((sp, True))
    candidates += late
    for sp, strict in candidates:
        if len(sp.split()) > 16 or PASSIVE.search(sp) or PERCENT.search(sp):
            continue
        if COURT.search(sp):
            continue  # "the judge said", "the court was told": narration
        if THING_SUBJECT.match(sp.strip()) and resolver.role_voice(sp) != "inspectorate":
            # "a survey for the commissioner found": narration; "a report by X found": X.
            owner = re.search(r"\bby\s+(?P<owner>.+)$", sp)
            found = resolver.resolve(owner.group("owner"), ctx, strict=True) if owner else None
            if found:
                return _found(found, quoted, ctx)
            continue
        if OFFICE.match(sp.strip()):
            before = outside[: max(0, outside.find(sp))]
            return _found(_office_voice(before, sp.strip(), resolver, ctx), quoted, ctx)
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
    if (
        m
        and not PASSIVE_AFTER.match(outside[m.end("sp") :])
        and (not ACTOR_NOT_A_VOICE.search(m.group("sp")) or ", saying" in outside)
        and not ACTOR_POPULATION.match(m.group("sp"))
    ):
        found = resolver.resolve(m.group("sp"), ctx, strict=True, actor=True)
        if found:
            return _found(found, quoted, ctx)
    resolver.note_mentions(outside, ctx)
    return Attribution(None, None, quoted, False)


RELATIVE_CLAUSE = re.compile(r",?\s+(?:who|whose)\b[^,]*(?:,|$)")


def _reported_subjects(outside: str) -> list[str]:
    """Subjects of a speech verb at the start of a sentence ("In a statement, the force")."""
    lead = REPORTED_LEAD.match(outside)
    body = outside[lead.end() :] if lead else outside
    out = []
    relative = False  # the verb so far was inside "A woman who complained …"
    for m in REPORTED_VERB.finditer(body):
        sp = body[: m.start()]
        limit = 20 if relative else 12
        # "Det Insp Richard Weber, who led the week of action, said": the relative clause
        # does not count towards the subject's length
        length = len(RELATIVE_CLAUSE.sub(" ", sp).split())
        if not sp.strip() or length > limit or re.search(r"[.!?;:“”\"]", sp):
            break
        if re.search(r"\b(?:who|that)\s*$", sp) and len(sp.split()) <= 7:
            relative = True
            continue
        core = re.sub(r"\b(?:who|whose|which|that)\b.*", "", _appositive_free(_trim_subject(sp)))
        if SUBJECT_HAS_VERB.search(core):
            continue
        out.append(sp)
        break
    return out


def _clause_not_subject(sp: str) -> bool:
    """True when a would-be subject holds a verb of its own, so it is a clause, not a speaker."""
    core = _subject_core(sp)
    return bool(SUBJECT_HAS_VERB.search(core) or re.search(rf"\b{_VERB}\b", core, re.I))


def _subject_core(sp: str) -> str:
    """A subject without its appositives and relative clauses ("Jo Obi, 81, who …" -> "Jo Obi")."""
    core = re.sub(r"\b(?:who|whose|which|that)\b.*", "", _appositive_free(sp.strip() + " "))
    return re.sub(r"\s+", " ", core).strip(" ,")


def _office_voice(
    before: str, phrase: str, resolver: VoiceResolver, ctx: SpeechContext
) -> tuple[str, str]:
    """Whose office: "his office said" is the commissioner's unless an MP or minister is named.

    The sentence is searched first (a configured person, then role words: "the commissioner's
    new scheme …, his office said"), then the article's last named commissioner or politician;
    with neither, an office that speaks for itself in a police story is the commissioner's.
    """
    text = before.replace("ʼ", "'")
    for voice in ("pcc", "government"):
        for name in _names_in(before):
            person = resolver.match_person(name)
            if person and person.voice == voice:
                return voice, person.name
        rx = next(rx for v, rx in ROLE_PATTERNS if v == voice)
        if any(not ACTOR_NOT_A_VOICE.fullmatch(m.group(0)) for m in rx.finditer(text)):
            return voice, phrase
    if ctx.last_person and ctx.last_person[0] in ("pcc", "government"):
        return ctx.last_person
    return "pcc", phrase


def _appositive_free(sp: str) -> str:
    return re.sub(r",[^,]*,", " ", sp)


def _found(found: tuple[str, str], quoted: bool, ctx: SpeechContext) -> Attribution:
    voice, speaker = found
    speaker = speaker.replace("ʼ", "’") if speaker else speaker
    ctx.last_voice, ctx.last_speaker = voice, speaker
    return Attribution(voice, speaker, quoted, True)


def _outside_quotes(text: str) -> str:
    return QUOTE_SPAN.sub(" ", text)
