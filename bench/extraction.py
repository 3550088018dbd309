"""Article-body extraction accuracy on the article-extraction-benchmark (bag-of-words token F1).

Usage: python bench/extraction.py [--data DIR]

DIR holds `ground-truth.json` ({id: {url, articleBody}}) and `html/<id>.html.gz`
(scrapinghub/article-extraction-benchmark). The data is read in place, never copied.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import platform
import re
import sys
import time
from collections import Counter
from pathlib import Path

import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.extract import extract_article

logger = logging.getLogger(__name__)

DEFAULT_DATA = (
    Path(__file__).resolve().parent.parent.parent / "shared/data/article-extraction-benchmark"
)
_TOKEN = re.compile(r"\w+")


def token_prf(predicted: str, reference: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of lowercase word tokens, as multisets."""
    pred = Counter(_TOKEN.findall(predicted.lower()))
    ref = Counter(_TOKEN.findall(reference.lower()))
    if not pred and not ref:
        return 1.0, 1.0, 1.0
    overlap = sum((pred & ref).values())
    precision = overlap / sum(pred.values()) if pred else 0.0
    recall = overlap / sum(ref.values()) if ref else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _ours(page: bytes, url: str) -> str:
    extracted = extract_article(page, url)
    return extracted.text if extracted else ""


def _plain(page: bytes, url: str) -> str:
    return trafilatura.extract(page, url=url) or ""


def evaluate(data: Path) -> dict[str, tuple[float, float, float, float]]:
    """Mean (P, R, F1) and seconds for our extractor and plain trafilatura."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = {key: gzip.decompress((data / "html" / f"{key}.html.gz").read_bytes()) for key in truth}
    results = {}
    for name, extractor in (("pcm extract", _ours), ("plain trafilatura.extract", _plain)):
        started = time.perf_counter()
        scores = [
            token_prf(extractor(pages[k], v["url"]), v["articleBody"]) for k, v in truth.items()
        ]
        seconds = time.perf_counter() - started
        means = tuple(sum(s[i] for s in scores) / len(scores) for i in range(3))
        results[name] = (*means, seconds)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="benchmark folder")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    if not (args.data / "ground-truth.json").is_file():
        print(f"skipped: no benchmark data at {args.data} (pass --data DIR)")
        return 0
    count = len(json.loads((args.data / "ground-truth.json").read_text(encoding="utf-8")))
    print(
        f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"trafilatura {trafilatura.__version__}"
    )
    print(f"data: {args.data} ({count} pages)")
    for name, (p, r, f1, seconds) in evaluate(args.data).items():
        print(f"{name:28s} precision {p:.4f}  recall {r:.4f}  F1 {f1:.4f}  ({seconds:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
