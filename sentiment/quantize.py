"""Int8 copy of the exported encoder: per-token activation scales, per-column 7-bit weights.

Every matrix product of the encoder with a constant weight (36 in MiniLM-L6: query, key,
value, attention output and the two feed-forward products of each layer) is rewritten to run
on 8-bit integers in ONNX Runtime (its `MatMulIntegerToFloat`: exact int32 accumulation, the
column scales applied as the result is written); products that read the same input (query,
key, value) become one. Attention scores, softmax, layer norms and GELU stay fp32. The steps
around each product are kept few, since each is a pass over the activations: a row's range
from its maximum and minimum, one multiply, one `QuantizeLinear`, and one multiply by the
row scales after the product (on an AMX CPU this made the int8 encoder 1.4 times as fast as
the first version's Abs, Div, Round, Add, Cast and two Muls).

Why not ONNX Runtime's own `quantize_dynamic`: it scales the activations of a whole batch by
one range, so a passage's score moved with the passages batched beside it (by up to 0.45 on
the corpus). Here each token row gets its own scale, so a passage's hidden states depend on
that passage alone, as in fp32. The weights use 7 bits (-63..63) per output column so that
AVX2 CPUs without VNNI, whose u8 x s8 kernels add pairs of products in 16 bits, never
saturate. Activations are shifted to uint8 (zero point 128), ONNX Runtime's fast path on x86.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

# The attention the encoder is exported with, and so the graph this module rewrites. "eager"
# masks the scores with one Add; torch's SDPA export masks them with Where and IsNaN over every
# score, 8% of the int8 encoder's time (the bench's 2,000 paragraphs: 10.1 s against 11.1 s on
# a 2-core AMD EPYC, pooled vectors as close to fp32 as before). It lives here so that the
# quantiser's digest, and so the int8 scores' version, moves with it.
EXPORT_ATTENTION = "eager"
WEIGHT_LEVELS = 63.0  # 7-bit symmetric weights: see the module docstring
ACTIVATION_LEVELS = 127.0  # 8-bit symmetric per-token activations, stored shifted by 128
ZERO_POINT = 128
_EPS = 1e-8  # an all-zero token row keeps a finite scale


def quantizer_digest() -> str:
    """Hash of this module's source: a changed quantiser never reuses an old int8 file."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:8]


