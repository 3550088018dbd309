"""The named speech rules of `passages.voice_rules` and `passages.sentence_rules`, each on
sentences written for it.

Every rule has a table: sentences of the shape it handles, with the speaker phrases it
proposes (or the voice it gives), and at least one sentence it must not fire on. The
`attribute` column is what the whole rule set gives the sentence on its own.
"""

from __future__ import annotations

import pytest

from core.config import Person
from passages import sentence_rules
from passages import voice_rules as rules
from passages.segment import segment_article
from passages.voice import SpeechContext, VoiceResolver, attribute
from passages.voice_rules import PASS, Attribution, Candidate, Sentence

PEOPLE = [
    Person(name="Dana Whitfield", role="force"),
    Person(name="Marcus Oyelaran", role="pcc"),
    Person(name="Helen Brack", role="inspectorate"),
]
ALIASES = ["Eastvale Constabulary", "Eastvale Police"]
NOBODY = (None, None)


def _resolver() -> VoiceResolver:
    return VoiceResolver(PEOPLE, ALIASES)


def _attributed(text: str) -> tuple[str | None, str | None]:
    a = attribute(text, _resolver(), SpeechContext())
    return a.voice, a.speaker


# --- Speaker rules: (sentence, speaker phrases the rule proposes, what `attribute` gives) ------

