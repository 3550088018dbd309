"""Speed of `pcm analyse` on a generated 2,000-paragraph document vs a naive encoder loop.

Usage: .venv/bin/python bench/analyse_speed.py [--paragraphs 2000] [--naive 2000] [--json]

Both rates come from one run on the same machine and include loading the model:
- analyse: `sentiment.analyse.analyse_document` (passage splitting, voice rules, batched and
  length-sorted inference, topic and stance heads), from a cold model cache;
- naive: the same encoder, one paragraph per forward pass in document order (the first
  `--naive` paragraphs; the rate is per paragraph).
Peak memory is the process's maximum resident set size after the analyse run (the naive run
comes after it). The machine may be shared with other work: the load average is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch

from sentiment.corpus import read_corpus

SEED = 7


def make_document(paragraphs: int, seed: int = SEED) -> str:
    """A plain-text document of corpus passages, one or two per paragraph, seeded."""
    texts = [p.text for p in read_corpus()]
    rng = random.Random(seed)
    out = []
    for _ in range(paragraphs):
        k = 1 if rng.random() < 0.7 else 2
        out.append(" ".join(rng.choice(texts) for _ in range(k)))
    return "\n\n".join(out)


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def bench_analyse(document: str) -> dict:
    """Time `analyse_document` including the model load."""
    from sentiment.analyse import analyse_document
    from sentiment.model import load_model

    started = time.perf_counter()
    model = load_model(None)
    loaded = time.perf_counter()
    result = analyse_document(document, None, model)
    done = time.perf_counter()
    paragraphs = len(document.split("\n\n"))
    return {
        "paragraphs": paragraphs,
        "passages": len(result["passages"]),
        "load_s": round(loaded - started, 2),
        "total_s": round(done - started, 2),
        "paragraphs_per_s": round(paragraphs / (done - started), 1),
        "passages_per_s": round(len(result["passages"]) / (done - started), 1),
    }


def bench_naive(document: str, limit: int) -> dict:
    """One paragraph per forward pass of the same encoder, model load included."""
    from sentiment.encoder import load_encoder

    paragraphs = document.split("\n\n")[:limit]
    started = time.perf_counter()
    tokenizer, model = load_encoder()
    loaded = time.perf_counter()
    with torch.inference_mode():
        for text in paragraphs:
            enc = tokenizer(text, truncation=True, max_length=128, return_tensors="pt")
            model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"])
    done = time.perf_counter()
    return {
        "paragraphs": len(paragraphs),
        "load_s": round(loaded - started, 2),
        "total_s": round(done - started, 2),
        "paragraphs_per_s": round(len(paragraphs) / (done - started), 1),
        "paragraphs_per_s_excluding_load": round(len(paragraphs) / (done - loaded), 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=2000)
    parser.add_argument("--naive", type=int, default=2000, help="paragraphs for the naive loop")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(2)
    document = make_document(args.paragraphs)
    analyse = bench_analyse(document)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    naive = bench_naive(document, args.naive)
    report = {
        "analyse": analyse,
        "naive": naive,
        "speedup": round(analyse["paragraphs_per_s"] / naive["paragraphs_per_s"], 2),
        "peak_rss_mb_analyse": round(peak_mb),
        "machine": {
            "cpu": _cpu_name(),
            "cores": os.cpu_count(),
            "torch_threads": torch.get_num_threads(),
            "torch": torch.__version__,
            "load_average": [round(x, 2) for x in os.getloadavg()],
        },
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        a, n = report["analyse"], report["naive"]
        print(
            f"analyse: {a['paragraphs']} paragraphs ({a['passages']} passages) in "
            f"{a['total_s']} s incl. {a['load_s']} s load -> {a['paragraphs_per_s']} "
            "paragraphs/s"
        )
        print(
            f"naive:   {n['paragraphs']} paragraphs one at a time in {n['total_s']} s incl. "
            f"{n['load_s']} s load -> {n['paragraphs_per_s']} paragraphs/s "
            f"({n['paragraphs_per_s_excluding_load']}/s excluding load)"
        )
        print(f"speedup {report['speedup']}x; peak RSS {report['peak_rss_mb_analyse']} MB")
        m = report["machine"]
        print(
            f"machine: {m['cpu']}, {m['cores']} cores, torch {m['torch']} with "
            f"{m['torch_threads']} threads, load average {m['load_average']} (shared)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
