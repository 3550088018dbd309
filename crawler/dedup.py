"""Near-duplicate detection: 64-bit simhash of word shingles, confirmed by shingle overlap."""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import timedelta

logger = logging.getLogger(__name__)

SHINGLE_WORDS = 4  # word 4-grams: robust to small edits, specific enough for news copy
SIMHASH_MAX_DISTANCE = 18  # of 64 bits: about cosine 0.75 of shingle sets; Jaccard decides
JACCARD_DUPLICATE = 0.6  # shingle overlap above which a copy is a syndicated duplicate
# A syndicated copy appears within a day or two of the original; similar texts further apart
# are templated stories (a new witness appeal, a new missing person), not copies.
SYNDICATION_WINDOW = timedelta(days=2)
_WORD = re.compile(r"\w+")
# How a syndicated copy credits the outlet it took the story from ("This story was first
# published by the Sedgebury Echo."): the sentence up to its end.
_CREDIT = re.compile(
    r"\b(?:first|originally)\s+(?:published|appeared|reported|ran)\b[^.!?\n]*", re.I
)
_MASK64 = (1 << 64) - 1


def words(text: str) -> list[str]:
    """Lowercase word tokens."""
    return _WORD.findall(text.lower())


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    """The set of `size`-word shingles of a text (the whole text when it is shorter)."""
    tokens = words(text)
    if len(tokens) <= size:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def _hash64(value: str) -> int:
    return int.from_bytes(hashlib.blake2b(value.encode("utf-8"), digest_size=8).digest(), "big")


def simhash(text: str) -> int | None:
    """64-bit simhash of the text's word shingles (unsigned), or None for an empty text."""
    grams = shingles(text)
    if not grams:
        return None
    weights = [0] * 64
    for gram in grams:
        value = _hash64(gram)
        for bit in range(64):
            weights[bit] += 1 if value >> bit & 1 else -1
    return sum(1 << bit for bit in range(64) if weights[bit] > 0) & _MASK64


def hamming(a: int, b: int) -> int:
    """Number of differing bits between two 64-bit fingerprints."""
    return ((a ^ b) & _MASK64).bit_count()


def jaccard(a: set[str], b: set[str]) -> float:
    """|a ∩ b| / |a ∪ b| (0 for two empty sets)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def content_hash(text: str) -> str:
    """SHA-256 of the body with whitespace and case normalised (exact-duplicate key)."""
    return hashlib.sha256(" ".join(words(text)).encode("utf-8")).hexdigest()


def is_near_duplicate(text: str, other: str) -> bool:
    """The confirm step: shingle Jaccard at or above `JACCARD_DUPLICATE`."""
    return jaccard(shingles(text), shingles(other)) >= JACCARD_DUPLICATE


def credits_source(text: str, source: str) -> bool:
    """Whether the text says the story first appeared at `source` ("This story was first
    published by the Sedgebury Echo"): the only thing that lets a later-stored article become
    the original of a stored one, because the stored article's own publisher says so.

    Args:
        text: an article body (its passages joined).
        source: a configured source name.

    Returns:
        True when a credit sentence names the source (case and punctuation ignored).
    """
    name = " ".join(words(source))
    if not name:
        return False
    pattern = re.compile(rf"(?:^| ){re.escape(name)}(?: |$)")
    return any(pattern.search(" ".join(words(m.group(0)))) for m in _CREDIT.finditer(text))
