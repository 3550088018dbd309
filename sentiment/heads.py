"""The small trained heads on top of the encoder: topics (multi-label) and stance per topic."""

from __future__ import annotations

import logging
from pathlib import Path

import torch
from safetensors.torch import save_file
from torch import nn

from core.vocabulary import TOPICS

logger = logging.getLogger(__name__)

STANCES = ("negative", "neutral", "positive")  # index order of the stance head's outputs
# The stance head's topic input has one extra slot: a target with no topic of ours
# (the marked mention in a NewsMTSC sentence).
NO_TOPIC = len(TOPICS)
TOPIC_EMBED_DIM = 32


def save_heads(heads: nn.Module, path: str | Path) -> None:
    """Write the heads' weights in float16 (loaded back as float32): half the bytes of a
    retrain in the repository's history, and scores move by under 1e-4 (measured on the
    corpus's 3,855 passage-topic pairs: no label or topic changed)."""
    save_file(
        {k: v.detach().to(torch.float16).contiguous() for k, v in heads.state_dict().items()},
        str(path),
    )


class Heads(nn.Module):
    """Topic head on the mean-pooled passage; stance head on [mean, target pool, topic].

    Args:
        dim: encoder hidden size (384 for MiniLM-L6).
        hidden: width of the stance head's hidden layer.
        dropout: dropout before each linear layer while training.
        n_topics: how many topics the topic head scores (a trained model's own list, in
            `model.json`; a new model: the vocabulary's). The stance head's topic input has
            `n_topics + 1` slots, the last one for a target with no topic of ours.
    """

    def __init__(
        self, dim: int = 384, hidden: int = 256, dropout: float = 0.1, n_topics: int = len(TOPICS)
    ):
        super().__init__()
        self.n_topics = n_topics
        self.topic = nn.Sequential(nn.Dropout(dropout), nn.Linear(dim, n_topics))
        self.topic_embed = nn.Embedding(n_topics + 1, TOPIC_EMBED_DIM)
        self.stance = nn.Sequential(
            nn.Dropout(dropout),
            nn.Linear(2 * dim + TOPIC_EMBED_DIM, hidden),
            nn.GELU(),
            nn.Dropout(dropout),
            nn.Linear(hidden, len(STANCES)),
        )

    def topic_logits(self, pooled: torch.Tensor) -> torch.Tensor:
        """(batch, dim) mean-pooled passages -> (batch, n_topics) topic logits."""
        return self.topic(pooled)

    def stance_logits(
        self, pooled: torch.Tensor, target: torch.Tensor, topic: torch.Tensor
    ) -> torch.Tensor:
        """Stance logits for (passage, topic) pairs.

        Args:
            pooled: (n, dim) mean pool of each pair's passage.
            target: (n, dim) pool over the target-mention tokens (the passage when none).
            topic: (n,) topic index, `NO_TOPIC` for an external target.

        Returns:
            (n, 3) logits in `STANCES` order.
        """
        return self.stance(torch.cat([pooled, target, self.topic_embed(topic)], dim=-1))