def quantize_weight(weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-output-column symmetric 7-bit quantisation of a (K, N) weight.

    Args:
        weight: (K, N) float matrix (inputs by outputs).

    Returns:
        (int8 (K, N) values in -63..63, float32 (N,) scales) with weight ~= values * scales.
    """
    scale = np.abs(weight).max(axis=0) / WEIGHT_LEVELS
    scale[scale == 0] = 1.0
    values = np.clip(np.round(weight / scale), -WEIGHT_LEVELS, WEIGHT_LEVELS).astype(np.int8)
    return values, scale.astype(np.float32)


class _Rewriter:
    """Builds the int8 graph: shared constants, one quantised copy per distinct input."""

    def __init__(self, graph):
        from onnx import numpy_helper

        self.numpy_helper = numpy_helper
        self.weights = {init.name: init for init in graph.initializer}
        self.nodes: list = []
        self.constants: list = []
        self.inputs: dict[str, str] = {}  # float input name -> prefix of its quantised copy
        self._constant("q_eps", np.array(_EPS, np.float32))
        self._constant("q_levels", np.array(ACTIVATION_LEVELS, np.float32))
        self._constant("q_one", np.array(1.0, np.float32))
        self._constant("q_zero_point", np.array(ZERO_POINT, np.uint8))

    def _constant(self, name: str, value: np.ndarray) -> str:
        self.constants.append(self.numpy_helper.from_array(value, name))
        return name

    def quantised_input(self, name: str, width: int) -> str:
        """Nodes that turn a float (..., width) input into uint8 rows with per-row scales."""
        from onnx import helper

        if name in self.inputs:
            return self.inputs[name]
        p = f"q{len(self.inputs)}"
        rows = self._constant(f"{p}_rows", np.array([-1, width], np.int64))
        # Each row's range from its largest and smallest value (two reads, no full-size
        # temporary), then one multiply and one QuantizeLinear (round, shift, cast) over x.
        self.nodes += [
            helper.make_node("Reshape", [name, rows], [f"{p}_x"]),
            helper.make_node("ReduceMax", [f"{p}_x"], [f"{p}_max"], axes=[1], keepdims=1),
            helper.make_node("ReduceMin", [f"{p}_x"], [f"{p}_min"], axes=[1], keepdims=1),
            helper.make_node("Neg", [f"{p}_min"], [f"{p}_neg_min"]),
            helper.make_node("Max", [f"{p}_max", f"{p}_neg_min", "q_eps"], [f"{p}_range"]),
            helper.make_node("Div", [f"{p}_range", "q_levels"], [f"{p}_scale"]),
            helper.make_node("Div", ["q_levels", f"{p}_range"], [f"{p}_inverse"]),
            helper.make_node("Mul", [f"{p}_x", f"{p}_inverse"], [f"{p}_scaled"]),
            helper.make_node(
                "QuantizeLinear", [f"{p}_scaled", "q_one", "q_zero_point"], [f"{p}_u8"]
            ),
            helper.make_node("Shape", [name], [f"{p}_lead"], end=-1),
        ]
        self.inputs[name] = p
        return p

    def dense(self, group: list) -> None:
        """Replace `MatMul(x, W_i)` nodes that share `x` (W_i constant) by one int8 product.

        Query, key and value read the same input: their weights are joined column-wise, so
        the input is quantised once and one integer product does the work of three. Weight
        scales are per column, so the result is the same as three separate products.
        """
        from onnx import helper

        x = group[0].input[0]
        weights = [
            self.numpy_helper.to_array(self.weights[n.input[1]]).astype(np.float32) for n in group
        ]
        p = self.quantised_input(x, weights[0].shape[0])
        q = f"{p}_{group[0].input[1]}".replace("/", "_").replace(":", "_")
        values, scales = quantize_weight(np.concatenate(weights, axis=1))
        self._constant(f"{q}_w", values)
        self._constant(f"{q}_wscale", scales)
        # ONNX Runtime's MatMulIntegerToFloat applies the column scales as it writes the
        # product out; the row scales follow in one multiply.
        self.nodes += [
            helper.make_node(
                "MatMulIntegerToFloat",
                [f"{p}_u8", f"{q}_w", "q_one", f"{q}_wscale", "q_zero_point"],
                [f"{q}_col"],
                domain="com.microsoft",
            ),
            helper.make_node("Mul", [f"{q}_col", f"{p}_scale"], [f"{q}_rows"]),
        ]
        parts = [f"{q}_rows"]
        if len(group) > 1:
            widths = self._constant(
                f"{q}_widths", np.array([w.shape[1] for w in weights], np.int64)
            )
            parts = [f"{q}_part{i}" for i in range(len(group))]
            self.nodes.append(helper.make_node("Split", [f"{q}_rows", widths], parts, axis=1))
        for i, (node, weight, part) in enumerate(zip(group, weights, parts, strict=True)):
            width = self._constant(f"{q}_n{i}", np.array([weight.shape[1]], np.int64))
            self.nodes += [
                helper.make_node("Concat", [f"{p}_lead", width], [f"{q}_shape{i}"], axis=0),
                helper.make_node("Reshape", [part, f"{q}_shape{i}"], list(node.output)),
            ]


def quantize_model(source: str | Path, target: str | Path) -> int:
    """Write an int8 copy of an fp32 ONNX encoder (atomically: a temporary file, then rename).

    Args:
        source: the fp32 export (`sentiment.runtime`).
        target: where the int8 model goes.

    Returns:
        How many matrix products were rewritten.

    Raises:
        ValueError: when the model has no constant-weight MatMul to rewrite.
    """
    import onnx

    model = onnx.load(str(source))
    graph = model.graph
    rewriter = _Rewriter(graph)
    groups: dict[str, list] = {}  # input name -> the dense products reading it
    for node in graph.node:
        if (
            node.op_type == "MatMul"
            and node.input[1] in rewriter.weights
            and len(rewriter.weights[node.input[1]].dims) == 2
        ):
            groups.setdefault(node.input[0], []).append(node)
    dense = {id(node) for group in groups.values() for node in group}
    rewritten = len(dense)
    for node in graph.node:
        if id(node) not in dense:
            rewriter.nodes.append(node)
        elif node is groups[node.input[0]][0]:
            rewriter.dense(groups[node.input[0]])  # the others are written with the first
    if not rewritten:
        raise ValueError(f"{source}: no MatMul with a constant weight to quantise")
    used = {name for node in rewriter.nodes for name in node.input}
    kept = [init for init in graph.initializer if init.name in used]
    del graph.node[:]
    graph.node.extend(rewriter.nodes)
    del graph.initializer[:]
    graph.initializer.extend(kept + rewriter.constants)
    if not any(o.domain == "com.microsoft" for o in model.opset_import):
        model.opset_import.append(onnx.helper.make_opsetid("com.microsoft", 1))
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".onnx.part", dir=target.parent)
    os.close(fd)
    try:
        onnx.save(model, tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    logger.info(
        "quantised %d matrix products of %s to int8 (%d integer products) at %s",
        rewritten,
        source,
        len(groups),
        target,
    )
    return rewritten
