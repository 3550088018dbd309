"""The model owns its labels: `model.json` lists the topics in the order of the topic head's
outputs, and a model is refused at load when that list, the stance order or the heads' shapes
do not hold together, so the vocabulary's order can never mislabel a score."""

from __future__ import annotations

import logging
from pathlib import Path

import torch

from core.errors import ModelMissingError
from core.vocabulary import TOPICS
from sentiment.heads import STANCES

logger = logging.getLogger(__name__)

META_FILE = "model.json"
HEADS_FILE = "heads.safetensors"


def model_topics(meta: dict, path: Path) -> tuple[str, ...]:
    """The topics a trained model scores, in the order of its topic head's outputs.

    Args:
        meta: the model's `model.json`.
        path: the model folder (for messages).

    Returns:
        The topic ids, as `model.json` lists them.

    Raises:
        ModelMissingError: when the list is missing, repeats a topic, names a topic this
            version of the product does not know, or the stance order is not the heads'.
    """
    where = path / META_FILE
    topics = meta.get("topics")
    if not isinstance(topics, list) or not topics or not all(isinstance(t, str) for t in topics):
        raise ModelMissingError(f"{where}: no topic list; retrain the model with `pcm train`")
    if len(set(topics)) != len(topics):
        raise ModelMissingError(f"{where}: a topic is listed twice; retrain the model")
    unknown = [t for t in topics if t not in TOPICS]
    if unknown:
        raise ModelMissingError(
            f"{where}: topics this version does not know ({', '.join(unknown)}); use the "
            "product version the model was trained with, or retrain it with `pcm train`"
        )
    stances = meta.get("stances")
    if stances is not None and list(stances) != list(STANCES):
        raise ModelMissingError(
            f"{where}: stance order {stances} is not the heads' {list(STANCES)}; retrain"
        )
    return tuple(topics)


def check_head_shapes(weights: dict[str, torch.Tensor], topics: tuple[str, ...], path: Path):
    """Refuse heads whose topic outputs do not match `model.json`'s topic list."""
    out = [w.shape[0] for k, w in weights.items() if k.startswith("topic.") and w.ndim == 2]
    embed = weights.get("topic_embed.weight")
    if out != [len(topics)] or (embed is not None and embed.shape[0] != len(topics) + 1):
        raise ModelMissingError(
            f"{path / HEADS_FILE}: the topic head has {out} outputs but model.json lists "
            f"{len(topics)} topics; the files are from different models, retrain"
        )
