"""Voice rules over an article's structure: headlines, reported findings, the publisher's narration.

The speech rules (`passages.voice.attribute`) read one passage at a time. These rules run
after them over the whole article and only ever re-voice narration (`media`), except for the
headline, which is the journalist's unless it attributes its claim:
- a headline is media unless it reports a finding ("... rated inadequate by inspectors",
  "watchdog finds ...") or carries a speech verb ("chief constable admits ...");
- narration that reports the findings of an inspection, a watchdog or its report, without a
  quote, is the inspectorate's ("The force was graded good for ...", "Inspectors found ...");
- on a statement page (a force's newsroom, a commissioner's office, an inspectorate), the
  remaining narration is the publisher's, and so are people it quotes by name alone;
- on a readers' letter or a first-person column, it is the writer's (`passages.letters`);
- the official statisticians' figures ("Figures from the Crime Survey … showed") are the
  government's, and a survey's answers ("three in five respondents …") go on in the voice of
  the survey cited before them;
- on an organisation's response page of no known kind ("Fairstop response to the ...
  consultation", "Haven Trust responds to ..."), it is the organisation's.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from passages.headline_speaker import HEADLINE_VERBS, headline_speaker_voice
from passages.letters import letters_headline, own_voice_page
from passages.speech_patterns import QUOTE_MARKS, SPEECH_VERBS, only_short_quotes
from passages.speech_subjects import PEEL_GRADES, STATISTICS_BODIES, officer_speaking_before
from passages.statement_block import carry_revoiced_speakers, relay_statements
from passages.voice_roles import FEMALE_NOUNS, MALE_NOUNS

logger = logging.getLogger(__name__)

MEDIA = "media"
INSPECTORATE = "inspectorate"
# Source kinds whose pages are written by the body they belong to.
PUBLISHER_VOICE = {
    "force_statement": "force",
    "pcc_statement": "pcc",
    "inspectorate": "inspectorate",
}
HEADLINE_MAX_WORDS = 25
# A watchdog named as a body; with "inspectors", which a police story can have too, _BODY.
_NAMED_BODY = (
    r"(?:inspectorate|hmic\w*|hmics|hmi|watchdogs?|iopc|ipcc|ombudsman|pirc|"
    r"inspectors of constabulary|inspector of constabulary|independent office for police "
    r"conduct|independent police complaints commission)"
)
_BODY = rf"(?:inspectors?|{_NAMED_BODY})"
# What a report or a watchdog stresses, as a finding and as a document going on.
_STRESSED = r"pointed out|points out|emphasised|emphasized|stressed"
_FINDING_VERB = (
    r"(?:found|finds|find|rated|rates|graded|grades|judged|judges|concluded|concludes|"
    r"identified|identifies|highlighted|highlights|praised|praises|criticised|criticises|"
    r"criticized|warned|warns|noted|notes|raised|raises|recommended|recommends|singled out|"
    r"described|describes|branded|brands|discharged|removed|published|publishes|unveiled|"
    r"gave|awarded|congratulated|congratulates|assessed|inspected|reported|reports|"
    r"acknowledged|acknowledges|welcomed|welcomes|commended|commends|revealed|reveals|"
    rf"{_STRESSED}|concerned)"
)
_GRADE = rf"(?:{PEEL_GRADES}|failing|poor)"
FINDING = re.compile(
    "|".join(
        (
            # "Inspectors found ...", "HMICFRS has removed the force from ...", "the watchdog said"
            # (the body's full name may run on: "of Constabulary and Fire & Rescue Services
            # (HMICFRS) has removed ...")
            rf"\b{_BODY}\b,?(?:\s+[\w&()’']+,?){{0,12}}?\s+(?:(?:has|have|had|also|was|were)\s+)?"
            rf"{_FINDING_VERB}\b",
            # "... rated 'outstanding' by Government inspectors", "given ... by the watchdog"
            rf"\b(?:rated|graded|judged|branded|assessed|found|praised|criticised|commended|"
            rf"described|given|awarded|placed|put|moved|removed|escalated|received|"
            rf"identified|cautioned|censured|cleared|exonerated|retained|retains)\b"
            rf"[^.;:]{{0,90}}?"
            rf"\bby\s+(?:\w+[’'ʼ]?\s+){{0,4}}?{_BODY}",
            # "..., says HMIC report", "warns the watchdog"
            rf"\b(?:says?|said|finds?|found|warns?|warned)\s+(?:\w+\s+){{0,2}}?{_BODY}\b",
            # a headline naming its source at the end: "Police fail victims - HMIC report"
            rf"\s[-–—:|]\s*(?:an?\s+|the\s+|new\s+)?{_BODY}\s+(?:report|review|inspection|"
            rf"study)\s*$",
            # "The force was graded good", "rated as 'requires improvement'", "found ‘good’"
            rf"\b(?:rated|graded|judged|assessed)\s+(?:as\s+|to\s+be\s+)?['‘“\"]?{_GRADE}\b",
            rf"\b(?:found|said|deemed|considered)\s+(?:to\s+be\s+)?['‘“\"]{_GRADE}\b",
            r"\bfound\s+(?:to\s+be\s+)?(?:requiring|to\s+require)\s+improvement\b",
            # "two good grades from His Majesty's Inspectorate"
            rf"\b(?:grades?|ratings?|rated|verdict|judgement)\b[^.;:]{{0,60}}?\bfrom\s+"
            rf"(?:\w+[’'ʼ]?s?\s+){{0,4}}?{_BODY}",
            # "Among the areas praised by inspectors", "the areas for improvement identified"
            r"\b(?:areas? (?:for|of|requiring) improvement|causes? (?:of|for) concern|"
            r"enhanced monitoring|engage (?:stage|phase|process)|special measures|"
            r"peel (?:inspection|report|assessment))\b",
        )
    ),
    re.IGNORECASE,
)
_DOCUMENT_VERB = (
    r"(?:found|finds|said|says|showed|shows|concluded|concludes|identified|highlighted|"
    r"highlights|rated|graded|praised|criticised|revealed|reveals|warned|warns|noted|notes|"
    r"described|recommended|recommends|calls? on|called on|calls? for|called for|urged|urges|"
    rf"acknowledged|acknowledges|recognised|recognises|{_STRESSED})"
)
# "It also shows that …", "Whilst it acknowledges …": the document of the sentence before
# goes on speaking (only right after a passage the rules gave to the inspectorate).
DOCUMENT_GOES_ON = re.compile(
    r"^(?:(?:whilst|while|although|but|and|however,?)\s+)?(?:(?:it|the report|the review|"
    r"the study|the inspection)\s+(?:also\s+|further\s+)?" + _DOCUMENT_VERB + r"\b|"
    # "There was also praise for …", "There were concerns about …"
    r"there\s+(?:was|were)\s+(?:also\s+)?(?:concerns?|praise|criticism)\b)",
    re.IGNORECASE,
)
# "a damning report has found", "the inspection report said": a document's findings, the
# inspectorate's only in an article that names an inspectorate or a watchdog.
DOCUMENT_FINDING = re.compile(
    r"\b(?:the|a|an|its|this|their)\s+(?:[\w’']+\s+){0,10}?(?:report|inspection|review|"
    r"findings|peel assessment|peel|study|survey|research)\b(?:\s+\w+){0,8}?\s+"
    r"(?:(?:has|have|also)\s+)?" + _DOCUMENT_VERB + r"\b"
    # "… recognised in a national report"
    r"|\b(?:recognised|recognized|praised|criticised|highlighted|singled out|named|told)\b"
    r"[^.;:]{0,60}?\bin\s+(?:an?|the|its)\s+(?:[\w’']+\s+){0,2}?(?:report|inspection|"
    r"review)\b"
    # "… identified as failing by an official report", "…, according to a major review"
    r"|\b(?:identified|rated|graded|judged|found|criticised|praised|branded)\b"
    r"[^.;:]{0,90}?\bby\s+(?:an?|the)\s+(?:\w+\s+){0,2}?(?:report|inspection|review)\b"
    r"|\baccording to\s+(?:an?|the|its)\s+(?:\w+\s+){0,2}?(?:report|inspection|review)\b"
    # "Figures released in a report by the IPCC show …"
    r"|\b(?:figures|data|statistics)\b[^.;:]{0,40}?\b(?:in|from)\s+(?:an?|the)\s+"
    r"(?:\w+\s+){0,2}?(?:report|review|inspection)\b",
    re.IGNORECASE,
)
WATCHDOG = re.compile(rf"\b{_BODY}\b", re.IGNORECASE)
# An item of a list of findings, with no subject of its own ("The inspectors said the force:",
# then "Lacks enough staff to vet recruits", "And should check more often that …").
FINDING_ITEM = re.compile(
    r"^(?:[-•*–]\s*)?(?:and\s+|but\s+)?(?:has|have|is|are|was|were|could|should|"
    r"must|needs?|requires?|does|did|makes?|uses?|provides?|understands?|keeps?|gives?|"
    r"deals?|works?|shows?|lacks?|recognises?|manages?|responds?)\s+\w",
    re.IGNORECASE,
)
# The official statisticians' figures reported without "according to" ("Figures from the
# Crime Survey for England and Wales published in July showed …"): their finding, the
# government's voice.
STATISTICS_FINDING = re.compile(
    rf"\b{STATISTICS_BODIES}\b(?:\s+[\w’'()]+){{0,12}}?\s+(?:(?:has|have|also)\s+)?"
    r"(?:showed|shows|show|found|finds|suggests?|suggested|revealed|reveals|estimated|"
    r"estimates)\b",
    re.IGNORECASE,
)
# A survey's answers ("Three in five respondents said …"): they go on in the voice
# of the survey cited before them, the statisticians' or the inspectorate's.
RESPONDENTS = re.compile(r"\b(?:respondents|(?:those|people|adults) surveyed)\b", re.IGNORECASE)
SURVEY = re.compile(
    rf"\b(?:survey|poll|respondents|{STATISTICS_BODIES})\b|\bsurveyed\b", re.IGNORECASE
)
SURVEY_VOICES = ("government", INSPECTORATE)
# A report by someone who is not a watchdog ("a report by the ethics panel") is theirs.
OTHER_OWNER = re.compile(
    rf"\b(?:report|review|study|survey)\s+(?:by|from|for)\s+(?!(?:the\s+)?(?:police\s+)?"
    rf"{_BODY}\b)(?:the\s+)?\w+",
    re.IGNORECASE,
)
# Headline verbs that attribute the claim to the headline's subject.
HEADLINE_SPEECH = re.compile(rf"\b(?:{HEADLINE_VERBS}|said|backs?|tells?|told)\b", re.IGNORECASE)
QUOTED_GRADE = re.compile(rf"['‘“\"]\s*{_GRADE}\b", re.IGNORECASE)
TERMINAL = re.compile(r"[.!?…][\"'”’)\]]*$")
SHORT_QUOTE_WORDS = 6  # a quoted fragment this short is a phrase cited, not a speaker's words
# Speech verbs that are not also a finding's verbs ("judged", "found", "rated" report a
# judgement: "rated good for “fairness” by inspectors" quotes no speaker).
SPEECH_VERB = re.compile(
    r"\b(?:"
    + "|".join(v for v in SPEECH_VERBS.split("|") if not re.fullmatch(_FINDING_VERB, v))
    + r")\b",
    re.IGNORECASE,
)
# An organisation's own response page, known by its headline: "Haven Trust responds to the
# inspectorate's report", "Fairstop response to the Home Office consultation". Its
# narration is the organisation's. "response to" needs the thing responded to, so that "Police
# response to domestic abuse criticised" (how the police handle it) is not read as one.
RESPONSE_PAGE = re.compile(
    r"^(?P<org>[A-Z][\w'’&.\- ]{1,80}?)\s+(?:"
    r"(?:responds|reacts)\s+to|statement\s+(?:on|in\s+response\s+to)|"
    r"response\s+to\s+(?:the\s+)?(?:[\w'’&\-]+\s+){0,8}?(?:consultation|report|review|inquiry|"
    r"call\s+for\s+evidence|inspection|findings|proposals?|announcement|publication)s?)\b"
)
# "… which the inspector said had …", "the lead inspector said" with no name, in an article that
# names a watchdog: one of its inspectors, not a police inspector (a rank that comes with a
# name, "Inspector Jo Obi").
UNNAMED_INSPECTOR = re.compile(
    r"^(?:whom\s+|who\s+|which\s+)?(?:the|an?)\s+(?:lead\s+|chief\s+)?inspectors?$", re.IGNORECASE
)
# A speaker whose own inspection it is ("Our inspection found …", "we inspected 12 forces"):
# an inspector of the watchdog, whatever their title reads like ("inspector Jo Obi").
OUR_INSPECTION = re.compile(
    r"\b(?:our\s+(?:inspection|inspectors|inspection\s+team)\s+(?:found|finds|saw|heard|"
    r"identified|looked|examined)|we\s+inspected)\b",
    re.IGNORECASE,
)
# The speaker's own words in the first person, outside quote marks ("So far we have arrested
# 40 of them", "Much of what our staff do is never seen …").
FIRST_PERSON = re.compile(r"(?<![“\"‘'])\b(?:we|our|us)\b(?![^“”\"]*”)", re.IGNORECASE)
# A police misconduct hearing, and its panel's decisions reported without a speech verb.
MISCONDUCT_HEARING = re.compile(
    r"\b(?:gross\s+)?misconduct\s+(?:hearing|panel|meeting)s?\b|\bdisciplinary\s+(?:hearing|"
    r"panel)s?\b",
    re.IGNORECASE,
)
HEARING_PANEL = re.compile(
    r"^(?:the\s+)?(?:misconduct\s+|disciplinary\s+|hearing\s+)?panel\s+(?:also\s+)?(?:found|"
    r"finds|was\s+unanimous|were\s+unanimous|decided|concluded|ruled|determined|agreed|upheld|"
    r"dismissed|accepted|added|said|noted|heard|considered)\b",
    re.IGNORECASE,
)
WATCHDOG_BODY = re.compile(rf"\b{_NAMED_BODY}\b", re.IGNORECASE)
# In a watchdog's account of a complaint, the complainant's grievance reported without a quote
# ("He complained as well that nobody rang him back", "The family lodged a complaint
# about …") is the complainant's voice, not the watchdog's finding.
COMPLAINT = re.compile(
    r"^(?:but\s+|and\s+)?(?:he|she|they|the\s+(?:complainants?|family|victim|parents|partner|"
    rf"{MALE_NOUNS}|{FEMALE_NOUNS}))\s+(?:also\s+|further\s+|"
    r"had\s+|has\s+|have\s+)?(?:complained|alleged|expressed\s+(?:\w+\s+)?(?:concerns?|"
    r"dissatisfaction|frustration|anger)|raised\s+(?:\w+\s+)?concerns?|made\s+(?:a\s+|further"
    r"\s+)?complaints?|lodged\s+(?:a\s+)?complaints?)\b",
    re.IGNORECASE,
)
# A feature's byline at the end of its opening ("…, writes Jane Smith."): the writer is the
# journalist, unless a role says otherwise ("writes the commissioner, Jo Obi").
WRITER = re.compile(r"\bwrites\s+(?P<name>[^,.;:]+?)\.?\s*$", re.IGNORECASE)
# A speaker known only by name ("Mike Harrison"), with no role that makes them the public.
BARE_NAME = re.compile(r"^[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+){0,3}$")


# Narration whose subject is the force doing what a press office announces ("The PSNI has
# launched its Christmas campaign", "figures released by Wexmoor Police, who are warning
# drivers"): the force's message relayed, so the force's voice.
# ("recorded 9,870 crimes" is a bare figure, the journalist's; "unveiled a memorial" an event)
_PUBLICITY = ("launch", "release", "issue", "announce", "appeal", "urge", "warn", "remind")
_PUBLICITY_PAST = "|".join(v + ("d" if v.endswith("e") else "ed") for v in _PUBLICITY)
_PUBLICITY_NOW = "|".join(v + ("es" if v.endswith("h") else "s") for v in _PUBLICITY)
_PUBLICITY_ING = "|".join((v[:-1] if v.endswith("e") else v) + "ing" for v in _PUBLICITY)


@functools.lru_cache(maxsize=64)
def force_publicity(aliases: tuple[str, ...]) -> re.Pattern | None:
    """A pattern for narration that relays the force's own announcement, or None.

    Active voice only ("was warned by inspectors" is not the force speaking). Built once per
    set of force names (a crawl analyses thousands of articles for the same force).
    """
    names = "|".join(re.escape(a) for a in sorted(aliases, key=len, reverse=True) if a)
    if not names:
        return None
    adverb = r"(?:(?:also|today|now|again|yesterday)\s+)?"
    return re.compile(
        rf"^(?:the\s+)?(?:{names})\s+{adverb}(?:(?:has|have)\s+{adverb}(?:{_PUBLICITY_PAST})|"
        rf"(?:is|are)\s+{adverb}(?:{_PUBLICITY_ING})|{_PUBLICITY_PAST}|{_PUBLICITY_NOW})\b"
        rf"|\b(?:released|issued|published)\s+by\s+(?:the\s+)?(?:{names}),?\s+(?:who|which)\s+"
        rf"(?:is|are)\s+(?:{_PUBLICITY_ING})\b",
        re.IGNORECASE,
    )


def is_headline(text: str) -> bool:
    """True when a first paragraph reads as a headline: short, with no closing full stop."""
    words = text.split()
    return 0 < len(words) <= HEADLINE_MAX_WORDS and not TERMINAL.search(text.strip())


def reports_finding(text: str, watchdog_article: bool = False) -> bool:
    """True when narration reports an inspection's or a watchdog's findings.

    Args:
        text: a passage of narration.
        watchdog_article: the article names an inspectorate or a watchdog, so "the report
            found" is theirs (elsewhere a report is the journalist's source).
    """
    if OTHER_OWNER.search(text):
        return False
    return bool(FINDING.search(text)) or (watchdog_article and bool(DOCUMENT_FINDING.search(text)))


def headline_voice(
    text: str,
    rule_voice: str,
    watchdog_article: bool = False,
    role_voice: Callable[[str], str | None] | None = None,
) -> str:
    """The voice of a headline: a finding is the inspectorate's; a speech verb keeps the rules'
    voice; a headline's own speaker shapes (`headline_speaker`) give the speaker's role's voice;
    anything else ("Police chiefs praised as ...") is the journalist's."""
    speaker = role_voice and headline_speaker_voice(text, role_voice)
    if speaker and rule_voice == MEDIA:
        return speaker  # "Chief Constable slams report that rated the force 'inadequate'"
    if reports_finding(text, watchdog_article) or QUOTED_GRADE.search(text):
        return INSPECTORATE
    if rule_voice != MEDIA and HEADLINE_SPEECH.search(text):
        return rule_voice
    return speaker or MEDIA


