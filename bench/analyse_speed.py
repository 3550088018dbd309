"""Speed of `pcm analyse` on a generated 2,000-paragraph document vs a naive encoder loop.

Usage: .venv/bin/python bench/analyse_speed.py [--paragraphs 2000] [--naive 2000]
       [--runtime auto|bf16|int8|onnx|torch] [--repeat 3] [--json]

All rates come from one run on the same machine and include loading the model:
- analyse, first run: `pcm.analyse.analyse_document` (passage splitting, voice rules,
  batched and length-sorted inference, topic and stance heads) with a new model object and an
  empty ONNX cache folder, so the one-time export of the encoder to ONNX is included;
- analyse, later runs: the same with a new model object over the cached export (what every
  run after the first on a machine costs);
- naive: the same encoder in torch, one paragraph per forward pass in document order (the
  first `--naive` paragraphs; the rate is per paragraph).
Later runs and naive runs alternate `--repeat` times, so that a burst of other work on a shared
machine falls on both; the speedup is the median later-run rate over the median naive rate
(every pair's own ratio is printed too), and the first-run one is printed beside it. Peak
memory is the process's maximum resident set size after the first two analyse runs, before any
naive run. The load average is printed.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch

from sentiment.corpus import read_corpus
from sentiment.runtime import cpu_description, has_bf16_matrix_units

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


def bench_analyse(document: str, runtime: str, cache_dir: str) -> dict:
    """Time `analyse_document` including the model load (and any ONNX export)."""
    from pcm.analyse import analyse_document
    from sentiment.confidence_model import ConfidenceModel

    started = time.perf_counter()
    model = ConfidenceModel(runtime=runtime, cache_dir=cache_dir)
    loaded = time.perf_counter()
    result = analyse_document(document, None, model)
    done = time.perf_counter()
    paragraphs = len(document.split("\n\n"))
    return {
        "runtime": model.runtime,
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


def _median(runs: list[dict]) -> dict:
    """The run with the median rate (the lower middle one for an even count)."""
    ordered = sorted(runs, key=lambda r: r["paragraphs_per_s"])
    return ordered[(len(ordered) - 1) // 2]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=2000)
    parser.add_argument("--naive", type=int, default=2000, help="paragraphs for the naive loop")
    parser.add_argument(
        "--runtime", choices=("auto", "bf16", "int8", "onnx", "torch"), default="auto"
    )
    parser.add_argument("--repeat", type=int, default=3, help="later/naive pairs (median)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    logging.basicConfig(level=logging.WARNING)
    torch.set_num_threads(2)
    document = make_document(args.paragraphs)
    later, naive_runs = [], []
    with tempfile.TemporaryDirectory() as cache:
        first = bench_analyse(document, args.runtime, cache)
        later.append(bench_analyse(document, args.runtime, cache))
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        naive_runs.append(bench_naive(document, args.naive))
        for _ in range(args.repeat - 1):
            later.append(bench_analyse(document, args.runtime, cache))
            naive_runs.append(bench_naive(document, args.naive))
    analyse = _median(later)
    naive = _median(naive_runs)
    report = {
        "analyse_first_run": first,
        "analyse": analyse,
        "naive": naive,
        "speedup": round(analyse["paragraphs_per_s"] / naive["paragraphs_per_s"], 2),
        "speedup_per_pair": [
            round(a["paragraphs_per_s"] / n["paragraphs_per_s"], 2)
            for a, n in zip(later, naive_runs, strict=True)
        ],
        "speedup_first_run": round(first["paragraphs_per_s"] / naive["paragraphs_per_s"], 2),
        "peak_rss_mb_analyse": round(peak_mb),
        "machine": {
            "cpu": cpu_description(),
            "cores": os.cpu_count(),
            "torch_threads": torch.get_num_threads(),
            "torch": torch.__version__,
            "amx": has_bf16_matrix_units(),
            "load_average": [round(x, 2) for x in os.getloadavg()],
        },
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        n = report["naive"]
        for label, a in (
            ("first run", report["analyse_first_run"]),
            (f"later, median of {len(later)}", analyse),
        ):
            print(
                f"analyse ({a['runtime']}, {label}): {a['paragraphs']} paragraphs "
                f"({a['passages']} passages) in {a['total_s']} s incl. {a['load_s']} s load "
                f"-> {a['paragraphs_per_s']} paragraphs/s"
            )
        print(
            f"naive (median of {len(naive_runs)}): {n['paragraphs']} paragraphs one at a time "
            f"in {n['total_s']} s incl. "
            f"{n['load_s']} s load -> {n['paragraphs_per_s']} paragraphs/s "
            f"({n['paragraphs_per_s_excluding_load']}/s excluding load)"
        )
        print(
            f"speedup {report['speedup']}x (pairs {report['speedup_per_pair']}; first run "
            f"{report['speedup_first_run']}x); "
            f"peak RSS {report['peak_rss_mb_analyse']} MB"
        )
        m = report["machine"]
        print(
            f"machine: {m['cpu']}, {m['cores']} cores, "
            f"torch {m['torch']} with {m['torch_threads']} threads, load average "
            f"{m['load_average']} (shared)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