SPEAKER_RULE_CASES = {
    "opening_speaker": [
        ("Police said the road would reopen on Monday.", ["Police"], ("force", "Police")),
        ("Police have now said the road will reopen.", ["Police"], ("force", "Police")),
        (
            "In a statement, the force said it had referred itself to the watchdog.",
            ["the force"],
            ("force", "the force"),
        ),
        (
            "Insp Ravi Kaur, who leads the rural team, said thefts had fallen.",
            ["Insp Ravi Kaur", "Insp Ravi Kaur, who leads the rural team"],
            ("force", "Ravi Kaur"),
        ),
        (
            "Four in ten residents surveyed by the commissioner's office said they felt safe.",
            ["the commissionerʼs office"],
            ("pcc", "the commissioner’s office"),
        ),
        ("Four in ten residents said they felt safe at night.", [], NOBODY),
        # "But" opens the sentence, the speaker follows it; a number's comma ends no clause
        (
            "But Eastvale's PCC Ana Fell, who said the force had spent £90,000 on the visit, "
            "said the inspection was wasteful.",
            [
                "Eastvaleʼs PCC Ana Fell",
                "Eastvaleʼs PCC Ana Fell, who said the force had spent £90000 on the visit",
            ],
            ("pcc", "Ana Fell"),
        ),
        # a clause of place first: the speaker is after its comma
        (
            "In the quotes gathered for the report, a 15-year-old boy said officers had laughed.",
            ["a 15-year-old boy"],
            ("public", "a 15-year-old boy"),
        ),
        # the plural present of the speech verbs ("police stress that", "chiefs have hailed")
        (
            "However, the police stress that the raids are part of a wider operation.",
            ["the police"],
            ("force", "the police"),
        ),
        (
            "Police chiefs have hailed a fall in burglaries across the county.",
            ["Police chiefs"],
            ("force", "Police chiefs"),
        ),
        (
            "Inspectors warn that too many victims are never called back.",
            ["Inspectors"],
            ("inspectorate", "Inspectors"),
        ),
        # a noun that is also a verb speaks only before "that": "the stress of the job"
        ("Officers stress the need for patience during the works.", [], NOBODY),
        ("Three men deny murder and will stand trial in June.", [], NOBODY),
        (
            "The man alleged that nobody took a statement from him.",
            ["The man"],
            ("public", "The man"),
        ),
        # the speaker comes after the verb: the clause before the comma is not a subject
        (
            "Victims deserve better from all of us, said the commissioner.",
            [],
            ("pcc", "the commissioner"),
        ),
        ("The bridge was closed after a lorry struck it on Tuesday.", [], NOBODY),
    ],
    "quote_then_verb_speaker": [
        (
            "“We will not tolerate this,” said Chief Constable Dana Whitfield.",
            ["Chief Constable Dana Whitfield"],
            ("force", "Dana Whitfield"),
        ),
        (
            "“Nobody came back to us,” said one shopkeeper after the meeting.",
            ["one shopkeeper"],
            ("public", "one shopkeeper"),
        ),
        ("“We will not tolerate this,” Dana Whitfield said.", [], ("force", "Dana Whitfield")),
    ],
    "quote_then_speaker": [
        (
            "“The figures speak for themselves,” the commissioner said.",
            ["the commissioner"],
            ("pcc", "the commissioner"),
        ),
        ("“We are listening,” Mr Oyelaran added.", ["Mr Oyelaran"], ("pcc", "Marcus Oyelaran")),
        (
            "“It was terrifying,” a neighbour told reporters.",
            ["a neighbour"],
            ("public", "a neighbour"),
        ),
        (
            "“The figures speak for themselves,” said the commissioner.",
            [],
            ("pcc", "the commissioner"),
        ),
    ],
    "speaker_before_quote": [
        (
            "Supt Leon Grady said: “Every report is investigated.”",
            ["Supt Leon Grady"],
            ("force", "Leon Grady"),
        ),
        (
            "The watchdog said in its report: “Victims were let down.”",
            ["The watchdog"],
            ("inspectorate", "The watchdog"),
        ),
        ("“Every report is investigated,” said Supt Leon Grady.", [], ("force", "Leon Grady")),
        # a relative clause with a "but" of its own: the head of the subject speaks
        (
            "Jo Lane, who once acted for the family, but has since retired, said: "
            "“Everyone did their job.”",
            [
                "Jo Lane but has since retired",
                "once acted for the family, but has since retired",
            ],
            ("public", "Jo Lane"),
        ),
        # a subordinate clause before the quote is not a speaker
        (
            "The force was put into special measures, where its chief is called before a board "
            "and questioned about “urgent changes”.",
            [],
            NOBODY,
        ),
    ],
    "according_to": [
        (
            "The scheme cut burglaries by a third, according to the commissioner.",
            ["the commissioner"],
            ("pcc", "the commissioner"),
        ),
        (
            "Response times improved, according to figures published by the IOPC.",
            ["the IOPC"],
            ("inspectorate", "the IOPC"),
        ),
        (
            "Crashes rose, according to a report by a road safety charity.",
            ["a road safety charity"],
            ("public", "a road safety charity"),
        ),
        ("Arrests fell, according to police data.", ["police data"], ("force", "police data")),
        ("Crime rose by 3 per cent, according to Home Office figures.", [], NOBODY),
    ],
    "trailing_speaker": [
        (
            "The patrols will continue all summer, a force spokesperson said.",
            ["a force spokesperson"],
            ("force", "a force spokesperson"),
        ),
        (
            "The station will stay open, Insp Ravi Kaur told the parish council on Monday.",
            ["Insp Ravi Kaur"],
            ("force", "Ravi Kaur"),
        ),
        ("Nobody was hurt, and he says no officer has ever apologised.", [], NOBODY),
        # a clause with no subject of its own ("and ended on Friday") is passed over
        (
            "The hearing was held at headquarters, Kingsmere, and ended on Friday, March 3, "
            "police said.",
            ["police"],
            ("force", "police"),
        ),
        # bodies that speak as many take the plural verb
        (
            "Drink-drivers will spend Christmas Day in a cell, police warn.",
            ["police"],
            ("force", "police"),
        ),
    ],
    "trailing_verb_speaker": [
        (
            "The lights were out all week, said shop owner Priya Lalani, whose window was smashed.",
            ["shop owner Priya Lalani"],
            ("public", "Priya Lalani"),
        ),
        (
            "Nobody answered the phone, said a resident at the meeting.",
            ["a resident"],
            ("public", "a resident"),
        ),
        ("Nobody was hurt, Insp Ravi Kaur said.", [], ("force", "Ravi Kaur")),
        # what was said after the verb, a clause of its own, is no speaker
        (
            "Demand is rising, said officers in the county received a thousand calls a day.",
            [],
            NOBODY,
        ),
    ],
    "which_speaker": [
        (
            "Patrols were doubled, which Supt Leon Grady said had cut thefts.",
            ["Supt Leon Grady"],
            ("force", "Leon Grady"),
        ),
        (
            "Fines went up, which the commissioner says has paid for more patrols.",
            ["the commissioner"],
            ("pcc", "the commissioner"),
        ),
        ("Patrols were doubled, which cut thefts in the town centre.", [], NOBODY),
    ],
    "antecedent_speaker": [
        (
            "The case was referred to the watchdog by the force, which said it was cooperating.",
            ["the force"],
            ("force", "the force"),
        ),
        ("The force, which covers three counties, has 2,000 officers.", [], NOBODY),
    ],
    "conjunction_speaker": [
        (
            "Two officers were suspended, and the inspectorate said the force had acted quickly.",
            ["the inspectorate"],
            ("inspectorate", "the inspectorate"),
        ),
        ("Meetings were cancelled, but parents said nobody explained why.", [], NOBODY),
    ],
}