def _speech_quoted(text: str) -> bool:
    """Whether a passage quotes someone's words: a quotation longer than a few words, or an
    unclosed one. Short quoted fragments are a report's or a grade's words ("judged as good in
    "fairness" by inspectors", "praised its "very good work"")."""
    if not QUOTE_MARKS.search(text):
        return False
    if SPEECH_VERB.search(text):
        return True  # "A force spokesperson said … “a lot of hard work”"
    return not only_short_quotes(text, SHORT_QUOTE_WORDS)


def _byline_writer(text: str, speaker: str | None) -> bool:
    """Whether the passage ends with its writer's byline, a bare name: "…, writes Jane Smith"."""
    hit = WRITER.search(text)
    return bool(hit and speaker and BARE_NAME.match(speaker) and hit.group("name") == speaker)


def response_page_voice(
    headline: str, role_voice: Callable[[str], str | None] | None = None
) -> str | None:
    """The voice of the organisation whose response page this headline opens, or None.

    "Haven Trust responds to the inspectorate's report" -> public (a charity, a campaign or a
    research group: the public unless its name says otherwise); "Norshire PCC responds to ..."
    -> pcc, by `role_voice` when given.
    """
    hit = RESPONSE_PAGE.match(headline.strip())
    if not hit:
        return None
    org = hit.group("org").strip()
    return (role_voice(org) if role_voice else None) or "public"


