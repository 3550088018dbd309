"""Article-structure rules on constructed text: headlines, reported findings, the publisher's
voice, speaker names, furniture and which force a passage is about (no model)."""

import pytest

from passages.article_voice import headline_voice, is_headline, reports_finding
from passages.force_target import ForceTargeter
from passages.furniture import furniture_kind
from passages.segment import segment_article
from passages.textcheck import skip_reason

ALIASES = ["Wexmoor Constabulary", "Wexmoor Police"]


def voices(text, kind=None, headline=False, aliases=ALIASES):
    return [
        (s.voice, s.speaker)
        for s in segment_article(text, [], aliases, source_kind=kind, headline=headline)
    ]


# -- headlines ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Police chiefs praised as force achieves outstanding rating", True),
        ("Wexmoor force branded failing by inspectors", True),
        ("The force said it was reviewing every case.", False),  # a sentence, not a headline
        (" ".join(["word"] * 30), False),  # too long for a headline
    ],
)
def test_is_headline(text, expected):
    assert is_headline(text) is expected


@pytest.mark.parametrize(
    ("text", "rule_voice", "voice"),
    [
        # a passive compliment in a headline is the journalist's framing
        ("Police chiefs praised as force achieves outstanding rating", "force", "media"),
        ("Wexmoor Police becomes first force branded failing", "force", "media"),
        # a finding by inspectors, or a quoted grade, is the inspectorate's
        ("Wexmoor Police given top rating by inspectors", "media", "inspectorate"),
        ("Watchdog finds Wexmoor Police failed victims", "media", "inspectorate"),
        ("Two forces 'require improvement'", "media", "inspectorate"),
        ("Police fail domestic abuse victims - HMIC report", "media", "inspectorate"),
        # a speech verb keeps the speaker the rules found
        ("Chief constable admits force let victims down", "force", "force"),
        ("Commissioner says 101 waits are unacceptable", "pcc", "pcc"),
    ],
)
def test_headline_voice(text, rule_voice, voice):
    assert headline_voice(text, rule_voice) == voice


@pytest.mark.parametrize(
    ("headline", "voice"),
    [
        # the speaker first with a bare headline verb, even before a quoted grade
        ("Wexmoor Police apologise to assault victim", "force"),
        ("Chief Constable slams report that rated Wexmoor Police 'inadequate'", "force"),
        ("Police raise concerns over drivers speeding on quiet roads", "force"),
        ("Residents hit back at plan to shut police counter", "public"),
        ("Ombudsman clears officers accused of excessive force", "inspectorate"),
        # a speaker's stated feeling
        ("Wexmoor Police Federation concerned at treatment of cleared PC", "force"),
        ('Police chief "angry and saddened" by criticism of her force', "force"),
        ("Residents angry at closure of police counter", "public"),
        # the speaker's own words after a colon; the speaker last
        ("Police: We must do better", "force"),
        ("No Christmas dinner for drink drivers, warn police", "force"),
        # not a speaker: a topic before a colon, a charge admitted in court, a police action,
        # a grade or a phrase quoted about the subject
        ("Police HQ: cost of the new building kept secret", "media"),
        ("Man admits causing death by careless driving", "media"),
        ("Police clear protest camp", "media"),
        ("Wexmoor Constabulary 'outstanding' at protecting vulnerable people", "inspectorate"),
        ("Police 101 number is a 'lost cause'", "media"),
    ],
)
def test_a_headline_s_own_speaker_shapes(headline, voice):
    assert voices(f"{headline}\n\nThe story follows here.", headline=True)[0][0] == voice


def test_politicians_and_the_old_crime_survey_are_government():
    text = "Politicians have strongly criticised Wexmoor Police over errors in its call centre."
    assert voices(text)[0][0] == "government"
    text = "Sam Reid, Green Party candidate for Ashby North, said the desk must stay open."
    assert voices(text)[0][0] == "government"
    text = "Figures released today by the British Crime Survey show a fall of 5% in crime."
    assert voices(text)[0][0] == "government"


def test_the_police_complaints_commission_is_a_watchdog_not_another_force():
    text = (
        "Two officers from Wexmoor Police have been given written warnings, the Independent "
        "Police Complaints Commission (IPCC) said."
    )
    assert voices(text) == [("inspectorate", "Independent Police Complaints Commission")]


def test_headline_rule_applies_to_the_first_paragraph_only():
    text = "Police chiefs praised as force improves\n\nPolice chiefs praised the new team"
    assert voices(text, headline=True)[0][0] == "media"
    assert voices(text, headline=False)[0][0] == "force"


