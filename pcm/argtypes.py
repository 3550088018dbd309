"""Argument types for the command line: numbers are finite and inside a stated range.

Each factory returns a function for `argparse`'s `type=`; a bad value becomes argparse's usage
error, which `pcm.cli` prints as one line (exit status 2).
"""

from __future__ import annotations

import argparse
import logging
import math
from collections.abc import Callable
from datetime import date

logger = logging.getLogger(__name__)


def seconds(upper: float, lower: float = 0.0) -> Callable[[str], float]:
    """A number of seconds greater than `lower` and at most `upper`.

    Args:
        upper: the largest value accepted.
        lower: values must be greater than this.

    Returns:
        The argparse type function; it rejects text that is not a number, inf, nan and values
        outside (lower, upper].
    """

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or not lower < value <= upper:
            raise argparse.ArgumentTypeError(
                f"must be a positive number of seconds, at most {upper:g}; got {text}"
            )
        return value

    return parse


def whole_number(lower: int, upper: int, unit: str = "") -> Callable[[str], int]:
    """A whole number from `lower` to `upper` inclusive.

    Args:
        lower: the smallest value accepted.
        upper: the largest value accepted.
        unit: what it counts, for the message ("days", "rows").

    Returns:
        The argparse type function; it rejects anything else with a one-line reason.
    """

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or not lower <= value <= upper:
            what = f" of {unit}" if unit else ""
            raise argparse.ArgumentTypeError(
                f"must be a whole number{what} from {lower:,} to {upper:,}; got {text}"
            )
        return value

    return parse


def fraction(text: str) -> float:
    """An argparse type: a number strictly between 0 and 1 (a probability threshold)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"must be a number between 0 and 1; got {text}")
    return value


def day(text: str) -> date:
    """An argparse type: a calendar day written YYYY-MM-DD."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a day as YYYY-MM-DD, got {text!r}") from None
