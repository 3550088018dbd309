"""Where the encoder's forward pass runs: ONNX Runtime in int8 (the default), fp32, or torch.

ONNX Runtime runs the same fp32 weights about 1.7 times as fast as torch on these CPUs, with
the same scores; its int8 copy (`sentiment.quantize`) about twice as fast again, with scores
that move slightly (see the model card). The fine-tuned encoder is exported to ONNX once per
set of encoder weights and torch version and kept in a cache folder, and the int8 copy is
written beside it once per quantiser version. Every file is checked against torch on a probe
batch before it is used; any failure (runtime not installed, export, quantisation or check
failing, a damaged cache file) falls back int8 -> fp32 ONNX -> torch with a warning, so scores
never depend on the cache being sound.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from sentiment.quantize import quantize_model, quantizer_digest

logger = logging.getLogger(__name__)

RUNTIMES = ("int8", "onnx", "torch")
OPSET = 17
# fp32 ONNX Runtime and torch differ by float rounding only; anything larger is a bad export.
MAX_ABS_DIFF = 1e-3
# int8 moves hidden states a little; a pooled probe vector further from torch's than this
# means a broken quantisation (measured: 0.992 at worst over the bench's 2,000 paragraphs).
MIN_COSINE = 0.98
_PROBE = (
    "The chief constable said response times had improved.",
    "Officers did not record the grounds for the search, the inspectorate found.",
)


def cache_root(cache_dir: str | Path | None = None) -> Path:
    """The cache folder: `cache_dir`, $PCM_CACHE_DIR, $XDG_CACHE_HOME/pcm or ~/.cache/pcm."""
    if cache_dir:
        return Path(cache_dir)
    if os.environ.get("PCM_CACHE_DIR"):
        return Path(os.environ["PCM_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "pcm"


class _HiddenStates(torch.nn.Module):
    """The encoder with keyword inputs and the last hidden state as its only output."""

    def __init__(self, encoder: torch.nn.Module):
        super().__init__()
        self.encoder = encoder

    def forward(self, input_ids, attention_mask):
        return self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state


class OnnxEncoder:
    """An ONNX Runtime session over an exported (fp32 or int8) copy of the encoder.

    Args:
        path: the `.onnx` file.
        threads: intra-op threads (fixed, so results do not depend on the machine).
    """

    def __init__(self, path: Path, threads: int):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def __call__(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """(batch, tokens, hidden) last hidden states, as the torch encoder returns them."""
        feeds = {
            "input_ids": input_ids.numpy().astype(np.int64, copy=False),
            "attention_mask": attention_mask.numpy().astype(np.int64, copy=False),
        }
        return torch.from_numpy(self.session.run(None, feeds)[0])


def _export(encoder: torch.nn.Module, tokenizer, target: Path) -> None:
    """Write the encoder as ONNX to `target` (atomically: a temporary file, then a rename)."""
    logger.info("exporting the encoder to ONNX at %s (once per model)", target)
    target.parent.mkdir(parents=True, exist_ok=True)
    sample = tokenizer(list(_PROBE), padding=True, return_tensors="pt")
    fd, tmp = tempfile.mkstemp(suffix=".onnx.part", dir=target.parent)
    os.close(fd)
    dynamic = {0: "batch", 1: "tokens"}
    try:
        with warnings.catch_warnings(), torch.inference_mode(False), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                _HiddenStates(encoder).eval(),  # a new module is in training mode: dropout
                (sample["input_ids"], sample["attention_mask"]),
                tmp,
                input_names=["input_ids", "attention_mask"],
                output_names=["hidden"],
                dynamic_axes={"input_ids": dynamic, "attention_mask": dynamic, "hidden": dynamic},
                opset_version=OPSET,
                dynamo=False,
            )
        os.replace(tmp, target)
    finally:
        encoder.eval()
        if os.path.exists(tmp):
            os.unlink(tmp)


def _probe(onnx: OnnxEncoder, encoder: torch.nn.Module, tokenizer):
    """(torch, onnx) hidden states of the probe batch and its attention mask."""
    sample = tokenizer(list(_PROBE), padding=True, return_tensors="pt")
    with torch.inference_mode():
        expected = encoder(
            input_ids=sample["input_ids"], attention_mask=sample["attention_mask"]
        ).last_hidden_state
    return expected, onnx(sample["input_ids"], sample["attention_mask"]), sample["attention_mask"]


def _same_as_torch(encoder: torch.nn.Module, tokenizer) -> Callable[[OnnxEncoder], str | None]:
    def check(onnx: OnnxEncoder) -> str | None:
        expected, got, mask = _probe(onnx, encoder, tokenizer)
        mask = mask.bool()
        diff = float((expected[mask] - got[mask]).abs().max())
        return None if diff <= MAX_ABS_DIFF else f"differs from torch by {diff:.2g}"

    return check


def _close_to_torch(encoder: torch.nn.Module, tokenizer) -> Callable[[OnnxEncoder], str | None]:
    def check(onnx: OnnxEncoder) -> str | None:
        from sentiment.encoder import masked_mean

        expected, got, mask = _probe(onnx, encoder, tokenizer)
        cosine = torch.nn.functional.cosine_similarity(
            masked_mean(expected, mask), masked_mean(got, mask), dim=-1
        )
        worst = float(cosine.min())
        return None if worst >= MIN_COSINE else f"pooled cosine to torch only {worst:.3f}"

    return check


def _load_checked(
    target: Path,
    build: Callable[[], None],
    check: Callable[[OnnxEncoder], str | None],
    threads: int,
) -> OnnxEncoder | None:
    """A session over `target` that passes `check`, building the file first when missing.

    A cached file that fails to load or to pass the check is deleted and built once more (a
    damaged or stale file); a freshly built one that fails is given up on. Failures are
    logged and give None.
    """
    built = False
    for _ in range(2):
        try:
            if not target.is_file():
                built = True
                build()
            session = OnnxEncoder(target, threads)
            problem = check(session)
            if problem is None:
                return session
            logger.warning("%s: %s", target, problem)
        except Exception as exc:  # any failure means: fall back
            reason = (str(exc).splitlines() or [type(exc).__name__])[0]
            logger.warning("%s: ONNX Runtime unusable (%s)", target, reason)
        if built:
            break  # a fresh build that fails would fail again
        with contextlib.suppress(OSError):
            target.unlink(missing_ok=True)
    return None


def onnx_encoder(
    encoder: torch.nn.Module,
    tokenizer,
    key: str,
    cache_dir: str | Path | None,
    threads: int,
    runtime: str = "int8",
) -> tuple[OnnxEncoder | None, str]:
    """The ONNX Runtime twin of `encoder` for `runtime`, built on first use, with fallbacks.

    Args:
        encoder: the fine-tuned torch encoder (eval mode).
        tokenizer: its tokenizer.
        key: what identifies these encoder weights in the cache files' names.
        cache_dir: the cache folder (see `cache_root`).
        threads: intra-op threads.
        runtime: "int8" or "onnx" (fp32).

    Returns:
        (session, runtime it delivers): ("int8" or "onnx"), or (None, "torch") when ONNX
        Runtime is unusable here (logged).
    """
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        logger.warning("onnxruntime is not installed; the encoder runs on torch (slower)")
        return None, "torch"
    fp32 = cache_root(cache_dir) / f"encoder-{key}-torch{torch.__version__}.onnx"

    def load_fp32() -> OnnxEncoder | None:
        return _load_checked(
            fp32,
            lambda: _export(encoder, tokenizer, fp32),
            _same_as_torch(encoder, tokenizer),
            threads,
        )

    if runtime == "int8":
        int8 = fp32.with_name(f"{fp32.stem}-int8-{quantizer_digest()}.onnx")

        def build_int8() -> None:
            if load_fp32() is None:
                raise RuntimeError("no usable fp32 export to quantise")
            quantize_model(fp32, int8)

        session = _load_checked(int8, build_int8, _close_to_torch(encoder, tokenizer), threads)
        if session is not None:
            return session, "int8"
        logger.warning("the int8 encoder is unusable; using the fp32 ONNX export instead")
    session = load_fp32()
    if session is not None:
        return session, "onnx"
    logger.warning(
        "the encoder runs on torch (slower); set model.runtime: torch to silence this, or "
        "delete %s and retry",
        fp32.parent,
    )
    return None, "torch"