# -- findings reported without a quote -------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Wexmoor Constabulary has been rated outstanding by Government inspectors.",
        "The force received two good grades from His Majesty's Inspectorate.",
        "Inspectors found the force did not record the grounds for searches.",
        "HMICFRS has removed the force from its enhanced monitoring.",
        "The force was graded 'requires improvement' for investigating crime.",
        # a watchdog's verdict in the passive
        "Wexmoor Police has been cautioned by a watchdog for slow progress on custody.",
        "Two officers accused of excessive force have been cleared by the Police Ombudsman.",
        # a grade said of the force, a watchdog's concern, its name at length with commas
        'Wexmoor Police is said to be "inadequate" in how it tackles organised crime.',
        "The force was inspected in three areas and found requiring improvement in two.",
        "The inspectorate was concerned about how the force dealt with victims of crime.",
        "A recent report from the police watchdog, His Majesty's Inspectorate of Constabulary "
        "(HMICFRS), has highlighted concerns about missing children.",
    ],
)
def test_reported_findings_are_the_inspectorate_s(text):
    assert reports_finding(text)
    assert [v for v, _ in voices(text)] == ["inspectorate"]


def test_a_report_s_findings_are_the_inspectorate_s_in_a_watchdog_story():
    finding = "A damning report has found that victims were left at risk."
    assert not reports_finding(finding)  # on its own, a report is the journalist's source
    assert reports_finding(finding, watchdog_article=True)
    text = f"The watchdog inspected Wexmoor Police in May.\n\n{finding}"
    assert [v for v, _ in voices(text)][1] == "inspectorate"
    assert voices(finding) == [("media", None)]


@pytest.mark.parametrize(
    "text",
    [
        "Officers arrested a man in Ashby on Friday.",
        "A report by the ethics panel said body cameras should be mandatory.",
        "The report will be discussed at the next meeting.",
    ],
)
def test_other_narration_is_not_a_finding(text):
    assert not reports_finding(text)


# -- the publisher's voice -------------------------------------------------------------------


def test_statement_page_narration_is_the_publisher_s():
    text = "We have answered more 101 calls this year.\n\nOfficers arrested a man on Friday."
    assert voices(text, kind="force_statement") == [("force", None), ("force", None)]
    assert voices(text, kind="pcc_statement")[0] == ("pcc", None)
    assert voices(text, kind="local_news")[0] == ("media", None)
    assert voices(text)[0] == ("media", None)


def test_a_statement_page_s_unattributed_quote_is_its_own_whatever_it_cites():
    text = (
        "“Burglaries fell this year. The figures released by the Office for National "
        "Statistics show a 14% reduction across Wexmoor.”"
    )
    assert voices(text, kind="pcc_statement") == [("pcc", None)]  # one quote, one passage
    # in the news the statisticians' figures stay theirs
    assert voices(text) == [("government", None)]
    assert voices(text.replace("“", "").replace("”", ""))[1][0] == "government"


def test_statement_page_quotes_people_by_name_as_its_own():
    text = 'Chairman Mike Harrow said: "Every officer who wants a Taser should have one."'
    assert voices(text, kind="force_statement") == [("force", "Mike Harrow")]
    assert voices(text, kind="local_news") == [("public", "Mike Harrow")]


def test_a_finding_on_a_statement_page_stays_the_inspectorate_s():
    text = "Inspectors found the force did not record the grounds for searches."
    assert [v for v, _ in voices(text, kind="force_statement")] == ["inspectorate"]


# -- speaker names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "voice", "speaker"),
    [
        (
            "His Majesty's Inspector of Constabulary Roy Wilshaw said the force was improving.",
            "inspectorate",
            "Roy Wilshaw",
        ),
        (
            'Following the rating Chief Constable Lee Freeland said: "My officers deserve it."',
            "force",
            "Lee Freeland",
        ),
        (
            'Chief Constable of Wexmoor Police, Matt Jenks said: "Knife crime is a concern."',
            "force",
            "Matt Jenks",
        ),
        (
            "Detective Inspector Richard Webb, who led the week of action, said it had worked.",
            "force",
            "Richard Webb",
        ),
        (
            "Dr John Topman told the paper that children as young as ten were stopped.",
            "public",
            "John Topman",
        ),
        (
            'IPCC Commissioner Cindy Batts said: "Taser use must be justified."',
            "inspectorate",
            "Cindy Batts",
        ),
        (
            "Policing Board member Daniel Cross said the delay was unacceptable.",
            "government",
            "Daniel Cross",
        ),
        # a family's spokesperson speaks for the family, not for the force
        (
            'Family spokesman Alan Reid said the meeting was "positive" and "open".',
            "public",
            "Alan Reid",
        ),
        (
            "A spokeswoman for the family said they were still waiting for answers.",
            "public",
            "A spokeswoman for the family",
        ),
    ],
)
def test_speaker_names_and_roles(text, voice, speaker):
    assert voices(text)[0] == (voice, speaker)


def test_an_adverb_or_honorific_is_never_a_speaker():
    text = 'Worryingly, the report said: "Records were incomplete."'
    assert all(s not in ("Worryingly", "Majesty") for _, s in voices(text))


def test_a_later_surname_finds_the_role_given_earlier():
    text = (
        "Roy Wilshaw, HM Inspector of Constabulary, said the force had improved.\n\n"
        "Mr Wilshaw said he wanted to congratulate the force.\n\n"
        "He said officers should be applauded."
    )
    assert [v for v, _ in voices(text)] == ["inspectorate"] * 3