def _rows(table: dict) -> list:
    return [
        pytest.param(name, *case, id=f"{name}-{i}")
        for name, cases in table.items()
        for i, case in enumerate(cases)
    ]


def test_every_speaker_rule_has_a_table_and_a_docstring():
    assert [r.__name__ for r in rules.SPEAKER_RULES] == list(SPEAKER_RULE_CASES)
    for rule in (*rules.SPEAKER_RULES, *rules.SPEAKER_READERS, *sentence_rules.SENTENCE_RULES):
        assert rule.__doc__, rule.__name__


def test_every_speaker_rule_has_a_case_it_must_not_fire_on():
    for name, cases in SPEAKER_RULE_CASES.items():
        assert any(not phrases for _, phrases, _ in cases), name
        assert any(phrases for _, phrases, _ in cases), name


@pytest.mark.parametrize(("name", "text", "phrases", "attributed"), _rows(SPEAKER_RULE_CASES))
def test_speaker_rule(name, text, phrases, attributed):
    rule = getattr(rules, name)
    found = rule(Sentence.read(text), _resolver())
    assert [c.phrase for c in found] == phrases
    assert _attributed(text) == attributed


def test_a_subject_after_a_leading_clause_is_tried_after_every_other_rule():
    s = Sentence.read("Nobody was hurt, Insp Ravi Kaur said.")
    assert rules.opening_speaker(s, _resolver()) == [Candidate("Insp Ravi Kaur", False, True)]
    assert rules.candidates(s, _resolver()) == [
        Candidate("Insp Ravi Kaur", False),  # trailing_speaker's
        Candidate("Insp Ravi Kaur", False, True),
    ]


def test_quote_rules_read_only_quoted_passages():
    s = Sentence.read("Police said the road would reopen on Monday.")
    assert not s.quoted
    for rule in (
        rules.quote_then_verb_speaker,
        rules.quote_then_speaker,
        rules.speaker_before_quote,
    ):
        assert rule(s, _resolver()) == []


# --- Speaker readers: (candidate phrase, strict, the passage, what the reader answers) ---------

_LONG = (
    "the man who lives at the end of the lane beside the old mill on the far side of the village"
)

