"""The shipped model stays small in the repository's history: a retrain rewrites only small
files (heads, word-level model, low-rank update, model.json), at most 5 MB in all, and keeps
the 21 MB fine-tuned encoder layers byte for byte, so each retrain adds at most 5 MB."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

# sentiment.confidence_model's MODEL_DIR and LAYERS_FILE, without importing torch
MODEL_DIR = Path(__file__).resolve().parents[1] / "sentiment" / "model"
LAYERS_FILE = "layers.safetensors"

# The encoder layers fine-tuned once on the corpus and NewsMTSC (the model card says when). A
# retrain that needs to move them writes a low-rank update (`lora.safetensors`) instead.
LAYERS_SHA256 = "b640a975127c6fde1fd20ff20ae6aaf0a8a2c69f2020d1b77ab8b3a45d3efe10"
RETRAIN_BUDGET = 5 * 1000**2  # bytes a retrain may add to the repository
# The model folder as committed: 24.5 MB today (23.4 MiB), of which the encoder layers are
# 21.3 MB; the standard's "under 25 MB" is read in decimal units.
ALL_FILES_BUDGET = 25 * 1000**2


def test_a_retrain_rewrites_at_most_5_mb():
    rewritten = {p.name: p.stat().st_size for p in MODEL_DIR.iterdir() if p.name != LAYERS_FILE}
    assert {"heads.safetensors", "model.json"} <= set(rewritten)
    assert sum(rewritten.values()) <= RETRAIN_BUDGET, rewritten


def test_the_encoder_layers_are_the_ones_fine_tuned_once():
    digest = hashlib.sha256((MODEL_DIR / LAYERS_FILE).read_bytes()).hexdigest()
    assert digest == LAYERS_SHA256, (
        "layers.safetensors changed: a retrain should add a low-rank update "
        "(pcm train --adapt) instead of rewriting 21 MB of history"
    )


def test_the_model_folder_stays_under_25_mb():
    total = sum(p.stat().st_size for p in MODEL_DIR.iterdir())
    assert total <= ALL_FILES_BUDGET


def _git(*args: str, stdin: str = "") -> str:
    return subprocess.run(
        ["git", *args], cwd=MODEL_DIR, input=stdin, capture_output=True, text=True, check=True
    ).stdout


def _added_bytes(commit: str) -> tuple[int, bool]:
    """(bytes of the model files a commit wrote, whether it wrote the encoder layers)."""
    diff = _git("diff-tree", "-r", "--root", "--no-commit-id", commit, "--", ".")
    rows = [line.split() for line in diff.splitlines()]
    written = {row[5]: row[3] for row in rows if row[4] != "D"}  # path -> new blob
    layers = any(path.endswith(LAYERS_FILE) for path in written)
    sizes = _git("cat-file", "--batch-check=%(objectsize)", stdin="\n".join(written.values()))
    return sum(int(n) for n in sizes.split()), layers


def test_each_retrain_in_the_history_added_at_most_5_mb():
    """Measured on the history itself where the checkout has it: every commit that rewrote the
    model folder after the encoder layers were last written added at most `RETRAIN_BUDGET`
    bytes of new files (full sizes; git's packing only makes them smaller)."""
    try:
        commits = _git("log", "--format=%H", "--", ".").split()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    for commit in commits:
        added, layers = _added_bytes(commit)
        if layers:
            break  # the commit that wrote the encoder layers: the retrains came after it
        assert added <= RETRAIN_BUDGET, f"{commit[:7]} added {added:,} bytes to the model"