def test_an_officer_who_speaks_before_a_finding_is_mentioned_keeps_the_forces_voice():
    text = (
        "The Chief Constable of Wexmoor Police has released a statement vowing to improve "
        "the force after it was found to be 'inadequate' in two areas."
    )
    assert voices(text)[0][0] == "force"
    # the force as the subject of a finding is still the inspectorate's judgement
    assert voices("Wexmoor Police has been rated 'inadequate' by inspectors.")[0][0] == (
        "inspectorate"
    )


def test_a_person_named_as_an_object_is_remembered_for_later():
    text = (
        "Councillor Ann Sims asked Wexmoor Police and Crime Commissioner Sir Graham Brightwell "
        "about the issue.\n\n"
        'Sir Graham said: "This is something we need to look at."'
    )
    assert voices(text)[1] == ("pcc", "Graham Brightwell")


# -- furniture -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Sean Price was sacked in 2012 Credit: Owen Humphries/PA", "credit"),
        ("(Image: Getty)", "credit"),
        ("police-car-wexmoor.jpg", "file_name"),
        ("By Jane Smith", "byline"),
        ("John Simpson, Crime Correspondent", "byline"),
        ("READ MORE: Shop owner arrested after burglary", "promo"),
        ("Sign up to our daily newsletter", "promo"),
        ("Friday, 27th September 2019, 6:00 am", "dateline"),
        ("Media response", "label"),
        ("Chief Constable Mark Webber", "caption"),
    ],
)
def test_furniture_kinds(text, kind):
    assert furniture_kind(text) == kind
    assert skip_reason(text) == "furniture"


def test_a_date_the_page_prints_before_a_sentence_is_furniture_apart_from_it():
    text = "date 2019-09-27 Wexmoor Police has become the first force to be rated inadequate."
    passages = segment_article(text, [], ALIASES)
    assert [p.text for p in passages] == [
        "date 2019-09-27",
        "Wexmoor Police has become the first force to be rated inadequate.",
    ]
    # a dateline, skipped unscored (as garbage: its digits are checked first)
    assert furniture_kind(passages[0].text) == "dateline"
    assert skip_reason(passages[0].text) is not None
    assert skip_reason(passages[1].text) is None
    # a date inside a sentence stays in it
    inside = "The 2019-09-27 report rated the force inadequate."
    assert [p.text for p in segment_article(inside, [], ALIASES)] == [inside]


@pytest.mark.parametrize(
    "text",
    [
        "Police clear probe",  # a three-word headline
        "Chief Constable Daniel Okafor Praises Eastmere Officers",
        "The photo was shared thousands of times, the force said.",
        "'Improve further'",  # a quoted sub-heading
        "What was judged?",
    ],
)
def test_content_is_not_furniture(text):
    assert furniture_kind(text) is None


# -- target force ----------------------------------------------------------------------------


@pytest.fixture
def targeter():
    return ForceTargeter("Wexmoor Constabulary", ["Wexmoor Police"], ["Ashby"])


@pytest.mark.parametrize(
    ("text", "has_topics", "previous", "target"),
    [
        ("Wexmoor Police answered 90% of 999 calls in ten seconds.", True, None, "force"),
        ("Wexmoor police were praised for their response.", True, None, "force"),
        ("Ashby police officers patrolled the town.", True, None, "force"),
        # naming our force beside another keeps it ours
        (
            "Wexmoor Constabulary and Suffolk Constabulary share a control room.",
            True,
            None,
            "force",
        ),
        ("Suffolk Constabulary was rated inadequate.", True, None, "other_force"),
        ("The Met has been placed in special measures.", True, None, "other_force"),
        ("Police Scotland closed 29 counters.", True, None, "other_force"),
        ("Devon and Cornwall Police cut its 101 waits.", True, None, "other_force"),
        # a police station or a watchdog named with "Police" is not another force
        ("Thornby Police Station's front counter has reopened.", True, None, "force"),
        (
            "The Independent Police Complaints Commission found no fault.",
            True,
            None,
            "force",
        ),
        ("Forces across England and Wales missed the target.", True, None, "national"),
        ("Nationally, confidence in policing fell to 46 per cent.", True, None, "national"),
        # the force's place named as one of the forces compared is the force
        ("Wexmoor is one of 12 of the 43 forces graded inadequate.", True, None, "force"),
        # the force ranked or measured against the country, without naming itself
        (
            "A police force has achieved the best crime-solving rate in England and Wales.",
            True,
            None,
            "force",
        ),
        (
            "The workforce fell by 16%, one per cent more than on a national level.",
            True,
            None,
            "force",
        ),
        # but a ranking of all forces stays national
        (
            "Nationally, the highest rises were in England and Wales's cities.",
            True,
            None,
            "national",
        ),
        (
            "Ashby County Council and councils across England and Wales objected.",
            True,
            None,
            "national",
        ),
        ("It also said its officers had made progress.", True, "other_force", "other_force"),
        ("The weather was cold.", False, None, "none"),
        ("Officers must improve how they update victims.", True, None, "force"),
    ],
)
def test_target(targeter, text, has_topics, previous, target):
    assert targeter.target(text, has_topics, previous) == target


