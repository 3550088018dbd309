"""Decoding the heads' outputs: which topics a passage is about, and how much of its topic
probabilities come from its article (headline and mean)."""

from __future__ import annotations

import logging

import torch

logger = logging.getLogger(__name__)


def select_topics(probs: torch.Tensor, threshold: float, floor: float | None) -> torch.Tensor:
    """Which topics a passage is about: every topic at or over `threshold`; and when none is,
    the single most likely one if it reaches `floor` (most passages in the news are about
    something, so a passage whose best topic falls just short is better given that one).

    Args:
        probs: (n, 13) topic probabilities.
        threshold: the multi-label threshold.
        floor: the lower bar for a passage's best topic, or None to use the threshold alone.

    Returns:
        (n, 13) boolean selection.
    """
    chosen = probs >= threshold
    if floor is not None and probs.shape[0]:
        best = probs.argmax(dim=1)
        rows = (~chosen.any(dim=1)) & (probs.max(dim=1).values >= floor)
        chosen[rows, best[rows]] = True
    return chosen


def mix_in_context(
    probs: torch.Tensor,
    rows: list[int],
    articles: list | None,
    headlines: list[bool] | None,
    headline_weight: float,
    article_weight: float,
) -> torch.Tensor:
    """Topic probabilities read with the article: (1 - h - a) * p + h * headline + a * mean.

    A passage in the news is mostly about what its article is about: mixing in the headline's
    and the article's mean probabilities finds the topic of a sentence that does not name it
    ("They said the force had improved") without taking it from one that is plainly about
    something else.

    Args:
        probs: (n, 13) topic probabilities of every passage (rows not in `rows` are ignored).
        rows: the passages that were scored (not skipped).
        articles: each passage's article key, or None (every passage alone: no change).
        headlines: which passages are headlines (None: none; the mean stands in).
        headline_weight, article_weight: h and a above.

    Returns:
        (n, 13) mixed probabilities (a new tensor).
    """
    mixed = probs.clone()
    if articles is None or not rows or headline_weight + article_weight <= 0:
        return mixed
    members: dict = {}
    for r in rows:
        members.setdefault(articles[r], []).append(r)
    for group in members.values():
        index = torch.tensor(group)
        mean = probs[index].mean(dim=0)
        heads = [r for r in group if headlines is not None and headlines[r]]
        headline = probs[heads[0]] if heads else mean
        mixed[index] = (
            (1 - headline_weight - article_weight) * probs[index]
            + headline_weight * headline
            + article_weight * mean
        )
    return mixed