SPEAKER_READER_CASES = {
    "not_a_speaker": [
        ("the jury", False, "", None),
        ("40 per cent of drivers", False, "", None),
        ("the victim was", False, "", None),
        (_LONG, False, "", None),
        ("the commissioner", False, "", PASS),
    ],
    "document_subject": [
        (
            "a survey by the neighbourhood watch group",
            True,
            "",
            ("public", "the neighbourhood watch group"),
        ),
        ("a survey for the commissioner", True, "", None),
        ("a report by the IOPC", True, "", PASS),  # the inspectorate's report speaks for it
        ("the commissioner", False, "", PASS),
    ],
    "office_speaker": [
        (
            "his office",
            False,
            "The commissioner's new scheme starts today, his office said.",
            ("pcc", "his office"),
        ),
        (
            "her office",
            False,
            "The MP for Eastvale will hold a surgery, her office said.",
            ("government", "her office"),
        ),
        ("his office", False, "The scheme starts today, his office said.", ("pcc", "his office")),
        ("the force", False, "The scheme starts today, the force said.", PASS),
    ],
    "bare_spokesperson": [
        (
            "a spokesperson",
            False,
            "The council will review the decision, a spokesperson said.",
            ("government", "a spokesperson"),
        ),
        (
            "a spokesperson",
            False,
            "Nothing was taken, a spokesperson said.",
            ("force", "a spokesperson"),
        ),
        ("a force spokesperson", False, "Nothing was taken, a force spokesperson said.", PASS),
    ],
    "named_speaker": [
        ("Chief Constable Dana Whitfield", True, "", ("force", "Dana Whitfield")),
        ("Mr Oyelaran", True, "", ("pcc", "Marcus Oyelaran")),  # a configured person's surname
        ("Jo Pemberton", False, "", ("public", "Jo Pemberton")),  # a name alone, not strict
        ("a pensioner", True, "", ("public", "a pensioner")),
        ("Jo Pemberton", True, "", None),  # strict: a name without a role is nobody
    ],
}


def test_the_readers_are_in_order_and_each_has_a_table():
    assert [r.__name__ for r in rules.SPEAKER_READERS] == list(SPEAKER_READER_CASES)


@pytest.mark.parametrize(
    ("name", "phrase", "strict", "text", "expected"), _rows(SPEAKER_READER_CASES)
)
def test_speaker_reader(name, phrase, strict, text, expected):
    reader = getattr(rules, name)
    verdict = reader(Candidate(phrase, strict), Sentence.read(text), _resolver(), SpeechContext())
    assert verdict is PASS if expected is PASS else verdict == expected


def test_speaker_of_asks_the_readers_in_turn():
    s = Sentence.read("“The court heard enough,” the tribunal said.")
    assert (
        rules.speaker_of(Candidate("the tribunal", False), s, _resolver(), SpeechContext()) is None
    )
    found = rules.speaker_of(Candidate("the commissioner", False), s, _resolver(), SpeechContext())
    assert found == ("pcc", "the commissioner")


# --- Sentence rules: (passage, the article's last speaker, what the rule gives) ---------------

_LAST = ("force", "Dana Whitfield")