def test_a_force_named_with_and_is_also_itself_with_an_ampersand():
    targeter = ForceTargeter("Wexmoor and Ashby Police", ["Wexmoor and Ashby Constabulary"])
    assert targeter.target("Wexmoor & Ashby Police apologised to the paper.", True) == "force"
    assert targeter.target("Vale & Down Police apologised to the paper.", True) == "other_force"
    said = "A spokesman for Wexmoor & Ashby Police said the claims were wrong."
    assert voices(said, aliases=["Wexmoor and Ashby Police"])[0][0] == "force"


def test_for_the_police_in_general_what_all_forces_do_is_theirs():
    general = ForceTargeter("Police", [], [])
    assert general.target("Forces across England and Wales missed the target.", True) == "force"
    assert general.target("Nationally, confidence fell to 46 per cent.", True) == "force"
    # a named force is still another force; with no topic a passage counts for nobody
    assert general.target("Suffolk Constabulary was rated inadequate.", True) == "other_force"
    assert general.target("Suffolk Police was rated inadequate.", True) == "other_force"
    assert general.target("Public confidence in the police has fallen.", True) == "force"
    assert general.target("Nationally, it rained.", False) == "national"


def test_police_words_that_are_not_force_names(targeter):
    assert targeter.other_forces("The Police Federation and Neighbourhood Police teams met.") == []


# -- readers' letters and reports named by what they are -------------------------------------


def test_a_readers_letters_page_is_the_publics_voice_throughout():
    text = (
        "Thornby Herald letter: Our PCSOs deserve better\n\n"
        "Why do people keep running down the officers who walk our streets?\n\n"
        "“They know every shop by name,” the chief constable once said."
    )
    got = voices(text, headline=True)
    assert [v for v, _ in got[:2]] == ["public", "public"]
    assert got[2][0] == "force"  # a quoted speaker keeps their own voice
    # the same page as news: the headline and narration are the journalist's
    plain = text.replace("Thornby Herald letter: ", "")
    assert [v for v, _ in voices(plain, headline=True)[:2]] == ["media", "media"]
    # a letter known by its salutation alone: the writer's words, under the paper's headline
    saluted = plain.replace("Why do", "SIR – Why do")
    assert [v for v, _ in voices(saluted, headline=True)[:2]] == ["media", "public"]
    saluted = plain.replace("Why do", "Dear Editor, why do")
    assert [v for v, _ in voices(saluted, headline=True)[:2]] == ["media", "public"]
    # or by its words to the paper about its own pages
    answering = plain.replace("Why do", "Your front page report on the closures was right. Why do")
    assert [v for v, _ in voices(answering, headline=True)[:3]] == ["media", "public", "public"]


COLUMN = (
    "Our PCSOs are worth every penny\n\n"
    "I have run the Neighbourhood Watch in Ashby for 14 years.\n\n"
    "Last week I rang 101 twice and nobody answered.\n\n"
    "The chief constable has announced that six front desks will close.\n\n"
    "PCSOs know every shop by name and I fear the cuts will be felt by everyone.\n\n"
    "“We will keep every neighbourhood team,” the chief constable said in March."
)


def test_a_first_person_column_is_its_writers_voice_under_the_papers_headline():
    got = [v for v, _ in voices(COLUMN, headline=True)]
    # the headline is the paper's; the writer's words, and what they report, are theirs
    assert got[:5] == ["media", "public", "public", "public", "public"]
    assert got[5] == "force"  # a quoted speaker keeps their own voice
    # news written in the third person is the journalist's: one "I" in a quote changes nothing
    news = (
        "Front desks to close\n\n"
        "Six front desks will close next year.\n\n"
        "The chief constable has announced the closures.\n\n"
        "“I know this is hard,” she said."
    )
    assert [v for v, _ in voices(news, headline=True)][:2] == ["media", "media"]
    # and so is a reporter's first-person feature from a shift with the police
    feature = (
        "A night on patrol\n\n"
        "I joined officers from the Ashby neighbourhood team on a Friday night shift.\n\n"
        "By midnight I had watched them deal with three fights and a missing teenager.\n\n"
        "The sergeant told me the team is two officers short."
    )
    assert [v for v, _ in voices(feature, headline=True)][:3] == ["media", "media", "media"]


def test_a_columns_writer_who_says_who_they_are_speaks_in_that_roles_voice():
    text = COLUMN.replace(
        "I have run the Neighbourhood Watch in Ashby for 14 years.",
        "As a county councillor for Ashby, I have heard from residents for 14 years.",
    )
    assert [v for v, _ in voices(text, headline=True)][1:5] == ["government"] * 4
    # somebody cited ("As the councillor put it, …") is not the writer
    cited = COLUMN.replace(
        "I have run the Neighbourhood Watch in Ashby for 14 years.",
        "As the councillor put it, I have run the Neighbourhood Watch for 14 years.",
    )
    assert [v for v, _ in voices(cited, headline=True)][1:5] == ["public"] * 4


