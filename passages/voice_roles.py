"""Role words that give a speaker phrase a voice without a configured name.

"a resident" is the public, "the commissioner" the PCC, "inspectors" the inspectorate, "the
force's spokesperson" the force. `ROLE_PATTERNS` is ordered: the first voice whose words match
wins, so the more specific phrases ("police and crime commissioner") come before the general
ones ("police").
"""

from __future__ import annotations

import re

# Role words: first match wins, so the more specific phrases come first.
_ROLE_TABLE: list[tuple[str, str]] = [
    # The Met's Commissioner heads a force; "police and crime commissioner" is the PCC.
    (
        "force",
        r"\b(?:met(?:ropolitan police)? commissioner|commissioner of the metropolitan|"
        r"police federation|federation chair|federation rep|the federation(?! of)|"
        # a police misconduct hearing is the force's own process, whoever chairs it
        r"misconduct (?:panel|hearing)|(?:chair|chairman|chairwoman) of the (?:misconduct )?"
        r"(?:hearing|panel)|officer on the panel)",
    ),
    # Commissioners who are watchdogs, not the force's PCC.
    (
        "inspectorate",
        r"\b(?:(?:iopc|ipcc|independent police complaints commission)\s+(?:deputy\s+|regional\s+)?"
        r"commissioner|commissioner for children(?: and young people)?|children(?:'s|’s|ʼs)? "
        r"commissioner|(?<!crime and )victims(?:'|’|ʼ)? commissioner|information commissioner)",
    ),
    (
        "pcc",
        r"\b(?:police,? fire and crime commissioner|police and crime commissioner|"
        r"police,? crime and victims(?:'|’|ʼ)? commissioner|"
        r"pcc|pfcc|opcc|crime commissioner|commissioner's office|commissioner|"
        r"scottish police authority|police authority|spa board|association of police and "
        r"crime commissioners|apcc)",
    ),
    (
        "inspectorate",
        r"\b(?:hmicfrs|hmic|his majesty's inspectorate|hm inspectorate|"
        r"inspectorate|inspector of constabulary|inspectors of constabulary|"
        r"iopc|independent office for police conduct|ipcc|independent police complaints "
        r"commission|pirc|police investigations and review commissioner|watchdog|ombudsman|"
        r"inspectors|the report|(?:the|an|this|a new|the latest) inspection|college of policing|"
        r"hm inspector|chief inspector of constabulary|"
        # "Her Majesty's Inspector Mike Cunningham": not a police inspector
        r"(?:his|her) majesty(?:'|’|ʼ)?s inspectors?\b|hmi\b)",
    ),
    (
        "government",
        r"\b(?:mp|mps|msp|msps|mla|mlas|ms|member of parliament|minister|home secretary|"
        r"politicians?|"
        r"home office|police(?:,? fire)? and crime panel|policing board member|"
        r"member of the policing board|assembly member|"
        r"sdlp|dup|sinn f[eé]in|snp|plaid cymru|uup|alliance party|first minister|"
        r"justice secretary|cabinet secretary|"
        r"secretary of state|shadow|government|councillor|councillors|cllr|council|councils|"
        r"mayor|prime minister|treasury|ministry|department for|department of|panel|downing street|"
        r"labour|conservative|tory|lib dem|green party|(?:party|parliamentary|council|mayoral|"
        r"election)\s+candidate|"
        r"liberal democrat|parliament|committee|peer|lords|"
        # judicial office holders speak as public officials; the court itself does not speak
        r"judge|judges|recorder|magistrate|magistrates|sheriff|coroner|"
        # counsel for the Crown ("X, prosecuting, said") speaks for the state; defence counsel
        # ("Y, defending") for the accused: public
        r"prosecuting|procurator fiscal|"
        r"office for national statistics|ons|crime survey for england and wales|"
        r"british crime survey)\b",
    ),
    # A former or retired officer speaks for themselves, not for the force; a family's or a
    # campaign's spokesperson for them.
    (
        "public",
        r"\b(?:(?:former|retired|ex-)\s+(?:[a-z]+\s+)?(?:police officer|officer|special "
        r"constable|constable|detective|pc|sergeant|special)|(?:family|family's|family’s|"
        r"campaign|charity|victim's|victim’s)\s+spokes(?:person|man|woman)|spokes(?:person|man|"
        r"woman)\s+for\s+(?:the|his|her|their)\s+(?:family|campaign|charity)|"
        # "a lawyer specialising in police complaints" is a lawyer, whatever the cases
        r"(?:lawyer|solicitor|barrister)s?\s+(?:specialising|specializing|who\s+"
        r"speciali[sz]es))\b",
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
        r"trust|foundation|association|society|union|activist|protester|protesters|defending|"
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
# Nouns for one person of a known sex ("the man", "his mother"), for "he" and "she".
MALE_NOUNS = r"(?:man|father|dad|son|husband|brother|grandfather|boy|mr)"
FEMALE_NOUNS = r"(?:woman|mother|mum|daughter|wife|sister|grandmother|girl|mrs|miss)"
# The leading entries name institutions (the Met, watchdog commissioners, the PCC, the
# inspectorate, politicians): the ones that can speak "for" a force named beside them.
INSTITUTIONS = 5

# A named police force: "Northmarsh Constabulary", "Vale Police" (ours is in the aliases).
# Neither a sentence's opening word ("But Police and Crime Commissioner …") nor a commissioner
# for a force's area ("Vale Police and Crime Commissioner") is a force.
OTHER_FORCE = re.compile(
    r"\b(?!Independent |But |And |So |Yet |Now |Then |When |While |If |As |The |Local )"
    r"[A-Z][a-z]+(?:shire)? (?:Constabulary|Police)\b"
    r"(?! Federation| Association| Staff| Network| Authority| Board| Complaints| Conduct|"
    r" and Crime)"
)
# Things and officials whose findings the journalist reports in their own voice.
NOT_A_VOICE = re.compile(
    r"\b(?:review|evaluation|report|study|survey|inquiry|investigation|"
    r"audit|analysis|court|inquest|jury|document|letter|"
    r"leaflet|hearing|tribunal)\b",
    re.IGNORECASE,
)
# Public roles that make a sentence's subject a voice even without a speech verb.
ACTOR_PUBLIC = re.compile(
    r"\b(?:residents|campaigners?|campaign group|charity|families|parents|neighbours|"
    r"petition|protesters|survivors|victims' groups?|neighbourhood watch|traders|businesses)\b",
    re.IGNORECASE,
)