SENTENCE_RULE_CASES = {
    "continued_quote": [
        (
            "“We will be back next week.”",
            _LAST,
            Attribution("force", "Dana Whitfield", True, False),
        ),
        ("“We will be back next week.”", None, None),  # nobody has spoken yet
        ("The patrols will be back next week.", _LAST, None),  # no quote
        # a fragment quoted inside narration about somebody new is narration about them
        (
            "The council's safety lead, Chief Inspector Rowan Hale, pointed to the "
            "“steady fall in burglaries” since the spring.",
            _LAST,
            None,
        ),
        # so is narration about somebody with a role word as title ("PCC", no honorific)
        (
            "The report assessed the force as good and described PCC Jo Marr's investments in "
            "technology as an “ambitious and innovative change”.",
            _LAST,
            None,
        ),
        # narration that cites a word or three is not the last speaker going on
        ("The force was rated “good” for its “fairness” work.", _LAST, None),
        (
            "“We will be back,” and the team will stay “as long as it takes”.",
            _LAST,
            Attribution("force", "Dana Whitfield", True, False),
        ),
    ],
    "inspection_grade": [
        (
            "The force was rated inadequate for responding to the public.",
            None,
            Attribution("inspectorate", None, False, True),
        ),
        (
            "Its call handling was rated “Good” this year.",
            _LAST,
            Attribution("inspectorate", None, True, True),
        ),
        (
            "Eastvale Police has been graded good at preventing crime.",
            None,
            Attribution("inspectorate", None, False, True),
        ),
        ("The force rated the scheme a success.", None, None),
        # the items of a list of grades under "Inspectors said the force is"
        (
            "• ‘requires improvement’ at investigating crime; and",
            _LAST,
            Attribution("inspectorate", None, True, True),
        ),
        (
            "is ‘good’ at tackling serious and organised crime.",
            None,
            Attribution("inspectorate", None, True, True),
        ),
        (
            "- Outstanding in operating efficiently",
            None,
            Attribution("inspectorate", None, False, True),
        ),
        # a sentence that opens with the word is not an item
        ("Good at heart, the officers tried to help.", None, None),
        ("Good in parts, the film is too long.", None, None),
    ],
    "acting_subject": [
        # a subject acted upon after a modal is nobody acting ("They" are the searches)
        ("They can be carried out under ordinary powers.", ("public", "campaigners"), None),
        (
            "The commissioner will chair a public meeting in March.",
            None,
            Attribution("pcc", "The commissioner", False, True),
        ),
        (
            "Residents have started a petition to save the station.",
            None,
            Attribution("public", "Residents", False, True),
        ),
        (
            "Chief Constable Dana Whitfield visited the scene.",
            None,
            Attribution("force", "Dana Whitfield", False, True),
        ),
        (
            "Millbrook Parish Council had voiced concerns about the design.",
            None,
            Attribution("government", "Millbrook Parish Council", False, True),
        ),
        # a force's leader named with their rank acts for the force
        (
            "Deputy Chief Constable Rhian Moss has set out plans for 40 more officers.",
            None,
            Attribution("force", "Deputy Chief Constable Rhian Moss", False, True),
        ),
        ("Residents of Millbrook can now report crime online.", None, None),
        ("The council approved the plans on Tuesday.", None, None),
        ("Officers arrested a man on Friday.", None, None),
        ("The commissioner was heckled at the meeting.", None, None),
    ],
    "narration": [
        ("A lorry overturned on the bypass.", None, Attribution(None, None, False, False)),
        ("“Slow down,” the sign reads.", None, Attribution(None, None, True, False)),
    ],
}


def test_the_sentence_rules_are_in_order_and_narration_comes_last():
    assert [r.__name__ for r in sentence_rules.SENTENCE_RULES] == list(SENTENCE_RULE_CASES)


@pytest.mark.parametrize(("name", "text", "last", "expected"), _rows(SENTENCE_RULE_CASES))
def test_sentence_rule(name, text, last, expected):
    ctx = SpeechContext()
    if last:
        ctx.last_voice, ctx.last_speaker = last
    assert getattr(sentence_rules, name)(Sentence.read(text), _resolver(), ctx) == expected


def test_narration_remembers_people_for_a_later_he_said():
    ctx = SpeechContext()
    s = Sentence.read("The visit was arranged by Chief Constable Dana Whitfield last week.")
    assert sentence_rules.narration(s, _resolver(), ctx) == Attribution(None, None, False, False)
    assert ctx.last_person == ("force", "Dana Whitfield")
    assert attribute("“It was worth it,” he said.", _resolver(), ctx).speaker == "Dana Whitfield"


def test_narration_remembers_a_titled_name_for_a_later_he_added():
    ctx = SpeechContext()
    ctx.last_voice, ctx.last_speaker = "inspectorate", None
    text = (
        "The national lead for roads policing, Chief Constable Tomas Reyes, focused on the "
        "“welcome drop” in deaths."
    )
    assert attribute(text, _resolver(), ctx).voice is None
    assert attribute("He added: “There is more to do.”", _resolver(), ctx).voice == "force"


