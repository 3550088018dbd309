"""The labelling conventions read as rules over the model's stance (`sentiment.stance_rules`):
a force defending its record is praise of it; "the force still needs to improve" is not."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from core.config import Config, Force, Person
from core.errors import ModelMissingError
from sentiment.confidence_model import MODEL_DIR, ConfidenceModel, PassageResult, TopicScore
from sentiment.stance_rules import (
    apply_rules,
    is_defence,
    is_intent,
    needs_improvement,
    rule_for,
    ruled,
    ruled_row,
)

# --- which passages the rules read ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Chief Constable Dana Hart said the report was inaccurate and did not reflect the work "
        "of her officers.",
        "Wexmoor Police has hit back at the inspection, calling its findings deeply flawed.",
        "Police chief 'angry and saddened' by criticism of her force",
        "It is disappointing that the inspectorate's comments fail to acknowledge the huge "
        "progress made since the last inspection.",
        "We strongly disagree with the claims made in the article about our response times.",
        "The grading is not a fair reflection of the work our officers do every day.",
        "The force said it did not accept the inspectorate's view that its vetting unit was "
        "under-resourced.",
        "I don't believe the 'requires improvement' judgement reflects the work of our officers.",
    ],
)
def test_the_force_disputing_a_critic_is_a_defence(text):
    assert is_defence(text, "force")
    assert is_defence(text, "pcc")  # the commissioner defending the force


@pytest.mark.parametrize("voice", ["public", "government", "inspectorate", "media", None])
def test_other_voices_disputing_a_report_are_not_the_force_defending_itself(voice):
    # campaigners calling a report on the force flawed are criticising the force
    assert not is_defence("Campaigners said the report was flawed and misleading.", voice)


@pytest.mark.parametrize(
    "text",
    [
        # a dispute with no critic named: the force is not answering a judgement of it
        "The chief constable said the delay in answering calls was unfair on residents.",
        # a concession: the force accepts the criticism, whatever else it disputes
        "We accept the report's findings and apologise, though some of its figures are inaccurate.",
        "The chief constable said the force must improve, while calling one claim unfair.",
        # agreeing with the critic is a concession too
        "The chief constable said it was unfair that victims had to wait so long, and the "
        "report was right to say so.",
        "I agree with the inspectors' conclusions, even if some of the wording is unfair.",
        # the emotion is aimed at what officers did, not at the report
        "The chief constable said she was saddened that the officers' behaviour fell short.",
    ],
)
def test_no_defence_without_a_critic_or_with_a_concession(text):
    assert not is_defence(text, "force")


def test_not_accepting_the_findings_is_no_concession():
    assert is_defence("We do not accept the findings, which are inaccurate.", "force")


@pytest.mark.parametrize(
    "text",
    [
        "The force was praised for its progress but still needs to improve, inspectors said.",
        "It was found to be requiring improvement in two of the three areas inspected.",
        "Although investigations are generally good, more needs to be done to improve supervision.",
        "I expect the chief constable to improve how the force captures local knowledge.",
        "Inspectors rated the force inadequate at protecting vulnerable people.",
        # a negative earlier in the sentence does not deny the finding
        "The force has not done enough and needs to improve.",
    ],
)
def test_a_finding_that_the_force_must_improve_is_read(text):
    assert needs_improvement(text)
    assert rule_for(text, "inspectorate") == "improvement"


@pytest.mark.parametrize(
    "text",
    [
        "The force no longer requires improvement in how it investigates crime.",
        "This is an improvement on last year's grade, which was requires improvement.",
        "The force moved from inadequate to good in a year.",
        "Officers improved response times by a fifth.",
        "The force has moved out of 'requires improvement' for the first time.",
        "The force has improved since it was rated inadequate in 2019.",
        # denied
        "The force has been graded outstanding, with no areas requiring improvement.",
        "Inspectors found no evidence that the force needs to improve its handling of calls.",
        "The force does not need to improve its call handling, the report said.",
    ],
)
def test_a_grade_left_behind_or_improvement_made_is_not(text):
    assert not needs_improvement(text)


def test_a_concession_before_the_main_clause_follows_the_main_clause():
    # hedges follow the main clause: the improvement needed is conceded, the praise stands
    assert not needs_improvement(
        "Although the report highlights areas where the force still needs to improve, it "
        "paints a picture of a force that has grasped the challenge."
    )
    # the improvement needed in the main clause is read, whatever the concession before it
    assert needs_improvement(
        "While the force is good at answering calls, it still needs to improve how it "
        "investigates crime."
    )
    assert needs_improvement(
        "Inspectors said that while response times were good, the force requires improvement "
        "in two areas."
    )


@pytest.mark.parametrize(
    "text",
    [
        "We remain committed to delivering the policing service our communities deserve.",
        "Protecting victims of domestic abuse is our priority.",
        "I remain resolute in our effort to improve.",
        "Our top priority is keeping people safe on the county's roads.",
    ],
)
def test_the_force_stating_intent_only_is_read_as_intent(text):
    assert is_intent(text, "force")
    assert is_intent(text, "pcc")
    assert rule_for(text, "force") == "intent"
    assert not is_intent(text, "public")  # a resident's wish is the model's to read
    assert rule_for(text, "media") is None


@pytest.mark.parametrize(
    "text",
    [
        # something done, found or felt besides the intent: the model reads it
        "We have made real progress and remain committed to improving further.",
        "We are proud of our officers and remain committed to the community.",
        "We are committed to recruiting 200 more officers by March.",
        "Crime fell and we remain focused on burglary.",
        "Tackling knife crime is our priority, and arrests are up by a third.",
    ],
)
def test_intent_with_a_claim_beside_it_is_not_pure_intent(text):
    assert not is_intent(text, "force")


def test_intent_evens_out_the_polar_probabilities():
    read = ruled(_score(0.62, 0.3, 0.08), "intent")
    assert read.label == "neutral"
    assert read.score == 0
    assert (read.p_positive, read.p_neutral, read.p_negative) == pytest.approx((0.08, 0.84, 0.08))
    # when the polar probabilities are high and even or near it, intent is still neutral
    assert ruled(_score(0.45, 0.1, 0.45), "intent").label == "neutral"
    assert ruled(_score(0.48, 0.1, 0.42), "intent").label == "neutral"


def test_a_defence_is_read_as_a_defence_even_when_it_quotes_the_grade():
    text = "The chief constable said the 'requires improvement' grading did not reflect the work."
    assert rule_for(text, "force") == "defence"
    assert rule_for(text, "public") == "improvement"  # a critic quoting the grade
    assert rule_for(text, "force", ("improvement",)) == "improvement"  # defence not applied
    assert rule_for(text, "force", ()) is None


# --- what a rule does to a stance -----------------------------------------------------------


def _score(pos: float, neu: float, neg: float, uncertain: bool = False) -> TopicScore:
    label = (
        "neutral"
        if uncertain
        else max((("positive", pos), ("neutral", neu), ("negative", neg)), key=lambda x: x[1])[0]
    )
    return TopicScore("general", label, pos - neg, pos, neu, neg, 0.9, uncertain)


def test_a_defence_read_negative_becomes_its_mirror():
    read = ruled(_score(0.2, 0.1, 0.7), "defence")
    assert (read.label, read.p_positive, read.p_neutral, read.p_negative) == (
        "positive",
        0.7,
        0.1,
        0.2,
    )
    assert read.score == pytest.approx(0.5)
    assert read.topic == "general"
    assert read.topic_prob == 0.9


def test_a_defence_already_read_positive_is_left_alone():
    score = _score(0.6, 0.3, 0.1)
    assert ruled(score, "defence") is score


def test_a_finding_of_improvement_read_positive_becomes_negative():
    read = ruled(_score(0.55, 0.15, 0.3), "improvement")
    assert (read.label, read.p_positive, read.p_negative) == ("negative", 0.3, 0.55)
    assert ruled(_score(0.1, 0.2, 0.7), "improvement").label == "negative"  # unchanged


def test_an_abstained_stance_stays_neutral_but_its_score_turns():
    read = ruled(_score(0.38, 0.3, 0.32, uncertain=True), "improvement")
    assert read.label == "neutral"
    assert read.uncertain
    assert read.score == pytest.approx(-0.06)


def test_a_ruled_row_is_in_the_stance_heads_order():
    row = np.array([0.7, 0.1, 0.2])  # negative, neutral, positive
    assert ruled_row(row, "defence").tolist() == [0.2, 0.1, 0.7]
    assert ruled_row(row, "improvement") is row
    assert ruled_row(row, None) is row
    assert ruled_row(row, "intent").tolist() == pytest.approx([0.2, 0.6, 0.2])
    assert row.tolist() == [0.7, 0.1, 0.2]  # the input is not changed


def test_apply_rules_rewrites_every_topic_of_the_passage():
    result = PassageResult(topics=[_score(0.2, 0.1, 0.7), _score(0.3, 0.3, 0.4)])
    text = "The chief constable said the report was misleading."
    assert apply_rules(result, text, "force") == "defence"
    assert result.stance_rule == "defence"
    assert [t.label for t in result.topics] == ["positive", "positive"]
    assert apply_rules(PassageResult(), text, "force") is None  # nothing scored
    untouched = PassageResult(topics=[_score(0.2, 0.1, 0.7)])
    assert apply_rules(untouched, text, "force", ()) is None
    assert untouched.topics[0].label == "negative"


# --- the rules through the product ----------------------------------------------------------

ARTICLE = """Wexmoor Police rated inadequate by inspectors

