"""Speech verbs, quotation marks and the sentence shapes that attribute speech.

Each pattern names the speaker phrase `sp` (and the verb `v` where it has one); the rules in
`passages.voice_rules` decide whether that phrase names somebody with a voice.
"""

from __future__ import annotations

import re

# Verbs that introduce speech. Reported speech ("X said that ...") uses the same list.
SPEECH_VERBS = (
    "said|says|say|added|adds|told|tells|explained|explains|stated|states|warned|warns|claimed|"
    "pointed out|points out|"
    "claims|insisted|insists|admitted|admits|commented|comments|continued|continues|urged|urges|"
    "tweeted|wrote|writes|acknowledged|acknowledges|confirmed|confirms|revealed|reveals|noted|"
    "notes|argued|argues|asked|asks|replied|replies|responded|responds|accused|accuses|praised|"
    "praises|criticised|criticises|criticized|described|describes|announced|announces|"
    "concluded|concludes|found|finds|stressed|stresses|pledged|pledges|promised|promises|"
    "apologised|apologises|apologized|welcomed|welcomes|condemned|condemns|"
    "emphasised|emphasises|highlighted|highlights|recommended|recommends|called for|calls for|"
    "called on|calls on|"
    "complained|complains|conceded|concedes|rejected|rejects|reminded|thanked|thanks|"
    "accepted|accepts|recognised|recognises|recognized|recognizes|assured|cautioned|advised|believes|believed|thinks|thought|feels|felt|hopes|hoped|"
    "rated|judged|described|raised|questioned|demanded|demands|vowed|vows|reassured|"
    "appealed|appeals|posted|recalled|recalls|agreed|agrees|suggested|suggests|"
    "estimated|expressed|defended|defends|blamed|blames|labelled|branded|dismissed|"
    "echoed|echoes|wants|wanted|expects|maintained|maintains|disputed|denied|denies|"
    "remarked|observed|announced|mentioned|reiterated|went on|paid tribute|attributes|attributed|"
    "credits|credited|blame|hit back|hits back|hit out|hits out|alleged|alleges|"
    "made a statement|made a joint statement|issued a statement|issued a joint statement|"
    "released a statement|gave a statement|"
    # the plural present, for the bodies that speak as many ("Inspectors warn", "police stress")
    # (a word that is also a noun only before "that": "the stress", "a claim", "fear of crime")
    "warn|insist|emphasise|emphasize|argue|maintain|believe|accept|acknowledge|confirm|reveal|"
    "urge|concede|reject|suggest|recognise|recognize|criticise|criticize|hail|hails|hailed|"
    "contend|contends|contended|stress that|claim that|fear that|fears that|feared that"
)
# Verbs that are speech only in some constructions: "a man accused of", "admitted causing",
# "a woman found dead", "a man wanted on recall" are court and crime narration, not speech;
# "called" is speech only before a quote or "it" ("a gap she called “shameful”").
# What follows "admits"/"denies" when a court hears a charge, not somebody speaking.
CHARGE_FOLLOWS = (
    r"(?!\s+(?:of|to|\w+ing|the (?:manslaughter|murder|offence|charge|theft|assault|attack|"
    r"killing)|charges?|offences?|murder|manslaughter|theft|assault|possession|a charge|two|"
    r"three|four|five|six|\d+)\b)"
)
_CONDITIONAL_VERBS = (
    rf"(?:accused|accuses|admitted|admits|admit|denied|denies|deny){CHARGE_FOLLOWS}|"
    r"found(?!\s+(?:dead|guilty|not guilty|unconscious|injured|safe|alive|hanged|collapsed|lying|"
    r"on|in|at|near|outside|with|by)\b)|"
    r"(?:wanted|wants)(?!\s+(?:on|for|in|by|over)\b)|"
    r"called(?=\s*[“\"‘']|\s+(?:it|this|that|them)\b)|"
    r"raised(?!\s+(?:£|\$|\d|money|funds|cash|thousands|hundreds|awareness)\b)|"
    # "The man alleged that …" is speech; "the alleged attack", "alleged drug dealers" are not
    r"(?:alleged|alleges)(?=\s+(?:that|to|officers?|police|the|he|she|they|it|his|her|their|"
    r"a|an|staff|someone)\b)"
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
    "alleged",
    "alleges",
    "admit",
    "deny",
}
_PLAIN_VERBS = "|".join(v for v in SPEECH_VERBS.split("|") if v not in _CONDITIONAL_WORDS)
VERB = rf"(?:{_CONDITIONAL_VERBS}|{_PLAIN_VERBS})"
# Optional adverb or auxiliary between the subject and the verb ("has said", "also told").
AUX = r"(?:(?:has|have|had|also|later|previously|today|yesterday|then|publicly|repeatedly|"
AUX += r"has also|had also|has now|have now|now|would|will|did not|has not|have not)\s+)?"

