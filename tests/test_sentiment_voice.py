"""Voice and speaker rules on constructed quotes (no model)."""

import pytest

from core.config import Person
from passages.segment import segment_article

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


@pytest.mark.parametrize(
    ("text", "voice", "speaker"),
    [
        # "told the panel / the inquest / a public meeting" and a listener after the verb.
        (
            "Overtime spending fell by a fifth, Deputy Commissioner Ada Quill told the police "
            "and crime panel.",
            "pcc",
            "Ada Quill",
        ),
        ("Response times had improved, Supt Ivo Brannagh told the panel.", "force", "Ivo Brannagh"),
        ("The flat had no smoke alarm, Sgt Wren Tolley told the inquest.", "force", "Wren Tolley"),
        ("Patrols will double in summer, Insp Cora Vane told a public meeting.", "force", None),
        ("Nobody ever rang back, her neighbour told the paper.", "public", None),
        ("Lock your sheds at night, Insp Cora Vane reminded residents.", "force", None),
        # "his office said" / "the commissioner's office said".
        ("The commissioner's new helpline took 900 calls, his office said.", "pcc", None),
        ("Taser footage will be shown to the commissioner, her office said.", "pcc", None),
        (
            "Mary Plaice MP has joined the justice committee, her office announced.",
            "government",
            None,
        ),
        ("The scheme cost £2 million, the commissioner’s office said.", "pcc", None),
        # The force's departments and figures.
        (
            "Nine complaints were upheld, the force’s professional standards department said.",
            "force",
            None,
        ),
        (
            "Complaints rose, according to its professional standards department.",
            "force",
            None,
        ),
        (
            "Officers used handcuffs 3,000 times, according to the force’s statistics.",
            "force",
            None,
        ),
        ("Sheds are being targeted, the force’s rural crime team said.", "force", None),
        (
            "Waits were 12 minutes, according to figures published by the commissioner’s office.",
            "pcc",
            None,
        ),
        # Reported speech after a conjunction.
        (
            "Burglaries rose by a tenth, and the force said there was no single cause.",
            "force",
            None,
        ),
        (
            "The force improved its call handling, but inspectors said more work was needed.",
            "inspectorate",
            None,
        ),
        # A name with an age.
        (
            "Pensioner Edith Marlow, 84, praised the officer who found her cat.",
            "public",
            "Edith Marlow",
        ),
        ("Student Kofi Adjei, 20, said he had been searched four times.", "public", "Kofi Adjei"),
        # "which X said showed" / "which the force says shows" / "the force, which said".
        (
            "Thefts fell by a third, which Supt Ivo Brannagh said showed the patrols worked.",
            "force",
            "Ivo Brannagh",
        ),
        ("Arrests rose by 9 per cent, which the force says shows its policy works.", "force", None),
        (
            "The case was referred to the IOPC by the force, which said it was cooperating.",
            "force",
            None,
        ),
        # Trailing "wrote one reader" / "said one <Place> parent" with a time or place clause.
        ("“Still waiting,” wrote one Herald reader about the 101 line.", "public", None),
        (
            "“A leaflet is not a plan,” said one Mossgate parent after a police drop-in.",
            "public",
            None,
        ),
        (
            "“Money well spent,” said a Dunmere resident at the commissioner’s roadshow.",
            "public",
            None,
        ),
        ("“It was never inclusive,” said a former special constable from Dunmere.", "public", None),
        # A staff association is the force's people, not another force.
        (
            "Sgt Lena Ashby, who chairs the Norfolk Black Police Association, said so.",
            "force",
            "Lena Ashby",
        ),
        (
            "Cllr Owen Tate, long a critic of the force, said it had finally listened.",
            "government",
            None,
        ),
        (
            "“It is shameful,” said the leader, in a speech Owen Tate called “overdue”.",
            "public",
            None,
        ),
    ],
)
def test_speech_constructions(text, voice, speaker):
    seg = first(text)
    assert seg.voice == voice, text
    if speaker:
        assert seg.speaker == speaker


@pytest.mark.parametrize(
    "text",
    [
        # Role words in narration with no speech verb.
        "Residents of Dunmere can now report non-urgent crime through a webchat.",
        "The police and crime panel will meet at County Hall on Tuesday.",
        "Members of the police and crime panel have elected a new chair.",
        "Dunmere County Council has approved plans for 300 new homes.",
        "Trading standards officers seized 4,000 fake cigarettes from a shop.",
        "Calls that are graded as emergencies should be answered within ten seconds.",
        "Families of people with dementia are being urged to fill in a form.",
        "Residents of the estate have raised £9,000 for a new play park.",
        # Courts, juries, tribunals and inquests (a judge who speaks is an official: government).
        "The trial is expected to last two weeks, Mossgate Crown Court was told.",
        "The jury found him guilty of dangerous driving.",
        "The inquest heard the driver had been using his phone.",
        "A tribunal found the officer had been unfairly dismissed.",
        "A misconduct panel found that the sergeant had lied.",
        "A 40-year-old man has admitted causing death by dangerous driving.",
        "A farmer accused of stealing diesel will stand trial in June.",
        "A woman found dead at a flat had been stabbed, and a man has been charged.",
        "A man wanted on recall to prison has been arrested in Dunmere.",
        # Surveys, statistics and documents cited by the journalist.
        "Trust in the police rose to 70 per cent, a survey for the commissioner found.",
        "Four in ten residents who answered the survey said they never saw an officer.",
        "The proportion of residents who say the police do a good job rose to 60 per cent.",
        "The Victims’ Code says victims must be told within five days.",
        "Arrests fell by 5 per cent, according to the force’s annual equality report.",
        "Fraud cases rose, according to a report to the police and crime panel.",
        "Stop and search rose by a half, according to figures published by the Home Office.",
        # Residents and families reported after a conjunction are narration in the corpus.
        "Speeding fines rose by a third, but parents said their calls were rarely returned.",
    ],
)
def test_narration_is_media(text):
    seg = first(text)
    assert seg.voice == "media", (text, seg.voice, seg.speaker)


def test_his_office_resolves_to_last_pcc_speaker():
    text = (
        "“We will publish every figure,” said Giles Orpen-Smellie.\n\n"
        "The first report will appear in May, his office said."
    )
    segs = segment_article(text, PEOPLE, ALIASES)
    assert segs[-1].voice == "pcc"


def test_survey_owner_named_is_its_voice():
    text = "Half of the residents surveyed by the commissioner’s office said they were safe."
    assert first(text).voice == "pcc"
    text = "Speed cameras cut crashes, according to a report by the road safety charity Safe Lanes."
    assert first(text).voice == "public"


def test_his_office_takes_the_last_pcc_speakers_name():
    text = (
        "Giles Orpen-Smellie spoke to reporters.\n\n"
        "The first report will appear in May, his office said."
    )
    segs = segment_article(text, PEOPLE, ALIASES)
    assert (segs[-1].voice, segs[-1].speaker) == ("pcc", "Giles Orpen-Smellie")
