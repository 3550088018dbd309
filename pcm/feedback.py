"""Analysts' corrections in the warehouse, as labelled passages that `pcm train` learns from."""

from __future__ import annotations

import logging
from collections import defaultdict
from pathlib import Path

from core.vocabulary import TOPICS, VOICES
from sentiment.corpus import STANCE_LABELS, Passage
from warehouse.connection import reader

logger = logging.getLogger(__name__)

# Every passage an analyst corrected, with its text (NULL once purged) and its voice as the
# `passage_voices` view gives it (the correction, else the newest attribution).
_PASSAGES = """
SELECT p.id, p.text, v.speaker, v.voice
FROM passages AS p JOIN passage_voices AS v ON v.passage_id = p.id
WHERE p.id IN (SELECT passage_id FROM feedback)
  AND p.text IS NOT NULL AND length(trim(p.text)) > 0
ORDER BY p.id
"""
# Their topics and stances as the analyst views show them: the model's, corrections applied.
_LABELS = """
SELECT passage_id, topic, label FROM passage_scores
WHERE passage_id IN (SELECT passage_id FROM feedback)
ORDER BY passage_id, topic
"""


def read_corrections(db_path: str | Path) -> list[Passage]:
    """The corrected passages of a warehouse, labelled as the analysts left them.

    A passage counts once an analyst corrected any of its topics, stances or voice; its labels
    are then the whole corrected picture (the model's other topics included), since the
    analyst saw them and let them stand. Passages whose text was purged are left out.

    Args:
        db_path: the warehouse file (opened read-only, briefly).

    Returns:
        Passages with ids `warehouse-<passage id>`, tag `correction`, corpus `warehouse`.
    """
    with reader(db_path) as con:
        rows = con.execute(_PASSAGES).fetchall()
        labels = con.execute(_LABELS).fetchall()
    topics: dict[int, dict[str, str]] = defaultdict(dict)
    for passage_id, topic, label in labels:
        if topic in TOPICS and label in STANCE_LABELS:
            topics[passage_id][topic] = label
    out = [
        Passage(
            f"warehouse-{pid}",
            text,
            dict(topics.get(pid, {})),
            voice if voice in VOICES else "media",
            speaker,
            ("correction",),
            "warehouse",
        )
        for pid, text, speaker, voice in rows
    ]
    logger.info("%d corrected passages in %s", len(out), db_path)
    return out
