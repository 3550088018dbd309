"""`pcm train` then `pcm evaluate` end to end on a tiny corpus (seconds, into tmp_path)."""

import json
import shutil

import pytest
import torch

from pcm.cli import main
from sentiment.confidence_model import ConfidenceModel
from sentiment.corpus import DATA_DIR
from sentiment.topic_refit import ENCODER_SHARES

pytestmark = pytest.mark.slow


@pytest.fixture
def tiny_corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for letter in ("a", "b"):
        lines = (DATA_DIR / f"corpus_{letter}.jsonl").read_text(encoding="utf-8").splitlines()
        (folder / f"corpus_{letter}.jsonl").write_text(
            "\n".join(lines[:30]) + "\n", encoding="utf-8"
        )
        shutil.copy(DATA_DIR / f"people_{letter}.yaml", folder)
    return folder


def test_train_then_evaluate_tiny(tiny_corpus, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("PCM_NEWSMTSC", raising=False)
    out = tmp_path / "model"
    args = [
        "train",
        "--corpus",
        str(tiny_corpus),
        "--out",
        str(out),
        "--epochs",
        "1",
        "--layers",
        "1",
        "--seed",
        "3",
    ]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "training on the corpus only" in printed  # no NewsMTSC: skipped with a line
    assert (tiny_corpus / "split.json").exists()
    assert {p.name for p in out.iterdir()} == {
        "model.json",
        "layers.safetensors",
        "heads.safetensors",
        "lexical.json",
        "lexical.safetensors",
    }
    assert sum(p.stat().st_size for p in out.iterdir()) < 25 * 1024 * 1024
    meta = json.loads((out / "model.json").read_text())
    # choices on dev, then the topic head and word-level model fitted again on train + dev
    assert meta["topic_refit"]["final_fit"] == "train+dev"
    assert 0 < meta["topic_refit"]["steps"] <= 600
    assert set(json.loads((out / "lexical.json").read_text())) == {"word", "char"}
    # the encoder head's weight in the topic mix was picked on dev and is the one applied
    share = meta["topic_encoder_share"]
    assert share in ENCODER_SHARES
    model = ConfidenceModel(out, runtime="torch")
    assert model.encoder_share == share
    texts = ["Officers searched the man without recording why.", "Council tax precept rises."]
    with torch.inference_mode():
        encoder_probs = torch.sigmoid(model.heads.topic_logits(model.pooled(texts)))
    lexical_probs = torch.from_numpy(model.lexical.probs(texts)).float()
    mixed = share * encoder_probs + (1 - share) * lexical_probs
    assert torch.allclose(model.topic_probs(texts), mixed, atol=1e-6)
    version = ConfidenceModel(out).version
    # Same seed, same data: the same model files, so the same version.
    assert main([*args[:4], str(tmp_path / "again"), *args[5:]]) == 0
    assert ConfidenceModel(tmp_path / "again").version == version
    capsys.readouterr()
    assert (
        main(
            [
                "evaluate",
                "--corpus",
                str(tiny_corpus),
                "--model",
                str(out),
                "--split",
                "dev",
                "--json",
            ]
        )
        == 0
    )
    result = json.loads(capsys.readouterr().out)
    assert result["model"]["version"] == version
    corpus = result["corpus"]
    assert corpus["passages"] > 0
    for key in ("topic_micro_f1", "stance_macro_f1", "voice_accuracy", "vader_stance_macro_f1"):
        assert 0.0 <= corpus[key] <= 1.0
    assert result["newsmtsc"] is None


def test_train_refuses_newsmtsc_devtest(tiny_corpus, tmp_path):
    bad = tmp_path / "devtest_rw.jsonl"
    bad.write_text("{}\n")
    from sentiment.training import train_model

    with pytest.raises(ValueError, match=r"only NewsMTSC train\.jsonl"):
        train_model(tmp_path / "m", tiny_corpus, bad)