def test_a_letter_from_a_forces_officers_or_the_force_itself_is_the_forces_voice():
    # the writers sign as a body: "As representatives of the officers of <force> we …"
    signed = (
        "Sir: As representatives of the officers of Wexmoor Police we were dismayed by your "
        "columnist's article on the force.\n\n"
        "The reorganisation was started by the chief constable and has involved every rank.\n\n"
        "Your article ignores the many positive findings of the report."
    )
    assert [v for v, _ in voices(signed)] == ["force"] * 3
    # a letter known by the item it answers, whose "we" arrests and seizes: the force
    answering = (
        "Most of those at the protest camp were law-abiding (Report, 10 March), but a "
        "minority came to damage the power station.\n\n"
        "We could have cleared the camp at once, but did not, to protect the right to "
        "protest.\n\n"
        "We seized bolt cutters and grappling hooks, and we only arrested 100 people.\n\n"
        "I believe the operation was a success."
    )
    assert [v for v, _ in voices(answering)] == ["force"] * 4
    # the same letter without the police's own acts is a reader's
    reader = answering.replace(
        "We seized bolt cutters and grappling hooks, and we only arrested 100 people.",
        "We saw bolt cutters and grappling hooks, and we only stayed one night.",
    )
    assert [v for v, _ in voices(reader)] == ["public"] * 4
    # news that cites no item and speaks of nobody's "we" stays the journalist's
    news = answering.replace(" (Report, 10 March)", "").replace("I believe", "Officers believe")
    assert voices(news)[0][0] == "media"


def test_a_statement_printed_below_its_introducing_line_is_the_bodys_voice():
    text = (
        "Force apologises to victim\n\n"
        "The complaint about the investigation was made in March.\n\n"
        "Wexmoor Police gave us this statement:\n\n"
        "Victims deserve to be treated with care.\n\n"
        "We have now reviewed the case and the service she received fell short.\n\n"
        "“It was a complete mess,” the woman said."
    )
    got = [v for v, _ in voices(text, headline=True)]
    assert got[1] == "media"
    assert got[2:5] == ["force", "force", "force"]
    assert got[5] == "public"  # someone quoted again: the statement has ended
    # the introducer's lead-in names a force, not the speaker
    inspector = text.replace(
        "Wexmoor Police gave us this statement:",
        "Commenting on the reports about Wexmoor Police, the chief inspector of constabulary said:",
    )
    assert [v for v, _ in voices(inspector, headline=True)][2:5] == ["inspectorate"] * 3
    # a line that only introduces a list of areas is no statement
    areas = text.replace("Wexmoor Police gave us this statement:", "The inspection covered:")
    assert [v for v, _ in voices(areas, headline=True)][3] == "media"


def test_a_transcripts_name_and_colon_introduce_the_speaker():
    text = (
        "Police and Crime Commissioner Jo Obi said officers might have been busy.\n\n"
        "Councillor Sam Reid said: “I rang 101 twice and nobody answered.”\n\n"
        "Mr Obi: “That’s the system. Even when they are busy, 999 still works.”"
    )
    got = voices(text)
    assert [v for v, _ in got] == ["pcc", "government", "pcc"]


def test_an_appositive_does_not_make_a_speaker_too_long_to_read():
    text = (
        "At the meeting Jo Obi, chief executive of the Office of the Police and Crime "
        "Commissioner, said the force received around a thousand 101 calls a day."
    )
    assert voices(text)[0][0] == "pcc"


@pytest.mark.parametrize(
    ("text", "watchdog_article", "expected"),
    [
        ("Wexmoor Police has been identified as failing by an official report.", True, True),
        ("Victims are left at risk, according to a major review published today.", True, True),
        ("Figures in a report by the IOPC show complaints doubled.", True, True),
        ("The survey also showed that a third had not seen an officer.", True, True),
        ("The survey also showed that a third had not seen an officer.", False, False),
        ("A survey by the parish council showed support for the plans.", True, False),
        # the document named at length before its verb, and verbs a report speaks with
        (
            "The HM Inspectorate of Constabulary and Fire and Rescue Services progress report "
            "on domestic abuse highlights the work of neighbourhood teams.",
            True,
            True,
        ),
        ("The review calls for every force to publish its response times.", True, True),
        ("Wexmoor Police was recognised in a national report published on Monday.", True, True),
        ("The force has been told in an inspectors’ report to answer calls faster.", True, True),
        ("The chief constable was named in the Queen's birthday honours.", True, False),
        ("The report on the new station highlights its cost.", False, False),
    ],
)
def test_findings_named_by_their_document(text, watchdog_article, expected):
    assert reports_finding(text, watchdog_article) is expected


