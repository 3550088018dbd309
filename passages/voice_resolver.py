"""From a speaker phrase to a voice: configured people and aliases first, then role words.

`VoiceResolver` holds one article's configuration (the force's people and names);
`SpeechContext` is what the speech rules remember while they walk through the article.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from passages.names import (
    INDEFINITE,
    PRONOUN,
    TITLE_AT_END,
    looks_like_person,
    names_in,
    norm_name,
    person_names,
    strip_titles,
    with_ampersands,
)
from passages.speech_subjects import INSPECTION_REPORT, ORDERED_BY, OWNER_ORDERED
from passages.voice_roles import (
    ACTOR_PUBLIC,
    FEMALE_NOUNS,
    INSTITUTIONS,
    MALE_NOUNS,
    NOT_A_VOICE,
    OTHER_FORCE,
    ROLE_PATTERNS,
)

logger = logging.getLogger(__name__)

# A private person known by first name alone, introduced through their family ("Susan's
# daughter", "Tom's family"), and such a name standing alone as a speaker ("Susan").
FIRST_NAME_FAMILY = re.compile(
    r"(?<![\w'’])(?P<first>[A-Z][a-z]{2,})['’]s\s+(?:daughter|son|husband|wife|partner|mother|"
    r"father|mum|dad|family|sister|brother|child|children|grandson|granddaughter|boyfriend|"
    r"girlfriend)\b"
)
FIRST_NAME = re.compile(r"[A-Z][a-z]{2,}")
# A role held by one person, unnamed ("the chief constable", "a force spokeswoman"): a later
# "he" or "she" is them rather than somebody named further back.
ONE_PERSON_ROLE = re.compile(
    r"^(?:the|a|an|its|our|their|his|her)\s+(?:[\w'’-]+\s+){0,3}?(?:chief constable|"
    r"commissioner|spokes(?:man|woman|person)|superintendent|inspector|sergeant|minister|"
    r"secretary|councillor|mp|chair(?:man|woman)?|director|chief executive|mayor|judge|"
    r"coroner)$",
    re.IGNORECASE,
)

# Minimum rapidfuzz ratio (0-100) for a name in the text to count as a configured person.
# 85 lets "Sandford" match "Sanford" and "Orpen Smellie" match "Orpen-Smellie" but keeps
# "Smith" and "Smyth" apart only when a full name is given (surnames are stricter: 88).
FULL_NAME_MIN_RATIO = 85
SURNAME_MIN_RATIO = 88


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
    # Private people known by first name alone ("Susan's daughter"): name (lower case) -> name.
    first_names: dict[str, str] = field(default_factory=dict)
    # (voice, name) of whoever ordered the document the article reports ("a review ordered by
    # the commissioner"), so that "The report states …" is theirs; None: an inspection's.
    document_owner: tuple[str, str] | None = None


class VoiceResolver:
    """Turns a speaker phrase ("Chief Constable Paul Sanford", "a resident") into a voice.

    Args:
        people: configured people (`core.config.Person` or `KnownPerson`): name, role, aliases.
        force_aliases: names of the force ("Norfolk Constabulary", "Norfolk Police").
    """

    def __init__(self, people: Iterable, force_aliases: Iterable[str]):
        self.people = [
            KnownPerson(
                p.name,
                getattr(p, "role", None) or getattr(p, "voice", None) or "public",
                tuple(getattr(p, "aliases", ()) or ()),
            )
            for p in people
        ]
        self.force_aliases = with_ampersands(a for a in force_aliases if a)
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
                clean = norm_name(spelling)
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
        clean = norm_name(name)
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
        if BARE_FORCE.fullmatch(phrase.strip()):
            return "force"  # a headline's "…, says force"
        other = OTHER_FORCE.search(phrase)
        if other and self.force_aliases and not (self._alias_rx and self._alias_rx.search(phrase)):
            return None  # another force ("Northmarsh Constabulary") is not our force's voice
        if self._alias_rx and self._alias_rx.search(phrase):
            # "a spokesperson for Norfolk Police", but not "criticised Norfolk Police".
            for voice, rx in ROLE_PATTERNS[:INSTITUTIONS]:
                hit = rx.search(phrase)
                if hit and _inside_alias_free(hit, self._alias_rx):
                    # the force's name is a word of a watchdog's or an office's name:
                    # "Independent Office for Police Conduct" where the force is "Police"
                    return voice
                if hit and not self._alias_rx.search(hit.group(0)):
                    alias = self._alias_rx.search(phrase)
                    # "a spokesperson for Norfolk Police" (the role comes first) or
                    # "Norfolk Police and Crime Commissioner" (the role runs on from the name)
                    if alias and (hit.start() < alias.start() or hit.start() <= alias.end() + 1):
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
        for name in map(_without_possessive, names_in(text)):
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
    ) -> tuple[str, str | None] | None:
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
            return _pronoun_speaker(phrase, ctx)
        if FIRST_NAME.fullmatch(phrase) and ctx.first_names.get(phrase.lower()) == phrase:
            return "public", phrase  # "Susan said", introduced by first name alone
        names = names_in(phrase)
        known = self._configured_person(names, ctx)
        if known:
            return known
        role = self.role_voice(phrase)
        if actor:
            acted = self._introduced_actor(names, ctx) or _actor_voice(phrase, role)
            if acted and role:
                self.note_mentions(phrase, ctx)  # "PCC John Campion voiced …", then "He said"
            return acted
        named = self._named_speaker(names, phrase, role, ctx, strict)
        if named:
            return named
        if role:
            said = speaker_phrase(phrase)
            if ONE_PERSON_ROLE.match(phrase):
                ctx.last_person = (role, said)  # "The chief constable said …" then "He said"
            return role, said
        if not strict and INDEFINITE.match(phrase) and not NOT_A_VOICE.search(phrase):
            return "public", speaker_phrase(phrase)  # "a nurse from Kingsmere", "one commenter"
        return None

    @staticmethod
    def _introduced_actor(names: list[str], ctx: SpeechContext) -> tuple[str, str] | None:
        """A subject named earlier with a role that speaks for an institution ("Now Sir Graham
        is asking residents …" after "Police and Crime Commissioner Sir Graham Bright")."""
        for name in names:
            words = strip_titles(name).lower().split()
            found = ctx.introduced.get(words[-1]) if words else None
            if found and found[0] not in ("force", "public"):
                ctx.last_person = found
                return found
        return None

    def _configured_person(self, names: list[str], ctx: SpeechContext) -> tuple[str, str] | None:
        """The first name in a phrase that is a configured person, remembered for "he said"."""
        for name in names:
            person = self.match_person(name)
            if person:
                self._remember(ctx, person.name, person.voice)
                return person.voice, person.name
        return None

    def _named_speaker(
        self, names: list[str], phrase: str, role: str | None, ctx: SpeechContext, strict: bool
    ) -> tuple[str, str] | None:
        """A person named in the phrase: with the phrase's role, introduced earlier in the
        article ("Sir Graham said"), or, when not strict, a private individual by name alone."""
        for name in person_names(names, phrase):
            if self._alias_rx and self._alias_rx.fullmatch(name):
                continue
            surname = name.split()[-1].lower()
            if role is None and surname in ctx.introduced:
                voice, full = ctx.introduced[surname]
                ctx.last_person = (voice, full)  # "Sir Graham said …" then "He said: …"
                return voice, full
            found: str | None = role
            if found is None and not strict and looks_like_person(name):
                found = "public"  # a named private individual with no title or role
            if found:
                speaker = self._without_leading_roles(name)  # "Pensioner Edith Marlow"
                self._remember(ctx, speaker, found)
                return found, speaker
        return None

    def note_mentions(self, text: str, ctx: SpeechContext) -> None:
        """Remember people named in narration, so a later "he said" can find them."""
        for name in map(_without_possessive, names_in(text)):
            person = self.match_person(name)
            if person:
                self._remember(ctx, person.name, person.voice)
                continue
            words = strip_titles(name).lower().split()
            if words and words[-1] in ctx.introduced:
                # "Now Sir Graham is asking residents …": a later "he said" is Sir Graham
                ctx.last_person = ctx.introduced[words[-1]]
                continue
            at = text.find(name)
            before = TITLE_AT_END.search(text[max(0, at - 40) : at]) if at > 0 else None
            bare = strip_titles(name)
            if (before or bare != name) and " " in bare:
                # "… asked Chief Constable Simon Cole": the title before or in the name
                voice = self.role_voice((before.group(0) if before else "") + name)
                if voice:
                    self._remember(ctx, bare, voice)
                continue
            holder = self._without_leading_roles(bare)  # "PCC John Campion voiced …"
            voice = self.role_voice(name) if holder != bare else None
            if voice and looks_like_person(holder):
                self._remember(ctx, holder, voice)

    def note_others(self, text: str, ctx: SpeechContext) -> None:
        """Remember people introduced with a role anywhere in a passage, speaker or not
        ("... asked Police and Crime Commissioner Sir Graham Bright ..."), so that a later
        "Sir Graham said" finds them. Names already known and the last speaker are kept."""
        text = text.replace("ʼ", "'")
        self._note_document_owner(text, ctx)
        for hit in FIRST_NAME_FAMILY.finditer(text):
            # "Susan's daughter was 15 when …": a later "…," Susan said" is that private person
            ctx.first_names.setdefault(hit.group("first").lower(), hit.group("first"))
        for name in map(_without_possessive, names_in(text)):
            at = text.find(name)
            for person in person_names([name], text):
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

    def _note_document_owner(self, text: str, ctx: SpeechContext) -> None:
        """Remember who ordered the document a passage names ("a review ordered by PCC Matthew
        Ellis found …"), or forget it when an inspection's report is named."""
        for rx in (ORDERED_BY, OWNER_ORDERED):
            hit = rx.search(text)
            if hit:
                owner = hit.group("owner").strip()
                people = person_names(names_in(owner), owner)
                known = ctx.introduced.get(people[0].split()[-1].lower()) if people else None
                voice = known[0] if known else self.first_role(owner)
                if voice and voice != "media":
                    name = known[1] if known else people[0] if people else owner.split(",")[0]
                    ctx.document_owner = (voice, name)
                    return
        if INSPECTION_REPORT.search(text):
            ctx.document_owner = None

    def _without_leading_roles(self, name: str) -> str:
        """A name without the role words that lead it, keeping two words at least
        ("Pensioner Edith Marlow" -> "Edith Marlow", "PCC John Campion" -> "John Campion")."""
        words = name.split()
        while len(words) > 2 and self.role_voice(words[0]):
            words = words[1:]
        return " ".join(words)

    @staticmethod
    def _remember(ctx: SpeechContext, name: str, voice: str) -> None:
        parts = name.split()
        if parts:
            ctx.introduced[parts[-1].lower()] = (voice, name)
            ctx.last_person = (voice, name)


def _without_possessive(name: str) -> str:
    """A name without its possessive ending: "PCC John Camdenʼs investments" introduces
    John Camden."""
    return re.sub(r"[’'ʼ]s?$", "", name)


def _inside_alias_free(hit: re.Match, alias_rx: re.Pattern) -> bool:
    """Whether an institution's name holds the force's name as one of its words and is
    longer than it ("Independent Office for Police Conduct" against a force named "Police")."""
    alias = alias_rx.search(hit.group(0))
    return (
        alias is not None
        and alias.group(0).lower() != hit.group(0).lower()
        and len(hit.group(0).split()) >= len(alias.group(0).split()) + 2
    )


# "force" alone as a speaker, as headlines write it ("…, says force"); elsewhere the word is
# too common ("use of force") to be a role word.
BARE_FORCE = re.compile(r"(?:police\s+)?force", re.IGNORECASE)
# A speaker known by a gendered noun ("the man", "his mother"): "she" or "they" is somebody else.
_MALE = re.compile(rf"\b{MALE_NOUNS}\b", re.I)
_FEMALE = re.compile(rf"\b{FEMALE_NOUNS}\b", re.I)


# A speaker that is a body or a document, never "he" or "she" ("an investigation by …").
_BODY_PHRASE = re.compile(
    r"^(?:an?|the|its|their)\s+(?:[\w'’ʼ-]+\s+){0,3}?(?:investigation|report|review|survey|study|"
    r"inquiry|audit|analysis|force|council|watchdog|inspectorate|ombudsman|office|board|panel|"
    r"committee)\b",
    re.IGNORECASE,
)


def _pronoun_speaker(phrase: str, ctx: SpeechContext) -> tuple[str, str | None] | None:
    """A pronoun speaker: "he", "she" or "I" is the last person named, others the last speaker;
    never a speaker whose noun says otherwise ("She asked …" after "The man alleged …")."""
    pronoun = phrase.lower()
    if pronoun in ("he", "she") and ctx.last_voice and _gendered(pronoun, ctx.last_speaker or ""):
        return ctx.last_voice, ctx.last_speaker  # "She said" after "a teenage girl said"
    if pronoun in ("he", "she", "i") and ctx.last_person:
        return ctx.last_person
    if ctx.last_voice and _pronoun_fits(pronoun, ctx.last_speaker or ""):
        return ctx.last_voice, ctx.last_speaker
    return None


def _gendered(pronoun: str, speaker: str) -> bool:
    """Whether a speaker phrase names somebody by a noun of the pronoun's gender ("the girl")."""
    return bool((_MALE if pronoun == "he" else _FEMALE).search(speaker))


def _pronoun_fits(pronoun: str, speaker: str) -> bool:
    """Whether a pronoun can stand for a speaker phrase ("he" for "the man", not "they")."""
    male, female = bool(_MALE.search(speaker)), bool(_FEMALE.search(speaker))
    if pronoun in ("he", "she") and _BODY_PHRASE.match(speaker):
        return False  # "He expressed concern" after "…, an investigation by the watchdog found"
    if pronoun == "he":
        return not female or male
    if pronoun == "she":
        return not male or female
    if pronoun == "they":
        return not (male or female)
    return True


# A force's leaders, named: when they act ("Chief Constable Simon Byrne has set out plans …"),
# the force acts; officers in general ("Officers arrested a man") are only the news.
FORCE_LEADER = re.compile(
    r"\b(?:chief constable|deputy chief constable|assistant chief constable|"
    r"chief superintendent|superintendent|commander)\b",
    re.IGNORECASE,
)


def _actor_voice(phrase: str, role: str | None) -> tuple[str, str] | None:
    """The voice of a sentence's subject: a role that speaks for an institution or a community
    ("the commissioner", "residents"), or a force's leader named with their rank; never
    generic police words or a private individual."""
    if role == "force" and FORCE_LEADER.search(phrase) and person_names(names_in(phrase), phrase):
        return role, speaker_phrase(phrase)
    if role == "force" or (role == "public" and not ACTOR_PUBLIC.search(phrase)):
        return None
    if role:
        return role, speaker_phrase(phrase)
    return None


def speaker_phrase(phrase: str) -> str:
    """A short speaker label from a role phrase: "A spokesperson for Norfolk Police said" ->."""
    words = phrase.split()
    return " ".join(words[:8])