@dataclass
class _Article:
    """What the article-structure rules know of an article as they read it."""

    watchdog: bool  # it names a watchdog or inspectors
    watchdog_body: bool  # it names a watchdog as a body (not only "inspectors")
    misconduct: bool  # it reports a police misconduct hearing
    publicity: re.Pattern | None  # narration relaying the force's announcements
    previous: str | None = None  # the voice of the passage before
    survey_voice: str | None = None  # the voice of the survey cited last, while it goes on
    # the passage before, when someone speaks in it: (voice, speaker), else (None, None)
    speaker_voice: str | None = None
    speaker: str | None = None

    def passed(self, text: str, voice: str, speaker: str | None) -> None:
        """Remember a passage's voice once it is decided."""
        if voice in SURVEY_VOICES and SURVEY.search(text):
            self.survey_voice = voice
        elif voice not in (MEDIA, self.survey_voice):
            self.survey_voice = None  # someone else speaks: the survey's answers have ended
        self.previous = voice
        speaking = voice != MEDIA and speaker is not None
        self.speaker_voice, self.speaker = (voice, speaker) if speaking else (None, None)


def _body_voice(
    text: str, voice: str, speaker: str | None, article: _Article
) -> tuple[str, str | None]:
    """The (voice, speaker) of a passage below the headline, by the article-structure rules."""
    if voice == MEDIA and (
        reports_finding(text, article.watchdog)
        # "It also shows …" right after the inspectorate's passage: its document goes on,
        # and so does a list of its findings with no subject ("Lacks enough staff to …")
        or (
            article.previous == INSPECTORATE
            and (DOCUMENT_GOES_ON.search(text) or FINDING_ITEM.match(text))
        )
    ):
        return INSPECTORATE, speaker
    if voice == MEDIA and article.watchdog_body and COMPLAINT.match(text):
        return "public", None
    if voice == MEDIA and article.speaker_voice and FIRST_PERSON.search(text):
        # "Sergeant Jo Obi said: We will keep stopping drivers" then "So far we have arrested 40":
        # speech printed without quote marks goes on in the first person
        return article.speaker_voice, article.speaker
    if article.misconduct and voice in (MEDIA, "government") and HEARING_PANEL.match(text):
        # "The panel found she had been dishonest": in a misconduct story the
        # panel is the force's hearing, not a police and crime panel
        return "force", "the panel"
    if voice == MEDIA and STATISTICS_FINDING.search(text):
        return "government", speaker
    if voice == MEDIA and article.survey_voice and RESPONDENTS.search(text):
        return article.survey_voice, speaker
    if voice == MEDIA and article.publicity is not None and article.publicity.search(text):
        return "force", speaker
    if voice == "force" and (
        (article.watchdog_body and UNNAMED_INSPECTOR.match(speaker or ""))
        or OUR_INSPECTION.search(text)
    ):
        return INSPECTORATE, speaker
    if voice == "public" and _byline_writer(text, speaker):
        return MEDIA, None
    finding = FINDING.search(text) if voice == "force" else None
    if (
        finding
        and not BARE_NAME.match(speaker or "")
        and not _speech_quoted(text)
        and not officer_speaking_before(speaker, text[: finding.start()])
    ):
        # "Durham Constabulary has been rated outstanding by inspectors": the force is the
        # subject, the judgement is the inspectorate's (a named officer's words stay theirs)
        return INSPECTORATE, None
    return voice, speaker