def test_a_report_goes_on_speaking_in_the_next_sentence():
    text = (
        "Wexmoor Police was inspected by HMICFRS in May.\n\n"
        "A damning report has found that victims were left at risk.\n\n"
        "It also shows that the force arrests more domestic abusers than most.\n\n"
        "Whilst it acknowledges the progress made, there is still room for improvement.\n\n"
        "Wexmoor Police covers the county from six stations."
    )
    assert [v for v, _ in voices(text)][1:] == ["inspectorate"] * 3 + ["media"]
    # the findings go on without a subject of their own
    more = text.replace("Whilst it acknowledges", "There was also praise for").replace(
        "the progress made, there is still room for improvement", "its work with schools"
    )
    assert [v for v, _ in voices(more)][1:] == ["inspectorate"] * 3 + ["media"]
    # "It shows" after the journalist's own narration stays the journalist's
    plain = "Officers arrested a man in Ashby.\n\nIt also shows the force is busy."
    assert [v for v, _ in voices(plain)] == ["media", "media"]


@pytest.mark.parametrize(
    ("text", "voice"),
    [
        ("Wexmoor Police has launched its Christmas drink-drive campaign.", "force"),
        ("Wexmoor Police are urging drivers to slow down on the A11.", "force"),
        (
            "The force figures, released by Wexmoor Police, who are warning cyclists, show a rise.",
            "force",
        ),
        ("Wexmoor Police has today issued advice to shoppers after a spate of thefts.", "force"),
        # passive: the force is told, not telling
        ("Wexmoor Police was warned about its call handling last year.", "media"),
        # a bare figure is the journalist's, and another force's campaign is not this force's
        ("Wexmoor Police recorded 9,870 crimes last year.", "media"),
        ("Suffolk Police has launched its Christmas drink-drive campaign.", "media"),
    ],
)
def test_narration_relaying_the_force_s_announcement_is_the_force_s(text, voice):
    assert voices(text) == [(voice, None)]


# -- an organisation's response page ---------------------------------------------------------


@pytest.mark.parametrize(
    ("headline", "voice"),
    [
        ("Haven Trust responds to the inspectorate's report on stalking", "public"),
        ("Fairstop response to the Home Office consultation on search powers", "public"),
        ("Statement from Safer Streets Wexmoor in response to the review", "public"),
        ("Wexmoor Police and Crime Commissioner responds to HMICFRS report", "pcc"),
        ("Wexmoor Police Federation statement on the pay award", "force"),
        # not response pages: how the police respond to something, or news of a reply
        ("Police response to domestic abuse criticised by inspectors", None),
        ("Force response to rising burglary questioned by residents", None),
        ("Why the council ignored the residents", None),
    ],
)
def test_response_page_voice(headline, voice):
    from passages.article_voice import response_page_voice
    from passages.voice_resolver import VoiceResolver

    resolver = VoiceResolver([], ALIASES)
    assert response_page_voice(headline, resolver.role_voice) == voice


def test_an_organisation_s_response_page_is_its_voice_throughout():
    text = (
        "Haven Trust responds to the inspectorate's report on stalking\n\n"
        "Too many victims are still told to keep a diary and wait.\n\n"
        "Officers must record every report the day it is made.\n\n"
        "“We have trained every call handler,” a Wexmoor Police spokesperson said."
    )
    got = voices(text, headline=True)
    assert [v for v, _ in got[:3]] == ["public", "public", "public"]
    assert got[3][0] == "force"  # a quoted speaker keeps their own voice
    # on a news site the narration under the same headline is the journalist's
    assert [v for v, _ in voices(text, kind="local_news", headline=True)[1:3]] == ["media"] * 2
    # with no headline there is no page to read
    assert voices(text)[1][0] == "media"


# -- the official statisticians and a survey's answers ---------------------------------------


def test_official_statistics_and_their_respondents_are_the_government_s():
    text = (
        "Confidence in Wexmoor Police slips\n\n"
        "Figures from the Crime Survey for England and Wales published in July showed "
        "that fewer people rated their local police as good.\n\n"
        "Around three in five respondents said they had confidence in the local police.\n\n"
        "The force has recruited 40 officers since the spring.\n\n"
        "Chief Constable Ann Hale said the figures were a wake-up call.\n\n"
        "Around one in ten respondents had seen an officer on foot."
    )
    got = [v for v, _ in voices(text, headline=True)]
    assert got[1:4] == ["government", "government", "media"]
    # another voice has spoken since: the survey's answers no longer go on in its voice
    assert got[4:] == ["force", "media"]
    # answers with no official survey cited before them are the journalist's
    plain = (
        "Searches in Wexmoor rose by a fifth last year.\n\nHalf of respondents said they felt safe."
    )
    assert [v for v, _ in voices(plain)] == ["media", "media"]


