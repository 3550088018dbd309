"""The model owns its labels: `model.json`'s topic list is the order of the heads' outputs,
checked when the model loads, so the vocabulary's order can never mislabel a score."""

from __future__ import annotations

import json
import shutil

import pytest
from safetensors.torch import load_file, save_file

import sentiment.model_labels as labels_module
from sentiment.confidence_model import MODEL_DIR, ConfidenceModel, ModelMissingError

PASSAGE = (
    "Victims said nobody from the force rang them back for weeks, and the inspectors found "
    "that victims were not kept updated about their cases."
)


@pytest.fixture
def model_copy(tmp_path):
    """A writable copy of the shipped model folder."""
    folder = tmp_path / "model"
    shutil.copytree(MODEL_DIR, folder)
    return folder


def _edit_meta(folder, **changes):
    meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    meta.update(changes)
    (folder / "model.json").write_text(json.dumps(meta), encoding="utf-8")
    return meta


def test_the_shipped_model_lists_its_topics_in_head_order():
    meta = json.loads((MODEL_DIR / "model.json").read_text(encoding="utf-8"))
    heads = load_file(MODEL_DIR / "heads.safetensors")
    assert heads["topic.1.weight"].shape[0] == len(meta["topics"]) == 13
    assert meta["stances"] == ["negative", "neutral", "positive"]


@pytest.mark.slow
def test_labels_come_from_the_model_not_from_the_vocabulary(monkeypatch):
    expected = ConfidenceModel(MODEL_DIR, runtime="torch")
    (want,) = expected.score_passages([PASSAGE])
    assert want.topics, "the passage should get at least one topic"
    # the vocabulary lists the same topics in another order: nothing changes
    monkeypatch.setattr(labels_module, "TOPICS", tuple(reversed(labels_module.TOPICS)))
    reordered = ConfidenceModel(MODEL_DIR, runtime="torch")
    (got,) = reordered.score_passages([PASSAGE])
    assert reordered.topics == expected.topics
    assert [(t.topic, t.label, round(t.score, 4)) for t in got.topics] == [
        (t.topic, t.label, round(t.score, 4)) for t in want.topics
    ]
    assert "victim_updates" in {t.topic for t in got.topics}


def test_a_topic_the_product_does_not_know_is_refused(model_copy):
    meta = json.loads((model_copy / "model.json").read_text(encoding="utf-8"))
    topics = list(meta["topics"])
    topics[0] = "parking_fines"
    _edit_meta(model_copy, topics=topics)
    with pytest.raises(ModelMissingError, match=r"topics this version does not know \(parking"):
        ConfidenceModel(model_copy, runtime="torch")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"topics": []}, "no topic list"),
        ({"topics": None}, "no topic list"),
        ({"topics": ["general", "general"]}, "listed twice"),
        ({"stances": ["positive", "neutral", "negative"]}, "stance order"),
    ],
)
def test_a_broken_label_list_is_refused(model_copy, change, message):
    _edit_meta(model_copy, **change)
    with pytest.raises(ModelMissingError, match=message):
        ConfidenceModel(model_copy, runtime="torch")


def test_heads_that_do_not_match_the_topic_list_are_refused(model_copy):
    meta = json.loads((model_copy / "model.json").read_text(encoding="utf-8"))
    _edit_meta(model_copy, topics=meta["topics"][:-1])  # 12 listed, 13 outputs
    with pytest.raises(ModelMissingError, match=r"13.*12 topics"):
        ConfidenceModel(model_copy, runtime="torch")
    heads = load_file(model_copy / "heads.safetensors")
    heads["topic.1.weight"] = heads["topic.1.weight"][:12]
    heads["topic.1.bias"] = heads["topic.1.bias"][:12]
    save_file(heads, model_copy / "heads.safetensors")
    with pytest.raises(ModelMissingError, match="different models"):  # the embedding is 14 rows
        ConfidenceModel(model_copy, runtime="torch")
