"""The encoder's runtimes: ONNX fp32 as torch, int8 and bf16 close to it, cached, safe if broken."""

import logging

import pytest
import torch

from sentiment import runtime
from sentiment.confidence_model import ConfidenceModel, encoder_weights_key
from sentiment.quantize import quantizer_digest

pytestmark = pytest.mark.slow

TEXTS = [
    "Victims say detectives never called them back about the burglary.",
    "The inspectorate graded the force good at preventing crime.",
    "Officers searched 412 people in the city centre last month, the figures show.",
    "Great, another meeting where nobody from the police turns up.",
]
# How far int8 may move a score or topic probability from torch's on these clear passages
# (over all 2,796 corpus passages: median 0.0002, 99th percentile 0.17, max 0.44).
INT8_TOLERANCE = 0.15
# bf16 moves them less (over the corpus: 1 label of 3,030 changed, scores by at most 0.06)
BF16_TOLERANCE = 0.05


def _scores(model: ConfidenceModel) -> list[list[tuple]]:
    return [
        [(t.topic, t.label, t.score, t.topic_prob) for t in res.topics]
        for res in model.score_passages(TEXTS)
    ]


@pytest.fixture(scope="module")
def torch_scores():
    return _scores(ConfidenceModel(runtime="torch"))


def _same(got, want, tolerance=1e-4):
    assert [[(t, label) for t, label, _, _ in row] for row in got] == [
        [(t, label) for t, label, _, _ in row] for row in want
    ]
    for g_row, w_row in zip(got, want, strict=True):
        for (_, _, g_score, g_prob), (_, _, w_score, w_prob) in zip(g_row, w_row, strict=True):
            assert g_score == pytest.approx(w_score, abs=tolerance)
            assert g_prob == pytest.approx(w_prob, abs=tolerance)


def _built(caplog, what: str) -> int:
    return sum(what in r.message for r in caplog.records)


def test_onnx_matches_torch_and_is_exported_once(tmp_path, torch_scores, caplog):
    caplog.set_level(logging.INFO, logger="sentiment.runtime")
    model = ConfidenceModel(runtime="onnx", cache_dir=tmp_path)
    assert model.runtime == "onnx"
    exported = list(tmp_path.glob("encoder-*.onnx"))
    assert len(exported) == 1
    assert encoder_weights_key(model.path) in exported[0].name
    _same(_scores(model), torch_scores)
    assert _built(caplog, "exporting the encoder") == 1

    caplog.clear()
    stamp = exported[0].stat().st_mtime_ns
    again = ConfidenceModel(runtime="onnx", cache_dir=tmp_path)
    assert again.runtime == "onnx"
    assert exported[0].stat().st_mtime_ns == stamp  # reused, not exported again
    assert not _built(caplog, "exporting the encoder")
    assert [p.name for p in tmp_path.iterdir()] == [exported[0].name]  # no temporary left


def test_int8_close_to_torch_and_built_once(tmp_path, torch_scores, caplog):
    caplog.set_level(logging.INFO, logger="sentiment")
    model = ConfidenceModel(runtime="int8", cache_dir=tmp_path)
    assert model.runtime == "int8"
    fp32 = ConfidenceModel(runtime="torch")
    # int8 scores are not fp32 scores: they are stored under their own version
    assert model.version == f"{fp32.version}-int8-{quantizer_digest()}"
    _same(_scores(model), torch_scores, INT8_TOLERANCE)
    names = sorted(p.name for p in tmp_path.iterdir())
    key = encoder_weights_key(model.path)
    assert len(names) == 2
    assert all(key in n for n in names)
    assert sum(n.endswith(f"-int8-{quantizer_digest()}.onnx") for n in names) == 1
    assert _built(caplog, "exporting the encoder") == 1
    assert _built(caplog, "quantised 36 matrix products") == 1

    caplog.clear()
    again = ConfidenceModel(runtime="int8", cache_dir=tmp_path)
    assert again.runtime == "int8"
    assert again.version == model.version
    assert not _built(caplog, "exporting the encoder")
    assert not _built(caplog, "quantised")
    assert _scores(again) == _scores(model)  # deterministic


def test_damaged_cache_file_is_exported_again(tmp_path, torch_scores, caplog):
    first = ConfidenceModel(runtime="onnx", cache_dir=tmp_path)
    path = next(tmp_path.glob("encoder-*.onnx"))
    path.write_bytes(b"not an onnx model")
    caplog.set_level(logging.INFO, logger="sentiment.runtime")
    model = ConfidenceModel(runtime="onnx", cache_dir=tmp_path)
    assert model.runtime == "onnx"
    assert first.version == model.version
    assert any("ONNX Runtime unusable" in r.message for r in caplog.records)
    assert path.stat().st_size > 1_000_000
    _same(_scores(model), torch_scores)


def test_damaged_int8_file_is_quantised_again(tmp_path, torch_scores, caplog):
    ConfidenceModel(runtime="int8", cache_dir=tmp_path)
    path = next(tmp_path.glob("encoder-*-int8-*.onnx"))
    path.write_bytes(b"\x00" * 100)
    caplog.set_level(logging.INFO, logger="sentiment")
    model = ConfidenceModel(runtime="int8", cache_dir=tmp_path)
    assert model.runtime == "int8"
    assert _built(caplog, "ONNX Runtime unusable") == 1
    assert _built(caplog, "quantised") == 1
    assert not _built(caplog, "exporting the encoder")  # the fp32 export was sound
    _same(_scores(model), torch_scores, INT8_TOLERANCE)