@pytest.mark.parametrize(
    ("text", "voice"),
    [
        # figures a journalist cites are narration, even with an official owner's name on them
        ("Home Office figures show that searches rose by a fifth.", "media"),
        ("The latest Home Office figures show that 2,300 searches were carried out.", "media"),
        ("Figures from the Home Office show that searches rose.", "media"),
        ("Wexmoor Police figures show burglaries fell.", "media"),
        # a watchdog's, a commissioner's and the statisticians' figures are their finding
        ("New IOPC figures show complaints against officers rose.", "inspectorate"),
        ("The commissioner's figures show response times improved.", "pcc"),
        ("ONS statistics suggest knife crime fell last year.", "government"),
        # an office that acts is still its voice
        ("The Home Office has given the force an extra £2m.", "government"),
    ],
)
def test_figures_as_a_subject_speak_for_an_official_owner_only(text, voice):
    assert voices(text)[0][0] == voice


def test_an_unnamed_inspector_in_a_watchdog_story_is_the_inspectorate():
    text = (
        "The inspectorate published its review of victim care on Tuesday.\n\n"
        "Wexmoor Police was praised for its work with victims, which the inspector said had "
        "been “patient and thorough” in every case."
    )
    assert voices(text)[1][0] == "inspectorate"
    # a police inspector has a name, and with no watchdog in the story the rank is the force's
    named = "Inspector Jo Obi said officers had been “patient and thorough” with victims."
    assert voices(named)[0][0] == "force"
    no_watchdog = text.replace("The inspectorate published its review", "The force held a meeting")
    assert voices(no_watchdog)[1][0] == "force"


def test_a_feature_s_byline_is_the_journalist_s():
    text = "For years the county has had no crisis service at night, writes Jane Marlow."
    assert voices(text) == [("media", None)]
    # a speaker who is not the passage's writer keeps their voice
    quoted = "“Nobody called me back,” said Jane Marlow, who writes a blog about her case."
    assert voices(quoted)[0][0] == "public"


def test_a_grade_with_a_quoted_phrase_is_still_the_inspectorate_s():
    graded = 'Wexmoor Police has been rated good for "fairness" by inspectors.'
    assert voices(graded)[0][0] == "inspectorate"
    # a spokesperson reporting the grade, or a long quote, keeps the force's voice
    said = (
        "A force spokesperson said Wexmoor Police had been rated good for the first time, and "
        "thanked officers for “two years of hard work”."
    )
    assert voices(said)[0][0] == "force"


def test_a_list_of_findings_goes_on_in_the_inspectorate_s_voice():
    text = (
        "Inspectors found that Wexmoor Police:\n\n"
        "Lacks enough staff to vet new recruits\n\n"
        "And should check more often that officers are coping\n\n"
        "Has a new chief constable since the spring."
    )
    got = [v for v, _ in voices(text)]
    assert got[:3] == ["inspectorate"] * 3
    # the same items after narration are the journalist's
    plain = text.replace("Inspectors found that Wexmoor Police:", "Wexmoor Police in brief:")
    assert [v for v, _ in voices(plain)][1:3] == ["media", "media"]


def test_a_speaker_whose_inspection_it_is_speaks_for_the_inspectorate():
    text = (
        'In the report, inspector Jo Obi states: "Our inspection found victims waiting weeks '
        'for a call back."'
    )
    assert voices(text)[0][0] == "inspectorate"
    # a police inspector talking about an inspection of the force is still the force
    police = 'Inspector Jo Obi said: "The inspection found we answer calls faster than before."'
    assert voices(police)[0][0] == "force"


def test_unquoted_speech_goes_on_in_the_first_person():
    text = (
        "Roads Sergeant Rob Hale said: We will keep stopping drivers all month. So far we have "
        "arrested 40 of them for drink driving.\n\n"
        "The campaign runs until January."
    )
    got = voices(text)
    assert [v for v, _ in got] == ["force", "force", "media"]
    assert got[1][1] == got[0][1]
    # narration in the first person with nobody speaking before it stays the journalist's
    assert voices("This winter we have all seen more crashes.")[0][0] == "media"


def test_a_misconduct_hearing_s_panel_is_the_force_s():
    text = (
        "PC Jo Obi was dismissed after a gross misconduct hearing at force headquarters.\n\n"
        "The panel found she had been dishonest about her overtime.\n\n"
        "The panel was unanimous that she should be dismissed."
    )
    assert [v for v, _ in voices(text)][1:] == ["force", "force"]
    # outside a misconduct story a panel is the police and crime panel, or narration
    budget = "The panel found the commissioner's budget was balanced."
    assert voices(budget)[0][0] != "force"
    # what the hearing's panel accepted and added, and the rest of its quote, are the force's
    added = text + (
        "\n\nThe panel accepted that she was genuinely remorseful.\n\n"
        "The panel added: “Policing has to earn the trust of every community.\n\n"
        "“Honesty is where that trust starts.”"
    )
    assert [v for v, _ in voices(added)][3:] == ["force", "force", "force"]


