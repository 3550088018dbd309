"""The subject of a speech verb: where it starts and ends, and subjects that are not voices.

"Det Insp Jo Obi, who led the operation, said" has the subject "Det Insp Jo Obi"; "Four in ten
residents said" is a statistic, "the judge said" a court, "a survey found" a document: the
journalist reports those in their own voice.
"""

from __future__ import annotations

import re

from passages.names import NAME, PRONOUN, TITLES
from passages.speech_patterns import REPORTED_LEAD, REPORTED_VERB, VERB

# A verb inside a would-be subject means the speech verb belongs to a later clause.
SUBJECT_HAS_VERB = re.compile(
    r"\b(?:was|were|is|are|has|have|had|will|what|in what|when|"
    r"if|because|after|before)\b",
    re.IGNORECASE,
)
# A clause that opens with a verb and ends with "and": the first of two joined verbs.
COORDINATED = re.compile(r"(?-i:[a-z]+ed)\b.*\b(?:and|but|or)", re.IGNORECASE)
DATA_WORDS = re.compile(
    r"\b(?:figures|data|statistics|survey|research|analysis|records|"
    r"numbers|study|poll)\b",
    re.IGNORECASE,
)
PERCENT = re.compile(r"\b(?:per cent|percent)\b|%")
BARE_SPOKESPERSON = re.compile(
    r"^(?:a|the|one|another)\s+spokes(?:person|man|woman)$", re.IGNORECASE
)
# "The force was graded inadequate …", "… rated “Good” for its call handling": the judgement is
# the inspectorate's.
# The inspectorate's grades (PEEL's four and their spellings).
PEEL_GRADES = (
    r"(?:outstanding|good|adequate|inadequate|requires? improvement|requiring improvement)"
)
INSPECTED = re.compile(
    r"\b(?:was|were|is|are|has been|have been)\s+(?:graded|rated|judged|assessed)\s+"
    rf"(?:as\s+|to\s+)?(?:[“\"‘']\s*)?{PEEL_GRADES}\b",
    re.IGNORECASE,
)
# An item of a list of grades under a line that introduces them ("Inspectors said the force
# is" / "‘good’ at preventing crime;" / "is ‘requires improvement’ in investigating crime."):
# a grade word opening the item and followed by the area it grades, the grade quoted, the
# item marked as one ("•") or opening in lower case (a sentence's own "Good at heart, …" is not).
GRADE_ITEM = re.compile(
    rf"^(?:[•*–-]\s*(?:(?i:is|was|as|be)\s+)?[“\"‘']?\s*(?i:{PEEL_GRADES})\s*[’'”\"]?"
    rf"|(?:(?i:is|was|as|be)\s+)?(?:[“\"‘']\s*(?i:{PEEL_GRADES})\s*[’'”\"]|{PEEL_GRADES}))"
    r"\s+(?i:at|in|for|when)\s"
)
GRADE_ITEM_WORDS = 25
# "The force was rated inadequate", "A man was found": passive, nobody is speaking.
PASSIVE = re.compile(
    r"\b(?:was|were|is|are|be|been|being|has been|had been|who|which|that|to)\s*$", re.IGNORECASE
)
# "…, his office said." / "…, the commissionerʼs office said.": the office of an official.
OFFICE = re.compile(r"^(?:his|her|their|the commissioner[ʼ’']s)\s+office$", re.IGNORECASE)
# Courts, juries, tribunals, inquests and misconduct panels: reported as narration. A judge,
# magistrate, sheriff or coroner who speaks is a public official (`voice_roles`: government).
COURT = re.compile(
    r"\b(?:court|courts|jury|jurors|tribunal|inquest|misconduct panel|misconduct hearing|"
    r"disciplinary panel|disciplinary hearing)\b",
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
SOURCE_OWNER = re.compile(r"\b(?:published by|produced by|from|by)\s+(?P<owner>.+)$", re.I)
# Who may own the figures or the document a passage cites: the force, its commissioner and the
# inspectorate speak through their own figures; Home Office figures are the journalist's source.
SOURCE_VOICES = ("force", "pcc", "inspectorate")
# …except the official statisticians, whose national figures are the government's finding
# ("according to the latest data from the Office for National Statistics").
STATISTICS_BODIES = (
    r"(?:office for national statistics|ons|crime survey for england and wales|csew|"
    r"british crime survey|"
    r"scottish crime and justice survey|northern ireland statistics and research agency|nisra)"
)
STATISTICS_BODY = re.compile(rf"\b{STATISTICS_BODIES}\b", re.IGNORECASE)
# "Fewer than half of the residents surveyed by the commissionerʼs office said …".
SURVEYED_BY = re.compile(
    r"\b(?:surveyed|questioned|polled|interviewed)\s+(?:for|by)\s+(?P<owner>.+)$"
)
# A sentence whose subject acts: "The commissioner will chair ...", "Inspectors examined ...".
ACTOR = re.compile(
    r"^(?P<sp>(?:[\w'ʼ’\-£]+\s+){0,6}?[\w'ʼ’\-]+(?:,\s[^,]{2,60},)?)\s+"
    r"(?=(?:has|have|had|will|would|can|could|is|are|was|were|did|does|do|should|must|may|"
    # a verb is lower case: "Rhian Moss has …" is not "Rhian" + "Moss"
    r"might|also|today|yesterday|(?-i:[a-z]+ed|[a-z]+es|[a-z]+s))\b)",
    re.IGNORECASE,
)
# "… was heckled", "… has been named": the subject is acted upon, not acting.
PASSIVE_AFTER = re.compile(
    r"\s*(?:(?:was|were|is|are|has been|have been|had been|is being|was being|are being|"
    r"were being|will be|"
    r"could be|would be|can be|may be|might be|must be|should be)\s+(?:\w+ly\s+)?"
    r"\w+(?:ed|en|wn|ld|ht|nt|ung|pt)\b|(?:has|have|had) been\b)",
    re.IGNORECASE,
)
# Institutions that are narration when they act without speaking: "The police and crime panel
# will meet …", "Eastmere County Council has approved plans …".
ACTOR_NOT_A_VOICE = re.compile(
    r"\b(?:panel|council|committee|parliament|lords|commons)\b", re.IGNORECASE
)
# "Residents of Thornby can now report …": people described by where they live are who the
# news is about, not a group acting.
ACTOR_POPULATION = re.compile(r"^(?:the\s+)?[\w'ʼ’\-]+\s+of\b", re.IGNORECASE)
# A clause of time or place before a subject ("In the report's quotes, a girl said").
LEADING_CLAUSE = re.compile(
    r"^(?:in|at|after|before|during|on|following|speaking|when|while|as|since|despite|"
    r"outside|inside|asked|writing)\b",
    re.IGNORECASE,
)
RELATIVE = re.compile(r"\b(?:who|whose)\b", re.IGNORECASE)
# A thousands separator ("£90,000"): no clause ends there.
DIGIT_GROUP = re.compile(r"(?<=\d),(?=\d{3}\b)")
RELATIVE_CLAUSE = re.compile(r",?\s+(?:who|whose)\b[^,]*(?:,|$)")


# More words than a name with its title ("Chief Constable Jo Obi"): a clause, not a name
CLAUSE_WORDS = 4


def trim_subject(sp: str) -> str:
    """The speaker part of a subject: drop leading clauses ("and", "but", "yesterday, ")."""
    sp = sp.strip()
    # Keep only the last clause before the verb unless it is an appositive ("X, a resident,",
    # "X, long a critic of the force,", "Jane Smith, 81,"): an appositive ends with a comma.
    appositive = sp.endswith(",")
    parts = [p.strip() for p in sp.split(",") if p.strip()]
    if len(parts) >= 2 and LEADING_CLAUSE.match(parts[-2]) and not appositive:
        # "In the quotes in the report, a teenage girl": a clause of place or time first
        parts = parts[-1:]
        sp = parts[0]
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
    elif len(parts) >= 2 and not appositive and len(parts[-2].split()) > CLAUSE_WORDS:
        # "The force failed victims, a review has concluded": before "a review" is a clause of
        # its own, not a name the phrase after the comma describes ("Jo Obi, the chair said")
        sp = parts[-1]
    elif len(parts) >= 2:
        sp = ", ".join(parts[-2:])
    sp = re.sub(r"^(?:and|but|so|then|while|as|which|who)\s+", "", sp, flags=re.IGNORECASE)
    last = sp.split()[-1:] if sp.strip() else []
    if last and PRONOUN.match(last[0]) and len(sp.split()) > 1 and not sp.endswith(","):
        sp = last[0]  # "a figure he called “…”": the pronoun is the speaker
    return sp


def reported_subjects(outside: str) -> list[str]:
    """Subjects of a speech verb at the start of a sentence ("In a statement, the force")."""
    lead = REPORTED_LEAD.match(outside)
    body = outside[lead.end() :] if lead else outside
    body = DIGIT_GROUP.sub("", body)  # "had spent £90,000": no clause ends inside a number
    out = []
    relative = False  # the verb so far was inside "A woman who complained …"
    for m in REPORTED_VERB.finditer(body):
        sp = body[: m.start()]
        limit = 20 if relative else 12
        # "Det Insp Richard Weber, who led the week of action, said": the relative clause
        # does not count towards the subject's length
        # and nor does an appositive ("Jo Obi, chief executive of the commissioner's office,
        # said")
        length = len(appositive_free(RELATIVE_CLAUSE.sub(" ", sp)).split())
        if not sp.strip() or length > limit or re.search(r"[.!?;:“”\"]", sp):
            break
        if sp.rstrip().endswith(",") and sp.count(",") == 1 and not RELATIVE.search(sp):
            break  # "Victims deserve better, said the commissioner": the speaker is after

        if re.search(r"\b(?:who|that)\s*$", sp) and len(sp.split()) <= 7:
            relative = True
            continue
        core = re.sub(r"\b(?:who|whose|which|that)\b.*", "", appositive_free(trim_subject(sp)))
        if SUBJECT_HAS_VERB.search(core) or COORDINATED.fullmatch(core):
            # "The report, released on Thursday, assessed the force as good and described …":
            # a second verb joined to the first by "and" has the sentence's subject, not the
            # clause before it
            continue
        out.append(sp)
        break
    return out


def clause_not_subject(sp: str) -> bool:
    """True when a would-be subject holds a verb of its own, so it is a clause, not a speaker."""
    core = subject_core(sp)
    return bool(SUBJECT_HAS_VERB.search(core) or re.search(rf"\b{VERB}\b", core, re.I))


def subject_core(sp: str) -> str:
    """A subject without its appositives and relative clauses ("Jo Obi, 81, who …" -> "Jo Obi")."""
    core = re.sub(r"\b(?:who|whose|which|that)\b.*", "", appositive_free(sp.strip() + " "))
    return re.sub(r"\s+", " ", core).strip(" ,")


def appositive_free(sp: str) -> str:
    """A phrase with its comma-enclosed appositives blanked ("Jo Obi, 81, said": "Jo Obi said")."""
    return re.sub(r",[^,]*,", " ", sp)


# An officer of the force by rank or office, and what they did as a speaker before a finding
# is mentioned ("The Chief Constable has released a statement vowing to improve after the
# force was found to be inadequate").
FORCE_OFFICER = re.compile(
    r"\b(?:chief constable|deputy chief constable|assistant chief constable|superintendent|"
    r"commander|spokes(?:person|man|woman)|chief officer|head of)\b",
    re.IGNORECASE,
)
SPEECH_ACT = re.compile(
    r"\b(?:said|says|told|(?:released|issued|put out)\s+a\s+statement|vow(?:ed|s|ing)|"
    r"pledged|promised|apologi[sz]ed|admitted|insisted|defended)\b",
    re.IGNORECASE,
)


def officer_speaking_before(speaker: str | None, before: str) -> bool:
    """Whether an officer of the force speaks before a finding the sentence mentions: their
    words, not the inspectorate's."""
    return bool(speaker and FORCE_OFFICER.search(speaker) and SPEECH_ACT.search(before))


# A document and who ordered it, told in narration: "a review ordered by Commissioner Matthew
# Ellis", "Mr Ellis commissioned the report". Who paid for a survey is not whose findings they
# are (a survey's answers are the public's), so surveys are left out.
DOCUMENT_NOUN = r"(?:report|review|study|inquiry|audit|evaluation)"
ORDERED_BY = re.compile(
    rf"\b{DOCUMENT_NOUN},?\s+(?:was\s+)?(?:commissioned|ordered|requested)\s+by\s+"
    r"(?P<owner>[^,.;:“”\"]{3,80})",
    re.IGNORECASE,
)
OWNER_ORDERED = re.compile(
    r"(?P<owner>(?:[A-Z][\w'’.-]*\s+){0,5}[A-Z][\w'’.-]*)\s+(?:has\s+|had\s+)?"
    rf"(?:commissioned|ordered)\s+(?:the|a|an|this)\s+(?:[\w-]+\s+){{0,2}}?{DOCUMENT_NOUN}\b"
)
# An inspection's report named in narration: what "the report" says is the inspectorate's again.
INSPECTION_REPORT = re.compile(
    r"\b(?:hmicfrs|hmic|hmics|inspectorate|inspectors?\s+of\s+constabulary|iopc|ipcc|pirc|"
    r"watchdog)\b[^.;]{0,60}\b(?:report|review|inspection)\b|\binspection\s+report\b",
    re.IGNORECASE,
)
# A document named by "the" alone, whose author the article may have given before.
BARE_DOCUMENT = re.compile(
    rf"(?:the|this|that|its)\s+(?:new\s+|latest\s+|full\s+|final\s+)?{DOCUMENT_NOUN}",
    re.IGNORECASE,
)