def test_a_person_named_again_by_first_name_is_the_he_of_the_next_quote():
    ctx = SpeechContext()
    resolver = _resolver()
    for text in (
        "Councillor Mara Quill asked Police and Crime Commissioner Sir Alan Pike about it.",
        "Now Sir Alan is asking residents for their views.",
    ):
        attribute(text, resolver, ctx)
        resolver.note_others(text, ctx)
    assert attribute("He said: “We will listen.”", resolver, ctx).voice == "pcc"


def test_a_person_introduced_with_a_role_acts_in_that_role():
    ctx = SpeechContext()
    resolver = _resolver()
    first = "Councillor Mara Quill asked Police and Crime Commissioner Sir Alan Pike about it."
    attribute(first, resolver, ctx)
    resolver.note_others(first, ctx)
    acting = attribute("Now Sir Alan is asking residents for their views.", resolver, ctx)
    assert acting.voice == "pcc"


@pytest.mark.parametrize("apostrophe", ["’", "'"])
def test_a_person_introduced_in_the_possessive_is_found_by_title_and_surname(apostrophe):
    # "PCC John Camden’s investments" introduces John Camden; "Mr Camden said:" is him
    ctx = SpeechContext()
    resolver = _resolver()
    first = (
        "The report praised PCC John Camden"
        + apostrophe
        + "s investments in technology as ambitious."
    )
    attribute(first, resolver, ctx)
    resolver.note_others(first, ctx)
    later = attribute("Mr Camden said: “This report is a pleasing reflection.”", resolver, ctx)
    assert (later.voice, later.speaker) == ("pcc", "John Camden")


def test_a_second_verb_joined_by_and_takes_the_sentences_subject():
    # not "assessed the constabulary as good in terms of efficiency and" as a speaker
    text = (
        "The report, released on Thursday, assessed the constabulary as ‘good’ in terms of "
        "efficiency and described its new control room as “timely”."
    )
    assert rules.opening_speaker(Sentence.read(text), _resolver()) == []
    assert _attributed(text)[0] == "inspectorate"


def test_a_pronoun_is_never_a_speaker_whose_noun_says_otherwise():
    ctx = SpeechContext()
    resolver = _resolver()
    assert attribute("The man alleged that nobody called him back.", resolver, ctx).voice == (
        "public"
    )
    assert attribute("He also said that he left messages.", resolver, ctx).voice == "public"
    assert attribute("She asked for the case file.", resolver, ctx).voice is None
    ctx = SpeechContext()
    attribute("The man alleged that nobody called him back.", resolver, ctx)
    assert attribute("They agreed to look again.", resolver, ctx).voice is None
    # "she" after "a teenage girl said" is the girl, not the last person named
    ctx = SpeechContext()
    attribute("Councillor Mara Quill said the report was late.", resolver, ctx)
    attribute("A teenage girl said officers had laughed at her.", resolver, ctx)
    assert attribute("She said: “Nobody believed me.”", resolver, ctx).voice == "public"
    # a family goes on as "they"
    ctx = SpeechContext()
    attribute("Her parents made a joint statement through their solicitor.", resolver, ctx)
    assert attribute("They said: “The sentence is too short.”", resolver, ctx).voice == "public"


def test_what_a_court_heard_is_evidence_not_the_last_speaker():
    text = (
        "Judge Alan Marsh said the attack had been brutal.\n\n"
        "The court heard he warned the victim not to call the police."
    )
    assert [s.voice for s in segment_article(text, [], ALIASES)] == ["government", "media"]