OPEN_QUOTES = "“\"‘'"
# A double quotation mark, opening or closing: someone's words are quoted in the passage.
QUOTE_MARKS = re.compile(r"[“”\"]")
CLOSE_QUOTES = "”\"’'"

_CLOSE = r"[”\"’']"
_OPEN = r"[“\"‘']"
# Speaker phrase: up to ~12 words that contain no sentence punctuation or quote marks.
_SP = r"(?P<sp>[^“”\"‘’.!?;:]{1,120}?)"
# "…,” Supt Smith said" / "…,” he added" / "…,” Jane Smith, a resident, told the BBC"
_CLOSE_PUNCT = r"(?:[,!?.…—–-]\s*[”\"’']\s*,?|[”\"’']\s*,)"
AFTER_QUOTE_SUBJ = re.compile(rf"{_CLOSE_PUNCT}\s*{_SP}\s+{AUX}(?P<v>{VERB})\b", re.IGNORECASE)
# "…,” said Supt Smith." / "…,” added the force's spokesperson"
AFTER_QUOTE_VERB = re.compile(
    rf"{_CLOSE_PUNCT}\s*(?P<v>{VERB})\s+(?P<sp>[^“”\"‘’!?;:]{{1,140}}?)(?:[.!?]|,\s|\s(?=[“\"‘])|$)",
    re.IGNORECASE,
)
# "Supt Smith said: “…" / "The force said in a statement: "
BEFORE_QUOTE = re.compile(
    rf"(?:^|[.!?]\s+|,\s+)(?P<sp>[^“”\"‘’.!?;:]{{1,140}}?)\s+{AUX}(?P<v>{VERB})\b[^“”\"‘’]{{0,60}}?"
    rf"[:,]?\s*{_OPEN}",
    re.IGNORECASE,
)
# A transcript's speaker, a name and a colon before the quote: "Mr Campion: “That's the
# system …"", "Cllr Jo Obi: “…"".
NAME_COLON = re.compile(
    r"^(?P<sp>(?:(?:Mr|Mrs|Ms|Miss|Dr|Cllr|Councillor|Sir|Dame|Lord|Lady|Supt|Insp|Sgt|PC|DCI|"
    r"DI|DS|DC|ACC|DCC|Chief Constable|Commissioner)\.?\s+)?[A-Z][\w'ʼ’-]+"
    r"(?:\s+[A-Z][\w'ʼ’-]+){0,2})\s*:\s*[“\"‘]"
)
# "According to the watchdog, …" / "…, according to Supt Smith."
ACCORDING = re.compile(r"\baccording to\s+(?P<sp>[^,.;:!?“”\"]{2,120})", re.IGNORECASE)
# "…, a force spokesperson said." / "…, the report found." / "…, her office said on Friday."
# The verb may take a listener: "…, Supt Smith told the police and crime panel." /
# "…, Insp Jones reminded residents." / "…, her sister told the paper on Friday."
_LISTENER = (
    r"(?:the|a|an|its|his|her|their|this|reporters|residents|journalists|councillors|MPs|"
    r"members|parents|drivers|motorists|shoppers|people|us|me|him|them)"
)
TRAILING_SUBJ = re.compile(
    rf",\s*(?P<sp>[^,“”\"]{{2,90}}?)\s+{AUX}(?:(?:told|tells|reminded|reminds|assured|reassured|"
    rf"warned|urged|briefed)\s+{_LISTENER}\b[^,]{{0,50}}|(?P<v>{VERB})\b(?:\s+(?:in|on|at|to|"
    rf"after|when|last|this|yesterday|today|on)\b[^,]{{0,50}})?)\s*(?:[.!?]?\s*$|,\s)",
    re.IGNORECASE,
)
# "…, said burglary victim Jodie Parrish, whose home was ransacked." (no quote marks)
TRAILING_VERB = re.compile(
    rf",\s*(?P<v>{VERB})\s+(?P<sp>[^,“”\"]{{2,90}}?)(?:,|[.!?]?\s*$)", re.IGNORECASE
)
# What may open a sentence before its speaker: a conjunction ("But", "However,") and then a
# clause of time, place or medium ("In a statement, ", "Speaking at the meeting, "). A
# conjunction takes no clause of its own: in "But Jo Obi, who chairs the panel, said" the
# speaker follows "But".
REPORTED_LEAD = re.compile(
    r"^(?:(?:but|and|however|meanwhile|separately|yet),?\s+)?"
    r"(?:(?:in a statement|in a report|in a letter|in response|responding|speaking [^,]+|"
    r"on \w+|today|yesterday|last \w+|earlier|later|"
    r"in its report|in their report|in his report|in her report)[^,]{0,40},\s*)?",
    re.IGNORECASE,
)
REPORTED_VERB = re.compile(rf"\s+{AUX}(?P<v>{VERB})\b", re.IGNORECASE)
QUOTE_SPAN = re.compile(
    r"“[^”]{3,}”?|\"[^\"]{3,}\"?|(?:^|(?<=[\s(]))‘[^’]{3,}’|(?:^|(?<=[\s(]))'[^']{3,}'"
)
# An apostrophe inside a word ("We’re", "force’s") is not a quote mark: the rules see it as ʼ.
# The comma inside a commissioner's title ("Police, Fire and Crime Commissioner") joins one
# title, it does not end a clause: the rules read it without the comma.
TITLE_COMMA = re.compile(r"(?<=\bpolice),\s+(?=(?:fire|crime) and )", re.IGNORECASE)
APOSTROPHE = re.compile(r"(?<=\w)[’'](?=\w)|(?<=s)[’'](?=\s+[a-z])")
# "…, and the force said there was …": reported speech after a conjunction mid-sentence.
CONJ_REPORTED = re.compile(
    # not the "and" of a title ("Police, Crime and Victimsʼ Commissioner")
    rf"(?:^|,\s*|\s)(?<!crime )(?<!fire )(?:and|but|while|although|though|whereas)\s+"
    rf"(?P<sp>(?:[\w'ʼ’\-]+\s+){{0,5}}?[\w'ʼ’\-]+)\s+{AUX}(?P<v>{VERB})\b",
    re.IGNORECASE,
)
CONJ_CLAUSE = re.compile(r",\s*(?:and|but|while|although|though|whereas)\s+[^,]*$", re.IGNORECASE)
# "…, which Supt Smith said showed …" / "…, which the force says shows …".
WHICH_REPORTED = re.compile(
    rf"\bwhich\s+(?P<sp>(?:[\w'ʼ’\-]+\s+){{0,5}}?[\w'ʼ’\-]+)\s+{AUX}(?P<v>{VERB})\b",
    re.IGNORECASE,
)
# "…, referred to the IOPC by the force, which said it was cooperating": the antecedent speaks.
ANTECEDENT_REPORTED = re.compile(
    rf"(?P<sp>\b(?:the|its|his|her)\s+[\w'ʼ’\-]+(?:\s+(?!(?:by|to|of|from|for|with|the|a|an|"
    rf"and)\b)[\w'ʼ’\-]+){{0,3}}),\s+(?:which|who)\s+"
    rf"{AUX}(?P<v>{VERB})\b",
    re.IGNORECASE,
)
# A speaker phrase after the verb ends where a time or place clause begins:
# "said one parent after a police drop-in", "said a resident at the commissionerʼs roadshow".
SPEAKER_TAIL = re.compile(
    r"\s+(?:after|before|about|during|when|while|following|at|on|as|in response)\b.*$"
    # a clause that goes on from the speaker: "… said Supt Jo Obi, confirming there are …"
    r"|,?\s+(?:adding|confirming|saying|explaining|insisting|warning|noting|stressing|urging|"
    r"admitting|acknowledging|describing|referring|responding|pointing|calling)\b.*$",
    re.IGNORECASE | re.DOTALL,
)
QUOTE_THEN_VERB = re.compile(r"[”\"’']\s*,?\s*(?:" + SPEECH_VERBS + r")\b", re.IGNORECASE)
STARTS_WITH_QUOTE = re.compile(r"^\s*[“\"‘']")


def has_quote(text: str) -> bool:
    """True when the passage holds a direct quotation (or the start or end of one)."""
    return (
        bool(QUOTE_SPAN.search(text))
        or bool(STARTS_WITH_QUOTE.match(text))
        or bool(QUOTE_THEN_VERB.search(text) and any(c in text for c in '”"'))
    )


def only_short_quotes(text: str, max_words: int) -> bool:
    """Whether the passage quotes something and every quotation in it (an unclosed one runs to
    the end) is at most `max_words` words: a phrase cited, not somebody's speech."""
    spans = QUOTE_SPAN.findall(text)
    return bool(spans) and all(len(span.split()) <= max_words for span in spans)


def outside_quotes(text: str) -> str:
    """The text with every quotation blanked out: the journalist's words around the quotes."""
    return QUOTE_SPAN.sub(" ", text)
