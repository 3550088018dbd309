"""The int8 rewrite of constant-weight matrix products, on small ONNX graphs."""

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from sentiment.quantize import WEIGHT_LEVELS, quantize_model, quantize_weight


def _matmul_model(path, weight: np.ndarray) -> None:
    """x (batch, tokens, K) @ W (K, N) -> y, the shape of every dense layer of the encoder."""
    k, n = weight.shape
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"])],
        "dense",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", "tokens", k])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", "tokens", n])],
        [numpy_helper.from_array(weight, "w")],
    )
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))


def _run(path, x: np.ndarray) -> np.ndarray:
    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, {"x": x})[
        0
    ]


def test_weights_use_seven_bits_per_column():
    rng = np.random.default_rng(0)
    weight = rng.normal(size=(64, 8)).astype(np.float32)
    weight[:, 3] = 0.0  # an all-zero column keeps a usable scale
    values, scales = quantize_weight(weight)
    assert values.dtype == np.int8
    assert scales.shape == (8,)
    assert np.abs(values).max() == WEIGHT_LEVELS
    assert np.all(values[:, 3] == 0)
    assert scales[3] == 1.0
    assert np.abs(values * scales - weight).max() <= scales.max() / 2 + 1e-7


def test_int8_product_is_close_and_each_row_independent(tmp_path):
    rng = np.random.default_rng(1)
    weight = rng.normal(size=(48, 40)).astype(np.float32)
    _matmul_model(tmp_path / "fp32.onnx", weight)
    assert quantize_model(tmp_path / "fp32.onnx", tmp_path / "int8.onnx") == 1
    ops = {n.op_type for n in onnx.load(str(tmp_path / "int8.onnx")).graph.node}
    assert "MatMulIntegerToFloat" in ops
    assert "MatMul" not in ops

    x = rng.normal(size=(3, 5, 48)).astype(np.float32)
    x[1] *= 100.0  # one passage with a far larger range than its neighbours
    got = _run(tmp_path / "int8.onnx", x)
    want = x @ weight
    assert got.shape == want.shape
    rel = np.abs(got - want).max(axis=-1) / np.abs(want).max(axis=-1)
    assert rel.max() < 0.03
    # per-token scales: a row's result does not depend on what is batched beside it
    alone = _run(tmp_path / "int8.onnx", x[2:3])
    np.testing.assert_array_equal(alone[0], got[2])


def test_model_without_a_dense_layer_is_refused(tmp_path):
    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"])],
        "no-dense",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])],
    )
    onnx.save(helper.make_model(graph), str(tmp_path / "relu.onnx"))
    with pytest.raises(ValueError, match="no MatMul with a constant weight"):
        quantize_model(tmp_path / "relu.onnx", tmp_path / "out.onnx")
    assert not (tmp_path / "out.onnx").exists()


def test_products_of_one_input_share_one_integer_product(tmp_path):
    # query, key and value read the same input: one quantisation, one integer product
    rng = np.random.default_rng(2)
    w1 = rng.normal(size=(32, 16)).astype(np.float32)
    w2 = rng.normal(size=(32, 24)).astype(np.float32)
    graph = helper.make_graph(
        [
            helper.make_node("MatMul", ["x", "w1"], ["y1"]),
            helper.make_node("MatMul", ["x", "w2"], ["y2"]),
        ],
        "two-heads",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", "tokens", 32])],
        [
            helper.make_tensor_value_info("y1", TensorProto.FLOAT, ["batch", "tokens", 16]),
            helper.make_tensor_value_info("y2", TensorProto.FLOAT, ["batch", "tokens", 24]),
        ],
        [numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(w2, "w2")],
    )
    onnx.save(
        helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]),
        str(tmp_path / "a.onnx"),
    )
    assert quantize_model(tmp_path / "a.onnx", tmp_path / "b.onnx") == 2
    ops = [n.op_type for n in onnx.load(str(tmp_path / "b.onnx")).graph.node]
    assert ops.count("MatMulIntegerToFloat") == 1
    assert ops.count("QuantizeLinear") == 1
    assert ops.count("Split") == 1
    x = rng.normal(size=(2, 3, 32)).astype(np.float32)
    y1, y2 = ort.InferenceSession(str(tmp_path / "b.onnx"), providers=["CPUExecutionProvider"]).run(
        None, {"x": x}
    )
    for got, want in ((y1, x @ w1), (y2, x @ w2)):
        assert got.shape == want.shape
        assert np.abs(got - want).max() / np.abs(want).max() < 0.03