def test_int8_that_fails_its_check_falls_back_to_fp32(tmp_path, torch_scores, caplog, monkeypatch):
    monkeypatch.setattr(runtime, "MIN_COSINE", 1.01)  # no int8 model can pass this
    caplog.set_level(logging.WARNING, logger="sentiment.runtime")
    model = ConfidenceModel(runtime="int8", cache_dir=tmp_path)
    assert model.runtime == "onnx"
    assert "int8" not in model.version
    messages = [r.message for r in caplog.records]
    assert any("pooled cosine to torch only" in m for m in messages)
    assert any("int8 encoder is unusable" in m for m in messages)
    _same(_scores(model), torch_scores)


def test_unusable_cache_falls_back_to_torch_with_a_warning(tmp_path, torch_scores, caplog):
    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("x")
    caplog.set_level(logging.WARNING, logger="sentiment.runtime")
    model = ConfidenceModel(runtime="int8", cache_dir=blocked)
    assert model.runtime == "torch"
    assert "int8" not in model.version
    messages = [r.message for r in caplog.records]
    assert any("runs on torch" in m and "model.runtime: torch" in m for m in messages)
    _same(_scores(model), torch_scores)
    assert not model.encoder.training  # a failed export leaves the encoder in eval mode


def test_unknown_runtime_is_refused():
    with pytest.raises(ValueError, match="use auto, bf16, int8, onnx or torch"):
        ConfidenceModel(runtime="tensorrt")


@pytest.mark.parametrize(("units", "picked"), [(True, "bf16"), (False, "int8")])
def test_auto_picks_bf16_only_where_the_cpu_has_bf16_units(tmp_path, monkeypatch, units, picked):
    monkeypatch.setattr(runtime, "has_bf16_matrix_units", lambda: units)
    assert runtime.resolve_runtime("auto") == picked
    assert runtime.resolve_runtime("onnx") == "onnx"  # a named runtime is kept
    model = ConfidenceModel(cache_dir=tmp_path)
    assert model.runtime == picked
    assert model.version.split("-")[1] == picked


def test_the_cpu_description_names_the_units_speed_depends_on(monkeypatch):
    described = runtime.cpu_description()
    assert ("no AMX" in described) != runtime.has_bf16_matrix_units()
    assert ("no VNNI" in described) != bool(torch.cpu._is_vnni_supported())
    # a torch without the private checks (or whose check fails) counts as lacking the unit
    monkeypatch.delattr(torch.cpu, "_is_vnni_supported")
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", _raise)
    assert runtime.cpu_description().endswith(", no VNNI, no AMX)")


def _raise():
    raise RuntimeError("no cpuinfo")


def test_bf16_close_to_torch_and_deterministic(torch_scores):
    model = ConfidenceModel(runtime="bf16")
    assert model.runtime == "bf16"
    # bf16 scores are not fp32 scores: they are stored under their own version
    assert model.version == f"{ConfidenceModel(runtime='torch').version}-bf16"
    _same(_scores(model), torch_scores, BF16_TOLERANCE)
    assert _scores(model) == _scores(model)
    # the fp32 encoder is left as it was (torch fallback, training refits)
    assert all(p.dtype == torch.float32 for p in model.encoder.parameters())


def test_bf16_that_fails_its_check_falls_back_to_int8(tmp_path, torch_scores, caplog, monkeypatch):
    def broken(self, input_ids, attention_mask):
        return torch.zeros(*input_ids.shape, 384)  # a copy that lost its weights

    monkeypatch.setattr(runtime.Bf16Encoder, "__call__", broken)
    caplog.set_level(logging.WARNING, logger="sentiment.runtime")
    model = ConfidenceModel(runtime="bf16", cache_dir=tmp_path)
    assert model.runtime == "int8"
    assert "-int8-" in model.version
    assert any("bf16 encoder is unusable" in r.message for r in caplog.records)
    _same(_scores(model), torch_scores, INT8_TOLERANCE)


@pytest.mark.parametrize("name", ["int8", "onnx"])
def test_scores_do_not_depend_on_batch_neighbours(tmp_path, name):
    # ONNX Runtime's own dynamic quantisation scales each batch by its own range, so a
    # passage's score moved with the passages batched beside it (by up to 0.45 on the corpus).
    # Per-token scales (sentiment/quantize.py) must not: int8 as fp32, float rounding only.
    model = ConfidenceModel(runtime=name, cache_dir=tmp_path)
    assert model.runtime == name
    model.batch_size = 1
    alone = _scores(model)
    model.batch_size = 3
    _same(_scores(model), alone)


def test_bf16_scores_move_little_with_batch_neighbours():
    # bf16 rounds each product's result, and the kernels a batch shape gets can round
    # differently: a passage's score may move slightly with its neighbours (over 64 corpus
    # passages, alone vs batched: at most 0.014), never its labels on clear passages.
    model = ConfidenceModel(runtime="bf16")
    model.batch_size = 1
    alone = _scores(model)
    model.batch_size = 3
    _same(_scores(model), alone, BF16_TOLERANCE)