def test_a_leader_who_recognises_something_speaks():
    text = "The chief constable recognised that waits for a call back were too long."
    assert voices(text)[0][0] == "force"
    # a report that recognises the force is the inspectorate's finding, not the force speaking
    report = "A national report by the inspectorate recognised the force's work with victims."
    assert voices(report)[0][0] == "inspectorate"


def test_a_speaker_after_a_quote_ends_where_their_clause_goes_on():
    text = (
        "“Most calls are answered in ten seconds,” said deputy chief constable Jo Obi "
        "adding that “a few calls” take longer."
    )
    assert voices(text)[0] == ("force", "Jo Obi")
    added = "“We are recruiting,” said Superintendent Jo Obi, adding that ten handlers start soon."
    assert voices(added)[0][0] == "force"


def test_a_complainant_s_grievance_in_a_watchdog_s_account_is_the_public_s():
    text = (
        "The Police Ombudsman has upheld a complaint against a Wexmoor officer.\n\n"
        "He complained as well that nobody rang him back.\n\n"
        "The family lodged a complaint about how the search was run.\n\n"
        "The investigator examined the officer's notebook."
    )
    assert [v for v, _ in voices(text, kind="inspectorate")] == [
        "inspectorate",
        "public",
        "public",
        "inspectorate",
    ]
    # the same grievance outside a watchdog's story is the journalist's report
    plain = "He complained as well that nobody rang him back."
    assert voices(plain)[0][0] == "media"
    # "he" read as the watchdog's office that spoke before is still the complainant
    office = (
        "The Police Ombudsman's Office said the constable should face a misconduct meeting.\n\n"
        "He expressed anger that his statement was never taken."
    )
    assert [v for v, _ in voices(office, kind="inspectorate")] == ["inspectorate", "public"]
    # "he" is never the investigation that spoke before
    found = (
        "A Wexmoor officer did not keep a victim informed, an inquiry by the watchdog found.\n\n"
        "He expressed anger that his statement was never taken."
    )
    assert [v for v, _ in voices(found, kind="inspectorate")] == ["inspectorate", "public"]


def test_a_grade_quoted_on_its_own_is_the_inspectorate_s_not_the_last_speaker_s():
    text = (
        "But Wexmoor Police has hit back, saying the inspection “missed half the picture”.\n\n"
        "Its call handling was rated “Good” by the inspectors."
    )
    assert [v for v, _ in voices(text)] == ["force", "inspectorate"]
    # a longer quote after the force spoke is still the force's
    goes_on = (
        "But Wexmoor Police has hit back, saying the inspection “missed half the picture”.\n\n"
        "“We were rated good for the way we answer calls and we are proud of it.”"
    )
    assert voices(goes_on)[1][0] == "force"
    # a grade the inspectors found, quoted, after an officer spoke
    found = (
        "Chief Constable Jo Obi said: “We have worked hard for this.”\n\n"
        "The force was rated “good” for “fairness” by the inspectorate.\n\n"
        "Its work with victims was found ‘outstanding’ this year."
    )
    assert [v for v, _ in voices(found)] == ["force", "inspectorate", "inspectorate"]


def test_a_headline_s_says_force_is_the_force_s():
    text = "Confidence in county police at its highest, says force\n\nA survey was published."
    assert voices(text, headline=True)[0][0] == "force"


def test_a_private_person_known_by_first_name_through_their_family_speaks_as_the_public():
    text = (
        "Susan's daughter was 15 when she reported the assault to Wexmoor Police.\n\n"
        "Chief Constable Ann Hale said the force had apologised.\n\n"
        "“It was a complete mess from start to finish,” Susan said."
    )
    assert voices(text)[-1] == ("public", "Susan")
    # a first name nobody introduced that way is not taken for a speaker of its own
    unknown = text.replace("Susan's daughter", "A girl")
    assert voices(unknown)[-1][0] == "force"


def test_letters_after_a_name_do_not_hide_its_surname():
    text = (
        "A police boss has welcomed an inspection report on Wexmoor Police.\n\n"
        "But Police and Crime Commissioner Winston Obi CB QC was surprised by one finding.\n\n"
        "Mr Obi said: “I will be scrutinising the force’s action plan.”"
    )
    assert voices(text)[-1] == ("pcc", "Winston Obi")


def test_he_or_she_is_the_unnamed_role_holder_who_spoke_last():
    # not the inspector named further back
    text = (
        "HM Inspector of Constabulary Wendy Marsh said the force had to improve.\n\n"
        "The chief constable believes the endorsement is down to hard work.\n\n"
        "He said: “It reflects the work of every officer.”"
    )
    assert [v for v, _ in voices(text)] == ["inspectorate", "force", "force"]


def test_he_or_she_is_a_person_named_in_narration_with_a_role_word_before_the_name():
    text = (
        "Chief Constable Pippa Marsh said there was more to do on rapid video response.\n\n"
        "PCC John Campion voiced his understanding of why victims hesitate to report abuse.\n\n"
        "He said: “I understand some victims do not feel comfortable coming forward.”"
    )
    assert voices(text)[-1] == ("pcc", "John Campion")
