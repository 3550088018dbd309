"""Story plans: hand-written paragraphs with variants, from which the sample articles are made."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

SEED = 20240611  # fixed: the content is the same on every build, only the dates move


class Opt(tuple):
    """A beat that an article may leave out (a tuple of paragraph variants)."""


def opt(*variants: str) -> Opt:
    """Mark a beat as optional.

    Args:
        variants: alternative paragraphs for the beat.

    Returns:
        An `Opt` tuple of the variants.
    """
    return Opt(variants)


def spread(key: str, count: int, low: int, high: int) -> tuple[int, ...]:
    """Spread `count` instances of a background story over days `low`..`high` ago.

    Args:
        key: the plan key (seeds the choice, so it never changes).
        count: how many instances.
        low: the most recent day, in days before today.
        high: the oldest day, in days before today.

    Returns:
        Days ago, newest first, evenly spread with some jitter.
    """
    rng = random.Random(f"{SEED}:{key}:when")
    step = (high - low) / max(count, 1)
    days = [int(low + step * i + rng.uniform(0, step * 0.8)) for i in range(count)]
    return tuple(sorted(set(days)))


@dataclass(frozen=True)
class Plan:
    """One kind of story, told one or more times on different days by different publishers.

    `beats` is a sequence of paragraph slots; each slot holds alternative paragraphs (one is
    picked per article); an `Opt` slot may be left out. Paragraphs and titles are `str.format`
    templates over the cast placeholders (see `cast.placeholders`) and the plan's `slots`.
    """

    key: str
    family: str  # news | national | force | pcc: which publishers tell it
    topics: tuple[str, ...]
    titles: tuple[str, ...]
    beats: tuple[tuple[str, ...], ...]
    when: tuple[int, ...]  # days before today, one per instance
    arc: str | None = None
    outlets: tuple[str, ...] = ()  # fixed outlets, cycled over the instances
    slots: dict[str, tuple[str, ...]] = field(default_factory=dict)
    relevant: bool = True