def test_a_word_quoted_in_narration_takes_no_speaker_from_later_in_the_paragraph():
    text = (
        "The county force was branded “failing” by a review panel. Its chief constable, "
        "Dana Whitfield, said: “We will improve.”"
    )
    got = [s.voice for s in segment_article(text, [], ALIASES)]
    assert got == ["media", "force"]
    # a quote that opens a paragraph is still the speaker's named later in it
    opening = (
        "“We will improve, and we will do it quickly.” Chief Constable Dana Whitfield said: "
        "“The plan starts today.”"
    )
    assert segment_article(opening, [], ALIASES)[0].voice == "force"


def test_a_watchdog_whose_name_holds_the_forces_name_is_the_watchdog():
    # a national article's config names the force just "Police"
    resolver = VoiceResolver([], ["Police"])
    assert resolver.role_voice("Independent Office for Police Conduct director Ana Fell") == (
        "inspectorate"
    )
    assert resolver.role_voice("police and crime commissioner Ana Fell") == "pcc"
    assert resolver.role_voice("a Police spokesperson") == "force"


def test_narration_is_not_reached_when_a_speaker_rule_names_somebody():
    ctx = SpeechContext()
    a = attribute("Police said the road would reopen on Monday.", _resolver(), ctx)
    assert a == Attribution("force", "Police", False, True)
    assert (ctx.last_voice, ctx.last_speaker) == ("force", "Police")


# Public officials and bodies named on real pages (each sentence written for this test).
@pytest.mark.parametrize(
    ("sentence", "voice"),
    [
        # a judge or magistrate who speaks is a public official; the court itself is narration
        (
            "Sentencing him, Judge Alan Marsh told the defendant he had shown no remorse.",
            "government",
        ),
        ("The magistrate said the arrest had been handled with care.", "government"),
        ("The court heard the van had been stolen two days earlier.", "media"),
        # the evidence told to a court, an inquest or a hearing, named last
        (
            "Officers who attended found a man with stab wounds, Bristol Crown Court heard.",
            "media",
        ),
        ("The defendant told officers he had been drinking, the jury was told.", "media"),
        # counsel: the Crown's is the state's, the defence's speaks for the accused
        ("Ann Lowe, prosecuting, said the attack had been unprovoked.", "government"),
        ("Tom Reed, defending, said his client was deeply sorry.", "public"),
        # the Federation speaks for officers; another federation does not
        ("Officers should be proud of the grading, the Federation has said.", "force"),
        # a force that "points out" a figure is speaking
        ("The constabulary pointed out that nine in ten calls were answered at once.", "force"),
        # the inspectorate's full name, acronym in brackets, then its finding
        (
            "His Majesty's Inspectorate of Constabulary and Fire & Rescue Services (HMICFRS) has "
            "removed the force from its enhanced monitoring.",
            "inspectorate",
        ),
        # the national statisticians' figures are their finding; other figures the journalist's
        (
            "Confidence in local policing has fallen for five years, according to the latest "
            "figures from the Office for National Statistics.",
            "government",
        ),
        (
            "Burglaries fell by a fifth, according to figures from the Home Office.",
            "media",
        ),
        # a police misconduct hearing is the force's process, whoever sits on or chairs it
        (
            "The senior officer on the panel, Chief Superintendent Ada Lyle, said the former "
            "constable had let the public down.",
            "force",
        ),
        ("Chair of the hearing Omar Pike said the allegations were proven.", "force"),
        # a commissioner's longer title is still the PCC; the Victims' Commissioner is not
        (
            "Ana Fell, Police, Crime and Victims' Commissioner for the county, said: “It is a "
            "tribute to every officer.”",
            "pcc",
        ),
        ("The Victims' Commissioner said the findings were worrying.", "inspectorate"),
        # a force that hits back is speaking
        (
            "But Wexbridge Constabulary has hit back, claiming the assessment was “inaccurate”.",
            "force",
        ),
        # "alleged" is speech after its speaker, not before a noun
        ("Three cases against alleged drug dealers collapsed this year.", "media"),
        ("Her parents made a joint statement through their solicitor.", "public"),
        ("Both district councils said the cuts went too far.", "government"),
        # the subject's own verbs before the speech verb keep it the speaker
        (
            "Police chiefs will publish a plan and say they are “deeply sorry” for the delays.",
            "force",
        ),
        # a clause before the comma is what was said, not a name the closing speaker describes
        ("Wexbridge Constabulary let victims down, a police watchdog has found.", "inspectorate"),
        ("Response times have fallen for three years, an inspection has found.", "inspectorate"),
        (
            "A woman who dialled 999 waited 47 minutes for officers to arrive, the force has "
            "confirmed.",
            "force",
        ),
        ("The force failed victims of domestic abuse, a review has concluded.", "media"),
        # the police authority is not another force ("Scottish Police")
        (
            "Ian Croft, a member of the Scottish Police Authority, said savings had been made.",
            "pcc",
        ),
    ],
)
def test_officials_and_bodies_on_real_pages(sentence, voice):
    segments = segment_article(
        f"Intro line about policing in the county.\n\n{sentence}", [], ["Wexbridge Constabulary"]
    )
    assert segments[-1].voice == voice, segments[-1]