Inspectors said Wexmoor Police was failing victims and rated the force inadequate at \
investigating crime.

Chief Constable Dana Hart said the report was inaccurate and misleading and did not reflect \
the work of her officers.
"""
CFG = Config(force=Force(name="Wexmoor Police", people=[Person(name="Dana Hart", role="force")]))


def _model_with_rules(tmp_path, rules) -> ConfidenceModel:
    folder = tmp_path / f"model_{'_'.join(rules) or 'none'}"
    shutil.copytree(MODEL_DIR, folder)
    meta = json.loads((folder / "model.json").read_text())
    meta["stance_rules"] = list(rules)
    (folder / "model.json").write_text(json.dumps(meta))
    return ConfidenceModel(folder, runtime="onnx")


@pytest.mark.slow
def test_the_shipped_model_reads_the_chief_constables_defence_as_positive(tmp_path):
    from pcm.analyse import analyse_document

    with_rules = analyse_document(ARTICLE, CFG, model=_model_with_rules(tmp_path, ["defence"]))
    without = analyse_document(ARTICLE, CFG, model=_model_with_rules(tmp_path, []))
    defence = [p for p in with_rules["passages"] if p["voice"] == "force"]
    assert len(defence) == 1
    assert defence[0]["topics"]
    assert defence[0]["stance_rule"] == "defence"  # the JSON says a rule read it
    bare = next(p for p in without["passages"] if p["index"] == defence[0]["index"])
    assert bare["stance_rule"] is None
    for ruled_topic, model_topic in zip(defence[0]["topics"], bare["topics"], strict=True):
        assert model_topic["label"] == "negative"  # what the model reads on its own
        assert ruled_topic["label"] == "positive"
        assert ruled_topic["p_positive"] == model_topic["p_negative"]
    # the inspectors' passages are the model's own reading
    others = [p for p in with_rules["passages"] if p["voice"] != "force"]
    assert others == [p for p in without["passages"] if p["voice"] != "force"]
    assert "defence" in ConfidenceModel(MODEL_DIR, runtime="onnx").stance_rules


def test_a_model_naming_an_unknown_rule_is_refused(tmp_path):
    with pytest.raises(
        ModelMissingError, match="stance rules this version does not know \\(sarcasm"
    ):
        _model_with_rules(tmp_path, ["defence", "sarcasm"])


@pytest.mark.slow
def test_pcm_analyse_refuses_such_a_model_in_one_line(tmp_path, capsys):
    from pcm.cli import main

    with pytest.raises(ModelMissingError):
        _model_with_rules(tmp_path, ["sarcasm"])  # writes the folder, then refuses it
    config = tmp_path / "config.yaml"
    config.write_text(
        f"force:\n  name: Wexmoor Police\nmodel:\n  path: {tmp_path / 'model_sarcasm'}\n"
    )
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE)
    assert main(["analyse", str(article), "--config", str(config)]) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("pcm analyse: ")
    assert "stance rules this version does not know (sarcasm" in err[-1]
    assert "Traceback" not in "\n".join(err)


@pytest.mark.slow
def test_the_warehouse_scores_the_defence_as_pcm_analyse_does(tmp_path):
    from datetime import UTC, datetime

    from core.config import Model
    from passages.segment import segment_article
    from pcm.analyse import analyse_document
    from pcm.scoring import score_pending
    from warehouse.articles import ArticleRecord, PassageRecord, store_article
    from warehouse.connection import reader, writer

    model = _model_with_rules(tmp_path, ["defence", "improvement"])
    cfg = CFG.model_copy(
        update={
            "db_path": str(tmp_path / "pcm.duckdb"),
            "model": Model(path=str(model.path), runtime="onnx"),  # as `model` reads
        }
    )
    title, _, body = ARTICLE.partition("\n\n")
    now = datetime(2026, 11, 1, tzinfo=UTC)
    segments = segment_article(body, CFG.force.people, CFG.force.names, "local_news")
    with writer(cfg) as con:
        store_article(
            con,
            ArticleRecord("https://example.org/1", "Test", "local_news", title, None, now, now),
            [PassageRecord(s.position, s.paragraph, s.text, s.voice, s.speaker) for s in segments],
        )
    assert score_pending(cfg, progress=False) == len(segments)
    with reader(cfg.db_path) as con:
        stored = con.execute(
            "SELECT s.topic, s.label, round(s.p_positive, 4) FROM scores AS s "
            "JOIN scored_passages AS sp USING (passage_id, model_version) "
            "WHERE sp.voice = 'force' ORDER BY s.topic"
        ).fetchall()
    analysed = analyse_document(body, CFG, model=model)
    expected = sorted(
        (t["topic"], t["label"], t["p_positive"])
        for p in analysed["passages"]
        if p["voice"] == "force"
        for t in p["topics"]
    )
    assert stored == expected
    assert stored
    assert all(label == "positive" for _, label, _ in stored)


@pytest.mark.slow
def test_the_shipped_model_reads_a_statement_of_intent_as_neutral():
    from pcm.analyse import analyse_document

    text = (
        "Chief Constable Dana Hart said: “We remain committed to delivering the excellent "
        "policing service our communities deserve.”"
    )
    result = analyse_document(text, CFG, model=ConfidenceModel(MODEL_DIR, runtime="onnx"))
    intent = [p for p in result["passages"] if p["stance_rule"] == "intent"]
    assert len(intent) == 1
    assert intent[0]["voice"] == "force"
    assert intent[0]["topics"]
    for topic in intent[0]["topics"]:
        assert topic["label"] == "neutral"
        assert topic["score"] == 0
        assert topic["p_positive"] == topic["p_negative"]
