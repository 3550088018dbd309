"""Where the encoder's forward pass runs: bf16 or int8 (picked per CPU), fp32 ONNX, or torch.

- `int8` (the default on CPUs without bf16 matrix units, such as the AVX2 machines this
  project targets): the encoder exported once to ONNX Runtime and quantised
  (`sentiment.quantize`); there the fp32 export runs about 1.7 times as fast as torch and
  the int8 copy about twice as fast again; scores move slightly.
- `bf16` (the default on CPUs with AMX, Intel Xeon 4th generation and later): torch with the
  dense layers' weights in bfloat16 under autocast (layer norms, softmax and pooling stay
  fp32). There ONNX Runtime's int8 products are fast but the steps around them are not, and
  bf16 runs the encoder about 1.5 times as fast as int8, with scores closer to fp32.
- `onnx`: the fp32 export, the same scores as torch; faster than torch on AVX2 machines, not
  on AMX ones (measured 8.1 s against torch's 7.3 s for the bench's 2,642 passages).
- `torch`: plain torch, fp32.

`auto` picks bf16 or int8 by the CPU (`resolve_runtime`). The fp32 export and the int8 copy are
kept in a cache folder, once per set of encoder weights and torch version (and quantiser
version). Every fast copy is checked against torch on a probe batch before it is used; any
failure (runtime not installed, export, quantisation or check failing, a damaged cache file)
falls back bf16 -> int8 -> fp32 ONNX -> torch with a warning, so scores never depend on the
cache being sound.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import os
import platform
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from sentiment.quantize import EXPORT_ATTENTION, quantize_model, quantizer_digest

logger = logging.getLogger(__name__)

RUNTIMES = ("auto", "bf16", "int8", "onnx", "torch")
OPSET = 17
# fp32 ONNX Runtime and torch differ by float rounding only; anything larger is a bad export.
MAX_ABS_DIFF = 1e-3
# int8 and bf16 move hidden states a little; a pooled probe vector further from torch's than
# this means a broken copy (int8 measured: 0.992 at worst over the bench's 2,000 paragraphs).
MIN_COSINE = 0.98
_PROBE = (
    "The chief constable said response times had improved.",
    "Officers did not record the grounds for the search, the inspectorate found.",
)


def _cpu_has(check: str) -> bool:
    """torch's own CPU feature check by name (private in torch 2.13); absent counts as no."""
    probe = getattr(torch.cpu, check, None)
    try:
        return bool(probe()) if probe is not None else False
    except RuntimeError:
        return False


def has_bf16_matrix_units() -> bool:
    """Whether this CPU multiplies bfloat16 matrices in hardware (AMX tiles) for torch."""
    return _cpu_has("_is_amx_tile_supported")


def cpu_description() -> str:
    """The CPU's name and the units its int8 and bf16 speed depend on, for benchmark reports.

    ONNX Runtime's int8 products run several times as fast with VNNI (8-bit dot products in
    one instruction; AVX-512 VNNI on AMD EPYC from Zen 4, Intel Xeon from Cascade Lake) as
    with AVX2 alone, so a speed figure means little without it.
    """
    name = platform.processor() or "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                name = line.split(":", 1)[1].strip()
                break
    vector = "AVX2" if _cpu_has("_is_avx2_supported") else "no AVX2"
    if _cpu_has("_is_avx512_supported"):
        vector = "AVX-512"
    units = [vector, "VNNI" if _cpu_has("_is_vnni_supported") else "no VNNI"]
    units.append("AMX" if has_bf16_matrix_units() else "no AMX")
    return f"{name} ({', '.join(units)})"


def resolve_runtime(runtime: str) -> str:
    """`auto` -> `bf16` on CPUs with bf16 matrix units, else `int8`; other names unchanged."""
    if runtime != "auto":
        return runtime
    return "bf16" if has_bf16_matrix_units() else "int8"


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


class Bf16Encoder:
    """The encoder in torch with its dense layers' weights in bfloat16, run under autocast.

    Weights are converted once (autocast alone would convert them on every call); layer
    norms, softmax and the returned hidden states stay fp32.

    Args:
        encoder: the fine-tuned fp32 encoder (left as it is: a copy is converted).
    """

    def __init__(self, encoder: torch.nn.Module):
        self.model = copy.deepcopy(encoder).eval()
        for module in self.model.modules():
            if isinstance(module, torch.nn.Linear):
                module.to(torch.bfloat16)

    def __call__(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """(batch, tokens, hidden) fp32 last hidden states, as the torch encoder returns them."""
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16):
            hidden = self.model(input_ids=input_ids, attention_mask=attention_mask)
        return hidden.last_hidden_state.float()