def test_the_report_is_whoever_the_article_said_ordered_it():
    text = (
        "A review ordered by Police and Crime Commissioner Marcus Oyelaran found officers spent "
        "thousands of hours on mental health calls.\n\n"
        "The report states police were called to 14,000 such cases last year.\n\n"
        "It also found that custody doctors spent a quarter of their time on them."
    )
    got = [(s.voice, s.speaker) for s in segment_article(text, [], ALIASES)]
    assert got[1:] == [("pcc", "Marcus Oyelaran")] * 2
    # told the other way round, by a name introduced before
    later = (
        "Commissioner Marcus Oyelaran met officers in March.\n\n"
        "Mr Oyelaran commissioned the report after those meetings.\n\n"
        "The report highlights the time officers spend away from patrol."
    )
    assert segment_article(later, [], ALIASES)[-1].voice == "pcc"


def test_the_report_is_the_inspectorates_unless_its_owner_was_given():
    # no owner: an inspection's report, as before
    assert (
        segment_article("The report states response times have slipped.", [], ALIASES)[0].voice
        == "inspectorate"
    )
    # who paid for a survey does not make its findings theirs
    survey = (
        "A survey, funded by the commissioner, asked 2,000 residents about patrols.\n\n"
        "The report states most residents rarely see an officer."
    )
    assert segment_article(survey, [], ALIASES)[-1].voice == "inspectorate"
    # an inspection's report named later is what "the report" means from then on
    switched = (
        "A review ordered by the council found the cameras were rarely used.\n\n"
        "HMICFRS published its inspection report on the force on Tuesday.\n\n"
        "The report states the force must improve how it answers calls."
    )
    assert segment_article(switched, [], ALIASES)[-1].voice == "inspectorate"


@pytest.mark.parametrize(
    ("phrase", "voice"),
    [
        # Her Majesty's Inspector is not a police inspector, whatever they were before
        (
            "Her Majesty's Inspector Mike Cunningham, a former Eastvale Chief Constable",
            "inspectorate",
        ),
        ("His Majesty’s Inspector of Constabulary Roy Wilsher", "inspectorate"),
        ("HMI Wendy Williams", "inspectorate"),
        ("Inspector Jo Hale", "force"),
        # the force's police and crime panel is the council's, not the force
        ("Eastvale Police and Crime Panel member councillor Kuldip Sahota", "government"),
        ("Eastvale Police and Crime Commissioner Ana Fell", "pcc"),
        # a lawyer is a lawyer, whatever the cases
        ("A lawyer specialising in police complaint cases", "public"),
        ("a spokesperson for Eastvale Police", "force"),
    ],
)
def test_role_words_that_name_another_body_than_the_force(phrase, voice):
    assert _resolver().role_voice(phrase) == voice
