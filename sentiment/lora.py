"""Low-rank updates to the fine-tuned encoder layers: wrap for training, save, merge at load.

A retrain that continues from the shipped layers stores only `lora.safetensors` (two small
matrices per dense layer, about 1 MB at rank 16) beside the unchanged `layers.safetensors`
(21 MB), so the repository's history grows by the update, not by the whole encoder again.
At load the update is merged into the weights (W + scale * B @ A), so every runtime (torch,
bf16, the ONNX export and its int8 copy) runs the merged encoder unchanged.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from torch import nn

logger = logging.getLogger(__name__)

LORA_FILE = "lora.safetensors"
# The dense layers of a BERT layer that get an update: attention projections and the MLP.
WRAPPED = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)


class LoRALinear(nn.Module):
    """A frozen linear layer plus a trainable low-rank update: y = Wx + b + scale * B(Ax).

    Args:
        base: the layer to update (its weights are frozen).
        rank: the update's rank.
        alpha: the update's scale numerator (scale = alpha / rank).
    """

    def __init__(self, base: nn.Linear, rank: int, alpha: float):
        super().__init__()
        self.base = base
        for p in self.base.parameters():
            p.requires_grad_(False)
        self.scale = alpha / rank
        self.a = nn.Parameter(torch.empty(rank, base.in_features))
        self.b = nn.Parameter(torch.zeros(base.out_features, rank))  # starts as no change
        nn.init.kaiming_uniform_(self.a, a=math.sqrt(5))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + (x @ self.a.T @ self.b.T) * self.scale


def _parent(module: nn.Module, path: str) -> tuple[nn.Module, str]:
    *parents, leaf = path.split(".")
    for name in parents:
        module = getattr(module, name)
    return module, leaf


def wrap(
    layers: nn.ModuleList,
    rank: int,
    alpha: float,
    start: dict[str, torch.Tensor] | None = None,
    first_layer: int = 0,
) -> None:
    """Freeze every weight of `layers` and give each dense layer in `WRAPPED` an update.

    Args:
        layers: the encoder's transformer layers (modified in place), without any update
            merged into them.
        rank: rank of each update.
        alpha: scale numerator.
        start: a saved update (`LORA_FILE` contents) to continue from, of the same rank.
        first_layer: the encoder index of `layers[0]`.
    """
    for p in layers.parameters():
        p.requires_grad_(False)
    for i, layer in enumerate(layers):
        for path in WRAPPED:
            parent, leaf = _parent(layer, path)
            mod = LoRALinear(getattr(parent, leaf), rank, alpha)
            key = f"encoder.layer.{first_layer + i}.{path}"
            if start is not None and f"{key}.lora_a" in start:
                with torch.no_grad():
                    mod.a.copy_(start[f"{key}.lora_a"].float())
                    mod.b.copy_(start[f"{key}.lora_b"].float() / mod.scale)
            setattr(parent, leaf, mod)


def load_update(folder: str | Path) -> dict[str, torch.Tensor] | None:
    """The saved update of a model folder, or None when it has none."""
    path = Path(folder) / LORA_FILE
    return load_file(str(path)) if path.is_file() else None


def save(layers: nn.ModuleList, folder: str | Path, first_layer: int = 0) -> Path:
    """Write the updates of wrapped `layers` to `LORA_FILE` (fp16, with each scale).

    Args:
        layers: layers wrapped by `wrap` and trained.
        folder: the model folder.
        first_layer: the encoder index of `layers[0]`.

    Returns:
        The file written.
    """
    tensors = {}
    for i, layer in enumerate(layers):
        for path in WRAPPED:
            parent, leaf = _parent(layer, path)
            mod = getattr(parent, leaf)
            key = f"encoder.layer.{first_layer + i}.{path}"
            tensors[f"{key}.lora_a"] = mod.a.detach().to(torch.float16).contiguous()
            tensors[f"{key}.lora_b"] = (mod.b.detach() * mod.scale).to(torch.float16).contiguous()
    out = Path(folder) / LORA_FILE
    save_file(tensors, str(out))
    return out


def merge(state: dict[str, torch.Tensor], folder: str | Path) -> dict[str, torch.Tensor]:
    """The encoder layer weights with the folder's low-rank updates added (if it has any).

    Args:
        state: layer weights by encoder key ("encoder.layer.3.attention.self.query.weight").
        folder: the model folder.

    Returns:
        `state` with W + B @ A for every updated layer (a new dict; unchanged without a file).

    Raises:
        KeyError: when an update names a weight that `state` does not hold.
    """
    path = Path(folder) / LORA_FILE
    if not path.is_file():
        return state
    updates = load_file(str(path))
    merged = dict(state)
    for key in sorted(k for k in updates if k.endswith(".lora_a")):
        base = key.removesuffix(".lora_a")
        a = updates[key].float()
        b = updates[f"{base}.lora_b"].float()
        merged[f"{base}.weight"] = merged[f"{base}.weight"].float() + b @ a
    return merged
