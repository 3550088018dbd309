"""Rebuild a labelled real article's text from a stored copy of its page.

The extra labels (`sentiment/data/real_extra/labels.jsonl`) hold no text: each sentence is a
paragraph index, a span and a digest. Given the page's text (an excerpt saved from a stored
copy of the page at the record's url), this keeps, for each labelled paragraph in order, the
page paragraph that holds the most of that paragraph's labelled sentences, and writes them
one per paragraph, which is the text that was labelled. A labelled paragraph that no page
paragraph holds (a headline written from the url's words where the page had none) becomes a
placeholder line, so that the paragraphs after it keep their indices.

Usage: python -m sentiment.real_rebuild FILE PAGE.txt OUT_DIR [LABELS_DIR]
"""

from __future__ import annotations

import logging
import re
import sys
from pathlib import Path

from sentiment.real_coverage import (
    EXTRA_LABELS_DIR,
    Article,
    RealDataError,
    Sentence,
    locate,
    read_labels,
)

logger = logging.getLogger(__name__)

MISSING = "[a labelled paragraph not found on the page]"


def _paragraphs(page: str) -> list[str]:
    """The page's non-empty lines, whitespace-normalised (a paragraph is at most one line)."""
    lines = (re.sub(r"\s+", " ", line).strip() for line in page.splitlines())
    return [line for line in lines if line]


def rebuild(art: Article, page: str) -> tuple[str, int]:
    """The labelled text of one article out of its page's text.

    Returns:
        (the text, how many of its labelled sentences it holds).
    """
    candidates = _paragraphs(page)
    by_para: dict[int, list[Sentence]] = {}
    for s in art.sentences:
        by_para.setdefault(s.para, []).append(s)
    kept, found = [], 0
    for para in sorted(by_para):
        wanted = by_para[para]
        held = [(sum(locate(c, s) is not None for s in wanted), c) for c in candidates]
        count, best = max(held, key=lambda pair: pair[0], default=(0, MISSING))
        found += count
        kept.append(best if count else MISSING)
    return "\n\n".join(kept) + "\n", found


def main(argv: list[str]) -> int:
    """Rebuild one article; 0 when every labelled sentence was found, 1 when some were not
    (the text is still written), 2 on bad arguments or input (one line says which)."""
    if len(argv) not in (3, 4):
        logger.error("usage: python -m sentiment.real_rebuild FILE PAGE.txt OUT_DIR [LABELS_DIR]")
        return 2
    file, page, out_dir = argv[:3]
    labels_dir = argv[3] if len(argv) == 4 else EXTRA_LABELS_DIR
    try:
        art = read_labels(labels_dir).get(file)
        text = Path(page).read_text(encoding="utf-8", errors="replace")
    except (RealDataError, OSError) as exc:
        logger.error("real_rebuild: %s", exc)
        return 2
    if art is None:
        logger.error(
            "real_rebuild: %s is not labelled in %s; give a file name from it", file, labels_dir
        )
        return 2
    rebuilt, found = rebuild(art, text)
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    (Path(out_dir) / file).write_text(rebuilt, encoding="utf-8")
    logger.info("%s: %d of %d labelled sentences found", file, found, len(art.sentences))
    return 0 if found == len(art.sentences) else 1


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    sys.exit(main(sys.argv[1:]))