def bf16_encoder(encoder: torch.nn.Module, tokenizer) -> Bf16Encoder | None:
    """A checked bf16 twin of `encoder`, or None (logged) when it strays from fp32."""
    if not has_bf16_matrix_units():
        logger.warning("this CPU has no bf16 matrix units: the bf16 runtime will be slow here")
    twin = Bf16Encoder(encoder)
    problem = _close_to_torch(encoder, tokenizer)(twin)
    if problem is None:
        return twin
    logger.warning("the bf16 encoder is unusable (%s); using int8 instead", problem)
    return None


def _export(encoder: torch.nn.Module, tokenizer, target: Path) -> None:
    """Write the encoder as ONNX to `target` (atomically: a temporary file, then a rename)."""
    logger.info("exporting the encoder to ONNX at %s (once per model)", target)
    target.parent.mkdir(parents=True, exist_ok=True)
    sample = tokenizer(list(_PROBE), padding=True, return_tensors="pt")
    fd, tmp = tempfile.mkstemp(suffix=".onnx.part", dir=target.parent)
    os.close(fd)
    dynamic = {0: "batch", 1: "tokens"}
    attention = encoder.config._attn_implementation
    try:
        # exported with `EXPORT_ATTENTION` (the same sums; faster in ONNX Runtime), then put
        # back for the torch path
        encoder.set_attn_implementation(EXPORT_ATTENTION)
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
        Path(tmp).replace(target)
    finally:
        encoder.set_attn_implementation(attention)
        encoder.eval()
        if Path(tmp).exists():
            Path(tmp).unlink()


def _probe(twin: Callable, encoder: torch.nn.Module, tokenizer):
    """(torch, twin) hidden states of the probe batch and its attention mask."""
    sample = tokenizer(list(_PROBE), padding=True, return_tensors="pt")
    with torch.inference_mode():
        expected = encoder(
            input_ids=sample["input_ids"], attention_mask=sample["attention_mask"]
        ).last_hidden_state
    return expected, twin(sample["input_ids"], sample["attention_mask"]), sample["attention_mask"]


def _same_as_torch(encoder: torch.nn.Module, tokenizer) -> Callable[[OnnxEncoder], str | None]:
    def check(onnx: OnnxEncoder) -> str | None:
        expected, got, mask = _probe(onnx, encoder, tokenizer)
        mask = mask.bool()
        diff = float((expected[mask] - got[mask]).abs().max())
        return None if diff <= MAX_ABS_DIFF else f"differs from torch by {diff:.2g}"

    return check


def _close_to_torch(encoder: torch.nn.Module, tokenizer) -> Callable[[Callable], str | None]:
    def check(twin: Callable) -> str | None:
        from sentiment.encoder import masked_mean

        expected, got, mask = _probe(twin, encoder, tokenizer)
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


def _onnx_twin(
    encoder, tokenizer, key, cache_dir, threads, runtime
) -> tuple[OnnxEncoder | None, str]:
    """`encoder_twin` for "int8" or "onnx": the checked session built on first use, falling
    back int8 -> onnx -> (None, "torch")."""
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        logger.warning("onnxruntime is not installed; the encoder runs on torch (slower)")
        return None, "torch"
    fp32 = cache_root(cache_dir) / f"encoder-{key}-torch{torch.__version__}-{EXPORT_ATTENTION}.onnx"

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


def encoder_twin(
    encoder: torch.nn.Module,
    tokenizer,
    key: str,
    cache_dir: str | Path | None,
    threads: int,
    runtime: str = "auto",
) -> tuple[Callable | None, str]:
    """The fast twin of `encoder` for `runtime`, falling back bf16 -> int8 -> onnx -> torch.

    Args:
        encoder: the fine-tuned torch encoder (eval mode).
        tokenizer: its tokenizer.
        key: what identifies these encoder weights in the cache files' names.
        cache_dir: the cache folder (see `cache_root`).
        threads: ONNX Runtime intra-op threads.
        runtime: one of `RUNTIMES`; "auto" is resolved for this CPU (`resolve_runtime`).

    Returns:
        (twin, runtime it delivers): a callable (input_ids, attention_mask) -> hidden states,
        or (None, "torch") when the encoder itself should run (asked for, or nothing else
        could; logged).
    """
    runtime = resolve_runtime(runtime)
    if runtime == "torch":
        return None, "torch"
    if runtime == "bf16":
        twin = bf16_encoder(encoder, tokenizer)
        if twin is not None:
            return twin, "bf16"
        runtime = "int8"  # bf16_encoder logged why
    return _onnx_twin(encoder, tokenizer, key, cache_dir, threads, runtime)
