"""Target mentions: where a passage names the force, as character spans and token masks."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

import torch

logger = logging.getLogger(__name__)

# Generic words that refer to a police force or its people in British news.
FORCE_WORDS = (
    r"police|policing|officers?|the force|force's|force’s|constabulary|detectives?|pcsos?|"
    r"chief constable|superintendent|inspectors?|sergeants?|constables?|the met|"
    r"call handlers?|control room|response teams?|neighbourhood teams?|investigators?"
)


def force_pattern(aliases: Iterable[str] = ()) -> re.Pattern:
    """A regex matching the force's names and generic police words.

    Args:
        aliases: the force's names ("Norfolk Constabulary") and its people's names.

    Returns:
        A compiled, case-insensitive pattern.
    """
    names = sorted({a.strip() for a in aliases if a and a.strip()}, key=len, reverse=True)
    parts = [re.escape(a) for a in names] + [FORCE_WORDS]
    return re.compile(r"\b(?:" + "|".join(parts) + r")\b", re.IGNORECASE)


def force_spans(text: str, pattern: re.Pattern) -> list[tuple[int, int]]:
    """Character spans of force mentions in a passage (empty when none)."""
    return [m.span() for m in pattern.finditer(text)]


def token_mask(offsets: list[tuple[int, int]], spans: list[tuple[int, int]]) -> torch.Tensor:
    """1 for each token that overlaps one of the character spans.

    Args:
        offsets: the tokenizer's (start, end) character offsets, (0, 0) for special tokens.
        spans: character spans of the target mentions.

    Returns:
        (tokens,) float tensor; all real tokens when no token overlaps (the whole passage).
    """
    flags = [
        1.0 if end > start and any(start < e and end > s for s, e in spans) else 0.0
        for start, end in offsets
    ]
    if not any(flags):
        flags = [1.0] * len(offsets)
    return torch.tensor(flags)
