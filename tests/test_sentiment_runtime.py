"""The encoder's ONNX Runtime export: same scores as torch, cached, and safe when it breaks."""

import logging

import pytest

from sentiment.model import ConfidenceModel

pytestmark = pytest.mark.slow

TEXTS = [
    "Victims say detectives never called them back about the burglary.",
    "The inspectorate graded the force good at preventing crime.",
    "Officers searched 412 people in the city centre last month, the figures show.",
    "Great, another meeting where nobody from the police turns up.",
]


def _scores(model: ConfidenceModel) -> list[list[tuple]]:
    return [
        [(t.topic, t.label, t.score, t.topic_prob) for t in res.topics]
        for res in model.score_passages(TEXTS)
    ]


@pytest.fixture(scope="module")
def torch_scores():
    return _scores(ConfidenceModel(runtime="torch"))


def _same(got, want):
    assert [[(t, label) for t, label, _, _ in row] for row in got] == [
        [(t, label) for t, label, _, _ in row] for row in want
    ]
    for g_row, w_row in zip(got, want, strict=True):
        for (_, _, g_score, g_prob), (_, _, w_score, w_prob) in zip(g_row, w_row, strict=True):
            assert g_score == pytest.approx(w_score, abs=1e-4)
            assert g_prob == pytest.approx(w_prob, abs=1e-4)


def test_onnx_matches_torch_and_is_exported_once(tmp_path, torch_scores, caplog):
    caplog.set_level(logging.INFO, logger="sentiment.runtime")
    model = ConfidenceModel(cache_dir=tmp_path)
    assert model.runtime == "onnx"
    exported = list(tmp_path.glob("encoder-*.onnx"))
    assert len(exported) == 1 and model.version in exported[0].name
    _same(_scores(model), torch_scores)
    assert sum("exporting the encoder" in r.message for r in caplog.records) == 1

    caplog.clear()
    stamp = exported[0].stat().st_mtime_ns
    again = ConfidenceModel(cache_dir=tmp_path)
    assert again.runtime == "onnx"
    assert exported[0].stat().st_mtime_ns == stamp  # reused, not exported again
    assert not any("exporting the encoder" in r.message for r in caplog.records)
    assert [p.name for p in tmp_path.iterdir()] == [exported[0].name]  # no temporary left


def test_damaged_cache_file_is_exported_again(tmp_path, torch_scores, caplog):
    first = ConfidenceModel(cache_dir=tmp_path)
    path = next(tmp_path.glob("encoder-*.onnx"))
    path.write_bytes(b"not an onnx model")
    caplog.set_level(logging.INFO, logger="sentiment.runtime")
    model = ConfidenceModel(cache_dir=tmp_path)
    assert model.runtime == "onnx" and first.version == model.version
    assert any("ONNX Runtime unusable" in r.message for r in caplog.records)
    assert path.stat().st_size > 1_000_000
    _same(_scores(model), torch_scores)


def test_unusable_cache_falls_back_to_torch_with_a_warning(tmp_path, torch_scores, caplog):
    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("x")
    caplog.set_level(logging.WARNING, logger="sentiment.runtime")
    model = ConfidenceModel(cache_dir=blocked)
    assert model.runtime == "torch"
    messages = [r.message for r in caplog.records]
    assert any("runs on torch" in m and "model.runtime: torch" in m for m in messages)
    _same(_scores(model), torch_scores)
    assert not model.encoder.training  # a failed export leaves the encoder in eval mode


def test_unknown_runtime_is_refused():
    with pytest.raises(ValueError, match="use onnx or torch"):
        ConfidenceModel(runtime="tensorrt")


def test_scores_do_not_depend_on_batch_neighbours(tmp_path):
    # Why int8 was left out: dynamic quantisation scales each batch by its own range, so a
    # passage's score moved with the passages batched beside it (by up to 0.45 on the corpus).
    # fp32 must not move by more than float rounding.
    model = ConfidenceModel(cache_dir=tmp_path)
    model.batch_size = 1
    alone = _scores(model)
    model.batch_size = 3
    _same(_scores(model), alone)
