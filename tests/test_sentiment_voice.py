"""Voice and speaker rules on constructed quotes (no model)."""

import pytest

from pcm.config import Person
from sentiment.segment import segment_article

PEOPLE = [
    Person(name="Paul Sanford", role="force"),
    Person(name="Giles Orpen-Smellie", role="pcc"),
    Person(name="Roy Wilsher", role="inspectorate"),
]
ALIASES = ["Norfolk Constabulary", "Norfolk Police"]


def first(text):
    return segment_article(text, PEOPLE, ALIASES)[0]


@pytest.mark.parametrize(
    ("text", "voice", "speaker"),
    [
        (
            "“We are proud of our officers,” said Chief Constable Paul Sanford.",
            "force",
            "Paul Sanford",
        ),
        ("“We are proud of our officers,” Mr Sandford said.", "force", "Paul Sanford"),  # misspelt
        ("Paul Sandford said: “We will learn lessons.”", "force", "Paul Sanford"),
        ("“It is not good enough,” Orpen Smellie added.", "pcc", "Giles Orpen-Smellie"),
        (
            "“The force must do better,” said Roy Wilsher, HM Inspector of Constabulary.",
            "inspectorate",
            "Roy Wilsher",
        ),
        ("According to the watchdog, the force failed victims.", "inspectorate", None),
        ("The force failed victims, according to HMICFRS.", "inspectorate", None),
        ("In a statement, the force said it was reviewing the case.", "force", None),
        (
            "A spokesperson for Norfolk Police said: “We take every report seriously.”",
            "force",
            None,
        ),
        (
            "“I have waited two years for an update,” said Jane Doe, a resident of Thetford.",
            "public",
            "Jane Doe",
        ),
        ("The IOPC said the officer had a case to answer.", "inspectorate", None),
        ("“This is a scandal,” said the MP for Norwich South.", "government", None),
        ("Councillor Jane Brown told the meeting the council was concerned.", "government", None),
        ("The Police Federation said officers were exhausted.", "force", None),
        ("“We’re delighted,” said the charity’s chief executive.", "public", None),
        ("Campaigner Sarah Green said stop and search was used unfairly.", "public", None),
        ("“Response times have improved,” the police and crime commissioner said.", "pcc", None),
        ("“Nobody explained anything to us,” the victim’s mother added.", "public", None),
        ("The minister said forces must publish their figures.", "government", None),
        ("Officers arrested a 34-year-old man on Friday.", "media", None),
        ("The force was graded inadequate for investigating crime.", "inspectorate", None),
        ("Response times fell, a spokesperson for the commissioner's office said.", "pcc", None),
        ("The crime rate rose by 4 per cent, according to Home Office figures.", "media", None),
        ("Northmarsh Constabulary has apologised to hundreds of victims.", "media", None),
        ("A review found the force had missed warning signs.", "media", None),
        ("A woman whose car was broken into said no officer ever came.", "public", None),
        ("The burglary happened in broad daylight.", "media", None),
    ],
)
def test_voice_rules(text, voice, speaker):
    seg = first(text)
    assert seg.voice == voice, text
    if speaker:
        assert seg.speaker == speaker
    if voice == "media":
        assert seg.speaker is None


def test_he_added_resolves_to_last_named_person():
    text = (
        "Chief Constable Paul Sanford spoke to reporters.\n\n"
        "“We are proud. It was a great effort,” he added."
    )
    segs = segment_article(text, PEOPLE, ALIASES)
    assert (segs[-1].voice, segs[-1].speaker) == ("force", "Paul Sanford")


def test_continuation_quote_keeps_last_speaker():
    text = (
        "“Too many victims wait too long,” said Roy Wilsher.\n\n"
        "“The force has a plan, but it must deliver it.”"
    )
    segs = segment_article(text, PEOPLE, ALIASES)
    assert [(s.voice, s.speaker) for s in segs] == [("inspectorate", "Roy Wilsher")] * 2


def test_quote_attributed_later_in_its_paragraph():
    text = (
        "“We waited for hours and nobody came to the house at all.” "
        "“It was terrifying for the children,” said resident Mary Jones."
    )
    segs = segment_article(text, PEOPLE, ALIASES)
    assert all(s.voice == "public" for s in segs)


def test_narration_after_quote_is_media():
    text = "“We are listening,” said Paul Sanford.\n\nThe force has 1,800 officers and 300 PCSOs."
    segs = segment_article(text, PEOPLE, ALIASES)
    assert (segs[1].voice, segs[1].speaker) == ("media", None)


def test_named_unknown_person_learnt_with_role_is_reused():
    text = (
        "Detective Inspector Karen Hall said the inquiry was continuing.\n\n"
        "“We need witnesses,” Hall added."
    )
    segs = segment_article(text, PEOPLE, ALIASES)
    assert [s.voice for s in segs] == ["force", "force"]