def refine_voices(
    segments: list,
    source_kind: str | None = None,
    headline: bool = False,
    force_aliases: Sequence[str] = (),
    role_voice: Callable[[str], str | None] | None = None,
) -> list:
    """Apply the article-structure rules to attributed segments.

    Args:
        segments: `passages.segment.Segment`s of one article, in order.
        source_kind: the source's kind (`force_statement`, `pcc_statement`, `inspectorate`,
            `local_news`, `national_news`) or None when unknown.
        headline: the first paragraph is the article's headline.
        force_aliases: the configured force's names, for narration that relays its
            announcements.
        role_voice: the voice role words point to (`VoiceResolver.role_voice`), for the
            organisation whose response page an article of unknown kind is.

    Returns:
        The segments with narration re-voiced where a rule applies (others unchanged).
    """
    segments = relay_statements(segments, role_voice, lambda text: bool(FINDING.search(text)))
    publisher = PUBLISHER_VOICE.get(source_kind or "")
    # a reader's letter or a first-person column is its writer's voice throughout
    writer = own_voice_page(segments, headline, role_voice) if publisher is None else None
    letters = writer is not None and letters_headline(segments, headline)
    # the headline is the paper's unless it says it is a letter
    column_headline = headline and writer is not None and not letters
    publisher = publisher or writer
    responder = None
    if headline and segments and source_kind is None and publisher is None:
        # a page of unknown kind that is an organisation's response: its narration is theirs
        responder = response_page_voice(segments[0].text, role_voice)
        publisher = responder
    article = _Article(
        watchdog=any(WATCHDOG.search(seg.text) for seg in segments),
        watchdog_body=any(WATCHDOG_BODY.search(seg.text) for seg in segments),
        misconduct=any(MISCONDUCT_HEARING.search(seg.text) for seg in segments),
        publicity=force_publicity(tuple(force_aliases)),
    )
    out: list = []
    for seg in segments:
        voice, speaker = seg.voice, seg.speaker
        if (letters or responder) and seg.paragraph == 0:
            voice, speaker = publisher or "public", None
        elif headline and seg.paragraph == 0:
            voice = headline_voice(seg.text, voice, article.watchdog, role_voice)
            speaker = speaker if voice == seg.voice else None
        elif writer is not None and not _speech_quoted(seg.text):
            # a letter's or a column's own words are its writer's, whoever they report
            voice, speaker = writer, None
        else:
            voice, speaker = _body_voice(seg.text, voice, speaker, article)
        if (publisher and not (column_headline and seg.paragraph == 0)) and (
            voice == MEDIA
            or (voice == "public" and BARE_NAME.match(speaker or ""))
            or (speaker is None and seg.text.lstrip()[:1] in '“"')
        ):
            # the publisher's narration, the people it quotes by name alone (a force's
            # newsroom quotes its officers and its federation, not passers-by, by bare name)
            # and a quote nobody is named for (the publisher's own words, whatever it cites)
            voice = publisher
        article.passed(seg.text, voice, speaker)
        if (voice, speaker) != (seg.voice, seg.speaker):
            seg = replace(seg, voice=voice, speaker=speaker)
        out.append(seg)
    return carry_revoiced_speakers(segments, out)


def split_title(text: str) -> tuple[str | None, str]:
    """(headline, text) of a plain-text document whose first line reads as a headline.

    The first line is the title when it is short, has no closing full stop and more text
    follows; the text is returned unchanged (the headline stays its first paragraph, to be
    scored as a headline).
    """
    stripped = text.lstrip("\ufeff").strip()
    first, _, rest = stripped.partition("\n")
    first = first.strip()
    if rest.strip() and is_headline(first):
        return first, stripped
    return None, text
